"""What the commands print is honest and readable: no comparison without data, fixed
decimals for shares, a word when a valid query matches nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperlist_files import record, write_list
from talentflow.cli import app
from talentflow.cli.output import print_table

runner = CliRunner()


def _build(tmp_path: Path, with_affiliations: bool) -> Path:
    mirror = tmp_path / "mirror"
    extra = {"aff": "MIT;Tsinghua University", "aff_domain": "mit.edu;tsinghua.edu.cn"}
    write_list(
        mirror,
        "nips",
        2019,
        [
            record(id=f"p{i}", status="Poster", author=f"Ann Lee{i};Bo Chen{i}")
            | (extra if with_affiliations else {})
            for i in range(12)
        ],
    )
    db = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["build", "--mirror", str(mirror), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.parametrize("with_affiliations", [False, True])
def test_no_tracker_gap_without_work_countries(tmp_path: Path, with_affiliations: bool) -> None:
    db = _build(tmp_path, with_affiliations)
    args = ["pipeline", "--venue", "nips", "--year", "2019", "--db", str(db), "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert bool(data["coverage"]["work"]) is with_affiliations
    # A gap to the Tracker is only shown when some author's work country is known.
    assert bool(data["comparison"]) is with_affiliations
    assert ("Tracker" in data["method"]) is with_affiliations


def test_shares_print_as_percentages_with_fixed_decimals(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    rows = [{"group": "greek", "estimate": 7.811e-05, "low": 1.2e-05, "high": 0.000212}]
    print_table(rows, ["group", "estimate", "low", "high"])
    out = capsys.readouterr().out
    assert "0.01%" in out and "0.00%" in out and "0.02%" in out
    assert "e-0" not in out
    print_table([{"country": "KR", "net_per_10k": 12.3456, "low": -3.21e-05}])
    out = capsys.readouterr().out
    assert "12.35" in out and "-0.0000" in out and "%" not in out and "e-0" not in out


def test_ids_and_numbers_are_never_split_at_80_columns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    person = "P" + "0123456789abcdef" * 3
    row = {
        "person_id": person,
        "display_name": "Jürgen Schmidhuber",
        "n_slots": 1234567,
        "venues": "icml,iclr,nips,aaai,ijcai",
        "latest_affiliation": "Istituto Dalle Molle di Studi sull'Intelligenza Artificiale",
    }
    print_table([row, row | {"n_slots": 3}])
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    lines = out.splitlines()
    assert any(person in line for line in lines)
    assert any("1,234,567" in line for line in lines)
    assert any("icml,iclr,nips,aaai,ijcai" in line for line in lines)


def test_an_empty_valid_result_says_so(tmp_path: Path) -> None:
    db = _build(tmp_path, with_affiliations=True)
    args = ["migration", "--from", "2019", "--to", "2019", "--country", "NZ", "--db", str(db)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "no rows (the query is valid; nothing matches it)" in result.stderr


def test_unknown_stages_are_announced(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "person,organisation,country,stage,start,end\n"
        "a,MIT,US,PhD student,2015,2019\n"
        "a,KAIST,KR,Wizard,2020,\n"
        "b,ETH,CH,postdoc,2018,2020\n"
    )
    db = tmp_path / "c.duckdb"
    args = ["careers", "load", str(path), "--dataset", "mine", "--db", str(db)]
    result = runner.invoke(app, [*args, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stages_unknown"] == ["Wizard"]
    assert "stages not recognised, stored as 'unknown': Wizard" in result.stderr
