"""Pipeline: where a venue-year's authors come from, trained, and work.

The Global AI Talent Tracker (MacroPolo) followed samples of NeurIPS 2019 and 2022 authors
from undergraduate country (origin) through graduate school (training) to their current
employer (work); ``indicators/tracker.py`` holds its published figures. This indicator
does the same for every accepted author of any venue-year:

- **work**: the country the author published from at that venue-year (the country of most
  of their slots there). ``--basis location`` uses where the author is; ``--basis hq`` the
  country of the employer's headquarters (the Tracker's convention: a Google researcher in
  Zurich counts for the US); slots whose organisation is unresolved keep their location.
- **training**: the country of the author's PhD stint (else masters), from any evidence.
- **origin**: the country of the author's undergraduate stint, from any evidence.

Shares are over the authors whose stage could be determined (``coverage`` says how many),
with Wilson 95% intervals. A person is a resolved person; a slot no person decision covers
counts by its OpenReview id, else by its name string (``coverage.people_unresolved``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from talentflow.engines import Engine
from talentflow.errors import TalentflowError
from talentflow.graph.store import Store
from talentflow.indicators.common import (
    BEST_STINTS,
    TRAINING_RANK,
    IndicatorResult,
    best_evidence,
    engine_for,
)
from talentflow.indicators.regions import region_of
from talentflow.indicators.stats import share_cell, shares
from talentflow.indicators.tracker import comparison_note, comparison_rows

BASES = ("location", "hq")

_PERSON = (
    "coalesce(sp.person_id, CASE WHEN a.profile_kind = 'openreview' AND a.profile_id IS NOT "
    "NULL THEN 'openreview:' || a.profile_id END, 'name:' || a.name)"
)

PIPELINE_SQL = f"""
WITH slot AS (
  SELECT {_PERSON} AS person_id,
         CASE WHEN sp.person_id IS NULL THEN 1 ELSE 0 END AS unresolved,
         so.org_id, o.name AS org_name, coalesce(o.kind, 'unknown') AS kind,
         CASE WHEN :basis = 'hq' AND so.org_id IS NOT NULL
              THEN coalesce(so.hq_country, o.hq_country, so.country, o.country)
              ELSE coalesce(so.country, o.country) END AS country
  FROM authorships a
  JOIN papers p ON p.paper_key = a.paper_key
  LEFT JOIN slot_people sp ON sp.paper_key = a.paper_key AND sp.author_index = a.author_index
  LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
  LEFT JOIN organisations o ON o.org_id = so.org_id
  WHERE a.accepted AND a.venue = :venue AND a.year = :year AND (p.is_oral OR NOT :elite)
),
slot_groups AS (
  SELECT person_id, country, org_id, org_name, kind, count(*) AS n, max(unresolved) AS unresolved
  FROM slot GROUP BY person_id, country, org_id, org_name, kind
),
work AS (
  SELECT person_id, country, org_id, org_name, kind, unresolved FROM (
    SELECT person_id, country, org_id, org_name, kind,
           max(unresolved) OVER (PARTITION BY person_id) AS unresolved,
           row_number() OVER (
             PARTITION BY person_id
             ORDER BY CASE WHEN country IS NULL THEN 1 ELSE 0 END,
                      CASE WHEN org_id IS NULL THEN 1 ELSE 0 END, n DESC,
                      coalesce(country, ''), coalesce(org_id, '')
           ) AS rk
    FROM slot_groups
  ) ranked_work WHERE rk = 1
),
training AS (
  SELECT person_id, country, evidence FROM (
    SELECT s.person_id, s.country, s.evidence,
           row_number() OVER (
             PARTITION BY s.person_id
             ORDER BY {TRAINING_RANK.replace("stage", "s.stage")},
                      coalesce(s.first_year, 9999), s.country
           ) AS rk
    FROM best_stints s JOIN work w ON w.person_id = s.person_id
    WHERE s.stage IN ('phd', 'masters') AND s.country IS NOT NULL
  ) ranked_training WHERE rk = 1
),
origin AS (
  SELECT person_id, country, evidence FROM (
    SELECT s.person_id, s.country, s.evidence,
           row_number() OVER (
             PARTITION BY s.person_id ORDER BY coalesce(s.first_year, 9999), s.country
           ) AS rk
    FROM best_stints s JOIN work w ON w.person_id = s.person_id
    WHERE s.stage = 'undergraduate' AND s.country IS NOT NULL
  ) ranked_origin WHERE rk = 1
)
SELECT w.person_id, w.unresolved, w.country AS work_country, w.org_id AS work_org_id,
       w.org_name AS work_org, w.kind AS work_kind,
       t.country AS training_country, t.evidence AS training_evidence,
       g.country AS origin_country, g.evidence AS origin_evidence
FROM work w
LEFT JOIN training t ON t.person_id = w.person_id
LEFT JOIN origin g ON g.person_id = w.person_id
"""


@dataclass
class PipelineResult(IndicatorResult):
    """Origin, training and work shares for one venue-year's accepted authors."""

    venue: str
    year: int
    basis: str
    elite: bool
    n: int
    coverage: dict[str, int]
    origin: dict[str, dict[str, Any]]
    training: dict[str, dict[str, Any]]
    work: dict[str, dict[str, Any]]
    work_regions: dict[str, dict[str, Any]]
    work_by_origin: dict[str, dict[str, dict[str, Any]]]
    origin_by_work: dict[str, dict[str, dict[str, Any]]]
    work_by_training: dict[str, dict[str, dict[str, Any]]]
    sector: dict[str, dict[str, Any]]
    top_institutions: list[dict[str, Any]]
    evidence: dict[str, dict[str, int]]
    comparison: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "venue": self.venue,
            "year": self.year,
            "basis": self.basis,
            "elite": self.elite,
            "n": self.n,
            "coverage": self.coverage,
            "origin": self.origin,
            "training": self.training,
            "work": self.work,
            "work_regions": self.work_regions,
            "work_by_origin": self.work_by_origin,
            "origin_by_work": self.origin_by_work,
            "work_by_training": self.work_by_training,
            "sector": self.sector,
            "top_institutions": self.top_institutions,
            "evidence": self.evidence,
            "comparison": self.comparison,
            "method": self.method,
        }

    def table_rows(self) -> list[dict[str, Any]]:
        """One row per (stage, country) share."""
        out: list[dict[str, Any]] = []
        for stage, cells in (
            ("origin", self.origin),
            ("training", self.training),
            ("work", self.work),
        ):
            for cc, cell in cells.items():
                out.append({"stage": stage, "country": cc, **cell})
        return out


def _matrix(pairs: list[tuple[str, str]]) -> dict[str, dict[str, dict[str, Any]]]:
    by_first: dict[str, Counter[str]] = defaultdict(Counter)
    for a, b in pairs:
        by_first[a][b] += 1
    ordered = sorted(by_first.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return {a: shares(dict(c), sum(c.values())) for a, c in ordered}


def pipeline(
    source: Store | Engine,
    venue: str,
    year: int,
    basis: str = "location",
    elite: bool = False,
    top: int = 20,
) -> PipelineResult:
    """Origin -> training -> work for the accepted authors of ``venue`` ``year``.

    >>> # pipeline(store, "nips", 2018, basis="hq").work["US"]["share"]
    """
    if basis not in BASES:
        raise TalentflowError(f"--basis must be one of {', '.join(BASES)}, got '{basis}'")
    engine = engine_for(source)
    with best_evidence(engine, (BEST_STINTS,)):
        people = engine.sql(
            PIPELINE_SQL,
            {"venue": venue, "year": int(year), "basis": basis, "elite": bool(elite)},
        ).to_pylist()
    n = len(people)
    work = [p for p in people if p["work_country"]]
    training = [p for p in people if p["training_country"]]
    origin = [p for p in people if p["origin_country"]]
    work_counts = Counter(str(p["work_country"]) for p in work)
    regions = Counter(region_of(str(p["work_country"])) for p in work)
    kinds = Counter(str(p["work_kind"]) for p in people if p["work_org_id"])
    orgs: Counter[tuple[str, str, str]] = Counter(
        (
            str(p["work_org_id"]),
            str(p["work_org"] or p["work_org_id"]),
            str(p["work_country"] or ""),
        )
        for p in people
        if p["work_org_id"]
    )
    with_org = sum(kinds.values())
    top_institutions = [
        {"org_id": oid, "org": name, "country": cc or None, **share_cell(k, with_org)}
        for (oid, name, cc), k in sorted(orgs.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    ]
    result = PipelineResult(
        venue=venue,
        year=int(year),
        basis=basis,
        elite=bool(elite),
        n=n,
        coverage={
            "people": n,
            "people_unresolved": sum(1 for p in people if p["unresolved"]),
            "work": len(work),
            "training": len(training),
            "origin": len(origin),
            "organisation": with_org,
        },
        origin=shares(dict(Counter(str(p["origin_country"]) for p in origin)), len(origin)),
        training=shares(dict(Counter(str(p["training_country"]) for p in training)), len(training)),
        work=shares(dict(work_counts), len(work)),
        work_regions=shares(dict(regions), len(work)),
        work_by_origin=_matrix(
            [
                (str(p["origin_country"]), str(p["work_country"]))
                for p in origin
                if p["work_country"]
            ]
        ),
        origin_by_work=_matrix(
            [
                (str(p["work_country"]), str(p["origin_country"]))
                for p in origin
                if p["work_country"]
            ]
        ),
        work_by_training=_matrix(
            [
                (str(p["training_country"]), str(p["work_country"]))
                for p in training
                if p["work_country"]
            ]
        ),
        sector=shares(dict(kinds), with_org),
        top_institutions=top_institutions,
        evidence={
            "work": {"paper": len(work)} if work else {},
            "training": dict(
                sorted(Counter(str(p["training_evidence"]) for p in training).items())
            ),
            "origin": dict(sorted(Counter(str(p["origin_evidence"]) for p in origin).items())),
        },
    )
    result.comparison = comparison_rows(
        venue,
        result.year,
        result.elite,
        {"work": result.work, "origin": result.origin},
        result.coverage,
    )
    result.method = method_note(result)
    return result


def method_note(result: PipelineResult) -> str:
    """How the figures were made, and what they can be compared with."""
    c = result.coverage
    basis = "employer headquarters" if result.basis == "hq" else "where the author is"
    note = (
        f"{result.n} accepted authors of {result.venue} {result.year}"
        f"{' (oral papers only)' if result.elite else ''}. Work = the country each author "
        f"published from there ({basis} basis), determined for {c['work']} of {result.n}; "
        "training = country of the PhD "
        f"(else masters) stint, determined for {c['training']}; origin = country of the "
        f"undergraduate stint, determined for {c['origin']}. Shares are over authors with the "
        "stage determined; 95% Wilson intervals. Training and origin rest on the evidence "
        f"counted in 'evidence' (paper-derived stints show only what authors published while "
        f"students, so those two stages are thin until profile histories are loaded). "
        f"{c['people_unresolved']} authors had no person decision and were counted by "
        "OpenReview id or name string."
    )
    if result.comparison:
        note += " " + comparison_note(
            result.comparison, result.year, result.elite, result.basis, result.n
        )
    return note
