"""Pedigree: where did a cohort work or study before?

A cohort is either the people at some organisations in a year (``--org``, one or more
names; and/or every organisation of a kind in a country, ``--cohort-country CN
--cohort-kind industry``: the Chinese AI companies) or a CSV of people (column
``person_id``, with an optional ``year``). For each cohort member the indicator asks
whether they have an *earlier* stint at any of the given earlier organisations
(``--earlier``, e.g. Microsoft, Google): a stint there that started before the member's
cohort stint (for a CSV cohort with a year: before that year; without one: any stint at
those organisations that is not the person's latest). Shares are given two ways, both
with Wilson 95% intervals:

- ``share``: over the whole cohort (people with no observed history count as "no");
- ``share_with_history``: over members with any earlier stint observed (the coverage).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talentflow.engines import Engine
from talentflow.errors import BadInputError, TalentflowError
from talentflow.graph.store import Store
from talentflow.indicators.common import (
    BEST_STINTS,
    IndicatorResult,
    best_evidence,
    engine_for,
    in_list,
    match_orgs,
)
from talentflow.indicators.stats import share_cell

ORG_COHORT_SQL = """
SELECT person_id, min(first_year) AS since
FROM best_stints
WHERE org_id IN :cohort_orgs AND coalesce(first_year, last_year) <= :year
  AND coalesce(last_year, :year) >= :year
GROUP BY person_id
"""

# Organisations of a kind (industry, academia, ...) in a country: e.g. Chinese AI companies.
ORGS_BY_KIND_SQL = """
SELECT org_id FROM organisations
WHERE (:country IS NULL OR country = :country OR (country IS NULL AND hq_country = :country))
  AND (:kind IS NULL OR kind = :kind)
ORDER BY org_id
"""

HISTORY_SQL = """
WITH cohort AS (
  SELECT * FROM (VALUES {values}) AS cohort_list(person_id, since)
),
latest AS (
  SELECT person_id, max(first_year) AS latest_first FROM best_stints GROUP BY person_id
)
SELECT c.person_id, s.org_id, coalesce(o.name, s.org_id) AS org, s.first_year,
       CASE WHEN s.org_id IN :earlier_orgs THEN 1 ELSE 0 END AS at_earlier, s.evidence
FROM cohort c
JOIN best_stints s ON s.person_id = c.person_id
LEFT JOIN latest l ON l.person_id = c.person_id
LEFT JOIN organisations o ON o.org_id = s.org_id
WHERE s.first_year < coalesce(c.since, l.latest_first)
  AND (c.since IS NOT NULL OR s.org_id IS NOT NULL)
"""


@dataclass
class PedigreeResult(IndicatorResult):
    """Share of a cohort with earlier stints at given organisations."""

    cohort: dict[str, Any]
    earlier: dict[str, Any]
    n: int
    coverage: dict[str, int]
    share: dict[str, Any]
    share_with_history: dict[str, Any]
    by_org: list[dict[str, Any]]
    previous_orgs: list[dict[str, Any]]
    evidence: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "cohort": self.cohort,
            "earlier": self.earlier,
            "n": self.n,
            "coverage": self.coverage,
            "share": self.share,
            "share_with_history": self.share_with_history,
            "by_org": self.by_org,
            "previous_orgs": self.previous_orgs,
            "evidence": self.evidence,
            "method": self.method,
        }

    def table_rows(self) -> list[dict[str, Any]]:
        rows = [
            {"measure": "cohort", "count": self.n},
            {"measure": "with earlier history", "count": self.coverage["with_history"]},
            {"measure": "share (all)", **self.share},
            {"measure": "share (with history)", **self.share_with_history},
        ]
        rows += [{"measure": f"earlier at {r['org']}", **r} for r in self.by_org]
        return rows


def read_cohort_csv(path: Path) -> list[tuple[str, int | None]]:
    """(person_id, year or None) pairs from a CSV with ``person_id`` and optional ``year``."""
    from talentflow.sources.user_csv import read_user_csv

    out: list[tuple[str, int | None]] = []
    for i, row in read_user_csv(path, ["person_id"]).records:
        pid = (row.get("person_id") or "").strip()
        if not pid:
            raise BadInputError(str(path), "empty person_id", record=i)
        text = (row.get("year") or "").strip()
        try:
            out.append((pid, int(text) if text else None))
        except ValueError:
            raise BadInputError(str(path), f"year '{text}' is not a year", i) from None
    return out


def _values(cohort: list[tuple[str, int | None]]) -> str:
    def lit(v: str | int | None) -> str:
        if v is None:
            return "CAST(NULL AS INTEGER)"
        if isinstance(v, int):
            return str(v)
        return "'" + v.replace("'", "''") + "'"

    return ", ".join(f"({lit(p)}, {lit(y)})" for p, y in cohort)


def pedigree(
    source: Store | Engine,
    earlier: list[str],
    orgs: list[str] | None = None,
    year: int | None = None,
    cohort_csv: Path | None = None,
    top: int = 20,
    cohort_country: str | None = None,
    cohort_kind: str | None = None,
) -> PedigreeResult:
    """Share of a cohort with earlier stints at the ``earlier`` organisations.

    Example: ``pedigree(store, earlier=["Microsoft", "Google"], orgs=["Moonshot",
    "Zhipu"], year=2024)``.
    """
    engine = engine_for(source)
    if not earlier:
        raise TalentflowError("name at least one earlier organisation (--earlier)")
    earlier_ids: list[str] = []
    earlier_names: list[str] = []
    for name in earlier:
        m = match_orgs(engine, name)
        if not m.org_ids:
            raise TalentflowError(f"no organisation matches '{name}'")
        earlier_ids += m.org_ids
        earlier_names += m.names
    with best_evidence(engine, (BEST_STINTS,)):
        cohort: list[tuple[str, int | None]]
        if cohort_csv is not None:
            cohort = read_cohort_csv(cohort_csv)
            if year is not None:
                cohort = [(p, y if y is not None else year) for p, y in cohort]
            cohort_spec: dict[str, Any] = {"csv": str(cohort_csv), "year": year}
        elif orgs or cohort_country or cohort_kind:
            if year is None:
                raise TalentflowError("a cohort by organisation needs --year")
            cohort_ids: list[str] = []
            cohort_names: list[str] = []
            for name in orgs or []:
                m = match_orgs(engine, name)
                if not m.org_ids:
                    raise TalentflowError(f"no organisation matches '{name}'")
                cohort_ids += m.org_ids
                cohort_names += m.names
            if cohort_country or cohort_kind:
                kind_orgs = engine.sql(
                    ORGS_BY_KIND_SQL,
                    {
                        "country": cohort_country.upper() if cohort_country else None,
                        "kind": cohort_kind,
                    },
                ).to_pylist()
                if not kind_orgs:
                    where = cohort_country or "any country"
                    raise TalentflowError(
                        f"no organisation of kind {cohort_kind or 'any'} in {where}"
                    )
                cohort_ids += [r["org_id"] for r in kind_orgs]
            found = engine.sql(
                ORG_COHORT_SQL, {"cohort_orgs": in_list(cohort_ids), "year": int(year)}
            ).to_pylist()
            cohort = [(r["person_id"], int(r["since"])) for r in found]
            cohort_spec = {
                "orgs": sorted(set(cohort_names)),
                "country": cohort_country.upper() if cohort_country else None,
                "kind": cohort_kind,
                "year": int(year),
            }
        else:
            raise TalentflowError("give a cohort: --org NAME --year Y, or --cohort FILE.csv")
        cohort = sorted(dict(cohort).items())
        n = len(cohort)
        history: list[dict[str, Any]] = []
        if cohort:
            query = HISTORY_SQL.replace("{values}", _values(cohort))
            history = engine.sql(query, {"earlier_orgs": in_list(earlier_ids)}).to_pylist()
    with_history = {r["person_id"] for r in history}
    hits = {r["person_id"] for r in history if r["at_earlier"]}
    per_org: dict[tuple[str, str], set[str]] = {}
    previous: dict[tuple[str, str], set[str]] = {}
    for r in history:
        key = (str(r["org_id"]), str(r["org"]))
        if r["org_id"] is None:
            continue
        previous.setdefault(key, set()).add(r["person_id"])
        if r["at_earlier"]:
            per_org.setdefault(key, set()).add(r["person_id"])
    by_org = [
        {"org_id": oid, "org": name, **share_cell(len(people), n)}
        for (oid, name), people in sorted(per_org.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    previous_orgs = [
        {"org_id": oid, "org": name, **share_cell(len(people), n)}
        for (oid, name), people in sorted(previous.items(), key=lambda kv: (-len(kv[1]), kv[0]))[
            :top
        ]
    ]
    evidence = Counter(str(r["evidence"]) for r in history if r["at_earlier"])
    result = PedigreeResult(
        cohort=cohort_spec,
        earlier={"query": earlier, "orgs": sorted(set(earlier_names))},
        n=n,
        coverage={"cohort": n, "with_history": len(with_history)},
        share=share_cell(len(hits), n),
        share_with_history=share_cell(len(hits), len(with_history)),
        by_org=by_org,
        previous_orgs=previous_orgs,
        evidence=dict(sorted(evidence.items())),
    )
    result.method = (
        f"Cohort of {n}; {len(with_history)} have an earlier stint observed. A member counts "
        "when a stint at one of the earlier organisations started before their cohort stint "
        "(each person's best evidence: profile > csv > openalex > paper). 'share' counts "
        "members without observed history as 'no'; 'share_with_history' leaves them out. "
        "95% Wilson intervals. Paper-derived stints see only where people published from."
    )
    return result
