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

from talentflow.engine import Engine
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
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BadInputError(where, f"cannot read file: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise BadInputError(where, "not UTF-8 text") from None
    reader = csv.DictReader(text.splitlines())
    cols = set(reader.fieldnames or [])
    year_col = "founded" if "founded" in cols else "founded_year"
    missing = [c for c in ("person", "company") if c not in cols]
    if year_col not in cols:
        missing.append("founded (or founded_year)")
    if missing:
        raise BadInputError(where, f"missing column(s): {', '.join(missing)}")
    out = []
    for i, row in enumerate(reader):
        person = (row.get("person") or "").strip()
        company = (row.get("company") or "").strip()
        year = (row.get(year_col) or "").strip()
        if not person or not company:
            raise BadInputError(where, "empty 'person' or 'company'", i + 1)
        if not re.fullmatch(r"(19|20)\d\d", year):
            raise BadInputError(where, f"founded year '{year}' is not a year", i + 1)
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


def founders_pedigree(
    engine: Engine, founders_csv: Path, earlier: list[str], top: int = 20
) -> dict[str, Any]:
    """The pedigree indicator (issue 5) on the founders of ``founders_csv``."""
    from talentflow.indicators.pedigree import pedigree

    founders = read_founders(founders_csv)
    match = match_founders(engine, founders)
    if not match.cohort:
        raise TalentflowError(
            f"none of the {len(founders)} founders could be matched to a person in the store"
        )
    with tempfile.TemporaryDirectory() as tmp:
        cohort_csv = Path(tmp) / "founders_cohort.csv"
        with cohort_csv.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["person_id", "year"])
            w.writerows(match.cohort)
        result = pedigree(engine, earlier=earlier, cohort_csv=cohort_csv, top=top)
    out = result.as_json()
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
