"""Founders' pedigree: a founders CSV joined to careers, fed to the pedigree indicator.

The CSV has one row per founder: ``person`` (name as written), ``company`` and
``founded`` (or ``founded_year``), and optionally ``person_id`` when the user knows the
store's id. Names are matched to the store's people by their folded form (case,
accents and spacing ignored) against every name string linked to a person; a name
that fits several people is *ambiguous* and left out, one that fits none is
*unmatched*. The matched founders form the cohort of
:func:`talentflow.indicators.pedigree.pedigree` (issue 5), with the founding year
as the cohort year: a founder counts when a stint at one of the earlier
organisations started before the company was founded.
"""

from __future__ import annotations

import csv
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unidecode import unidecode

from talentflow.engines import Engine
from talentflow.errors import BadInputError, TalentflowError

NAMES_SQL = """
SELECT DISTINCT sp.person_id, a.name
FROM slot_people sp
JOIN authorships a ON a.paper_key = sp.paper_key AND a.author_index = sp.author_index
UNION
SELECT person_id, display_name AS name FROM people
"""


@dataclass(frozen=True)
class Founder:
    person: str
    company: str
    founded: int
    person_id: str | None = None


def fold_name(name: str) -> str:
    """'Yáng  Zhilin' -> 'yang zhilin' (the form names are matched on)."""
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", unidecode(name).lower()).split())


def read_founders(path: Path) -> list[Founder]:
    """Founders from a CSV (``person, company, founded[_year][, person_id]``)."""
    from talentflow.sources.user_csv import read_user_csv

    where = str(path)
    table = read_user_csv(path)
    cols = set(table.columns)
    year_col = "founded" if "founded" in cols else "founded_year"
    missing = [c for c in ("person", "company") if c not in cols]
    if year_col not in cols:
        missing.append("founded (or founded_year)")
    if missing:
        raise BadInputError(where, f"missing column(s): {', '.join(missing)}")
    out = []
    for i, row in table.records:
        person = (row.get("person") or "").strip()
        company = (row.get("company") or "").strip()
        year = (row.get(year_col) or "").strip()
        if not person or not company:
            raise BadInputError(where, "empty 'person' or 'company'", i)
        if not re.fullmatch(r"(19|20)\d\d", year):
            raise BadInputError(where, f"founded year '{year}' is not a year", i)
        out.append(
            Founder(person, company, int(year), (row.get("person_id") or "").strip() or None)
        )
    if not out:
        raise BadInputError(where, "no founders")
    return out


@dataclass
class FounderMatch:
    cohort: list[tuple[str, int]]
    matched: int
    ambiguous: list[str]
    unmatched: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "ambiguous": len(self.ambiguous),
            "unmatched": len(self.unmatched),
            "unmatched_names": self.unmatched,
            "ambiguous_names": self.ambiguous,
        }


def match_founders(engine: Engine, founders: list[Founder]) -> FounderMatch:
    """Founders -> (person_id, founded year) through the store's person decisions."""
    names: dict[str, set[str]] = {}
    for r in engine.sql(NAMES_SQL).to_pylist():
        if r["person_id"] and r["name"]:
            names.setdefault(fold_name(str(r["name"])), set()).add(str(r["person_id"]))
    if not names:
        raise TalentflowError(
            "the store has no person decisions (people / slot_people are empty): "
            "build it first so founders can be joined to careers"
        )
    cohort: dict[str, int] = {}
    ambiguous: list[str] = []
    unmatched: list[str] = []
    for f in founders:
        ids = {f.person_id} if f.person_id else names.get(fold_name(f.person), set())
        if len(ids) == 1:
            pid = next(iter(ids))
            cohort[pid] = min(cohort.get(pid, f.founded), f.founded)
        elif ids:
            ambiguous.append(f.person)
        else:
            unmatched.append(f.person)
    return FounderMatch(sorted(cohort.items()), len(cohort), ambiguous, unmatched)


def _cohort_pedigree(
    engine: Engine, cohort: list[tuple[str, int]], earlier: list[str], top: int
) -> dict[str, Any]:
    """Issue 5's pedigree indicator on (person_id, cohort year) pairs, as JSON."""
    from talentflow.indicators.pedigree import pedigree

    with tempfile.TemporaryDirectory() as tmp:
        cohort_csv = Path(tmp) / "cohort.csv"
        with cohort_csv.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["person_id", "year"])
            w.writerows(cohort)
        return pedigree(engine, earlier=earlier, cohort_csv=cohort_csv, top=top).as_json()


def founders_pedigree(
    engine: Engine, founders_csv: Path, earlier: list[str], top: int = 20
) -> dict[str, Any]:
    """The pedigree indicator (issue 5) on the founders of ``founders_csv``."""
    founders = read_founders(founders_csv)
    match = match_founders(engine, founders)
    if not match.cohort:
        raise TalentflowError(
            f"none of the {len(founders)} founders could be matched to a person in the store"
        )
    out = _cohort_pedigree(engine, match.cohort, earlier, top)
    out["cohort"] = {
        "founders_csv": str(founders_csv),
        "founders": len(founders),
        "companies": sorted({f.company for f in founders}),
        **match.as_dict(),
    }
    out["method"] = (
        "Founders matched to people by folded name (ambiguous and unmatched names left out); "
        "cohort year = founding year. " + str(out.get("method") or "")
    )
    return out


# People with any stint (each person's best evidence, ranked as the indicators rank it) at
# the cohort organisations, with the first year seen there: the cohort year, so "earlier"
# means a stint that started before it.
STORE_COHORT_SQL = """
WITH ranked AS (
  SELECT person_id, org_id, first_year, {rank} AS evidence_rank FROM stints
),
best AS (
  SELECT person_id, min(evidence_rank) AS best_rank FROM ranked GROUP BY person_id
)
SELECT r.person_id, r.org_id, min(r.first_year) AS since
FROM ranked r JOIN best b ON b.person_id = r.person_id AND r.evidence_rank = b.best_rank
WHERE r.org_id IN :orgs AND r.first_year IS NOT NULL
GROUP BY r.person_id, r.org_id
"""


def store_cohort_pedigree(
    engine: Engine, orgs: list[str], earlier: list[str], top: int = 20
) -> dict[str, Any]:
    """The pedigree of everyone the store sees at ``orgs`` (e.g. Chinese AI start-ups).

    The cohort is every person with a stint at one of the organisations in any year
    (from their author slots, profiles or a careers CSV; each person's best evidence),
    with the first year seen there as cohort year. Organisations that match nothing in
    the store are reported, not fatal, as long as one matches. Only aggregates are
    returned: cohort size per organisation and the earlier organisations' counts.
    """
    from talentflow.indicators.common import _RANK as EVIDENCE_RANK  # one ranking rule
    from talentflow.indicators.common import in_list, match_orgs

    if not orgs:
        raise TalentflowError("name at least one cohort organisation")
    matched: dict[str, list[str]] = {}
    ids: dict[str, str] = {}
    for name in orgs:
        m = match_orgs(engine, name)
        matched[name] = list(m.names)
        ids.update(zip(m.org_ids, m.names, strict=True))
    not_found = [name for name, names in matched.items() if not names]
    if not ids:
        raise TalentflowError(
            f"none of {', '.join(orgs)} is among the store's organisations "
            "(no author slot or career entry resolves to them)"
        )
    query = STORE_COHORT_SQL.replace("{rank}", EVIDENCE_RANK)
    rows = engine.sql(query, {"orgs": in_list(ids)}).to_pylist()
    since: dict[str, int] = {}
    people_by_org: dict[str, set[str]] = {}
    for r in rows:
        pid = str(r["person_id"])
        since[pid] = min(since.get(pid, int(r["since"])), int(r["since"]))
        people_by_org.setdefault(ids[str(r["org_id"])], set()).add(pid)
    if not since:
        raise TalentflowError(
            f"no person has a stint at {', '.join(sorted(set(ids.values())))} in the store"
        )
    out = _cohort_pedigree(engine, sorted(since.items()), earlier, top)
    years: dict[int, int] = {}
    for y in since.values():
        years[y] = years.get(y, 0) + 1
    out["cohort"] = {
        "orgs": orgs,
        "matched_orgs": matched,
        "not_found": not_found,
        "people": len(since),
        "people_by_org": {k: len(v) for k, v in sorted(people_by_org.items())},
        "first_year_there": dict(sorted(years.items())),
    }
    out["method"] = (
        "Cohort = every person with a stint at the named organisations in any year (best "
        "evidence per person: profile > csv > openalex > paper); cohort year = the first "
        "year seen there, so an earlier stint is one that started before it. Organisations "
        "matching nothing in the store are listed under not_found. " + str(out.get("method") or "")
    )
    return out
