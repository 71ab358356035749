"""How well the stage model infers stated stages it was not shown, on held-out people.

People with at least one stated stage are split at random (seeded) into a development share
and a held-out share. :func:`choose_configuration` compares :data:`CANDIDATES` on the
development share only (fitted on three quarters of its people, scored on the other quarter
with their positions hidden as the held-out people's are); the chosen one is written to
``careers/data/stage_model.json`` by hand and is the one a build fits.
:func:`evaluate_stage_model` fits that configuration on the development share and evaluates
it on the held-out share whose every stated position is hidden from the features (their
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
    CONFIGURED,
    MODEL_STAGES,
    Candidate,
    Encoding,
    fit_estimator,
    fit_stage_model,
    log_loss,
    stage_labels,
    stage_probabilities,
    stint_features,
)
from talentflow.graph.store import Store
from talentflow.indicators.stats import expected_calibration_error

PHD = MODEL_STAGES.index("phd")
CONFIDENT = 0.8

CANDIDATES: tuple[Candidate, ...] = (
    Candidate("logistic", {"C": 1.0}),
    Candidate("gbm", {"learning_rate": 0.1, "max_leaf_nodes": 31, "max_iter": 100}),
    Candidate(
        "gbm",
        {"learning_rate": 0.05, "max_leaf_nodes": 31, "max_iter": 300, "l2_regularization": 1.0},
    ),
)
"""The configurations compared, cheapest to fit first."""

TOLERANCE = 0.005
"""A cheaper configuration is chosen when its development log loss is within this of the
best (each build fits the chosen one)."""


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


def _labelled_people(store: Store) -> list[str]:
    visible = stint_features(store)
    labels = stage_labels(visible)
    return [str(p) for p in pc.filter(visible.column("person_id"), pa.array(labels >= 0))]


@dataclass(frozen=True)
class Score:
    """One configuration's development figures."""

    candidate: Candidate
    log_loss: float
    accuracy: float
    phd_accuracy: float


@dataclass(frozen=True)
class Choice:
    """The development comparison and the configuration it chooses."""

    scores: list[Score]
    chosen: Candidate
    fit_people: int
    check_people: int
    check_stints: int
    phd_thresholds: dict[str, float]


def choose_configuration(
    store: Store,
    held_out_share: float = 0.2,
    seed: int = 19,
    check_share: float = 0.25,
    candidates: tuple[Candidate, ...] = CANDIDATES,
) -> Choice:
    """Compare ``candidates`` on the development people only: fitted on ``1 - check_share``
    of them, scored on the rest with every stated position of theirs (and of the held-out
    people) hidden. The lowest log loss wins, or the cheapest within :data:`TOLERANCE`.
    ``phd_thresholds``: the chosen one's PhD-vs-not accuracy at thresholds of P(phd)."""
    _, held = split_people(_labelled_people(store), held_out_share, seed)
    dev = sorted(set(_labelled_people(store)) - held)
    _, check = split_people(dev, check_share, seed + 1)
    features = stint_features(store, hidden=sorted(held | check))
    labels = stage_labels(features)
    hidden = np.asarray(features.column("hidden").to_numpy(zero_copy_only=False), dtype=bool)
    person = features.column("person_id").to_pylist()
    in_check = np.array([p in check for p in person], dtype=bool)
    train, test = (labels >= 0) & ~hidden, (labels >= 0) & in_check
    encoding = Encoding.fit(features.filter(pa.array(train)))
    x = encoding.matrix(features)
    y = labels[test]
    scores, probabilities = [], []
    for candidate in candidates:
        estimator = fit_estimator(candidate, x[train], labels[train])
        proba = stage_probabilities(estimator, x[test])
        probabilities.append(proba)
        phd = float(((proba[:, PHD] >= 0.5) == (y == PHD)).mean())
        accuracy = float((proba.argmax(axis=1) == y).mean())
        scores.append(Score(candidate, log_loss(y, proba), accuracy, phd))
    best = min(s.log_loss for s in scores)
    index = next(i for i, s in enumerate(scores) if s.log_loss <= best + TOLERANCE)
    chosen = probabilities[index][:, PHD]
    thresholds = {
        f"{t:.2f}": float(((chosen >= t) == (y == PHD)).mean()) for t in np.arange(0.3, 0.71, 0.05)
    }
    fit_people = len({p for p, t in zip(person, train, strict=True) if t})
    return Choice(scores, candidates[index], fit_people, len(check), len(y), thresholds)


def evaluate_stage_model(
    store: Store,
    held_out_share: float = 0.2,
    seed: int = 19,
    rounds: int = 500,
    candidate: Candidate = CONFIGURED,
) -> StageEvaluation:
    """Fit ``candidate`` on a development split of people, evaluate once on the held-out
    people."""
    visible = stint_features(store)
    labels = stage_labels(visible)
    labelled_people = pc.filter(visible.column("person_id"), pa.array(labels >= 0)).to_pylist()
    _, held = split_people([str(p) for p in labelled_people], held_out_share, seed)
    features = stint_features(store, hidden=sorted(held))
    hidden = np.asarray(features.column("hidden").to_numpy(zero_copy_only=False), dtype=bool)
    model = fit_stage_model(features.filter(pa.array(~hidden)), candidate)
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
