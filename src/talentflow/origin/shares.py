"""Aggregate shares of name-origin groups: summed probabilities, bootstrap intervals.

A share is the mean of the calibrated probabilities over the names the estimator
did not abstain on (counting arg-maxes would push every ambiguous name into its
likeliest group). The estimator is trained on balanced groups; a population
whose mix differs shifts every posterior, so by default the population's prior
is re-estimated by EM (Saerens, Latinne & Decaestecker 2002, "Adjusting the
outputs of a classifier to new a priori probabilities"), or a known prior can be
given. Intervals are percentile bootstrap intervals over names (the EM is re-run
in every replicate, warm-started from the full-sample estimate). A group whose
estimated head-count of distinct people is under ``MIN_CELL`` is suppressed, and
so is everything when fewer than ``MIN_CELL`` distinct people are usable
(``cells``: a repeated name counts once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from talentflow.errors import TalentflowError
from talentflow.origin.cells import first_rows
from talentflow.origin.groups import GROUPS, MIN_CELL, STATEMENT

ADJUSTED_METHOD = (
    "maximum-likelihood mixture of the estimator's labelled error rates over arg-max cells "
    "(abstentions included); intervals resample names and error rates"
)

PriorMode = Literal["em", "none", "adjusted"]


@dataclass(frozen=True)
class ShareSettings:
    """How shares are computed (recorded in every result)."""

    prior: PriorMode | Mapping[str, float] = "em"
    bootstrap: int = 400
    confidence: float = 0.95
    seed: int = 0
    min_cell: int = MIN_CELL

    def as_dict(self) -> dict[str, Any]:
        prior = self.prior if isinstance(self.prior, str) else dict(self.prior)
        return {
            "prior": prior,
            "bootstrap": self.bootstrap,
            "confidence": self.confidence,
            "seed": self.seed,
            "min_cell": self.min_cell,
        }


@dataclass(frozen=True)
class ShareResult:
    """The aggregate-only result: the shape of INTERFACE.md plus method fields."""

    n: int
    abstained: int
    shares: dict[str, dict[str, float | bool | None]]
    settings: ShareSettings
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        adjusted = self.settings.prior == "adjusted"
        return {
            "statement": STATEMENT,
            **self.extra,
            "n": self.n,
            "abstained": self.abstained,
            "shares": self.shares,
            "method": {
                "estimate": ADJUSTED_METHOD
                if adjusted
                else "mean calibrated probability over non-abstained names",
                **self.settings.as_dict(),
            },
        }

    def rows(self) -> list[dict[str, Any]]:
        """One row per group, for table and CSV output."""
        return [{"group": g, **cell} for g, cell in self.shares.items()]


def _reweight(probs: np.ndarray, ratio: np.ndarray) -> np.ndarray:
    adjusted = probs * ratio
    out: np.ndarray = adjusted / adjusted.sum(axis=1, keepdims=True)
    return out


def prior_shift(probs: np.ndarray, train_prior: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Posteriors under a known population prior ``target`` instead of the training prior."""
    return _reweight(probs, target / train_prior)


def em_prior(
    probs: np.ndarray,
    train_prior: np.ndarray,
    start: np.ndarray | None = None,
    tol: float = 1e-6,
    max_iter: int = 200,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """EM estimate of the population prior behind calibrated posteriors (Saerens et al.).

    ``weights`` (e.g. bootstrap counts) weight the rows; they default to one each.
    """
    w = np.ones(probs.shape[0]) if weights is None else np.asarray(weights, dtype=np.float64)
    total = w.sum()
    prior: np.ndarray = (w @ probs) / total if start is None else start.copy()
    for _ in range(max_iter):
        # Mean of the re-weighted posteriors p_i * r / (p_i . r), without an n x k temporary.
        ratio = np.maximum(prior, 1e-12) / train_prior
        new: np.ndarray = ratio * ((w / (probs @ ratio)) @ probs) / total
        if np.abs(new - prior).max() < tol:
            return new
        prior = new
    return prior


def _point(
    probs: np.ndarray,
    train_prior: np.ndarray,
    settings: ShareSettings,
    start: np.ndarray | None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    w = np.ones(probs.shape[0]) if weights is None else weights
    if settings.prior == "none":
        out: np.ndarray = (w @ probs) / w.sum()
        return out
    if settings.prior == "em":
        return em_prior(probs, train_prior, start=start, weights=weights)
    if isinstance(settings.prior, str):
        raise TalentflowError("adjusted shares need every name's cell: use estimate_shares")
    out = (w @ prior_shift(probs, train_prior, _target(settings))) / w.sum()
    return out


def _target(settings: ShareSettings) -> np.ndarray:
    """The known population prior of ``settings`` (a mapping), normalised."""
    assert not isinstance(settings.prior, str)
    target = np.array([float(settings.prior.get(g, 0.0)) for g in GROUPS])
    if target.sum() <= 0:
        raise TalentflowError("the prior must give a positive weight to at least one group")
    out: np.ndarray = target / target.sum()
    return out


def _posteriors(
    probs: np.ndarray, train_prior: np.ndarray, settings: ShareSettings, point: np.ndarray
) -> np.ndarray:
    """Each name's posteriors under the population prior the point estimate used."""
    if settings.prior == "none":
        return probs
    if settings.prior == "em":
        return _reweight(probs, np.maximum(point, 1e-12) / train_prior)
    return prior_shift(probs, train_prior, _target(settings))


def _cells(
    point: np.ndarray, low: np.ndarray, high: np.ndarray, heads: np.ndarray, min_cell: int
) -> dict[str, dict[str, float | bool | None]]:
    """Rounded shares per group; a group whose expected head-count of distinct people
    (``heads``) is under ``min_cell`` is hidden."""
    shares: dict[str, dict[str, float | bool | None]] = {}
    for i, g in enumerate(GROUPS):
        if heads[i] < min_cell:
            shares[g] = {"estimate": None, "low": None, "high": None, "suppressed": True}
        else:
            shares[g] = {
                "estimate": round(float(point[i]), 4),
                "low": round(float(low[i]), 4),
                "high": round(float(high[i]), 4),
                "suppressed": False,
            }
    return shares


def aggregate(
    probs: np.ndarray,
    abstained: int,
    train_prior: np.ndarray,
    settings: ShareSettings | None = None,
    extra: Mapping[str, Any] | None = None,
    people: np.ndarray | None = None,
) -> ShareResult:
    """Shares with intervals from the probability rows of the non-abstained names.

    ``people`` indexes one row per distinct person (``cells.first_rows``; default:
    every row is a different person): cells are counted in distinct people.
    """
    settings = settings or ShareSettings()
    n_used = int(probs.shape[0])
    n = n_used + abstained
    distinct = np.arange(n_used) if people is None else people
    shares: dict[str, dict[str, float | bool | None]] = {}
    if distinct.size < settings.min_cell:
        for g in GROUPS:
            shares[g] = {"estimate": None, "low": None, "high": None, "suppressed": True}
        return ShareResult(n, abstained, shares, settings, dict(extra or {}))
    point = _point(probs, train_prior, settings, None)
    rng = np.random.default_rng(settings.seed)
    reps = np.empty((settings.bootstrap, len(GROUPS)))
    for b in range(settings.bootstrap):
        draws = rng.integers(0, n_used, size=n_used)
        counts = np.bincount(draws, minlength=n_used).astype(np.float64)
        reps[b] = _point(probs, train_prior, settings, point, counts)
    alpha = (1.0 - settings.confidence) / 2.0
    low = np.quantile(reps, alpha, axis=0)
    high = np.quantile(reps, 1.0 - alpha, axis=0)
    # Expected head-count of each group among the distinct people.
    heads = _posteriors(probs[distinct], train_prior, settings, point).sum(axis=0)
    shares = _cells(point, low, high, heads, settings.min_cell)
    return ShareResult(n, abstained, shares, settings, dict(extra or {}))


def _adjusted(
    probs: np.ndarray,
    abstained: np.ndarray,
    settings: ShareSettings,
    extra: Mapping[str, Any] | None,
    people: np.ndarray,
) -> ShareResult:
    """Shares corrected for the estimator's error rates (see ``quantify``); cells count
    distinct people (``people``: one row index per distinct person)."""
    from talentflow.origin.quantify import adjusted_shares, cell_counts, load_rows

    n = int(probs.shape[0])
    n_abstained = int(abstained.sum())
    if int((~abstained[people]).sum()) < settings.min_cell:
        nothing = np.zeros(len(GROUPS))
        hidden = _cells(nothing, nothing, nothing, nothing, settings.min_cell)
        return ShareResult(n, n_abstained, hidden, settings, dict(extra or {}))
    counts = cell_counts(probs, abstained)
    point, low, high = adjusted_shares(
        counts, load_rows(), settings.bootstrap, settings.confidence, settings.seed
    )
    # the shares cover every name (abstentions included): heads among distinct people
    shares = _cells(point, low, high, point * people.size, settings.min_cell)
    return ShareResult(n, n_abstained, shares, settings, dict(extra or {}))


def estimate_shares(
    names: Sequence[str],
    settings: ShareSettings | None = None,
    extra: Mapping[str, Any] | None = None,
) -> ShareResult:
    """Name-origin group shares of a list of names (aggregate only).

    >>> r = estimate_shares(["Wei Wang"] * 5)  # doctest: +SKIP
    >>> r.shares["chinese"]["suppressed"]  # fewer than 10 names: nothing is shown
    True
    """
    from talentflow.origin.model import load_estimator

    estimator = load_estimator()
    post = estimator._posterior(list(names))
    if settings is not None and settings.prior == "adjusted":
        return _adjusted(post.probs, post.abstained, settings, extra, first_rows(list(names)))
    kept = post.probs[~post.abstained]
    kept_names = [n for n, gone in zip(names, post.abstained, strict=True) if not gone]
    return aggregate(
        kept,
        int(post.abstained.sum()),
        estimator.train_prior,
        settings=settings,
        extra=extra,
        people=first_rows(kept_names),
    )
