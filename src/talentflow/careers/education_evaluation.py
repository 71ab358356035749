"""How well the education model does on people it never saw (benchmarks/education_eval.py).

People with an observed education are split (:func:`~talentflow.careers.education.split_of`):
the candidate is chosen on ``dev``, the chosen one refitted on ``fit`` + ``dev`` and
measured once on ``heldout``: log loss and top-1 accuracy per context, and interval
coverage on cohorts of held-out people whose education is hidden (venue-year cohorts and
random subsets), each major country's estimated share against the observed truth.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from talentflow.careers.education import (
    Choice,
    Example,
    FittedModel,
    Person,
    bootstrap_shares,
    choose,
    examples,
    fit,
    log_loss,
    split_of,
)
from talentflow.engines import Engine

MAJOR = ("US", "CN", "GB", "CA", "DE", "FR", "IN", "KR", "JP", "CH")


@dataclass
class CoverageCheck:
    """One cohort's estimated share of one country against the truth."""

    cohort: str
    country: str
    truth: float
    share: float
    low: float
    high: float
    n: int

    @property
    def covered(self) -> bool:
        """Whether the interval holds the truth."""
        return self.low <= self.truth <= self.high


def accuracy(model: FittedModel, data: Sequence[Example]) -> float:
    """Share of the weight whose most probable country is the true one."""
    if not data:
        return float("nan")
    p = model.predict([e.context for e in data])
    top = [model.classes[i] for i in p.argmax(axis=1)]
    w = np.array([e.weight for e in data])
    hit = np.array([t == e.label for t, e in zip(top, data, strict=True)])
    return float((w * hit).sum() / w.sum())


def cohort_checks(
    model: FittedModel,
    target: str,
    name: str,
    cohort: Sequence[Person],
    truth: Sequence[str],
    replicates: int,
    seed: int,
) -> list[CoverageCheck]:
    """Estimate ``cohort``'s shares with every ``target`` hidden and compare with ``truth``."""
    got = bootstrap_shares(model, cohort, target, replicates=replicates, seed=seed)
    counts = Counter(truth)
    out = []
    for cc in MAJOR:
        cell = got.combined.get(cc, {"share": 0.0, "low": 0.0, "high": 0.0})
        true_share = counts.get(cc, 0) / len(truth)
        if true_share < 0.02 and cell["share"] < 0.02:
            continue
        out.append(
            CoverageCheck(
                name, cc, true_share, cell["share"], cell["low"], cell["high"], len(truth)
            )
        )
    return out


def hidden_person(e: Example, target: str) -> Person:
    """A held-out example's person with ``target`` hidden (training kept for origin)."""
    training = None if target == "training" else e.context.training
    if training == "?":
        training = None
    return Person(e.person_id, e.context, training=training, origin=None, work=e.context.country)


def evaluate(
    engine: Engine,
    target: str,
    fitting: Callable[[str], bool] = lambda pid: True,
    cohorts: dict[str, Sequence[str]] | None = None,
    subsets: int = 20,
    subset_size: int = 400,
    replicates: int = 100,
    seed: int = 0,
    advisor_prefix: str | None = None,
) -> dict[str, Any]:
    """The dev choice, held-out log loss and accuracy, and coverage checks for ``target``.

    ``fitting`` says which people may be fitted (e.g. not a dataset kept for checking);
    ``cohorts`` names cohorts of person ids (e.g. a venue-year's authors): their held-out
    members with an observed ``target`` form one check each.
    """
    data = examples(engine, target)
    fit_part = [e for e in data if split_of(e.person_id) == "fit" and fitting(e.person_id)]
    dev_part = [e for e in data if split_of(e.person_id) == "dev" and fitting(e.person_id)]
    held = [e for e in data if split_of(e.person_id) == "heldout" or not fitting(e.person_id)]
    choice: Choice = choose(target, fit_part, dev_part)
    model = fit(target, [*fit_part, *dev_part], choice.candidate)
    rng = np.random.default_rng(seed)
    one: dict[str, Example] = {}
    for e in rng.permutation(np.array(held, dtype=object)).tolist():
        # one context per held-out person, at random, one that did not state it if any
        if e.person_id not in one or (one[e.person_id].hidden and not e.hidden):
            one[e.person_id] = e
    post = [e for e in held if not e.hidden]
    checks: list[CoverageCheck] = []
    people = sorted(
        p for p in one if fitting(p) and not (advisor_prefix and p.startswith(advisor_prefix))
    )
    for b in range(subsets):
        pick = rng.choice(len(people), size=min(subset_size, len(people)), replace=False)
        chosen = [one[people[i]] for i in pick]
        checks += cohort_checks(
            model,
            target,
            f"random-{b}",
            [hidden_person(e, target) for e in chosen],
            [e.label for e in chosen],
            replicates,
            seed + b,
        )
    for name, ids in (cohorts or {}).items():
        chosen = [one[p] for p in ids if p in one]
        if len(chosen) >= 50:
            checks += cohort_checks(
                model,
                target,
                name,
                [hidden_person(e, target) for e in chosen],
                [e.label for e in chosen],
                replicates,
                seed,
            )
    if advisor_prefix:
        chosen = [e for p, e in sorted(one.items()) if p.startswith(advisor_prefix)]
        if chosen:
            checks += cohort_checks(
                model,
                target,
                "advisor-student",
                [hidden_person(e, target) for e in chosen],
                [e.label for e in chosen],
                replicates,
                seed,
            )
    return {
        "target": target,
        "chosen": {
            "chain": choice.candidate.chain,
            "concentration": choice.candidate.concentration,
        },
        "dev_log_loss": choice.dev_log_loss,
        "people": {
            "fit": len({e.person_id for e in fit_part}),
            "dev": len({e.person_id for e in dev_part}),
            "heldout": len(people),
            "advisor_student_heldout": sum(
                1 for p in one if advisor_prefix and p.startswith(advisor_prefix)
            ),
        },
        "heldout_log_loss": log_loss(model, held),
        "heldout_accuracy": accuracy(model, held),
        "heldout_other_stints": {
            "n": len({e.person_id for e in post}),
            "log_loss": log_loss(model, post),
            "accuracy": accuracy(model, post),
        },
        "checks": checks,
    }


def summarise(checks: Sequence[CoverageCheck]) -> dict[str, Any]:
    """Coverage over all checks and mean (absolute) error per major country."""
    by: dict[str, list[CoverageCheck]] = {}
    for c in checks:
        by.setdefault(c.country, []).append(c)
    return {
        "checks": len(checks),
        "covered": sum(c.covered for c in checks) / len(checks) if checks else float("nan"),
        "per_country": {
            cc: {
                "checks": len(cs),
                "covered": sum(c.covered for c in cs) / len(cs),
                "mean_error": float(np.mean([c.share - c.truth for c in cs])),
                "mean_abs_error": float(np.mean([abs(c.share - c.truth) for c in cs])),
            }
            for cc, cs in sorted(by.items(), key=lambda kv: -len(kv[1]))
        },
    }
