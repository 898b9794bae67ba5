"""Runs the examples against the embedded sandbox: the Flask shop served on 127.0.0.1 (with
the sandbox's variables in the environment, as ``paywire sandbox`` prints them) and the worker
as a program. The sandbox plays the payer; the checks read what the handlers recorded
(``GET /orders/<id>``, the worker's output) and the sandbox's own log and counters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Dict, Iterator

import pytest
from werkzeug.serving import make_server

from paywire import Money
from paywire.testing import Sandbox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def sandbox_env(sandbox: Sandbox) -> Dict[str, str]:
    env = {name.upper(): value for name, value in Sandbox.credentials().items()}
    env["SAFERPAY_BASE_URL"] = sandbox.saferpay_base_url
    env["SECUCONNECT_BASE_URL"] = sandbox.secuconnect_base_url
    env["SEKUREPAY_BASE_URL"] = sandbox.sekurepay_base_url
    return env


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        for name, value in sandbox_env(sandbox).items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("PUBLIC_URL", raising=False)
        yield sandbox


class Shop:
    def __init__(self, url: str) -> None:
        self.url = url

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, str]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=15) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def post(self, path: str, body: Any) -> Dict[str, Any]:
        status, text = self.call("POST", path, body)
        assert status == 200, text
        return json.loads(text)

    def wait_for_order(self, order_id: str, done: Callable[[Dict[str, Any]], bool]) -> Dict[str, Any]:
        deadline = time.monotonic() + 15
        while True:
            status, text = self.call("GET", f"/orders/{order_id}")
            assert status == 200, text
            order = json.loads(text)
            if done(order):
                return order
            assert time.monotonic() < deadline, f"order {order_id} did not get there: {order}"
            time.sleep(0.05)


@pytest.fixture
def shop(sandbox: Sandbox) -> Iterator[Shop]:
    import shop as shop_module

    server = make_server("127.0.0.1", 0, shop_module.create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Shop(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(5)


def token_of(redirect_url: str) -> str:
    """The payment page token: the last segment of the sandbox's payer URL."""
    return redirect_url.rstrip("/").rsplit("/", 1)[-1]


def delivered(sandbox: Sandbox, kind: str) -> list[Dict[str, Any]]:
    return [n for n in sandbox.notifications() if n["kind"] == kind]


def test_saferpay_return_and_notify_capture_once(sandbox: Sandbox, shop: Shop) -> None:
    created = shop.post("/orders", {"amount": "25.00", "currency": "EUR", "description": "ticket"})
    paid = sandbox.pay_payment_page(token_of(created["redirect_url"]), "success")
    with urllib.request.urlopen(paid["return_url"], timeout=15) as answer:
        page = answer.read().decode()
    assert "is paid" in page, page

    order = shop.wait_for_order(created["order_id"], lambda o: len(o["seen"]) == 2)
    assert order["status"] == "paid", order
    assert order["capture_id"], order
    assert sorted(order["seen"]) == ["notify", "return"], order
    assert sandbox.stats()["effects"]["captures"] == 1
    notifies = delivered(sandbox, "saferpay.success_notify")
    assert [n["status"] for n in notifies] == [200], notifies


def test_saferpay_declined_payment_is_recorded_by_the_notify_route(sandbox: Sandbox, shop: Shop) -> None:
    created = shop.post("/orders", {"amount": "9.50", "currency": "CHF", "description": "scarf"})
    sandbox.pay_payment_page(token_of(created["redirect_url"]), "decline")
    order = shop.wait_for_order(created["order_id"], lambda o: o["status"] != "open")
    assert order["status"] == "failed", order
    assert order["seen"] == ["notify"], order
    assert sandbox.stats()["effects"]["captures"] == 0


def test_secuconnect_push_is_read_back_through_the_api(sandbox: Sandbox, shop: Shop) -> None:
    created = shop.post("/secuconnect/orders", {"amount": "19.90", "currency": "EUR"})
    assert created["payment_link"], created
    sandbox.complete_smart_transaction(created["smart_transaction_id"], "success")
    order = shop.wait_for_order(created["order_id"], lambda o: o["status"] != "open")
    assert order["status"] == "accepted", order
    assert order["payment_transaction_id"], order
    assert len(order["pushes"]) == 1, order
    pushes = delivered(sandbox, "secuconnect.push")
    assert pushes and all(p["status"] == 200 for p in pushes), pushes
    # A repeated delivery of the same push is acknowledged and changes nothing.
    status, _ = shop.call("POST", "/secuconnect/push", pushes[0]["body"])
    assert status == 200
    assert shop.wait_for_order(created["order_id"], lambda o: True)["pushes"] == order["pushes"]


def test_worker_settles_open_payment_pages(sandbox: Sandbox, tmp_path: Path) -> None:
    client = sandbox.saferpay_client()
    orders = []
    for n, outcome in enumerate(["success", "success", "decline", None]):
        session = client.initialize_payment_page(
            Money.parse("10.00", "EUR"), f"worker-order-{n}", "order", "http://127.0.0.1:9/return")
        if outcome:
            sandbox.pay_payment_page(session.token, outcome)
        orders.append({"order_id": f"worker-order-{n}", "token": session.token})
    pending = tmp_path / "pending.jsonl"
    pending.write_text("".join(json.dumps(o) + "\n" for o in orders))

    run = subprocess.run([sys.executable, str(HERE / "worker.py"), str(pending)],
                         env={**os.environ, **sandbox_env(sandbox)},
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    results = {r["order_id"]: r for r in map(json.loads, run.stdout.splitlines())}
    assert [results[f"worker-order-{n}"]["status"] for n in range(4)] == ["paid", "paid", "failed", "open"], results
    assert all(results[f"worker-order-{n}"]["capture_id"] for n in range(2))
    assert sandbox.stats()["effects"]["captures"] == 2
