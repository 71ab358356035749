"""Link a venue-year's author slots to OpenReview ids through its accepted papers' notes.

A paper list without ``~ids`` (NeurIPS 2022-2024) gets them from the OpenReview notes of
the same papers: matched by title, then authors by position or name. The links are
stored by the live ingest (``live_slot_links``) as a source fact of the crawl.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from talentflow.graph.live_ingest import SlotLinks
from talentflow.graph.schema import LIVE_SLOT_LINKS
from talentflow.graph.store import Store
from talentflow.sources.openreview import note_value


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
