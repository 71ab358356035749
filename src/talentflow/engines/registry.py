"""Choosing the engine that runs talentflow's portable SQL.

Every query is written once (DuckDB dialect, ``:name`` placeholders, see
:mod:`talentflow.engines.base`). It runs on

- ``duckdb`` over the store (the default), or over an exported tables directory;
- ``spark`` (optional extra) over an exported tables directory, or over the store, which is
  then exported to a temporary directory first.

>>> from talentflow.engines import open_engine
>>> with open_engine("duckdb", store=store) as engine:  # doctest: +SKIP
...     engine.sql("SELECT count(*) AS n FROM papers")
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from talentflow.engines.base import Engine
from talentflow.engines.defaults import DEFAULT_SPARK_MASTER, ENGINE_NAMES
from talentflow.engines.duckdb import DuckDBEngine, ParquetDuckDBEngine
from talentflow.errors import TalentflowError
from talentflow.graph.parquet import export_tables
from talentflow.graph.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from talentflow.engines.spark import SparkEngine


def parse_conf(pairs: list[str] | None) -> dict[str, str]:
    """``["k=v", ...]`` (from ``--spark-conf``) as a dictionary; names a malformed pair."""
    conf: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise TalentflowError(f"--spark-conf expects KEY=VALUE, got '{pair}'")
        conf[key.strip()] = value.strip()
    return conf


@contextmanager
def open_engine(
    name: str = "duckdb",
    *,
    store: Store | None = None,
    tables_dir: Path | None = None,
    master: str = DEFAULT_SPARK_MASTER,
    conf: Mapping[str, str] | None = None,
) -> Iterator[Engine]:
    """The engine ``name`` over ``store`` or an exported ``tables_dir`` (closed on exit).

    ``tables_dir`` wins when both are given. For Spark over a store, the store's tables are
    first exported to a temporary directory, removed on exit.
    """
    if name not in ENGINE_NAMES:
        raise TalentflowError(f"unknown engine '{name}' (available: {', '.join(ENGINE_NAMES)})")
    if store is None and tables_dir is None:
        raise TalentflowError("an engine needs a store (--db) or a tables directory (--tables)")
    if name == "duckdb":
        if tables_dir is not None:
            parquet_engine = ParquetDuckDBEngine(tables_dir)
            try:
                yield parquet_engine
            finally:
                parquet_engine.close()
        else:
            assert store is not None
            yield DuckDBEngine(store)
        return
    from talentflow.engines.spark import SparkEngine, spark_session

    session = spark_session(master, conf)
    with tempfile.TemporaryDirectory(prefix="talentflow-tables-") as tmp:
        if tables_dir is None:
            assert store is not None
            tables_dir = Path(tmp)
            export_tables(store, tables_dir)
        engine: SparkEngine = SparkEngine(session, tables_dir)
        try:
            yield engine
        finally:
            engine.close()
