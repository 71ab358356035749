"""The indicator commands: JSON per INTERFACE.md, CSV and table output, one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from devtools.synthetic import SyntheticSpec, generate
from talentflow.careers.derive import derive_careers
from talentflow.cli import app
from talentflow.graph.store import open_store
from talentflow.indicators.migration import migration

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "synthetic.duckdb"
    with open_store(path) as store:
        generate(SyntheticSpec(people=400, orgs=20, seed=11)).write(store)
        derive_careers(store)
    return path


def _json(args: list[str]) -> dict[str, object]:
    res = runner.invoke(app, [*args, "--format", "json"])
    assert res.exit_code == 0, res.stderr
    data: dict[str, object] = json.loads(res.stdout)
    return data


def _cell_ok(cell: object) -> None:
    assert isinstance(cell, dict)
    assert {"share", "low", "high"} <= set(cell)
    assert cell["low"] <= cell["share"] <= cell["high"]


def test_pipeline_json_follows_the_interface(db: Path) -> None:
    data = _json(["pipeline", "--venue", "synth", "--year", "2020", "--db", str(db)])
    assert {"n", "coverage", "origin", "training", "work", "work_by_origin"} <= set(data)
    assert isinstance(data["n"], int) and data["n"] > 0
    work = data["work"]
    assert isinstance(work, dict) and work
    for cell in work.values():
        _cell_ok(cell)
    by_origin = data["work_by_origin"]
    assert isinstance(by_origin, dict)
    for row in by_origin.values():
        for cell in row.values():
            _cell_ok(cell)
    hq = _json(["pipeline", "--venue", "synth", "--year", "2020", "--basis", "hq", "--db", str(db)])
    assert hq["basis"] == "hq" and hq["n"] == data["n"]


def test_migration_json_rows(db: Path) -> None:
    data = _json(["migration", "--from", "2013", "--to", "2025", "--db", str(db)])
    rows = data["rows"]
    assert isinstance(rows, list) and rows
    keys = {"country", "year", "researchers", "inflow", "outflow", "net_per_10k", "low", "high"}
    assert all(keys <= set(r) for r in rows)
    with open_store(db, read_only=True) as store:
        assert rows == migration(store, 2013, 2025).rows


def test_orgflows_json_and_csv(db: Path) -> None:
    data = _json(["orgflows", "--from", "2013", "--to", "2025", "--k", "2", "--db", str(db)])
    rows = data["rows"]
    assert isinstance(rows, list) and rows
    keys = {"from_org", "to_org", "from_country", "to_country", "year", "moves"}
    assert all(keys <= set(r) for r in rows)
    assert isinstance(data["group_moves"], list)
    res = runner.invoke(
        app, ["orgflows", "--from", "2013", "--to", "2025", "--db", str(db), "--format", "csv"]
    )
    assert res.exit_code == 0, res.stderr
    parsed = list(csv.DictReader(io.StringIO(res.stdout)))
    assert len(parsed) == len(rows)
    assert sum(int(r["moves"]) for r in parsed) == sum(int(r["moves"]) for r in rows)


def test_country_and_pedigree_json(db: Path) -> None:
    kr = _json(["country", "KR", "--db", str(db)])
    assert kr["country"] == "KR"
    assert {"trains", "employs", "keeps", "loses_to", "gains_from", "trend"} <= set(kr)
    ped = _json(
        [
            "pedigree",
            "--org",
            "syn-org19",
            "--year",
            "2022",
            "--earlier",
            "syn-org0",
            "--db",
            str(db),
        ]
    )
    assert {"n", "coverage", "share", "share_with_history"} <= set(ped)
    _cell_ok(ped["share"])


def test_table_output_and_method_note(db: Path) -> None:
    res = runner.invoke(app, ["migration", "--from", "2020", "--to", "2021", "--db", str(db)])
    assert res.exit_code == 0, res.stderr
    assert "country" in res.stdout and "inflow" in res.stdout
    assert "Newcombe" in res.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["orgflows", "--from", "2013", "--to", "2025", "--org", "no such org"], "no organisation"),
        (["migration", "--from", "2020", "--to", "2010"], "after"),
        (["country", "Korea"], "alpha-2"),
        (["pipeline", "--venue", "synth", "--year", "2020", "--basis", "moon"], "--basis"),
    ],
)
def test_errors_are_one_line_with_exit_1(db: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, [*args, "--db", str(db)])
    assert res.exit_code == 1
    assert message in res.stderr
    assert res.stdout == ""


def test_careers_load_command(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "person,organisation,country,role,start,end\n"
        "a,MIT,US,PhD student,2015,2019\n"
        "a,KAIST,KR,Assistant Professor,2020,\n"
    )
    db = tmp_path / "c.duckdb"
    data = _json(["careers", "load", str(path), "--dataset", "mine", "--db", str(db)])
    assert data["stints"] == 2 and data["moves"] == 1
    kr = _json(["migration", "--from", "2019", "--to", "2021", "--country", "KR", "--db", str(db)])
    rows = kr["rows"]
    assert isinstance(rows, list)
    assert [(r["year"], r["inflow"]) for r in rows if r["inflow"]] == [(2020, 1)]
