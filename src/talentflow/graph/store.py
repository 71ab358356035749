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


def is_duckdb_file(path: Path) -> bool:
    """True when ``path`` is a file with a DuckDB header ('DUCK' at bytes 8-11), or empty."""
    if not path.is_file():
        return False
    with path.open("rb") as fh:
        header = fh.read(12)
    return not header or header[8:] == b"DUCK"


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
    other_edition: int = 0


class Store:
    """A connection to a talentflow store with the schema in place."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        if read_only and not path.exists():
            raise TalentflowError(
                f"no store at {path}: build one first with 'talentflow build' (or pass --db)"
            )
        if path.exists() and not is_duckdb_file(path):
            raise TalentflowError(f"{path} is not a talentflow store (not a DuckDB file)")
        try:
            self.con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise TalentflowError(f"cannot open store {path}: {exc}") from None
        try:
            if not read_only:
                self.ensure_schema()
            else:
                self._check_version()
        except BaseException:
            self.con.close()  # a refused store leaves no connection behind
            raise

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ensure_schema(self) -> None:
        """Create missing tables and record the schema version (a store of another
        version is refused before anything is written to it)."""
        has_meta = self.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'store_meta'"
        ).fetchall()[0][0]
        if has_meta:
            self._check_version()
        for t in TABLES:
            self.con.execute(t.ddl())
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
                f"{SCHEMA_VERSION}: build a new store from the sources (delete {self.path} "
                "or pass --db NEW.duckdb, then run 'talentflow build')"
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

    @contextmanager
    def ingest_run(self, source: str, settings: dict[str, Any]) -> Iterator[IngestRun]:
        """One atomic ingest: add file batches as they are parsed, then ``finish``.

        Everything is written in a single transaction: an error (a bad file) raised in
        the block rolls it back, so the store is as before.
        """
        with self.transaction():
            run = IngestRun(self, source, settings)
            yield run
            if not run.finished:
                raise TalentflowError("internal error: an ingest run ended without finish()")

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


class IngestRun:
    """The changed files of one ingest, written in bulk as they arrive (see Store.ingest_run)."""

    FLUSH_SLOTS = 200_000

    def __init__(self, store: Store, source: str, settings: dict[str, Any]) -> None:
        self.store = store
        self.source = source
        self.settings = settings
        self.stored = store.stored_hashes(source)
        self.run_id = uuid.uuid4().hex[:16]
        self.started = datetime.now(UTC).replace(tzinfo=None)
        self.changed: list[dict[str, Any]] = []
        self.seen = 0
        self.finished = False
        self._pending: list[FileBatch] = []
        self._pending_slots = 0

    def add(self, batch: FileBatch) -> bool:
        """Stage one file; return False (and write nothing) when its content is unchanged."""
        self.seen += 1
        if self.stored.get(batch.file_key) == batch.sha256:
            return False
        if batch.file_key in self.stored:  # a changed file: its old rows go first
            con = self.store.con
            prefix = f"{batch.file_key}#%"
            for derived in _SLOT_DERIVED:
                con.execute(f"DELETE FROM {derived} WHERE paper_key LIKE ?", [prefix])
            for table in ("authorships", "papers", "source_files"):
                con.execute(f"DELETE FROM {table} WHERE file_key = ?", [batch.file_key])
        self.changed.append(
            {
                "file_key": batch.file_key,
                "source": self.source,
                "venue": batch.venue,
                "year": batch.year,
                "location": batch.location,
                "file_sha256": batch.sha256,
                "records": batch.records,
                "author_slots_listed": batch.author_slots_listed,
                "author_slots": batch.authorships.num_rows,
                "doubled_lists": batch.doubled_lists,
                "dropped_fields": batch.dropped_fields,
                "other_edition": batch.other_edition,
                "run_id": self.run_id,
            }
        )
        self._pending.append(batch)
        self._pending_slots += batch.authorships.num_rows
        if self._pending_slots >= self.FLUSH_SLOTS:
            self._flush()
        return True

    def _flush(self) -> None:
        if not self._pending:
            return
        self.store.append_arrow(PAPERS, pa.concat_tables([b.papers for b in self._pending]))
        self.store.append_arrow(
            AUTHORSHIPS, pa.concat_tables([b.authorships for b in self._pending])
        )
        self._pending = []
        self._pending_slots = 0

    def finish(self, files_seen: int, files_bad: int = 0) -> str | None:
        """Write the file and run records; return the run id, or None if nothing changed."""
        self.finished = True
        if not self.changed:
            return None
        from talentflow.version import __version__

        self._flush()
        now = datetime.now(UTC).replace(tzinfo=None)
        files = pa.Table.from_pylist(
            [{**row, "ingested_at": now} for row in self.changed],
            schema=SOURCE_FILES.arrow_schema(),
        )
        self.store.append_arrow(SOURCE_FILES, files)
        run = pa.Table.from_pylist(
            [
                {
                    "run_id": self.run_id,
                    "source": self.source,
                    "started_at": self.started,
                    "finished_at": now,
                    "files_seen": files_seen,
                    "files_ingested": len(self.changed),
                    "files_unchanged": self.seen - len(self.changed),
                    "files_bad": files_bad,
                    "software_version": __version__,
                    "settings_json": json.dumps(self.settings, sort_keys=True),
                }
            ],
            schema=INGEST_RUNS.arrow_schema(),
        )
        self.store.append_arrow(INGEST_RUNS, run)
        return self.run_id


def open_store(path: str | Path | None = None, read_only: bool = False) -> Store:
    """Open (creating if needed) the store at ``path`` or the default location."""
    return Store(default_db_path(path), read_only=read_only)
