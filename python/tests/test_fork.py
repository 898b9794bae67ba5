"""Safe after fork(): a child process makes calls (sync and async) without deadlocking."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import time
import warnings

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")


def _child_calls(client, aclient, url: str) -> int:  # type: ignore[no-untyped-def]
    from paywire import SaferpayClient

    assert client.license().package_id
    assert asyncio.run(aclient.terminals())
    fresh = SaferpayClient("123456", "API_123456_17757531", "sandbox-saferpay-password-3141",
                           "17757531", base_url=url + "/api")
    assert fresh.terminals()
    return 0


def test_os_fork_child_calls(sandbox) -> None:  # type: ignore[no-untyped-def]
    client = sandbox.saferpay_client(timeout=10)
    aclient = client.async_client()
    # The parent uses the runtime and the connection pool first.
    assert client.license().package_id
    assert asyncio.run(aclient.license()).package_id
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
        pid = os.fork()
    if pid == 0:  # child
        code = 1
        try:
            code = _child_calls(client, aclient, sandbox.url)
        except BaseException as error:  # noqa: BLE001
            print(f"child failed: {error!r}", file=sys.stderr)
        finally:
            os._exit(code)
    deadline = time.monotonic() + 30
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child deadlocked")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    # The parent keeps working too.
    assert client.license().package_id


def _mp_worker(client, queue) -> None:  # type: ignore[no-untyped-def]
    try:
        queue.put(("ok", len(client.terminals())))
    except BaseException as error:  # noqa: BLE001
        queue.put(("error", repr(error)))


def test_multiprocessing_fork_pool(sandbox) -> None:  # type: ignore[no-untyped-def]
    client = sandbox.saferpay_client(timeout=10)
    assert client.terminals()
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        procs = [ctx.Process(target=_mp_worker, args=(client, queue)) for _ in range(3)]
        for p in procs:
            p.start()
    results = [queue.get(timeout=30) for _ in procs]
    for p in procs:
        p.join(10)
        if p.is_alive():
            p.kill()
            pytest.fail("a forked worker hung")
    assert all(kind == "ok" for kind, _ in results), results
