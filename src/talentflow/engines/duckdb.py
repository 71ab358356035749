"""The DuckDB engine: portable SQL on the store's own connection (the default), or on an
exported tables directory.

>>> from talentflow.engines import DuckDBEngine
>>> DuckDBEngine(store).sql("SELECT count(*) AS n FROM papers")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from talentflow.engines.base import Relation, hold_relations, render
from talentflow.graph.parquet import parquet_files, read_manifest
from talentflow.graph.schema import TABLES
from talentflow.graph.store import Store

# Relations held per DuckDB connection (temporary tables belong to the connection, and
# several engine objects may share one connection, e.g. an indicator calling another).
_DUCKDB_HELD: dict[int, dict[str, int]] = {}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def duckdb_materialise(
    con: duckdb.DuckDBPyConnection, relations: Sequence[Relation]
) -> Iterator[None]:
    """``Engine.materialise`` on a DuckDB connection: one temporary table per relation
    (connection-local, so it also works on a read-only store)."""
    held = _DUCKDB_HELD.setdefault(id(con), {})

    def create(relation: Relation) -> None:
        text = render(relation.query, None, "duckdb")
        con.execute(f"CREATE OR REPLACE TEMPORARY TABLE {_quote(relation.name)} AS {text}")

    def drop(name: str) -> None:
        con.execute(f"DROP TABLE IF EXISTS temp.main.{_quote(name)}")

    try:
        with hold_relations(held, relations, create, drop):
            yield
    finally:
        if not held:
            _DUCKDB_HELD.pop(id(con), None)


class DuckDBEngine:
    """The embedded default: the store's own DuckDB connection."""

    name = "duckdb"

    def __init__(self, store: Store) -> None:
        self.store = store

    def sql(self, query: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        text = render(query, params, "duckdb")
        result: pa.Table = self.store.con.sql(text).to_arrow_table()
        return result

    def materialise(self, relations: Sequence[Relation]) -> AbstractContextManager[None]:
        """Hold ``relations`` as temporary tables of the store's connection."""
        return duckdb_materialise(self.store.con, relations)


class ParquetDuckDBEngine:
    """DuckDB over an exported tables directory (no store file needed)."""

    name = "duckdb"

    def __init__(self, tables_dir: Path, con: duckdb.DuckDBPyConnection | None = None) -> None:
        read_manifest(tables_dir)
        self.tables_dir = tables_dir
        self.con = con if con is not None else duckdb.connect()
        for t in TABLES:
            files = parquet_files(tables_dir, t.name)
            if files:
                listed = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
                source = f"read_parquet([{listed}], hive_partitioning = true)"
                cols = ", ".join(f'CAST("{c.name}" AS {c.type}) AS "{c.name}"' for c in t.columns)
                self.con.execute(f"CREATE OR REPLACE VIEW {t.name} AS SELECT {cols} FROM {source}")
            else:
                cols = ", ".join(f'CAST(NULL AS {c.type}) AS "{c.name}"' for c in t.columns)
                self.con.execute(f"CREATE OR REPLACE VIEW {t.name} AS SELECT {cols} WHERE false")

    def sql(self, query: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        text = render(query, params, "duckdb")
        result: pa.Table = self.con.sql(text).to_arrow_table()
        return result

    def materialise(self, relations: Sequence[Relation]) -> AbstractContextManager[None]:
        """Hold ``relations`` as temporary tables of this engine's connection."""
        return duckdb_materialise(self.con, relations)

    def close(self) -> None:
        self.con.close()
