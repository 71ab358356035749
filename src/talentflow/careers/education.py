"""Education estimates: a distribution over first-degree (origin) and PhD (training) country.

Observed where a stint states it (the pipeline's definitions: :data:`TRAINING_SQL`,
:data:`ORIGIN_SQL`); estimated otherwise by a hierarchical Dirichlet model fitted on the
people whose education is observed. The model smooths the label frequencies of a context
(a stint's stage, organisation, organisation kind and country; for origin also the
observed training country) towards those of a coarser context, down to the global mix:

    p(c | level k) = (count_k(c) + a * p(c | level k-1)) / (n_k + a)

A fitting person's contexts are their stints with a country; the stints that state the
education being estimated are read as stage ``unknown`` (their position hidden), so the
fitted contexts look like those of the people the model is applied to. Each person weighs
1 in total. Candidate back-off chains and concentrations are chosen by log loss on a
development split of people (:func:`choose`). Intervals come from :func:`bootstrap_shares`,
which refits the model on resampled fitting people. No name-origin estimate is used
(docs/education-estimates.md says why).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from talentflow.engines import Engine
from talentflow.indicators.common import BEST_STINTS, TRAINING_RANK, best_evidence

TARGETS = ("training", "origin")

# The stages a target's observation states: hidden (read as 'unknown') in a context.
TARGET_STAGES: dict[str, tuple[str, ...]] = {
    "training": ("phd", "masters"),
    "origin": ("undergraduate",),
}

# Each person's observed training (PhD, else masters) and origin (undergraduate) country,
# from their best-evidence stints: the one definition the pipeline also reads.
TRAINING_SQL = f"""
SELECT person_id, country, evidence FROM (
  SELECT s.person_id, s.country, s.evidence,
         row_number() OVER (
           PARTITION BY s.person_id
           ORDER BY {TRAINING_RANK.replace("stage", "s.stage")},
                    coalesce(s.first_year, 9999), s.country
         ) AS rk
  FROM best_stints s
  WHERE s.stage IN ('phd', 'masters') AND s.country IS NOT NULL
) ranked_training WHERE rk = 1
"""

ORIGIN_SQL = """
SELECT person_id, country, evidence FROM (
  SELECT s.person_id, s.country, s.evidence,
         row_number() OVER (
           PARTITION BY s.person_id ORDER BY coalesce(s.first_year, 9999), s.country
         ) AS rk
  FROM best_stints s
  WHERE s.stage = 'undergraduate' AND s.country IS NOT NULL
) ranked_origin WHERE rk = 1
"""

# One row per stint with a country of every person with an observed training or origin.
EXAMPLES_SQL = f"""
WITH training AS ({TRAINING_SQL}), origin AS ({ORIGIN_SQL})
SELECT s.person_id, coalesce(s.stage, 'unknown') AS stage, s.org_id, s.country,
       coalesce(o.kind, 'unknown') AS kind,
       t.country AS training_country, g.country AS origin_country
FROM best_stints s
LEFT JOIN organisations o ON o.org_id = s.org_id
LEFT JOIN training t ON t.person_id = s.person_id
LEFT JOIN origin g ON g.person_id = s.person_id
WHERE s.country IS NOT NULL AND (t.country IS NOT NULL OR g.country IS NOT NULL)
ORDER BY s.person_id, s.first_year, s.org_id, s.country, stage
"""

# Back-off chains, coarse to fine: each level is the covariates of one context.
CHAINS: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
    "training": {
        "global": (),
        "country": (("country",),),
        "org": (("country",), ("org_id",)),
        "stage-org": (("country",), ("stage", "country"), ("stage", "kind", "org_id")),
    },
    "origin": {
        "global": (),
        "country": (("country",),),
        "org": (("country",), ("org_id",)),
        "stage-org": (("country",), ("stage", "country"), ("stage", "org_id")),
        "training-org": (
            ("training",),
            ("training", "country"),
            ("stage", "training", "country"),
            ("stage", "org_id"),
        ),
    },
}
CONCENTRATIONS = (0.5, 2.0, 8.0, 32.0, 128.0)
UNKNOWN_TRAINING = "?"
# Cells below this share are left out of results: the smoothing gives every country a
# sliver of probability everywhere.
MIN_CELL = 0.0005


@dataclass(frozen=True)
class Context:
    """What the model knows of one person at one stint (or cohort)."""

    stage: str
    org_id: str | None
    country: str
    kind: str
    training: str = UNKNOWN_TRAINING

    def key(self, covariates: tuple[str, ...]) -> tuple[str, ...]:
        """The context's values of ``covariates`` (a missing organisation is its own key)."""
        return tuple(str(getattr(self, c) or "") for c in covariates)


@dataclass(frozen=True)
class Example:
    """A fitting person's context with its observed label and weight."""

    person_id: str
    context: Context
    label: str
    weight: float
    hidden: bool = False


@dataclass(frozen=True)
class Candidate:
    """A back-off chain and its concentration."""

    chain: str
    concentration: float


@dataclass
class FittedModel:
    """Label counts per level of one chain; predicts a distribution for any context."""

    target: str
    candidate: Candidate
    classes: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    keys: list[dict[tuple[str, ...], int]]
    codes: list[npt.NDArray[np.int64]]
    labels: npt.NDArray[np.int64]
    weights: npt.NDArray[np.float64]
    persons: npt.NDArray[np.int64]
    n_people: int
    people: tuple[str, ...] = field(default=())

    def query_codes(self, contexts: Sequence[Context]) -> list[npt.NDArray[np.int64]]:
        """Each level's key code of each context (-1: a key no fitting person has)."""
        return [
            np.array([keys.get(c.key(cov), -1) for c in contexts], dtype=np.int64)
            for keys, cov in zip(self.keys, self.levels, strict=True)
        ]

    def predict(
        self,
        contexts: Sequence[Context],
        person_weights: npt.NDArray[np.float64] | None = None,
        codes: list[npt.NDArray[np.int64]] | None = None,
    ) -> npt.NDArray[np.float64]:
        """Probabilities (rows: contexts, columns: :attr:`classes`); ``person_weights``
        reweighs the fitting people (a bootstrap refit)."""
        k = len(self.classes)
        w = self.weights if person_weights is None else self.weights * person_weights[self.persons]
        a = self.candidate.concentration
        total = np.bincount(self.labels, weights=w, minlength=k)
        prior = (total + a / k) / (total.sum() + a)
        query = codes if codes is not None else self.query_codes(contexts)
        p = np.tile(prior, (len(contexts), 1))
        for level_codes, q, keys in zip(self.codes, query, self.keys, strict=True):
            flat = np.bincount(level_codes * k + self.labels, weights=w, minlength=len(keys) * k)
            counts = flat.reshape(len(keys), k)
            known = q >= 0
            c = counts[q[known]]
            p[known] = (c + a * p[known]) / (c.sum(axis=1, keepdims=True) + a)
        return p


def _stable_fraction(person_id: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}:{person_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(person_id: str, salt: str = "education-1") -> str:
    """A person's split, stable across runs: ``fit`` (60%), ``dev`` (20%), ``heldout``."""
    u = _stable_fraction(person_id, salt)
    return "fit" if u < 0.6 else "dev" if u < 0.8 else "heldout"


def hide(context: Context, target: str) -> Context:
    """``context`` with the stage that states ``target`` read as unknown."""
    if context.stage in TARGET_STAGES[target]:
        return Context("unknown", context.org_id, context.country, context.kind, context.training)
    return context


def example_rows(engine: Engine) -> list[dict[str, Any]]:
    """The rows of :data:`EXAMPLES_SQL` (both targets' fitting people), read once."""
    with best_evidence(engine, (BEST_STINTS,)):
        rows: list[dict[str, Any]] = engine.sql(EXAMPLES_SQL).to_pylist()
    return rows


def examples(engine: Engine, target: str) -> list[Example]:
    """Fitting examples for ``target`` from the store: every stint with a country of every
    person whose ``target`` is observed, its stating stage hidden, each person weighing 1."""
    return examples_from_rows(example_rows(engine), target)


def examples_from_rows(rows: Sequence[Mapping[str, Any]], target: str) -> list[Example]:
    """:func:`examples` from rows of :data:`EXAMPLES_SQL`'s shape."""
    label_col = f"{target}_country"
    by_person: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        if r[label_col]:
            by_person.setdefault(str(r["person_id"]), []).append(r)
    out: list[Example] = []
    for pid, group in by_person.items():
        for r in group:
            training = (
                str(r["training_country"] or UNKNOWN_TRAINING)
                if target == "origin"
                else UNKNOWN_TRAINING
            )
            ctx = Context(str(r["stage"]), r["org_id"], str(r["country"]), str(r["kind"]), training)
            seen = hide(ctx, target)
            out.append(Example(pid, seen, str(r[label_col]), 1.0 / len(group), seen != ctx))
    return out


def fit(target: str, data: Sequence[Example], candidate: Candidate) -> FittedModel:
    """Count the labels of ``data`` at every level of ``candidate``'s chain."""
    levels = CHAINS[target][candidate.chain]
    classes = tuple(sorted({e.label for e in data}))
    class_code = {c: i for i, c in enumerate(classes)}
    people = tuple(sorted({e.person_id for e in data}))
    person_code = {p: i for i, p in enumerate(people)}
    keys: list[dict[tuple[str, ...], int]] = []
    codes: list[npt.NDArray[np.int64]] = []
    for cov in levels:
        table: dict[tuple[str, ...], int] = {}
        codes.append(
            np.array([table.setdefault(e.context.key(cov), len(table)) for e in data], np.int64)
        )
        keys.append(table)
    return FittedModel(
        target=target,
        candidate=candidate,
        classes=classes,
        levels=levels,
        keys=keys,
        codes=codes,
        labels=np.array([class_code[e.label] for e in data], dtype=np.int64),
        weights=np.array([e.weight for e in data], dtype=np.float64),
        persons=np.array([person_code[e.person_id] for e in data], dtype=np.int64),
        n_people=len(people),
        people=people,
    )


def log_loss(model: FittedModel, data: Sequence[Example]) -> float:
    """Mean negative log probability of the true label, each person weighing 1 in total
    (a label the fitting people never had gets the smallest probability of the model)."""
    if not data:
        return float("nan")
    p = model.predict([e.context for e in data])
    index = {c: i for i, c in enumerate(model.classes)}
    floor = float(p.min())
    probs = np.array(
        [p[i, index[e.label]] if e.label in index else floor for i, e in enumerate(data)]
    )
    weights = np.array([e.weight for e in data])
    return float(-(weights * np.log(np.maximum(probs, 1e-12))).sum() / weights.sum())


@dataclass(frozen=True)
class Choice:
    """The chosen candidate with every candidate's development log loss."""

    target: str
    candidate: Candidate
    dev_log_loss: dict[str, float]


def choose(target: str, fit_data: Sequence[Example], dev_data: Sequence[Example]) -> Choice:
    """The candidate (chain x concentration) with the least development log loss."""
    scores: dict[str, float] = {}
    best: tuple[float, Candidate] | None = None
    for chain in CHAINS[target]:
        counted = fit(target, fit_data, Candidate(chain, CONCENTRATIONS[0]))
        for a in CONCENTRATIONS:  # the concentration acts at prediction only: count once
            cand = Candidate(chain, a)
            loss = log_loss(replace(counted, candidate=cand), dev_data)
            scores[f"{chain}/a={a:g}"] = round(loss, 4)
            if best is None or loss < best[0]:
                best = (loss, cand)
    assert best is not None
    return Choice(target, best[1], scores)


@dataclass(frozen=True)
class Person:
    """A cohort member: observed training/origin (or None) and the context to estimate from."""

    person_id: str
    context: Context
    training: str | None
    origin: str | None
    work: str | None = None


def estimate(model: FittedModel, people: Sequence[Person], target: str) -> list[dict[str, float]]:
    """Each person's distribution over ``target`` country: observed (probability 1) or the
    model's prediction from the person's context (observed training taken for origin)."""
    todo = [i for i, p in enumerate(people) if getattr(p, target) is None]
    probs = model.predict([_query(people[i], target) for i in todo]) if todo else None
    out: list[dict[str, float]] = []
    row = {i: r for r, i in enumerate(todo)}
    for i, p in enumerate(people):
        seen = getattr(p, target)
        if seen is not None:
            out.append({str(seen): 1.0})
            continue
        assert probs is not None
        dist = probs[row[i]]
        out.append({c: float(v) for c, v in zip(model.classes, dist, strict=True) if v > 0})
    return out


def _query(person: Person, target: str) -> Context:
    ctx = hide(person.context, target)
    if target == "origin":
        training = person.training or UNKNOWN_TRAINING
        return Context(ctx.stage, ctx.org_id, ctx.country, ctx.kind, training)
    return ctx


def _percentile(values: npt.NDArray[np.float64]) -> tuple[float, float]:
    low, high = np.percentile(values, [2.5, 97.5])
    return float(low), float(high)


def _draw(probs: npt.NDArray[np.float64], rng: np.random.Generator) -> npt.NDArray[np.int64]:
    cum = probs.cumsum(axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    drawn: npt.NDArray[np.int64] = np.minimum((cum < u[:, None]).sum(axis=1), probs.shape[1] - 1)
    return drawn.astype(np.int64)


@dataclass
class Shares:
    """One stage's observed, estimated and combined shares of a cohort, with intervals.

    ``n_from_context``: estimated people with a country in their context (work, else
    another stint, else their co-authors'); the others get the model's mix for people
    without one and are not counted as determined."""

    observed: dict[str, dict[str, float]]
    estimated: dict[str, dict[str, float]]
    combined: dict[str, dict[str, float]]
    n_observed: int
    n_estimated: int
    n_from_context: int
    by_work: dict[str, dict[str, dict[str, float]]]

    def as_json(self) -> dict[str, Any]:
        n = self.n_observed + self.n_estimated
        return {
            "observed": {
                "n": self.n_observed,
                "coverage": _ratio(self.n_observed, n),
                "shares": self.observed,
            },
            "estimated": {
                "n": self.n_estimated,
                "coverage": _ratio(self.n_estimated, n),
                "from_context": self.n_from_context,
                "shares": self.estimated,
            },
            "combined": {
                "n": n,
                "determined": self.n_observed + self.n_from_context,
                "coverage": _ratio(self.n_observed + self.n_from_context, n),
                "shares": self.combined,
            },
            "by_work": self.by_work,
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


class _Draws:
    """One target's countries over a cohort: observed codes, the full fit's expected mass,
    and a bootstrap replicate's labels (refit on resampled fitting people, then a draw for
    each unobserved person)."""

    def __init__(self, model: FittedModel, people: Sequence[Person], target: str) -> None:
        self.model = model
        classes = list(model.classes)
        for p in people:
            seen = getattr(p, target)
            if seen is not None and seen not in classes:
                classes.append(str(seen))
        self.classes = classes
        index = {c: i for i, c in enumerate(classes)}
        self.k = k = len(classes)
        self.observed = np.array([getattr(p, target) is not None for p in people], dtype=bool)
        self.seen_code = np.array(
            [index[str(getattr(p, target))] if getattr(p, target) else -1 for p in people],
            dtype=np.int64,
        )
        self.todo = np.flatnonzero(~self.observed)
        contexts = [_query(people[int(i)], target) for i in self.todo]
        self.from_context = sum(1 for c in contexts if c.country)
        codes = model.query_codes(contexts)
        # Predict once per distinct context (many authors share an organisation and stage).
        if codes and len(self.todo):
            unique, inverse = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
            codes = [unique[:, j].copy() for j in range(unique.shape[1])]
            firsts = np.unique(inverse.reshape(-1), return_index=True)[1]
            self.distinct = [contexts[int(i)] for i in firsts]
            self.inverse = inverse.reshape(-1)
        else:
            self.distinct, self.inverse = contexts, np.arange(len(self.todo))
        self.codes = codes
        self.mass = np.zeros((len(people), k))
        self.mass[np.flatnonzero(self.observed), self.seen_code[self.observed]] = 1.0
        if len(self.todo):
            self.mass[self.todo] = self._probs(None)

    def _probs(self, weights: npt.NDArray[np.float64] | None) -> npt.NDArray[np.float64]:
        probs = self.model.predict(self.distinct, weights, self.codes)
        out = np.zeros((len(probs), self.k))
        out[:, : len(self.model.classes)] = probs
        return out[self.inverse]

    def labels(self, rng: np.random.Generator) -> npt.NDArray[np.int64]:
        """Every person's country code in one replicate."""
        n_fit = self.model.n_people
        weights = rng.multinomial(n_fit, np.full(n_fit, 1 / n_fit)).astype(np.float64)
        label = self.seen_code.copy()
        if len(self.todo):
            label[self.todo] = _draw(self._probs(weights), rng)
        return label


def bootstrap_shares(
    model: FittedModel,
    people: Sequence[Person],
    target: str,
    replicates: int = 200,
    seed: int = 0,
) -> Shares:
    """Shares of ``target`` country over ``people`` with percentile 95% intervals that
    include the model's error: each replicate resamples the fitting people (and refits),
    resamples the cohort, and draws each unobserved person's country from its refitted
    distribution. Point shares: observed counts plus the full fit's expected counts."""
    rng = np.random.default_rng(seed)
    draws = _Draws(model, people, target)
    classes, k, observed, mass = draws.classes, draws.k, draws.observed, draws.mass
    n = len(people)
    works = sorted({p.work for p in people if p.work})
    work_code = np.array([works.index(p.work) if p.work else -1 for p in people])

    rep_obs = np.zeros((replicates, k))
    rep_est = np.zeros((replicates, k))
    rep_all = np.zeros((replicates, k))
    rep_work = np.zeros((replicates, max(len(works), 1), k))
    for b in range(replicates):
        label = draws.labels(rng)
        pick = rng.integers(0, n, n) if n else np.zeros(0, dtype=np.int64)
        o = observed[pick]
        rep_obs[b] = np.bincount(label[pick][o], minlength=k) / max(int(o.sum()), 1)
        rep_est[b] = np.bincount(label[pick][~o], minlength=k) / max(int((~o).sum()), 1)
        rep_all[b] = np.bincount(label[pick], minlength=k) / max(n, 1)
        w = work_code[pick]
        for j in range(len(works)):
            sel = w == j
            if sel.any():
                rep_work[b, j] = np.bincount(label[pick][sel], minlength=k) / sel.sum()

    def cells(
        point: npt.NDArray[np.float64], reps: npt.NDArray[np.float64]
    ) -> dict[str, dict[str, float]]:
        order = sorted(range(k), key=lambda i: (-point[i], classes[i]))
        out: dict[str, dict[str, float]] = {}
        for i in order:
            if point[i] < MIN_CELL:
                continue
            low, high = _percentile(reps[:, i])
            out[classes[i]] = {"share": float(point[i]), "low": low, "high": high}
        return out

    n_obs = int(observed.sum())
    point_obs = mass[observed].sum(axis=0) / max(n_obs, 1)
    point_est = mass[~observed].sum(axis=0) / max(n - n_obs, 1)
    point_all = mass.sum(axis=0) / max(n, 1)
    by_work: dict[str, dict[str, dict[str, float]]] = {}
    for j, work in enumerate(works):
        sel = work_code == j
        by_work[work] = cells(mass[sel].sum(axis=0) / sel.sum(), rep_work[:, j])
    return Shares(
        observed=cells(point_obs, rep_obs),
        estimated=cells(point_est, rep_est),
        combined=cells(point_all, rep_all),
        n_observed=n_obs,
        n_estimated=n - n_obs,
        n_from_context=draws.from_context,
        by_work=by_work,
    )


def fit_models(
    engine: Engine, extra: Mapping[str, Sequence[Example]] | None = None
) -> dict[str, tuple[Choice, FittedModel]]:
    """For each target: the candidate chosen on the development split of the store's
    observed people, refitted on all of them (plus ``extra`` examples, if given)."""
    out: dict[str, tuple[Choice, FittedModel]] = {}
    rows = example_rows(engine)
    for target in TARGETS:
        data = examples_from_rows(rows, target) + list((extra or {}).get(target, ()))
        choice = choose(
            target,
            [e for e in data if split_of(e.person_id) == "fit"],
            [e for e in data if split_of(e.person_id) == "dev"],
        )
        out[target] = (choice, fit(target, data, choice.candidate))
    return out


def bootstrap_flows(
    models: Mapping[str, FittedModel],
    people: Sequence[Person],
    replicates: int = 200,
    seed: int = 0,
    top: int = 40,
) -> list[dict[str, Any]]:
    """Origin -> training -> work cells: each cell's share of the people with a work
    country, with percentile 95% intervals (one resampled cohort per replicate, both
    targets drawn in it; origin and training drawn independently given the context).
    The point share is the mean over replicates; ``observed`` counts the cell's people
    whose origin and training are both stated. The ``top`` cells, largest first."""
    rng = np.random.default_rng(seed)
    origin = _Draws(models["origin"], people, "origin")
    training = _Draws(models["training"], people, "training")
    works = sorted({p.work for p in people if p.work})
    work_code = np.array([works.index(p.work) if p.work else -1 for p in people])
    n = len(people)
    has_work = work_code >= 0
    if not n or not has_work.any():
        return []
    size = (origin.k, training.k, len(works))
    reps = np.zeros((replicates, origin.k * training.k * len(works)))
    for b in range(replicates):
        o, t = origin.labels(rng), training.labels(rng)
        pick = rng.integers(0, n, n)
        pick = pick[has_work[pick]]
        cell = np.ravel_multi_index((o[pick], t[pick], work_code[pick]), size)
        reps[b] = np.bincount(cell, minlength=reps.shape[1]) / max(len(pick), 1)
    point = reps.mean(axis=0)
    both = origin.observed & training.observed & has_work
    seen = np.bincount(
        np.ravel_multi_index(
            (origin.seen_code[both], training.seen_code[both], work_code[both]), size
        ),
        minlength=reps.shape[1],
    )
    out: list[dict[str, Any]] = []
    for i in np.argsort(-point, kind="stable")[:top]:
        if point[i] < MIN_CELL:
            break
        a, b_, w = np.unravel_index(int(i), size)
        low, high = _percentile(reps[:, i])
        out.append(
            {
                "origin": origin.classes[int(a)],
                "training": training.classes[int(b_)],
                "work": works[int(w)],
                "share": float(point[i]),
                "low": low,
                "high": high,
                "observed": int(seen[i]),
            }
        )
    return out
