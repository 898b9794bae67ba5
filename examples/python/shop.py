"""A Flask shop taking payments through paywire: the Saferpay payment page with its return and
notify routes, and a secuconnect Smart Transaction with its push route.

Configuration comes from the environment, as ``paywire sandbox`` prints it (``SAFERPAY_*``,
``SECUCONNECT_*``), plus ``PUBLIC_URL``: the address Saferpay, secuconnect and the payer reach
this app at (default ``http://127.0.0.1:PORT``).

    flask --app shop run --port 5000        # or: python shop.py

Routes:
    POST /orders                    {"amount": "25.00", "currency": "EUR", "description": "…"}
                                    -> {"order_id", "redirect_url"}   (Saferpay payment page)
    GET  /saferpay/return?ref=…     the payer's browser comes back
    GET  /saferpay/notify?ref=…     Saferpay's bodiless notification
    POST /secuconnect/orders        {"amount": "19.90", "currency": "EUR"}
                                    -> {"order_id", "smart_transaction_id", "payment_link"}
    POST /secuconnect/push          secuconnect's push notification
    GET  /orders/<id>               what the shop knows about an order
"""

from __future__ import annotations

import os
import secrets
import threading
from typing import Any, Dict, Optional
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, request

from paywire import DeclinedError, Money, SaferpayClient, SecuconnectClient, ValidationError

PAYMENT_TRANSACTIONS = "payment.transactions"


class Orders:
    """What the shop keeps per order (a database table in a real shop)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._orders: Dict[str, Dict[str, Any]] = {}
        self._order_locks: Dict[str, threading.Lock] = {}
        self._refs: Dict[str, str] = {}
        self._pushes: set[str] = set()

    def add(self, order: Dict[str, Any], ref: Optional[str] = None) -> None:
        with self._lock:
            self._orders[order["order_id"]] = order
            self._order_locks[order["order_id"]] = threading.Lock()
            if ref is not None:
                self._refs[ref] = order["order_id"]

    def get(self, order_id: str) -> Optional[Dict[str, Any]]:
        with self._lock:
            order = self._orders.get(order_id)
            return dict(order) if order else None

    def by_ref(self, ref: Optional[str]) -> Optional[str]:
        with self._lock:
            return self._refs.get(ref or "")

    def lock(self, order_id: str) -> threading.Lock:
        with self._lock:
            return self._order_locks[order_id]

    def update(self, order_id: str, **changes: Any) -> Dict[str, Any]:
        with self._lock:
            self._orders[order_id].update(changes)
            return dict(self._orders[order_id])

    def first_time(self, push_id: str) -> bool:
        with self._lock:
            return push_id not in self._pushes

    def handled(self, push_id: str) -> None:
        with self._lock:
            self._pushes.add(push_id)


def create_app() -> Flask:
    app = Flask(__name__)
    saferpay = SaferpayClient.from_env()
    secuconnect = SecuconnectClient.from_env()
    orders = Orders()

    def base() -> str:
        return (os.environ.get("PUBLIC_URL") or request.host_url).rstrip("/")

    def url(path: str, ref: str) -> str:
        return f"{base()}{path}?{urlencode({'ref': ref})}"

    @app.post("/orders")
    def create_order() -> Any:
        body = request.get_json(force=True)
        order_id = f"order-{secrets.token_hex(8)}"
        # An unguessable reference in the URLs Saferpay and the payer call; never the token.
        ref = secrets.token_urlsafe(16)
        session = saferpay.initialize_payment_page(
            Money.parse(body["amount"], body["currency"]),
            order_id,
            body["description"],
            return_url=url("/saferpay/return", ref),
            success_notify_url=url("/saferpay/notify", ref),
            fail_notify_url=url("/saferpay/notify", ref),
        )
        orders.add(
            {"order_id": order_id, "provider": "saferpay", "status": "open",
             "token": session.token, "transaction_id": None, "capture_id": None, "seen": []},
            ref=ref,
        )
        return jsonify(order_id=order_id, redirect_url=session.redirect_url)

    def settle(order_id: str, trigger: str) -> Dict[str, Any]:
        """Return and notify race for one payment: both ask `payment_outcome` (one Assert per
        token), and the order's lock lets only the first of them capture."""
        with orders.lock(order_id):
            seen = (orders.get(order_id) or {}).get("seen", [])
            order = orders.update(order_id, seen=seen + [trigger])
            if order["status"] != "open":
                return order
            try:
                payment = saferpay.payment_outcome(order["token"])
            except DeclinedError as e:
                # Declined or aborted: the payer may try again with a new order. Other errors
                # answer 500, and Saferpay notifies again later.
                return orders.update(order_id, status="failed", error=str(e))
            tx = payment.transaction
            capture_id = tx.capture_id
            if tx.status == "AUTHORIZED":
                capture_id = saferpay.capture(tx.id).capture_id
            if tx.status in ("AUTHORIZED", "CAPTURED"):
                return orders.update(order_id, status="paid", transaction_id=tx.id,
                                     capture_id=capture_id)
            return orders.update(order_id, transaction_id=tx.id)

    @app.get("/saferpay/return")
    def saferpay_return() -> Any:
        order_id = orders.by_ref(request.args.get("ref"))
        if order_id is None:
            abort(404)
        order = settle(order_id, "return")
        if order["status"] == "paid":
            return f"Thank you: order {order_id} is paid."
        return f"Order {order_id} was not paid; please try again."

    @app.get("/saferpay/notify")
    def saferpay_notify() -> Any:
        order_id = orders.by_ref(request.args.get("ref"))
        if order_id is not None:
            settle(order_id, "notify")
        # Unknown (or forged) references get 200 too, so they are not repeated.
        return "", 200

    @app.post("/secuconnect/orders")
    def create_secuconnect_order() -> Any:
        body = request.get_json(force=True)
        order_id = f"order-{secrets.token_hex(8)}"
        stx = secuconnect.create_smart_transaction(
            Money.parse(body["amount"], body["currency"]),
            # Comes back as `order_id` on the Payment Transaction: how a push finds its order.
            merchant_ref=order_id,
            auto_capture=True,
            return_urls={"url_push": f"{base()}/secuconnect/push"},
        )
        orders.add({"order_id": order_id, "provider": "secuconnect", "status": "open",
                    "smart_transaction_id": stx.id, "payment_transaction_id": None,
                    "pushes": []})
        return jsonify(order_id=order_id, smart_transaction_id=stx.id,
                       payment_link=stx.payment_link)

    @app.post("/secuconnect/push")
    def secuconnect_push() -> Any:
        try:
            push = SecuconnectClient.parse_push(request.get_data())
        except ValidationError:
            return "not a push", 400
        if not orders.first_time(push.id):
            return "", 200  # deliveries repeat until acknowledged
        # A push is unsigned and has no status: read what it names through the API.
        for obj in push.objects:
            if obj.object != PAYMENT_TRANSACTIONS:
                continue
            transaction = secuconnect.get_payment_transaction(obj.id)
            order = orders.get(transaction.order_id or "")
            if order is not None:
                orders.update(order["order_id"], status=transaction.status_simple_text,
                              payment_transaction_id=transaction.id,
                              pushes=order["pushes"] + [push.id])
        orders.handled(push.id)
        return "", 200

    @app.get("/orders/<order_id>")
    def show_order(order_id: str) -> Any:
        order = orders.get(order_id)
        if order is None:
            abort(404)
        order.pop("token", None)
        return jsonify(order)

    return app


if __name__ == "__main__":
    create_app().run(port=int(os.environ.get("PORT", "5000")))
