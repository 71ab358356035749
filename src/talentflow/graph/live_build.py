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

import importlib
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
import pyarrow as pa

from talentflow.graph.schema import (
    CAREER_ENTRIES,
    INGEST_RUNS,
    LIVE_IDS,
    LIVE_RECORDS,
    LIVE_SLOT_LINKS,
    ORGANISATIONS,
)
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
    slot_links: Sequence[SlotLinks] = (),
) -> LiveIngestResult:
    """Replace the rows of every new or changed record in one transaction, then
    re-project the live stints. Unchanged records are skipped; ``slot_links`` (author
    slots linked to ~ids through accepted papers) replace the links of their venue-years."""
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
        from talentflow import __version__

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


@dataclass(frozen=True)
class SlotLinks:
    """Author slots linked to OpenReview ids, for the paper keys of some venue-years."""

    paper_keys: list[str]  # every paper of the venue-years the links cover
    links: pa.Table  # LIVE_SLOT_LINKS rows


def _norm(text: str | None) -> str:
    return re.sub(r"[^0-9a-z]", "", (text or "").lower())


def link_notes_to_slots(
    store: Store, venue: str, year: int, notes: Sequence[dict[str, Any]]
) -> SlotLinks:
    """Link a venue-year's author slots to the ``~ids`` of its accepted papers' notes.

    A note matches the paper-list paper with the same title (case, spaces and
    punctuation ignored; titles shared by two papers are skipped). Authors are aligned
    by position when both lists have the same length, else by name.
    """
    from talentflow.sources.openreview import note_value

    papers = store.query(
        "SELECT paper_key, title FROM papers WHERE venue = ? AND year = ? AND accepted",
        [venue, year],
    )
    by_title: dict[str, str | None] = {}
    for p in papers:
        key = _norm(p["title"])
        if key:
            by_title[key] = None if key in by_title else p["paper_key"]
    slots: dict[str, list[tuple[int, str]]] = {}
    for row in store.con.execute(
        "SELECT paper_key, author_index, name FROM authorships WHERE venue = ? AND year = ? "
        "AND accepted ORDER BY paper_key, author_index",
        [venue, year],
    ).fetchall():
        slots.setdefault(row[0], []).append((int(row[1]), str(row[2])))
    rows: list[dict[str, Any]] = []
    for note in notes:
        content = note.get("content") or {}
        paper_key = by_title.get(_norm(note_value(content.get("title"))))
        if not paper_key:
            continue
        authors = [str(a) for a in note_value(content.get("authors")) or []]
        ids = [str(i) for i in note_value(content.get("authorids")) or []]
        listed = slots.get(paper_key, [])
        if len(authors) != len(ids):
            continue
        if len(listed) == len(ids):
            pairs = [(idx, ids[k], "title+index") for k, (idx, _) in enumerate(listed)]
        else:
            by_name = {_norm(a): i for a, i in zip(authors, ids, strict=True)}
            pairs = [
                (idx, by_name[_norm(name)], "title+name")
                for idx, name in listed
                if _norm(name) in by_name
            ]
        for idx, pid, basis in pairs:
            if pid.startswith("~"):
                rows.append(
                    {
                        "paper_key": paper_key,
                        "author_index": idx,
                        "source": "openreview",
                        "id_value": pid,
                        "note_id": str(note["id"]),
                        "basis": basis,
                    }
                )
    return SlotLinks(
        paper_keys=[p["paper_key"] for p in papers],
        links=pa.Table.from_pylist(rows, schema=LIVE_SLOT_LINKS.arrow_schema()),
    )


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


# One person per live record: the strongest link available (see the module docstring).
_PERSON_OF_RECORD = """
WITH or_aliases AS (
    SELECT record_id, id_value AS profile_id
    FROM live_ids WHERE source = 'openreview' AND id_kind = 'openreview'
),
alias_slot AS (
    SELECT a.profile_id, a.paper_key, a.author_index
    FROM authorships a WHERE a.profile_kind = 'openreview' AND a.profile_id IS NOT NULL
    UNION
    SELECT l.id_value, l.paper_key, l.author_index
    FROM live_slot_links l WHERE l.source = 'openreview'
),
slot_person AS (
    -- the person an indicator sees for the slot (resolved, else the same fallbacks)
    SELECT s.profile_id,
           min(sp.person_id) AS resolved,
           min(CASE WHEN a.profile_kind = 'openreview' AND a.profile_id IS NOT NULL
                    THEN 'openreview:' || a.profile_id END) AS by_slot_id,
           min('name:' || a.name) AS by_name
    FROM alias_slot s
    JOIN authorships a ON a.paper_key = s.paper_key AND a.author_index = s.author_index
    LEFT JOIN slot_people sp
      ON sp.paper_key = s.paper_key AND sp.author_index = s.author_index
    GROUP BY s.profile_id
),
or_person AS (
    SELECT o.record_id,
           coalesce(min(sp.resolved), min(p.person_id), min(sp.by_slot_id), min(sp.by_name),
                    'openreview:' || o.record_id) AS person_id
    FROM or_aliases o
    LEFT JOIN slot_person sp ON sp.profile_id = o.profile_id
    LEFT JOIN people p ON list_contains(string_split(p.strong_id, ' '), o.profile_id)
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


# Moves within one person's dated stints of one evidence: consecutive stints (by start
# year) in two different known countries or at two different known organisations,
# dated to the later stint's start. Reads the live stints just written.
_LIVE_MOVES = """
WITH seq AS (
    SELECT person_id, evidence, org_id, country, first_year,
           lag(org_id) OVER w AS prev_org_id,
           lag(country) OVER w AS prev_country
    FROM stints
    WHERE evidence IN ('profile', 'openalex') AND first_year IS NOT NULL
      AND (org_id IS NOT NULL OR country IS NOT NULL)
    WINDOW w AS (
      PARTITION BY person_id, evidence
      ORDER BY first_year, coalesce(last_year, 9999), coalesce(org_id, ''), coalesce(country, '')
    )
)
SELECT person_id, prev_org_id, org_id, prev_country, country, first_year, evidence
FROM seq
WHERE (prev_country IS NOT NULL AND country IS NOT NULL AND prev_country <> country)
   OR (prev_org_id IS NOT NULL AND org_id IS NOT NULL AND prev_org_id <> org_id)
ORDER BY person_id, evidence, first_year
"""


@lru_cache(maxsize=1)
def _default_resolver() -> Any:
    """The organisation resolver (issue 3) on the local reference data, or None when the
    resolver is not installed. Built once per process (it indexes the registries); never
    downloads: a live build must not fetch reference data behind the user's back."""
    try:
        orgs = importlib.import_module("talentflow.resolve.orgs")
        reference = importlib.import_module("talentflow.resolve.reference")
    except ImportError:
        return None
    return orgs.Resolver(reference.load_reference(download=False))


def _resolve_entry_orgs(store: Store, resolver: Any) -> pa.Table:
    """(institution, domain) -> org_id and the organisation's country, per distinct pair;
    adds the organisations (and their parents) that the store does not have yet."""
    pairs = store.con.execute(
        "SELECT DISTINCT institution, domain FROM career_entries "
        "WHERE institution IS NOT NULL OR domain IS NOT NULL ORDER BY 1, 2"
    ).fetchall()
    rows: list[dict[str, Any]] = []
    used: set[str] = set()
    for institution, domain in pairs:
        found = resolver.resolve(institution, domain) if resolver is not None else None
        org_id = found.org_id if found is not None else None
        if org_id:
            used.add(org_id)
        rows.append(
            {
                "institution": institution,
                "domain": domain,
                "org_id": org_id,
                "org_country": found.country if found is not None else None,
            }
        )
    if used:
        from talentflow.resolve.derive import organisation_rows

        known = {r[0] for r in store.con.execute("SELECT org_id FROM organisations").fetchall()}
        store.append_arrow(ORGANISATIONS, organisation_rows(resolver, used, known))
    return pa.Table.from_pylist(
        rows,
        schema=pa.schema(
            [
                ("institution", pa.string()),
                ("domain", pa.string()),
                ("org_id", pa.string()),
                ("org_country", pa.string()),
            ]
        ),
    )


def project_live_stints(store: Store, in_transaction: bool = False, resolver: Any = None) -> int:
    """Rebuild the ``profile``/``openalex`` stints and moves from ``career_entries``;
    returns the number of stints.

    Moves matter as much as stints: the indicators use each person's best evidence for
    both, so a person with profile stints but no profile moves would lose the moves
    their papers show. Organisations come from the organisation resolver (issue 3) on the
    entries' institution name and domain; a stated country wins over the organisation's.
    Safe to rerun after people are re-resolved (it only reads what is stored).
    """

    def run() -> None:
        has_entries = bool(store.scalar("SELECT count(*) FROM career_entries"))
        chosen = (
            resolver if resolver is not None else (_default_resolver() if has_entries else None)
        )
        store.con.execute("DELETE FROM stints WHERE evidence IN ('profile', 'openalex')")
        store.con.execute("DELETE FROM moves WHERE evidence IN ('profile', 'openalex')")
        store.con.register("_live_orgs", _resolve_entry_orgs(store, chosen))
        try:
            store.con.execute(
                f"""
                INSERT INTO stints
                  (person_id, org_id, country, stage, first_year, last_year, evidence)
                SELECT rp.person_id, o.org_id,
                       CASE WHEN e.country_basis = 'stated' THEN e.country
                            ELSE coalesce(o.org_country, e.country) END,
                       e.stage, e.first_year, e.last_year, e.evidence
                FROM career_entries e
                JOIN ({_PERSON_OF_RECORD}) rp
                  ON rp.source = e.source AND rp.record_id = e.record_id
                LEFT JOIN _live_orgs o
                  ON o.institution IS NOT DISTINCT FROM e.institution
                 AND o.domain IS NOT DISTINCT FROM e.domain
                ORDER BY rp.person_id, e.source, e.entry_index
                """
            )
        finally:
            store.con.unregister("_live_orgs")
        store.con.execute(
            "INSERT INTO moves (person_id, from_org_id, to_org_id, from_country, to_country, "
            f"year, evidence) {_LIVE_MOVES}"
        )

    if in_transaction:
        run()
    else:
        with store.transaction():
            run()
    return int(
        store.scalar("SELECT count(*) FROM stints WHERE evidence IN ('profile', 'openalex')")
    )
