"""One query definition, several engines: what every engine shares.

Indicator and resolution queries are written once, as SQL in the DuckDB dialect
with ``:name`` placeholders. SQLGlot binds the placeholders as literals and
generates the target dialect, so the same text runs on the embedded DuckDB store
(:mod:`talentflow.engines.duckdb`) and on Apache Spark (:mod:`talentflow.engines.spark`,
optional) over the same tables.

>>> from talentflow.engines import render
>>> render("SELECT venue FROM papers WHERE year = :y", {"y": 2024}, "spark")
'SELECT venue FROM papers WHERE year = 2024'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import pyarrow as pa
import sqlglot
from sqlglot import exp

SOURCE_DIALECT = "duckdb"


def _literal(value: Any) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int | float):
        return exp.Literal.number(value)
    if isinstance(value, list | tuple | set | frozenset):
        return exp.Tuple(expressions=[_literal(v) for v in sorted(value, key=str)])
    return exp.Literal.string(str(value))


def render(query: str, params: Mapping[str, Any] | None, dialect: str) -> str:
    """Bind ``:name`` placeholders as literals and generate SQL for ``dialect``."""
    tree = sqlglot.parse_one(query, read=SOURCE_DIALECT)
    if params:
        values = {k: _literal(v) for k, v in params.items()}

        def bind(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Placeholder) and node.name in values:
                return values[node.name].copy()
            return node

        tree = tree.transform(bind)
    missing = [p.name for p in tree.find_all(exp.Placeholder)]
    if missing:
        raise KeyError(f"unbound query parameters: {', '.join(sorted(set(missing)))}")
    return tree.sql(dialect=dialect)


@dataclass(frozen=True)
class Relation:
    """A named intermediate result that several queries read (e.g. each person's
    best-evidence stints): its portable query, which may read earlier relations.

    Queries refer to it by ``name`` as if it were a table; inside ``engine.materialise``
    every engine computes it once (DuckDB: a temporary table; Spark: a cached temporary
    view), so the same query text runs on both and no engine recomputes it per reference.
    """

    name: str
    query: str


class Engine(Protocol):
    """Runs portable SQL against the talent-graph tables and returns Arrow."""

    name: str

    def sql(self, query: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        """Run ``query`` (DuckDB dialect, ``:name`` placeholders) and return the result."""
        ...

    def materialise(self, relations: Sequence[Relation]) -> AbstractContextManager[None]:
        """Hold ``relations`` computed, in order, while the ``with`` block runs.

        Scopes nest: a relation already held (by an outer scope of the same connection or
        session) is reused, and dropped when its outermost scope ends. The tables it reads
        must not change while it is held.
        """
        ...


@contextmanager
def hold_relations(
    held: dict[str, int],
    relations: Sequence[Relation],
    create: Callable[[Relation], None],
    drop: Callable[[str], None],
) -> Iterator[None]:
    """The scope logic shared by the engines: ``held`` counts the open scopes per relation
    name; a relation is created when its first scope opens and dropped when its last ends."""
    taken: list[str] = []
    try:
        for relation in relations:
            if held.get(relation.name, 0) == 0:
                create(relation)
            held[relation.name] = held.get(relation.name, 0) + 1
            taken.append(relation.name)
        yield
    finally:
        for name in reversed(taken):
            held[name] -= 1
            if held[name] == 0:
                del held[name]
                drop(name)


def rows(table: pa.Table) -> list[dict[str, Any]]:
    """Arrow result as a list of row dictionaries."""
    out: list[dict[str, Any]] = table.to_pylist()
    return out
