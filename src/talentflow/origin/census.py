"""Census: name-origin shares of a venue-year's authors, from the store.

The population is the distinct author name strings (trimmed, case and spacing
folded) on accepted papers of the venue-year, optionally one track. Names are
the unit because the store has no person resolution for every source yet; a
person listed under two spellings counts twice, two people sharing one name
string count once.
"""

from __future__ import annotations

from talentflow.engines import DuckDBEngine
from talentflow.errors import TalentflowError
from talentflow.graph.store import Store
from talentflow.origin.shares import ShareResult, ShareSettings, estimate_shares

_NAMES_SQL = """
SELECT MIN(TRIM(a.name)) AS name, COUNT(*) AS slots
FROM authorships AS a
JOIN papers AS p ON p.paper_key = a.paper_key
WHERE p.accepted AND p.venue = :venue AND p.year = :year
  AND (:track = '' OR p.track = :track)
GROUP BY LOWER(REGEXP_REPLACE(TRIM(a.name), '\\s+', ' ', 'g'))
"""

_TRACKS_SQL = """
SELECT COALESCE(p.track, '') AS track, COUNT(*) AS papers
FROM papers AS p
WHERE p.accepted AND p.venue = :venue AND p.year = :year
GROUP BY COALESCE(p.track, '')
ORDER BY papers DESC
"""


def census_names(store: Store, venue: str, year: int, track: str | None) -> tuple[list[str], int]:
    """Distinct author names of the venue-year's accepted papers, and their author slots."""
    engine = DuckDBEngine(store)
    params = {"venue": venue, "year": year, "track": track or ""}
    table = engine.sql(_NAMES_SQL, params)
    names = [str(n) for n in table.column("name").to_pylist()]
    slots = int(sum(table.column("slots").to_pylist()))
    return names, slots


def run_census(
    store: Store, venue: str, year: int, track: str | None, settings: ShareSettings | None = None
) -> ShareResult:
    """Shares of the venue-year's distinct author names (see ``shares.estimate_shares``).

    Corrected for the estimator's error rates (``quantify``) unless ``settings`` say otherwise.
    """
    engine = DuckDBEngine(store)
    tracks = {
        str(r["track"]): int(r["papers"])
        for r in engine.sql(_TRACKS_SQL, {"venue": venue, "year": year}).to_pylist()
    }
    if not tracks:
        raise TalentflowError(f"no accepted papers of {venue} {year} in the store")
    if track is not None and track not in tracks:
        raise TalentflowError(
            f"{venue} {year} has no track {track!r}; tracks: {', '.join(sorted(tracks))}"
        )
    names, slots = census_names(store, venue, year, track)
    extra = {
        "venue": venue,
        "year": year,
        "track": track,
        "tracks_in_store": tracks,
        "population": "distinct author names on accepted papers",
        "author_slots": slots,
    }
    return estimate_shares(names, settings or ShareSettings(prior="adjusted"), extra=extra)
