"""One query definition, several engines.

Indicator and resolution queries are written once, as SQL in the DuckDB dialect
with ``:name`` placeholders. SQLGlot binds the placeholders as literals and
generates the target dialect, so the same text runs on the embedded DuckDB store
and on Apache Spark (``talentflow.engines.spark``, optional) over the same tables.

>>> from talentflow.engine import render
>>> render("SELECT venue FROM papers WHERE year = :y", {"y": 2024}, "spark")
'SELECT venue FROM papers WHERE year = 2024'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import pyarrow as pa
import sqlglot
from sqlglot import exp

from talentflow.graph.store import Store

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


class Engine(Protocol):
    """Runs portable SQL against the talent-graph tables and returns Arrow."""

    name: str

    def sql(self, query: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        """Run ``query`` (DuckDB dialect, ``:name`` placeholders) and return the result."""
        ...


class DuckDBEngine:
    """The embedded default: the store's own DuckDB connection."""

    name = "duckdb"

    def __init__(self, store: Store) -> None:
        self.store = store

    def sql(self, query: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        text = render(query, params, "duckdb")
        result: pa.Table = self.store.con.sql(text).to_arrow_table()
        return result


def rows(table: pa.Table) -> list[dict[str, Any]]:
    """Arrow result as a list of row dictionaries."""
    out: list[dict[str, Any]] = table.to_pylist()
    return out
