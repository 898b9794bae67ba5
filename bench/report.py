"""Writes bench/RESULTS.md (on stdout) from one run's JSON lines (bench/run's results folder)."""

from __future__ import annotations

import argparse
import json
import os
from datetime import datetime, timezone

NOTES = """\
- **Rust, calls in flight.** Every paywire call runs on paywire's own shared runtime (one per
  process, rebuilt after `fork()`, so connection pools never outlive their runtime) and the
  caller awaits it from its own runtime. paywire's own work per call (validation, request id,
  URL, headers, typed result) is a few µs of CPU; the rest of the gap is that hand-off between
  two thread pools. Sequentially it shows in the p50 and sequential ratios, more when the
  machine is otherwise idle (waking a parked thread costs more then); with 64 calls in flight
  on 2 cores it is
  two cross-runtime wake-ups per call that the floor, running everything on the caller's
  runtime, does not pay: most of the gap in the x64 column. It is the price of the design (the
  bindings rely on the same runtime), not a per-call allocation.
- **Export.** End to end, no exporter can be faster than the sandbox serves pages (*download
  only*), so on this machine the 100,000 transactions/s goal is out of reach for any client; the
  *tx per CPU-s* column shows each exporter's own cost instead. The Node iterator converts every
  transaction, including its full `raw` JSON, into JS objects in the binding, which is where its
  extra CPU and memory go.
- **Baselines.** Each baseline is the straightforward use of its library, written for this
  benchmark (bench/python, bench/node, bench/rust); none retries, validates input or maps errors.
  `httpx.AsyncClient` is slow on this machine even with a single task (a few ms per call although
  its connections are reused; not investigated further), so the async ratios against it are large.
- **Reproduce.** `make bench` (or `BENCH_SCALE=0.2 make bench` for a quick look). Iteration
  counts scale with `BENCH_SCALE`; `BENCH_EXPORT_TX` sets the export volume.
"""


def load(folder: str, name: str) -> list:
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def ratio(value: float, base: float) -> str:
    if not base:
        return "—"
    return f"{value / base:.2f}×"


def num(x: float, digits: int = 0) -> str:
    return f"{x:,.{digits}f}"


def yes(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def table(header: list, rows: list) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--command", default="make bench")
    ap.add_argument("--scale", default="1")
    ap.add_argument("--seconds", type=int, default=0)
    ap.add_argument("--build-seconds", type=int, default=0)
    args = ap.parse_args()

    machine = (load(args.folder, "machine.json") or [{}])[0]
    rust = load(args.folder, "rust.jsonl")
    python = load(args.folder, "python.jsonl")
    node = load(args.folder, "node.jsonl")
    export_all = load(args.folder, "export.jsonl")
    export = [r for r in export_all if r["part"] == "export"]
    memory = [r for r in export_all if r["part"] == "export-rss"]
    cold = {r["figure"]: r for r in load(args.folder, "coldstart.jsonl")}

    targets = []
    sections = []

    # ------------------------------------------------------------------ 1. Rust
    rows, overhead = [], []
    for op in ("get_offer", "create_offer"):
        base = next((r for r in rust if r["op"] == op and r["impl"] == "reqwest"), None)
        for r in (r for r in rust if r["op"] == op):
            if base is None:
                continue
            rows.append([op, r["impl"], num(r["p50_us"], 1), num(r["p99_us"], 1),
                         num(r["seq_per_s"]), num(r["concurrent_per_s"]),
                         ratio(r["p50_us"], base["p50_us"]), ratio(r["p99_us"], base["p99_us"]),
                         ratio(r["seq_per_s"], base["seq_per_s"]),
                         ratio(r["concurrent_per_s"], base["concurrent_per_s"])])
            if r["impl"] == "paywire":
                overhead.append((op, r["p50_us"] / base["p50_us"], r["seq_per_s"] / base["seq_per_s"],
                                 r["concurrent_per_s"] / base["concurrent_per_s"]))
    conc = rust[0]["concurrency"] if rust else 64
    sections.append(
        "## 1. Rust: paywire vs a hand-written reqwest call (the floor)\n\n"
        f"`paywire-bench` (bench/rust, release). Latency from {rust[0]['calls'] if rust else 0} "
        f"sequential calls per row; throughput sequential and with {conc} calls in flight "
        "(tokio tasks on the caller's 2-worker runtime). The floor sends the same request "
        "(Basic auth, `Saferpay-ApiVersion`, a fresh `Saferpay-RequestId`, the same JSON body) "
        "and decodes the JSON answer; it has no timeout, retries or validation. Rounds "
        "alternate which implementation goes first. Ratios: paywire / reqwest (latency: lower "
        "is better; throughput: higher is better).\n\n"
        + table(["op", "impl", "p50 µs", "p99 µs", "seq calls/s", f"x{conc} calls/s",
                 "p50 ratio", "p99 ratio", "seq ratio", f"x{conc} ratio"], rows))
    if overhead:
        # The targets: p50 within 10 % of the floor, and at least 0.9× its throughput
        # with calls in flight, for both calls.
        ok = all(p50 <= 1.10 and c >= 0.90 for _, p50, _, c in overhead)
        measured = "; ".join(f"{op}: p50 {p50:.2f}×, sequential throughput {seq:.2f}×, x{conc} throughput {c:.2f}×"
                             for op, p50, seq, c in overhead)
        targets.append([f"Rust per-call overhead: p50 latency ≤ 1.10× the reqwest floor and x{conc} "
                        "throughput ≥ 0.9× of it, both calls", measured, yes(ok)])

    # ------------------------------------------------------------------ 2. Python
    rows, sync_ratios = [], []
    for op in ("get_offer", "create_offer"):
        for mode in ("sync x1", "sync x8", "async x64"):
            group = [r for r in python if r["op"] == op and r["mode"] == mode]
            by = {r["impl"]: r for r in group}
            for r in group:
                req = by.get("requests")
                hx = by.get("httpx")
                rows.append([op, mode, r["impl"], num(r["p50_us"], 1), num(r["p99_us"], 1), num(r["per_s"]),
                             ratio(r["per_s"], req["per_s"]) if req else "—",
                             ratio(r["per_s"], hx["per_s"]) if hx else "—",
                             ratio(r["p50_us"], req["p50_us"]) if req else ratio(r["p50_us"], hx["p50_us"]) if hx else "—"])
            if "paywire" in by and "requests" in by:
                sync_ratios.append((op, mode, by["paywire"]["per_s"] / by["requests"]["per_s"]))
    sections.append(
        "## 2. Python: paywire vs requests and httpx\n\n"
        "`SaferpayClient` (1 and 8 threads) and `AsyncSaferpayClient` (64 tasks, one event loop) "
        "against straightforward implementations of the same HTTP calls: `requests.Session` (one "
        "per thread), `httpx.Client` (shared), `httpx.AsyncClient` (64 tasks). Each returns the "
        "decoded answer (paywire: a typed `Offer`). Throughput ratios: paywire / baseline "
        "(higher is better); latency ratio: p50 / requests' p50 (async: / httpx's; lower is better).\n\n"
        + table(["op", "mode", "impl", "p50 µs", "p99 µs", "calls/s", "throughput vs requests",
                 "throughput vs httpx", "p50 ratio"], rows))
    if sync_ratios:
        ok = all(x >= 2 for *_, x in sync_ratios)
        targets.append(["Python sync at least 2× `requests` throughput (1 and 8 threads, both calls)",
                        "; ".join(f"{op} {mode}: {x:.2f}×" for op, mode, x in sync_ratios), yes(ok)])

    # ------------------------------------------------------------------ 3. Node
    rows, node_ratios = [], []
    for op in ("get_offer", "create_offer"):
        for mode in sorted({r["mode"] for r in node}, key=lambda m: (m != "sequential", m)):
            group = [r for r in node if r["op"] == op and r["mode"] == mode]
            by = {r["impl"]: r for r in group}
            base = by.get("fetch")
            for r in group:
                rows.append([op, mode, r["impl"], num(r["p50_us"], 1), num(r["p99_us"], 1), num(r["per_s"]),
                             ratio(r["per_s"], base["per_s"]) if base else "—",
                             ratio(r["p50_us"], base["p50_us"]) if base else "—"])
            if base and "paywire" in by:
                node_ratios.append((op, mode, by["paywire"]["per_s"] / base["per_s"]))
    sections.append(
        "## 3. Node: paywire vs built-in fetch\n\n"
        "`SaferpayClient` from the installed npm tarball against `fetch` sending the same request "
        "and decoding the JSON answer; sequential and 64 calls in flight. Ratios: paywire / fetch.\n\n"
        + table(["op", "mode", "impl", "p50 µs", "p99 µs", "calls/s", "throughput ratio", "p50 ratio"], rows))
    if node_ratios:
        ok = all(x >= 1 for *_, x in node_ratios)
        targets.append(["Node at least equal to `fetch` (throughput, sequential and x64, both calls)",
                        "; ".join(f"{op} {mode}: {x:.2f}×" for op, mode, x in node_ratios), yes(ok)])

    # ------------------------------------------------------------------ 4. Export
    base = next((r for r in export if r["kind"] == "baseline"), None)
    floor = next((r for r in export if r["kind"] == "reference"), None)
    rows = []
    for r in export:
        rows.append([r["name"], num(r["transactions"]), num(r["wall_s"], 2), num(r["tx_per_s"]),
                     ratio(r["tx_per_s"], base["tx_per_s"]) if base else "—",
                     num(r["cpu_s"], 2), num(r["tx_per_cpu_s"]),
                     num(r["peak_rss_mb"], 1), ratio(r["peak_rss_mb"], base["peak_rss_mb"]) if base else "—"])
    if export:
        e0 = export[0]
        sections.append(
            "## 4. Export of reported transactions\n\n"
            f"{num(e0['transactions'])} SUCCESSFUL transactions ({e0['start']} to {e0['end']}, "
            f"page size {e0['page_size']}, {-(-e0['transactions'] // e0['page_size'])} pages), "
            "each exporter its own process writing one line per transaction into a pipe; peak RSS "
            f"and CPU from `wait4()` of that child; fastest of {e0['runs']} runs. The CLI writes "
            "its full CSV (`paywire transactions export --format csv`, stdout); the others write "
            "id, status, amount, currency, date. *Download only* fetches the same pages without "
            "decoding them: what the sandbox can serve here, the ceiling for every exporter. "
            "*tx per CPU-s* is the exporter's own cost (its user + system CPU), independent of the "
            "server's speed. *Parquet file* is `--format parquet --out FILE` (typed columns, a row "
            "group per page). Ratios: / requests + json.\n\n"
            + table(["exporter", "transactions", "wall s", "tx/s", "tx/s ratio", "CPU s",
                     "tx per CPU-s", "peak RSS MB", "RSS ratio"], rows))
        by_name = {r["name"]: r for r in export}
        cli = by_name.get("paywire CLI")
        py_it = by_name.get("paywire Python iterator")
        node_it = by_name.get("paywire Node async iterator")

        def cpu_target(label: str, row, factor: float, extra_rss=None) -> None:
            if row is None or base is None:
                targets.append([label, "not measured", yes(False)])
                return
            x = row["tx_per_cpu_s"] / base["tx_per_cpu_s"]
            ok = x >= factor
            measured = (f"{x:.2f}× ({num(row['tx_per_cpu_s'])} vs {num(base['tx_per_cpu_s'])} "
                        "tx per CPU-s)")
            if extra_rss is not None:
                ok = ok and row["peak_rss_mb"] < extra_rss
                measured += f", peak RSS {num(row['peak_rss_mb'], 1)} MB"
            targets.append([label, measured, yes(ok)])

        cpu_target("CLI export at least 4× the transactions per CPU-second of requests + json",
                   cli, 4.0)
        cpu_target("Python iterator at least 1.5× the transactions per CPU-second of requests + json",
                   py_it, 1.5)
        cpu_target("Node async iterator at least 1× the transactions per CPU-second of requests + "
                   "json, with peak RSS under 100 MB", node_it, 1.0, extra_rss=100)
        if cli is not None:
            targets.append(["CLI export end to end at least 100,000 transactions/s",
                            f"{num(cli['tx_per_s'])} tx/s", yes(cli["tx_per_s"] >= 100_000)])
        if floor is not None:
            targets.append(["Sandbox serves at least 300,000 transactions/s (download only)",
                            f"{num(floor['tx_per_s'])} tx/s", yes(floor["tx_per_s"] >= 300_000)])

    # ------------------------------------------------------------------ 4b. Memory against N
    if memory:
        sizes = sorted({r["transactions"] for r in memory})
        small, large = sizes[0], sizes[-1]
        pairs = []
        for name in dict.fromkeys(r["name"] for r in memory):
            a = next((r for r in memory if r["name"] == name and r["transactions"] == small), None)
            b = next((r for r in memory if r["name"] == name and r["transactions"] == large), None)
            if a and b:
                pairs.append((name, a, b))
        rows = [[name, num(a["peak_rss_mb"], 1), num(b["peak_rss_mb"], 1),
                 ratio(b["peak_rss_mb"], a["peak_rss_mb"]), num(b["tx_per_s"])]
                for name, a, b in pairs]
        sections.append(
            "## 4b. Peak RSS against the size of the report\n\n"
            f"Each paywire exporter once over {num(small)} and once over {num(large)} transactions "
            "(same page size, same sandbox). Flat means the large run's peak is at most 1.25× the "
            "small one's plus 5 MB.\n\n"
            + table(["exporter", f"peak RSS MB at {num(small)}", f"peak RSS MB at {num(large)}",
                     "ratio", f"tx/s at {num(large)}"], rows))
        flat = [b["peak_rss_mb"] <= 1.25 * a["peak_rss_mb"] + 5 for _, a, b in pairs]
        targets.append([f"Peak RSS flat from {num(small)} to {num(large)} transactions",
                        "; ".join(f"{name}: {num(a['peak_rss_mb'], 1)} → {num(b['peak_rss_mb'], 1)} MB"
                                  for name, a, b in pairs),
                        yes(bool(pairs) and all(flat) and large >= 10 * small)])

    # ------------------------------------------------------------------ 5. Cold start
    rows = []
    if cold:
        pi, pf, pp = cold["python import"], cold["python first call"], cold["python process"]
        rows += [
            ["Python `import paywire`", f"{pi['paywire_ms']:.1f} ms", f"`import requests` {pi['requests_ms']:.1f} ms",
             ratio(pi["paywire_ms"], pi["requests_ms"])],
            ["", "", f"`import httpx` {pi['httpx_ms']:.1f} ms", ratio(pi["paywire_ms"], pi["httpx_ms"])],
            ["Python first call (client + `get_offer`, after import)", f"{pf['paywire_ms']:.1f} ms",
             f"requests {pf['requests_ms']:.1f} ms", ratio(pf["paywire_ms"], pf["requests_ms"])],
            ["", "", f"httpx {pf['httpx_ms']:.1f} ms", ratio(pf["paywire_ms"], pf["httpx_ms"])],
            ["Python whole process (start, import, first call, exit)", f"{pp['paywire_ms']:.1f} ms",
             f"requests {pp['requests_ms']:.1f} ms", ratio(pp["paywire_ms"], pp["requests_ms"])],
        ]
        nr, nf, np_ = cold["node require"], cold["node first call"], cold["node process"]
        rows += [
            ["Node `require('paywire')` (in process)", f"{nr['paywire_ms']:.1f} ms", "built-in `fetch`: 0 ms", "—"],
            ["Node process start to paywire loaded (`node -e \"require('paywire')\"`)",
             f"{nr['paywire_process_ms']:.1f} ms", f"`node -e 0` {nr['bare_process_ms']:.1f} ms",
             ratio(nr["paywire_process_ms"], nr["bare_process_ms"])],
            ["Node first call (client + `getOffer`, after require)", f"{nf['paywire_ms']:.1f} ms",
             f"first `fetch` + json {nf['fetch_ms']:.1f} ms", ratio(nf["paywire_ms"], nf["fetch_ms"])],
            ["Node whole process (start, require, first call, exit)", f"{np_['paywire_ms']:.1f} ms",
             f"fetch {np_['fetch_ms']:.1f} ms", ratio(np_["paywire_ms"], np_["fetch_ms"])],
        ]
        s = cold["sizes"]
        mb = lambda b: f"{b / 1e6:.2f} MB"  # noqa: E731
        rows += [
            [f"wheel (`{s.get('wheel_name', 'paywire')}`)", mb(s["wheel_bytes"]), f"requests + deps wheels {mb(s['requests_wheels_bytes'])}",
             ratio(s["wheel_bytes"], s["requests_wheels_bytes"])],
            ["", "", f"httpx + deps wheels {mb(s['httpx_wheels_bytes'])}", ratio(s["wheel_bytes"], s["httpx_wheels_bytes"])],
            ["wheel installed", mb(s["installed_bytes"]), f"requests + deps {mb(s['requests_installed_bytes'])}",
             ratio(s["installed_bytes"], s["requests_installed_bytes"])],
            ["", "", f"httpx + deps {mb(s['httpx_installed_bytes'])}", ratio(s["installed_bytes"], s["httpx_installed_bytes"])],
            ["npm tarball (`npm pack`)", mb(s["npm_tarball_bytes"]), "`fetch` is built in: 0", "—"],
            ["npm package installed / unpacked `.node`", f"{mb(s['npm_installed_bytes'])} / {mb(s['node_addon_bytes'])}",
             "`fetch` is built in: 0", "—"],
        ]
        sections.append(
            "## 5. Cold start and size\n\n"
            "Each timing is the median of fresh processes (first calls go to the sandbox over a new "
            "connection; paywire's includes starting its runtime). Ratios: paywire / baseline. "
            "Baseline wheel sizes include each library's dependencies "
            f"(requests: {', '.join(cold['sizes']['requests_wheels'])}; httpx: {', '.join(cold['sizes']['httpx_wheels'])}).\n\n"
            + table(["figure", "paywire", "baseline", "ratio"], rows))

    # When the measurements ended (the last part's file), not when this report was written.
    last = max((os.path.join(args.folder, f) for f in os.listdir(args.folder)), key=os.path.getmtime)
    now = datetime.fromtimestamp(os.path.getmtime(last), timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_avg = ", ".join(str(x) for x in machine.get("loadavg", []))
    print("# paywire benchmark results\n")
    print(f"Made by `{args.command}` (BENCH_SCALE={args.scale}) on {now}; the run took "
          f"{args.seconds} s ({args.build_seconds} s of it building). All five tables come from "
          "this one run, against one sandbox (`paywire sandbox --port 0 --json`, release build, "
          "127.0.0.1), on this machine. Each figure is shown with its ratio to its baseline. "
          "Client, sandbox and anything else running share the CPUs, so absolute figures move "
          "from run to run; ratios are measured side by side (alternating rounds) and move less.\n")
    print(table(["nproc", "CPU", "memory", "OS", "rustc", "Python", "Node", "load average at start"],
                [[machine.get("nproc"), machine.get("cpu"), f"{machine.get('memory_gib')} GiB", machine.get("os"),
                  machine.get("rustc"), machine.get("python"), machine.get("node"), load_avg]]))
    print("\n## Targets (goals for the core, not tests)\n")
    print(table(["target", "measured", "result"], targets))
    for section in sections:
        print("\n" + section)
    print("\n## Reading these results\n")
    print(NOTES)


if __name__ == "__main__":
    main()
