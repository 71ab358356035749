"""Every chart of the report states the n its data rests on (not the cohort size).

Checked per chart on the whole-mirror report (nips 2021, KR): the n in each title is the
one read off the indicator's own JSON (its coverage, or the counts it sums).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from talentflow.report import data, render
from talentflow.report.data import Filters, ViewData
from talentflow.report.i18n import fmt_int

FILTERS = Filters(venue="nips", year=2021, country="KR")


def _migration_range(view: ViewData) -> str:
    rows = [
        r
        for r in view.migration.data["rows"]
        if r["country"] == "KR" and r.get("net_per_10k") is not None
    ]
    last = max(int(r["year"]) for r in rows)
    counts = [int(r["researchers"]) for r in rows if int(r["year"]) > last - 15]
    return f"{fmt_int(min(counts))}–{fmt_int(max(counts))}"


def _trend_range(view: ViewData) -> str:
    rows = [r for r in view.country.data["trend"] if r.get("net_per_10k") is not None]
    counts = [int(r["researchers"]) for r in rows]
    return f"{fmt_int(min(counts))}–{fmt_int(max(counts))}"


def _coverage(view: ViewData, name: str, key: str) -> str:
    return fmt_int(getattr(view, name).data["coverage"][key])


def _stated_and_estimated(view: ViewData, stage: str) -> list[str]:
    education = view.pipeline.data["education"][stage]
    return [fmt_int(education["observed"]["n"]), fmt_int(education["estimated"]["n"])]


#: What each chart rests on, read off the view's indicator results.
EXPECTED: dict[str, Callable[[ViewData], list[str]]] = {
    "fig-venue-years": lambda v: [
        fmt_int(sum(int(r["accepted_papers"]) for r in v.headline["by_venue_year"]))
    ],
    "fig-sankey-origin-training-work": lambda v: [
        *_stated_and_estimated(v, "origin"),
        *_stated_and_estimated(v, "training"),
        _coverage(v, "pipeline", "work"),
    ],
    "fig-pipeline-origin": lambda v: [_coverage(v, "pipeline", "origin")],
    "fig-pipeline-training": lambda v: [_coverage(v, "pipeline", "training")],
    "fig-pipeline-work": lambda v: [_coverage(v, "pipeline", "work")],
    "fig-work-map": lambda v: [_coverage(v, "pipeline", "work")],
    "fig-migration": lambda v: [_migration_range(v)],
    "fig-bilateral": lambda v: [_coverage(v, "migration", "moves_with_both_countries")],
    "fig-orgflows": lambda v: [fmt_int(sum(r["moves"] for r in v.orgflows.data["rows"]))],
    "fig-hirers": lambda v: [fmt_int(sum(r["moves"] for r in v.orgflows.data["rows"]))],
    "fig-census": lambda v: [fmt_int(v.census.data["n"])],
    "fig-country-trend": lambda v: [_trend_range(v)],
    "fig-country-loses_to": lambda v: [_coverage(v, "country", "trained_here_work_known")],
    "fig-country-gains_from": lambda v: [_coverage(v, "country", "working_here_training_known")],
}


@pytest.fixture(scope="module")
def report(mirror_store_path: Path) -> tuple[ViewData, dict[str, Any]]:
    from talentflow.graph.store import open_store

    with open_store(mirror_store_path, read_only=True) as store:
        view = data.collect(store, data.default_filters(store, FILTERS))
    return view, render.all_figures(render.sections(view, "en"))


@pytest.mark.slow
def test_every_chart_of_the_report_is_checked(report: tuple[ViewData, dict[str, Any]]) -> None:
    _, figures = report
    assert set(figures) == set(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("fig_id", list(EXPECTED))
def test_chart_title_states_the_n_it_rests_on(
    fig_id: str, report: tuple[ViewData, dict[str, Any]]
) -> None:
    view, figures = report
    title = figures[fig_id]["layout"]["title"]["text"]
    expected = EXPECTED[fig_id](view)
    cohort = fmt_int(view.pipeline.data["n"])
    for n in expected:
        assert n in title, f"{fig_id}: '{title}' does not state n = {n}"
    if fig_id.startswith(("fig-pipeline-", "fig-work-map")):
        assert f"n = {cohort}" not in title  # the stage, not the cohort
