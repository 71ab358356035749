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

from talentflow.engines.base import (
    DEFAULT_SPARK_MASTER,
    Engine,
    Relation,
    hold_relations,
    render,
    rows,
)
from talentflow.engines.duckdb import DuckDBEngine, ParquetDuckDBEngine, duckdb_materialise
from talentflow.engines.registry import ENGINE_NAMES, open_engine, parse_conf

if TYPE_CHECKING:  # pragma: no cover
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


def __getattr__(name: str) -> Any:
    # The Spark engine (and PySpark) is imported only when asked for.
    if name == "SparkEngine":
        from talentflow.errors import require

        require("pyspark", "spark")
        from talentflow.engines.spark import SparkEngine

        return SparkEngine
    raise AttributeError(name)
