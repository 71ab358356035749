"""The engine options every indicator command shares: ``--engine``, ``--tables``,
``--spark-master`` and ``--spark-conf``.

A command adds the four parameters and opens its engine with :func:`engine_from_options`::

    @app.command()
    @reports_errors
    def migration(..., db: DbOption = None, engine: EngineOption = "duckdb",
                  tables: TablesOption = None,
                  spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
                  spark_conf: SparkConfOption = None) -> None:
        with engine_from_options(engine, db, tables, spark_master, spark_conf) as eng:
            result = compute_migration(eng, ...)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from talentflow.engines.defaults import DEFAULT_SPARK_MASTER

if TYPE_CHECKING:
    from talentflow.engines.base import Engine

__all__ = [
    "DEFAULT_SPARK_MASTER",
    "EngineOption",
    "SparkConfOption",
    "SparkMasterOption",
    "TablesOption",
    "engine_from_options",
]

EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="duckdb (default, the store) or spark (needs talentflow[spark] and Java 17).",
    ),
]
TablesOption = Annotated[
    Path | None,
    typer.Option(
        "--tables",
        help="Read an exported tables directory ('talentflow export tables') instead of --db.",
    ),
]
SparkMasterOption = Annotated[
    str,
    typer.Option("--spark-master", help="Spark master URL, e.g. local[2] or spark://host:7077."),
]
SparkConfOption = Annotated[
    list[str] | None,
    typer.Option(
        "--spark-conf",
        help="Spark setting KEY=VALUE (repeatable), e.g. spark.executor.memory=8g.",
    ),
]


@contextmanager
def engine_from_options(
    engine: str = "duckdb",
    db: Path | None = None,
    tables: Path | None = None,
    spark_master: str = DEFAULT_SPARK_MASTER,
    spark_conf: list[str] | None = None,
) -> Iterator[Engine]:
    """Open the engine the options ask for (the store read-only unless --tables is given)."""
    from talentflow.engines import open_engine, parse_conf

    conf = parse_conf(spark_conf)
    with ExitStack() as stack:
        store = None
        if tables is None:
            from talentflow.graph.store import open_store

            store = stack.enter_context(open_store(db, read_only=True))
        yield stack.enter_context(
            open_engine(engine, store=store, tables_dir=tables, master=spark_master, conf=conf)
        )
