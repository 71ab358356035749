"""Stints and moves derived from author slots (evidence ``paper``).

A person's author slots give, per year, where they published from and the position they
stated (the slot's values by their one definition, ``SLOT_VALUES_SQL``: the OpenReview
archive's position where it gives or corrects the slot's values). The derivation,
written once as portable SQL:

1. Slots of accepted papers with a person and a place (organisation and/or country).
   The person is ``slot_people.person_id``; a slot no person decision covers falls back to
   its OpenReview profile id (a strong identifier) and is otherwise left out, because a
   wrong merge of two people fabricates a move.
2. One place per person and year: the place of most of that year's slots (ties: the
   smallest organisation id), an organisation-resolved place preferred. Years whose place
   has no organisation are used only for people who never have one (their country alone).
   A place is the organisation *and* its country, so a move between two sites of one
   company in different countries is a (country) move. The stage of the year is the most
   frequent known stage of the slots at that place (see :mod:`talentflow.careers.stages`;
   the stage rules run once per distinct position and organisation kind, not per slot).
3. A single observed year at another place between two observed years at the same place
   (A, B, A) is a visit or a secondary affiliation, not two moves: that year is set aside.
   Without this rule people who alternate affiliations from paper to paper (a US lab one
   year, a Chinese one the next) fabricate symmetric flows in both directions.
4. Runs of consecutive observed years at the same place are spells; a change of place
   between two observed years is a move, dated to the first year observed at the new place.
5. Within a spell, each run of years with the same known stage becomes a stint; the stints
   partition the spell's years (a stint ends the year before the next stage is first seen,
   the first starts with the spell, years with no stated position join the stage before
   them; a spell with no stated position at all is one ``unknown`` stint).

Rows with evidence ``paper`` are replaced as a whole; stints and moves of other evidence
(``profile``, ``openalex``, ``csv``, written by other loaders) are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from talentflow.careers.stages import stage_case_sql
from talentflow.careers.store import conform, replace_rows
from talentflow.engines import DuckDBEngine, Engine
from talentflow.graph.schema import MOVES, STINTS
from talentflow.graph.store import Store
from talentflow.resolve.archive_derive import SLOT_VALUES_SQL

EVIDENCE = "paper"

SLOT_PERSON_SQL = (
    "coalesce(sp.person_id, CASE WHEN a.profile_kind = 'openreview' "
    "AND a.profile_id IS NOT NULL THEN 'openreview:' || a.profile_id END)"
)

_SEQUENCE_CTES = f"""
slot_raw AS (
  SELECT {SLOT_PERSON_SQL} AS person_id, a.year, so.org_id,
         coalesce(so.country, o.country) AS country,
         coalesce(sv.position, '') AS position, coalesce(o.kind, 'unknown') AS kind
  FROM authorships a
  JOIN {SLOT_VALUES_SQL} sv ON sv.paper_key = a.paper_key AND sv.author_index = a.author_index
  LEFT JOIN slot_people sp ON sp.paper_key = a.paper_key AND sp.author_index = a.author_index
  LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
  LEFT JOIN organisations o ON o.org_id = so.org_id
  WHERE a.accepted AND (so.org_id IS NOT NULL OR so.country IS NOT NULL)
),
position_stage AS (
  SELECT position, kind, {stage_case_sql("position", "kind")} AS stage
  FROM (SELECT DISTINCT position, kind FROM slot_raw) distinct_positions
),
slot AS (
  SELECT r.person_id, r.year, r.org_id, r.country, ps.stage
  FROM slot_raw r
  JOIN position_stage ps ON ps.position = r.position AND ps.kind = r.kind
),
place_stage AS (
  SELECT person_id, year, org_id, country, stage, count(*) AS n
  FROM slot WHERE person_id IS NOT NULL
  GROUP BY person_id, year, org_id, country, stage
),
ranked AS (
  SELECT person_id, year, org_id, country, stage,
         row_number() OVER (
           PARTITION BY person_id, year
           ORDER BY CASE WHEN org_id IS NULL THEN 1 ELSE 0 END, place_n DESC,
                    coalesce(org_id, ''), coalesce(country, ''),
                    CASE WHEN stage = 'unknown' THEN 1 ELSE 0 END, n DESC, stage
         ) AS rk
  FROM (
    SELECT person_id, year, org_id, country, stage, n,
           sum(n) OVER (PARTITION BY person_id, year, org_id, country) AS place_n
    FROM place_stage
  ) counted
),
person_year AS (
  SELECT person_id, year, org_id, country, stage,
         coalesce(org_id, '') || '|' || coalesce(country, '') AS place
  FROM (
    SELECT person_id, year, org_id, country, stage,
           max(CASE WHEN org_id IS NOT NULL THEN 1 ELSE 0 END)
             OVER (PARTITION BY person_id) AS has_org
    FROM ranked WHERE rk = 1
  ) flagged
  WHERE org_id IS NOT NULL OR has_org = 0
),
marked AS (
  SELECT person_id, year, org_id, country, stage, place,
         lag(place) OVER (PARTITION BY person_id ORDER BY year) AS before_place,
         lead(place) OVER (PARTITION BY person_id ORDER BY year) AS after_place
  FROM person_year
),
steady AS (
  SELECT person_id, year, org_id, country, stage, place FROM marked
  WHERE before_place IS NULL OR after_place IS NULL OR before_place <> after_place
     OR place = before_place
),
seq AS (
  SELECT person_id, year, org_id, country, stage, place,
         lag(place) OVER (PARTITION BY person_id ORDER BY year) AS prev_place,
         lag(org_id) OVER (PARTITION BY person_id ORDER BY year) AS prev_org_id,
         lag(country) OVER (PARTITION BY person_id ORDER BY year) AS prev_country
  FROM steady
)"""

_MOVE_SELECT = """
SELECT person_id, prev_org_id AS from_org_id, org_id AS to_org_id,
       prev_country AS from_country, country AS to_country, year
FROM seq
WHERE prev_place IS NOT NULL AND prev_place <> place"""

_STINT_CTES = """
runs AS (
  SELECT person_id, year, org_id, country, stage,
         sum(CASE WHEN prev_place IS NULL OR prev_place <> place THEN 1 ELSE 0 END)
           OVER (PARTITION BY person_id ORDER BY year
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
  FROM seq
),
bounded AS (
  SELECT person_id, year, org_id, country, stage, run,
         min(year) OVER (PARTITION BY person_id, run) AS run_first,
         max(year) OVER (PARTITION BY person_id, run) AS run_last,
         max(CASE WHEN stage <> 'unknown' THEN 1 ELSE 0 END)
           OVER (PARTITION BY person_id, run) AS has_stage
  FROM runs
),
known AS (
  SELECT person_id, year, org_id, country, stage, run, run_first, run_last,
         lag(stage) OVER (PARTITION BY person_id, run ORDER BY year) AS prev_stage
  FROM bounded
  WHERE stage <> 'unknown' OR has_stage = 0
),
islands AS (
  SELECT person_id, year, org_id, country, stage, run, run_first, run_last,
         sum(CASE WHEN prev_stage IS NULL OR prev_stage <> stage THEN 1 ELSE 0 END)
           OVER (PARTITION BY person_id, run ORDER BY year
                 ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
  FROM known
),
stage_spans AS (
  SELECT person_id, run, island, org_id, country, stage, min(year) AS stage_first,
         min(run_first) AS run_first, min(run_last) AS run_last
  FROM islands
  GROUP BY person_id, run, island, org_id, country, stage
)"""

_STINT_SELECT = """
SELECT person_id, org_id, country, stage,
       CASE WHEN row_number() OVER (PARTITION BY person_id, run ORDER BY stage_first) = 1
            THEN run_first ELSE stage_first END AS first_year,
       coalesce(lead(stage_first) OVER (PARTITION BY person_id, run ORDER BY stage_first) - 1,
                run_last) AS last_year
FROM stage_spans"""

MOVES_SQL = f"WITH {_SEQUENCE_CTES}{_MOVE_SELECT}"
STINTS_SQL = f"WITH {_SEQUENCE_CTES},{_STINT_CTES}{_STINT_SELECT}"

# Both in one query (the shared person-year sequence is computed once), told apart by
# ``row_kind``; moves put their year in first_year and their destination in org_id/country.
CAREERS_SQL = f"""
WITH {_SEQUENCE_CTES},{_STINT_CTES},
stint_rows AS ({_STINT_SELECT}
),
move_rows AS ({_MOVE_SELECT}
)
SELECT 'stint' AS row_kind, person_id, org_id, country, stage, first_year, last_year,
       CAST(NULL AS VARCHAR) AS from_org_id, CAST(NULL AS VARCHAR) AS from_country
FROM stint_rows
UNION ALL
SELECT 'move' AS row_kind, person_id, to_org_id AS org_id, to_country AS country,
       CAST(NULL AS VARCHAR) AS stage, year AS first_year, CAST(NULL AS INTEGER) AS last_year,
       from_org_id, from_country
FROM move_rows
"""


@dataclass(frozen=True)
class CareersResult:
    """What :func:`derive_careers` wrote."""

    stints: int
    moves: int
    people: int


def careers_from_papers(engine: Engine) -> tuple[pa.Table, pa.Table]:
    """The ``paper``-evidence stints and moves, computed by ``engine`` (DuckDB or Spark)."""
    both = engine.sql(CAREERS_SQL)
    is_stint = pc.equal(both.column("row_kind"), "stint")
    s = both.filter(is_stint)
    m = both.filter(pc.invert(is_stint))
    stints = pa.table(
        {
            "person_id": s.column("person_id"),
            "org_id": s.column("org_id"),
            "country": s.column("country"),
            "stage": s.column("stage"),
            "first_year": s.column("first_year"),
            "last_year": s.column("last_year"),
            "evidence": pa.array([EVIDENCE] * s.num_rows, pa.string()),
        }
    )
    moves = pa.table(
        {
            "person_id": m.column("person_id"),
            "from_org_id": m.column("from_org_id"),
            "to_org_id": m.column("org_id"),
            "from_country": m.column("from_country"),
            "to_country": m.column("country"),
            "year": m.column("first_year"),
            "evidence": pa.array([EVIDENCE] * m.num_rows, pa.string()),
        }
    )
    return conform(stints, STINTS.arrow_schema()), conform(moves, MOVES.arrow_schema())


def derive_careers(store: Store) -> CareersResult:
    """Rebuild the ``paper``-evidence stints and moves from the store's author slots.

    Registered in ``talentflow.build.steps.DERIVE_STEPS`` after organisations and people; rows of
    other evidence are left as they are. One transaction: all replaced, or nothing.
    """
    stints, moves = careers_from_papers(DuckDBEngine(store))
    replace_rows(store, "evidence = ?", [EVIDENCE], stints, moves)
    people = len(set(stints.column("person_id").to_pylist()))
    return CareersResult(stints=stints.num_rows, moves=moves.num_rows, people=people)
