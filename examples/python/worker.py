"""An asyncio worker that settles Saferpay payment pages nobody came back from.

A payer may close the browser before the return URL, and a notification may be lost; the shop
then still holds an open order with its payment page token. This worker reads such orders,
asks Saferpay about each (a few at a time), captures what was authorized and writes one line
of JSON per order with what it found. Run it every few minutes:

    python worker.py pending.jsonl > settled.jsonl

Each input line is ``{"order_id": "...", "token": "..."}``. Configuration comes from the
environment, as ``paywire sandbox`` prints it (``SAFERPAY_*``).
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any, Dict, List

from paywire import AsyncSaferpayClient, DeclinedError, PaywireError

CONCURRENCY = 4


async def settle(client: AsyncSaferpayClient, order: Dict[str, str]) -> Dict[str, Any]:
    result: Dict[str, Any] = {"order_id": order["order_id"]}
    try:
        payment = await client.payment_outcome(order["token"])
    except DeclinedError as e:
        return {**result, "status": "failed", "error": str(e)}
    except PaywireError as e:
        # The payer is still on the page, or Saferpay did not answer: try again next run.
        return {**result, "status": "open", "error": f"{e.kind}: {e}"}
    tx = payment.transaction
    result["transaction_id"] = tx.id
    if tx.status == "AUTHORIZED":
        capture = await client.capture(tx.id)
        return {**result, "status": "paid", "capture_id": capture.capture_id}
    if tx.status == "CAPTURED":
        return {**result, "status": "paid", "capture_id": tx.capture_id}
    return {**result, "status": "open"}


async def run(orders: List[Dict[str, str]]) -> List[Dict[str, Any]]:
    client = AsyncSaferpayClient.from_env()
    queue: asyncio.Queue[Dict[str, str]] = asyncio.Queue()
    for order in orders:
        queue.put_nowait(order)
    results: List[Dict[str, Any]] = []

    async def work() -> None:
        while True:
            try:
                order = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            results.append(await settle(client, order))

    await asyncio.gather(*(work() for _ in range(CONCURRENCY)))
    return results


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        orders = [json.loads(line) for line in f if line.strip()]
    for result in asyncio.run(run(orders)):
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
