"""Education estimates on held-out people: dev choice, held-out log loss and accuracy,
interval coverage on cohorts with hidden education, the advisor-student check.

    uv run python benchmarks/education_eval.py --db STORE [--advisor-dataset advisor]

With ``--advisor-dataset NAME`` (the store has ``advisorStudent.csv`` loaded by
``talentflow careers load --kind advisor-student --dataset NAME``), that dataset's people
are never fitted: they are the cohort with known education (origin = home country).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from talentflow.careers.education_evaluation import evaluate, summarise
from talentflow.engines import DuckDBEngine
from talentflow.graph.store import open_store
from talentflow.indicators.common import BEST_STINTS, best_evidence
from talentflow.indicators.pipeline import PIPELINE_SQL, pipeline

COHORTS = [(v, y) for v in ("nips", "iclr", "icml") for y in (2021, 2022, 2023, 2024, 2025)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--advisor-dataset", default=None)
    ap.add_argument("--replicates", type=int, default=100)
    ap.add_argument("--target", choices=("training", "origin"), action="append")
    ap.add_argument(
        "--fit-advisor",
        action="store_true",
        help="fit on the dataset's fit/dev people too; check on its held-out people only",
    )
    ap.add_argument(
        "--time-pipeline",
        metavar="VENUE:YEAR",
        help="only time pipeline calls without and with the estimates (3 alternating rounds)",
    )
    args = ap.parse_args()
    if args.time_pipeline:
        time_pipeline(args.db, *args.time_pipeline.split(":"))
        return
    prefix = f"{args.advisor_dataset}:" if args.advisor_dataset else None
    with open_store(args.db, read_only=True) as store:
        engine = DuckDBEngine(store)
        cohorts: dict[str, list[str]] = {}
        observed: dict[str, dict[str, float]] = {}
        with best_evidence(engine, (BEST_STINTS,)):
            for v, y in COHORTS:
                rows = engine.sql(
                    PIPELINE_SQL, {"venue": v, "year": y, "basis": "location", "elite": False}
                ).to_pylist()
                cohorts[f"{v}{y}"] = [str(r["person_id"]) for r in rows]
                observed[f"{v}{y}"] = {
                    t: sum(1 for r in rows if r[f"{t}_country"]) / max(len(rows), 1)
                    for t in ("training", "origin")
                }
        for target in args.target or ("training", "origin"):
            t = time.process_time()
            got = evaluate(
                engine,
                target,
                fitting=(
                    (lambda pid: not pid.startswith(prefix))
                    if prefix and not args.fit_advisor
                    else (lambda pid: True)
                ),
                cohorts=cohorts,
                replicates=args.replicates,
                advisor_prefix=prefix,
            )
            checks = got.pop("checks")
            venue = [c for c in checks if not c.cohort.startswith(("random", "advisor"))]
            rand = [c for c in checks if c.cohort.startswith("random")]
            adv = [c for c in checks if c.cohort.startswith("advisor")]
            got["coverage_all"] = summarise([*venue, *rand])
            got["coverage_venue_year"] = summarise(venue)
            got["coverage_random"] = summarise(rand)
            got["advisor_student"] = [c.__dict__ for c in adv]
            # Missing at random, checked where it can be: is the error larger in cohorts
            # whose education is rarely stated?
            got["by_cohort"] = [
                {
                    "cohort": name,
                    "observed_share": round(observed[name][target], 3),
                    "checks": len(cs),
                    "mean_abs_error": round(sum(abs(c.share - c.truth) for c in cs) / len(cs), 4),
                    "covered": sum(c.covered for c in cs) / len(cs),
                }
                for name in cohorts
                if (cs := [c for c in venue if c.cohort == name])
            ]
            got["cpu_seconds"] = round(time.process_time() - t, 1)
            print(json.dumps(got, indent=1, default=str))


def time_pipeline(db: Path, venue: str, year: str) -> None:
    """CPU and wall seconds of a pipeline call without and with the education estimates."""
    with open_store(db, read_only=True) as store:
        for round_ in range(3):
            for estimate in (False, True):
                cpu, wall = time.process_time(), time.perf_counter()
                got = pipeline(store, venue, int(year), estimate=estimate)
                print(
                    json.dumps(
                        {
                            "round": round_,
                            "estimate": estimate,
                            "n": got.n,
                            "cpu": round(time.process_time() - cpu, 2),
                            "wall": round(time.perf_counter() - wall, 2),
                        }
                    )
                )


if __name__ == "__main__":
    main()
