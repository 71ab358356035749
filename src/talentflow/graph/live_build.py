"""Ingest live records (OpenReview profiles, OpenAlex authors) and project them into stints.

The crawl state on disk is the source of truth for what was fetched; ingest copies
the records a build asked for into ``live_records`` / ``live_ids`` /
``career_entries`` in one transaction (records whose content is unchanged are
skipped, so a rebuild from the same crawl writes nothing), then rebuilds the
``stints`` rows with evidence ``profile`` and ``openalex`` — the only ones this
module owns; ``paper`` stints belong to the careers step.

Person linkage: a profile's ``~ids`` are the strong key that
``authorships.profile_id`` carries; a stint's person is the ``slot_people`` person of
an author slot with one of those ids, else the ``people`` row whose ``strong_id`` is
one of them, else the profile id itself. An OpenAlex author links to an OpenReview
profile through a shared ORCID, else keeps ``openalex:<id>``.
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

from talentflow.graph.schema import CAREER_ENTRIES, INGEST_RUNS, LIVE_IDS, LIVE_RECORDS
from talentflow.graph.store import Store
from talentflow.sources.career_entries import CareerEntry

LIVE_EVIDENCE = ("profile", "openalex")


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
    stints: int

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "records_seen": self.records_seen,
            "records_ingested": self.records_ingested,
            "records_unchanged": self.records_unchanged,
            "career_entries": self.entries,
            "live_stints": self.stints,
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
) -> LiveIngestResult:
    """Replace the rows of every new or changed record in one transaction, then
    re-project the live stints. Unchanged records are skipped."""
    kinds = {r.kind for r in records}
    stored: dict[tuple[str, str], str] = {}
    for kind in kinds:
        stored.update({(kind, k): v for k, v in _stored_hashes(store, source, kind).items()})
    unique: dict[tuple[str, str], LiveRecord] = {}
    for r in records:
        unique[(r.kind, r.record_id)] = r
    changed = [r for key, r in unique.items() if stored.get(key) != r.sha256]
    run_id: str | None = None
    if changed:
        from talentflow import __version__

        run_id = uuid.uuid4().hex[:16]
        started = datetime.now(UTC).replace(tzinfo=None)
        with store.transaction() as con:
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
                            "files_ingested": len(changed),
                            "files_unchanged": len(unique) - len(changed),
                            "files_bad": 0,
                            "software_version": __version__,
                            "settings_json": json.dumps(settings, sort_keys=True, default=str),
                        }
                    ],
                    schema=INGEST_RUNS.arrow_schema(),
                ),
            )
            project_live_stints(store, in_transaction=True)
    n_stints = int(
        store.scalar("SELECT count(*) FROM stints WHERE evidence IN ('profile', 'openalex')")
    )
    return LiveIngestResult(
        run_id=run_id,
        records_seen=len(unique),
        records_ingested=len(changed),
        records_unchanged=len(unique) - len(changed),
        entries=sum(len(r.entries) for r in unique.values()),
        stints=n_stints,
    )


# One person per live record: the strongest link available (see the module docstring).
_PERSON_OF_RECORD = """
WITH or_aliases AS (
    SELECT record_id, id_value AS profile_id
    FROM live_ids WHERE source = 'openreview' AND id_kind = 'openreview'
),
slot_person AS (
    SELECT a.profile_id, min(sp.person_id) AS person_id
    FROM authorships a
    JOIN slot_people sp ON sp.paper_key = a.paper_key AND sp.author_index = a.author_index
    WHERE a.profile_kind = 'openreview'
    GROUP BY a.profile_id
),
or_person AS (
    SELECT o.record_id,
           coalesce(min(sp.person_id), min(p.person_id), o.record_id) AS person_id
    FROM or_aliases o
    LEFT JOIN slot_person sp ON sp.profile_id = o.profile_id
    LEFT JOIN people p ON p.strong_id = o.profile_id
    GROUP BY o.record_id
),
oa_person AS (
    SELECT oa.record_id,
           coalesce(min(orp.person_id), 'openalex:' || oa.record_id) AS person_id
    FROM (SELECT DISTINCT record_id FROM live_ids WHERE source = 'openalex') oa
    LEFT JOIN live_ids oa_orcid
        ON oa_orcid.source = 'openalex' AND oa_orcid.record_id = oa.record_id
       AND oa_orcid.id_kind = 'orcid'
    LEFT JOIN live_ids or_orcid
        ON or_orcid.source = 'openreview' AND or_orcid.id_kind = 'orcid'
       AND or_orcid.id_value = oa_orcid.id_value
    LEFT JOIN or_person orp ON orp.record_id = or_orcid.record_id
    GROUP BY oa.record_id
)
SELECT 'openreview' AS source, record_id, person_id FROM or_person
UNION ALL
SELECT 'openalex' AS source, record_id, person_id FROM oa_person
"""


def project_live_stints(store: Store, in_transaction: bool = False) -> int:
    """Rebuild the ``profile``/``openalex`` stints from ``career_entries``; returns rows.

    Safe to rerun after people are re-resolved (it only reads what is stored).
    """

    def run() -> None:
        store.con.execute("DELETE FROM stints WHERE evidence IN ('profile', 'openalex')")
        store.con.execute(
            f"""
            INSERT INTO stints (person_id, org_id, country, stage, first_year, last_year, evidence)
            SELECT rp.person_id, NULL, e.country, e.stage, e.first_year, e.last_year, e.evidence
            FROM career_entries e
            JOIN ({_PERSON_OF_RECORD}) rp
              ON rp.source = e.source AND rp.record_id = e.record_id
            ORDER BY rp.person_id, e.source, e.entry_index
            """
        )

    if in_transaction:
        run()
    else:
        with store.transaction():
            run()
    return int(
        store.scalar("SELECT count(*) FROM stints WHERE evidence IN ('profile', 'openalex')")
    )
