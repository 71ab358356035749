"""Joining archive records to papers and their values to author slots."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from conftest import require_shared
from talentflow.resolve.archive_join import join_archive, join_by_author_names, match_slots
from talentflow.resolve.names import parse_name
from talentflow.sources.papercopilot_openreview import (
    ArchiveAuthor,
    ArchiveFile,
    ArchiveRecord,
    VenuePaper,
    read_archive_file,
    venue_file_tables,
)
from talentflow.sources.paperlists import mirror_files, read_bytes
from talentflow.sources.paperlists_parse import ParsedFile, parse_file_bytes


def author(index: int, aff: str) -> ArchiveAuthor:
    return ArchiveAuthor(index, f"~p{index}", index, "same_id", aff, *([None] * 7))


def record(forum_id: str, names: list[str], ids: list[str] | None = None) -> ArchiveRecord:
    ids = ids if ids is not None else [""] * len(names)
    authors = tuple(author(i, f"Org {forum_id} {i}") for i in range(len(names)))
    return ArchiveRecord(forum_id, 1, tuple(names), tuple(ids), authors, 0, ())


def paper_list(rows: list[tuple[str, list[str], list[str | None]]]) -> tuple[pa.Table, pa.Table]:
    papers = pa.table(
        {
            "paper_key": [f"v/v2025#{i}" for i in range(len(rows))],
            "paper_id": [r[0] for r in rows],
        }
    )
    slots: dict[str, list[object]] = {
        "paper_key": [],
        "author_index": [],
        "name": [],
        "profile_id": [],
    }
    for i, (_, names, ids) in enumerate(rows):
        for j, (name, pid) in enumerate(zip(names, ids or [None] * len(names), strict=True)):
            slots["paper_key"].append(f"v/v2025#{i}")
            slots["author_index"].append(j)
            slots["name"].append(name)
            slots["profile_id"].append(pid)
    return papers, pa.table(slots)


def test_forum_id_join_places_slots_by_openreview_id() -> None:
    rec = record("f1", ["Ada Lovelace", "Alan Turing"], ["~Ada_Lovelace1", "~Alan_Turing1"])
    papers, slots = paper_list(
        [("f1", ["Alan Turing", "Ada King"], ["~Alan_Turing1", "~Ada_Lovelace1"])]
    )
    (join,), counts = join_archive([rec], papers, slots)
    assert (join.method, join.paper_key) == ("forum_id", "v/v2025#0")
    assert join.slots == {0: 1, 1: 0}
    assert set(join.slot_methods.values()) == {"id"}
    assert counts.by_method["forum_id"] == 1


def test_slots_by_position_when_names_agree_and_by_unique_name_otherwise() -> None:
    rec = record("f1", ["Ada Lovelace", "Alan Turing", "Wei Wang"])
    same = ["Ada  LOVELACE", "Alan Turing", "Wei Wang"]
    assert match_slots(rec, same)[0] == {0: 0, 1: 1, 2: 2}
    moved = ["Alan Turing", "Wei Wang", "Ada Lovelace", "Hao Wang"]
    slots, how = match_slots(rec, moved)
    assert slots == {0: 2, 1: 0, 2: 1}
    assert set(how.values()) == {"name"}


def test_rest_in_order_when_every_other_author_sits_at_the_same_place() -> None:
    rec = record("f1", ["Michelle Miller", "SueYeon Chung", "Kenneth D. Miller"])
    slots, _ = match_slots(rec, ["Michelle Miller", "SueYeon Chung", "Ken Miller"])
    assert slots == {0: 0, 1: 1, 2: 2}  # the other Miller taken, the family name is unique
    rec = record("f3", ["Gergely Neu", "Julia Olkhovskaya", "Matteo Papini"])
    slots, how = match_slots(rec, ["Gergely Neu", "Iuliia Olkhovskaia", "Matteo Papini"])
    assert (slots, how[1]) == ({0: 0, 1: 1, 2: 2}, "position")
    # Out of order elsewhere: the odd one out is not guessed.
    rec = record("f2", ["Ada Smith", "Bo Jones", "Cy Brown"])
    slots, _ = match_slots(rec, ["Bo Jones", "Ada Smith", "Xavier Quist"])
    assert slots == {0: 1, 1: 0}


def test_ambiguous_names_get_no_slot() -> None:
    rec = record("f1", ["Wei Wang", "W. Wang"])
    slots, _ = match_slots(rec, ["Wei Wang", "Wei Wang", "X Y"])
    assert slots == {}


def test_author_name_join_when_ids_are_not_forum_ids() -> None:
    records = [
        record("f1", ["Elizabeth Louise Baker", "Jakiw Pidstrigach", "Nikolas Nüsken"]),
        record("f2", ["Grigory Bartosh", "Dmitry Vetrov", "Christian A. Naesseth"]),
        record("f3", ["Someone Else", "Another Person"]),
    ]
    papers, slots = paper_list(
        [
            ("site_1", ["Grigory Bartosh", "Dmitry Vetrov", "Christian Andersson Naesseth"], []),
            ("site_2", ["Jakiw Pidstrigach", "Elizabeth Baker", "Nikolas Nusken"], []),
            ("site_3", ["Unrelated Author", "Other Writer"], []),
        ]
    )
    joins, counts = join_archive(records, papers, slots)
    by_id = {j.forum_id: j for j in joins}
    assert (by_id["f1"].method, by_id["f1"].paper_key) == ("author_names", "v/v2025#1")
    assert by_id["f1"].slots == {0: 1, 1: 0, 2: 2}
    assert (by_id["f2"].method, by_id["f2"].paper_key) == ("author_names", "v/v2025#0")
    assert by_id["f3"].method == "unjoined"
    assert (counts.by_method["author_names"], counts.by_method["unjoined"]) == (2, 1)


def test_author_name_join_refuses_ties_weak_overlap_and_lone_namesakes() -> None:
    team = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    # Two papers by the same team: a tie, nothing joins.
    assert join_by_author_names({"r": team}, {"p1": team, "p2": list(team)}) == {}
    # Half the families in common: below the threshold.
    half = ["Ada Lovelace", "Alan Turing", "Kurt Godel", "Emmy Noether"]
    assert join_by_author_names({"r": team}, {"p": half}) == {}
    # One author each with the same family name but another first name.
    assert join_by_author_names({"r": ["Wei Wang"]}, {"p": ["Hao Wang"]}) == {}
    assert join_by_author_names({"r": ["Wei Wang"]}, {"p": ["Wei Wang"]}) == {"r": "p"}


def test_venue_year_only_in_the_archive_joins_its_venues_file() -> None:
    rec = record("f9", ["Ada Lovelace"])
    paper = VenuePaper("f9", 4, "A title", "Poster", "main", ("Ada Lovelace",), ("",))
    (join,), counts = join_archive([rec], venue_papers=[paper], venue_file_key="venues/x/x2026")
    assert (join.method, join.paper_key, join.slots) == ("venue_file", "venues/x/x2026#0", {0: 0})
    assert counts.by_method["venue_file"] == 1


# --- the real mirror -------------------------------------------------------------------


def _real(venue: str, year: int) -> tuple[list[ArchiveRecord], ParsedFile]:
    root = require_shared("papercopilot-openreview")
    lists = require_shared("paperlists")
    path = root / "authors" / venue / f"{venue}{year}.jsonl.gz"
    content = read_archive_file(ArchiveFile("authors", venue, year, str(path)))
    records = [r for r in content.records if isinstance(r, ArchiveRecord)]
    f = mirror_files(Path(lists), {venue}, {year})[0]
    parsed = parse_file_bytes(read_bytes(f, None), path=f.location, venue=venue, year=year)
    return records, parsed


def test_real_neurips_2023_reordered_record_lands_on_the_right_slots() -> None:
    records, parsed = _real("nips", 2023)
    (rec,) = [r for r in records if r.forum_id == "009LK0vLcY"]
    joins, _ = join_archive([rec], parsed.papers, parsed.authorships)
    (join,) = joins
    assert join.method == "forum_id"
    slots = parsed.authorships.filter(
        pa.compute.equal(parsed.authorships["paper_key"], join.paper_key)
    )
    names = dict(zip(slots["author_index"].to_pylist(), slots["name"].to_pylist(), strict=True))
    for a in rec.authors:
        slot = join.slots[a.author_index]
        stem = a.profile_id.lstrip("~").rstrip("0123456789").replace("_", " ")
        # The paper list's name (kept) and the profile the values came from are one person.
        assert parse_name(stem).key_first == parse_name(names[slot]).key_first
    assert len(join.slots) == len(rec.authors) == len(names)


def test_real_author_name_join_is_precise_where_the_truth_is_known() -> None:
    """ICML 2024's paper list has forum ids and OpenReview ids: hide both and join papers
    and slots by names instead."""
    records, parsed = _real("icml", 2024)
    by_id = {
        j.forum_id: j.slots for j in join_archive(records, parsed.papers, parsed.authorships)[0]
    }
    keys, ids = parsed.papers["paper_key"].to_pylist(), parsed.papers["paper_id"].to_pylist()
    truth = dict(zip(keys, ids, strict=True))
    hidden = parsed.papers.set_column(
        parsed.papers.schema.get_field_index("paper_id"),
        "paper_id",
        pa.array([f"hidden{i}" for i in range(parsed.papers.num_rows)]),
    )
    no_ids = parsed.authorships.set_column(
        parsed.authorships.schema.get_field_index("profile_id"),
        "profile_id",
        pa.nulls(parsed.authorships.num_rows, pa.string()),
    )
    joins, _ = join_archive(records, hidden, no_ids)
    named = [j for j in joins if j.method == "author_names"]
    wrong = [j.forum_id for j in named if truth[j.paper_key or ""] != j.forum_id]
    assert wrong == []
    assert len(named) >= 0.9 * len(truth)
    slots = [(i, s, by_id[j.forum_id].get(i)) for j in named for i, s in j.slots.items()]
    assert [x for x in slots if x[1] != x[2]] == []
    assert len(slots) >= 0.9 * sum(len(by_id[j.forum_id]) for j in named)


def test_real_icml_2025_joins_by_author_names() -> None:
    records, parsed = _real("icml", 2025)
    joins, counts = join_archive(records, parsed.papers, parsed.authorships)
    assert counts.by_method["forum_id"] == 0  # its ids come from icml.cc, not OpenReview
    joined = counts.by_method["author_names"]
    assert joined >= 0.9 * parsed.papers.num_rows
    assert len({j.paper_key for j in joins if j.paper_key}) == joined  # one record per paper
    joined_ids = {j.forum_id for j in joins if j.method == "author_names"}
    with_values = sum(len(r.authors) for r in records if r.forum_id in joined_ids)
    assert counts.authors_on_slots >= 0.9 * with_values


def test_real_venue_years_only_in_the_archive_join_their_own_papers() -> None:
    root = require_shared("papercopilot-openreview")
    for venue in ("3dv", "ai4x", "aistats", "alt"):
        base = root / "{}" / venue / f"{venue}2026.jsonl.gz"
        authors = read_archive_file(
            ArchiveFile("authors", venue, 2026, str(base).format("authors"))
        )
        venues = read_archive_file(ArchiveFile("venues", venue, 2026, str(base).format("venues")))
        tables = venue_file_tables(venues)
        records = [r for r in authors.records if isinstance(r, ArchiveRecord)]
        papers = [v for v in venues.records if isinstance(v, VenuePaper)]
        joins, counts = join_archive(
            records, venue_papers=papers, venue_file_key=venues.file.file_key
        )
        assert counts.by_method["venue_file"] == len(records), venue
        keys = set(tables.papers["paper_key"].to_pylist())
        assert {j.paper_key for j in joins} <= keys
        slot_keys = set(
            zip(
                tables.authorships["paper_key"].to_pylist(),
                tables.authorships["author_index"].to_pylist(),
                strict=True,
            )
        )
        placed = {(j.paper_key, s) for j in joins for s in j.slots.values()}
        assert placed <= slot_keys
        assert counts.authors_on_slots == counts.authors_with_values, venue
