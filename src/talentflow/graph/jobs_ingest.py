"""Loading job postings into the store, and the role decisions derived from them.

A collection (the HN folder, the Chinese ``postings.jsonl``, or a user's file) is
read and parsed completely before the store is touched; then, in one transaction,
the collection's previous rows are replaced (``job_postings``, ``posting_roles``,
``job_files``) and the run is recorded in ``ingest_runs``. Loading the same files
again changes nothing; a bad file or record raises a :class:`BadInputError`
naming it, and the store is left exactly as it was.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from talentflow.graph.schema import INGEST_RUNS, JOB_FILES, JOB_POSTINGS, POSTING_ROLES
from talentflow.graph.store import Store
from talentflow.resolve.roles import classify, taxonomy
from talentflow.sources.jobs_files import read_postings
from talentflow.sources.jobs_records import (
    PARSER_VERSION,
    SOURCE_NAME,
    ParsedPostings,
    Posting,
)


@dataclass
class LoadResult:
    """What loading one collection did."""

    dataset: str
    run_id: str | None
    files: int
    records: int
    postings: int
    duplicates_dropped: int
    with_role: int
    unchanged: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "run_id": self.run_id,
            "files": self.files,
            "records": self.records,
            "postings": self.postings,
            "duplicates_dropped": self.duplicates_dropped,
            "postings_with_a_role": self.with_role,
            "unchanged": self.unchanged,
        }


def role_rows(postings: list[Posting]) -> pa.Table:
    """The ``posting_roles`` rows of parsed postings (the classifier applied to each)."""
    version = taxonomy().version
    rows = [
        {
            "posting_key": p.posting_key,
            "role": m.role,
            "basis": m.basis,
            "matched": m.matched,
            "classifier_version": version,
        }
        for p in postings
        for m in classify(p.title, p.text)
    ]
    return pa.Table.from_pylist(rows, schema=POSTING_ROLES.arrow_schema())


def _stored_files(store: Store, dataset: str) -> dict[str, str]:
    rows = store.query("SELECT file_key, file_sha256 FROM job_files WHERE dataset = ?", [dataset])
    return {str(r["file_key"]): str(r["file_sha256"]) for r in rows}


def ingest_postings(
    store: Store, parsed: ParsedPostings, settings: dict[str, object] | None = None
) -> LoadResult:
    """Replace ``parsed.dataset`` in the store in one transaction (no-op when unchanged)."""
    records = sum(f.records for f in parsed.files)
    stored = _stored_files(store, parsed.dataset)
    current = {f.file_key: f.sha256 for f in parsed.files}
    version = taxonomy().version
    stored_settings = store.scalar(
        "SELECT max(r.settings_json) FROM ingest_runs r JOIN job_files f USING (run_id) "
        "WHERE f.dataset = ?",
        [parsed.dataset],
    )
    stored_run = json.loads(stored_settings) if stored_settings else {}
    same_code = stored_run.get("taxonomy") == version and stored_run.get("parser") == PARSER_VERSION
    roles = role_rows(parsed.postings)
    with_role = len(set(roles.column("posting_key").to_pylist()))
    if stored == current and same_code:
        return LoadResult(
            parsed.dataset,
            None,
            len(parsed.files),
            records,
            len(parsed.postings),
            parsed.duplicates_dropped,
            with_role,
            unchanged=True,
        )
    from talentflow.version import __version__

    run_id = uuid.uuid4().hex[:16]
    started = datetime.now(UTC).replace(tzinfo=None)
    postings = parsed.to_arrow()
    with store.transaction() as con:
        con.execute(
            "DELETE FROM posting_roles WHERE posting_key IN "
            "(SELECT posting_key FROM job_postings WHERE dataset = ?)",
            [parsed.dataset],
        )
        con.execute("DELETE FROM job_postings WHERE dataset = ?", [parsed.dataset])
        con.execute("DELETE FROM job_files WHERE dataset = ?", [parsed.dataset])
        store.append_arrow(JOB_POSTINGS, postings)
        store.append_arrow(POSTING_ROLES, roles)
        now = datetime.now(UTC).replace(tzinfo=None)
        files = pa.Table.from_pylist(
            [
                {
                    "file_key": f.file_key,
                    "dataset": parsed.dataset,
                    "location": f.location,
                    "file_sha256": f.sha256,
                    "records": f.records,
                    "run_id": run_id,
                    "ingested_at": now,
                }
                for f in parsed.files
            ],
            schema=JOB_FILES.arrow_schema(),
        )
        store.append_arrow(JOB_FILES, files)
        run = pa.Table.from_pylist(
            [
                {
                    "run_id": run_id,
                    "source": SOURCE_NAME,
                    "started_at": started,
                    "finished_at": now,
                    "files_seen": len(parsed.files),
                    "files_ingested": len(parsed.files),
                    "files_unchanged": 0,
                    "files_bad": 0,
                    "software_version": __version__,
                    "settings_json": json.dumps(
                        {
                            "dataset": parsed.dataset,
                            "taxonomy": version,
                            "parser": PARSER_VERSION,
                            **(settings or {}),
                        },
                        sort_keys=True,
                        default=str,
                    ),
                }
            ],
            schema=INGEST_RUNS.arrow_schema(),
        )
        store.append_arrow(INGEST_RUNS, run)
    return LoadResult(
        parsed.dataset,
        run_id,
        len(parsed.files),
        records,
        len(parsed.postings),
        parsed.duplicates_dropped,
        with_role,
        unchanged=False,
    )


def load_postings(
    store: Store, paths: list[Path], dataset: str | None = None, replace: bool = False
) -> list[LoadResult]:
    """Read every input first (all-or-nothing), then ingest each collection (a dataset is
    replaced with fewer postings than it holds only when ``replace``)."""
    if dataset is not None and len(paths) > 1:
        from talentflow.errors import TalentflowError

        raise TalentflowError("--dataset names one input; give one path with it")
    parsed = [read_postings(p, dataset) for p in paths]
    names = [p.dataset for p in parsed]
    if len(set(names)) != len(names):
        from talentflow.errors import TalentflowError

        raise TalentflowError(f"two inputs would load the same dataset name: {names}")
    from talentflow.errors import refuse_shrinking

    for p in parsed:
        stored = store.scalar("SELECT count(*) FROM job_postings WHERE dataset = ?", [p.dataset])
        refuse_shrinking(f"job dataset '{p.dataset}'", int(stored), len(p.postings), replace)
    return [
        ingest_postings(store, p, {"path": str(path)})
        for p, path in zip(parsed, paths, strict=True)
    ]
