"""Which OpenReview venue ids (and which API) hold a venue-year's accepted papers.

The table is data (``openreview_venues.csv``): the ids do not follow one pattern
(NeurIPS 2023's Datasets & Benchmarks track is ``NeurIPS.cc/2023/Track/
Datasets_and_Benchmarks``, 2024's ``NeurIPS.cc/2024/Datasets_and_Benchmarks_Track``),
and venues up to NeurIPS 2022 / ICLR 2023 live on API v1 (``api.openreview.net``,
submissions under ``.../-/Blind_Submission``), for which API v2 answers an empty list.
A year after the last one listed takes that venue's newest row with the year changed
(new venues are created on API v2); a year before the first is not on OpenReview.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class VenueGroup:
    """One OpenReview venue id of a venue-year's accepted papers."""

    venue: str
    year: int
    api: str  # "v1" or "v2"
    venue_id: str
    submission_invitation: str  # API v1: where the submissions are; "" on v2
    track: str

    def __str__(self) -> str:
        return self.venue_id


@cache
def _table() -> tuple[VenueGroup, ...]:
    text = resources.files("talentflow.sources").joinpath("openreview_venues.csv").read_text()
    return tuple(
        VenueGroup(
            venue=row["venue"],
            year=int(row["year"]),
            api=row["api"],
            venue_id=row["venue_id"],
            submission_invitation=row["submission_invitation"],
            track=row["track"],
        )
        for row in csv.DictReader(text.splitlines())
    )


def known_venues() -> list[str]:
    """The venue codes the table knows."""
    return sorted({g.venue for g in _table()})


def venue_groups(venue: str, year: int) -> list[VenueGroup]:
    """The venue ids of a venue code and year (empty when not on OpenReview)."""
    rows = [g for g in _table() if g.venue == venue.lower()]
    if not rows:
        return []
    exact = [g for g in rows if g.year == year]
    if exact:
        return exact
    last = max(g.year for g in rows)
    if year < last:
        return []
    newest = [g for g in rows if g.year == last]
    return [
        VenueGroup(g.venue, year, "v2", g.venue_id.replace(str(last), str(year)), "", g.track)
        for g in newest
    ]
