"""How well the stage model infers stated stages it was not shown, on held-out people.

People with at least one stated stage are split at random (seeded) into a development share,
on which :func:`talentflow.careers.stint_stages.fit_stage_model` chooses and calibrates the
model, and a held-out share whose every stated position is hidden from the features (their
own and as co-authors). The held-out stints' stated stages are then compared once with the
model's distributions: accuracy (overall, per stage, PhD vs not), expected calibration error
and how many stints the model is confident about, each accuracy with a 95% interval from a
bootstrap over held-out people (their stints are not independent).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from talentflow.careers.stint_stages import (
    MODEL_STAGES,
    fit_stage_model,
    stage_labels,
    stint_features,
)
from talentflow.graph.store import Store

PHD = MODEL_STAGES.index("phd")
CONFIDENT = 0.8


@dataclass(frozen=True)
class Estimate:
    """A share with its count and 95% interval."""

    value: float
    n: int
    low: float
    high: float


@dataclass(frozen=True)
class StageEvaluation:
    """The held-out figures of one evaluation."""

    model_version: str
    chosen: str
    dev_people: int
    dev_stints: int
    held_out_people: int
    held_out_stints: int
    accuracy: Estimate
    phd_accuracy: Estimate
    per_stage: dict[str, Estimate]
    ece: float
    phd_ece: float
    confident_share: float
    confident_accuracy: float
    stints: int
    observed_share: float


def split_people(people: list[str], held_out_share: float, seed: int) -> tuple[set[str], set[str]]:
    """``people`` split at random into (development, held out), ``held_out_share`` held out."""
    ordered = sorted(set(people))
    order = np.random.default_rng(seed).permutation(len(ordered))
    cut = round(len(ordered) * held_out_share)
    held = {ordered[i] for i in order[:cut]}
    return set(ordered) - held, held


def expected_calibration_error(
    confidence: np.ndarray[Any, Any], correct: np.ndarray[Any, Any], bins: int = 15
) -> float:
    """The weighted mean gap between confidence and accuracy over equal-width bins.

    >>> round(expected_calibration_error(np.array([0.9, 0.9]), np.array([1, 0])), 2)
    0.4
    """
    if len(confidence) == 0:
        return float("nan")
    which = np.minimum((confidence * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.sum() * abs(float(confidence[mask].mean()) - float(correct[mask].mean()))
    return total / len(confidence)


def _bootstrap(
    person: np.ndarray[Any, Any], correct: np.ndarray[Any, Any], rounds: int, seed: int
) -> Estimate:
    """Accuracy with a percentile interval from resampling people (clusters of stints)."""
    n = len(correct)
    if n == 0:
        return Estimate(float("nan"), 0, float("nan"), float("nan"))
    _, code = np.unique(person, return_inverse=True)
    people = int(code.max()) + 1
    hits = np.bincount(code, weights=correct.astype(float), minlength=people)
    totals = np.bincount(code, minlength=people).astype(float)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, people, size=(rounds, people))
    shares = hits[draws].sum(axis=1) / np.maximum(totals[draws].sum(axis=1), 1.0)
    low, high = np.percentile(shares, [2.5, 97.5])
    return Estimate(float(correct.mean()), n, float(low), float(high))


def evaluate_stage_model(
    store: Store, held_out_share: float = 0.2, seed: int = 19, rounds: int = 500
) -> StageEvaluation:
    """Fit on a development split of people, evaluate once on the held-out people."""
    visible = stint_features(store)
    labels = stage_labels(visible)
    labelled_people = pc.filter(visible.column("person_id"), pa.array(labels >= 0)).to_pylist()
    _, held = split_people([str(p) for p in labelled_people], held_out_share, seed)
    features = stint_features(store, hidden=sorted(held))
    hidden = np.asarray(features.column("hidden").to_numpy(zero_copy_only=False), dtype=bool)
    model = fit_stage_model(features.filter(pa.array(~hidden)))
    if model is None:
        raise ValueError("too few people with a stated stage to fit and evaluate a model")
    truth = stage_labels(features)
    test_index = np.flatnonzero(hidden & (truth >= 0))
    test = features.take(pa.array(test_index))
    y = truth[test_index]
    proba = model.predict(test)
    predicted = proba.argmax(axis=1)
    correct = predicted == y
    person = np.array(test.column("person_id").to_pylist(), dtype=object)
    is_phd = y == PHD
    phd_correct = (proba[:, PHD] >= 0.5) == is_phd
    per_stage = {
        stage: _bootstrap(person[y == k], correct[y == k], rounds, seed)
        for k, stage in enumerate(MODEL_STAGES)
    }
    confidence = proba.max(axis=1)
    confident = confidence >= CONFIDENT
    all_labels = stage_labels(visible)
    return StageEvaluation(
        model_version=model.version,
        chosen=f"{model.candidate.name} {model.candidate.settings}",
        dev_people=model.labelled_people,
        dev_stints=model.labelled_stints,
        held_out_people=len(set(person.tolist())),
        held_out_stints=len(y),
        accuracy=_bootstrap(person, correct, rounds, seed),
        phd_accuracy=_bootstrap(person, phd_correct, rounds, seed),
        per_stage=per_stage,
        ece=expected_calibration_error(confidence, correct),
        phd_ece=expected_calibration_error(proba[:, PHD], is_phd),
        confident_share=float(confident.mean()) if len(y) else float("nan"),
        confident_accuracy=float(correct[confident].mean()) if confident.any() else float("nan"),
        stints=visible.num_rows,
        observed_share=float((all_labels >= 0).mean()) if visible.num_rows else float("nan"),
    )
