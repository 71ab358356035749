"""Benchmark: a NeurIPS-2024-sized OpenReview profile crawl, replayed (no network).

Serves N profiles (the recorded corpus, cloned under new ids) from the replay server
of the tests, crawls them in batches of 50 with pacing switched off, ingests them into
a fresh store, then runs the crawl again (everything cached). Prints request counts,
the local overhead (what talentflow itself costs per profile) and the estimated live
duration: requests at the polite pace plus an assumed server time per request.

    python benchmarks/live_crawl.py [--profiles 17834]
"""

from __future__ import annotations

import argparse
import copy
import math
import platform
import sys
import tempfile
import time
from pathlib import Path

import respx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from live_replay import OpenReviewServer, load  # noqa: E402
from talentflow.build.live import _profile_records  # noqa: E402
from talentflow.graph.live_ingest import ingest_live  # noqa: E402
from talentflow.graph.store import open_store  # noqa: E402
from talentflow.sources.http_cache import RetryPolicy  # noqa: E402
from talentflow.sources.live_http import RateLimiter, RecordCache, polite_fetcher  # noqa: E402
from talentflow.sources.openreview import OpenReviewSettings, crawl_profiles  # noqa: E402


def corpus(n: int) -> list[dict[str, object]]:
    base = load("openreview_profiles.json")
    out = []
    for k in range(n):
        p = copy.deepcopy(base[k % len(base)])
        pid = f"~Bench_Person{k + 1}"
        p["id"] = pid
        for name in p["content"]["names"]:
            name["username"] = pid if name.get("preferred") else f"~Bench_Alias{k + 1}"
        out.append(p)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profiles", type=int, default=17834, help="NeurIPS 2024: distinct names")
    args = ap.parse_args()
    profiles = corpus(args.profiles)
    ids = [str(p["id"]) for p in profiles]
    settings = OpenReviewSettings()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)

        def fetcher():  # type: ignore[no-untyped-def]
            limiter = RateLimiter(1e9)
            return polite_fetcher(
                root / "http", limiter, user_agent="bench", retry=RetryPolicy(max_attempts=2)
            )

        server = OpenReviewServer(profiles=profiles)
        state = RecordCache(root, "profiles")
        with respx.mock(assert_all_called=False) as router:
            server.mount(router)
            t0 = time.perf_counter()
            stats = crawl_profiles(ids, fetcher(), state, settings)
            crawl_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = crawl_profiles(ids, fetcher(), state, settings)
            resume_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        with open_store(root / "bench.duckdb") as store:
            result = ingest_live(store, "openreview", _profile_records(state, ids), {})
        ingest_s = time.perf_counter() - t0
    requests = stats.requests
    notes_requests = math.ceil(4553 / 1000) + 1  # main track pages + the D&B track
    total_requests = requests + notes_requests
    pace = total_requests / settings.requests_per_second
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"profiles: {len(ids):,}; requests: {requests:,} (batches of {settings.batch_size})")
    print(
        f"replayed crawl (pacing off): {crawl_s:.1f} s = {1000 * crawl_s / len(ids):.2f} ms/profile"
    )
    print(f"rerun, everything cached: {resume_s:.1f} s, requests: {again.requests}")
    print(
        f"ingest: {ingest_s:.1f} s for {result.records_ingested:,} profiles, "
        f"{result.entries:,} career entries, {result.stints:,} stints"
    )
    rate = settings.requests_per_second
    print(f"estimated live: {total_requests} requests at {rate}/s = {pace / 60:.1f} min of pacing")
    for latency in (0.5, 1.0, 2.0):
        live = total_requests * max(latency, 1 / settings.requests_per_second) + crawl_s + ingest_s
        print(f"  with {latency:.1f} s server time per request: {live / 60:.1f} min")


if __name__ == "__main__":
    main()
