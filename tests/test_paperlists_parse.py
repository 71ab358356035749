"""The paper-list parser: every field variant, and bad input named precisely."""

from __future__ import annotations

import codecs
import gzip
import json
from typing import Any

import pytest

from talentflow.errors import BadInputError
from talentflow.sources.paperlists_parse import (
    ParsedFile,
    is_accepted,
    parse_file_bytes,
    profile_kind,
)


def parse(records: Any, venue: str = "nips", year: int = 2021) -> ParsedFile:
    return parse_file_bytes(json.dumps(records).encode(), path="t.json", venue=venue, year=year)


def slots(parsed: ParsedFile) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = parsed.authorships.to_pylist()
    return rows


def test_semicolon_names_with_aligned_lists() -> None:
    parsed = parse(
        [
            {
                "id": "x",
                "author": "Ada Lovelace;Alan Turing",
                "authorids": "~Ada_Lovelace1;~Alan_Turing1",
                "aff": "Cambridge;Google",
                "aff_domain": "cam.ac.uk;google.com",
                "position": "PhD student;Researcher",
            }
        ]
    )
    rows = slots(parsed)
    assert [r["name"] for r in rows] == ["Ada Lovelace", "Alan Turing"]
    assert [r["author_index"] for r in rows] == [0, 1]
    assert rows[1]["affiliation"] == "Google"
    assert rows[1]["aff_domain"] == "google.com"
    assert rows[0]["position"] == "PhD student"
    assert rows[0]["profile_kind"] == "openreview"
    assert rows[0]["aff_basis"] == "aligned"
    assert parsed.papers.to_pylist()[0]["paper_id"] == "x"


def test_authors_field_with_comma_separator() -> None:
    rows = slots(parse([{"authors": "Anqi Mao, Mehryar Mohri, Yutao Zhong"}]))
    assert [r["name"] for r in rows] == ["Anqi Mao", "Mehryar Mohri", "Yutao Zhong"]


def test_blank_names_dropped_and_lists_stay_aligned() -> None:
    rows = slots(parse([{"author": "A One;;B Two;", "aff": "X;;Y;"}]))
    assert [(r["name"], r["affiliation"]) for r in rows] == [("A One", "X"), ("B Two", "Y")]


def test_doubled_author_list_counted_once() -> None:
    parsed = parse(
        [
            {
                "author": "A;B;C;A;B;C",
                "authorids": "/1;/2;/3;/1;/2;/3",
                "aff": "U1; U2; U3",
            }
        ],
        venue="icra",
        year=2010,
    )
    assert parsed.author_slots_listed == 6
    assert parsed.author_slots == 3
    assert parsed.doubled_lists == 1
    rows = slots(parsed)
    assert [r["affiliation"] for r in rows] == ["U1", "U2", "U3"]
    assert [r["profile_kind"] for r in rows] == ["ieee"] * 3
    assert parsed.papers.to_pylist()[0]["doubled_list"] is True


def test_misaligned_list_is_dropped_and_counted_names_kept() -> None:
    parsed = parse([{"author": "A;B;C;D", "aff": "U1;U2", "aff_domain": "a.edu;b.edu;c.edu;d.edu"}])
    rows = slots(parsed)
    assert [r["name"] for r in rows] == ["A", "B", "C", "D"]
    assert all(r["affiliation"] is None for r in rows)
    assert [r["aff_domain"] for r in rows] == ["a.edu", "b.edu", "c.edu", "d.edu"]
    assert parsed.dropped["aff"] == 1
    assert parsed.papers.to_pylist()[0]["dropped_fields"] == ["aff"]


def test_openreview_lists_that_skip_authors_without_profile() -> None:
    rows = slots(
        parse(
            [
                {
                    "author": "Yihao Xue;Eric Gan;Pin-Yu Chen",
                    "authorids": "~Yihao_Xue1;egan8@g.ucla.edu;~Pin-Yu_Chen1",
                    "aff": "UCLA;IBM",
                    "aff_domain": "ucla.edu;ibm.com",
                    "position": "PhD student;Principal Researcher",
                }
            ]
        )
    )
    assert [r["affiliation"] for r in rows] == ["UCLA", None, "IBM"]
    assert [r["position"] for r in rows] == ["PhD student", None, "Principal Researcher"]
    assert rows[1]["profile_kind"] == "email"
    assert rows[2]["aff_basis"] == "profile_aligned"


def test_single_affiliation_shared_by_all_authors_without_ids() -> None:
    rows = slots(parse([{"author": "Yawei Li, Radu Timofte", "aff": "ETH Zurich"}]))
    assert [r["affiliation"] for r in rows] == ["ETH Zurich", "ETH Zurich"]
    assert {r["aff_basis"] for r in rows} == {"single_shared"}


def test_source_labels_follow_index_lists_with_plus() -> None:
    rows = slots(
        parse(
            [
                {
                    "author": "A;B;C",
                    "aff_unique_index": "0;1;0+2",
                    "aff_unique_norm": "UvA;EPFL;Qualcomm",
                    "aff_country_unique_index": "0;1;0+2",
                    "aff_country_unique": "Netherlands;Switzerland;United States",
                }
            ]
        )
    )
    assert rows[2]["source_orgs"] == ["UvA", "Qualcomm"]
    assert rows[2]["source_countries"] == ["Netherlands", "United States"]
    assert rows[1]["source_countries"] == ["Switzerland"]


def test_out_of_range_label_index_drops_only_that_list() -> None:
    parsed = parse(
        [{"author": "A;B", "aff_country_unique_index": "0;5", "aff_country_unique": "Japan"}]
    )
    assert all(r["source_countries"] is None for r in slots(parsed))
    assert parsed.dropped["aff_country_unique_index"] == 1


@pytest.mark.parametrize(
    ("status", "accepted"),
    [
        ("Poster", True),
        ("Oral", True),
        ("", True),
        (None, True),
        ("Reject", False),
        ("Withdraw", False),
        ("Desk Reject", False),
        ("desk rejected", False),
    ],
)
def test_status_flags(status: str | None, accepted: bool) -> None:
    assert is_accepted(status) is accepted
    paper = parse([{"author": "A", "status": status}]).papers.to_pylist()[0]
    assert paper["accepted"] is accepted
    assert paper["is_oral"] is (status == "Oral")


def test_rejected_papers_are_kept_but_flagged_on_slots() -> None:
    parsed = parse([{"author": "A", "status": "Reject"}, {"author": "B", "status": "Poster"}])
    assert parsed.records == 2
    assert [r["accepted"] for r in slots(parsed)] == [False, True]


def test_numeric_and_missing_ids() -> None:
    papers = parse([{"id": 42, "author": "A"}, {"author": "B"}]).papers.to_pylist()
    assert papers[0]["paper_id"] == "42"
    assert papers[1]["paper_id"] == "nips/nips2021#1"


def test_profile_kinds() -> None:
    assert profile_kind("~Ye_Wang3") == "openreview"
    assert profile_kind("someone@ibm.com") == "email"
    assert profile_kind("/37327589100") == "ieee"
    assert profile_kind("/y/yuji-zhang/") == "acl"
    assert profile_kind("") is None


# --- bad input: each names the file (and record) and the reason -----------------------


def test_malformed_json_names_file() -> None:
    with pytest.raises(BadInputError, match=r"t\.json: malformed JSON"):
        parse_file_bytes(b'[{"author": "A"', path="t.json", venue="nips", year=2021)


def test_truncated_gzip_names_file() -> None:
    data = gzip.compress(json.dumps([{"author": "A"}] * 50).encode())
    with pytest.raises(BadInputError, match=r"x\.json\.gz: truncated gzip"):
        parse_file_bytes(data[: len(data) // 2], path="x.json.gz", venue="nips", year=2021)


def test_gz_name_without_gzip_content() -> None:
    with pytest.raises(BadInputError, match="not gzip"):
        parse_file_bytes(b"[]", path="x.json.gz", venue="nips", year=2021)


def test_record_that_is_not_an_object_names_index() -> None:
    with pytest.raises(BadInputError) as info:
        parse([{"author": "A"}, ["not", "a", "record"]])
    assert info.value.record == 2  # records are numbered from 1
    assert "record 2" in str(info.value)
    assert "not an object" in str(info.value)


def test_field_of_wrong_type_names_field_and_record() -> None:
    with pytest.raises(BadInputError, match=r"record 3\): field 'aff' should be text, got list"):
        parse([{"author": "A"}, {"author": "B"}, {"author": "C", "aff": ["x"]}])


def test_top_level_must_be_an_array() -> None:
    with pytest.raises(BadInputError, match="expected a JSON array"):
        parse({"papers": []})


def test_unknown_encoding_is_rejected_with_offset() -> None:
    latin1 = json.dumps([{"author": "Jérôme"}], ensure_ascii=False).encode("latin-1")
    with pytest.raises(BadInputError, match=r"not UTF-8 text \(invalid byte at offset \d+\)"):
        parse_file_bytes(latin1, path="t.json", venue="nips", year=2021)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32"])
def test_bom_marked_unicode_is_accepted(encoding: str) -> None:
    data = json.dumps([{"author": "Jérôme Côté;李伟"}], ensure_ascii=False).encode(encoding)
    assert data.startswith(
        (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE)
    )
    parsed = parse_file_bytes(data, path="t.json", venue="nips", year=2021)
    assert [r["name"] for r in slots(parsed)] == ["Jérôme Côté", "李伟"]


@pytest.mark.parametrize("index", ["0;-1", "0;x", "0;7"])
def test_invalid_label_index_drops_the_list(index: str) -> None:
    parsed = parse([{"author": "A;B", "aff_unique_index": index, "aff_unique_norm": "U1;U2"}])
    assert all(r["source_orgs"] is None for r in slots(parsed))
    assert parsed.dropped["aff_unique_index"] == 1


def test_records_of_another_edition_are_left_out_and_counted() -> None:
    # The mirror's ECCV 2018 file holds ECCV 2022 papers: their own pages say so.
    parsed = parse(
        [
            {
                "title": "A 2022 paper",
                "author": "Ada Lovelace;Alan Turing",
                "site": "https://www.ecva.net/papers/eccv_2022/papers_ECCV/html/8094.php",
            },
            {
                "title": "A 2018 paper",
                "author": "Grace Hopper",
                "site": "https://openaccess.thecvf.com/content_ECCV_2018/html/x.html",
            },
            {"title": "No pages", "author": "Edsger Dijkstra", "pdf": None},
        ],
        venue="eccv",
        year=2018,
    )
    assert parsed.other_edition == 1
    assert parsed.records == 3
    assert [p["title"] for p in parsed.papers.to_pylist()] == ["A 2018 paper", "No pages"]
    assert [r["name"] for r in slots(parsed)] == ["Grace Hopper", "Edsger Dijkstra"]
    assert [r["record_index"] for r in slots(parsed)] == [1, 2]


def test_a_year_elsewhere_in_a_url_is_not_an_edition() -> None:
    # NeurIPS pages carry the year apart from the venue name; ids may hold digits.
    parsed = parse(
        [
            {
                "author": "Ada Lovelace",
                "site": "https://papers.nips.cc/paper/2019/hash/2020abc.html",
                "pdf": "https://nips.cc/media/nips2021-files/x.pdf",
            }
        ],
        venue="nips",
        year=2021,
    )
    assert parsed.other_edition == 0
    assert parsed.papers.num_rows == 1


def test_url_fields_that_are_not_text_are_ignored() -> None:
    parsed = parse(
        [
            {"author": "Ada Lovelace", "site": 5},
            {"author": "Alan Turing", "site": "https://x.org/eccv_2022/a.html", "pdf": ["a"]},
        ],
        venue="eccv",
        year=2018,
    )
    assert parsed.other_edition == 1
    assert [r["name"] for r in slots(parsed)] == ["Ada Lovelace"]
