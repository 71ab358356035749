"""The store: one DuckDB file holding the talent graph.

Ingest is idempotent (a file whose content hash is already stored is skipped)
and atomic per run (everything a run writes is one transaction: a failure or a
kill part-way leaves the store exactly as it was).
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from talentflow.errors import TalentflowError
from talentflow.graph.schema import (
    AUTHORSHIPS,
    INGEST_RUNS,
    PAPERS,
    SCHEMA_VERSION,
    SOURCE_FILES,
    TABLES,
    Table,
)

DB_ENV = "TALENTFLOW_DB"
DEFAULT_DB = "talentflow.duckdb"

# Tables holding decisions derived from author slots: cleared for a file whose content changed.
_SLOT_DERIVED = ("slot_orgs", "slot_people")


def default_db_path(cli_value: str | Path | None = None) -> Path:
    """``--db``, else ``$TALENTFLOW_DB``, else ``./talentflow.duckdb``."""
    if cli_value:
        return Path(cli_value)
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


@dataclass(frozen=True)
class FileBatch:
    """Everything one source file contributes to the store."""

    file_key: str
    source: str
    venue: str
    year: int
    location: str
    sha256: str
    papers: pa.Table
    authorships: pa.Table
    records: int
    author_slots_listed: int
    doubled_lists: int
    dropped_fields: int


class Store:
    """A connection to a talentflow store with the schema in place."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        if read_only and not path.exists():
            raise TalentflowError(
                f"no store at {path}: build one first with 'talentflow build' (or pass --db)"
            )
        try:
            self.con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise TalentflowError(f"cannot open store {path}: {exc}") from None
        if not read_only:
            self.ensure_schema()
        else:
            self._check_version()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ensure_schema(self) -> None:
        """Create missing tables and record the schema version."""
        for t in TABLES:
            self.con.execute(t.ddl())
        self._check_version()
        self.con.execute(
            "INSERT INTO store_meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
            [str(SCHEMA_VERSION)],
        )

    def _check_version(self) -> None:
        try:
            rows = self.con.execute(
                "SELECT value FROM store_meta WHERE key = 'schema_version'"
            ).fetchall()
        except duckdb.CatalogException:
            raise TalentflowError(f"{self.path} is not a talentflow store") from None
        if rows and int(rows[0][0]) != SCHEMA_VERSION:
            raise TalentflowError(
                f"{self.path} has schema version {rows[0][0]}, this talentflow expects "
                f"{SCHEMA_VERSION}: rebuild the store"
            )

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One atomic unit of work: committed whole, or rolled back whole."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def stored_hashes(self, source: str) -> dict[str, str]:
        """file_key -> SHA-256 of every file of ``source`` in the store."""
        rows = self.con.execute(
            "SELECT file_key, file_sha256 FROM source_files WHERE source = ?", [source]
        ).fetchall()
        return {k: v for k, v in rows}

    def append_arrow(self, target: Table, data: pa.Table) -> None:
        """Bulk-insert an Arrow table whose columns follow ``target``'s declaration."""
        if data.num_rows == 0:
            return
        view = f"_arrow_{target.name}"
        self.con.register(view, data)
        try:
            cols = ", ".join(target.column_names)
            self.con.execute(f"INSERT INTO {target.name} ({cols}) SELECT {cols} FROM {view}")
        finally:
            self.con.unregister(view)

    def ingest(
        self,
        source: str,
        batches: Sequence[FileBatch],
        settings: dict[str, Any],
        files_seen: int,
        files_bad: int = 0,
    ) -> str | None:
        """Replace the rows of every changed file in one transaction; return the run id.

        Returns None (and writes nothing) when no batch differs from what is stored.
        """
        stored = self.stored_hashes(source)
        changed = [b for b in batches if stored.get(b.file_key) != b.sha256]
        if not changed:
            return None
        from talentflow import __version__

        run_id = uuid.uuid4().hex[:16]
        started = datetime.now(UTC).replace(tzinfo=None)
        with self.transaction() as con:
            for b in changed:
                prefix = f"{b.file_key}#%"
                for derived in _SLOT_DERIVED:
                    con.execute(f"DELETE FROM {derived} WHERE paper_key LIKE ?", [prefix])
                con.execute("DELETE FROM authorships WHERE file_key = ?", [b.file_key])
                con.execute("DELETE FROM papers WHERE file_key = ?", [b.file_key])
                con.execute("DELETE FROM source_files WHERE file_key = ?", [b.file_key])
            papers = pa.concat_tables([b.papers for b in changed])
            slots = pa.concat_tables([b.authorships for b in changed])
            self.append_arrow(PAPERS, papers)
            self.append_arrow(AUTHORSHIPS, slots)
            now = datetime.now(UTC).replace(tzinfo=None)
            files = pa.Table.from_pylist(
                [
                    {
                        "file_key": b.file_key,
                        "source": source,
                        "venue": b.venue,
                        "year": b.year,
                        "location": b.location,
                        "file_sha256": b.sha256,
                        "records": b.records,
                        "author_slots_listed": b.author_slots_listed,
                        "author_slots": b.authorships.num_rows,
                        "doubled_lists": b.doubled_lists,
                        "dropped_fields": b.dropped_fields,
                        "run_id": run_id,
                        "ingested_at": now,
                    }
                    for b in changed
                ],
                schema=SOURCE_FILES.arrow_schema(),
            )
            self.append_arrow(SOURCE_FILES, files)
            run = pa.Table.from_pylist(
                [
                    {
                        "run_id": run_id,
                        "source": source,
                        "started_at": started,
                        "finished_at": now,
                        "files_seen": files_seen,
                        "files_ingested": len(changed),
                        "files_unchanged": len(batches) - len(changed),
                        "files_bad": files_bad,
                        "software_version": __version__,
                        "settings_json": json.dumps(settings, sort_keys=True),
                    }
                ],
                schema=INGEST_RUNS.arrow_schema(),
            )
            self.append_arrow(INGEST_RUNS, run)
        return run_id

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        """The single value of a one-row, one-column query (the result is fully consumed:
        DuckDB 2 refuses new work on a connection with an unfinished result)."""
        found = self.con.execute(sql, list(params) if params else []).fetchall()
        return found[0][0] if found else None

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[dict[str, Any]]:
        """Run a read query and return rows as dictionaries."""
        cur = self.con.execute(sql, list(params) if params else [])
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def open_store(path: str | Path | None = None, read_only: bool = False) -> Store:
    """Open (creating if needed) the store at ``path`` or the default location."""
    return Store(default_db_path(path), read_only=read_only)
