"""How a move is read off a person's consecutive stints: the one definition.

Career histories (OpenReview profiles, OpenAlex affiliations, a user's CSV) bring stints;
their moves are read off each person's stints of one evidence, in order:

- the order: by start year (else end year; stints with neither come last), then end year
  (open last), then the source's own order (``seq``), then organisation and country;
- a move: two consecutive stints whose organisations are both known and differ, or whose
  countries are both known and differ; dated to the later stint's start year (a move into
  a stint without a start year is *undated*: counted by the loaders, never stored);
- overlapping positions are not moves: when the later stint has a start year and the
  earlier one ended after it. Where an open end means "still there" (profile and
  OpenAlex histories, ``open_end_is_ongoing``), an earlier stint with no end overlaps
  every later one; in a user's CSV an empty end is only unknown.

Paper-evidence moves are not stints read this way: the careers step reads them off the
yearly places of a person's papers (:mod:`talentflow.careers.derive`).
"""

from __future__ import annotations

HISTORY_EVIDENCE = ("profile", "openalex")
"""Career histories whose moves are read off their stints and never stored."""

_MOVES_OFF_STINTS = """
WITH ordered AS (
  SELECT person_id, evidence, org_id, country, first_year, last_year,
         lag(org_id) OVER w AS prev_org_id,
         lag(country) OVER w AS prev_country,
         lag(last_year) OVER w AS prev_last_year,
         row_number() OVER w AS position
  FROM ({stints}) s
  WHERE org_id IS NOT NULL OR country IS NOT NULL
  WINDOW w AS (
    PARTITION BY person_id, evidence
    ORDER BY coalesce(first_year, last_year) NULLS LAST, coalesce(last_year, 9999), seq,
             coalesce(org_id, ''), coalesce(country, '')
  )
)
SELECT person_id, prev_org_id AS from_org_id, org_id AS to_org_id,
       prev_country AS from_country, country AS to_country, first_year AS year, evidence
FROM ordered
WHERE position > 1
  AND ((prev_country IS NOT NULL AND country IS NOT NULL AND prev_country <> country)
       OR (prev_org_id IS NOT NULL AND org_id IS NOT NULL AND prev_org_id <> org_id))
  AND NOT (first_year IS NOT NULL AND {overlap})
ORDER BY person_id, evidence, position
"""


def moves_off_stints_sql(stints: str, *, open_end_is_ongoing: bool) -> str:
    """The moves of ``stints`` (a query with ``person_id, evidence, org_id, country,
    first_year, last_year, seq``) as a query with the ``moves`` columns; ``year`` is NULL
    for an undated move."""
    overlap = (
        "(prev_last_year IS NULL OR prev_last_year > first_year)"
        if open_end_is_ongoing
        else "(prev_last_year IS NOT NULL AND prev_last_year > first_year)"
    )
    return _MOVES_OFF_STINTS.format(stints=stints, overlap=overlap)
