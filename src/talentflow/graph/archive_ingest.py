"""Ingest the Paper Copilot OpenReview archive's facts, as they came, with provenance.

``authors`` files become ``archive_records`` and ``archive_authors`` rows (raw values,
placed on their authors by ``or_profile``); a ``venues`` file becomes ``papers`` and
``authorships`` only for a venue-year the paper lists do not have. Every file gets a
``source_files`` row (source ``papercopilot_openreview``), so a rebuild from the same
files writes nothing, and all is one transaction: a bad line (named with its number)
leaves the store as it was. Which slot gets which value is decided later
(:mod:`talentflow.resolve.archive_derive`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from talentflow.graph.schema import ARCHIVE_AUTHORS, ARCHIVE_RECORDS, AUTHORSHIPS, PAPERS
from talentflow.graph.store import FileBatch, Store
from talentflow.progress import SILENT, Reporter
from talentflow.sources.http_cache import CachedFetcher
from talentflow.sources.papercopilot_openreview import (
    SOURCE_NAME,
    ArchiveAuthor,
    ArchiveContent,
    ArchiveFile,
    ArchiveRecord,
    read_archive_file,
    venue_file_tables,
)
from talentflow.sources.paperlists_parse import SOURCE_NAME as PAPERLISTS

_AUTHOR_FIELDS = tuple(
    f.name for f in dataclasses.fields(ArchiveAuthor) if f.name in ARCHIVE_AUTHORS.column_names
)


@dataclass
class ArchiveIngestResult:
    """What an archive ingest did."""

    run_id: str | None
    files_seen: int
    files_ingested: int
    records: int
    authors_with_values: int
    venue_papers: int

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def _archive_tables(content: ArchiveContent) -> tuple[pa.Table, pa.Table]:
    """The file's ``archive_records`` and ``archive_authors`` rows, built column by column."""
    f = content.file
    recs = [r for r in content.records if isinstance(r, ArchiveRecord)]
    placed = [(i, rec.forum_id, a) for i, rec in enumerate(recs) for a in rec.authors]

    def provenance(n: int) -> dict[str, list[Any]]:
        return {
            "source": [SOURCE_NAME] * n,
            "file_key": [f.file_key] * n,
            "file_sha256": [content.sha256] * n,
        }

    records: dict[str, list[Any]] = {
        "forum_id": [r.forum_id for r in recs],
        "venue": [f.venue] * len(recs),
        "year": [f.year] * len(recs),
        "names": [list(r.names) for r in recs],
        "author_ids": [list(r.author_ids) for r in recs],
        "unplaced_profiles": [r.unplaced_profiles for r in recs],
        "dropped_fields": [list(r.dropped_fields) for r in recs],
        "record_index": list(range(len(recs))),
        **provenance(len(recs)),
    }
    authors: dict[str, list[Any]] = {
        "forum_id": [forum_id for _, forum_id, _ in placed],
        **{k: [getattr(a, k) for _, _, a in placed] for k in _AUTHOR_FIELDS},
        "record_index": [i for i, _, _ in placed],
        **provenance(len(placed)),
    }
    return (
        pa.Table.from_pydict(
            {k: records[k] for k in ARCHIVE_RECORDS.column_names},
            schema=ARCHIVE_RECORDS.arrow_schema(),
        ),
        pa.Table.from_pydict(
            {k: authors.get(k, [None] * len(placed)) for k in ARCHIVE_AUTHORS.column_names},
            schema=ARCHIVE_AUTHORS.arrow_schema(),
        ),
    )


def ingest_archive(
    store: Store,
    files: Sequence[ArchiveFile],
    fetcher: CachedFetcher | None = None,
    settings: dict[str, object] | None = None,
    reporter: Reporter = SILENT,
) -> ArchiveIngestResult:
    """Ingest the archive ``files`` (after the paper lists): all or nothing."""
    listed = {
        (v, y)
        for v, y in store.con.execute(
            "SELECT DISTINCT venue, year FROM papers WHERE source = ?", [PAPERLISTS]
        ).fetchall()
    }
    counts = {"ingested": 0, "records": 0, "authors": 0, "venue_papers": 0}
    empty_papers, empty_slots = PAPERS.arrow_schema().empty_table(), AUTHORSHIPS.arrow_schema()
    wanted = [f for f in files if f.kind == "authors" or (f.venue, f.year) not in listed]
    with store.ingest_run(SOURCE_NAME, dict(settings or {})) as run:
        with reporter.bar("reading the OpenReview archive", total=len(wanted)) as advance:
            for f in wanted:
                content = read_archive_file(f, fetcher)
                advance(1)
                if f.kind == "venues":
                    parsed = venue_file_tables(content)
                    papers, slots = parsed.papers, parsed.authorships
                    records = parsed.records
                else:
                    papers, slots = empty_papers, empty_slots.empty_table()
                    records = len(content.records)
                batch = FileBatch(
                    file_key=f.file_key,
                    source=SOURCE_NAME,
                    venue=f.venue,
                    year=f.year,
                    location=f.location,
                    sha256=content.sha256,
                    papers=papers,
                    authorships=slots,
                    records=records,
                    author_slots_listed=slots.num_rows,
                    doubled_lists=0,
                    dropped_fields=0,
                )
                if not run.add(batch):
                    continue
                counts["ingested"] += 1
                if f.kind == "venues":
                    counts["venue_papers"] += papers.num_rows
                    continue
                for table in (ARCHIVE_RECORDS.name, ARCHIVE_AUTHORS.name):
                    store.con.execute(f"DELETE FROM {table} WHERE file_key = ?", [f.file_key])
                record_rows, author_rows = _archive_tables(content)
                store.append_arrow(ARCHIVE_RECORDS, record_rows)
                store.append_arrow(ARCHIVE_AUTHORS, author_rows)
                counts["records"] += record_rows.num_rows
                counts["authors"] += author_rows.num_rows
        run_id = run.finish(files_seen=len(wanted))
    return ArchiveIngestResult(
        run_id=run_id,
        files_seen=len(wanted),
        files_ingested=counts["ingested"],
        records=counts["records"],
        authors_with_values=counts["authors"],
        venue_papers=counts["venue_papers"],
    )
