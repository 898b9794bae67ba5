"""``token_store``: a store object of the user's own (``get``/``put``/``clear``), and a shared
Redis store (a real ``redis-server`` on 127.0.0.1 and a free port, installed by
python/scripts/test) through which separate clients refresh once between them."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterator, List, Optional

import pytest

import paywire
from paywire.testing import SANDBOX_CREDENTIALS, Sandbox


def secuconnect(sandbox: Sandbox, **options: Any) -> paywire.SecuconnectClient:
    return paywire.SecuconnectClient(
        SANDBOX_CREDENTIALS["secuconnect_client_id"],
        SANDBOX_CREDENTIALS["secuconnect_client_secret"],
        contract_id=SANDBOX_CREDENTIALS["secuconnect_contract_id"],
        base_url=sandbox.secuconnect_base_url,
        **options,
    )


def token_requests(sandbox: Sandbox) -> int:
    return int(sandbox.stats()["routes"]["secuconnect.oauth.token"]["requests"])


class DictStore:
    def __init__(self) -> None:
        self.tokens: Dict[str, Dict[str, Any]] = {}
        self.calls: List[str] = []
        self._lock = threading.Lock()

    def get(self, key: str) -> Optional[Dict[str, Any]]:
        with self._lock:
            self.calls.append("get")
            return self.tokens.get(key)

    def put(self, key: str, token: Dict[str, Any]) -> None:
        with self._lock:
            self.calls.append("put")
            self.tokens[key] = dict(token)

    def clear(self, key: str) -> None:
        with self._lock:
            self.calls.append("clear")
            self.tokens.pop(key, None)


def test_a_store_object_of_your_own(sandbox: Sandbox, report) -> None:  # type: ignore[no-untyped-def]
    store = DictStore()
    before = token_requests(sandbox)
    first = secuconnect(sandbox, token_store=store)
    created = first.create_smart_transaction(paywire.Money(100, "EUR"))
    assert "put" in store.calls
    (key, token), = store.tokens.items()
    assert "client_secret" not in key and SANDBOX_CREDENTIALS["secuconnect_client_secret"] not in key
    assert token["access_token"] and token["expires_at"] > time.time()
    # A second client (a restarted worker) takes the stored token: no new token request.
    second = secuconnect(sandbox, token_store=store)
    second.get_smart_transaction(created.id)
    assert token_requests(sandbox) - before == 1
    report.append(f"python token_store object: {len(store.calls)} store call(s), 1 token request for 2 clients")


class BrokenStore:
    def get(self, key: str) -> None:
        raise RuntimeError("store down")

    def put(self, key: str, token: Dict[str, Any]) -> None:
        raise RuntimeError("store down")

    def clear(self, key: str) -> None:
        raise RuntimeError("store down")


def test_a_failing_store_object_never_fails_the_call(sandbox: Sandbox) -> None:
    client = secuconnect(sandbox, token_store=BrokenStore())
    assert client.create_smart_transaction(paywire.Money(100, "EUR")).id


@pytest.fixture
def redis_url() -> Iterator[str]:
    binary = os.environ.get("PAYWIRE_REDIS_SERVER", "redis-server")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as c:
                    c.sendall(b"PING\r\n")
                    if c.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/"
    finally:
        proc.kill()
        proc.wait()


def test_clients_sharing_redis_refresh_once(sandbox: Sandbox, redis_url: str, report) -> None:  # type: ignore[no-untyped-def]
    first = secuconnect(sandbox, token_store=redis_url)
    created = first.create_smart_transaction(paywire.Money(100, "EUR"))
    sandbox.expire_tokens()
    before = token_requests(sandbox)
    # Separate clients, as separate workers would hold them: only Redis is shared.
    clients = [secuconnect(sandbox, token_store=redis_url) for _ in range(6)]
    with ThreadPoolExecutor(len(clients)) as pool:
        results = list(pool.map(lambda c: c.get_smart_transaction(created.id).id, clients))
    requests = token_requests(sandbox) - before
    report.append(f"python token_store=redis: 6 clients on an expired token, {requests} token request(s)")
    assert results == [created.id] * 6
    assert requests == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_workers_share_redis_and_refresh_once(sandbox: Sandbox, redis_url: str, report) -> None:  # type: ignore[no-untyped-def]
    # As gunicorn does: the client (and its Redis connection) made before the fork.
    client = secuconnect(sandbox, token_store=redis_url)
    created = client.create_smart_transaction(paywire.Money(100, "EUR"))
    sandbox.expire_tokens()
    before = token_requests(sandbox)
    children = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = 0 if client.get_smart_transaction(created.id).id == created.id else 1
            finally:
                os._exit(code)
        children.append(pid)
    assert client.get_smart_transaction(created.id).id == created.id
    codes = [os.waitpid(pid, 0)[1] for pid in children]
    requests = token_requests(sandbox) - before
    report.append(f"python token_store=redis: parent + 3 forked workers on an expired token, {requests} token request(s)")
    assert codes == [0, 0, 0]
    assert requests == 1
