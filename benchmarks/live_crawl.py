"""Benchmark: a NeurIPS-2024-sized OpenReview crawl through a rate-limit window, replayed.

Serves a NeurIPS-2024-sized venue-year (4,553 main-track and 460 Datasets & Benchmarks
papers, 17,834 distinct authors with profiles cloned from the recorded corpus) from the
replay server of the tests, which answers like the service in 2026: login required,
``POST /profiles/search`` with up to 1,000 ids, notes by ``after``, and a 429
``RateLimitError`` whose 30-minute window opens mid-crawl. Run 1 stops at the window
and saves its place; run 2 (the clock moved past the window: no real waiting) goes on.
Then the profiles are ingested into a fresh store. Prints request counts per run, the
local cost, and the estimated live duration.

    python benchmarks/live_crawl.py [--window-at 12] [--window-minutes 30]
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from pathlib import Path

import respx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from live_replay import NEURIPS_2024, FakeClock, neurips_2024_sized, openreview_fetcher  # noqa: E402
from talentflow.build.live import _profile_records  # noqa: E402
from talentflow.graph.live_ingest import ingest_live  # noqa: E402
from talentflow.graph.store import open_store  # noqa: E402
from talentflow.sources import openreview as orv  # noqa: E402
from talentflow.sources.http_cache import ThrottledError  # noqa: E402
from talentflow.sources.live_http import RecordCache  # noqa: E402


def crawl(root: Path, clock: FakeClock) -> list[str]:
    """Both tracks' accepted papers, then the profiles of their authors."""
    fetcher = openreview_fetcher(root, clock)
    settings = orv.OpenReviewSettings()
    ids: list[str] = []
    for group in orv.venue_groups("nips", 2024):
        notes, _ = orv.crawl_venue_notes(group, fetcher, RecordCache(root, "pages"), settings)
        ids += [i for n in notes for i in orv.note_author_ids(n)]
    orv.crawl_profiles(ids, fetcher, RecordCache(root, "profiles"), settings)
    return sorted(set(ids))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--window-at", type=int, default=12, help="request that meets the 429")
    ap.add_argument("--window-minutes", type=float, default=30.0)
    args = ap.parse_args()
    clock = FakeClock()
    server = neurips_2024_sized()
    server.clock = clock
    server.limit_from_call = args.window_at
    server.window_seconds = args.window_minutes * 60
    runs: list[tuple[int, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp, respx.mock(assert_all_called=False) as router:
        root = Path(tmp)
        server.mount(router)
        ids: list[str] = []
        for _ in range(3):
            before, t0 = server.calls, time.perf_counter()
            try:
                ids = crawl(root, clock)
                outcome = "complete"
            except ThrottledError as exc:
                outcome = f"stopped: {exc}"
                clock.now = exc.resume_at + 1  # the user reruns after the window
            runs.append((server.calls - before, time.perf_counter() - t0, outcome))
            if outcome == "complete":
                break
        t0 = time.perf_counter()
        with open_store(root / "bench.duckdb") as store:
            result = ingest_live(
                store, "openreview", _profile_records(RecordCache(root, "profiles"), ids), {}
            )
        ingest_s = time.perf_counter() - t0
    answered = len(server.answered)
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(
        f"venue-year: {NEURIPS_2024['main']:,} + {NEURIPS_2024['datasets_and_benchmarks']:,} "
        f"papers, {len(ids):,} distinct author ids"
    )
    for k, (requests, seconds, outcome) in enumerate(runs, 1):
        print(f"run {k}: {requests} requests, {seconds:.1f} s local; {outcome}")
    print(
        f"answered requests: {answered} ({len(set(server.answered))} distinct: "
        f"no page fetched twice = {answered == len(set(server.answered))}); "
        f"logins: {server.logins}; real sleeping: {sum(clock.sleeps):.0f} s"
    )
    print(
        f"ingest: {ingest_s:.1f} s for {result.records_ingested:,} profiles, "
        f"{result.entries:,} career entries, {result.stints:,} stints"
    )
    settings = orv.OpenReviewSettings()
    pacing = answered / settings.requests_per_second
    print(f"estimated live: {answered} answered requests at {settings.requests_per_second}/s")
    for server_s in (2.0, 10.0, 30.0):  # a 1,000-profile answer is large
        live = answered * max(server_s, 1 / settings.requests_per_second) + ingest_s
        print(f"  with {server_s:.0f} s server time per request: {live / 60:.1f} min")
    print(f"  pacing alone: {pacing / 60:.1f} min; plus each rate-limit window (30-60 min)")


if __name__ == "__main__":
    main()
