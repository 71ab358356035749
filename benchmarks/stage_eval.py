"""The career-stage model on held-out people, and the build step's time (issue 19).

    python3 -m uv run python benchmarks/stage_eval.py --db STORE.duckdb [--time-step]

STORE is a whole-mirror store (built with the OpenReview archive). Prints JSON: the held-out
accuracy (overall, per stage, PhD vs not) with 95% people-bootstrap intervals, ECE, the share
of held-out stints the model is confident about, and the share of all stints whose stage is
stated. With ``--time-step``, the ``stint stages`` derive step is run on a copy of the store
and its wall and CPU time printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import tempfile
import time
from pathlib import Path

from talentflow import open_store
from talentflow.careers.stage_evaluation import evaluate_stage_model
from talentflow.careers.stint_stages import derive_stint_stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--held-out", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--time-step", action="store_true")
    args = parser.parse_args()
    wall, cpu = time.perf_counter(), time.process_time()
    with open_store(args.db, read_only=True) as store:
        result = evaluate_stage_model(store, held_out_share=args.held_out, seed=args.seed)
    out: dict[str, object] = dataclasses.asdict(result)
    out["evaluation_seconds"] = {
        "wall": round(time.perf_counter() - wall, 1),
        "cpu": round(time.process_time() - cpu, 1),
    }
    if args.time_step:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "store.duckdb"
            shutil.copyfile(args.db, copy)
            wall, cpu = time.perf_counter(), time.process_time()
            with open_store(copy) as store:
                step = derive_stint_stages(store)
            out["step"] = dataclasses.asdict(step)
            out["step_seconds"] = {
                "wall": round(time.perf_counter() - wall, 1),
                "cpu": round(time.process_time() - cpu, 1),
            }
    print(json.dumps(out, indent=1, default=float))


if __name__ == "__main__":
    main()
