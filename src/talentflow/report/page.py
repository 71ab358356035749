"""The single-file HTML report: every section, Plotly.js and the map shapes inline.

>>> from talentflow.report.page import write_report  # doctest: +SKIP
>>> write_report(store, Path("report.html"), Filters(venue="nips", year=2024), "ko")
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from talentflow.graph.store import Store
from talentflow.report import charts, data, render
from talentflow.report.assets import geo_js, plotly_js
from talentflow.report.i18n import Lang, t


def report_html(view: data.ViewData, lang: Lang = "en", generated: datetime | None = None) -> str:
    """The whole report as one HTML document that needs no network."""
    secs = render.sections(view, lang)
    figures = render.script_json(render.all_figures(secs))
    when = (generated or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    f = view.filters
    chosen = " · ".join(
        f"{t(k, lang)}: {escape(str(v))}"
        for k, v in (
            ("venue", f.venue),
            ("year", f.year),
            ("country", f.country),
            ("organisation", f.org),
        )
        if v
    )
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="talentflow {escape(str(view.provenance["software_version"]))}">
<title>{escape(t("title", lang))}</title>
<style>{render.style()}</style>
<script>{plotly_js()}</script>
<script>{geo_js()}</script>
</head>
<body>
<header class="top"><h1>{escape(t("title", lang))}</h1><p>{escape(t("subtitle", lang))}</p>
<p>{chosen}{" · " if chosen else ""}{t("generated", lang)}: {when}</p></header>
<nav class="toc">{render.toc_html(secs)}</nav>
<main>{render.body_html(secs)}</main>
<footer>talentflow {escape(str(view.provenance["software_version"]))}</footer>
<script type="application/json" id="tf-figures">{figures}</script>
<script>{charts.render_js()}
tfRender(JSON.parse(document.getElementById("tf-figures").textContent));
</script>
</body>
</html>
"""


def write_report(
    store: Store, out: Path, filters: data.Filters, lang: Lang = "en"
) -> data.ViewData:
    """Collect every indicator for ``filters`` and write the report to ``out`` atomically."""
    chosen = data.default_filters(store, filters)
    view = data.collect(store, chosen)
    text = report_html(view, lang)
    tmp = out.with_name(out.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return view


def write_report_file(
    db: Path | None,
    out: Path,
    *,
    venue: str | None = None,
    year: int | None = None,
    country: str | None = None,
    lang: str = "en",
) -> data.ViewData:
    """``talentflow report``: open the store read-only and write the report."""
    from talentflow.errors import TalentflowError
    from talentflow.graph.store import open_store
    from talentflow.report.i18n import check_lang

    try:
        language = check_lang(lang)
    except ValueError as exc:
        raise TalentflowError(str(exc)) from None
    if out.suffix.lower() not in (".html", ".htm"):
        raise TalentflowError(f"--out must end in .html, got '{out.name}'")
    filters = data.Filters(venue=venue, year=year, country=country.upper() if country else None)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open_store(db, read_only=True) as store:
        return write_report(store, out, filters, language)
