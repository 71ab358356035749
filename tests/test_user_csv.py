"""The one reader of users' CSV files: encodings, big fields, broken quotes, 1-based records."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from talentflow.errors import BadInputError
from talentflow.sources.user_csv import FIELD_LIMIT, parse_user_csv, read_user_csv


def test_records_are_numbered_from_one_and_headers_folded() -> None:
    table = parse_user_csv(" Name ,GROUP\nA,b\n\nC,d\n", "f.csv", ["name", "group"])
    assert table.columns == ["name", "group"]
    assert table.records == [(1, {"name": "A", "group": "b"}), (2, {"name": "C", "group": "d"})]


def test_quoted_fields_may_hold_commas_and_line_breaks() -> None:
    table = parse_user_csv('name,org\n"Lee, Ann","MIT\nCSAIL"\nBo,X\n', "f.csv")
    assert [r for _, r in table.records] == [
        {"name": "Lee, Ann", "org": "MIT\nCSAIL"},
        {"name": "Bo", "org": "X"},
    ]


def test_an_unterminated_quote_is_refused_naming_its_line() -> None:
    text = 'name,org\nA,x\n"B,y\nC,z\nD,w\n'
    with pytest.raises(BadInputError) as err:
        parse_user_csv(text, "f.csv")
    assert err.value.record == 2
    assert "quote opened in the record on line 3 is never closed" in str(err.value)


def test_a_quote_that_swallows_lines_is_refused() -> None:
    text = 'name,org,year\nA,x,2020\n"B,y,2021\nC,z,2022\nD,w",2023\n'
    with pytest.raises(BadInputError, match="record starting on line 3 runs over 3 lines"):
        parse_user_csv(text, "f.csv")


def test_fields_over_128_kib_are_read() -> None:
    big = "x" * 200_000
    table = parse_user_csv(f"name,notes\nA,{big}\n", "f.csv")
    assert table.records[0][1]["notes"] == big


def test_a_field_over_the_limit_is_refused_naming_its_line() -> None:
    with pytest.raises(BadInputError, match=f"field on line 3 is over {FIELD_LIMIT:,}"):
        parse_user_csv("name\nA\n" + "x" * (FIELD_LIMIT + 1) + "\n", "f.csv")


def test_encodings(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name\nAnn\nJürgen\n".encode("latin-1"))
    with pytest.raises(BadInputError, match=r"not UTF-8 text \(byte 0xfc on line 3\)"):
        read_user_csv(latin)
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("name\nJürgen\n".encode("utf-16"))
    assert read_user_csv(utf16).records == [(1, {"name": "Jürgen"})]
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + b"name\nA\n")
    assert read_user_csv(bom).columns == ["name"]


def test_missing_file_and_columns(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="cannot read file"):
        read_user_csv(tmp_path / "none.csv")
    path = tmp_path / "x.csv"
    path.write_text("person\nA\n")
    with pytest.raises(BadInputError, match=r"missing column\(s\): name"):
        read_user_csv(path, ["name"])
