"""Every table of the store as Parquet partitions: the input of the Spark engine.

``export_tables(store, out_dir)`` writes ``out_dir/<table>/`` for every table declared in
:mod:`talentflow.graph.schema`, plus ``out_dir/_talentflow.json`` (schema version, row
counts, partition columns). Tables keyed by paper (``papers``, ``authorships``) are
Hive-partitioned by ``year`` (``year=2023/…parquet``), so an engine reading one year range
touches only those files; the other tables are written as a few files of bounded size.

The same layout is what a cluster job would produce from an OpenAlex-sized store, and what
:class:`talentflow.engines.spark.SparkEngine` and :func:`talentflow.engines.duckdb_over_parquet`
read back, with every column cast to its declared type.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talentflow.errors import TalentflowError
from talentflow.graph.schema import SCHEMA_VERSION, TABLES, Table
from talentflow.graph.store import Store

MANIFEST = "_talentflow.json"

# Hive partition columns per table: small enough to keep partitions large on OpenAlex
# (one year holds millions of authorships), selective enough to prune by year.
PARTITION_BY: dict[str, tuple[str, ...]] = {
    "papers": ("year",),
    "authorships": ("year",),
}

# Bound on one Parquet file of an unpartitioned table, so a cluster reads it in parallel.
FILE_SIZE = "256MB"


@dataclass(frozen=True)
class TablesManifest:
    """What an exported tables directory holds."""

    schema_version: int
    rows: dict[str, int]
    partition_by: dict[str, list[str]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "rows": self.rows,
            "partition_by": self.partition_by,
        }


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def export_table(store: Store, t: Table, out_dir: Path) -> int:
    """Write one table to ``out_dir/<name>/`` (replacing it); return its row count."""
    target = out_dir / t.name
    tmp = out_dir / f".{t.name}.partial"
    if tmp.exists():
        shutil.rmtree(tmp)
    cols = ", ".join(t.column_names)
    parts = PARTITION_BY.get(t.name, ())
    if parts:
        options = f"FORMAT parquet, PARTITION_BY ({', '.join(parts)})"
    else:
        options = f"FORMAT parquet, FILE_SIZE_BYTES '{FILE_SIZE}'"
    n = int(store.scalar(f"SELECT count(*) FROM {t.name}"))
    if n == 0:
        # An empty table is an empty folder: readers use the declared schema.
        tmp.mkdir(parents=True, exist_ok=True)
    else:
        store.con.execute(f"COPY (SELECT {cols} FROM {t.name}) TO '{_sql_path(tmp)}' ({options})")
    if target.exists():
        shutil.rmtree(target)
    tmp.replace(target)
    return n


def export_tables(
    store: Store, out_dir: Path, tables: tuple[Table, ...] = TABLES
) -> TablesManifest:
    """Write every table of ``store`` as Parquet under ``out_dir``; return the manifest."""
    if out_dir.exists() and not out_dir.is_dir():
        raise TalentflowError(f"--out {out_dir} exists and is not a directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = {t.name: export_table(store, t, out_dir) for t in tables}
    manifest = TablesManifest(
        schema_version=SCHEMA_VERSION,
        rows=rows,
        partition_by={t.name: list(PARTITION_BY.get(t.name, ())) for t in tables},
    )
    (out_dir / MANIFEST).write_text(json.dumps(manifest.as_dict(), indent=2) + "\n")
    return manifest


def read_manifest(tables_dir: Path) -> TablesManifest:
    """The manifest of an exported tables directory (checks the schema version)."""
    path = tables_dir / MANIFEST
    if not path.exists():
        raise TalentflowError(
            f"{tables_dir} is not a talentflow tables directory (no {MANIFEST}): "
            "write one with 'talentflow export tables --out DIR'"
        )
    data = json.loads(path.read_text())
    if int(data.get("schema_version", -1)) != SCHEMA_VERSION:
        raise TalentflowError(
            f"{tables_dir} has schema version {data.get('schema_version')}, this talentflow "
            f"expects {SCHEMA_VERSION}: export the tables again"
        )
    return TablesManifest(
        schema_version=SCHEMA_VERSION,
        rows={str(k): int(v) for k, v in data["rows"].items()},
        partition_by={str(k): list(v) for k, v in data["partition_by"].items()},
    )


def parquet_files(tables_dir: Path, name: str) -> list[Path]:
    """The Parquet files of one exported table (empty when the table was empty)."""
    folder = tables_dir / name
    if not folder.is_dir():
        return []
    return sorted(folder.rglob("*.parquet"))
