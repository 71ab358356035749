"""Benchmark: careers and every indicator over the whole mirror store (issue 5).

Goal: all indicators in under 10 s once the store is built. Times the careers derive step
and each indicator (best of ``--repeat`` runs), then the pipeline for every venue-year on
both bases, and prints the NeurIPS 2018 work shares beside the Global AI Talent Tracker's
NeurIPS 2019 figures. Also times the synthetic generator and the careers step at scale.

    python benchmarks/indicators.py --db built.duckdb      # a store built with every step
    python benchmarks/indicators.py                        # builds one from the mirror first
"""

from __future__ import annotations

import argparse
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devtools.synthetic import SyntheticSpec, generate
from talentflow.build import DERIVE_STEPS
from talentflow.careers.derive import derive_careers
from talentflow.graph.build import build_paperlists
from talentflow.graph.store import Store, open_store
from talentflow.indicators.country import country_profile
from talentflow.indicators.migration import migration
from talentflow.indicators.orgflows import orgflows
from talentflow.indicators.pedigree import pedigree
from talentflow.indicators.pipeline import pipeline
from talentflow.sources.paperlists import mirror_files

ROOT = Path(__file__).resolve().parents[1]


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def build(mirror: Path, path: Path) -> None:
    with open_store(path) as store:
        start = time.perf_counter()
        build_paperlists(store, mirror_files(mirror), workers=2)
        print(f"ingest {time.perf_counter() - start:.1f} s")
        for name, step in DERIVE_STEPS:
            start = time.perf_counter()
            step(store)
            print(f"derive {name} {time.perf_counter() - start:.1f} s")


def indicators(store: Store, repeat: int) -> None:
    span = store.query("SELECT min(year) AS lo, max(year) AS hi FROM papers")[0]
    lo, hi = int(span["lo"]), int(span["hi"])
    counts = store.query(
        "SELECT (SELECT count(*) FROM authorships) AS slots, "
        "(SELECT count(*) FROM slot_people) AS slot_people, "
        "(SELECT count(*) FROM stints) AS stints, (SELECT count(*) FROM moves) AS moves"
    )[0]
    print(f"store: {counts}")
    google = store.query("SELECT org_id FROM organisations WHERE lower(name) = 'google' LIMIT 1")
    jobs: list[tuple[str, Callable[[], Any]]] = [
        ("pipeline nips 2018 location", lambda: pipeline(store, "nips", 2018)),
        ("pipeline nips 2018 hq", lambda: pipeline(store, "nips", 2018, basis="hq")),
        ("pipeline nips 2018 elite", lambda: pipeline(store, "nips", 2018, elite=True)),
        (f"migration {lo}-{hi}", lambda: migration(store, lo, hi)),
        (f"orgflows {lo}-{hi}", lambda: orgflows(store, lo, hi)),
        ("country KR", lambda: country_profile(store, "KR")),
        ("country US", lambda: country_profile(store, "US")),
    ]
    if google:
        jobs.append(
            (
                "pedigree Google 2024 <- Microsoft",
                lambda: pedigree(store, earlier=["Microsoft"], orgs=["Google"], year=2024),
            )
        )
    total = 0.0
    rows = []
    for name, fn in jobs:
        seconds, result = best_of(repeat, fn)
        total += seconds
        n = result.n
        rows.append((name, seconds, n))
        print(f"{name:40s} {seconds:7.3f} s   n={n}")
    print(f"{'all indicators':40s} {total:7.3f} s")
    venue_years = store.query(
        "SELECT DISTINCT venue, year FROM papers WHERE accepted ORDER BY venue, year"
    )
    start = time.perf_counter()
    for vy in venue_years:
        for basis in ("location", "hq"):
            pipeline(store, vy["venue"], int(vy["year"]), basis=basis)
    every = time.perf_counter() - start
    print(f"pipeline, every venue-year x 2 bases ({len(venue_years)} venue-years): {every:.1f} s")
    for basis in ("location", "hq"):
        result = pipeline(store, "nips", 2018, basis=basis)
        print(f"\nNeurIPS 2018, {basis} basis: n={result.n}, work known {result.coverage['work']}")
        for c in result.comparison:
            print(
                f"  {c['stage']:6s} {c['country']:7s} ours {c['ours']:.3f} "
                f"[{c['low']:.3f}, {c['high']:.3f}]  tracker {c['tracker_year']} {c['tracker']:.2f}"
            )


def synthetic_scale(slots_goal: int) -> None:
    people = max(1000, slots_goal // 8)
    start = time.perf_counter()
    graph = generate(SyntheticSpec(people=people, orgs=2000, seed=1))
    gen = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "s.duckdb") as store:
        start = time.perf_counter()
        graph.write(store)
        write = time.perf_counter() - start
        start = time.perf_counter()
        result = derive_careers(store)
        careers = time.perf_counter() - start
        start = time.perf_counter()
        migration(store, 2013, 2025)
        orgflows(store, 2013, 2025)
        mig = time.perf_counter() - start
    print(
        f"synthetic {graph.authorships.num_rows:,} slots: generate {gen:.1f} s, write "
        f"{write:.1f} s, careers {careers:.1f} s ({result.moves:,} moves), "
        f"migration+orgflows {mig:.1f} s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", type=Path, help="A store built with every derive step.")
    ap.add_argument("--mirror", type=Path, default=ROOT.parent / "shared" / "data" / "paperlists")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--synthetic-slots", type=int, default=1_000_000)
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.duckdb"
        if args.db:
            shutil.copy(args.db, path)  # the careers step writes; never touch the input
        else:
            build(args.mirror, path)
        with open_store(path) as store:
            seconds, result = best_of(args.repeat, lambda: derive_careers(store))
            print(f"careers derive step: {seconds:.2f} s ({result})")
            indicators(store, args.repeat)
    if args.synthetic_slots:
        synthetic_scale(args.synthetic_slots)


if __name__ == "__main__":
    main()
