"""Every Saferpay method of API.md (and the extras) in the sync and the async client."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta, timezone

import pytest

from paywire import (
    AsyncSaferpayClient,
    License,
    Money,
    Offer,
    SaferpayClient,
    Terminal,
    ValidationError,
)


def _later(days: int = 2) -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=days)


def test_offer_lifecycle_sync(sandbox, client: SaferpayClient) -> None:  # type: ignore[no-untyped-def]
    offer = client.create_offer(
        Money.parse("4.04", "CHF"),
        "order-sync-1",
        "Invoice 4711",
        _later(),
        payer={"language_code": "de", "billing_address": {"first_name": "Ada", "email": "ada@example.com"}},
        pre_auth=True,
        max_payment_attempts=3,
        register_alias=True,
        billing_address_form={"address_source": "SAFERPAY", "mandatory_fields": ["CITY", "ZIP"]},
        order={"items": [{"name": "Book", "quantity": 2, "unit_price": Money(202, "CHF")}]},
        condition="NONE",
        terminal_id="17757531",
    )
    assert isinstance(offer, Offer)
    assert offer.status == "OPEN" and offer.amount == Money(404, "CHF")
    assert offer.payment_link.startswith(sandbox.url)
    assert offer.order_id == "order-sync-1" and offer.terminal_id == "17757531"
    assert "Offer(offer_id=" in repr(offer) and "Money(404, 'CHF')" in repr(offer)
    assert isinstance(offer.raw, dict)
    sandbox.pay_offer(offer.offer_id, "success")
    paid = client.get_offer(offer.offer_id)
    assert paid.status == "PAID" and paid.transaction_id
    assert paid.created_at and paid.expires_at and paid.description == "Invoice 4711"

    other = client.create_offer(Money(1500, "JPY"), "order-sync-2", "withdrawn", _later(3).isoformat())
    assert client.delete_offer(other.offer_id) is None
    assert client.get_offer(other.offer_id, terminal_id="17757531").status == "DISABLED"


async def test_offer_lifecycle_async(sandbox, aclient: AsyncSaferpayClient) -> None:  # type: ignore[no-untyped-def]
    offer = await aclient.create_offer(Money(404, "CHF"), "order-async-1", "Invoice", _later())
    assert offer.status == "OPEN"
    sandbox.pay_offer(offer.offer_id)
    assert (await aclient.get_offer(offer.offer_id)).status == "PAID"
    other = await aclient.create_offer(Money(100, "EUR"), "order-async-2", "gone", _later())
    assert await aclient.delete_offer(other.offer_id) is None
    assert (await aclient.get_offer(other.offer_id)).status == "DISABLED"


def test_account_sync(client: SaferpayClient) -> None:
    lic = client.license()
    assert isinstance(lic, License) and lic.package_id and lic.package_name
    assert all(f.id for f in lic.features)
    assert client.license_configuration().package_id == lic.package_id
    terminals = client.terminals()
    assert terminals and all(isinstance(t, Terminal) for t in terminals)
    one = client.terminal(terminals[0].terminal_id)
    assert one.terminal_id == terminals[0].terminal_id and one.type
    assert "Terminal(terminal_id=" in repr(one)
    assert all(pm.payment_method for pm in one.payment_methods)
    assert isinstance(one.wallets, list)
    configs = client.payment_page_configurations()
    assert isinstance(configs, list)
    token = client.create_fields_access_token("Fields", ["https://shop.example/checkout"])
    assert isinstance(token, str) and token
    assert client.delete_fields_access_token(token) is None


async def test_account_async(aclient: AsyncSaferpayClient) -> None:
    lic, terminals, configs, lic2 = await asyncio.gather(
        aclient.license(), aclient.terminals(), aclient.payment_page_configurations(),
        aclient.license_configuration(),
    )
    assert lic.package_id == lic2.package_id
    assert (await aclient.terminal(terminals[0].terminal_id)).type
    assert isinstance(configs, list)
    token = await aclient.create_fields_access_token("Fields", ("https://shop.example/",), terminal_id="17757531")
    assert await aclient.delete_fields_access_token(token, terminal_id="17757531") is None


def test_coroutines_work_with_asyncio_run_and_tasks(sandbox) -> None:  # type: ignore[no-untyped-def]
    aclient = sandbox.async_saferpay_client()
    assert asyncio.run(aclient.license()).package_id

    async def main() -> str:
        task = asyncio.create_task(aclient.license())
        return (await task).package_id

    assert asyncio.run(main())


def test_unawaited_coroutine_sends_nothing(sandbox) -> None:  # type: ignore[no-untyped-def]
    aclient = sandbox.async_saferpay_client()
    coroutine = aclient.license()
    coroutine.close()
    assert sandbox.stats()["routes"]["saferpay.license"]["requests"] == 0


def test_sync_and_async_share_the_client(sandbox) -> None:  # type: ignore[no-untyped-def]
    client = sandbox.saferpay_client()
    aclient = client.async_client()
    assert isinstance(aclient, AsyncSaferpayClient)
    assert repr(aclient).startswith("AsyncSaferpayClient(")
    assert aclient.base_url == client.base_url
    assert isinstance(aclient.sync_client(), SaferpayClient)
    assert asyncio.run(aclient.license()).package_id


def test_with_options(client: SaferpayClient, sandbox) -> None:  # type: ignore[no-untyped-def]
    view = client.with_options(timeout=5, max_retries=0, request_id="fixed-request-id-1")
    sandbox.inject_fault("saferpay.license", "error_500")
    with pytest.raises(Exception) as info:
        view.license()
    assert getattr(info.value, "request_id", None) == "fixed-request-id-1"
    with pytest.raises(ValidationError) as vinfo:
        client.with_options(max_retries=99).license()
    assert vinfo.value.field == "max_retries"


def test_input_conversions(client: SaferpayClient) -> None:
    # Naive datetimes are ambiguous: refused with the field named.
    with pytest.raises(ValidationError) as info:
        client.create_offer(Money(100, "CHF"), "o-naive", "d", datetime.now() + timedelta(days=1))
    assert info.value.field == "expires_at"
    with pytest.raises(ValidationError) as info:
        client.create_offer(Money(100, "CHF"), "o-bad", "d", "tomorrow")
    assert info.value.field == "expires_at"
    with pytest.raises(ValidationError) as info:
        client.create_offer(Money(100, "CHF"), "o-bad", "d", _later(), payer={"billing_address": {"email": 5}})
    assert info.value.field == "payer.billing_address.email"
    with pytest.raises(ValidationError) as info:
        client.create_offer(Money(100, "CHF"), "o-bad", "d", _later(), payer={"nickname": "x"})
    assert info.value.field is not None and info.value.field.startswith("payer")
    assert "nickname" in info.value.message
    with pytest.raises(ValidationError) as info:
        client.create_offer("1.00 CHF", "o-bad", "d", _later())  # type: ignore[arg-type]
    assert info.value.field == "amount"
    with pytest.raises(ValidationError) as info:
        client.create_offer(Money(100, "CHF"), "o-bad", "d", _later(),
                            order={"items": [{"name": "x", "unit_price": Money(1, "EUR")}]})
    assert info.value.field == "order.items[0].unit_price"
    with pytest.raises(ValidationError) as info:
        client.transactions(date.today() - timedelta(days=3), date.today())
    assert info.value.field == "end"
