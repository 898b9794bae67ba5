"""Reporting: a plain iterator / async iterator, fetching pages serially in batches."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from paywire import Money, ReportedTransaction, ValidationError


def _range():  # type: ignore[no-untyped-def]
    today = date.today()
    return today - timedelta(days=3), today - timedelta(days=1)


def test_sync_iteration(sandbox, client) -> None:  # type: ignore[no-untyped-def]
    start, end = _range()
    it = client.transactions(start, end, page_size=700)
    assert iter(it) is it
    items = list(it)
    assert items and all(isinstance(t, ReportedTransaction) for t in items)
    assert len({t.id for t in items}) == len(items)
    assert it.total_transactions == len(items)
    first = items[0]
    assert first.status and first.customer_id == "123456"
    assert first.amount is None or isinstance(first.amount, Money)
    assert isinstance(first.raw, dict) and "ReportedTransaction(id=" in repr(first)
    stats = sandbox.stats()["routes"]["saferpay.transactions.report"]
    assert stats["max_in_flight"] == 1
    pages = -(-len(items) // 700)
    assert pages <= stats["requests"] <= pages + 1
    with pytest.raises(StopIteration):
        next(it)


def test_early_stop_fetches_one_page(sandbox, client) -> None:  # type: ignore[no-untyped-def]
    start, end = _range()
    it = client.transactions(start, end, page_size=100)
    taken = [next(it) for _ in range(5)]
    assert len(taken) == 5
    assert sandbox.stats()["routes"]["saferpay.transactions.report"]["requests"] == 1
    assert it.next_page_number == 2


def test_dates_as_datetimes_and_strings(client) -> None:  # type: ignore[no-untyped-def]
    start, end = _range()
    a = list(client.transactions(datetime.combine(start, datetime.min.time()),
                                 datetime.combine(end, datetime.min.time()).replace(hour=0, minute=0)))
    b = list(client.transactions(start.isoformat(), end.isoformat() + "T00:00", state="SUCCESSFUL"))
    assert len(a) == len(b)
    with pytest.raises(ValidationError) as info:
        client.transactions(start, end, state="NOPE")
    assert info.value.field == "state"
    with pytest.raises(ValidationError) as info:
        client.transactions(datetime.combine(start, datetime.min.time()).replace(second=5), end)
    assert info.value.field == "start"


async def test_async_iteration(sandbox, aclient, client) -> None:  # type: ignore[no-untyped-def]
    start, end = _range()
    it = aclient.transactions(start, end, page_size=700)
    assert it.__aiter__() is it
    ids = [t.id async for t in it]
    assert len(ids) == len(set(ids)) == it.total_transactions
    assert ids == [t.id for t in client.transactions(start, end, page_size=700)]
    with pytest.raises(StopAsyncIteration):
        await it.__anext__()
    assert sandbox.stats()["routes"]["saferpay.transactions.report"]["max_in_flight"] == 1


async def test_async_empty_and_filtered(aclient) -> None:  # type: ignore[no-untyped-def]
    start, end = _range()
    failed = [t async for t in aclient.transactions(start, end, state="FAILED", terminal_id="17757531")]
    assert all(t.status == "FAILED" for t in failed)
