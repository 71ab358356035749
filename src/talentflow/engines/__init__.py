"""talentflow's query engines: one portable SQL text, several engines.

The machinery lives in one module per part (:mod:`~talentflow.engines.base`: the
:class:`Engine` protocol, :class:`Relation` and SQL rendering;
:mod:`~talentflow.engines.duckdb`; :mod:`~talentflow.engines.spark`, optional;
:mod:`~talentflow.engines.compare`; :mod:`~talentflow.engines.registry`: choosing one).
This face only re-exports; the Spark engine (and PySpark) is imported only when asked for.

>>> from talentflow.engines import open_engine
>>> with open_engine("duckdb", store=store) as engine:  # doctest: +SKIP
...     engine.sql("SELECT count(*) AS n FROM papers")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from talentflow.engines.defaults import DEFAULT_SPARK_MASTER, ENGINE_NAMES

if TYPE_CHECKING:  # pragma: no cover
    from talentflow.engines.base import Engine, Relation, hold_relations, render, rows
    from talentflow.engines.duckdb import (
        DuckDBEngine,
        ParquetDuckDBEngine,
        duckdb_materialise,
    )
    from talentflow.engines.registry import open_engine, parse_conf
    from talentflow.engines.spark import SparkEngine

__all__ = [
    "DEFAULT_SPARK_MASTER",
    "ENGINE_NAMES",
    "DuckDBEngine",
    "Engine",
    "ParquetDuckDBEngine",
    "Relation",
    "SparkEngine",
    "duckdb_materialise",
    "hold_relations",
    "open_engine",
    "parse_conf",
    "render",
    "rows",
]

# Where each name lives: imported on first use, so that importing the face (the CLI does,
# for its option defaults) loads neither sqlglot nor DuckDB.
_HOMES = {
    "Engine": "base",
    "Relation": "base",
    "hold_relations": "base",
    "render": "base",
    "rows": "base",
    "DuckDBEngine": "duckdb",
    "ParquetDuckDBEngine": "duckdb",
    "duckdb_materialise": "duckdb",
    "open_engine": "registry",
    "parse_conf": "registry",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home == "base":
        from talentflow.engines import base

        return getattr(base, name)
    if home == "duckdb":
        from talentflow.engines import duckdb as duckdb_engine

        return getattr(duckdb_engine, name)
    if home == "registry":
        from talentflow.engines import registry

        return getattr(registry, name)
    if name == "SparkEngine":  # PySpark is imported only when asked for
        from talentflow.errors import require

        require("pyspark", "spark")
        from talentflow.engines.spark import SparkEngine

        return SparkEngine
    raise AttributeError(name)
