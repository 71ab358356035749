"""What every indicator shares: the engine, evidence precedence, organisation look-up.

Evidence precedence. Stints and moves come from several kinds of evidence (``paper``:
derived from author slots; ``profile``: OpenReview career histories; ``openalex``: dated
affiliations; ``csv``: a user's file). For each person the indicators use the stints of the
best evidence that person has stints in, and the moves of the best evidence that person has
moves in, in the order of :data:`EVIDENCE_ORDER` (a self-reported history beats a curated
file, which beats dated affiliations, which beat what papers imply), so one person's move is
never counted twice from two sources. Career histories (``profile``, ``openalex``) bring
stints only: their moves are read off each person's consecutive stints of that evidence
here, by the one definition of :mod:`talentflow.careers.moves` (which the CSV loader also
uses), and are not stored in ``moves``. Each result says how many of its people rest on
each kind of evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from talentflow.careers.moves import HISTORY_EVIDENCE, moves_off_stints_sql
from talentflow.engines import DuckDBEngine, Engine, Relation
from talentflow.errors import TalentflowError
from talentflow.graph.store import Store

EVIDENCE_ORDER: tuple[str, ...] = ("profile", "csv", "openalex", "paper")

_RANK = (
    "CASE evidence WHEN 'profile' THEN 0 WHEN 'csv' THEN 1 WHEN 'openalex' THEN 2 "
    "WHEN 'paper' THEN 3 ELSE 4 END"
)

# Stints and moves of each person's best evidence: two named relations (portable SQL) that
# every indicator reads as tables, held computed once per scope by the engine (see
# ``best_evidence``).

BEST_STINTS_SQL = f"""
WITH stint_evidence AS (
  SELECT person_id, min({_RANK}) AS best_rank FROM stints GROUP BY person_id
)
SELECT s.person_id, s.org_id, s.country, s.stage, s.first_year, s.last_year, s.evidence
FROM stints s JOIN stint_evidence pe ON pe.person_id = s.person_id
WHERE {_RANK.replace("evidence", "s.evidence")} = pe.best_rank
"""

# Career histories bring stints only; their moves are read off consecutive stints here, by
# the one definition (:mod:`talentflow.careers.moves`), so every engine derives them alike.
_HISTORY_MOVES = moves_off_stints_sql(
    f"SELECT *, 0 AS seq FROM stints WHERE evidence IN {HISTORY_EVIDENCE!r}",
    open_end_is_ongoing=True,
)

BEST_MOVES_SQL = f"""
WITH all_moves AS (
  SELECT person_id, from_org_id, to_org_id, from_country, to_country, year, evidence
  FROM moves
  UNION ALL
  SELECT person_id, from_org_id, to_org_id, from_country, to_country, year, evidence
  FROM ({_HISTORY_MOVES}) history_moves
  WHERE year IS NOT NULL
),
move_evidence AS (
  SELECT person_id, min({_RANK}) AS best_rank FROM all_moves GROUP BY person_id
)
SELECT m.person_id, m.from_org_id, m.to_org_id, m.from_country, m.to_country, m.year,
       m.evidence
FROM all_moves m JOIN move_evidence pe ON pe.person_id = m.person_id
WHERE {_RANK.replace("evidence", "m.evidence")} = pe.best_rank
"""

BEST_STINTS = Relation("best_stints", BEST_STINTS_SQL)
BEST_MOVES = Relation("best_moves", BEST_MOVES_SQL)
BEST_EVIDENCE: tuple[Relation, ...] = (BEST_STINTS, BEST_MOVES)


def best_evidence(
    engine: Engine, relations: Sequence[Relation] = BEST_EVIDENCE
) -> AbstractContextManager[None]:
    """Hold each person's best-evidence stints and moves (``best_stints``, ``best_moves``)
    computed while the ``with`` block runs; the indicator queries read them as tables.

    Every indicator opens this scope itself; open it around several indicator calls to
    compute the two relations once for all of them (the store must not change meanwhile):

    >>> with best_evidence(engine):  # doctest: +SKIP
    ...     pipeline(engine, "nips", 2024), migration(engine, 2013, 2025)
    """
    return engine.materialise(relations)


EDUCATION_SQL = "('undergraduate', 'masters', 'phd')"

# Rank of an education stint for "training" (PhD first, masters second).
TRAINING_RANK = "CASE stage WHEN 'phd' THEN 0 ELSE 1 END"


def engine_for(source: Store | Engine) -> Engine:
    """An engine for a store (DuckDB) or the engine itself."""
    if isinstance(source, Store):
        return DuckDBEngine(source)
    return source


def years_values(year_from: int, year_to: int) -> str:
    """A portable inline table of the years ``year_from..year_to`` (column ``year``)."""
    if year_to < year_from:
        raise TalentflowError(f"--from {year_from} is after --to {year_to}")
    if year_to - year_from > 200:
        raise TalentflowError("a year range of more than 200 years is not supported")
    values = ", ".join(f"({y})" for y in range(year_from, year_to + 1))
    return f"(SELECT * FROM (VALUES {values}) AS year_list(year))"


@dataclass(frozen=True)
class OrgMatch:
    """Organisations a user's text named."""

    query: str
    org_ids: tuple[str, ...]
    names: tuple[str, ...]


_MATCH_SQL = """
WITH named AS (
  SELECT org_id, name FROM organisations
  WHERE lower(org_id) = :needle OR {name_matches}
)
SELECT org_id, name FROM named
UNION
SELECT org_id, name FROM organisations WHERE parent_org_id IN (SELECT org_id FROM named)
UNION
SELECT DISTINCT org_id, org_id AS name FROM stints
WHERE org_id IS NOT NULL AND {id_matches}
  AND org_id NOT IN (SELECT org_id FROM organisations)
ORDER BY org_id
"""


def match_orgs(engine: Engine, text: str) -> OrgMatch:
    """Organisations ``text`` names, with their child organisations (``parent_org_id``).

    The first of: those whose id or name equals it (case-insensitive); those the curated
    alias tables name for it ("Tsinghua" is Tsinghua University, not National Tsinghua
    University); those whose name starts with it as whole words ("Moonshot" finds Moonshot
    AI). Text is compared as text, never as a pattern. Organisations known only from
    stints (a CSV's, unresolved) match on their id.
    """
    from talentflow.resolve.orgs import alias_targets

    needle = text.strip().lower()
    if not needle:
        raise TalentflowError("an organisation name is empty")
    aliases = in_list(alias_targets(text))
    found: list[dict[str, Any]] = []
    for test in (
        "lower({}) = :needle",
        "lower({}) IN :aliases",
        "strpos(lower({}), :prefix) = 1",
    ):
        query = _MATCH_SQL.format(
            name_matches=test.format("name"), id_matches=test.format("org_id")
        )
        params = {"needle": needle, "aliases": aliases, "prefix": needle + " "}
        found = found or engine.sql(query, params).to_pylist()
    return OrgMatch(
        query=text,
        org_ids=tuple(r["org_id"] for r in found),
        names=tuple(r["name"] for r in found),
    )


def in_list(values: Iterable[str]) -> tuple[str, ...]:
    """A non-empty tuple for an ``IN :param`` (an impossible id when ``values`` is empty)."""
    out = tuple(sorted(set(values)))
    return out or ("\x00none",)


@dataclass
class IndicatorResult:
    """Base of every indicator's result: JSON per INTERFACE.md and rows for table/CSV."""

    method: str = field(default="", kw_only=True)

    def as_json(self) -> dict[str, Any]:  # pragma: no cover - each result overrides it
        raise NotImplementedError

    def table_rows(self) -> list[dict[str, Any]]:  # pragma: no cover - overridden
        raise NotImplementedError


def evidence_counts(rows: Iterable[Mapping[str, Any]], key: str = "evidence") -> dict[str, int]:
    """How many rows rest on each kind of evidence."""
    out: dict[str, int] = {}
    for r in rows:
        ev = r.get(key)
        if ev is not None:
            out[str(ev)] = out.get(str(ev), 0) + 1
    return dict(sorted(out.items()))
