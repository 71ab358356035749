"""Shares corrected for the estimator's error rates, and their intervals (issue 22)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from conftest import require_shared
from talentflow.cli import app
from talentflow.graph.store import open_store
from talentflow.origin.census import run_census
from talentflow.origin.evaluate import evaluate
from talentflow.origin.groups import GROUPS
from talentflow.origin.independent import SPLITS, _author_form, _form, student_names
from talentflow.origin.quantify import (
    INDEPENDENT_ROWS,
    Rows,
    adjusted_shares,
    load_rows,
    mixture_coverage,
    mixture_weights,
    n_cells,
    name_cells,
)

runner = CliRunner()


def _rows(rng: np.random.Generator, scale: float) -> Rows:
    """A table whose rows are mostly right, with ``scale`` labelled names per row."""
    k = n_cells()
    probs = np.vstack([rng.dirichlet(np.r_[np.ones(k - 1), 1.0]) for _ in GROUPS])
    for i in range(len(GROUPS)):
        probs[i] *= 0.3
        probs[i, i] += 0.7
    return Rows(np.round(probs * scale), {g: "test" for g in GROUPS})


def test_mixture_weights_recover_a_known_mix() -> None:
    rng = np.random.default_rng(1)
    rows = _rows(rng, 1e6).normalised()
    truth = rng.dirichlet(np.ones(len(GROUPS)))
    counts = 1e6 * (truth @ rows)
    assert np.abs(mixture_weights(counts, rows) - truth).max() < 1e-3


def test_intervals_widen_with_fewer_labelled_names() -> None:
    """The interval carries the error rates' uncertainty, not only the population's."""
    rng = np.random.default_rng(2)
    many = _rows(rng, 1e6)
    few = Rows(np.round(many.counts / 1e4), many.sources)
    counts = np.round(5000 * (rng.dirichlet(np.ones(len(GROUPS))) @ many.normalised()))
    _, low_many, high_many = adjusted_shares(counts, many, 200, 0.95, 0)
    _, low_few, high_few = adjusted_shares(counts, few, 200, 0.95, 0)
    assert np.mean(high_few - low_few) > 1.5 * np.mean(high_many - low_many)


def test_author_forms() -> None:
    forms = {_author_form("Hsin Ying Lee", _form(key)) for key in range(10)}
    assert forms == {"Hsin Ying Lee", "Lee Hsin Ying", "Lee, Hsin Ying", "H. Y. Lee"}
    assert [_form(key) for key in range(10)].count("initials") == 2
    assert _author_form("Plato", "initials") == "Plato"


def test_shares_default_to_the_adjusted_method(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    # cells count distinct people: 20 different Chinese names, 5 others
    given = ["Wei", "Xiaoming", "Jianfeng", "Tianyi", "Ruoxi"]
    family = ["Zhang", "Li", "Wang", "Liu"]
    names = [f"{g} {f}" for g in given for f in family]
    names += ["John Smith", "Emma Williams", "Hans Müller", "Giulia Rossi", "Jae-min Kim"]
    path.write_text("name\n" + "\n".join(names) + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["origin", "shares", "--input", str(path), "--bootstrap", "50", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["method"]["prior"] == "adjusted"
    assert data["method"]["estimate"].startswith("maximum-likelihood mixture")
    shown = {g: c for g, c in data["shares"].items() if not c["suppressed"]}
    assert set(shown) == {"chinese"}
    assert shown["chinese"]["low"] <= 0.8 <= shown["chinese"]["high"]  # 20 of 25


def test_census_defaults_to_the_adjusted_method(tmp_path: Path) -> None:
    """The census of the CLI, the report and the web API: one default."""
    from test_origin_cli import _tiny_store

    with open_store(_tiny_store(tmp_path), read_only=True) as store:
        result = run_census(store, "nips", 2024, None).as_dict()
    assert result["method"]["prior"] == "adjusted"


@pytest.fixture(scope="module")
def students() -> list:  # type: ignore[type-arg]
    return student_names(require_shared("papercopilot-openreview"))


def test_independent_source_has_both_halves(students: list) -> None:  # type: ignore[type-arg]
    for split in SPLITS:
        per = {g: sum(x.group == g and x.split == split for x in students) for g in GROUPS}
        assert per["chinese"] > 2000 and per["korean"] > 400 and per["south_asian"] > 100
    rows = load_rows()
    for g in INDEPENDENT_ROWS:
        assert rows.sources[g] == "openreview-students-dev"
        dev = [x.name for x in students if x.group == g and x.split == "dev"]
        assert int(rows.counts[GROUPS.index(g)].sum()) == len(dev)


def test_korean_and_chinese_names_are_recognised_out_of_distribution(
    students: list,  # type: ignore[type-arg]
) -> None:
    """Held-out OpenReview students: F1 overall and on family names with initials (issue 22).

    Before the training names had the common Korean family names, korean F1 was 0.79 here
    and 0.30 on ``J. Kim``-style names; before the family-name table read lone family
    names, 0.912 and 0.822 (``X. Sun`` read korean). Measured 0.934 and 0.924 with it.
    """
    held = [x for x in students if x.split == "heldout"]
    overall = evaluate([x.name for x in held], [x.group for x in held])["per_group"]
    initials = [x for x in held if x.form == "initials"]
    by_initials = evaluate([x.name for x in initials], [x.group for x in initials])["per_group"]
    assert overall["korean"]["f1"] >= 0.92, overall["korean"]
    assert by_initials["korean"]["f1"] >= 0.86, by_initials["korean"]
    assert overall["chinese"]["f1"] >= 0.95, overall["chinese"]


def test_initials_only_names_on_the_development_half(
    students: list,  # type: ignore[type-arg]
) -> None:
    """Development half, names written as initials and a family name (issue 22).

    Chinese names such as ``X. Sun`` read korean through Korean given names written apart
    (``Sun Young Park``): korean F1 on this form was 0.85 and chinese 0.94 before the
    family-name table read such names (0.90 and 0.95 with it). Fails if Chinese family
    names read korean again, or if Korean ones (``J. Kim``) stop reading korean.
    """
    dev = [x for x in students if x.split == "dev" and x.form == "initials"]
    per_group = evaluate([x.name for x in dev], [x.group for x in dev])["per_group"]
    assert per_group["korean"]["f1"] >= 0.88, per_group["korean"]
    assert per_group["korean"]["recall"] >= 0.9, per_group["korean"]
    assert per_group["chinese"]["f1"] >= 0.945, per_group["chinese"]


@pytest.mark.parametrize("population", ["heldout_students", "staff"])
def test_adjusted_intervals_cover_held_out_mixtures(
    students: list,  # type: ignore[type-arg]
    population: str,
) -> None:
    """Nominal 95% intervals on mixtures of independent names the rows never saw (issue 22)."""
    if population == "staff":
        people = student_names(require_shared("papercopilot-openreview"), staff=True)
    else:
        people = [x for x in students if x.split == "heldout"]
    pools = {g: name_cells([x.name for x in people if x.group == g]) for g in INDEPENDENT_ROWS}
    result = mixture_coverage(pools, load_rows(), mixtures=40, size=600, seed=7, bootstrap=100)
    for g in INDEPENDENT_ROWS:
        assert result[g]["coverage"] >= 0.85, (g, result[g])
        assert abs(result[g]["mean_error"]) < 0.03, (g, result[g])
