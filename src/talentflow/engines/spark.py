"""Apache Spark engine: the same SQL text, transpiled by SQLGlot, over Parquet partitions.

Needs the ``spark`` extra (``pip install 'talentflow[spark]'``) and Java 17+.

>>> from talentflow.engines.spark import SparkEngine, spark_session  # doctest: +SKIP
>>> engine = SparkEngine(spark_session("local[2]"), tables_dir=Path("tables"))  # doctest: +SKIP
>>> engine.sql("SELECT count(*) FROM papers WHERE year = :y", {"y": 2024})  # doctest: +SKIP
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from talentflow.engines.base import Relation, hold_relations, render
from talentflow.engines.defaults import DEFAULT_SPARK_MASTER
from talentflow.errors import TalentflowError, require
from talentflow.graph.parquet import parquet_files, read_manifest
from talentflow.graph.schema import TABLES, Table

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

# Spark's types for the schema's DuckDB types. DuckDB's TIMESTAMP has no time zone, like
# Spark's TIMESTAMP_NTZ.
SPARK_TYPES: dict[str, str] = {
    "VARCHAR": "STRING",
    "INTEGER": "INT",
    "BIGINT": "BIGINT",
    "DOUBLE": "DOUBLE",
    "BOOLEAN": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMP_NTZ",
    "VARCHAR[]": "ARRAY<STRING>",
}

# Defaults chosen so Spark's answers match DuckDB's and a local session stays light; every
# one can be overridden with --spark-conf.
DEFAULT_CONF: dict[str, str] = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    # DuckDB answers x / 0 with NULL and array_length(NULL) with NULL; so does Spark with:
    "spark.sql.ansi.enabled": "false",
    "spark.sql.legacy.sizeOfNull": "false",
    "spark.sql.adaptive.enabled": "true",
}
LOCAL_CONF: dict[str, str] = {
    # Results come back to the driver as Arrow: the 1 GB default loses large ones
    # (TaskResultLost on the whole mirror's 700k-row authorship export).
    "spark.driver.memory": "2g",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}


def ddl(t: Table) -> str:
    """The Spark DDL schema string of a declared table."""
    return ", ".join(f"`{c.name}` {SPARK_TYPES[c.type]}" for c in t.columns)


def _check_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return
    if shutil.which("java") is None:
        raise TalentflowError(
            "the Spark engine needs Java 17 or later: install it (e.g. apt-get install "
            "openjdk-17-jre-headless) or set JAVA_HOME"
        )


def spark_session(
    master: str = DEFAULT_SPARK_MASTER,
    conf: Mapping[str, str] | None = None,
    app_name: str = "talentflow",
) -> SparkSession:
    """Start (or reuse) a SparkSession with talentflow's defaults and ``conf`` on top."""
    require("pyspark", "spark")
    _check_java()
    from pyspark.sql import SparkSession

    settings = dict(DEFAULT_CONF)
    if master.startswith("local"):
        settings.update(LOCAL_CONF)
    settings.update(conf or {})
    builder = SparkSession.builder.master(master).appName(app_name)
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # py4j / JVM start-up failures have many types
        raise TalentflowError(f"cannot start Spark (master {master}): {exc}") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """Runs talentflow's portable SQL on Spark over an exported tables directory.

    Each engine works in its own Spark SQL session (``newSession()``: its own temporary
    views and SQL settings, the same SparkContext), so several engines can share one
    application, as the test suite does.
    """

    name = "spark"

    def __init__(self, session: SparkSession, tables_dir: Path | None = None) -> None:
        self.session = session.newSession()
        self.tables_dir = tables_dir
        self._held: dict[str, int] = {}
        if tables_dir is not None:
            self.register_tables(tables_dir)

    def register_tables(self, tables_dir: Path) -> None:
        """Register every schema table of ``tables_dir`` as a temporary view."""
        read_manifest(tables_dir)
        for t in TABLES:
            self.register_dataframe(t.name, self._read_table(tables_dir, t))

    def _read_table(self, tables_dir: Path, t: Table) -> DataFrame:
        from pyspark.sql import functions as F

        if not parquet_files(tables_dir, t.name):
            return self.session.createDataFrame([], ddl(t))
        raw = self.session.read.parquet(str(tables_dir / t.name))
        return raw.select(
            *[F.col(f"`{c.name}`").cast(SPARK_TYPES[c.type]).alias(c.name) for c in t.columns]
        )

    def register_dataframe(self, name: str, frame: DataFrame) -> None:
        """Make ``frame`` visible to SQL as ``name``."""
        frame.createOrReplaceTempView(name)

    def register_arrow(self, name: str, data: pa.Table) -> None:
        """Make a (small) Arrow table visible to SQL as ``name``."""
        self.register_dataframe(name, self.session.createDataFrame(data))

    def register_query(
        self, name: str, query: str, params: Mapping[str, Any] | None = None, cache: bool = False
    ) -> None:
        """Define ``name`` as the result of a portable query; with ``cache``, computed now
        and kept (see :meth:`kept`), otherwise a view re-run by every query reading it."""
        text = render(query, params, "spark")
        self.register_dataframe(name, self.kept(text) if cache else self.session.sql(text))

    def kept(self, text: str) -> DataFrame:
        """The result of ``text`` (Spark SQL), computed now and kept by Spark (memory,
        spilling to disk) with its lineage cut: later queries read the kept rows and never
        re-run ``text``.

        A local checkpoint rather than ``cache()``: queries over a cached frame defined on
        temporary views are matched to the cache by their plan, and measured here the
        match failed (the cached careers were recomputed at every reference, minutes per
        indicator at 1M author slots). The kept blocks are freed by Spark's context cleaner
        once nothing refers to them. On a cluster, a lost executor loses its kept blocks
        and the query fails rather than recomputes.
        """
        return self.session.sql(text).localCheckpoint(eager=True)

    def materialise(self, relations: Sequence[Relation]) -> AbstractContextManager[None]:
        """Hold ``relations`` as temporary views over kept results (:meth:`kept`), each
        computed once on entry.

        Spark inlines a common table expression at every reference and re-runs it; a
        relation held here is computed once and read by every query of the scope.
        """

        def create(relation: Relation) -> None:
            self.register_dataframe(relation.name, self.kept(render(relation.query, None, "spark")))

        def drop(name: str) -> None:
            self.session.catalog.dropTempView(name)

        return hold_relations(self._held, relations, create, drop)

    def sql(self, query: str, params: Mapping[str, Any] | None = None) -> pa.Table:
        """Run ``query`` (DuckDB dialect, ``:name`` placeholders) and return Arrow."""
        text = render(query, params, "spark")
        result: pa.Table = self.session.sql(text).toArrow()
        return result

    def close(self) -> None:
        """Drop this engine's views (the shared SparkContext keeps running)."""
        for view in self.session.catalog.listTables():
            if view.isTemporary:
                self.session.catalog.dropTempView(view.name)
        self._held.clear()
