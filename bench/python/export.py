"""Part 4: export of ~BENCH_EXPORT_TX reported transactions. Each exporter runs as its own
process writing one line per transaction to a pipe; this driver counts the lines, and takes
the child's peak RSS and CPU time from wait4() (exact for that one child).

Exporters: the CLI (`paywire transactions export --format csv`), paywire's Python iterator,
paywire's Node async iterator, and the baseline: requests + json paging the API itself. A
reference row downloads the same pages without decoding them (the sandbox's serving floor).
Each runs BENCH_EXPORT_RUNS times (default 3); the fastest run is kept.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta

import requests

PAGE_SIZE = 2000


def report_total(start: str, end: str) -> int:
    env = os.environ
    url = (
        f"{env['SAFERPAY_BASE_URL'].rstrip('/')}/rest/customers/{env['SAFERPAY_CUSTOMER_ID']}"
        "/transactions"
    )
    r = requests.get(
        url,
        params={"StartDate": start, "EndDate": end, "PageSize": 1, "PageNumber": 1},
        headers={"Saferpay-ApiVersion": "1.53", "Saferpay-RequestId": str(uuid.uuid4())},
        auth=(env["SAFERPAY_USERNAME"], env["SAFERPAY_PASSWORD"]),
    )
    r.raise_for_status()
    return int(r.json()["TotalTransactions"])


def window(wanted: int) -> tuple:
    """The shortest window of whole days ending yesterday 23:59 that holds `wanted`."""
    clock = requests.get(f"{os.environ['SANDBOX_URL']}/_sandbox/clock").json()
    today = date.fromisoformat(clock["now"][:10])
    end = f"{today - timedelta(days=1)}T23:59"
    total = previous = 0
    for days in range(1, 3660):
        start = str(today - timedelta(days=days))
        total = report_total(start, end)
        if total >= wanted:
            return start, end, total
        if days > 1 and total == previous:
            break  # past the seeded history
        previous = total
    raise SystemExit(f"the sandbox holds only {total} transactions; raise --reporting-days")


def measure(cmd: list, header_lines: int = 0) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    lines = 0
    while True:
        chunk = proc.stdout.read1(1 << 20)
        if not chunk:
            break
        lines += chunk.count(b"\n")
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {stderr.decode(errors='replace')}")
    return {
        "transactions": lines - header_lines,
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # KiB on Linux
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paywire", required=True, help="the release `paywire` binary")
    ap.add_argument("--python", required=True, help="the bench venv's python")
    ap.add_argument("--bench-dir", required=True)
    args = ap.parse_args()
    wanted = int(os.environ.get("BENCH_EXPORT_TX", "100000"))
    runs = max(1, int(os.environ.get("BENCH_EXPORT_RUNS", "3")))
    start, end, total = window(wanted)
    print(f"export window {start} .. {end}: {total} transactions, {-(-total // PAGE_SIZE)} pages "
          f"of {PAGE_SIZE}", file=sys.stderr)
    py = os.path.join(args.bench_dir, "python")
    exporters = [
        ("paywire CLI", "paywire", [args.paywire, "transactions", "export", "--start", start,
                                    "--end", end, "--format", "csv", "--no-progress",
                                    "--page-size", str(PAGE_SIZE)], 1),
        ("paywire Python iterator", "paywire",
         [args.python, os.path.join(py, "export_paywire.py"), start, end, str(PAGE_SIZE)], 0),
        ("paywire Node async iterator", "paywire",
         ["node", os.path.join(args.bench_dir, "node", "export.mjs"), start, end, str(PAGE_SIZE)], 0),
        ("requests + json", "baseline",
         [args.python, os.path.join(py, "export_requests.py"), start, end, str(PAGE_SIZE)], 0),
        ("download only, no decoding", "reference",
         [args.python, os.path.join(py, "export_requests.py"), start, end, str(PAGE_SIZE),
          "--download-only"], 0),
    ]
    for name, kind, cmd, header in exporters:
        best = None
        for _ in range(runs):
            result = measure(cmd, header)
            if result["transactions"] != total:
                raise SystemExit(f"{name}: exported {result['transactions']} of {total}")
            if best is None or result["wall_s"] < best["wall_s"]:
                best = result
        assert best is not None
        row = {"part": "export", "name": name, "kind": kind, "page_size": PAGE_SIZE,
               "start": start, "end": end, "runs": runs, **best,
               "tx_per_s": best["transactions"] / best["wall_s"],
               "tx_per_cpu_s": best["transactions"] / max(best["cpu_s"], 1e-9)}
        print(json.dumps(row), flush=True)
        print(f"export {name:<28} {row['tx_per_s']:9.0f} tx/s  {row['tx_per_cpu_s']:9.0f} tx/cpu-s"
              f"  peak RSS {row['peak_rss_mb']:6.1f} MB", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
