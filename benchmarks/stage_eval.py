"""The career-stage model: its choice, its held-out figures and the build step's time (issue 19).

    python3 -m uv run python benchmarks/stage_eval.py --db STORE [--time-step] [--choice-only]

STORE is a whole-mirror store (built with the OpenReview archive). Prints JSON:

* ``choice``: the configurations of ``stage_evaluation.CANDIDATES`` compared on the
  development people only (log loss, accuracy, PhD vs not), the one chosen, and whether it is
  the one in ``careers/data/stage_model.json`` (the one a build fits);
* ``held_out``: that configuration fitted on the development people and evaluated once on the
  held-out people: accuracy (overall, per stage, PhD vs not) with 95% people-bootstrap
  intervals, ECE, the share of confident stints, the share of stints whose stage is stated;
* with ``--time-step``: the ``stint stages`` step on a copy of the store, as the build runs it
  (fit) and as the people commands run it (the stored model), wall and CPU seconds.
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
from talentflow.careers.stage_evaluation import choose_configuration, evaluate_stage_model
from talentflow.careers.stint_stages import CONFIGURED, derive_stint_stages


def _timed(step: object) -> dict[str, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = step() if callable(step) else step
    return {
        "result": dataclasses.asdict(result),
        "wall": round(time.perf_counter() - wall, 1),
        "cpu": round(time.process_time() - cpu, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--held-out", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--time-step", action="store_true")
    parser.add_argument("--choice-only", action="store_true", help="stop before the held-out")
    args = parser.parse_args()
    out: dict[str, object] = {}
    with open_store(args.db, read_only=True) as store:
        choice = _timed(lambda: choose_configuration(store, args.held_out, args.seed))
        chosen = choice["result"]["chosen"]  # type: ignore[index]
        choice["configured"] = dataclasses.asdict(CONFIGURED)
        choice["configured_is_chosen"] = chosen == dataclasses.asdict(CONFIGURED)
        out["choice"] = choice
        if args.choice_only:
            print(json.dumps(out, indent=1, default=float))
            return
        out["held_out"] = _timed(lambda: evaluate_stage_model(store, args.held_out, args.seed))
    if args.time_step:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "store.duckdb"
            shutil.copyfile(args.db, copy)
            with open_store(copy) as store:
                out["step_build"] = _timed(lambda: derive_stint_stages(store))
    print(json.dumps(out, indent=1, default=float))


if __name__ == "__main__":
    main()
