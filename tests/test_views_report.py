"""The single-file HTML report (`talentflow report`)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.graph.store import open_store
from talentflow.report import data
from talentflow.report.page import write_report
from view_fakes import fixture, use_fixture_indicators

pytest.importorskip("plotly")

INDICATOR_SECTIONS = ("pipeline", "map", "migration", "orgflows", "census", "country")


class _Page(HTMLParser):
    """What a browser would fetch from elsewhere, plus chart slots and sections."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.chart_ids: list[str] = []
        self.sections: dict[str, str] = {}
        self.scripts: dict[str, str] = {}
        self._script_id: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for attr in ("src", "href", "data"):
            value = a.get(attr)
            if value and not value.startswith("#") and tag != "a":
                self.external.append(f"<{tag} {attr}={value}>")
        if tag == "link":
            self.external.append(f"<link {a}>")
        if tag == "div" and "chart" in (a.get("class") or "").split():
            self.chart_ids.append(a["id"] or "")
        if tag == "section":
            self.sections[a["id"] or ""] = ""
        if tag == "script":
            self._script_id = a.get("id")

    def handle_data(self, text: str) -> None:
        if self._script_id:
            self.scripts[self._script_id] = self.scripts.get(self._script_id, "") + text

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_id = None


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def section_html(html: str, section: str) -> str:
    found = re.search(rf'<section id="{section}">(.*?)</section>', html, re.S)
    assert found, f"no section {section}"
    return found.group(1)


def test_report_with_every_indicator_is_one_offline_file(
    views_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = use_fixture_indicators(monkeypatch)
    out = tmp_path / "report.html"
    with open_store(views_store_path, read_only=True) as store:
        write_report(store, out, data.Filters(venue="nips", year=2024, country="KR"), "en")
    html = out.read_text("utf-8")
    page = parse(html)
    assert page.external == []  # nothing is fetched: no src/href/link to anywhere
    assert "@import" not in html and "url(http" not in html
    assert "Plotly" in html and "PlotlyGeoAssets" in html and "topojson['world_110m']" in html
    figures = json.loads(page.scripts["tf-figures"])
    assert sorted(figures) == sorted(page.chart_ids)  # every slot has its chart, and back
    for name in ("headline", *INDICATOR_SECTIONS, "methods"):
        assert name in page.sections
    for name in INDICATOR_SECTIONS:
        assert "Not available yet" not in section_html(html, name), name
    assert {"fig-work-map", "fig-migration", "fig-bilateral", "fig-orgflows", "fig-census"} <= set(
        figures
    )
    # the views pass the filters on to the indicators, and compute nothing themselves
    asked = {name: kwargs for name, kwargs in calls}
    assert asked["pipeline"]["venue"] == "nips" and asked["pipeline"]["year"] == 2024
    assert asked["census"]["venue"] == "nips" and asked["census"]["year"] == 2024
    assert asked["country"]["country"] == "KR"
    assert asked["migration"]["country"] == "KR"
    census = fixture("census")
    top = max(census["shares"].items(), key=lambda kv: kv[1]["estimate"])[1]
    assert f"{top['estimate'] * 100:.1f}%" in section_html(html, "headline")


def test_sections_say_plainly_when_an_indicator_is_missing(
    views_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data, "_find", lambda name: None)
    out = tmp_path / "report.html"
    with open_store(views_store_path, read_only=True) as store:
        write_report(store, out, data.Filters(country="KR"), "en")
    html = out.read_text("utf-8")
    for name in INDICATOR_SECTIONS:
        body = section_html(html, name)
        assert 'data-status="not_implemented"' in body, name
        assert 'class="chart"' not in body, name  # no chart drawn from made-up data
    figures = json.loads(parse(html).scripts["tf-figures"])
    assert list(figures) == ["fig-venue-years"]  # only what the store itself gives


def test_report_names_its_data_versions(views_store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    with open_store(views_store_path, read_only=True) as store:
        hashes = store.query("SELECT file_key, file_sha256 FROM source_files")
        runs = store.query("SELECT run_id FROM ingest_runs")
        write_report(store, out, data.Filters(), "en")
    methods = section_html(out.read_text("utf-8"), "methods")
    assert len(hashes) == 3
    for row in hashes:
        assert row["file_key"] in methods and row["file_sha256"] in methods
    for run in runs:
        assert run["run_id"] in methods
    from talentflow import __version__

    assert f"talentflow {__version__}" in methods


def test_report_in_korean(
    views_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fixture_indicators(monkeypatch)
    out = tmp_path / "report-ko.html"
    with open_store(views_store_path, read_only=True) as store:
        view = write_report(store, out, data.Filters(country="KR"), "ko")
        papers = store.scalar("SELECT count(*) FROM papers")
    html = out.read_text("utf-8")
    assert '<html lang="ko">' in html
    assert "이름 기원 통계" in html and "대한민국" in html
    # compact counts read in 만 (ten-thousands) in Korean
    assert f"{papers / 1e4:.1f}만" in section_html(html, "headline")
    assert view.filters.venue is not None and view.filters.year is not None


def test_census_in_a_view_is_aggregate_only(
    views_store_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaky: dict[str, Any] = fixture("census") | {
        "names": [{"name": "Jiayi Leakname", "group": "chinese", "p": 0.97}],
    }
    leaky["shares"]["korean"] = leaky["shares"]["korean"] | {"people": ["Minji Leakname"]}
    use_fixture_indicators(monkeypatch, {"census": leaky})
    out = tmp_path / "report.html"
    with open_store(views_store_path, read_only=True) as store:
        write_report(store, out, data.Filters(), "en")
    html = out.read_text("utf-8")
    assert "Leakname" not in html
    census = section_html(html, "census")
    assert "not anyone's nationality" in census
    # one disclaimer: the indicator's own statement is not printed a second time
    assert census.count('class="statement"') == 1
    assert str(leaky["statement"]) not in census


def test_report_command(views_store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    runner = CliRunner()
    ok = runner.invoke(
        app,
        [
            "report",
            "--out",
            str(out),
            "--db",
            str(views_store_path),
            "--venue",
            "nips",
            "--year",
            "2023",
            "--lang",
            "ko",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "nips" in out.read_text("utf-8") and "2023" in out.read_text("utf-8")
    bad = runner.invoke(
        app, ["report", "--out", str(out), "--db", str(views_store_path), "--lang", "fr"]
    )
    assert bad.exit_code == 1 and "unsupported language 'fr'" in bad.output
    wrong = runner.invoke(
        app, ["report", "--out", str(tmp_path / "r.txt"), "--db", str(views_store_path)]
    )
    assert wrong.exit_code == 1 and "--out must end in .html" in wrong.output
    assert not (tmp_path / "r.txt").exists()


def test_report_with_the_installed_indicators(views_store_path: Path, tmp_path: Path) -> None:
    """The adapter wired to the real indicator modules: each section is drawn or says why,
    and none fails."""
    out = tmp_path / "r.html"
    with open_store(views_store_path, read_only=True) as store:
        view = write_report(store, out, data.Filters(country="KR"), "en")
    for name in ("pipeline", "migration", "orgflows", "census", "country"):
        outcome: data.Outcome = getattr(view, name)
        assert outcome.status != "error", f"{name}: {outcome.detail}"
    html = out.read_text("utf-8")
    assert parse(html).external == []
