"""Sync calls release the GIL: 8 threads have 8 requests in flight at once (sandbox gauge)."""

from __future__ import annotations

import asyncio
import threading


def test_eight_threads_eight_in_flight(sandbox) -> None:  # type: ignore[no-untyped-def]
    client = sandbox.saferpay_client(max_retries=0)
    sandbox.inject_fault("saferpay.license", "delay", 8, delay_ms=1500)
    barrier = threading.Barrier(8)
    results: list = []
    errors: list = []

    def work() -> None:
        try:
            barrier.wait()
            results.append(client.license())
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert len(results) == 8
    route = sandbox.stats()["routes"]["saferpay.license"]
    assert route["requests"] == 8
    assert route["max_in_flight"] == 8


async def test_eight_tasks_eight_in_flight(sandbox) -> None:  # type: ignore[no-untyped-def]
    aclient = sandbox.async_saferpay_client(max_retries=0)
    sandbox.inject_fault("saferpay.terminals", "delay", 8, delay_ms=1500)
    results = await asyncio.gather(*(aclient.terminals() for _ in range(8)))
    assert len(results) == 8
    assert sandbox.stats()["routes"]["saferpay.terminals"]["max_in_flight"] == 8
