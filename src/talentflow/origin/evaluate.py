"""How well the estimator does on names whose group is known (aggregate metrics only).

Metrics are computed on the names the estimator did not abstain on (``coverage``
is their fraction): accuracy and macro-F1 of the arg-max group, per-group
precision / recall / F1 / support, and the expected calibration error of the
top probability (15 equal-width bins). A group resting on fewer than ``MIN_CELL``
distinct labelled or predicted names is suppressed (its metrics would describe
single names).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from talentflow.errors import BadInputError
from talentflow.indicators.stats import expected_calibration_error
from talentflow.origin.cells import person_keys
from talentflow.origin.groups import GROUPS, MIN_CELL, STATEMENT
from talentflow.origin.normalise import NormalisedName
from talentflow.sources.user_csv import read_user_csv

HELDOUT_FILE = "heldout_names.csv.gz"
SUPPRESSED_METRICS = ("precision", "recall", "f1", "support", "abstained")


def read_names_csv(path: Path, need_group: bool = False) -> tuple[list[str], list[str]]:
    """Names (and groups) from a CSV with a ``name`` column (and ``group`` when needed)."""
    table = read_user_csv(path, ["name", "group"] if need_group else ["name"])
    names: list[str] = []
    groups: list[str] = []
    for i, row in table.records:
        name = (row.get("name") or "").strip()
        if not name:
            continue
        names.append(name)
        if need_group:
            group = (row.get("group") or "").strip().lower()
            if group not in GROUPS:
                raise BadInputError(
                    str(path), f"unknown group {group!r} (one of {', '.join(GROUPS)})", i
                )
            groups.append(group)
    return names, groups


def heldout_path() -> Path:
    """The shipped held-out labelled names (see ``devtools/build_origin_tables.py``)."""
    return Path(str(resources.files("talentflow.origin").joinpath("data", HELDOUT_FILE)))


def _people(keys: Sequence[NormalisedName], mask: np.ndarray) -> int:
    return len({k for k, m in zip(keys, mask, strict=True) if m})


def evaluate(names: Sequence[str], groups: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-group P/R/F1, ECE and coverage on labelled names."""
    from talentflow.origin.model import load_estimator

    if len(names) != len(groups):
        raise ValueError("names and groups differ in length")
    post = load_estimator()._posterior(list(names))
    truth = np.array([GROUPS.index(g) for g in groups], dtype=np.int64)
    keep = ~post.abstained
    probs = post.probs[keep]
    y = truth[keep]
    pred = probs.argmax(axis=1) if probs.size else np.zeros(0, dtype=np.int64)
    conf = probs.max(axis=1) if probs.size else np.zeros(0)
    correct = pred == y
    kept_keys = [k for k, ok in zip(person_keys(names), keep, strict=True) if ok]
    per_group: dict[str, dict[str, float | int | bool | None]] = {}
    f1s: list[float] = []
    for i, g in enumerate(GROUPS):
        support = int((y == i).sum())
        tp = int(((pred == i) & (y == i)).sum())
        predicted = int((pred == i).sum())
        if support == 0 and predicted == 0:
            continue
        if min(_people(kept_keys, y == i), _people(kept_keys, pred == i)) < MIN_CELL:
            per_group[g] = dict.fromkeys(SUPPRESSED_METRICS) | {"suppressed": True}
            continue
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_group[g] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
            "abstained": int(((truth == i) & post.abstained).sum()),
            "suppressed": False,
        }
        if support:
            f1s.append(f1)
    n = len(names)
    return {
        "statement": STATEMENT,
        "n": n,
        "coverage": round(float(keep.mean()), 4) if n else 0.0,
        "accuracy": round(float(correct.mean()), 4) if correct.size else 0.0,
        "macro_f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "ece": round(expected_calibration_error(conf, correct), 4) if correct.size else 0.0,
        "per_group": per_group,
    }
