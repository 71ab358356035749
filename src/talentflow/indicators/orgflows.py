"""Org flows: who hires from whom, per year, and groups moving together.

- ``rows``: moves from one organisation to another, per year and country pair, counted as
  distinct people, each with a 95% Poisson interval (Byar's approximation).
- ``top_hirers`` / ``top_losers``: organisations by people gained / lost in the period.
- ``group_moves``: ``k`` or more people moving from the same organisation to the same other
  one within ``window`` years (a window of 1 = the same year; paper and profile evidence
  are dated to the year, so "within weeks" shows as the same year). Overlapping windows of
  one pair are reduced to the largest, earliest ones, so each person counts once per group.

Moves inside one organisation family (an organisation and its parents, ``parent_org_id``,
e.g. Google -> Google DeepMind, often a reorganisation) are left out unless
``within_family=True``; ``coverage.within_family`` counts them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from talentflow.engines import Engine
from talentflow.errors import TalentflowError
from talentflow.graph.store import Store
from talentflow.indicators.common import (
    BEST_MOVES,
    IndicatorResult,
    best_evidence,
    engine_for,
    in_list,
    match_orgs,
)
from talentflow.indicators.stats import poisson_interval

# The top of each organisation's family (parent_org_id followed up to three levels), so
# Google -> Google DeepMind (a reorganisation or an internal transfer) can be told apart
# from a move between two employers.
ORG_FAMILY_CTE = """
org_family AS (
  SELECT o.org_id, coalesce(g2.org_id, g1.org_id, p.org_id, o.org_id) AS family
  FROM organisations o
  LEFT JOIN organisations p ON p.org_id = o.parent_org_id
  LEFT JOIN organisations g1 ON g1.org_id = p.parent_org_id
  LEFT JOIN organisations g2 ON g2.org_id = g1.parent_org_id
)"""

_ORG_MOVES = f"""
WITH {ORG_FAMILY_CTE},
all_org_moves AS (
  SELECT m.person_id, m.from_org_id, m.to_org_id, m.from_country, m.to_country, m.year,
         m.evidence,
         CASE WHEN coalesce(ff.family, m.from_org_id) = coalesce(tf.family, m.to_org_id)
              THEN 1 ELSE 0 END AS within_family
  FROM best_moves m
  LEFT JOIN org_family ff ON ff.org_id = m.from_org_id
  LEFT JOIN org_family tf ON tf.org_id = m.to_org_id
  WHERE m.from_org_id IS NOT NULL AND m.to_org_id IS NOT NULL
    AND m.from_org_id <> m.to_org_id
    AND m.year BETWEEN :year_from AND :year_to
),
org_moves AS (
  SELECT person_id, from_org_id, to_org_id, from_country, to_country, year, evidence
  FROM all_org_moves
  WHERE (:within_family OR within_family = 0)
    AND (NOT :filter_orgs OR from_org_id IN :org_ids OR to_org_id IN :org_ids)
)"""

ROWS_SQL = f"""{_ORG_MOVES}
SELECT m.from_org_id, coalesce(fo.name, m.from_org_id) AS from_org,
       m.to_org_id, coalesce(tos.name, m.to_org_id) AS to_org,
       m.from_country, m.to_country, m.year, count(DISTINCT m.person_id) AS moves,
       min(m.evidence) AS evidence
FROM org_moves m
LEFT JOIN organisations fo ON fo.org_id = m.from_org_id
LEFT JOIN organisations tos ON tos.org_id = m.to_org_id
GROUP BY m.from_org_id, fo.name, m.to_org_id, tos.name, m.from_country, m.to_country, m.year
ORDER BY moves DESC, m.year, m.from_org_id, m.to_org_id, m.from_country, m.to_country
"""

GROUP_CANDIDATES_SQL = f"""{_ORG_MOVES},
pair_people AS (
  SELECT from_org_id, to_org_id, person_id, min(year) AS year
  FROM org_moves GROUP BY from_org_id, to_org_id, person_id
),
big_pairs AS (
  SELECT from_org_id, to_org_id FROM pair_people
  GROUP BY from_org_id, to_org_id HAVING count(*) >= :k
)
SELECT p.from_org_id, p.to_org_id, p.person_id, p.year
FROM pair_people p
JOIN big_pairs b ON b.from_org_id = p.from_org_id AND b.to_org_id = p.to_org_id
ORDER BY p.from_org_id, p.to_org_id, p.year, p.person_id
"""

ORG_SUMMARY_SQL = f"""{_ORG_MOVES},
gains AS (SELECT to_org_id AS org_id, count(DISTINCT person_id) AS hires
          FROM org_moves GROUP BY to_org_id),
losses AS (SELECT from_org_id AS org_id, count(DISTINCT person_id) AS departures
           FROM org_moves GROUP BY from_org_id),
orgs AS (SELECT org_id FROM gains UNION SELECT org_id FROM losses)
SELECT x.org_id, coalesce(o.name, x.org_id) AS org, o.country, o.kind,
       coalesce(g.hires, 0) AS hires, coalesce(l.departures, 0) AS departures
FROM orgs x
LEFT JOIN gains g ON g.org_id = x.org_id
LEFT JOIN losses l ON l.org_id = x.org_id
LEFT JOIN organisations o ON o.org_id = x.org_id
"""

COVERAGE_SQL = f"""{_ORG_MOVES}
SELECT (SELECT count(*) FROM best_moves WHERE year BETWEEN :year_from AND :year_to) AS moves,
       (SELECT count(*) FROM all_org_moves) AS org_moves,
       (SELECT count(*) FROM all_org_moves WHERE within_family = 1) AS within_family
"""


@dataclass
class OrgFlowsResult(IndicatorResult):
    """Org -> org moves per year, top hirers and losers, and group moves."""

    year_from: int
    year_to: int
    org: str | None
    matched_orgs: list[str]
    rows: list[dict[str, Any]]
    group_moves: list[dict[str, Any]]
    top_hirers: list[dict[str, Any]]
    top_losers: list[dict[str, Any]]
    coverage: dict[str, Any]
    k: int
    window: int

    @property
    def n(self) -> int:
        """Org-to-org moves in the result."""
        return sum(int(r["moves"]) for r in self.rows)

    def as_json(self) -> dict[str, Any]:
        return {
            "from": self.year_from,
            "to": self.year_to,
            "org": self.org,
            "matched_orgs": self.matched_orgs,
            "n": self.n,
            "coverage": self.coverage,
            "rows": self.rows,
            "group_moves": self.group_moves,
            "group_k": self.k,
            "group_window": self.window,
            "top_hirers": self.top_hirers,
            "top_losers": self.top_losers,
            "method": self.method,
        }

    def table_rows(self) -> list[dict[str, Any]]:
        return self.rows


def group_windows(
    people_years: list[tuple[str, int]], k: int, window: int
) -> list[tuple[int, list[str]]]:
    """Non-overlapping windows of ``window`` years holding ``k`` or more people.

    Greedy: the window with the most people (earliest on ties) first, then the next among
    the people left, so each person belongs to at most one group.

    >>> group_windows([("a", 2019), ("b", 2019), ("c", 2020), ("d", 2024)], 2, 1)
    [(2019, ['a', 'b'])]
    >>> group_windows([("a", 2019), ("b", 2019), ("c", 2020), ("d", 2024)], 3, 2)
    [(2019, ['a', 'b', 'c'])]
    """
    left = sorted(people_years, key=lambda py: (py[1], py[0]))
    out: list[tuple[int, list[str]]] = []
    while True:
        best: tuple[int, int] | None = None  # (size, start)
        for start in sorted({y for _, y in left}):
            size = sum(1 for _, y in left if start <= y < start + window)
            if best is None or size > best[0]:
                best = (size, start)
        if best is None or best[0] < k:
            break
        start = best[1]
        members = [p for p, y in left if start <= y < start + window]
        out.append((start, sorted(members)))
        left = [(p, y) for p, y in left if not start <= y < start + window]
    return sorted(out)


def orgflows(
    source: Store | Engine,
    year_from: int,
    year_to: int,
    org: str | None = None,
    k: int = 3,
    window: int = 1,
    top: int = 20,
    within_family: bool = False,
) -> OrgFlowsResult:
    """Moves between organisations in ``year_from..year_to`` (optionally touching ``org``).

    Example: ``orgflows(store, 2013, 2025, org="DeepMind", k=3, window=1).group_moves``.
    """
    if k < 2:
        raise TalentflowError("--k must be at least 2 (a group is two or more people)")
    if window < 1:
        raise TalentflowError("--window must be at least 1 year")
    engine = engine_for(source)
    matched: list[str] = []
    org_ids: tuple[str, ...] = in_list([])
    if org:
        match = match_orgs(engine, org)
        if not match.org_ids:
            raise TalentflowError(f"no organisation matches '{org}'")
        matched = list(match.names)
        org_ids = in_list(match.org_ids)
    params: dict[str, Any] = {
        "year_from": int(year_from),
        "year_to": int(year_to),
        "filter_orgs": bool(org),
        "within_family": bool(within_family),
        "org_ids": org_ids,
        "k": int(k),
    }
    with best_evidence(engine, (BEST_MOVES,)):
        rows = []
        for r in engine.sql(ROWS_SQL, params).to_pylist():
            low, high = poisson_interval(int(r["moves"]))
            rows.append(
                {**r, "year": int(r["year"]), "moves": int(r["moves"]), "low": low, "high": high}
            )
        names = {r["from_org_id"]: r["from_org"] for r in rows} | {
            r["to_org_id"]: r["to_org"] for r in rows
        }
        pairs: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
        for c in engine.sql(GROUP_CANDIDATES_SQL, params).to_pylist():
            pairs[(c["from_org_id"], c["to_org_id"])].append((c["person_id"], int(c["year"])))
        groups = []
        for (a, b), people_years in sorted(pairs.items()):
            for start, members in group_windows(people_years, k, window):
                groups.append(
                    {
                        "from_org_id": a,
                        "from_org": names.get(a, a),
                        "to_org_id": b,
                        "to_org": names.get(b, b),
                        "year_from": start,
                        "year_to": start + window - 1,
                        "people": len(members),
                        "person_ids": members,
                    }
                )
        groups.sort(key=lambda g: (-g["people"], g["year_from"], g["from_org_id"], g["to_org_id"]))
        summary = engine.sql(ORG_SUMMARY_SQL, params).to_pylist()
        for s in summary:
            s["hires"], s["departures"] = int(s["hires"]), int(s["departures"])
            s["net"] = s["hires"] - s["departures"]
        hirers = sorted(summary, key=lambda s: (-s["hires"], s["org_id"]))[:top]
        losers = sorted(summary, key=lambda s: (-s["departures"], s["org_id"]))[:top]
        for s in (*hirers, *losers):
            s.setdefault("hires_low", poisson_interval(s["hires"])[0])
            s.setdefault("hires_high", poisson_interval(s["hires"])[1])
            s.setdefault("departures_low", poisson_interval(s["departures"])[0])
            s.setdefault("departures_high", poisson_interval(s["departures"])[1])
        cov = engine.sql(COVERAGE_SQL, params).to_pylist()[0]
    total, org_moves = int(cov["moves"] or 0), int(cov["org_moves"] or 0)
    family = int(cov["within_family"] or 0)
    result = OrgFlowsResult(
        year_from=int(year_from),
        year_to=int(year_to),
        org=org,
        matched_orgs=matched,
        rows=rows,
        group_moves=groups,
        top_hirers=[s for s in hirers if s["hires"] > 0],
        top_losers=[s for s in losers if s["departures"] > 0],
        coverage={
            "moves": total,
            "org_moves": org_moves,
            "share_between_known_orgs": org_moves / total if total else 0.0,
            "within_family": family,
            "within_family_included": bool(within_family),
        },
        k=int(k),
        window=int(window),
    )
    result.method = (
        f"Moves between two resolved, different organisations first observed in "
        f"{year_from}-{year_to} ({org_moves} of {total} moves; the rest change country with "
        f"an unresolved organisation), counted as distinct people with 95% Poisson intervals "
        f"(Byar); {family} of them stay within one organisation family (e.g. Google -> Google "
        f"DeepMind, parent_org_id) and are {'included' if within_family else 'left out'}. "
        f"Group moves: {k}+ people from one organisation to the same other one within "
        f"{window} year(s). Each person's best evidence is used (profile > csv > openalex > "
        "paper); paper-derived moves are dated to the first paper from the new place."
    )
    return result
