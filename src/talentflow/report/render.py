"""Sections of a view as HTML plus Plotly figures, shared by the report and the dashboard.

:func:`sections` turns a :class:`~talentflow.report.data.ViewData` into a list of
:class:`Section` (title, HTML body, figures by element id). The report writes them
into one self-contained file; the dashboard sends them to the page as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from talentflow.report import charts
from talentflow.report.data import Outcome, ViewData
from talentflow.report.i18n import (
    Lang,
    country_name,
    fmt_compact,
    fmt_int,
    fmt_interval,
    fmt_pct,
    group_name,
    label,
    t,
)


@dataclass
class Section:
    """One part of a view."""

    id: str
    title: str
    html: str
    figures: dict[str, charts.Figure] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "html": self.html, "figures": self.figures}


def _chart(fig_id: str) -> str:
    return f'<div class="chart" id="{fig_id}"></div>'


def unavailable(outcome: Outcome, lang: Lang) -> str:
    """Plain words for an indicator that has nothing to draw."""
    if outcome.status == "not_implemented":
        reason = t("not_implemented", lang)
    elif outcome.status == "needs_filter":
        what = " / ".join(t(w.strip(), lang) for w in outcome.detail.split(" and "))
        reason = t("needs_filter", lang, what=what)
    elif outcome.status == "empty":
        reason = t("no_data", lang)
    else:
        reason = f"{t('failed', lang)} ({escape(outcome.detail)})"
    return (
        f'<p class="unavailable" data-status="{outcome.status}">'
        f"<strong>{t('unavailable', lang)}</strong>: {reason}.</p>"
    )


def _card(label: str, value: str, sub: str = "") -> str:
    sub_html = f'<div class="sub">{escape(sub)}</div>' if sub else ""
    return (
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{escape(value)}</div>{sub_html}</div>'
    )


def _top_share(shares: Mapping[str, Any], key: str) -> tuple[str, Mapping[str, Any]] | None:
    cells = [(k, v) for k, v in shares.items() if isinstance(v, Mapping) and v.get(key) is not None]
    if not cells:
        return None
    return max(cells, key=lambda kv: float(kv[1][key]))


def _interval_text(cell: Mapping[str, Any], lang: Lang) -> str:
    return f"{t('interval', lang)} {fmt_interval(cell.get('low'), cell.get('high'), lang)}"


def headline_section(view: ViewData, lang: Lang) -> Section:
    h = view.headline
    accepted = sum(int(r.get("accepted_papers") or 0) for r in h.get("by_venue_year") or [])
    cards = [
        _card(
            t("papers", lang), fmt_int(h.get("papers"), lang), fmt_compact(h.get("papers"), lang)
        ),
        _card(t("accepted_papers", lang), fmt_int(accepted, lang)),
        _card(t("authorships", lang), fmt_int(h.get("authorships"), lang)),
        _card(t("people", lang), fmt_int(h.get("people"), lang)),
        _card(t("organisations", lang), fmt_int(h.get("organisations"), lang)),
    ]
    f = view.filters
    scope = f"{f.venue} {f.year}" if f.venue and f.year is not None else ""
    if view.pipeline.ok and view.pipeline.data:
        p = view.pipeline.data
        cards.append(_card(f"{t('authors_n', lang)} · {scope}", fmt_int(p.get("n"), lang)))
        top = _top_share(p.get("work") or {}, "share")
        if top:
            code, cell = top
            cards.append(
                _card(
                    f"{t('top_work', lang)} · {scope}",
                    f"{country_name(code, lang)} {fmt_pct(cell['share'], lang)}",
                    _interval_text(cell, lang),
                )
            )
    if view.census.ok and view.census.data:
        top = _top_share(view.census.data.get("shares") or {}, "estimate")
        if top:
            group, cell = top
            cards.append(
                _card(
                    f"{t('top_census', lang)} · {scope}",
                    f"{group_name(group, lang)} {fmt_pct(cell['estimate'], lang)}",
                    _interval_text(cell, lang),
                )
            )
    body = f'<div class="cards">{"".join(cards)}</div>' + _chart("fig-venue-years")
    return Section(
        "headline",
        t("headline", lang),
        body,
        {"fig-venue-years": charts.venue_year_bars(h, lang)},
    )


def _coverage(coverage: Any, n: Any, lang: Lang) -> str:
    if not isinstance(coverage, Mapping) or not coverage:
        return ""
    items = []
    for k, v in coverage.items():
        if isinstance(v, float) and 0 <= v <= 1:
            shown = fmt_pct(v, lang)
        elif isinstance(v, int | float):
            shown = fmt_int(v, lang) + (f" / {fmt_int(n, lang)}" if n else "")
        else:
            shown = escape(json.dumps(v, ensure_ascii=False))
        items.append(f"<li>{escape(label(k, lang, 'cov_'))}: {shown}</li>")
    return (
        f'<p class="coverage">{t("coverage", lang)}:</p><ul class="coverage">{"".join(items)}</ul>'
    )


def pipeline_section(view: ViewData, lang: Lang) -> Section:
    title = f"{t('pipeline', lang)}"
    f = view.filters
    if f.venue and f.year is not None:
        basis = t("basis_hq" if f.basis == "hq" else "basis_location", lang)
        title += f" · {f.venue} {f.year} · {basis}"
    if not (view.pipeline.ok and view.pipeline.data):
        data_ = view.pipeline.data or {}
        return Section(
            "pipeline",
            title,
            unavailable(view.pipeline, lang)
            + _coverage(data_.get("coverage"), data_.get("n"), lang)
            + _method_of(view.pipeline, "pipeline", lang),
        )
    p = view.pipeline.data
    figures: dict[str, charts.Figure] = {}
    note = "pipeline_note_estimated" if charts.education_flows(p) else "pipeline_note"
    body = [f'<p class="note">{t(note, lang)}</p>']
    for stages in charts.sankey_stages(p):
        fig_id = "fig-sankey-" + "-".join(stages)
        figures[fig_id] = charts.pipeline_sankey(p, lang, stages)
        body.append(_chart(fig_id))
    body.append('<div class="grid3">')
    for stage in ("origin", "training", "work"):
        fig_id = f"fig-pipeline-{stage}"
        if p.get(stage):
            figures[fig_id] = charts.share_bars(p[stage], t(stage, lang), lang, top=10)
            body.append(_chart(fig_id))
    body.append("</div>")
    body.append(_tracker_table(p, lang))
    body.append(_coverage(p.get("coverage"), p.get("n"), lang))
    return Section("pipeline", title, "".join(body), figures)


def _place_name(code: str, lang: Lang) -> str:
    """A country's name, or the Tracker's Europe region (without the UK)."""
    return t("europe", lang) if code == "Europe" else country_name(code, lang)


def _tracker_table(p: Mapping[str, Any], lang: Lang) -> str:
    """Our shares beside the Global AI Talent Tracker's (the pipeline's ``comparison``),
    with how the two were made differently."""
    rows = p.get("comparison") or []
    if not rows:
        return ""
    first = rows[0]
    head = "".join(
        f"<th>{t(k, lang)}</th>" for k in ("stage", "country", "ours", "tracker", "difference")
    )
    body = "".join(
        "<tr>"
        f"<td>{t(r['stage'], lang)}</td>"
        f"<td>{escape(_place_name(r['country'], lang))}</td>"
        f"<td>{fmt_pct(r['ours'], lang)} ({fmt_interval(r['low'], r['high'], lang)})</td>"
        f"<td>{fmt_pct(r['tracker'], lang)}</td>"
        f"<td>{fmt_pct(r['gap'], lang)}</td>"
        "</tr>"
        for r in rows
    )
    known = ", ".join(
        f"{t(stage, lang)} {fmt_int((p.get('coverage') or {}).get(stage), lang)}"
        for stage in dict.fromkeys(r["stage"] for r in rows)
    )
    basis = t("basis_hq" if p.get("basis") == "hq" else "basis_location", lang)
    note = t(
        "tracker_note",
        lang,
        year=p.get("year"),
        oral=t("oral_only", lang) if p.get("elite") else "",
        basis=basis,
        tracker_year=first["tracker_year"],
        known=known,
        n=fmt_int(p.get("n"), lang),
    )
    title = t(
        "tracker_title",
        lang,
        edition=first["edition"],
        tracker_year=first["tracker_year"],
        sample=t(f"sample_{first['sample']}", lang),
    )
    return (
        f'<h3>{escape(title)}</h3><table class="data"><thead><tr>{head}</tr></thead>'
        f'<tbody>{body}</tbody></table><p class="note">{escape(note)}</p>'
    )


def map_section(view: ViewData, lang: Lang) -> Section:
    title = t("world_map", lang)
    if not (view.pipeline.ok and view.pipeline.data and view.pipeline.data.get("work")):
        return Section("map", title, unavailable(view.pipeline, lang))
    return Section(
        "map",
        title,
        _chart("fig-work-map"),
        {"fig-work-map": charts.work_map(view.pipeline.data, lang)},
    )


def migration_section(view: ViewData, lang: Lang) -> Section:
    title = t("migration", lang)
    if not (view.migration.ok and view.migration.data):
        return Section(
            "migration",
            title,
            unavailable(view.migration, lang) + _method_of(view.migration, "migration", lang),
        )
    m = view.migration.data
    figures = {"fig-migration": charts.migration_chart(m, lang, view.filters.country)}
    body = [f'<p class="note">{t("migration_note", lang)}</p>', _chart("fig-migration")]
    if charts.bilateral_rows(m):
        figures["fig-bilateral"] = charts.bilateral_chart(m, lang)
        body.append(_chart("fig-bilateral"))
    else:
        body.append(
            f"<h3>{t('bilateral', lang)}</h3>" + unavailable(Outcome("not_implemented"), lang)
        )
    return Section("migration", title, "".join(body), figures)


def _table(rows: Sequence[Mapping[str, Any]], lang: Lang, limit: int = 20) -> str:
    if not rows:
        return f"<p>{t('no_data', lang)}.</p>"
    # ids and lists (e.g. the people of a group move) stay out of the page
    cols = [
        c
        for c in rows[0]
        if not isinstance(rows[0][c], list | dict) and (c == "run_id" or not c.endswith("_id"))
    ]
    head = "".join(f"<th>{escape(column_label(c, lang))}</th>" for c in cols)
    body = []
    for r in rows[:limit]:
        cells = []
        for c in cols:
            v = r.get(c)
            counted = isinstance(v, int) and not isinstance(v, bool) and "year" not in c
            if counted:
                shown: Any = fmt_int(v, lang)
            elif isinstance(v, float):
                shown = f"{v:,.1f}"
            elif c.endswith("country") and isinstance(v, str):
                shown = country_name(v, lang)
            elif c == "kind" and isinstance(v, str):
                shown = label(v, lang, "kind_")
            elif c == "source" and isinstance(v, str):
                shown = label(v, lang, "source_")
            else:
                shown = v
            cells.append(f"<td>{escape('' if shown is None else str(shown))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


COLUMN_KEYS = {
    "from_org": "from",
    "to_org": "to",
    "from_country": "from",
    "to_country": "to",
    "year": "year",
    "moves": "moves",
    "country": "country",
    "org": "organisation",
    "records": "records",
    "software_version": "software_version",
}


def column_label(column: str, lang: Lang) -> str:
    """A table column's heading: translated when the catalogue knows it, else its name."""
    return label(COLUMN_KEYS.get(column, column), lang, "col_")


def orgflows_section(view: ViewData, lang: Lang) -> Section:
    title = t("orgflows", lang)
    if view.filters.org:
        title += f" · {view.filters.org}"
    if not (view.orgflows.ok and view.orgflows.data):
        return Section(
            "orgflows",
            title,
            unavailable(view.orgflows, lang) + _method_of(view.orgflows, "orgflows", lang),
        )
    o = view.orgflows.data
    figures: dict[str, charts.Figure] = {}
    body = []
    if o.get("rows"):
        figures["fig-orgflows"] = charts.orgflows_sankey(o, lang)
        body.append(_chart("fig-orgflows"))
    if o.get("top_hirers"):
        figures["fig-hirers"] = charts.hirers_chart(o, lang)
        body.append(_chart("fig-hirers"))
    groups = list(o.get("group_moves") or [])
    body.append(
        f"<h3>{t('group_moves', lang)}</h3><p class='note'>{t('group_moves_note', lang)}</p>"
    )
    body.append(_table(groups, lang))
    return Section("orgflows", title, "".join(body), figures)


def census_section(view: ViewData, lang: Lang) -> Section:
    title = t("census", lang)
    statement = f'<p class="statement">{t("census_statement", lang)}</p>'
    c = view.census
    if not (c.ok and c.data):
        return Section(
            "census", title, statement + unavailable(c, lang) + _method_of(c, "census", lang)
        )
    d = c.data
    # One disclaimer, in the report's language: the census's own English statement says
    # the same thing and is not repeated.
    body = [statement, _chart("fig-census")]
    population = f" ({escape(str(d['population']))})" if d.get("population") else ""
    body.append(
        f"<p>n = {fmt_int(d.get('n'), lang)}{population}; {t('abstained', lang)}: "
        f"{fmt_int(d.get('abstained'), lang)}</p>"
    )
    return Section("census", title, "".join(body), {"fig-census": charts.census_bars(d, lang)})


def country_section(view: ViewData, lang: Lang) -> Section:
    cc = view.filters.country
    title = t("country_profile", lang) + (f" · {country_name(cc, lang)}" if cc else "")
    c = view.country
    if not (c.ok and c.data):
        return Section("country", title, unavailable(c, lang) + _method_of(c, "country", lang))
    d = c.data
    cards = []
    trains, employs, keeps = d.get("trains"), d.get("employs"), d.get("keeps")
    if isinstance(trains, Mapping):
        cards.append(_card(t("trains_people", lang), fmt_int(trains.get("people"), lang)))
    if isinstance(employs, Mapping):
        cards.append(_card(t("employs_people", lang), fmt_int(employs.get("people"), lang)))
    if isinstance(keeps, Mapping) and keeps.get("share") is not None:
        cards.append(
            _card(
                t("keeps_share", lang),
                fmt_pct(keeps["share"], lang),
                f"{t('interval', lang)} {fmt_interval(keeps.get('low'), keeps.get('high'), lang)}",
            )
        )
    figures = {f"fig-country-{k}": fig for k, fig in charts.profile_figures(d, lang).items()}
    tables = [
        f"<h3>{escape(t(k, lang))}</h3>" + _table(d[k], lang, limit=10)
        for k in ("top_institutions", "moves_out", "moves_in")
        if isinstance(d.get(k), list) and d[k]
    ]
    trend = [i for i in figures if i == "fig-country-trend"]
    body = (
        f'<div class="cards">{"".join(cards)}</div>'
        + "".join(_chart(i) for i in trend)
        + '<div class="grid3">'
        + "".join(_chart(i) for i in figures if i not in trend)
        + "</div>"
        + "".join(tables)
    )
    return Section("country", title, body, figures)


def _method_of(outcome: Outcome, name: str, lang: Lang) -> str:
    """An indicator's own method note, shown where its result is empty (it says why); in
    another language its summary in that language, as in the methods section."""
    note = (outcome.data or {}).get("method")
    if not note:
        return ""
    text = t(f"method_{name}", lang, note=_note_text(note))
    pointer = "" if lang == "en" else f" {t('method_summary', lang)}"
    return f'<p class="note">{escape(text)}{pointer}</p>'


def _note_text(note: Any) -> str:
    if isinstance(note, Mapping):
        return "; ".join(f"{k}: {v}" for k, v in note.items())
    return str(note)


def _method_notes(view: ViewData) -> list[tuple[str, str]]:
    notes = []
    for name in ("pipeline", "migration", "orgflows", "census", "country"):
        out: Outcome = getattr(view, name)
        if out.data:
            for key in ("method", "method_note", "note"):
                if out.data.get(key):
                    notes.append((name, _note_text(out.data[key])))
                    break
    return notes


def methods_section(view: ViewData, lang: Lang) -> Section:
    prov = view.provenance
    body = [f"<p>{t('methods_text', lang)}</p>"]
    notes = _method_notes(view)
    if notes:
        body.append(f"<h3>{t('method_notes', lang)}</h3><dl class='notes'>")
        body += [
            f"<dt>{escape(t(k, lang))}</dt><dd>{escape(t('method_' + k, lang, note=v))}</dd>"
            for k, v in notes
        ]
        if lang != "en":  # the notes above are summaries; the indicators write them in English
            body.append(f"<p class='note'>{t('method_summary', lang)}</p>")
        body.append("</dl>")
    body.append(
        f"<p>{t('software_version', lang)}: <code>talentflow "
        f"{escape(str(prov['software_version']))}</code> · {t('schema_version', lang)}: "
        f"<code>{prov['schema_version']}</code></p>"
    )
    runs = prov.get("ingest_runs") or []
    body.append(f"<h3>{t('source_dates', lang)}</h3>" + _table(runs, lang, limit=50))
    files = prov.get("source_files") or []
    rows = "".join(
        f"<tr><td>{escape(f['file_key'])}</td><td>{fmt_int(f['records'], lang)}</td>"
        f"<td>{escape(str(f['ingested_at']))}</td><td><code>{escape(f['file_sha256'])}</code></td></tr>"
        for f in files
    )
    body.append(
        f"<details><summary>{t('source_files', lang)} ({fmt_int(len(files), lang)})</summary>"
        f'<table class="data files"><thead><tr><th>{t("file", lang)}</th>'
        f"<th>{t('records', lang)}</th><th>{t('ingested_at', lang)}</th>"
        f"<th>{t('sha256', lang)}</th></tr></thead><tbody>{rows}</tbody></table></details>"
    )
    return Section("methods", t("methods", lang), "".join(body))


def sections(view: ViewData, lang: Lang = "en") -> list[Section]:
    """Every section of a view, in reading order."""
    return [
        headline_section(view, lang),
        pipeline_section(view, lang),
        map_section(view, lang),
        migration_section(view, lang),
        orgflows_section(view, lang),
        census_section(view, lang),
        country_section(view, lang),
        methods_section(view, lang),
    ]


def script_json(data: Any) -> str:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


STYLE = """
:root { --ink:#1e293b; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc; --accent:#2563eb; }
* { box-sizing: border-box; }
body { margin:0; font-family:%FONT%; color:var(--ink); background:var(--bg); line-height:1.5; }
header.top { background:#0f172a; color:#f8fafc; padding:24px 32px; }
header.top h1 { margin:0 0 4px; font-size:26px; }
header.top p { margin:0; color:#cbd5e1; max-width:900px; }
nav.toc { display:flex; flex-wrap:wrap; gap:6px 16px; padding:10px 32px; background:#fff;
  border-bottom:1px solid var(--line); position:sticky; top:0; z-index:5; font-size:14px; }
nav.toc a { color:var(--accent); text-decoration:none; }
main { max-width:1200px; margin:0 auto; padding:16px 24px 48px; }
section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:18px 22px;
  margin:18px 0; }
section h2 { margin:0 0 8px; font-size:20px; }
section h3 { font-size:16px; margin:18px 0 6px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(190px, 1fr)); gap:12px;
  margin-bottom:10px; }
.card { border:1px solid var(--line); border-radius:8px; padding:10px 14px; background:var(--bg); }
.card .label { font-size:12px; color:var(--muted); }
.card .value { font-size:22px; font-weight:600; }
.card .sub { font-size:12px; color:var(--muted); }
.chart { width:100%; min-height:220px; }
.grid3 { display:grid; grid-template-columns:repeat(auto-fit, minmax(300px, 1fr)); gap:8px; }
.note, .coverage { color:var(--muted); font-size:14px; }
.statement { background:#fffbeb; border-left:4px solid #d97706; padding:8px 12px; font-size:14px; }
.unavailable { background:#f1f5f9; border-left:4px solid #94a3b8; padding:8px 12px;
  color:#334155; }
table.data { border-collapse:collapse; font-size:13px; width:100%; }
table.data th, table.data td { border-bottom:1px solid var(--line); padding:4px 8px;
  text-align:left; }
table.files code { font-size:11px; word-break:break-all; }
footer { color:var(--muted); font-size:12px; text-align:center; padding:24px; }
form.filters { display:flex; flex-wrap:wrap; gap:10px 16px; align-items:end; padding:12px 32px;
  background:#fff; border-bottom:1px solid var(--line); }
form.filters label { display:flex; flex-direction:column; font-size:12px; color:var(--muted); }
form.filters select { font-size:14px; padding:4px 6px; min-width:110px; }
#status { color:var(--muted); font-size:13px; }
"""


def style() -> str:
    """The views' stylesheet (system fonts only: nothing is downloaded)."""
    return STYLE.replace("%FONT%", charts.FONT)


def body_html(secs: Sequence[Section]) -> str:
    """The sections as HTML (without figures, which ``tfRender`` draws)."""
    return "".join(
        f'<section id="{s.id}"><h2>{escape(s.title)}</h2>{s.html}</section>' for s in secs
    )


def toc_html(secs: Sequence[Section]) -> str:
    return "".join(f'<a href="#{s.id}">{escape(s.title)}</a>' for s in secs)


def all_figures(secs: Sequence[Section]) -> dict[str, charts.Figure]:
    figures: dict[str, charts.Figure] = {}
    for s in secs:
        figures.update(s.figures)
    return figures
