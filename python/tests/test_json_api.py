"""Saferpay JSON API (payment page, capture, refund, asserts, cancel, inquire), payment links
and SekurePay orders in the sync and the async clients."""

from __future__ import annotations

import pytest

from paywire import (
    Capture,
    CaptureStatus,
    ConflictError,
    Money,
    Payment,
    PaymentLink,
    PaymentPageSession,
    RefundStatus,
    SekurePayOrder,
    ValidationError,
)

RETURN = "https://shop.example/return"


def test_payment_lifecycle_sync(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.saferpay_client()
    session = c.initialize_payment_page(
        Money(1000, "CHF"), "order-pp-1", "Basket", RETURN,
        success_notify_url="https://shop.example/ok", fail_notify_url="https://shop.example/fail",
        payment_methods=["VISA", "MASTERCARD"], payer={"language_code": "de"}, pre_auth=False,
        terminal_id="17757531", register_alias={"id_generator": "RANDOM"},
    )
    assert isinstance(session, PaymentPageSession) and session.token and session.redirect_url
    sandbox.pay_payment_page(session.token, "success")
    payment = c.assert_payment_page(session.token)
    assert isinstance(payment, Payment)
    tx = payment.transaction
    assert (tx.type, tx.status, tx.amount) == ("PAYMENT", "AUTHORIZED", Money(1000, "CHF"))
    assert payment.payment_means.payment_method and isinstance(payment.raw, dict)
    assert "Payment(transaction=Transaction(" in repr(payment)
    capture = c.capture(tx.id)
    assert isinstance(capture, Capture) and capture.status == "CAPTURED" and capture.capture_id
    status = c.assert_capture(capture.capture_id)
    assert isinstance(status, CaptureStatus) and status.status == "CAPTURED"
    with pytest.raises(ConflictError):
        c.capture(tx.id)
    refund = c.refund(capture.capture_id, Money(300, "CHF"), order_id="order-pp-1-r", description="partial")
    assert refund.transaction.type == "REFUND"
    c.capture(refund.transaction.id, amount=Money(300, "CHF"))
    refund_status = c.assert_refund(refund.transaction.id)
    assert isinstance(refund_status, RefundStatus) and refund_status.status == "CAPTURED"
    assert c.inquire(tx.id).transaction.status == "CAPTURED"
    other = c.initialize_payment_page(Money(500, "CHF"), "order-pp-2", "Other", RETURN)
    sandbox.pay_payment_page(other.token)
    authorized = c.payment_outcome(other.token)
    cancel = c.cancel(authorized.transaction.id)
    assert cancel.transaction_id == authorized.transaction.id
    with pytest.raises(ValidationError) as info:
        c.refund(capture.capture_id, Money(0, "CHF"))
    assert info.value.field == "amount"


async def test_payment_lifecycle_async(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.async_saferpay_client()
    session = await c.initialize_payment_page(Money(1000, "EUR"), "order-apy-1", "Basket", RETURN)
    sandbox.pay_payment_page(session.token)
    payment = await c.assert_payment_page(session.token)
    capture = await c.capture(payment.transaction.id, Money(1000, "EUR"))
    assert (await c.assert_capture(capture.capture_id)).status == "CAPTURED"
    refund = await c.refund(capture.capture_id, Money(100, "EUR"))
    await c.capture(refund.transaction.id)
    assert (await c.assert_refund(refund.transaction.id)).status == "CAPTURED"
    assert (await c.inquire(payment.transaction.id)).transaction.status == "CAPTURED"
    other = await c.initialize_payment_page(Money(500, "EUR"), "order-apy-2", "Other", RETURN)
    sandbox.pay_payment_page(other.token)
    authorized = await c.payment_outcome(other.token)
    assert (await c.cancel(authorized.transaction.id)).transaction_id == authorized.transaction.id


def test_payment_links_sync(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.saferpay_client()
    link = c.create_payment_link(Money(1250, "EUR"), "order-link-1", "Order")
    assert isinstance(link, PaymentLink) and (link.provider, link.status) == ("saferpay", "open")
    sandbox.pay_payment_link("saferpay", link.id)
    paid = c.get_payment_link(link.id)
    assert paid.status == "paid" and paid.transaction_id and paid.provider_status == "PAID"
    other = c.create_payment_link(Money(990, "EUR"), "order-link-2", "Order")
    assert c.cancel_payment_link(other.id).status == "canceled"


async def test_payment_links_async(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.async_saferpay_client()
    link = await c.create_payment_link(Money(1250, "EUR"), "order-alink-1", "Order")
    sandbox.pay_payment_link("saferpay", link.id)
    assert (await c.get_payment_link(link.id)).status == "paid"
    other = await c.create_payment_link(Money(990, "EUR"), "order-alink-2", "Order")
    assert (await c.cancel_payment_link(other.id)).status == "canceled"


def test_sekurepay_sync(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.sekurepay_client()
    order = c.create_order(
        "sp-order-1", "USD",
        [{"description": "Widget", "amount_cents": 5000, "quantity": 2}],
        taxes=[{"description": "Tax", "amount_cents": 500}], shipping_amount_cents=200,
    )
    assert isinstance(order, SekurePayOrder)
    assert order.total == Money(10700, "USD") and order.sub_total == Money(10000, "USD")
    assert c.get_order("sp-order-1").total == Money(10700, "USD")
    with pytest.raises(ConflictError):
        c.create_order("sp-order-1", "USD", [{"description": "Again", "amount_cents": 100}])
    with pytest.raises(ValidationError) as info:
        c.create_order("sp-order-2", "USD", [{"description": "Negative", "amount_cents": -1}])
    assert info.value.field == "items[0].amount_cents"
    assert "SekurePayClient(base_url=" in repr(c) and "sandbox-sekurepay-key" not in repr(c)


async def test_sekurepay_async(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.async_sekurepay_client()
    order = await c.create_order("sp-order-a1", "EUR", [{"description": "Thing", "amount_cents": 250}])
    assert order.total == Money(250, "EUR")
    assert (await c.get_order("sp-order-a1")).id == "sp-order-a1"
