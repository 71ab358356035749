"""Ingest live records (OpenReview profiles, OpenAlex authors): source facts only.

The crawl state on disk is the source of truth for what was fetched; ingest copies
the records a build asked for into ``live_records`` / ``live_ids`` /
``career_entries`` (and the author-slot links of ``live_slot_links``) in one
transaction. Records whose content is unchanged are skipped, so a rebuild from the same
crawl writes nothing. Organisations of the entries are resolved by the organisations
step, and their stints and moves projected by the careers step
(:mod:`talentflow.careers.live`); the build runs both after ingest.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import pyarrow as pa

from talentflow.graph.schema import (
    CAREER_ENTRIES,
    INGEST_RUNS,
    LIVE_IDS,
    LIVE_RECORDS,
    LIVE_SLOT_LINKS,
)
from talentflow.graph.store import Store
from talentflow.sources.career_entries import CareerEntry


@dataclass(frozen=True)
class LiveRecord:
    """One record to ingest, with its identifiers and career entries."""

    source: str
    kind: str
    record_id: str
    url: str
    fetched_at: float
    sha256: str
    content: dict[str, Any]
    identifiers: Sequence[tuple[str, str]]
    entries: Sequence[CareerEntry]


@dataclass
class LiveIngestResult:
    run_id: str | None
    records_seen: int
    records_ingested: int
    records_unchanged: int
    entries: int

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "records_seen": self.records_seen,
            "records_ingested": self.records_ingested,
            "records_unchanged": self.records_unchanged,
            "career_entries": self.entries,
        }


def _stored_hashes(store: Store, source: str, kind: str) -> dict[str, str]:
    rows = store.con.execute(
        "SELECT record_id, record_sha256 FROM live_records WHERE source = ? AND kind = ?",
        [source, kind],
    ).fetchall()
    return {k: v for k, v in rows}


def ingest_live(
    store: Store,
    source: str,
    records: Sequence[LiveRecord],
    settings: dict[str, Any],
    slot_links: Sequence[SlotLinks] = (),
) -> LiveIngestResult:
    """Replace the rows of every new or changed record in one transaction. Unchanged
    records are skipped; ``slot_links`` (author slots linked to ~ids through accepted
    papers) replace the links of their venue-years."""
    kinds = {r.kind for r in records}
    stored: dict[tuple[str, str], str] = {}
    for kind in kinds:
        stored.update({(kind, k): v for k, v in _stored_hashes(store, source, kind).items()})
    unique: dict[tuple[str, str], LiveRecord] = {}
    for r in records:
        unique[(r.kind, r.record_id)] = r
    changed = [r for key, r in unique.items() if stored.get(key) != r.sha256]
    links_changed = any(_links_differ(store, links) for links in slot_links)
    run_id: str | None = None
    if changed or links_changed:
        from talentflow.version import __version__

        run_id = uuid.uuid4().hex[:16]
        started = datetime.now(UTC).replace(tzinfo=None)
        with store.transaction() as con:
            if links_changed:
                for links in slot_links:
                    _replace_links(store, links)
            keys = pa.table(
                {
                    "kind": [r.kind for r in changed],
                    "record_id": [r.record_id for r in changed],
                }
            )
            con.register("_changed_live", keys)
            try:
                con.execute(
                    "DELETE FROM live_records WHERE source = ? AND EXISTS (SELECT 1 FROM "
                    "_changed_live c WHERE c.kind = live_records.kind "
                    "AND c.record_id = live_records.record_id)",
                    [source],
                )
                for t in ("live_ids", "career_entries"):
                    con.execute(
                        f"DELETE FROM {t} WHERE source = ? AND record_id IN "
                        "(SELECT record_id FROM _changed_live)",
                        [source],
                    )
            finally:
                con.unregister("_changed_live")
            store.append_arrow(
                LIVE_RECORDS,
                pa.Table.from_pylist(
                    [
                        {
                            "source": source,
                            "kind": r.kind,
                            "record_id": r.record_id,
                            "url": r.url,
                            "fetched_at": datetime.fromtimestamp(r.fetched_at, UTC).replace(
                                tzinfo=None
                            ),
                            "record_sha256": r.sha256,
                            "content_json": orjson.dumps(r.content).decode(),
                            "run_id": run_id,
                        }
                        for r in changed
                    ],
                    schema=LIVE_RECORDS.arrow_schema(),
                ),
            )
            ids = {
                (source, r.record_id, kind, value) for r in changed for kind, value in r.identifiers
            }
            store.append_arrow(
                LIVE_IDS,
                pa.Table.from_pylist(
                    [
                        {"source": s, "record_id": rid, "id_kind": k, "id_value": v}
                        for s, rid, k, v in sorted(ids)
                    ],
                    schema=LIVE_IDS.arrow_schema(),
                ),
            )
            store.append_arrow(
                CAREER_ENTRIES,
                pa.Table.from_pylist(
                    [e.as_row() for r in changed for e in r.entries],
                    schema=CAREER_ENTRIES.arrow_schema(),
                ),
            )
            now = datetime.now(UTC).replace(tzinfo=None)
            store.append_arrow(
                INGEST_RUNS,
                pa.Table.from_pylist(
                    [
                        {
                            "run_id": run_id,
                            "source": source,
                            "started_at": started,
                            "finished_at": now,
                            "files_seen": len(unique),
                            "files_ingested": len(changed),  # records, for a live source
                            "files_unchanged": len(unique) - len(changed),
                            "files_bad": 0,
                            "software_version": __version__,
                            "settings_json": json.dumps(settings, sort_keys=True, default=str),
                        }
                    ],
                    schema=INGEST_RUNS.arrow_schema(),
                ),
            )
    return LiveIngestResult(
        run_id=run_id,
        records_seen=len(unique),
        records_ingested=len(changed),
        records_unchanged=len(unique) - len(changed),
        entries=sum(len(r.entries) for r in unique.values()),
    )


@dataclass(frozen=True)
class SlotLinks:
    """Author slots linked to OpenReview ids, for the paper keys of some venue-years."""

    paper_keys: list[str]  # every paper of the venue-years the links cover
    links: pa.Table  # LIVE_SLOT_LINKS rows


def _links_differ(store: Store, slot_links: SlotLinks) -> bool:
    keys = pa.table({"paper_key": slot_links.paper_keys})
    store.con.register("_link_scope", keys)
    try:
        stored = store.con.execute(
            "SELECT paper_key, author_index, id_value, note_id, basis FROM live_slot_links "
            "WHERE paper_key IN (SELECT paper_key FROM _link_scope) ORDER BY 1, 2"
        ).fetchall()
    finally:
        store.con.unregister("_link_scope")
    new = sorted(
        zip(
            slot_links.links["paper_key"].to_pylist(),
            slot_links.links["author_index"].to_pylist(),
            slot_links.links["id_value"].to_pylist(),
            slot_links.links["note_id"].to_pylist(),
            slot_links.links["basis"].to_pylist(),
            strict=True,
        )
    )
    return [tuple(r) for r in stored] != new


def _replace_links(store: Store, slot_links: SlotLinks) -> None:
    store.con.register("_link_scope", pa.table({"paper_key": slot_links.paper_keys}))
    try:
        store.con.execute(
            "DELETE FROM live_slot_links WHERE paper_key IN (SELECT paper_key FROM _link_scope)"
        )
    finally:
        store.con.unregister("_link_scope")
    store.append_arrow(LIVE_SLOT_LINKS, slot_links.links)
