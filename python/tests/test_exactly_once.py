"""Exactly once without replay: the sandbox's switch, the outcome_unknown error kind and its
settling call, seen from Python. The behaviour lives in the core; this checks what reaches
Python."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

import paywire
from paywire import Money, OutcomeUnknownError, PaywireError
from paywire.testing import Sandbox


@pytest.fixture
def no_replay() -> Iterator[Sandbox]:
    with Sandbox(request_id_replay=False) as sandbox:
        yield sandbox


def _paid_capture(sandbox: Sandbox, client: paywire.SaferpayClient, order_id: str) -> str:
    page = client.initialize_payment_page(Money(1000, "CHF"), order_id, "exactly once", "https://shop.example/return")
    sandbox.pay_payment_page(page.token, "success")
    tx = client.assert_payment_page(page.token).transaction.id
    capture_id = client.capture(tx).capture_id
    assert capture_id
    return capture_id


def test_the_switch(no_replay: Sandbox) -> None:
    assert no_replay.request_id_replay is False
    no_replay.set_request_id_replay(True)
    assert no_replay.request_id_replay is True
    no_replay.set_request_id_replay(False)
    assert no_replay.request_id_replay is False
    with Sandbox() as default:
        assert default.request_id_replay is True


def test_a_refund_whose_answer_was_lost_happens_once(no_replay: Sandbox) -> None:
    client = no_replay.saferpay_client()
    capture_id = _paid_capture(no_replay, client, "py-refund-once")
    no_replay.inject_fault("saferpay.transaction.refund", "drop_after_commit")
    refund = client.refund(capture_id, Money(100, "CHF"))
    order_id = refund.transaction.order_id
    assert order_id and order_id.startswith("pw-rf-")
    stats = no_replay.stats()
    assert stats["effects"]["refunds"] == 1
    assert stats["executed_duplicates"]["refunds"] == 0
    assert client.inquire_by_order_id(order_id).transaction.id == refund.transaction.id


def test_an_unkeyed_create_is_outcome_unknown_and_names_its_settling_call(no_replay: Sandbox) -> None:
    client = no_replay.saferpay_client()
    no_replay.inject_fault("saferpay.offers.create", "drop_after_commit")
    expires = datetime.now(timezone.utc) + timedelta(days=1)
    with pytest.raises(OutcomeUnknownError) as info:
        client.create_offer(Money(404, "CHF"), "py-offer-once", "exactly once", expires)
    e = info.value
    assert isinstance(e, PaywireError)
    assert e.kind == "outcome_unknown" and e.outcome_unknown is True
    assert "py-offer-once" in e.settle_with
    assert e.settle_with in str(e)
    assert no_replay.stats()["effects"]["offers_created"] == 1
    assert no_replay.stats()["routes"]["saferpay.offers.create"]["requests"] == 1


def test_async_refund_timed_out_names_inquire_by_order_id(no_replay: Sandbox) -> None:
    sync = no_replay.saferpay_client()
    capture_id = _paid_capture(no_replay, sync, "py-refund-timeout")
    client = no_replay.async_saferpay_client(timeout=0.3)
    no_replay.inject_fault("saferpay.transaction.refund", "delay", delay_ms=600)

    async def run() -> OutcomeUnknownError:
        with pytest.raises(OutcomeUnknownError) as info:
            await client.refund(capture_id, Money(100, "CHF"), order_id="py-rf-timeout-1")
        return info.value

    e = asyncio.run(run())
    assert e.settle_with == 'inquire_by_order_id("py-rf-timeout-1")'
    assert no_replay.stats()["routes"]["saferpay.transaction.refund"]["requests"] == 1, "never sent twice"
    # The sandbox drops a request whose client gave up, so the settling call says: not made.
    with pytest.raises(paywire.NotFoundError):
        sync.inquire_by_order_id("py-rf-timeout-1")
    assert no_replay.stats()["effects"]["refunds"] == 0
