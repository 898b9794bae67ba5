"""Cancellation: asyncio cancel aborts the request; Ctrl-C interrupts a sync call."""

from __future__ import annotations

import _thread
import asyncio
import signal
import threading
import time

import pytest


def _in_flight(sandbox, route: str) -> int:  # type: ignore[no-untyped-def]
    return int(sandbox.stats()["routes"][route]["in_flight"])


def _wait_until(predicate, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


async def test_task_cancel_aborts_request(sandbox) -> None:  # type: ignore[no-untyped-def]
    aclient = sandbox.async_saferpay_client(max_retries=0)
    sandbox.inject_fault("saferpay.license", "delay", 1, delay_ms=4000)
    task = asyncio.ensure_future(aclient.license())
    for _ in range(200):
        await asyncio.sleep(0.01)
        if _in_flight(sandbox, "saferpay.license") == 1:
            break
    assert _in_flight(sandbox, "saferpay.license") == 1
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - started < 1.0
    # The HTTP request was abandoned: the sandbox sees the connection go away long before
    # the 4 s delay would have ended.
    assert _wait_until(lambda: _in_flight(sandbox, "saferpay.license") == 0, timeout=2.0)


async def test_wait_for_timeout_cancels(sandbox) -> None:  # type: ignore[no-untyped-def]
    aclient = sandbox.async_saferpay_client(max_retries=0)
    sandbox.inject_fault("saferpay.terminals", "delay", 1, delay_ms=4000)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(aclient.terminals(), timeout=0.3)
    assert _wait_until(lambda: _in_flight(sandbox, "saferpay.terminals") == 0, timeout=2.0)
    # The client keeps working afterwards.
    assert await aclient.terminals()


def test_ctrl_c_interrupts_sync_call(sandbox, client) -> None:  # type: ignore[no-untyped-def]
    assert threading.current_thread() is threading.main_thread()
    # A process started in the background by a non-interactive shell inherits SIGINT as
    # ignored, and then `interrupt_main` does nothing. Ctrl-C in a terminal always meets
    # Python's handler, which is what this test is about, so it installs that handler.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        sandbox.inject_fault("saferpay.license", "delay", 1, delay_ms=4000)
        timer = threading.Timer(0.3, _thread.interrupt_main)
        started = time.monotonic()
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                client.license()
        finally:
            timer.cancel()
        assert time.monotonic() - started < 2.0
        assert _wait_until(lambda: _in_flight(sandbox, "saferpay.license") == 0, timeout=2.0)
        assert client.license().package_id
    finally:
        signal.signal(signal.SIGINT, previous)
