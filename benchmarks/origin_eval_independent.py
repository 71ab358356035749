"""The name-origin estimator on names it never saw: OpenReview students (issue 22).

    python3 -m uv run python benchmarks/origin_eval_independent.py [../shared/data] [--mixtures 200]
    python3 -m uv run python benchmarks/origin_eval_independent.py --split dev

Measured on the held-out half of ``origin.independent`` (the development half built
the misclassification rows, ``benchmarks/origin_quantify_rows.py``, and chooses
methods: ``--split dev`` prints its classifier figures only). Prints JSON,
aggregate metrics only: the classifier's per-group F1 and calibration on the held-out
half, overall and per author-list form (``independent.FORMS``); and, over random
mixtures of held-out chinese, korean and south_asian names,
the coverage, error and width of the 95% intervals of the adjusted shares
(``--prior adjusted``) and of the earlier EM-reweighted shares (``--prior em``); the
same on mixtures of *staff* (people never listed as students, labelled the same way
by their other positions: an older population the error rates were not measured on).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from talentflow.origin.evaluate import evaluate
from talentflow.origin.groups import GROUPS
from talentflow.origin.independent import FORMS, LabelledName, student_names
from talentflow.origin.model import load_estimator
from talentflow.origin.quantify import INDEPENDENT_ROWS, load_rows, mixture_coverage, name_cells
from talentflow.origin.shares import ShareSettings, aggregate


def _em_coverage(
    pools: dict[str, list[str]], mixtures: int, size: int, seed: int
) -> dict[str, dict[str, float]]:
    """The same mixtures scored by the EM-reweighted posterior mean (the earlier method)."""
    est = load_estimator()
    rng = np.random.default_rng(seed)
    pooled = list(pools)
    hits = np.zeros(len(GROUPS))
    err = np.zeros((mixtures, len(GROUPS)))
    for m in range(mixtures):
        take = rng.multinomial(size, rng.dirichlet(np.ones(len(pooled))))
        take = np.minimum(take, [len(pools[g]) for g in pooled])
        names = [
            n
            for g, t in zip(pooled, take, strict=True)
            for n in rng.choice(pools[g], size=int(t), replace=False)
        ]
        truth = np.zeros(len(GROUPS))
        for g, t in zip(pooled, take, strict=True):
            truth[GROUPS.index(g)] = t / take.sum()
        post = est._posterior(names)
        res = aggregate(
            post.probs[~post.abstained],
            int(post.abstained.sum()),
            est.train_prior,
            ShareSettings(bootstrap=200, seed=seed + m, min_cell=0),
        )
        for i, g in enumerate(GROUPS):
            cell = res.shares[g]
            low, high, est_ = float(cell["low"]), float(cell["high"]), float(cell["estimate"])  # type: ignore[arg-type]
            hits[i] += low - 1e-4 <= truth[i] <= high + 1e-4
            err[m, i] = est_ - truth[i]
    return {
        g: {
            "coverage": round(float(hits[i] / mixtures), 3),
            "mean_error": round(float(err[:, i].mean()), 4),
            "rmse": round(float(np.sqrt((err[:, i] ** 2).mean())), 4),
        }
        for i, g in enumerate(GROUPS)
    }


def _by_form(people: list[LabelledName]) -> dict[str, dict[str, object]]:
    """Coverage and per-group F1 of the classifier within each author-list form."""
    out: dict[str, dict[str, object]] = {}
    for form, _ in FORMS:
        sub = [x for x in people if x.form == form]
        m = evaluate([x.name for x in sub], [x.group for x in sub])
        out[form] = {
            "n": m["n"],
            "coverage": m["coverage"],
            "ece": m["ece"],
            "f1": {g: c["f1"] for g, c in m["per_group"].items()},
            "support": {g: c["support"] for g, c in m["per_group"].items()},
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("shared", nargs="?", default="../shared/data")
    parser.add_argument("--mixtures", type=int, default=200)
    parser.add_argument("--size", type=int, default=600)
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--split", choices=["heldout", "dev"], default="heldout")
    args = parser.parse_args()
    people = student_names(Path(args.shared) / "papercopilot-openreview")
    held = [x for x in people if x.split == args.split]
    out: dict[str, object] = {
        "source": f"OpenReview students, {args.split} half",
        "people": {g: sum(x.group == g for x in held) for g in GROUPS},
    }
    metrics = evaluate([x.name for x in held], [x.group for x in held])
    metrics.pop("statement")
    out["classifier"] = metrics
    out["classifier_by_form"] = _by_form(held)
    if args.split == "dev":  # the rows are fitted on it: no mixtures
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return
    staff = student_names(Path(args.shared) / "papercopilot-openreview", staff=True)
    out["staff_people"] = {g: sum(x.group == g for x in staff) for g in INDEPENDENT_ROWS}
    out["mixtures"] = {"count": args.mixtures, "names_each": args.size}
    rows = load_rows()
    for label, people_ in (("heldout_students", held), ("staff", staff)):
        pools = {g: [x.name for x in people_ if x.group == g] for g in INDEPENDENT_ROWS}
        cells = {g: name_cells(names) for g, names in pools.items()}
        out[label] = {
            "adjusted": mixture_coverage(cells, rows, args.mixtures, args.size, args.seed),
            "em": _em_coverage(pools, args.mixtures, args.size, args.seed),
        }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
