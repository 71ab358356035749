"""The dashboard and the report in a real browser (Debian's chromium, driven by Playwright).

Skipped with a reason where chromium or Playwright is missing; in CI (CI=true) their
absence fails the run instead (``.ci/run`` installs chromium). Screenshots are kept in
``test-artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from talentflow.graph.store import open_store
from talentflow.report import data
from view_fakes import use_fixture_indicators

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
# Generous: the machine may be shared; these are not speed checks (see benchmarks/views.py).
TIMEOUT_MS = 180_000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A headless chromium browser (Debian's, at /usr/bin/chromium or $TALENTFLOW_CHROMIUM)."""
    path = os.environ.get("TALENTFLOW_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        _missing(f"chromium not found at {path} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install 'talentflow[web]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture()
def server(views_store_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The dashboard served by uvicorn on 127.0.0.1, indicators answering with fixtures."""
    import uvicorn

    from talentflow.web.app import create_app

    calls = use_fixture_indicators(monkeypatch)
    port = _free_port()
    config = uvicorn.Config(
        create_app(views_store_path), host="127.0.0.1", port=port, log_level="warning"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the dashboard server did not start")
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "calls": calls}
    srv.should_exit = True
    thread.join(timeout=10)


# For every Plotly chart on the page: its id, how many traces it holds and how many SVG
# marks (bars, sankey links, map shapes, points) Plotly drew for them.
CHART_STATE_JS = """
() => Array.from(document.querySelectorAll('.chart')).map(el => ({
  id: el.id,
  plotted: el.classList.contains('js-plotly-plot') && !!el.querySelector('.main-svg'),
  traces: (el.data || []).length,
  marks: el.querySelectorAll(
    '.bars path, .sankey-link, .choropleth path, .scatterlayer .point, .js-line').length,
}))
"""


def _assert_all_drawn(charts: list[dict[str, Any]]) -> None:
    assert charts, "no chart on the page"
    for c in charts:
        assert c["plotted"], f"{c['id']} was not drawn"
        assert c["traces"] > 0 and c["marks"] > 0, c


def test_dashboard_draws_charts_and_redraws_on_a_filter_change(
    chromium: Any, server: dict[str, Any]
) -> None:
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server["url"] + "/?venue=nips&year=2023")
    page.wait_for_selector("body[data-state=ready]")
    first = page.evaluate(CHART_STATE_JS)
    _assert_all_drawn(first)
    assert {"fig-work-map", "fig-census", "fig-orgflows", "fig-migration"} <= {
        c["id"] for c in first
    }
    assert "nips 2023" in page.inner_text("#pipeline h2")

    calls: list[tuple[str, dict[str, Any]]] = server["calls"]
    page.select_option("#f-venue", "icml")
    page.wait_for_function("(document.body.dataset.view || '').includes('venue=icml')")
    page.wait_for_selector("body[data-state=ready]")
    assert "icml 2024" in page.inner_text("#pipeline h2")
    page.select_option("#f-basis", "hq")
    page.wait_for_function("(document.body.dataset.view || '').includes('basis=hq')")
    page.wait_for_selector("body[data-state=ready]")
    _assert_all_drawn(page.evaluate(CHART_STATE_JS))
    asked = [kw for name, kw in calls if name == "pipeline"]
    assert {"venue": "icml", "year": 2024, "basis": "hq", "elite": False} in asked
    assert "basis=hq" in page.url and "venue=icml" in page.url
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_report_renders_every_chart_with_networking_disabled(
    chromium: Any,
    views_store_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    from talentflow.report.page import write_report

    use_fixture_indicators(monkeypatch)
    out = tmp_path / f"report-{lang}.html"
    with open_store(views_store_path, read_only=True) as store:
        write_report(store, out, data.Filters(country="KR"), lang)  # type: ignore[arg-type]
    context = chromium.new_context(offline=True, viewport={"width": 1280, "height": 900})
    requested: list[str] = []

    def only_the_file(route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            requested.append(url)
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(out.as_uri())
    page.wait_for_function(
        "document.querySelectorAll('.chart').length > 0 && "
        "Array.from(document.querySelectorAll('.chart')).every(el => el.querySelector('.main-svg'))"
    )
    charts = page.evaluate(CHART_STATE_JS)
    _assert_all_drawn(charts)
    ids = {c["id"] for c in charts}
    assert {"fig-work-map", "fig-bilateral", "fig-census", "fig-country-trend"} <= ids
    # the map's country shapes came from the file itself: one path per shaded country
    shaded = page.evaluate("document.getElementById('fig-work-map').data[0].locations.length")
    assert page.locator("#fig-work-map .choropleth path").count() >= shaded > 0
    assert requested == [] and errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{lang}.png"), full_page=True)
    context.close()
