"""Every chart the report and the dashboard draw, built in one place.

Each builder takes an indicator's JSON exactly as ``INTERFACE.md`` fixes it (or
``talentflow stats`` JSON) and returns a Plotly figure as plain JSON data
(``{"data": [...], "layout": {...}}``). The report embeds these in its HTML; the
dashboard sends the very same dictionaries to the browser. Both draw them with
Plotly.js through :data:`RENDER_JS`, so there is one chart code path.

Builders never compute an indicator: they sort, keep the largest entries and
lump the rest into "other" for display, nothing more.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, cast

from talentflow.report.i18n import (
    Lang,
    country_alpha3,
    country_name,
    fmt_int,
    fmt_interval,
    fmt_num,
    fmt_pct,
    group_name,
    t,
)

Figure = dict[str, Any]
Share = Mapping[str, Any]

FONT = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK KR", '
    '"Apple SD Gothic Neo", "Malgun Gothic", sans-serif'
)
PALETTE = (
    "#2563eb",
    "#dc2626",
    "#059669",
    "#d97706",
    "#7c3aed",
    "#0891b2",
    "#db2777",
    "#65a30d",
    "#9333ea",
    "#ea580c",
)
OTHER_COLOUR = "#94a3b8"
POSITIVE = "#059669"
NEGATIVE = "#dc2626"

# Plotly.js options for every chart: no logo, no network (the map's shapes are embedded).
CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True, "showLink": False}

# Draws every figure of a {element id: figure} mapping; shared by report and dashboard.
RENDER_JS = """
function tfRender(figures) {
  for (const [id, fig] of Object.entries(figures)) {
    const el = document.getElementById(id);
    if (!el) continue;
    Plotly.react(el, fig.data, fig.layout, %CONFIG%);
  }
}
"""


def render_js() -> str:
    """The JavaScript that draws figures (``tfRender``), with the shared Plotly config."""
    import json

    return RENDER_JS.replace("%CONFIG%", json.dumps(CONFIG))


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 16}},
        "font": {"family": FONT, "size": 13, "color": "#1e293b"},
        "margin": {"l": 10, "r": 10, "t": 48, "b": 10},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "colorway": list(PALETTE),
        "hoverlabel": {"font": {"family": FONT}},
        "height": 380,
    }
    for axis in ("xaxis", "yaxis"):
        extra[axis] = {"automargin": True, **extra.get(axis, {})}
    layout.update(extra)
    return layout


def _colour_of(rank: int) -> str:
    return PALETTE[rank % len(PALETTE)]


def _ranked_shares(shares: Mapping[str, Share], key: str = "share") -> list[tuple[str, Share]]:
    cells = [(k, v) for k, v in shares.items() if isinstance(v, Mapping) and v.get(key) is not None]
    return sorted(cells, key=lambda kv: (-float(kv[1][key]), kv[0]))


def with_n(title: str, n: object, lang: Lang = "en") -> str:
    """A chart title that states the n its data rests on: ``'Work (n = 6,340)'``."""
    shown = fmt_int(n, lang) if isinstance(n, int | float) else str(n)
    return f"{title} (n = {shown})"


def share_base(shares: Mapping[str, Share], key: str = "share") -> int | None:
    """The n a block of share cells rests on (their denominator: a cell's n over its share).

    >>> share_base({"US": {"share": 0.25, "n": 3}, "CN": {"share": 0.5, "n": 6}})
    12
    """
    for cell in shares.values():
        count, share = cell.get("n"), cell.get(key)
        if isinstance(count, int | float) and isinstance(share, int | float) and share > 0:
            return round(float(count) / float(share))
    return None


def share_bars(
    shares: Mapping[str, Share],
    title: str,
    lang: Lang = "en",
    *,
    key: str = "share",
    label: str = "country",
    top: int = 12,
    n: int | None = None,
) -> Figure:
    """Horizontal bars of shares with their 95% intervals (largest first), titled with
    the n they rest on (``n``, else the cells' denominator).

    ``shares`` maps a country code (``label="country"``) or census group
    (``label="group"``) to ``{key, "low", "high"}``.
    """
    base = n if n is not None else share_base(shares, key)
    if base is not None:
        title = with_n(title, base, lang)
    cells = _ranked_shares(shares, key)[:top]
    names = [country_name(k, lang) if label == "country" else group_name(k, lang) for k, _ in cells]
    values = [float(v[key]) * 100 for _, v in cells]
    lows = [float(v.get("low", v[key])) * 100 for _, v in cells]
    highs = [float(v.get("high", v[key])) * 100 for _, v in cells]
    hover = [
        f"{n}: {fmt_pct(v[key], lang)} ({t('interval', lang)} "
        f"{fmt_interval(v.get('low'), v.get('high'), lang)})"
        for n, (_, v) in zip(names, cells, strict=True)
    ]
    # the value goes beside the name: a label at the bar's end would collide with its interval
    shown = [f"{n} · {fmt_pct(v / 100, lang)}" for n, v in zip(names, values, strict=True)]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": shown[::-1],
        "x": values[::-1],
        "hovertext": hover[::-1],
        "hoverinfo": "text",
        "marker": {"color": PALETTE[0]},
        "error_x": {
            "type": "data",
            "symmetric": False,
            "array": [h - v for h, v in zip(highs, values, strict=True)][::-1],
            "arrayminus": [v - lo for lo, v in zip(lows, values, strict=True)][::-1],
            "color": "#334155",
            "thickness": 1.2,
        },
    }
    return {
        "data": [trace],
        "layout": _layout(
            title,
            height=max(220, 40 + 26 * len(cells)),
            xaxis={"ticksuffix": "%", "gridcolor": "#e2e8f0", "rangemode": "tozero"},
            yaxis={"automargin": True},
            showlegend=False,
        ),
    }


def _top_keys(shares: Mapping[str, Share], top: int) -> list[str]:
    return [k for k, _ in _ranked_shares(shares)[:top]]


def _matrix_key(a: str, b: str) -> str:
    return f"{b}_by_{a}"  # e.g. work_by_origin: for each origin country, shares by work country


def sankey_stages(pipeline: Mapping[str, Any]) -> list[tuple[str, ...]]:
    """The Sankeys the pipeline JSON supports: one origin -> training -> work chart when it
    gives three-stage ``flows`` (or both ``training_by_origin`` and ``work_by_training``),
    else one chart per stage pair it has a matrix for."""
    if (
        pipeline.get("flows")
        or education_flows(pipeline)
        or (pipeline.get("training_by_origin") and pipeline.get("work_by_training"))
    ):
        return [("origin", "training", "work")]
    pairs = [("origin", "work"), ("training", "work"), ("origin", "training")]
    return [p for p in pairs if pipeline.get(_matrix_key(*p))]


def education_flows(pipeline: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The origin -> training -> work cells of the pipeline's education estimates
    (``education.flows``: share, and ``observed``, the cell's authors with both stages
    stated), or none."""
    education = pipeline.get("education")
    flows = education.get("flows") if isinstance(education, Mapping) else None
    return [r for r in flows or [] if isinstance(r, Mapping)]


def _stage_shares(pipeline: Mapping[str, Any], stage: str) -> Mapping[str, Share]:
    """A stage's shares: the education estimates' combined shares where given, else the
    observed."""
    education = pipeline.get("education")
    combined = education.get(stage, {}).get("combined") if isinstance(education, Mapping) else None
    if isinstance(combined, Mapping) and combined.get("shares"):
        return cast(Mapping[str, Share], combined["shares"])
    return cast(Mapping[str, Share], pipeline.get(stage) or {})


def pipeline_sankey(
    pipeline: Mapping[str, Any],
    lang: Lang = "en",
    stages: Sequence[str] = ("origin", "training", "work"),
    top: int = 8,
) -> Figure:
    """Sankey of the authors' countries from stage to stage (``talentflow pipeline`` JSON).

    Three stages come from the education estimates' ``education.flows`` (each cell's share
    of the authors with a work country, split into the authors with both stages stated,
    drawn dark, and the estimated rest, drawn light), from ``flows`` rows
    (``origin, training, work, n``) or from the
    ``training_by_origin`` and ``work_by_training`` matrices; two stages from the one
    matrix of that pair (e.g. ``work_by_origin``). A matrix cell's ``n`` (people) is the
    link width; a cell without ``n`` is weighted by the first stage's share instead
    (its share of that stage's authors, in percent). Countries beyond the ``top`` of
    each stage are drawn as one "other" node.
    """
    estimated = education_flows(pipeline) if len(stages) == 3 else []
    keep = {
        s: _top_keys(_stage_shares(pipeline, s) if estimated else pipeline.get(s) or {}, top)
        for s in stages
    }
    # one colour per country whatever the stage, so a country's flow reads across the chart
    palette_order = list(dict.fromkeys(c for s in reversed(stages) for c in keep[s]))
    labels: list[str] = []
    colours: list[str] = []
    index: dict[tuple[str, str], int] = {}

    def node(stage: str, code: str) -> int:
        code_k = code if code in keep[stage] else "~other"
        key = (stage, code_k)
        if key not in index:
            index[key] = len(labels)
            name = t("other", lang) if code_k == "~other" else country_name(code_k, lang)
            labels.append(f"{name} · {t(stage, lang)}")
            colours.append(
                OTHER_COLOUR if code_k == "~other" else _colour_of(palette_order.index(code_k))
            )
        return index[key]

    links: dict[tuple[int, int, str], float] = {}

    def link(a: int, b: int, value: float, kind: str = "") -> None:
        if value > 0:
            links[(a, b, kind)] = links.get((a, b, kind), 0.0) + value

    flows = pipeline.get("flows")
    coverage = pipeline.get("coverage") or {}
    if estimated:
        with_work = float(coverage.get("work") or 0)
        for row in estimated:
            width = float(row.get("share") or 0) * with_work
            stated = min(float(row.get("observed") or 0), width)
            cells = [str(row.get(s)) for s in stages]
            for i in range(len(stages) - 1):
                src, dst = node(stages[i], cells[i]), node(stages[i + 1], cells[i + 1])
                link(src, dst, stated, "stated")
                link(src, dst, width - stated, "estimated")
    elif len(stages) == 3 and isinstance(flows, Sequence) and flows:
        for row in flows:
            value = float(row.get("n", row.get("share", 0)) or 0)
            codes = [row.get(s) for s in stages]
            for i in range(len(stages) - 1):
                a, b = codes[i], codes[i + 1]
                if a and b:
                    link(node(stages[i], str(a)), node(stages[i + 1], str(b)), value)
    else:
        for first, second in itertools.pairwise(stages):
            marginal = pipeline.get(first) or {}
            for a, cells in (pipeline.get(_matrix_key(first, second)) or {}).items():
                weight = float((marginal.get(a) or {}).get("share", 0) or 0) * 100
                for b, cell in (cells or {}).items():
                    people = (cell or {}).get("n")
                    share = float((cell or {}).get("share") or 0)
                    width = float(people) if people is not None else weight * share
                    link(node(first, a), node(second, b), width)
    sources = [a for a, _, _ in links]
    alpha = {"": "55", "stated": "cc", "estimated": "40"}
    trace = {
        "type": "sankey",
        "arrangement": "snap",
        "valueformat": ",.0f",
        "node": {
            "label": labels,
            "color": colours,
            "pad": 12,
            "thickness": 14,
            "line": {"width": 0},
        },
        "link": {
            "source": sources,
            "target": [b for _, b, _ in links],
            "value": [round(v, 4) for v in links.values()],
            "color": [colours[a] + alpha[kind] for a, _, kind in links],
            **({"label": [t(f"flow_{kind}", lang) for _, _, kind in links]} if estimated else {}),
        },
    }
    title = " → ".join(t(s, lang) for s in stages)
    n = pipeline.get("n")
    # Each stage rests on the authors whose country it knows, not on all n authors.
    known = [
        _rests_on(pipeline, s, lang) if estimated else f"{t(s, lang)} {fmt_int(coverage[s], lang)}"
        for s in dict.fromkeys(stages)
        if isinstance(coverage.get(s), int)
    ]
    if known:
        title = t("stages_rest_on", lang, stages=title, known=" · ".join(known), n=fmt_int(n, lang))
    else:
        title = f"{title} (n = {fmt_int(n, lang)})"
    return {"data": [trace], "layout": _layout(title, height=460)}


def work_map(pipeline: Mapping[str, Any], lang: Lang = "en") -> Figure:
    """World map of where the authors work (``pipeline`` JSON's ``work`` shares)."""
    work = pipeline.get("work") or {}
    cells = [(k, v) for k, v in _ranked_shares(work) if country_alpha3(k)]
    hover = [
        f"{country_name(k, lang)}: {fmt_pct(v['share'], lang)} "
        f"({fmt_interval(v.get('low'), v.get('high'), lang)})"
        for k, v in cells
    ]
    trace = {
        "type": "choropleth",
        "locationmode": "ISO-3",
        "locations": [country_alpha3(k) for k, _ in cells],
        "z": [round(float(v["share"]) * 100, 3) for _, v in cells],
        "text": hover,
        "hoverinfo": "text",
        "colorscale": [[0, "#dbeafe"], [0.3, "#60a5fa"], [1, "#1e3a8a"]],
        "marker": {"line": {"color": "#ffffff", "width": 0.5}},
        "colorbar": {"ticksuffix": "%", "thickness": 12, "len": 0.7},
    }
    return {
        "data": [trace],
        "layout": _layout(
            with_n(t("work_share_by_country", lang), share_base(work), lang),
            height=420,
            geo={
                "projection": {"type": "natural earth", "rotation": {"lon": 0}},
                "center": {"lon": 0, "lat": 15},
                "lonaxis": {"range": [-180, 180]},
                "lataxis": {"range": [-58, 85]},
                "showframe": False,
                "showcoastlines": False,
                "showcountries": True,
                "countrycolor": "#ffffff",
                "showland": True,
                "landcolor": "#e2e8f0",
                "bgcolor": "rgba(0,0,0,0)",
                "resolution": 110,
            },
        ),
    }


def migration_chart(
    migration: Mapping[str, Any],
    lang: Lang = "en",
    country: str | None = None,
    top: int = 15,
    span: int = 15,
) -> Figure:
    """Net migration per 10,000 researchers with 95% intervals.

    For one country: its series over the latest ``span`` years. Otherwise: the latest
    year, for the ``top`` countries with most active researchers.
    """
    rows = [r for r in migration.get("rows") or [] if r.get("net_per_10k") is not None]
    if country:
        series = sorted((r for r in rows if r.get("country") == country), key=lambda r: r["year"])
        # the latest `span` years: earlier ones rest on a handful of researchers each
        if series:
            series = [r for r in series if int(r["year"]) > int(series[-1]["year"]) - span]
        nets = [float(r["net_per_10k"]) for r in series]
        trace = {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [r["year"] for r in series],
            "y": nets,
            "marker": {"color": PALETTE[0], "size": 8},
            "error_y": _errors(series),
            "hovertext": [_migration_hover(r, lang) for r in series],
            "hoverinfo": "text",
        }
        title = f"{t('net_per_10k', lang)} · {country_name(country, lang)}"
        # each year rests on that year's researchers: the title gives their range
        counts = sorted(int(r.get("researchers") or 0) for r in series)
        if counts:
            span_n = f"{fmt_int(counts[0], lang)}–{fmt_int(counts[-1], lang)}"
            title = with_n(title, span_n if counts[0] != counts[-1] else counts[0], lang)
        return {
            "data": [trace],
            "layout": _layout(
                title,
                xaxis={"dtick": 1, "gridcolor": "#e2e8f0"},
                yaxis={"zeroline": True, "zerolinecolor": "#64748b", "gridcolor": "#e2e8f0"},
                showlegend=False,
            ),
        }
    latest = max((int(r["year"]) for r in rows), default=None)
    chosen = sorted(
        (r for r in rows if r.get("year") == latest),
        key=lambda r: (-(r.get("researchers") or 0), str(r.get("country"))),
    )[:top]
    chosen.sort(key=lambda r: float(r["net_per_10k"]))
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": [country_name(r["country"], lang) for r in chosen],
        "x": [float(r["net_per_10k"]) for r in chosen],
        "marker": {
            "color": [POSITIVE if float(r["net_per_10k"]) >= 0 else NEGATIVE for r in chosen]
        },
        "error_x": _errors(chosen),
        "hovertext": [_migration_hover(r, lang) for r in chosen],
        "hoverinfo": "text",
    }
    return {
        "data": [trace],
        "layout": _layout(
            with_n(
                f"{t('net_per_10k', lang)} · {latest if latest is not None else ''}",
                sum(int(r.get("researchers") or 0) for r in chosen),
                lang,
            ),
            height=max(240, 40 + 26 * len(chosen)),
            xaxis={"zeroline": True, "zerolinecolor": "#64748b", "gridcolor": "#e2e8f0"},
            yaxis={"automargin": True},
            showlegend=False,
        ),
    }


def _errors(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    def gap(r: Mapping[str, Any], bound: str) -> float:
        v = r.get(bound)
        return abs(float(v) - float(r["net_per_10k"])) if v is not None else 0.0

    return {
        "type": "data",
        "symmetric": False,
        "array": [gap(r, "high") for r in rows],
        "arrayminus": [gap(r, "low") for r in rows],
        "color": "#334155",
        "thickness": 1.2,
    }


def _migration_hover(r: Mapping[str, Any], lang: Lang) -> str:
    return (
        f"{country_name(r.get('country'), lang)} {r.get('year')}: "
        f"{fmt_num(r.get('net_per_10k'), lang)} ({t('interval', lang)} "
        f"{fmt_interval(r.get('low'), r.get('high'), lang, pct=False)}); "
        f"+{fmt_int(r.get('inflow'), lang)} / −{fmt_int(r.get('outflow'), lang)} "
        f"of {fmt_int(r.get('researchers'), lang)}"
    )


def bilateral_rows(migration: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The migration indicator's bilateral flow rows, whichever key it uses."""
    for key in ("bilateral", "flows", "bilateral_flows"):
        rows = migration.get(key)
        if isinstance(rows, Sequence) and not isinstance(rows, str):
            return [dict(r) for r in rows if isinstance(r, Mapping)]
    return []


def bilateral_chart(migration: Mapping[str, Any], lang: Lang = "en", top: int = 15) -> Figure:
    """The biggest country -> country flows (migration JSON's bilateral rows)."""
    rows = bilateral_rows(migration)

    def moves(r: Mapping[str, Any]) -> float:
        return float(r.get("moves", r.get("n", r.get("people", 0))) or 0)

    def ends(r: Mapping[str, Any]) -> tuple[str | None, str | None]:
        return (r.get("from_country", r.get("from")), r.get("to_country", r.get("to")))

    chosen = sorted(rows, key=lambda r: (-moves(r), str(ends(r))))[:top][::-1]
    labels = [
        f"{country_name(a, lang)} → {country_name(b, lang)}" for a, b in (ends(r) for r in chosen)
    ]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "x": [moves(r) for r in chosen],
        "marker": {"color": PALETTE[4]},
        "hovertemplate": "%{y}: %{x:,} " + t("moves", lang) + "<extra></extra>",
    }
    if all(r.get("low") is not None and r.get("high") is not None for r in chosen):
        trace["error_x"] = {
            "type": "data",
            "symmetric": False,
            "array": [float(r["high"]) - moves(r) for r in chosen],
            "arrayminus": [moves(r) - float(r["low"]) for r in chosen],
            "color": "#334155",
            "thickness": 1.2,
        }
    coverage = migration.get("coverage") or {}
    base = coverage.get("moves_with_both_countries", sum(moves(r) for r in rows))
    return {
        "data": [trace],
        "layout": _layout(
            with_n(t("bilateral", lang), base, lang),
            height=max(240, 40 + 26 * len(chosen)),
            xaxis={"gridcolor": "#e2e8f0"},
            yaxis={"automargin": True},
            showlegend=False,
        ),
    }


def _rests_on(pipeline: Mapping[str, Any], stage: str, lang: Lang) -> str:
    """How many authors a stage rests on: stated and estimated where it is estimated."""
    education = pipeline.get("education") or {}
    got = education.get(stage) if isinstance(education, Mapping) else None
    if isinstance(got, Mapping) and "estimated" in got:
        return t(
            "stage_stated_estimated",
            lang,
            stage=t(stage, lang),
            stated=fmt_int(got["observed"]["n"], lang),
            estimated=fmt_int(got["estimated"]["n"], lang),
        )
    return f"{t(stage, lang)} {fmt_int((pipeline.get('coverage') or {}).get(stage), lang)}"


def orgflows_sankey(orgflows: Mapping[str, Any], lang: Lang = "en", top: int = 15) -> Figure:
    """Who hires from whom: the largest organisation -> organisation flows (moves summed
    over the years the indicator returned)."""
    totals: dict[tuple[str, str], float] = {}
    for r in orgflows.get("rows") or []:
        a, b = r.get("from_org"), r.get("to_org")
        if a and b:
            totals[(a, b)] = totals.get((a, b), 0.0) + float(r.get("moves") or 0)
    pairs = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    labels: list[str] = []
    index: dict[tuple[str, str], int] = {}

    def node(side: str, name: str) -> int:
        if (side, name) not in index:
            index[(side, name)] = len(labels)
            labels.append(name)
        return index[(side, name)]

    src = [node("from", a) for (a, _), _ in pairs]
    dst = [node("to", b) for (_, b), _ in pairs]
    colours = [_colour_of(i) for i in range(len(labels))]
    trace = {
        "type": "sankey",
        "arrangement": "snap",
        "node": {"label": labels, "color": colours, "pad": 10, "thickness": 14},
        "link": {
            "source": src,
            "target": dst,
            "value": [v for _, v in pairs],
            "color": [colours[s] + "55" for s in src],
        },
    }
    title = with_n(t("orgflows", lang), org_moves(orgflows), lang)
    return {"data": [trace], "layout": _layout(title, height=480)}


def org_moves(orgflows: Mapping[str, Any]) -> int:
    """The moves an orgflows result counts (the sum of its rows)."""
    return sum(int(r.get("moves") or 0) for r in orgflows.get("rows") or [])


def hirers_chart(orgflows: Mapping[str, Any], lang: Lang = "en", top: int = 12) -> Figure:
    """Hires and departures (people, 95% intervals) of the organisations that hire most
    (``orgflows`` JSON's ``top_hirers``)."""
    rows = [r for r in orgflows.get("top_hirers") or [] if isinstance(r, Mapping)][:top][::-1]
    names = [str(r.get("org") or r.get("org_id")) for r in rows]
    traces = []
    for key, colour, label in (
        ("hires", POSITIVE, t("hires", lang)),
        ("departures", NEGATIVE, t("departures", lang)),
    ):
        values = [float(r.get(key) or 0) for r in rows]
        trace: dict[str, Any] = {
            "type": "bar",
            "orientation": "h",
            "name": label,
            "y": names,
            "x": values,
            "marker": {"color": colour},
        }
        if all(r.get(f"{key}_low") is not None for r in rows):
            trace["error_x"] = {
                "type": "data",
                "symmetric": False,
                "array": [float(r[f"{key}_high"]) - v for r, v in zip(rows, values, strict=True)],
                "arrayminus": [
                    v - float(r[f"{key}_low"]) for r, v in zip(rows, values, strict=True)
                ],
                "color": "#334155",
                "thickness": 1.2,
            }
        traces.append(trace)
    return {
        "data": traces,
        "layout": _layout(
            with_n(t("top_hirers", lang), org_moves(orgflows), lang),
            barmode="group",
            height=max(260, 60 + 34 * len(rows)),
            xaxis={"gridcolor": "#e2e8f0"},
            legend={"orientation": "h", "y": -0.12},
        ),
    }


def census_bars(census: Mapping[str, Any], lang: Lang = "en") -> Figure:
    """The census's group shares with their 95% intervals (aggregate JSON only)."""
    n = census.get("n")
    return share_bars(
        census.get("shares") or {},
        t("census", lang),
        lang,
        key="estimate",
        label="group",
        top=16,
        n=int(n) if isinstance(n, int) else None,
    )


def venue_year_bars(stats: Mapping[str, Any], lang: Lang = "en", top: int = 8) -> Figure:
    """Accepted papers per year, stacked by venue (``talentflow stats`` JSON)."""
    rows = list(stats.get("by_venue_year") or [])
    size: dict[str, int] = {}
    for r in rows:
        size[r["venue"]] = size.get(r["venue"], 0) + int(r.get("accepted_papers") or 0)
    kept = [v for v, _ in sorted(size.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
    series: dict[str, dict[int, int]] = {v: {} for v in [*kept, "~other"]}
    for r in rows:
        v = r["venue"] if r["venue"] in kept else "~other"
        y = int(r["year"])
        series[v][y] = series[v].get(y, 0) + int(r.get("accepted_papers") or 0)
    years = sorted({int(r["year"]) for r in rows})
    traces = []
    for i, (venue, by_year) in enumerate(series.items()):
        if not by_year:
            continue
        traces.append(
            {
                "type": "bar",
                "name": t("other", lang) if venue == "~other" else venue,
                "x": years,
                "y": [by_year.get(y, 0) for y in years],
                "marker": {"color": OTHER_COLOUR if venue == "~other" else _colour_of(i)},
            }
        )
    return {
        "data": traces,
        "layout": _layout(
            with_n(
                f"{t('venue_years', lang)} ({t('accepted_papers', lang)})", sum(size.values()), lang
            ),
            barmode="stack",
            xaxis={"dtick": 2},
            yaxis={"gridcolor": "#e2e8f0"},
            legend={"orientation": "h", "y": -0.15},
            height=400,
        ),
    }


def profile_figures(profile: Mapping[str, Any], lang: Lang = "en") -> dict[str, Figure]:
    """Charts for ``talentflow country CC`` JSON: its trend (migration rows of the
    country) and one bar chart per block of share cells (``loses_to``, ``gains_from``)."""
    figures: dict[str, Figure] = {}
    cc = profile.get("country")
    trend = profile.get("trend")
    if isinstance(trend, Sequence) and trend and cc:
        figures["trend"] = migration_chart({"rows": trend}, lang, country=str(cc))
    for key, value in profile.items():
        if (
            isinstance(value, Mapping)
            and value
            and all(isinstance(v, Mapping) and "share" in v for v in value.values())
        ):
            figures[key] = share_bars(value, t(key, lang), lang)
    return figures
