"""The dashboard page: filters on top, the report's sections below, redrawn on each change.

The page asks ``/api/view`` for the sections (HTML and Plotly figures, built by
:mod:`talentflow.report.render` exactly as the report builds them) and draws the
figures with the report's ``tfRender``. Plotly.js and the map shapes are served by
the app itself: the page loads nothing from elsewhere.
"""

from __future__ import annotations

from html import escape
from typing import Any

from talentflow.report import charts, render
from talentflow.report.data import Filters
from talentflow.report.i18n import Lang, country_name, t


def _options(values: list[tuple[str, str]], chosen: str | None) -> str:
    return "".join(
        f'<option value="{escape(v)}"{" selected" if v == (chosen or "") else ""}>'
        f"{escape(label)}</option>"
        for v, label in values
    )


def dashboard_html(filters: Filters, choices: dict[str, Any], lang: Lang = "en") -> str:
    """The dashboard's HTML for the initial ``filters``."""
    venues: dict[str, list[int]] = choices.get("venues") or {}
    all_ = ("", t("all", lang))
    venue_opts = _options([(v, v) for v in venues], filters.venue)
    years = venues.get(filters.venue or "", [])
    year_opts = _options([(str(y), str(y)) for y in reversed(years)], str(filters.year))
    countries = [c for c in choices.get("countries") or [] if c]
    if filters.country and filters.country not in countries:
        countries = [filters.country, *countries]
    country_opts = _options(
        [
            all_,
            *sorted(((c, f"{country_name(c, lang)} ({c})") for c in countries), key=lambda x: x[1]),
        ],
        filters.country,
    )
    orgs = list(choices.get("orgs") or [])
    if filters.org and filters.org not in orgs:
        orgs = [filters.org, *orgs]
    org_opts = _options([all_, *((o, o) for o in orgs)], filters.org)
    basis_opts = _options(
        [("location", t("basis_location", lang)), ("hq", t("basis_hq", lang))], filters.basis
    )
    lang_opts = _options([("en", "English"), ("ko", "한국어")], lang)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(t("title", lang))} · {escape(t("dashboard", lang))}</title>
<style>{render.style()}</style>
<script src="/assets/plotly.min.js"></script>
<script src="/assets/geo.js"></script>
</head>
<body>
<header class="top"><h1>{escape(t("title", lang))}</h1><p>{escape(t("subtitle", lang))}</p>
<p><a style="color:#93c5fd" href="/docs">{t("api_docs", lang)}</a> ·
<a style="color:#93c5fd" href="/openapi.json">/openapi.json</a></p></header>
<form class="filters" id="filters">
<label>{t("venue", lang)}<select name="venue" id="f-venue">{venue_opts}</select></label>
<label>{t("year", lang)}<select name="year" id="f-year">{year_opts}</select></label>
<label>{t("country", lang)}<select name="country" id="f-country">{country_opts}</select></label>
<label>{t("organisation", lang)}<select name="org" id="f-org">{org_opts}</select></label>
<label>{t("basis", lang)}<select name="basis" id="f-basis">{basis_opts}</select></label>
<label>Language<select name="lang" id="f-lang">{lang_opts}</select></label>
<span id="status" aria-live="polite"></span>
</form>
<main id="content"></main>
<footer>talentflow · read-only</footer>
<script type="application/json" id="tf-venues">{render.script_json(venues)}</script>
<script>{charts.render_js()}
const VENUES = JSON.parse(document.getElementById("tf-venues").textContent);
const form = document.getElementById("filters");
const statusEl = document.getElementById("status");
const content = document.getElementById("content");
let generation = 0;

function params() {{
  const p = new URLSearchParams();
  for (const el of form.elements) {{ if (el.name && el.value) p.set(el.name, el.value); }}
  return p;
}}

function fillYears() {{
  const sel = document.getElementById("f-year");
  const years = (VENUES[document.getElementById("f-venue").value] || []).slice().reverse();
  const keep = years.includes(Number(sel.value)) ? sel.value : String(years[0] ?? "");
  sel.innerHTML = years.map(y => `<option value="${{y}}">${{y}}</option>`).join("");
  sel.value = keep;
}}

async function load() {{
  const mine = ++generation;
  const p = params();
  statusEl.textContent = {render.script_json(t("loading", lang))};
  document.body.dataset.state = "loading";
  const res = await fetch("/api/view?" + p.toString());
  if (mine !== generation) return;
  if (!res.ok) {{ statusEl.textContent = "error " + res.status; return; }}
  const view = await res.json();
  for (const el of content.querySelectorAll(".js-plotly-plot")) Plotly.purge(el);
  content.innerHTML = view.sections.map(
    s => `<section id="${{s.id}}"><h2></h2>${{s.html}}</section>`).join("");
  view.sections.forEach((s, i) => {{
    content.children[i].querySelector("h2").textContent = s.title;
  }});
  const figures = Object.assign({{}}, ...view.sections.map(s => s.figures));
  tfRender(figures);
  history.replaceState(null, "", "?" + p.toString());
  statusEl.textContent = "";
  document.body.dataset.state = "ready";
  document.body.dataset.view = p.toString();
}}

form.addEventListener("change", (e) => {{
  if (e.target.name === "lang") {{ location.search = params().toString(); return; }}
  if (e.target.name === "venue") fillYears();
  load();
}});
load();
</script>
</body>
</html>
"""
