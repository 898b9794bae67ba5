"""secuconnect: every method of API.md in the sync and the async client."""

from __future__ import annotations

import asyncio
import json

import pytest

from paywire import (
    AsyncSecuconnectClient,
    DeviceAuthorization,
    Money,
    NotFoundError,
    PaymentLink,
    PushNotification,
    SecuconnectClient,
    SmartTransaction,
    TokenInfo,
    ValidationError,
)

PUSH = {
    "object": "event.pushes",
    "id": "evt_d7a9cbd91c125ae409398b4e0e3199be",
    "created": "2021-06-21T08:30:28+02:00",
    "target": "payment.transactions",
    "type": "changed",
    "data": [{"object": "payment.transactions", "id": "PCI_2FY48DT0P2X6G636N5QK64UK2ADZAZ"}],
}


def test_smart_transactions_sync(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.secuconnect_client()
    stx = c.create_smart_transaction(
        Money(500, "EUR"), intent="sale", merchant_ref="m-sync-1", transaction_ref="Order 1",
        auto_capture=False, language="de", is_demo=False,
        return_urls={"url_success": "https://shop.example/ok"},
    )
    assert isinstance(stx, SmartTransaction) and stx.status == "created" and stx.payment_link
    assert "SmartTransaction(id=" in repr(stx) and isinstance(stx.raw, dict)
    assert c.get_smart_transaction(stx.id).amount == Money(500, "EUR")
    basket = [{"item_type": "article", "desc": "Widget", "quantity": 2, "price_one": 300}]
    updated = c.update_smart_transaction(stx.id, amount=Money(600, "EUR"), basket=basket, transaction_ref="Order 1b")
    assert updated.id == stx.id and updated.amount == Money(600, "EUR")
    assert [(b.desc, b.quantity, b.price_one) for b in updated.basket] == [("Widget", 2, 300)]
    assert "BasketItem(" in repr(updated.basket[0])
    assert c.prepare_smart_transaction(stx.id, "creditcard").status in ("approved", "ok")
    assert c.start_smart_transaction(stx.id, "creditcard").status == "ok"
    assert c.cancel_smart_transaction(stx.id).status == "cancelled"
    other = c.create_smart_transaction(Money(700, "EUR"))
    assert c.abort_smart_transaction(other.id).status == "cancelled"
    it = c.smart_transactions(page_size=1)
    items = list(it)
    assert len(items) == it.total == 2 and len({s.id for s in items}) == 2
    with pytest.raises(NotFoundError):
        c.get_smart_transaction("STX_DOESNOTEXIST00000000000000")
    with pytest.raises(ValidationError) as info:
        c.create_smart_transaction(Money(500, "EUR"), intent="gift")
    assert info.value.field == "intent"
    assert c.token_info() is not None and isinstance(c.token_info(), TokenInfo)


async def test_smart_transactions_async(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.async_secuconnect_client()
    stx = await c.create_smart_transaction(Money(500, "EUR"), merchant_ref="m-async-1")
    assert (await c.get_smart_transaction(stx.id)).status == "created"
    basket = [{"desc": "Widget", "quantity": 1, "price_one": 500}]
    assert (await c.update_smart_transaction(stx.id, amount=Money(500, "EUR"), basket=basket)).id == stx.id
    assert (await c.prepare_smart_transaction(stx.id, "creditcard")).status in ("approved", "ok")
    assert (await c.start_smart_transaction(stx.id)).status == "ok"
    assert (await c.cancel_smart_transaction(stx.id)).status == "cancelled"
    other = await c.create_smart_transaction(Money(700, "EUR"))
    assert (await c.abort_smart_transaction(other.id)).status == "cancelled"
    ids = [s.id async for s in c.smart_transactions(page_size=1, sort="created:desc")]
    assert sorted(ids) == sorted([stx.id, other.id])


def test_prepare_with_inline_bank_account(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.secuconnect_client()
    stx = c.create_smart_transaction(Money(500, "EUR"))
    account = {"owner": "Max Muster", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}
    assert c.prepare_smart_transaction(stx.id, "debit", bank_account=account).id == stx.id
    # The core decodes the dict and names the field.
    for bad in ({"owner": "Max Muster"}, dict(account, colour="blue"), "DE89370400440532013000"):
        with pytest.raises(ValidationError) as info:
            c.prepare_smart_transaction(stx.id, "debit", bank_account=bad)  # type: ignore[arg-type]
        assert info.value.field is not None and info.value.field.startswith("bank_account"), info.value


def test_payment_transactions(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.secuconnect_client()
    stx = c.create_smart_transaction(Money(800, "EUR"))
    sandbox.complete_smart_transaction(stx.id, "success")
    paid = c.get_smart_transaction(stx.id)
    assert paid.status == "ok" and paid.transactions
    pid = paid.transactions[0].id
    assert c.get_payment_transaction(pid).amount == Money(800, "EUR")
    assert c.check_payment_status(pid).amount == Money(800, "EUR")
    after = c.cancel_payment_transaction(pid, Money(100, "EUR"), reason="partial")
    assert after and all(t.id for t in after)

    async def main() -> None:
        a = c.async_client()
        assert (await a.get_payment_transaction(pid)).id == pid
        assert (await a.check_payment_status(pid)).status is not None
        assert await a.cancel_payment_transaction(pid, Money(100, "EUR"))

    asyncio.run(main())


def test_parse_push() -> None:
    body = json.dumps(PUSH)
    for cls in (SecuconnectClient, AsyncSecuconnectClient):
        push = cls.parse_push(body)
        assert isinstance(push, PushNotification)
        assert (push.id, push.target, push.type) == (PUSH["id"], "payment.transactions", "changed")
        assert push.object_ids == ["PCI_2FY48DT0P2X6G636N5QK64UK2ADZAZ"]
        assert cls.parse_push(body.encode()).id == PUSH["id"]
    with pytest.raises(ValidationError):
        SecuconnectClient.parse_push(b"not json")


def test_device_flow_sync(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.secuconnect_client()
    auth = c.device_authorize("/vendor/acme/uuid/sync-1")
    assert isinstance(auth, DeviceAuthorization) and auth.user_code and auth.verification_url
    assert "device_code" not in repr(auth)
    sandbox.approve_device(auth.user_code)
    info = c.device_poll(auth)
    assert isinstance(info, TokenInfo) and info.has_refresh_token


async def test_device_flow_async(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.async_secuconnect_client()
    auth = await c.device_authorize("/vendor/acme/uuid/async-1")
    sandbox.approve_device(auth.user_code)
    assert (await c.device_poll(auth)).token_type


def test_payment_links(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = sandbox.secuconnect_client()
    link = c.create_payment_link(Money(1250, "EUR"), "order-sl-1", "Order")
    assert isinstance(link, PaymentLink) and (link.provider, link.status) == ("secuconnect", "open")
    sandbox.pay_payment_link("secuconnect", link.id)
    assert c.get_payment_link(link.id).status == "paid"
    other = c.create_payment_link(Money(990, "EUR"), "order-sl-2", "Order")
    assert c.cancel_payment_link(other.id).status == "canceled"

    async def main() -> None:
        a = sandbox.async_secuconnect_client()
        l2 = await a.create_payment_link(Money(500, "EUR"), "order-sl-3", "Order")
        assert (await a.get_payment_link(l2.id)).status == "open"
        assert (await a.cancel_payment_link(l2.id)).status == "canceled"

    asyncio.run(main())


def test_repr_hides_secret(sandbox) -> None:  # type: ignore[no-untyped-def]
    c = SecuconnectClient("my-id", "top-secret-value-123", base_url=sandbox.secuconnect_base_url)
    for client in (c, c.async_client(), c.with_options(timeout=2), sandbox.secuconnect_client()):
        assert "top-secret-value" not in repr(client) and "sandbox-client-secret" not in repr(client)
