"""Slot values from two sources: documented precedence, provenance, misaligned paper lists."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa

from conftest import require_shared
from talentflow.resolve.archive_join import PaperJoin, join_archive
from talentflow.resolve.archive_slots import (
    SlotValue,
    follows_profile_order,
    paper_time_entry,
    project_slots,
    slot_values,
)
from talentflow.sources.papercopilot_openreview import (
    ArchiveAuthor,
    ArchiveFile,
    ArchiveRecord,
    parse_author_line,
    read_archive_file,
)
from talentflow.sources.paperlists import mirror_files, read_bytes
from talentflow.sources.paperlists_parse import parse_file_bytes


def archive_author(
    aff: str | None, domain: str | None = None, position: str | None = None
) -> ArchiveAuthor:
    return ArchiveAuthor(0, "~A_B1", 0, "same_id", aff, domain, position, *([None] * 5))


def test_paper_time_entry_is_the_last_of_several() -> None:
    assert paper_time_entry("KIAS+Seoul National University") == "Seoul National University"
    assert paper_time_entry("Adobe") == "Adobe"
    assert paper_time_entry(" + ") is None
    assert paper_time_entry(None) is None


def test_paper_list_value_first_then_archive_each_with_its_source() -> None:
    paper = {"affiliation": "Cornell University", "aff_domain": None, "position": None}
    values = slot_values(
        paper,
        archive_author("Together AI+Cornell", "together.ai+cornell.edu", "Researcher+PhD student"),
        False,
    )
    assert values == {
        "affiliation": SlotValue("Cornell University", "paperlists"),
        "aff_domain": SlotValue("cornell.edu", "papercopilot_openreview"),
        "position": SlotValue("PhD student", "papercopilot_openreview"),
    }
    assert slot_values(paper, None, False)["aff_domain"] == SlotValue(None, None)


def test_misaligned_paper_list_gives_way_to_the_archive() -> None:
    paper = {"affiliation": "Bogazici University", "aff_domain": "boun.edu.tr", "position": None}
    values = slot_values(paper, archive_author("University of Washington", None, None), True)
    assert values["affiliation"] == SlotValue("University of Washington", "papercopilot_openreview")
    assert values["aff_domain"] == SlotValue(None, None)


def _record(or_profile: str, aff: str) -> ArchiveRecord:
    return parse_author_line(
        {
            "id": "f1",
            "author": "Ada Lovelace;Alan Turing;Grace Hopper",
            "authorids": "~Ada_Lovelace1;~Alan_Turing1;~Grace_Hopper1",
            "or_profile": or_profile,
            "aff": aff,
        },
        "t.jsonl",
        1,
    )


def test_follows_profile_order_detects_values_listed_in_profile_order() -> None:
    rec = _record("~Alan_Turing1;~Ada_Lovelace1;~Grace_Hopper1", "Manchester;Cambridge;Yale")
    slots = {0: 0, 1: 1, 2: 2}
    # The paper list copied the archive's list as it stands: Manchester on Ada's slot.
    assert follows_profile_order(rec, slots, ["Manchester", "Cambridge", "Yale"])
    # A paper list in author order is fine.
    assert not follows_profile_order(rec, slots, ["Cambridge", "Manchester", "Yale"])
    # Same order in both lists: nothing moved, nothing to replace.
    same = _record("~Ada_Lovelace1;~Alan_Turing1;~Grace_Hopper1", "Cambridge;Manchester;Yale")
    assert not follows_profile_order(same, slots, ["Cambridge", "Manchester", "Yale"])


def test_real_neurips_2021_paper_list_in_profile_order_is_detected() -> None:
    """NeurIPS 2021 paper -KU_e4Biu0: the paper list puts 'Bogazici University,
    Undergrad student' on Adhyyan Narang's slot; the archive's or_profile shows it is Halil
    Ibrahim Gulluk's (and Maryam Fazel, not Gulluk, is the UW Full Professor)."""
    root = require_shared("papercopilot-openreview")
    lists = require_shared("paperlists")
    path = root / "authors" / "nips" / "nips2021.jsonl.gz"
    (rec,) = [
        r
        for r in read_archive_file(ArchiveFile("authors", "nips", 2021, str(path))).records
        if isinstance(r, ArchiveRecord) and r.forum_id == "-KU_e4Biu0"
    ]
    f = mirror_files(Path(lists), {"nips"}, {2021})[0]
    parsed = parse_file_bytes(read_bytes(f, None), path=f.location, venue="nips", year=2021)
    (join,), _ = join_archive([rec], parsed.papers, parsed.authorships)
    rows = [r for r in parsed.authorships.to_pylist() if r["paper_key"] == join.paper_key]
    affs = [r["affiliation"] for r in sorted(rows, key=lambda r: r["author_index"])]
    names = [r["name"] for r in sorted(rows, key=lambda r: r["author_index"])]
    assert affs[names.index("Adhyyan Narang")] == "Bogazici University"  # as the list has it
    assert follows_profile_order(rec, join.slots, affs)
    by_name = {rec.names[a.author_index]: a for a in rec.authors}
    assert by_name["Halil Ibrahim Gulluk"].affiliation == "Bogazici University"
    assert by_name["Maryam Fazel"].position == "Full Professor"
    with gzip.open(path, "rt") as fh:
        raw = next(json.loads(x) for x in fh if '"-KU_e4Biu0"' in x)
    assert raw["aff"].split(";") == affs  # the paper list copied the archive's order


def test_project_slots_every_slot_with_sources_and_provenance() -> None:
    rec = _record("~Alan_Turing1;~Ada_Lovelace1;~Grace_Hopper1", "Manchester;Cambridge;Yale")
    authorships = pa.table(
        {
            "paper_key": ["p#0", "p#0", "p#0", "q#0"],
            "author_index": pa.array([0, 1, 2, 0], pa.int32()),
            "affiliation": ["Manchester", "Cambridge", "Yale", "Elsewhere"],
            "aff_domain": [None, None, None, "else.org"],
            "position": [None, None, None, None],
        }
    )
    joins = [PaperJoin("f1", "forum_id", "p#0", {0: 0, 1: 1, 2: 2})]
    rows = project_slots(authorships, [rec], joins).to_pylist()
    got = [
        (r["paper_key"], r["affiliation"], r["affiliation_source"], r["profile_id"]) for r in rows
    ]
    # p#0 copied the archive's lists in or_profile order: the archive's placed values win.
    assert got == [
        ("p#0", "Cambridge", "papercopilot_openreview", "~Ada_Lovelace1"),
        ("p#0", "Manchester", "papercopilot_openreview", "~Alan_Turing1"),
        ("p#0", "Yale", "papercopilot_openreview", "~Grace_Hopper1"),
        ("q#0", "Elsewhere", "paperlists", None),
    ]
    assert [r["paper_misaligned"] for r in rows] == [True, True, True, False]
    assert rows[3]["aff_domain_source"] == "paperlists"
    assert rows[0]["forum_id"] == "f1"
