"""Part 2: Saferpay get_offer / create_offer through paywire's Python clients against
straightforward `requests` and `httpx` implementations of the same HTTP calls.

Every implementation sends the same request (Basic auth, Saferpay-ApiVersion, a fresh
Saferpay-RequestId, the same JSON body) and decodes the JSON answer. Configurations:

  sync, 1 thread    paywire.SaferpayClient | requests.Session | httpx.Client
  sync, 8 threads   the same, 8 threads (one requests.Session per thread: Session is not
                    documented as thread-safe; paywire and httpx clients are shared)
  async, 64 tasks   paywire.AsyncSaferpayClient | httpx.AsyncClient

Settings: the SAFERPAY_* variables of `paywire sandbox --json`; BENCH_SCALE multiplies the
call counts. Prints one JSON object per measurement on stdout, progress on stderr.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Callable, List

import httpx
import requests

import paywire

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
THREADS = 8
TASKS = 64
API_VERSION = "1.53"  # paywire's default spec version (paywire sends it for offers too)


def scaled(n: int) -> int:
    return max(16, int(n * SCALE))


SEQ_CALLS = scaled(int(os.environ.get("BENCH_PY_SEQ_CALLS", "2400")))
PAR_CALLS = scaled(int(os.environ.get("BENCH_PY_PAR_CALLS", "4000")))
WARMUP = max(8, int(50 * min(SCALE, 1.0)))

BASE = os.environ["SAFERPAY_BASE_URL"].rstrip("/")
CUSTOMER = os.environ["SAFERPAY_CUSTOMER_ID"]
TERMINAL = os.environ["SAFERPAY_TERMINAL_ID"]
USER = os.environ["SAFERPAY_USERNAME"]
PASSWORD = os.environ["SAFERPAY_PASSWORD"]
OFFERS_URL = f"{BASE}/rest/customers/{CUSTOMER}/terminals/{TERMINAL}/spg-offers"
EXPIRES = datetime.now(timezone.utc) + timedelta(days=7)
EXPIRES_WIRE = EXPIRES.strftime("%Y-%m-%dT%H:%M:%S+00:00")
RUN = f"{os.getpid()}-{int(time.time() * 1000)}"
_counter = iter(range(10**12))
_counter_lock = threading.Lock()


def order_id() -> str:
    with _counter_lock:
        n = next(_counter)
    return f"bench-py-{RUN}-{n}"


def offer_body() -> dict:
    return {
        "Payment": {
            "Amount": {"Value": "404", "CurrencyCode": "CHF"},
            "OrderId": order_id(),
            "Description": "Benchmark offer",
        },
        "ExpirationDate": EXPIRES_WIRE,
        "Payer": {},
    }


def headers() -> dict:
    return {"Saferpay-RequestId": str(uuid.uuid4())}


COMMON_HEADERS = {"Accept": "application/json", "Saferpay-ApiVersion": API_VERSION}


# ---------------------------------------------------------------- implementations (sync)


class PaywireSync:
    name = "paywire"

    def __init__(self) -> None:
        self.client = paywire.SaferpayClient(
            CUSTOMER, USER, PASSWORD, TERMINAL, base_url=BASE, max_retries=0
        )
        self.amount = paywire.Money(404, "CHF")

    def for_thread(self) -> "PaywireSync":
        return self  # one client, shared by every thread (it is thread-safe)

    def get_offer(self, offer_id: str) -> None:
        offer = self.client.get_offer(offer_id)
        assert offer.offer_id

    def create_offer(self) -> str:
        offer = self.client.create_offer(self.amount, order_id(), "Benchmark offer", EXPIRES)
        assert offer.payment_link
        return offer.offer_id


class RequestsSync:
    name = "requests"

    def __init__(self) -> None:
        self.session = requests.Session()
        self.session.auth = (USER, PASSWORD)
        self.session.headers.update(COMMON_HEADERS)

    def for_thread(self) -> "RequestsSync":
        return RequestsSync()  # a Session per thread

    def get_offer(self, offer_id: str) -> None:
        r = self.session.get(f"{OFFERS_URL}/{offer_id}", headers=headers())
        r.raise_for_status()
        assert r.json()["OfferId"]

    def create_offer(self) -> str:
        r = self.session.post(OFFERS_URL, json=offer_body(), headers=headers())
        r.raise_for_status()
        data = r.json()
        assert data["PaymentLink"]
        return data["OfferId"]


class HttpxSync:
    name = "httpx"

    def __init__(self) -> None:
        self.client = httpx.Client(
            auth=(USER, PASSWORD),
            headers=COMMON_HEADERS,
            limits=httpx.Limits(max_connections=THREADS * 2, max_keepalive_connections=THREADS * 2),
        )

    def for_thread(self) -> "HttpxSync":
        return self  # httpx.Client is thread-safe

    def get_offer(self, offer_id: str) -> None:
        r = self.client.get(f"{OFFERS_URL}/{offer_id}", headers=headers())
        r.raise_for_status()
        assert r.json()["OfferId"]

    def create_offer(self) -> str:
        r = self.client.post(OFFERS_URL, json=offer_body(), headers=headers())
        r.raise_for_status()
        data = r.json()
        assert data["PaymentLink"]
        return data["OfferId"]


# ---------------------------------------------------------------- implementations (async)


class PaywireAsync:
    name = "paywire"

    def __init__(self) -> None:
        self.client = paywire.AsyncSaferpayClient(
            CUSTOMER, USER, PASSWORD, TERMINAL, base_url=BASE, max_retries=0
        )
        self.amount = paywire.Money(404, "CHF")

    async def get_offer(self, offer_id: str) -> None:
        offer = await self.client.get_offer(offer_id)
        assert offer.offer_id

    async def create_offer(self) -> None:
        offer = await self.client.create_offer(self.amount, order_id(), "Benchmark offer", EXPIRES)
        assert offer.payment_link

    async def close(self) -> None:
        pass


class HttpxAsync:
    name = "httpx"

    def __init__(self) -> None:
        self.client = httpx.AsyncClient(
            auth=(USER, PASSWORD),
            headers=COMMON_HEADERS,
            limits=httpx.Limits(max_connections=TASKS, max_keepalive_connections=TASKS),
        )

    async def get_offer(self, offer_id: str) -> None:
        r = await self.client.get(f"{OFFERS_URL}/{offer_id}", headers=headers())
        r.raise_for_status()
        assert r.json()["OfferId"]

    async def create_offer(self) -> None:
        r = await self.client.post(OFFERS_URL, json=offer_body(), headers=headers())
        r.raise_for_status()
        assert r.json()["PaymentLink"]

    async def close(self) -> None:
        await self.client.aclose()


# ---------------------------------------------------------------- measurement


def summary(latencies: List[float], wall: float) -> dict:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        rank = max(1, min(len(ordered), int(-(-p / 100 * len(ordered) // 1))))
        return ordered[rank - 1] * 1e6

    return {
        "calls": len(ordered),
        "p50_us": pct(50),
        "p99_us": pct(99),
        "per_s": len(ordered) / wall,
    }


def run_threads(impl, op: str, offer_id: str, calls: int, threads: int):
    per_thread = [calls // threads + (1 if i < calls % threads else 0) for i in range(threads)]
    latencies: List[float] = []
    lock = threading.Lock()
    errors: List[BaseException] = []
    start = threading.Barrier(threads + 1)

    def worker(n: int, local) -> None:
        mine = []
        call: Callable[[], object] = (
            (lambda: local.get_offer(offer_id)) if op == "get_offer" else local.create_offer
        )
        start.wait()
        try:
            for _ in range(n):
                t0 = time.perf_counter()
                call()
                mine.append(time.perf_counter() - t0)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)
        with lock:
            latencies.extend(mine)

    workers = [
        threading.Thread(target=worker, args=(n, impl.for_thread())) for n in per_thread
    ]
    for w in workers:
        w.start()
    start.wait()
    t0 = time.perf_counter()
    for w in workers:
        w.join()
    wall = time.perf_counter() - t0
    if errors:
        raise errors[0]
    return latencies, wall


async def run_tasks(impl, op: str, offer_id: str, calls: int, tasks: int):
    latencies: List[float] = []
    remaining = [calls]

    async def worker() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            t0 = time.perf_counter()
            if op == "get_offer":
                await impl.get_offer(offer_id)
            else:
                await impl.create_offer()
            latencies.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(tasks)))
    wall = time.perf_counter() - t0
    return latencies, wall


def emit(row: dict) -> None:
    print(json.dumps(row), flush=True)
    print(
        f"python {row['mode']:<12} {row['op']:<12} {row['impl']:<8} "
        f"p50 {row['p50_us']:8.1f} µs  p99 {row['p99_us']:8.1f} µs  {row['per_s']:8.0f}/s",
        file=sys.stderr,
        flush=True,
    )


def merge(parts: list) -> dict:
    """Rounds of one configuration: pooled latencies, total calls over total time."""
    latencies = [x for lat, _ in parts for x in lat]
    return summary(latencies, sum(wall for _, wall in parts))


def main() -> None:
    seed = PaywireSync()
    offer_id = seed.create_offer()
    rounds = 4

    sync_impls = [PaywireSync(), RequestsSync(), HttpxSync()]
    for op in ("get_offer", "create_offer"):
        for mode, threads, calls in (("sync x1", 1, SEQ_CALLS), ("sync x8", THREADS, PAR_CALLS)):
            for impl in sync_impls:  # warm-up: connections for every thread
                run_threads(impl, op, offer_id, max(WARMUP, threads * 4), threads)
            results = {impl.name: [] for impl in sync_impls}
            for r in range(rounds):
                order = sync_impls if r % 2 == 0 else list(reversed(sync_impls))
                for impl in order:
                    results[impl.name].append(
                        run_threads(impl, op, offer_id, calls // rounds, threads)
                    )
            for impl in sync_impls:
                emit({"part": "python", "mode": mode, "op": op, "impl": impl.name,
                      "concurrency": threads, **merge(results[impl.name])})

    async def run_async() -> None:
        impls = [PaywireAsync(), HttpxAsync()]
        for op in ("get_offer", "create_offer"):
            for impl in impls:
                await run_tasks(impl, op, offer_id, max(WARMUP, TASKS * 2), TASKS)
            results = {impl.name: [] for impl in impls}
            for r in range(rounds):
                order = impls if r % 2 == 0 else list(reversed(impls))
                for impl in order:
                    results[impl.name].append(
                        await run_tasks(impl, op, offer_id, PAR_CALLS // rounds, TASKS)
                    )
            for impl in impls:
                emit({"part": "python", "mode": "async x64", "op": op, "impl": impl.name,
                      "concurrency": TASKS, **merge(results[impl.name])})
        for impl in impls:
            await impl.close()

    asyncio.run(run_async())


if __name__ == "__main__":
    main()
