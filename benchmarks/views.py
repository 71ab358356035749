"""Benchmark of the views (issue 8): report generation time and dashboard latency.

    python benchmarks/views.py [--db STORE] [--clients 20] [--requests 25]

- Report: ``talentflow report`` on the whole-mirror store (goal < 10 s), three runs.
- Dashboard: ``talentflow serve`` in its own process on 127.0.0.1 (no background warm-up).
  A cold pass asks for every filter set once, one request at a time (the first request of
  a venue-year computes its indicators); then ``--clients`` concurrent clients each make
  ``--requests`` filter changes (``/api/view``, venue/year/basis/country drawn at random
  from the same filter sets); p50/p95/max latency (goal p95 < 200 ms).

Without ``--db`` the store is built from ../shared/data/paperlists first (not timed).
Prints the figures; append them to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
MIRROR = ROOT.parent / "shared" / "data" / "paperlists"


def build_store(path: Path) -> None:
    from talentflow.build import DERIVE_STEPS
    from talentflow.graph.build import build_paperlists
    from talentflow.graph.store import open_store
    from talentflow.sources.paperlists import mirror_files

    with open_store(path) as store:
        build_paperlists(store, mirror_files(MIRROR), workers=2)
        for _, step in DERIVE_STEPS:
            step(store)


def bench_report(db: Path, runs: int = 3) -> list[float]:
    from talentflow.report.page import write_report_file

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(runs):
            out = Path(tmp) / f"report{i}.html"
            start = time.perf_counter()
            view = write_report_file(db, out, country="KR", lang="en" if i % 2 == 0 else "ko")
            times.append(time.perf_counter() - start)
            statuses = {
                name: getattr(view, name).status
                for name in ("pipeline", "migration", "orgflows", "census", "country")
            }
            print(
                f"report run {i + 1}: {times[-1]:.2f} s, {out.stat().st_size / 1e6:.1f} MB, "
                f"{view.filters.venue} {view.filters.year}, indicators {statuses}"
            )
    return times


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_dashboard(db: Path, clients: int, requests: int, seed: int = 8) -> dict[str, Any]:
    """Cold pass (each filter set once, one client) then the concurrent load."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "talentflow",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--warm-years",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the dashboard server did not start")
            time.sleep(0.2)
        choices = httpx.get(base + "/api/filters", timeout=300).json()
        stats = httpx.get(base + "/api/stats", timeout=300).json()
        accepted: dict[str, dict[int, int]] = {}
        for r in stats["by_venue_year"]:
            if r["accepted_papers"]:
                accepted.setdefault(r["venue"], {})[r["year"]] = r["accepted_papers"]
        venues = sorted(accepted, key=lambda v: -sum(accepted[v].values()))[:6]
        countries = [None, *choices["countries"][:4]]
        combos = [
            {"venue": v, "year": y, "basis": b, "country": c}
            for v in venues
            for y in sorted(accepted[v], reverse=True)[:2]
            for b in ("location", "hq")
            for c in countries
        ]

        def ask(http: httpx.Client, combo: dict[str, Any]) -> tuple[float, bool]:
            params = {k: v for k, v in combo.items() if v is not None}
            start = time.perf_counter()
            r = http.get("/api/view", params=params)
            return time.perf_counter() - start, r.status_code == 200

        cold: list[float] = []
        with httpx.Client(base_url=base, timeout=600) as http:
            start = time.perf_counter()
            for combo in combos:
                took, ok = ask(http, combo)
                cold.append(took)
                if not ok:
                    raise SystemExit(f"failed: {combo}")
            cold_wall = time.perf_counter() - start
        lock = threading.Lock()
        latencies: list[float] = []
        failures = 0

        def client(i: int) -> None:
            nonlocal failures
            local = random.Random(seed + i)
            with httpx.Client(base_url=base, timeout=600) as http:
                for _ in range(requests):  # bounded: each client makes `requests` changes
                    took, ok = ask(http, local.choice(combos))
                    with lock:
                        latencies.append(took)
                        failures += 0 if ok else 1

        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client, range(clients)))
        wall = time.perf_counter() - start
        return {
            "filter_sets": len(combos),
            "venues": venues,
            "cold": cold,
            "cold_wall_s": cold_wall,
            "load": latencies,
            "failures": failures,
            "wall_s": wall,
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def describe(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: none"
    ms = [v * 1000 for v in values]
    return (
        f"{name}: n={len(ms)} p50={statistics.median(ms):.0f} ms p95={_pct(ms, 0.95):.0f} ms "
        f"max={max(ms):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25)
    args = parser.parse_args()
    db = args.db
    tmp = None
    if db is None:
        tmp = tempfile.TemporaryDirectory()
        db = Path(tmp.name) / "mirror.duckdb"
        start = time.perf_counter()
        build_store(db)
        print(f"built the whole-mirror store in {time.perf_counter() - start:.0f} s")
    times = bench_report(db)
    print(f"report: best {min(times):.2f} s, median {statistics.median(times):.2f} s (goal < 10 s)")
    result = bench_dashboard(db, args.clients, args.requests)
    print(
        f"dashboard: {result['filter_sets']} filter sets ({', '.join(result['venues'])}; "
        f"latest 2 years; both bases; all countries and the top 4)"
    )
    print(
        describe("  cold pass, each filter set once, one client", result["cold"])
        + f" ({result['cold_wall_s']:.0f} s in all; the first request of a venue-year "
        "computes its indicators)"
    )
    print(
        describe(
            f"  {args.clients} concurrent clients x {args.requests} filter changes",
            result["load"],
        )
        + f", {result['failures']} failures, {result['wall_s']:.1f} s (goal p95 < 200 ms)"
    )
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
