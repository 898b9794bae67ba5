"""Part 5: cold start and package size.

Each timing is a fresh process, repeated BENCH_COLD_RUNS times (default 7, median kept):
  - Python: `import paywire` vs `import requests` / `import httpx` (in-process, perf_counter);
    first call (client built + first get_offer + JSON decoded) vs the same with requests/httpx;
  - Node: process start to paywire loaded (`node -e "require('paywire')"`) vs a bare
    `node -e 0`; `require('paywire')` alone; first call (client + getOffer) vs the first
    `fetch` (which loads undici lazily) + json.
Sizes: the wheel vs the wheels of requests / httpx with their dependencies; installed
footprint; the npm tarball and the unpacked .node (fetch is built in: no baseline).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

import requests

ENV = os.environ

PY_PAYWIRE = """
import time, json, os
t0 = time.perf_counter()
import paywire
t1 = time.perf_counter()
e = os.environ
c = paywire.SaferpayClient(e["SAFERPAY_CUSTOMER_ID"], e["SAFERPAY_USERNAME"], e["SAFERPAY_PASSWORD"],
                           e["SAFERPAY_TERMINAL_ID"], base_url=e["SAFERPAY_BASE_URL"])
assert c.get_offer(e["BENCH_OFFER_ID"]).offer_id
t2 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "first_call_ms": (t2 - t1) * 1e3}))
"""

PY_REQUESTS = """
import time, json, os, uuid
t0 = time.perf_counter()
import requests
t1 = time.perf_counter()
e = os.environ
s = requests.Session()
s.auth = (e["SAFERPAY_USERNAME"], e["SAFERPAY_PASSWORD"])
r = s.get(e["BENCH_OFFER_URL"], headers={"Accept": "application/json", "Saferpay-ApiVersion": "1.53",
                                       "Saferpay-RequestId": str(uuid.uuid4())})
r.raise_for_status()
assert r.json()["OfferId"]
t2 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "first_call_ms": (t2 - t1) * 1e3}))
"""

PY_HTTPX = PY_REQUESTS.replace("import requests", "import httpx").replace(
    "s = requests.Session()\ns.auth = (e[\"SAFERPAY_USERNAME\"], e[\"SAFERPAY_PASSWORD\"])",
    "s = httpx.Client(auth=(e[\"SAFERPAY_USERNAME\"], e[\"SAFERPAY_PASSWORD\"]))",
)

NODE_PAYWIRE = """
const t0 = performance.now()
const { SaferpayClient } = require(require.resolve('paywire', { paths: [process.env.BENCH_NODE_APP] }))
const t1 = performance.now()
const e = process.env
const c = new SaferpayClient({ customerId: e.SAFERPAY_CUSTOMER_ID, username: e.SAFERPAY_USERNAME,
  password: e.SAFERPAY_PASSWORD, terminalId: e.SAFERPAY_TERMINAL_ID, baseUrl: e.SAFERPAY_BASE_URL })
c.getOffer({ offerId: e.BENCH_OFFER_ID }).then((o) => {
  if (!o.offerId) throw new Error('no offer')
  const t2 = performance.now()
  console.log(JSON.stringify({ import_ms: t1 - t0, first_call_ms: t2 - t1 }))
})
"""

NODE_FETCH = """
const t0 = performance.now()
const e = process.env
fetch(e.BENCH_OFFER_URL, { headers: { Authorization: 'Basic ' + Buffer.from(e.SAFERPAY_USERNAME + ':' + e.SAFERPAY_PASSWORD).toString('base64'),
  Accept: 'application/json', 'Saferpay-ApiVersion': '1.53', 'Saferpay-RequestId': crypto.randomUUID() } })
  .then((r) => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json() })
  .then((o) => {
    if (!o.OfferId) throw new Error('no offer')
    console.log(JSON.stringify({ import_ms: 0, first_call_ms: performance.now() - t0 }))
  })
"""


def median_of(cmd: list, runs: int, env: dict) -> dict:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        wall = (time.perf_counter() - t0) * 1e3
        if out.returncode != 0:
            raise SystemExit(f"{cmd[:2]} failed: {out.stderr}")
        last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else "{}"
        samples.append({"process_ms": wall, **json.loads(last)})
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def wheels(folder: str) -> list:
    return sorted(glob.glob(os.path.join(folder, "*.whl")))


def dist_name(wheel: str) -> str:
    return os.path.basename(wheel).split("-")[0]


def tree_bytes(path: str) -> int:
    return sum(
        os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(path) for f in files
    )


def installed_bytes(python: str, dists: list) -> int:
    """Installed size of these distributions in the venv (every file in their RECORD)."""
    code = (
        "import importlib.metadata as md, json, os, sys\n"
        "total = 0\n"
        "for name in sys.argv[1:]:\n"
        "    d = md.distribution(name)\n"
        "    for f in d.files or []:\n"
        "        p = d.locate_file(f)\n"
        "        if os.path.isfile(p): total += os.path.getsize(p)\n"
        "print(total)"
    )
    out = subprocess.run([python, "-c", code, *dists], capture_output=True, text=True, check=True)
    return int(out.stdout)


def emit(row: dict) -> None:
    print(json.dumps({"part": "coldstart", **row}), flush=True)
    print(f"cold {row}", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", required=True)
    ap.add_argument("--wheel", required=True)
    ap.add_argument("--wheelhouse", required=True)
    ap.add_argument("--tarball", required=True)
    ap.add_argument("--node-app", required=True)
    ap.add_argument("--bench-dir", required=True)
    args = ap.parse_args()
    runs = max(3, int(os.environ.get("BENCH_COLD_RUNS", "7")))

    # One offer for every first call.
    base = ENV["SAFERPAY_BASE_URL"].rstrip("/")
    offers = f"{base}/rest/customers/{ENV['SAFERPAY_CUSTOMER_ID']}/terminals/{ENV['SAFERPAY_TERMINAL_ID']}/spg-offers"
    expires = (datetime.now(timezone.utc) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    r = requests.post(
        offers,
        json={"Payment": {"Amount": {"Value": "404", "CurrencyCode": "CHF"},
                          "OrderId": f"bench-cold-{uuid.uuid4().hex[:12]}",
                          "Description": "Benchmark offer"},
              "ExpirationDate": expires, "Payer": {}},
        headers={"Saferpay-ApiVersion": "1.53", "Saferpay-RequestId": str(uuid.uuid4())},
        auth=(ENV["SAFERPAY_USERNAME"], ENV["SAFERPAY_PASSWORD"]),
    )
    r.raise_for_status()
    offer_id = r.json()["OfferId"]
    env = dict(ENV, BENCH_OFFER_ID=offer_id, BENCH_OFFER_URL=f"{offers}/{offer_id}",
               BENCH_NODE_APP=args.node_app)
    # Run from a neutral folder so nothing is imported from the source tree.
    os.chdir(args.node_app)

    py = {name: median_of([args.python, "-c", code], runs, env)
          for name, code in (("paywire", PY_PAYWIRE), ("requests", PY_REQUESTS), ("httpx", PY_HTTPX))}
    emit({"figure": "python import", "paywire_ms": py["paywire"]["import_ms"],
          "requests_ms": py["requests"]["import_ms"], "httpx_ms": py["httpx"]["import_ms"]})
    emit({"figure": "python first call", "paywire_ms": py["paywire"]["first_call_ms"],
          "requests_ms": py["requests"]["first_call_ms"], "httpx_ms": py["httpx"]["first_call_ms"]})
    emit({"figure": "python process", "paywire_ms": py["paywire"]["process_ms"],
          "requests_ms": py["requests"]["process_ms"], "httpx_ms": py["httpx"]["process_ms"]})

    node_require = median_of(
        ["node", "-e", "require(require.resolve('paywire', { paths: [process.env.BENCH_NODE_APP] }))"],
        runs, env)
    node_bare = median_of(["node", "-e", "0"], runs, env)
    node_paywire = median_of(["node", "-e", NODE_PAYWIRE], runs, env)
    node_fetch = median_of(["node", "-e", NODE_FETCH], runs, env)
    emit({"figure": "node require", "paywire_ms": node_paywire["import_ms"],
          "paywire_process_ms": node_require["process_ms"], "bare_process_ms": node_bare["process_ms"]})
    emit({"figure": "node first call", "paywire_ms": node_paywire["first_call_ms"],
          "fetch_ms": node_fetch["first_call_ms"]})
    emit({"figure": "node process", "paywire_ms": node_paywire["process_ms"],
          "fetch_ms": node_fetch["process_ms"]})

    node_file = glob.glob(os.path.join(args.node_app, "node_modules", "paywire", "*.node"))
    # The wheelhouse has one folder per baseline, each with the package and its dependencies.
    requests_wheels = wheels(os.path.join(args.wheelhouse, "requests"))
    httpx_wheels = wheels(os.path.join(args.wheelhouse, "httpx"))
    emit({"figure": "sizes",
          "wheel_bytes": os.path.getsize(args.wheel),
          "wheel_name": os.path.basename(args.wheel),
          "requests_wheels_bytes": sum(os.path.getsize(w) for w in requests_wheels),
          "requests_wheels": [os.path.basename(w) for w in requests_wheels],
          "httpx_wheels_bytes": sum(os.path.getsize(w) for w in httpx_wheels),
          "httpx_wheels": [os.path.basename(w) for w in httpx_wheels],
          "installed_bytes": installed_bytes(args.python, ["paywire"]),
          "requests_installed_bytes": installed_bytes(args.python, [dist_name(w) for w in requests_wheels]),
          "httpx_installed_bytes": installed_bytes(args.python, [dist_name(w) for w in httpx_wheels]),
          "npm_tarball_bytes": os.path.getsize(args.tarball),
          "node_addon_bytes": os.path.getsize(node_file[0]) if node_file else 0,
          "npm_installed_bytes": tree_bytes(os.path.join(args.node_app, "node_modules", "paywire"))})


if __name__ == "__main__":
    main()
