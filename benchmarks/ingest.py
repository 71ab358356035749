"""Benchmark: ingest of the whole mirror against bare ``json.load`` of the same files.

Goal (issue 2): ingest <= 3x the time the same process needs merely to parse the JSON.
Prints wall times, the ratio and peak memory (RSS high-water mark of this process and
of the parser worker processes).

    python benchmarks/ingest.py [--mirror ../shared/data/paperlists] [--workers 2]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import tempfile
import time
from pathlib import Path

from talentflow.graph.build import build_paperlists
from talentflow.graph.store import open_store
from talentflow.sources.paperlists import mirror_files

ROOT = Path(__file__).resolve().parents[1]


def bare_parse(files: list[Path]) -> float:
    start = time.perf_counter()
    for f in files:
        with gzip.open(f) as fh:
            json.load(fh)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mirror", type=Path, default=ROOT.parent / "shared" / "data" / "paperlists")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    files = mirror_files(args.mirror)
    paths = [Path(f.location) for f in files]
    bare = min(bare_parse(paths) for _ in range(args.repeat))
    print(f"machine: {platform.machine()}, {platform.python_version()}, cores={_cores()}")
    print(f"bare json.load (best of {args.repeat}): {bare:.2f} s")
    for workers in sorted({1, args.workers}):
        ingest_times = []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                with open_store(Path(tmp) / "bench.duckdb") as store:
                    result = build_paperlists(store, files, workers=workers)
                ingest_times.append(time.perf_counter() - start)
        ingest = min(ingest_times)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"files={len(files)} records={result.records:,} slots={result.author_slots:,}")
        print(f"ingest with workers={workers} (best of {args.repeat}): {ingest:.2f} s")
        print(f"ratio ingest / bare parse: {ingest / bare:.2f}x (goal <= 3x)")
        print(f"peak RSS of this process so far: {peak:.0f} MB (parser workers not included)")


def _cores() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    main()
