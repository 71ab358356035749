"""Country profile: what one country trains, employs, keeps, loses (to where), gains.

For country C, from each person's best evidence:

- **trains**: people whose training stint (PhD, else masters) is in C, and C's share of
  all people with a known training country;
- **employs**: people with a work stint (any stage but the three education stages) in C
  spanning the latest year of the period, and the sector split (academia / industry / ...);
- **keeps**: of the people trained in C whose work after training is observed, the share
  whose latest work stint is in C; **loses to**: where the others work;
- **gains from**: of the people whose latest work stint is in C and whose training country
  is known, where they trained (C included);
- **moves**: people moving out of C / into C in the period, by country, with Poisson
  intervals; **top institutions**: organisations in C by people with a stint there;
- **trend**: the ``migration`` rows of C (researchers, inflow, outflow, net per 10,000).

Shares carry Wilson 95% intervals; ``coverage`` says on how many people each rests.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from talentflow.engines import Engine
from talentflow.errors import TalentflowError
from talentflow.graph.store import Store
from talentflow.indicators.common import (
    EDUCATION_SQL,
    TRAINING_RANK,
    IndicatorResult,
    best_evidence,
    engine_for,
)
from talentflow.indicators.migration import migration
from talentflow.indicators.stats import poisson_interval, share_cell, shares

PEOPLE_SQL = f"""
WITH training AS (
  SELECT person_id, country, org_id, first_year, evidence FROM (
    SELECT person_id, country, org_id, first_year, evidence,
           row_number() OVER (
             PARTITION BY person_id
             ORDER BY {TRAINING_RANK}, coalesce(first_year, 9999), country
           ) AS rk
    FROM best_stints
    WHERE stage IN ('phd', 'masters') AND country IS NOT NULL
      AND coalesce(first_year, 0) <= :year_to
  ) ranked_training WHERE rk = 1
),
work AS (
  SELECT person_id, country, org_id, kind, first_year FROM (
    SELECT s.person_id, s.country, s.org_id, coalesce(o.kind, 'unknown') AS kind, s.first_year,
           row_number() OVER (
             PARTITION BY s.person_id
             ORDER BY coalesce(s.last_year, 9999) DESC, coalesce(s.first_year, 0) DESC,
                      s.country
           ) AS rk
    FROM best_stints s
    LEFT JOIN organisations o ON o.org_id = s.org_id
    LEFT JOIN training t ON t.person_id = s.person_id
    WHERE coalesce(s.stage, 'unknown') NOT IN {EDUCATION_SQL} AND s.country IS NOT NULL
      AND coalesce(s.first_year, 0) <= :year_to
      AND (t.person_id IS NULL OR coalesce(s.first_year, 9999) >= coalesce(t.first_year, 0))
  ) ranked_work WHERE rk = 1
)
SELECT t.person_id, t.country AS training_country, t.org_id AS training_org_id,
       t.evidence AS training_evidence, w.country AS work_country
FROM training t LEFT JOIN work w ON w.person_id = t.person_id
"""

EMPLOYS_SQL = f"""
SELECT coalesce(o.kind, 'unknown') AS kind, count(DISTINCT s.person_id) AS people
FROM best_stints s LEFT JOIN organisations o ON o.org_id = s.org_id
WHERE s.country = :country AND coalesce(s.stage, 'unknown') NOT IN {EDUCATION_SQL}
  AND coalesce(s.first_year, s.last_year) <= :year_to
  AND coalesce(s.last_year, :year_to) >= :year_to
GROUP BY coalesce(o.kind, 'unknown')
"""

INSTITUTIONS_SQL = """
SELECT s.org_id, coalesce(o.name, s.org_id) AS org, coalesce(o.kind, 'unknown') AS kind,
       count(DISTINCT s.person_id) AS people,
       count(DISTINCT CASE WHEN s.stage IN ('phd', 'masters') THEN s.person_id END) AS trained
FROM best_stints s LEFT JOIN organisations o ON o.org_id = s.org_id
WHERE s.country = :country AND s.org_id IS NOT NULL
  AND coalesce(s.first_year, s.last_year) <= :year_to
  AND coalesce(s.last_year, :year_to) >= :year_from
GROUP BY s.org_id, o.name, o.kind
ORDER BY people DESC, s.org_id
LIMIT :top
"""

MOVES_SQL = """
SELECT CASE WHEN from_country = :country THEN 'out' ELSE 'in' END AS direction,
       CASE WHEN from_country = :country THEN to_country ELSE from_country END AS other,
       count(DISTINCT person_id) AS people
FROM best_moves
WHERE (from_country = :country OR to_country = :country)
  AND from_country IS NOT NULL AND to_country IS NOT NULL AND from_country <> to_country
  AND year BETWEEN :year_from AND :year_to
GROUP BY CASE WHEN from_country = :country THEN 'out' ELSE 'in' END,
         CASE WHEN from_country = :country THEN to_country ELSE from_country END
"""


@dataclass
class CountryProfile(IndicatorResult):
    """One country's talent profile."""

    country: str
    year_from: int
    year_to: int
    n: int
    coverage: dict[str, int]
    trains: dict[str, Any]
    employs: dict[str, Any]
    keeps: dict[str, Any]
    loses_to: dict[str, dict[str, Any]]
    gains_from: dict[str, dict[str, Any]]
    moves_out: list[dict[str, Any]]
    moves_in: list[dict[str, Any]]
    top_institutions: list[dict[str, Any]]
    trend: list[dict[str, Any]]
    evidence: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "from": self.year_from,
            "to": self.year_to,
            "n": self.n,
            "coverage": self.coverage,
            "trains": self.trains,
            "employs": self.employs,
            "keeps": self.keeps,
            "loses_to": self.loses_to,
            "gains_from": self.gains_from,
            "moves_out": self.moves_out,
            "moves_in": self.moves_in,
            "top_institutions": self.top_institutions,
            "trend": self.trend,
            "evidence": self.evidence,
            "method": self.method,
        }

    def table_rows(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [
            {"measure": "trains (people)", "value": self.trains["people"], **self.trains["share"]},
            {"measure": "employs (people)", "value": self.employs["people"]},
            {"measure": "keeps (share of trained)", "value": self.keeps["n"], **self.keeps},
        ]
        rows += [
            {"measure": f"loses to {cc}", "value": c["n"], **c} for cc, c in self.loses_to.items()
        ]
        rows += [
            {"measure": f"gains from {cc}", "value": c["n"], **c}
            for cc, c in self.gains_from.items()
        ]
        return rows


def _counts_out(counts: Counter[str]) -> list[dict[str, Any]]:
    out = []
    for cc, k in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        low, high = poisson_interval(k)
        out.append({"country": cc, "people": k, "low": low, "high": high})
    return out


def country_profile(
    source: Store | Engine,
    country: str,
    year_from: int = 2013,
    year_to: int = 2025,
    top: int = 15,
) -> CountryProfile:
    """The profile of ``country`` (ISO alpha-2) over ``year_from..year_to``.

    Example: ``country_profile(store, "KR").keeps["share"]``.
    """
    cc = (country or "").strip().upper()
    if len(cc) != 2 or not cc.isalpha():
        raise TalentflowError(
            f"country must be an ISO 3166-1 alpha-2 code like KR, got '{country}'"
        )
    engine = engine_for(source)
    params: dict[str, Any] = {
        "country": cc,
        "year_from": int(year_from),
        "year_to": int(year_to),
        "top": int(top),
    }
    with best_evidence(engine):
        people = engine.sql(PEOPLE_SQL, params).to_pylist()
        trained_known = [p for p in people if p["training_country"]]
        trained_here = [p for p in trained_known if p["training_country"] == cc]
        trained_working = [p for p in trained_here if p["work_country"]]
        stayed = sum(1 for p in trained_working if p["work_country"] == cc)
        left = Counter(str(p["work_country"]) for p in trained_working if p["work_country"] != cc)
        working_here = [p for p in people if p["work_country"] == cc and p["training_country"]]
        origins = Counter(str(p["training_country"]) for p in working_here)
        employ_rows = engine.sql(EMPLOYS_SQL, params).to_pylist()
        employed = sum(int(r["people"]) for r in employ_rows)
        sector = {str(r["kind"]): int(r["people"]) for r in employ_rows}
        moves = engine.sql(MOVES_SQL, params).to_pylist()
        out_c = Counter(
            {str(m["other"]): int(m["people"]) for m in moves if m["direction"] == "out"}
        )
        in_c = Counter({str(m["other"]): int(m["people"]) for m in moves if m["direction"] == "in"})
        institutions = [
            {**r, "people": int(r["people"]), "trained": int(r["trained"])}
            for r in engine.sql(INSTITUTIONS_SQL, params).to_pylist()
        ]
        trend = migration(engine, year_from, year_to, country=cc).rows
    evidence = Counter(str(p["training_evidence"]) for p in trained_here)
    result = CountryProfile(
        country=cc,
        year_from=int(year_from),
        year_to=int(year_to),
        n=len(trained_here) + len(working_here),
        coverage={
            "trained_known": len(trained_known),
            "trained_here": len(trained_here),
            "trained_here_work_known": len(trained_working),
            "working_here_training_known": len(working_here),
            "employed_in_last_year": employed,
        },
        trains={
            "people": len(trained_here),
            "share": share_cell(len(trained_here), len(trained_known)),
        },
        employs={"people": employed, "year": int(year_to), "sector": shares(sector, employed)},
        keeps=share_cell(stayed, len(trained_working)),
        loses_to=shares(dict(left), len(trained_working)),
        gains_from=shares(dict(origins), len(working_here)),
        moves_out=_counts_out(out_c),
        moves_in=_counts_out(in_c),
        top_institutions=institutions,
        trend=trend,
        evidence=dict(sorted(evidence.items())),
    )
    result.method = (
        f"Trained in {cc} = PhD (else masters) stint there; work = the latest non-education "
        f"stint from the training on; keeps = share of people trained in {cc} whose latest "
        f"work is in {cc} ({len(trained_working)} with work observed); gains_from = training "
        f"countries of people whose latest work is in {cc}; employs = people with a work "
        f"stint in {cc} spanning {year_to}. Each person's best evidence (profile > csv > "
        "openalex > paper); 95% Wilson intervals for shares, Poisson for move counts. "
        "Paper-derived training is seen only for people who published as students."
    )
    return result
