"""The one chart code path: Plotly figures built from indicator JSON (INTERFACE.md shapes)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from talentflow.report import charts
from talentflow.report.i18n import (
    MESSAGES,
    Lang,
    country_alpha3,
    country_name,
    fmt_compact,
    fmt_int,
    fmt_interval,
    fmt_pct,
    t,
)
from view_fakes import fixture

go = pytest.importorskip("plotly.graph_objects")


def valid(fig: dict[str, Any]) -> dict[str, Any]:
    """Plotly validates every property; the figure must also survive JSON."""
    go.Figure(fig)
    return json.loads(json.dumps(fig, allow_nan=False))  # type: ignore[no-any-return]


def test_share_bars_carry_each_interval() -> None:
    work = fixture("pipeline")["work"]
    fig = valid(charts.share_bars(work, "work"))
    bar = fig["data"][0]
    # largest share on top (Plotly draws the last category at the top)
    top = max(work, key=lambda k: work[k]["share"])
    assert bar["y"][-1].startswith(country_name(top) + " · ")
    for name, x, plus, minus in zip(
        bar["y"], bar["x"], bar["error_x"]["array"], bar["error_x"]["arrayminus"], strict=True
    ):
        code = next(k for k in work if name.startswith(country_name(k) + " · "))
        assert x == pytest.approx(work[code]["share"] * 100)
        assert x + plus == pytest.approx(work[code]["high"] * 100)
        assert x - minus == pytest.approx(work[code]["low"] * 100)


def test_sankey_from_work_by_origin_weights_links_by_origin_share() -> None:
    p = fixture("pipeline")
    assert charts.sankey_stages(p) == [("origin", "work")]
    fig = valid(charts.pipeline_sankey(p, stages=("origin", "work"), top=20))
    sankey = fig["data"][0]
    labels = sankey["node"]["label"]
    links = dict(
        zip(
            zip(sankey["link"]["source"], sankey["link"]["target"], strict=True),
            sankey["link"]["value"],
            strict=True,
        )
    )
    us_origin = labels.index(f"{country_name('US')} · origin")
    us_work = labels.index(f"{country_name('US')} · work")
    expected = p["origin"]["US"]["share"] * p["work_by_origin"]["US"]["US"]["share"] * 100
    assert links[(us_origin, us_work)] == pytest.approx(expected, rel=1e-3)
    title = fig["layout"]["title"]["text"]
    assert f"n = {p['n']:,}" in title
    # each stage says how many authors it rests on (origin and work known for fewer than n)
    assert f"origin {p['coverage']['origin']:,}" in title
    assert f"work {p['coverage']['work']:,}" in title
    assert "training" not in title  # a stage the chart does not draw is not named


def test_sankey_link_width_is_people_when_cells_count_them() -> None:
    p = {
        "n": 12,
        "origin": {"KR": {"share": 0.75, "n": 9}, "CN": {"share": 0.25, "n": 3}},
        "work": {"US": {"share": 0.5, "n": 6}, "KR": {"share": 0.5, "n": 6}},
        "work_by_origin": {
            "KR": {"KR": {"share": 6 / 9, "n": 6}, "US": {"share": 3 / 9, "n": 3}},
            "CN": {"US": {"share": 1.0, "n": 3}},
        },
    }
    sankey = valid(charts.pipeline_sankey(p, stages=("origin", "work")))["data"][0]
    labels = sankey["node"]["label"]
    pairs = {
        (labels[s], labels[d]): v
        for s, d, v in zip(
            sankey["link"]["source"], sankey["link"]["target"], sankey["link"]["value"], strict=True
        )
    }
    kr, us, cn = country_name("KR"), country_name("US"), country_name("CN")
    assert pairs == {
        (f"{kr} · origin", f"{kr} · work"): 6,
        (f"{kr} · origin", f"{us} · work"): 3,
        (f"{cn} · origin", f"{us} · work"): 3,
    }


def test_sankey_uses_three_stage_flows_when_given() -> None:
    p = {
        "n": 30,
        "origin": {"KR": {"share": 1.0}},
        "training": {"US": {"share": 1.0}},
        "work": {"KR": {"share": 0.5}, "US": {"share": 0.5}},
        "flows": [
            {"origin": "KR", "training": "US", "work": "KR", "n": 10},
            {"origin": "KR", "training": "US", "work": "US", "n": 20},
        ],
    }
    sankey = valid(charts.pipeline_sankey(p))["data"][0]
    labels = sankey["node"]["label"]
    pairs = {
        (labels[s], labels[d]): v
        for s, d, v in zip(
            sankey["link"]["source"], sankey["link"]["target"], sankey["link"]["value"], strict=True
        )
    }
    kr, us = country_name("KR"), country_name("US")
    assert pairs[(f"{kr} · origin", f"{us} · training")] == 30
    assert pairs[(f"{us} · training", f"{kr} · work")] == 10
    assert pairs[(f"{us} · training", f"{us} · work")] == 20


def _education_pipeline() -> dict[str, Any]:
    """100 authors with a work country; origin stated for 10, training for 40."""
    share = {"share": 0.5, "low": 0.4, "high": 0.6}
    return {
        "n": 100,
        "coverage": {"work": 100, "training": 40, "origin": 10},
        "origin": {"KR": {"share": 1.0}},
        "training": {"US": {"share": 1.0}},
        "work": {"KR": {"share": 0.5}, "US": {"share": 0.5}},
        "education": {
            "origin": {
                "observed": {"n": 10},
                "estimated": {"n": 90},
                "combined": {"shares": {"KR": share, "CN": share}},
            },
            "training": {
                "observed": {"n": 40},
                "estimated": {"n": 60},
                "combined": {"shares": {"US": {**share, "share": 1.0}}},
            },
            "flows": [
                {"origin": "KR", "training": "US", "work": "US", "share": 0.5, "observed": 10},
                {"origin": "CN", "training": "US", "work": "KR", "share": 0.5, "observed": 0},
            ],
        },
    }


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_sankey_of_education_estimates_splits_stated_from_estimated(lang: Lang) -> None:
    p = _education_pipeline()
    assert charts.sankey_stages(p) == [("origin", "training", "work")]
    fig = valid(charts.pipeline_sankey(p, lang))
    sankey = fig["data"][0]
    labels = sankey["node"]["label"]
    widths: dict[tuple[str, str, str], float] = {}
    for s, d, v, kind in zip(
        sankey["link"]["source"],
        sankey["link"]["target"],
        sankey["link"]["value"],
        sankey["link"]["label"],
        strict=True,
    ):
        widths[(labels[s].split(" · ")[0], labels[d].split(" · ")[0], kind)] = v
    kr, us, cn = (country_name(c, lang) for c in ("KR", "US", "CN"))
    stated, estimated = t("flow_stated", lang), t("flow_estimated", lang)
    # 50 authors KR -> US -> US, 10 of them with both stages stated; 50 CN -> US -> KR, none
    assert widths[(kr, us, stated)] == 10 and widths[(kr, us, estimated)] == 40
    assert widths[(us, us, stated)] == 10 and widths[(us, us, estimated)] == 40
    assert widths[(cn, us, estimated)] == 50 and (cn, us, stated) not in widths
    # the estimated CN origin (combined shares) is a node of its own, not "other"
    assert any(label.startswith(cn) for label in labels)
    title = json.dumps(fig["layout"]["title"], ensure_ascii=False)
    assert fmt_int(90, lang) in title and fmt_int(60, lang) in title
    assert (
        t("stage_stated_estimated", lang, stage=t("origin", lang), stated="10", estimated="90")
        in title
    )


def test_world_map_uses_iso3_codes_and_shares() -> None:
    p = fixture("pipeline")
    trace = valid(charts.work_map(p))["data"][0]
    assert trace["type"] == "choropleth" and trace["locationmode"] == "ISO-3"
    by_code = dict(zip(trace["locations"], trace["z"], strict=True))
    assert by_code["KOR"] == pytest.approx(p["work"]["KR"]["share"] * 100)
    assert by_code["USA"] == pytest.approx(p["work"]["US"]["share"] * 100)
    assert len(by_code) == len(p["work"])


def test_migration_latest_year_and_country_series() -> None:
    m = fixture("migration")
    latest = max(r["year"] for r in m["rows"])
    bars = valid(charts.migration_chart(m))["data"][0]
    shown = dict(zip(bars["y"], bars["x"], strict=True))
    kr = next(r for r in m["rows"] if r["country"] == "KR" and r["year"] == latest)
    assert shown[country_name("KR")] == kr["net_per_10k"]
    series = valid(charts.migration_chart(m, country="KR"))["data"][0]
    kr_rows = sorted((r for r in m["rows"] if r["country"] == "KR"), key=lambda r: r["year"])
    assert series["x"] == [r["year"] for r in kr_rows]
    assert series["y"] == [r["net_per_10k"] for r in kr_rows]
    lows = [y - e for y, e in zip(series["y"], series["error_y"]["arrayminus"], strict=True)]
    assert lows == pytest.approx([r["low"] for r in kr_rows])


def test_bilateral_and_orgflows() -> None:
    m = fixture("migration")
    bars = valid(charts.bilateral_chart(m))["data"][0]
    biggest = max(m["bilateral"], key=lambda r: r["moves"])
    assert bars["x"][-1] == biggest["moves"]
    assert bars["y"][-1].startswith(country_name(biggest["from_country"]))
    o = fixture("orgflows")
    sankey = valid(charts.orgflows_sankey(o))["data"][0]
    total = sum(
        r["moves"] for r in o["rows"] if (r["from_org"], r["to_org"]) == ("KAIST", "Samsung")
    )
    labels = sankey["node"]["label"]
    found = [
        v
        for s, d, v in zip(
            sankey["link"]["source"], sankey["link"]["target"], sankey["link"]["value"], strict=True
        )
        if (labels[s], labels[d]) == ("KAIST", "Samsung")
    ]
    assert found == [total]


def test_census_bars_show_estimates_with_intervals() -> None:
    c = fixture("census")
    bar = valid(charts.census_bars(c))["data"][0]
    assert bar["x"][-1] == pytest.approx(c["shares"]["chinese"]["estimate"] * 100)
    assert len(bar["y"]) == len(c["shares"])


def test_venue_year_bars_from_stats() -> None:
    stats = {
        "by_venue_year": [
            {"venue": "nips", "year": 2023, "accepted_papers": 3},
            {"venue": "nips", "year": 2024, "accepted_papers": 5},
            {"venue": "icml", "year": 2024, "accepted_papers": 2},
        ]
    }
    fig = valid(charts.venue_year_bars(stats))
    by_name = {tr["name"]: dict(zip(tr["x"], tr["y"], strict=True)) for tr in fig["data"]}
    assert by_name["nips"] == {2023: 3, 2024: 5}
    assert by_name["icml"] == {2023: 0, 2024: 2}


def test_every_message_has_both_languages() -> None:
    missing = [k for k, v in MESSAGES.items() if not (v.get("en") and v.get("ko"))]
    assert missing == []
    assert t("census", "ko") != t("census", "en")


def test_numbers_per_language() -> None:
    assert fmt_int(21668, "en") == "21,668"
    assert fmt_compact(21668, "en") == "21.7K"
    assert fmt_compact(21668, "ko") == "2.2만"
    assert fmt_compact(123_456_789, "ko") == "1.2억"
    assert fmt_pct(0.6238) == "62.4%"
    assert fmt_interval(0.58, 0.66) == "58.0–66.0%"
    assert fmt_interval(-3.14, 4.2, pct=False) == "-3.1 – 4.2"
    assert fmt_pct(None) == "–"
    assert country_alpha3("kr") == "KOR"
    assert country_name("KR", "ko") == "대한민국"
    assert country_name("ZZ") == "ZZ"


def test_hirers_chart_shows_hires_and_departures_with_intervals() -> None:
    o = fixture("orgflows")
    fig = valid(charts.hirers_chart(o))
    hires, departures = fig["data"]
    top = o["top_hirers"][0]
    assert hires["y"][-1] == top["org"] and hires["x"][-1] == top["hires"]
    assert departures["x"][-1] == top["departures"]
    assert hires["x"][-1] + hires["error_x"]["array"][-1] == pytest.approx(top["hires_high"])


def test_country_series_keeps_the_latest_years() -> None:
    m = fixture("migration")
    series = valid(charts.migration_chart(m, country="KR", span=3))["data"][0]
    latest = max(r["year"] for r in m["rows"])
    assert series["x"] == [latest - 2, latest - 1, latest]
