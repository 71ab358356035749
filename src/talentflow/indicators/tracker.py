"""The Global AI Talent Tracker's published NeurIPS figures, beside our pipeline shares.

MacroPolo's Tracker (edition 1.0: NeurIPS 2019; 2.0: NeurIPS 2022) hand-collected the
careers of two samples: **top-tier**, the authors of randomly drawn accepted papers (~20%
of AI researchers), and **elite**, the authors of oral papers (~0.5% in 2019, ~2% in 2022).
Origin is the country of the undergraduate degree; work is the country of the employer's
headquarters at the time of the study. The figures, each with the page that states it in
text, are data (``indicators/data/tracker.csv``); figures shown only in the Tracker's
charts are not there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from talentflow.indicators.regions import region_of
from talentflow.indicators.stats import share_cell
from talentflow.normalise.reference import data_rows

STAGES = ("work", "origin")
SAMPLES = {
    "top-tier": "authors of randomly drawn accepted papers",
    "elite": "authors of oral papers",
}


@dataclass(frozen=True)
class TrackerFigure:
    """One published share: ``share`` of the ``sample``'s authors at ``stage`` in ``country``
    (an ISO code, or ``Europe``: Europe without the UK)."""

    edition: str
    venue: str
    year: int
    sample: str
    stage: str
    country: str
    share: float
    source_url: str
    note: str


@cache
def tracker_figures() -> tuple[TrackerFigure, ...]:
    """Every figure of ``tracker.csv``, in file order."""
    return tuple(
        TrackerFigure(e, v, int(y), s, st, c, float(sh), url, note)
        for e, v, y, s, st, c, sh, url, note in data_rows(
            "talentflow.indicators.data", "tracker.csv"
        )
    )


def nearest_edition(venue: str, year: int) -> tuple[str, int] | None:
    """The Tracker edition (and its conference year) closest to ``year`` for ``venue``
    (the earlier on a tie); None when the Tracker never sampled the venue."""
    editions = {(f.edition, f.year) for f in tracker_figures() if f.venue == venue}
    if not editions:
        return None
    return min(editions, key=lambda ey: (abs(ey[1] - year), ey[1]))


def _cell(cells: Mapping[str, Mapping[str, Any]], key: str, total: int) -> dict[str, Any]:
    """Our share of ``key`` (a country, or the Europe region) among ``total`` authors."""
    if key == "Europe":
        count = sum(int(c["n"]) for cc, c in cells.items() if region_of(cc) == key)
    else:
        count = int(cells[key]["n"]) if key in cells else 0
    return share_cell(count, total)


def comparison_rows(
    venue: str,
    year: int,
    elite: bool,
    stages: Mapping[str, Mapping[str, Mapping[str, Any]]],
    coverage: Mapping[str, int],
) -> list[dict[str, Any]]:
    """Our shares beside the nearest Tracker edition's, for the stages we have any
    authors for (no gap is drawn against a stage whose coverage is 0).

    ``stages`` maps ``work``/``origin`` to our per-country cells (``{"share", "n", ...}``);
    ``coverage`` gives how many authors each stage was determined for.
    """
    edition = nearest_edition(venue, year)
    if edition is None:
        return []
    sample = "elite" if elite else "top-tier"
    out = []
    for f in tracker_figures():
        total = int(coverage.get(f.stage, 0))
        if (f.edition, f.year) != edition or f.sample != sample or not total:
            continue
        ours = _cell(stages.get(f.stage, {}), f.country, total)
        out.append(
            {
                "edition": f.edition,
                "tracker_year": f.year,
                "sample": f.sample,
                "stage": f.stage,
                "country": f.country,
                "tracker": f.share,
                "ours": ours["share"],
                "low": ours["low"],
                "high": ours["high"],
                "n": total,
                "gap": ours["share"] - f.share,
                "source_url": f.source_url,
            }
        )
    return out


def comparison_note(
    comparison: list[dict[str, Any]], year: int, elite: bool, basis: str, n: int
) -> str:
    """The Tracker's figures in words, and what differs in how they and ours were made."""
    if not comparison:
        return ""
    first = comparison[0]
    listed = "; ".join(
        f"{stage} "
        + ", ".join(f"{r['country']} {r['tracker']:.0%}" for r in comparison if r["stage"] == stage)
        for stage in STAGES
        if any(r["stage"] == stage for r in comparison)
    )
    ours = "oral-paper authors" if elite else "every accepted author"
    where = "employer headquarters (as the Tracker)" if basis == "hq" else "where the author is"
    stages_ours = ", ".join(f"{r['stage']} {r['n']} of {n}" for r in _one_per_stage(comparison))
    return (
        f"Comparison: the Global AI Talent Tracker {first['edition']} reports, for NeurIPS "
        f"{first['tracker_year']} ({first['sample']} sample: {SAMPLES[first['sample']]}), "
        f"{listed} (origin: undergraduate country; work: employer headquarters). "
        f"Differences: sample ({ours} of {year} here, counted by resolved person; the "
        "Tracker looked each author's career up by hand); basis (work here is "
        f"{where}, from the paper's affiliation; origin from undergraduate stints where a "
        f"career history says so); year (NeurIPS {year} here, NeurIPS "
        f"{first['tracker_year']} there; the Tracker placed people at their employer when "
        "it was compiled); coverage (shares here are over the authors whose stage is known: "
        f"{stages_ours}; the Tracker's over its sample). 'Europe' is Europe without the UK."
    )


def _one_per_stage(comparison: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for r in comparison:
        seen.setdefault(r["stage"], r)
    return list(seen.values())
