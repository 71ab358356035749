"""Career stages: the position vocabulary of the sources mapped to a small set of stages.

OpenReview lets an author state a ``position`` per paper ("PhD student", "Full Professor",
"Research Scientist", ...); the mirror holds about 700 distinct spellings, a few dozen of
which cover 95% of the slots. The rules below map them, first match wins, to:

==================  ==============================================================
undergraduate       Undergrad student, BS student, Bachelor student
masters             MS student, Master student, MPhil, MEng
phd                 PhD student, Ph.D. candidate, Doctoral student, Graduate student
postdoc             Postdoc, Postdoctoral researcher/fellow, Research fellow
faculty             Professor (any rank), Lecturer, Instructor, Faculty, Emeritus, Chair
industry_research   Researcher, Research Scientist, Scientist, Research Engineer, Intern,
                    Applied Scientist, AI Resident, Principal/Staff researchers
industry_other      Software/ML Engineer, Data Scientist, Founder, Director, CEO, Manager
unknown             anything else, or no position stated
==================  ==============================================================

The organisation's kind is extra evidence: a "Researcher", "Scientist" or "Intern" at a
company is ``industry_research``, an engineer or founder there ``industry_other``; the same
titles at a university stay ``unknown`` (research staff are not a stage of their own, and
guessing a degree or a postdoc would invent evidence), and a bare "Student" at a university
counts as ``phd`` (graduate schools are where conference authors study).
Combined positions ("Researcher+PhD student", from merged profiles) use their first part.

The rules are data (``careers/data/stage_rules.json``), read once and compiled both to
Python (:func:`stage_of`) and to a portable SQL ``CASE`` expression (:func:`stage_case_sql`)
that the derive step runs on any engine.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources

STAGES: tuple[str, ...] = (
    "undergraduate",
    "masters",
    "phd",
    "postdoc",
    "faculty",
    "industry_research",
    "industry_other",
    "unknown",
)
EDUCATION_STAGES: tuple[str, ...] = ("undergraduate", "masters", "phd")
GRADUATE_STAGES: tuple[str, ...] = ("masters", "phd")
WORK_STAGES: tuple[str, ...] = ("postdoc", "faculty", "industry_research", "industry_other")


@dataclass(frozen=True)
class StageRule:
    """Positions containing any of ``patterns`` (lower-cased substrings) map to ``stage``.

    ``kinds`` restricts the rule to organisations of those kinds (None: any kind)."""

    stage: str
    patterns: tuple[str, ...]
    kinds: tuple[str, ...] | None = None


def _load_rules() -> tuple[StageRule, ...]:
    """The rules of ``careers/data/stage_rules.json``, in order (first match wins)."""
    raw = resources.files("talentflow.careers").joinpath("data", "stage_rules.json")
    rules = json.loads(raw.read_text("utf-8"))["rules"]
    loaded = tuple(
        StageRule(
            r["stage"],
            tuple(r["patterns"]),
            tuple(r["kinds"]) if "kinds" in r else None,
        )
        for r in rules
    )
    unknown = {rule.stage for rule in loaded} - set(STAGES)
    if unknown:
        raise ValueError(f"stage_rules.json names stages that do not exist: {sorted(unknown)}")
    return loaded


RULES: tuple[StageRule, ...] = _load_rules()


def _normalise(position: str) -> str:
    first = position.split("+", 1)[0]
    return " " + re.sub(r"\s+", " ", first.strip().lower()) + " "


def stage_of(position: str | None, org_kind: str | None = None) -> str:
    """The career stage of a stated ``position`` at an organisation of ``org_kind``.

    >>> stage_of("PhD student"), stage_of("Research Scientist", "industry")
    ('phd', 'industry_research')
    >>> stage_of("Researcher", "academia"), stage_of(None)
    ('unknown', 'unknown')
    """
    if not position or not position.strip():
        return "unknown"
    text = _normalise(position)
    kind = org_kind or "unknown"
    for rule in RULES:
        if rule.kinds is not None and kind not in rule.kinds:
            continue
        if any(p in text for p in rule.patterns):
            return rule.stage
    return "unknown"


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def stage_case_sql(position: str, org_kind: str) -> str:
    """A portable SQL ``CASE`` expression computing :func:`stage_of` from two column expressions.

    Uses only ``LIKE``, ``lower``, ``trim``, ``coalesce`` and string concatenation, which every
    engine (DuckDB, Spark via SQLGlot) runs identically. Combined positions ("A+B") are cut
    at the first ``+`` with the same effect as :func:`stage_of`, and whitespace runs are
    assumed single (true of the sources; :func:`stage_of` also folds them).
    """
    # ' ' || lower(first part) || ' ' (the first part: text before '+', via split_part).
    text = f"(' ' || lower(trim(split_part(coalesce({position}, ''), '+', 1))) || ' ')"
    kind = f"coalesce({org_kind}, 'unknown')"
    whens: list[str] = [f"WHEN trim(coalesce({position}, '')) = '' THEN 'unknown'"]
    for rule in RULES:
        like = " OR ".join(f"{text} LIKE {_sql_string('%' + p + '%')}" for p in rule.patterns)
        cond = f"({like})"
        if rule.kinds is not None:
            kinds = ", ".join(_sql_string(k) for k in rule.kinds)
            cond = f"{kind} IN ({kinds}) AND {cond}"
        whens.append(f"WHEN {cond} THEN {_sql_string(rule.stage)}")
    return "CASE " + " ".join(whens) + " ELSE 'unknown' END"
