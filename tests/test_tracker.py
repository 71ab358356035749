"""The Global AI Talent Tracker's published figures and the pipeline's comparison with them.

The data file is checked for shape (every figure sourced, shares that can be shares); the
comparison is checked on made-up cells and on the real NeurIPS 2022 store built with the
OpenReview archive (the Tracker 2.0 year).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.indicators.regions import region_of
from talentflow.indicators.stats import share_cell
from talentflow.indicators.tracker import (
    SAMPLES,
    STAGES,
    comparison_rows,
    nearest_edition,
    tracker_figures,
)
from talentflow.sources.paperlists_parse import is_oral

runner = CliRunner()


def test_every_published_figure_is_a_sourced_share() -> None:
    figures = tracker_figures()
    assert {(f.edition, f.year) for f in figures} == {("1.0", 2019), ("2.0", 2022)}
    totals: dict[tuple[str, str, str], float] = defaultdict(float)
    for f in figures:
        assert f.venue == "nips" and f.sample in SAMPLES and f.stage in STAGES
        assert 0 < f.share < 1 and f.source_url.startswith("https://")
        assert f.country == "Europe" or (len(f.country) == 2 and f.country.isupper())
        totals[(f.edition, f.sample, f.stage)] += f.share
    assert all(total <= 1.0 for total in totals.values())
    # Both editions give work shares for both samples.
    assert {(e, s) for e, s, st in totals if st == "work"} == {
        (e, s) for e in ("1.0", "2.0") for s in SAMPLES
    }


def test_the_nearest_edition_is_compared() -> None:
    assert nearest_edition("nips", 2022) == ("2.0", 2022)
    assert nearest_edition("nips", 2018) == ("1.0", 2019)
    assert nearest_edition("nips", 2020) == ("1.0", 2019)
    assert nearest_edition("nips", 2021) == ("2.0", 2022)
    assert nearest_edition("nips", 2025) == ("2.0", 2022)
    assert nearest_edition("icml", 2022) is None


def _cells(counts: dict[str, int]) -> dict[str, dict[str, Any]]:
    total = sum(counts.values())
    return {cc: share_cell(k, total) for cc, k in counts.items()}


def test_comparison_counts_europe_without_the_uk_and_skips_unknown_stages() -> None:
    work = _cells({"US": 50, "CN": 20, "DE": 10, "FR": 5, "GB": 15})
    rows = comparison_rows("nips", 2019, False, {"work": work}, {"work": 100, "origin": 0})
    assert {r["stage"] for r in rows} == {"work"}  # origin known for nobody: no gap drawn
    by_country = {r["country"]: r for r in rows}
    assert by_country["Europe"]["ours"] == pytest.approx(0.15)  # DE + FR, not GB
    assert by_country["GB"]["ours"] == pytest.approx(0.15)
    # Canada is published but absent here: a 0 share with a real interval, not left out.
    assert by_country["CA"]["ours"] == 0.0 and by_country["CA"]["high"] > 0
    for r in rows:
        assert r["edition"] == "1.0" and r["sample"] == "top-tier" and r["n"] == 100
        assert r["gap"] == pytest.approx(r["ours"] - r["tracker"])
        assert r["low"] <= r["ours"] <= r["high"]
    elite = comparison_rows("nips", 2022, True, {"work": work}, {"work": 100})
    assert {r["sample"] for r in elite} == {"elite"}
    assert {r["tracker_year"] for r in elite} == {2022}
    assert comparison_rows("icml", 2022, False, {"work": work}, {"work": 100}) == []
    assert comparison_rows("nips", 2022, False, {"work": {}}, {"work": 0}) == []


def test_neurips_2022_highlighted_papers_are_its_orals() -> None:
    assert is_oral("Highlighted") and is_oral("Oral")
    assert not is_oral("Highlight")  # CVPR's highlights are a poster tier
    assert not is_oral("Poster")


@pytest.fixture(scope="module")
def neurips_2022(neurips_2022_db: Path) -> Path:
    """NeurIPS 2022 with the OpenReview archive (conftest.neurips_2022_db)."""
    return neurips_2022_db


def _pipeline(db: Path, *extra: str) -> dict[str, Any]:
    args = ["pipeline", "--venue", "nips", "--year", "2022", "--db", str(db), "-f", "json"]
    result = runner.invoke(app, [*args, *extra])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _published(sample: str, stages: set[str]) -> list[tuple[str, str, float]]:
    return [
        (f.stage, f.country, f.share)
        for f in tracker_figures()
        if (f.edition, f.sample) == ("2.0", sample) and f.stage in stages
    ]


@pytest.mark.slow
@pytest.mark.parametrize("elite", [False, True])
def test_neurips_2022_beside_the_tracker_2(neurips_2022: Path, elite: bool) -> None:
    data = _pipeline(neurips_2022, *(["--elite"] if elite else []))
    coverage = data["coverage"]
    assert data["n"] > 0 and coverage["work"] > 0
    known = {s for s in STAGES if coverage[s]}
    sample = "elite" if elite else "top-tier"
    rows = data["comparison"]
    assert [(r["stage"], r["country"], r["tracker"]) for r in rows] == _published(sample, known)
    for r in rows:
        assert (r["edition"], r["tracker_year"], r["sample"]) == ("2.0", 2022, sample)
        if r["country"] == "Europe":  # a region: its countries' authors together
            europe = sum(c["n"] for cc, c in data[r["stage"]].items() if region_of(cc) == "Europe")
            assert r["ours"] == pytest.approx(europe / coverage[r["stage"]])
            if r["stage"] == "work":
                assert r["ours"] == pytest.approx(data["work_regions"]["Europe"]["share"])
        else:
            cell = data[r["stage"]].get(r["country"])
            assert r["ours"] == (cell["share"] if cell else 0.0)
        assert r["n"] == coverage[r["stage"]] and r["low"] <= r["ours"] <= r["high"]
    method = data["method"]
    assert "Tracker 2.0" in method
    for difference in ("sample", "basis", "year", "coverage"):
        assert f"{difference} (" in method


@pytest.mark.slow
def test_the_table_prints_the_tracker_beside_ours(neurips_2022: Path) -> None:
    args = ["pipeline", "--venue", "nips", "--year", "2022", "--db", str(neurips_2022)]
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Global AI Talent Tracker 2.0" in result.stdout
    us = next(
        f for f in tracker_figures() if (f.year, f.sample, f.country) == (2022, "top-tier", "US")
    )
    assert "tracker" in result.stdout and f"{us.share:.2%}" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_report_shows_the_tracker_2_comparison(
    neurips_2022: Path, tmp_path: Path, lang: str
) -> None:
    out = tmp_path / "report.html"
    args = ["report", "--db", str(neurips_2022), "--out", str(out), "--venue", "nips"]
    result = runner.invoke(app, [*args, "--year", "2022", "--lang", lang])
    assert result.exit_code == 0, result.output
    page = out.read_text("utf-8")
    title = "Global AI Talent Tracker 2.0" if lang == "en" else "글로벌 AI 인재 트래커 2.0"
    assert title in page
    note = "Not the same measurement" if lang == "en" else "같은 측정이 아닙니다"
    assert note in page
    us = next(r for r in _pipeline(neurips_2022)["comparison"] if r["country"] == "US")
    assert f"{us['ours'] * 100:.1f}%" in page and f"{us['tracker'] * 100:.1f}%" in page
