"""Migration: per country and year, researchers active, inflow, outflow, net per 10,000.

Following the AI Index's "net migration per 10,000 researchers":

- **researchers** in country C in year Y: people with a stint in C spanning Y (any stage
  but undergraduate), from each person's best evidence, plus the people leaving C that year
  (a paper-derived stint ends the year before the move is seen, so without them the base
  would miss exactly the people at risk of leaving) and those arriving; a stint with no
  end year (a CSV's current job) runs to the end of the period, one with only an end year
  counts in that year;
- **inflow** / **outflow**: people with a move into / out of C first observed in Y whose
  two countries are known and differ (moves within a country are not migration);
- **net_per_10k** = (inflow - outflow) / researchers x 10,000, with a 95% interval from
  Newcombe's hybrid score method on the two shares of the same base (see
  :mod:`talentflow.indicators.stats`); ``low``/``high`` are per 10,000 too.

Also the bilateral flow matrix over the whole period (``flows``: moves from -> to country,
each with a Poisson interval). Paper-derived moves are dated to the first year seen at the
new place, so they lag the true move by the gap between a person's papers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from talentflow.engines import Engine
from talentflow.graph.store import Store
from talentflow.indicators.common import (
    IndicatorResult,
    best_evidence,
    engine_for,
    years_values,
)
from talentflow.indicators.stats import newcombe_difference, poisson_interval

PER = 10_000

MIGRATION_SQL_TEMPLATE = """
WITH years AS {years},
crossing AS (
  SELECT person_id, from_country, to_country, year, evidence FROM best_moves
  WHERE from_country IS NOT NULL AND to_country IS NOT NULL AND from_country <> to_country
    AND year BETWEEN :year_from AND :year_to
),
present AS (
  SELECT s.country, y.year, s.person_id
  FROM best_stints s
  JOIN years y ON coalesce(s.first_year, s.last_year) <= y.year
              AND y.year <= coalesce(s.last_year, :year_to)
  WHERE s.country IS NOT NULL AND coalesce(s.stage, 'unknown') <> 'undergraduate'
  UNION
  SELECT from_country AS country, year, person_id FROM crossing
  UNION
  SELECT to_country AS country, year, person_id FROM crossing
),
active AS (
  SELECT country, year, count(DISTINCT person_id) AS researchers
  FROM present
  WHERE :country IS NULL OR country = :country
  GROUP BY country, year
),
inflow AS (
  SELECT to_country AS country, year, count(DISTINCT person_id) AS inflow
  FROM crossing GROUP BY to_country, year
),
outflow AS (
  SELECT from_country AS country, year, count(DISTINCT person_id) AS outflow
  FROM crossing GROUP BY from_country, year
),
keys AS (
  SELECT country, year FROM active
  UNION SELECT country, year FROM inflow
  UNION SELECT country, year FROM outflow
)
SELECT k.country, k.year, coalesce(a.researchers, 0) AS researchers,
       coalesce(i.inflow, 0) AS inflow, coalesce(o.outflow, 0) AS outflow
FROM keys k
LEFT JOIN active a ON a.country = k.country AND a.year = k.year
LEFT JOIN inflow i ON i.country = k.country AND i.year = k.year
LEFT JOIN outflow o ON o.country = k.country AND o.year = k.year
WHERE (:country IS NULL OR k.country = :country)
ORDER BY k.country, k.year
"""

FLOWS_SQL = """
SELECT from_country, to_country, count(DISTINCT person_id) AS moves
FROM best_moves
WHERE from_country IS NOT NULL AND to_country IS NOT NULL AND from_country <> to_country
  AND year BETWEEN :year_from AND :year_to
  AND (:country IS NULL OR from_country = :country OR to_country = :country)
GROUP BY from_country, to_country
ORDER BY moves DESC, from_country, to_country
"""

COVERAGE_SQL = """
SELECT evidence, count(*) AS moves,
       sum(CASE WHEN from_country IS NOT NULL AND to_country IS NOT NULL THEN 1 ELSE 0 END)
         AS with_countries
FROM best_moves
WHERE year BETWEEN :year_from AND :year_to
GROUP BY evidence
ORDER BY evidence
"""


@dataclass
class MigrationResult(IndicatorResult):
    """Net migration per country-year and the bilateral flow matrix."""

    year_from: int
    year_to: int
    country: str | None
    rows: list[dict[str, Any]]
    flows: list[dict[str, Any]]
    coverage: dict[str, Any]

    @property
    def n(self) -> int:
        """Moves between two known, different countries in the period."""
        return sum(int(f["moves"]) for f in self.flows)

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.year_from,
            "to": self.year_to,
            "country": self.country,
            "n": self.n,
            "coverage": self.coverage,
            "rows": self.rows,
            "flows": self.flows,
            "method": self.method,
        }

    def table_rows(self) -> list[dict[str, Any]]:
        return self.rows


def net_cell(researchers: int, inflow: int, outflow: int) -> dict[str, Any]:
    """net_per_10k with its interval (None when no researcher is active)."""
    if researchers <= 0:
        return {"net_per_10k": None, "low": None, "high": None}
    low, high = newcombe_difference(inflow, outflow, researchers)
    return {
        "net_per_10k": (inflow - outflow) / researchers * PER,
        "low": low * PER,
        "high": high * PER,
    }


def migration(
    source: Store | Engine,
    year_from: int,
    year_to: int,
    country: str | None = None,
) -> MigrationResult:
    """Researchers, inflow, outflow and net migration per 10,000, per country and year.

    Example: ``migration(store, 2013, 2025, country="KR").rows``.
    """
    engine = engine_for(source)
    cc = country.upper() if country else None
    params = {"year_from": int(year_from), "year_to": int(year_to), "country": cc}
    query = MIGRATION_SQL_TEMPLATE.format(years=years_values(int(year_from), int(year_to)))
    with best_evidence(engine):
        found = engine.sql(query, params).to_pylist()
        found_flows = engine.sql(FLOWS_SQL, params).to_pylist()
        cov = engine.sql(COVERAGE_SQL, params).to_pylist()
    rows = []
    for r in found:
        researchers, inflow, outflow = int(r["researchers"]), int(r["inflow"]), int(r["outflow"])
        rows.append(
            {
                "country": r["country"],
                "year": int(r["year"]),
                "researchers": researchers,
                "inflow": inflow,
                "outflow": outflow,
                **net_cell(researchers, inflow, outflow),
            }
        )
    flows = []
    for f in found_flows:
        low, high = poisson_interval(int(f["moves"]))
        flows.append(
            {
                "from_country": f["from_country"],
                "to_country": f["to_country"],
                "moves": int(f["moves"]),
                "low": low,
                "high": high,
            }
        )
    total = sum(int(c["moves"]) for c in cov)
    known = sum(int(c["with_countries"]) for c in cov)
    coverage = {
        "moves": total,
        "moves_with_both_countries": known,
        "share_with_both_countries": known / total if total else 0.0,
        "evidence": {str(c["evidence"]): int(c["moves"]) for c in cov},
    }
    result = MigrationResult(
        year_from=int(year_from),
        year_to=int(year_to),
        country=cc,
        rows=rows,
        flows=flows,
        coverage=coverage,
    )
    result.method = (
        f"Researchers = people with a stint in the country spanning the year (undergraduate "
        f"stints excluded) or crossing its border that year; inflow/outflow = people with a "
        "move between two known, different "
        f"countries first observed that year ({known} of {total} moves in {year_from}-{year_to}"
        f" have both countries). net_per_10k = (inflow - outflow) / researchers x 10,000; "
        "95% interval by Newcombe's hybrid score method (two Wilson intervals on the same "
        "base). Each person's best evidence is used (profile > csv > openalex > paper); "
        "paper-derived moves are dated to the first paper from the new place, and people "
        "who stop publishing are never counted as leaving."
    )
    return result
