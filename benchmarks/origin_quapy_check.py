"""Cross-check the adjusted shares' point estimates against QuaPy's ACC adjustment.

    python3 -m uv run --with quapy==0.2.3 python benchmarks/origin_quapy_check.py [../shared/data]

QuaPy is not a project dependency (it pulls scikit-learn, pandas, matplotlib); this
script only compares numbers. QuaPy's ``ACC.solve_adjustment`` (least squares on the
simplex, square tables) is given the shipped rows without the abstention cell; ours is
the maximum likelihood over all cells. Compared on the NeurIPS 2024 distinct names (if a
store is given with $TALENTFLOW_DB) and on 50 mixtures of held-out independent names.
Prints JSON (aggregate figures only).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
from quapy.method.aggregative import ACC  # type: ignore[import-not-found]

from talentflow.origin.groups import GROUPS
from talentflow.origin.independent import student_names
from talentflow.origin.quantify import INDEPENDENT_ROWS, load_rows, mixture_weights, name_cells


def _both(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = load_rows()
    ours = mixture_weights(counts, rows.normalised())
    table = rows.counts[:, :-1] + 0.5
    rates = (table / table.sum(axis=1, keepdims=True)).T  # P(pred = i | true = j)
    q = counts[:-1] / counts[:-1].sum()
    theirs = np.asarray(ACC.solve_adjustment(rates, q, "inversion", "minimize"))
    return ours, theirs


def main() -> None:
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    out: dict[str, object] = {}
    db = os.environ.get("TALENTFLOW_DB")
    if db:
        from talentflow.graph.store import open_store
        from talentflow.origin.census import census_names

        with open_store(Path(db), read_only=True) as store:
            names, _ = census_names(store, "nips", 2024, None)
        k = load_rows().counts.shape[1]
        ours, theirs = _both(np.bincount(name_cells(names), minlength=k).astype(np.float64))
        out["nips2024"] = {
            g: [round(float(a), 4), round(float(b), 4)]
            for g, a, b in zip(GROUPS, ours, theirs, strict=True)
        }
    held = [x for x in student_names(shared / "papercopilot-openreview") if x.split == "heldout"]
    pools = {g: name_cells([x.name for x in held if x.group == g]) for g in INDEPENDENT_ROWS}
    rng = np.random.default_rng(11)
    k = load_rows().counts.shape[1]
    err_ours, err_theirs, gap = [], [], []
    for _ in range(50):
        take = rng.multinomial(600, rng.dirichlet(np.ones(len(pools))))
        take = np.minimum(take, [len(p) for p in pools.values()])
        idx = np.concatenate(
            [
                rng.choice(p, size=int(t), replace=False)
                for p, t in zip(pools.values(), take, strict=True)
            ]
        )
        truth = np.zeros(len(GROUPS))
        for g, t in zip(pools, take, strict=True):
            truth[GROUPS.index(g)] = t / take.sum()
        ours, theirs = _both(np.bincount(idx, minlength=k).astype(np.float64))
        err_ours.append(np.abs(ours - truth).max())
        err_theirs.append(np.abs(theirs - truth).max())
        gap.append(np.abs(ours - theirs).max())
    out["mixtures"] = {
        "count": 50,
        "mean_max_abs_error_ours": round(float(np.mean(err_ours)), 4),
        "mean_max_abs_error_quapy_acc": round(float(np.mean(err_theirs)), 4),
        "mean_max_abs_gap": round(float(np.mean(gap)), 4),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
