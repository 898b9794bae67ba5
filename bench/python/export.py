"""Part 4: export of ~BENCH_EXPORT_TX reported transactions. Each exporter runs as its own
process writing one line per transaction to a pipe; this driver counts the lines, and takes
the child's peak RSS and CPU time from wait4() (exact for that one child).

Exporters: the CLI (`paywire transactions export --format csv`), paywire's Python iterator,
paywire's Node async iterator, and the baseline: requests + json paging the API itself. A
reference row downloads the same pages without decoding them (the sandbox's serving floor).
Each runs BENCH_EXPORT_RUNS times (default 3); the fastest run is kept. The CLI's Parquet
export (`--format parquet --out FILE`) is timed too; its count comes from the CLI's JSON summary.

Memory in N: each paywire exporter runs once more over about BENCH_RSS_SMALL_TX (default 10,000)
and BENCH_RSS_LARGE_TX (default 1,000,000) transactions; both peak RSS figures are printed.
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


def measure(cmd: list, header_lines: int = 0, summary: bool = False) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    lines = 0
    kept = []
    while True:
        chunk = proc.stdout.read1(1 << 20)
        if not chunk:
            break
        lines += chunk.count(b"\n")
        if summary:
            kept.append(chunk)
    out_text = b"".join(kept).decode()
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({proc.returncode}): {stderr.decode(errors='replace')}")
    if summary:
        # The CLI with --json --out prints one summary document instead of rows.
        lines = int(json.loads(out_text)["transactions"])
        header_lines = 0
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
    parquet_out = os.path.join(os.environ.get("BENCH_WORK", "/tmp"), "bench-export.parquet")

    def exporters(start: str, end: str) -> list:
        """(name, kind, command, header lines, count from the JSON summary)"""
        return [
            ("paywire CLI", "paywire", [args.paywire, "transactions", "export", "--start", start,
                                        "--end", end, "--format", "csv", "--no-progress",
                                        "--page-size", str(PAGE_SIZE)], 1, False),
            ("paywire CLI, Parquet file", "paywire-file",
             [args.paywire, "--json", "transactions", "export", "--start", start, "--end", end,
              "--format", "parquet", "--no-progress", "--restart", "--page-size", str(PAGE_SIZE),
              "--out", parquet_out], 0, True),
            ("paywire Python iterator", "paywire",
             [args.python, os.path.join(py, "export_paywire.py"), start, end, str(PAGE_SIZE)], 0, False),
            ("paywire Node async iterator", "paywire",
             ["node", os.path.join(args.bench_dir, "node", "export.mjs"), start, end, str(PAGE_SIZE)],
             0, False),
            ("requests + json", "baseline",
             [args.python, os.path.join(py, "export_requests.py"), start, end, str(PAGE_SIZE)], 0, False),
            ("download only, no decoding", "reference",
             [args.python, os.path.join(py, "export_requests.py"), start, end, str(PAGE_SIZE),
              "--download-only"], 0, False),
        ]

    def run(name: str, kind: str, cmd: list, header: int, summary: bool, total: int, runs: int,
            part: str, start: str, end: str) -> None:
        best = None
        for _ in range(runs):
            result = measure(cmd, header, summary)
            if result["transactions"] != total:
                raise SystemExit(f"{name}: exported {result['transactions']} of {total}")
            if best is None or result["wall_s"] < best["wall_s"]:
                best = result
        assert best is not None
        row = {"part": part, "name": name, "kind": kind, "page_size": PAGE_SIZE,
               "start": start, "end": end, "runs": runs, **best,
               "tx_per_s": best["transactions"] / best["wall_s"],
               "tx_per_cpu_s": best["transactions"] / max(best["cpu_s"], 1e-9)}
        print(json.dumps(row), flush=True)
        print(f"{part} {name:<28} {best['transactions']:8d} tx {row['tx_per_s']:9.0f} tx/s "
              f"{row['tx_per_cpu_s']:9.0f} tx/cpu-s  peak RSS {row['peak_rss_mb']:6.1f} MB",
              file=sys.stderr, flush=True)

    for name, kind, cmd, header, summary in exporters(start, end):
        run(name, kind, cmd, header, summary, total, runs, "export", start, end)

    # Peak RSS against N: the paywire exporters once over a small and a large report.
    for size_env, default in (("BENCH_RSS_SMALL_TX", 10_000), ("BENCH_RSS_LARGE_TX", 1_000_000)):
        s_start, s_end, s_total = window(int(os.environ.get(size_env, str(default))))
        print(f"memory window {s_start} .. {s_end}: {s_total} transactions", file=sys.stderr)
        for name, kind, cmd, header, summary in exporters(s_start, s_end):
            if kind.startswith("paywire"):
                run(name, kind, cmd, header, summary, s_total, 1, "export-rss", s_start, s_end)


if __name__ == "__main__":
    main()
