"""A cohort of people named in a user's CSV (``pipeline --people FILE``).

The file has one of three identifying columns (the first present wins): ``person_id``
(the store's person ids, as ``export authorships`` writes them), ``openreview_id`` (an
OpenReview profile id such as ``~Wei_Zhang1``, from the paper lists or the OpenReview
archive), or ``name`` with ``organisation`` (the name as an accepted paper spells it, at an
organisation that :func:`~talentflow.indicators.common.match_orgs` finds). Records that
name nobody in the store are counted as unknown; a name at an organisation that fits
several people is counted as ambiguous and left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from talentflow.careers.derive import SLOT_PERSON_SQL
from talentflow.engines import Engine
from talentflow.errors import BadInputError, TalentflowError
from talentflow.indicators.common import in_list, match_orgs

ID_COLUMNS = ("person_id", "openreview_id", "name")

# The person key of an author slot: the one the pipeline counts people by (the careers'
# slot person, else the name string).
PERSON_KEY = f"coalesce({SLOT_PERSON_SQL}, 'name:' || a.name)"

_SLOTS = """
FROM authorships a
LEFT JOIN slot_people sp ON sp.paper_key = a.paper_key AND sp.author_index = a.author_index
"""

_BY_PERSON_SQL = (
    f"SELECT DISTINCT {PERSON_KEY} AS person_id {_SLOTS} WHERE a.accepted AND {PERSON_KEY} IN :ids"
)

_BY_OPENREVIEW_SQL = f"""
SELECT DISTINCT a.profile_id AS ref, {PERSON_KEY} AS person_id {_SLOTS}
WHERE a.accepted AND a.profile_kind = 'openreview' AND a.profile_id IN :ids
UNION
SELECT DISTINCT k.profile_id AS ref, {PERSON_KEY} AS person_id {_SLOTS}
JOIN slot_keys k ON k.paper_key = a.paper_key AND k.author_index = a.author_index
WHERE a.accepted AND k.profile_id IN :ids
"""

_BY_NAME_SQL = f"""
SELECT DISTINCT {PERSON_KEY} AS person_id {_SLOTS}
JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
WHERE a.accepted AND lower(a.name) = :name AND so.org_id IN :orgs
"""


@dataclass
class PeopleCohort:
    """The store's people a file names, and how its records fared."""

    path: str
    column: str
    records: int
    person_ids: list[str] = field(default_factory=list)
    unknown: int = 0
    ambiguous: int = 0
    duplicates: int = 0

    def report(self) -> dict[str, int | str]:
        """What the file gave: records, matched people, unknown, ambiguous, repeated."""
        return {
            "file": self.path,
            "column": self.column,
            "records": self.records,
            "people": len(self.person_ids),
            "unknown": self.unknown,
            "ambiguous": self.ambiguous,
            "repeated": self.duplicates,
        }


def read_people(path: Path) -> tuple[str, list[tuple[int, str, str]]]:
    """The identifying column and ``(record, value, organisation)`` of every record."""
    from talentflow.sources.user_csv import read_user_csv

    table = read_user_csv(path)
    where = str(path)
    column = next((c for c in ID_COLUMNS if c in table.columns), None)
    if column is None or (column == "name" and "organisation" not in table.columns):
        raise BadInputError(
            where,
            "needs a column person_id, openreview_id, or name with organisation; found "
            + (", ".join(table.columns) or "no columns"),
        )
    out: list[tuple[int, str, str]] = []
    for i, row in table.records:
        value = (row.get(column) or "").strip()
        if not value:
            raise BadInputError(where, f"empty {column}", record=i)
        org = (row.get("organisation") or "").strip() if column == "name" else ""
        if column == "name" and not org:
            raise BadInputError(where, "empty organisation", record=i)
        out.append((i, value, org))
    if not out:
        raise BadInputError(where, "no records")
    return column, out


def people_cohort(engine: Engine, path: Path) -> PeopleCohort:
    """The store's people the file at ``path`` names (raises when it names nobody)."""
    column, records = read_people(path)
    cohort = PeopleCohort(str(path), column, len(records))
    found: list[str] = []
    if column in ("person_id", "openreview_id"):
        values = [v for _, v, _ in records]
        cohort.duplicates = len(values) - len(set(values))
        if column == "person_id":
            rows = engine.sql(_BY_PERSON_SQL, {"ids": in_list(values)}).to_pylist()
            known = {str(r["person_id"]) for r in rows}
            found = sorted(known)
            cohort.unknown = len(set(values) - known)
        else:
            rows = engine.sql(_BY_OPENREVIEW_SQL, {"ids": in_list(values)}).to_pylist()
            found = sorted({str(r["person_id"]) for r in rows})
            cohort.unknown = len(set(values) - {str(r["ref"]) for r in rows})
    else:
        seen: set[tuple[str, str]] = set()
        for _, name, org in records:
            key = (name.lower(), org.lower())
            if key in seen:
                cohort.duplicates += 1
                continue
            seen.add(key)
            orgs = match_orgs(engine, org).org_ids
            people = (
                engine.sql(_BY_NAME_SQL, {"name": key[0], "orgs": in_list(orgs)}).to_pylist()
                if orgs
                else []
            )
            if len(people) == 1:
                found.append(str(people[0]["person_id"]))
            elif people:
                cohort.ambiguous += 1
            else:
                cohort.unknown += 1
        found = sorted(set(found))
    cohort.person_ids = found
    if not found:
        raise TalentflowError(
            f"{path}: none of its {len(records)} records names an accepted author in the store "
            f"(by {column}; {cohort.unknown} unknown, {cohort.ambiguous} ambiguous)"
        )
    return cohort
