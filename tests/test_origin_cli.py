"""The census, origin shares and origin evaluate commands (INTERFACE.md shapes)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.graph.store import Store
from talentflow.origin.census import census_names, run_census
from talentflow.origin.groups import GROUPS
from talentflow.origin.shares import ShareSettings

runner = CliRunner()

CHINESE = [
    "Wei Zhang",
    "Xiaoming Li",
    "Jianfeng Wang",
    "Yu Chen",
    "Hsin-Ying Lee",
    "Zhang Wei",
    "Tianyi Liu",
    "Weihong Zhou",
    "Ka Wai Cheung",
    "Zengzhi Huang",
    "Ruoxi Sun",
    "Qiang Yang",
]
OTHERS = [
    "John Smith",
    "Emma Williams",
    "Hans Müller",
    "Giulia Rossi",
    "María García",
    "Seung-Joo Lee",
    "Hiroshi Tanaka",
    "Rahul Sharma",
    "Olga Ivanova",
    "Mehmet Yilmaz",
]


def _write_names(path: Path, names: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name"])
        w.writerows([n] for n in names)
    return path


def test_shares_json_shape(tmp_path: Path) -> None:
    path = _write_names(tmp_path / "names.csv", CHINESE * 4 + OTHERS)
    result = runner.invoke(
        app, ["origin", "shares", "--input", str(path), "--format", "json", "--bootstrap", "60"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == len(CHINESE) * 4 + len(OTHERS)
    assert isinstance(data["abstained"], int)
    assert set(data["shares"]) == set(GROUPS)
    chinese = data["shares"]["chinese"]
    assert chinese["low"] <= chinese["estimate"] <= chinese["high"]
    assert chinese["estimate"] > 0.6
    assert data["statement"]
    # Groups resting on fewer than 10 people are suppressed.
    assert data["shares"]["greek"] == {
        "estimate": None,
        "low": None,
        "high": None,
        "suppressed": True,
    }
    for name in CHINESE + OTHERS:
        assert name not in result.stdout


def test_shares_table_and_csv(tmp_path: Path) -> None:
    path = _write_names(tmp_path / "names.csv", CHINESE * 4)
    table = runner.invoke(app, ["origin", "shares", "--input", str(path), "--bootstrap", "50"])
    assert table.exit_code == 0
    assert "chinese" in table.stdout
    assert "not nationality" in table.stderr
    out = runner.invoke(
        app, ["origin", "shares", "--input", str(path), "-f", "csv", "--bootstrap", "50"]
    )
    rows = list(csv.DictReader(out.stdout.splitlines()))
    assert [r["group"] for r in rows] == list(GROUPS)


def test_shares_with_a_known_prior(tmp_path: Path) -> None:
    path = _write_names(tmp_path / "names.csv", CHINESE * 4 + OTHERS)
    prior = tmp_path / "prior.json"
    prior.write_text(json.dumps({g: 1 for g in GROUPS}))
    result = runner.invoke(
        app,
        [
            "origin",
            "shares",
            "--input",
            str(path),
            "--prior",
            str(prior),
            "-f",
            "json",
            "--bootstrap",
            "50",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["method"]["prior"] == {g: 1.0 for g in GROUPS}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"martian": 1}))
    result = runner.invoke(app, ["origin", "shares", "--input", str(path), "--prior", str(bad)])
    assert result.exit_code == 1
    assert "martian" in result.stderr


def test_shares_rejects_a_file_without_names(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("person\nWei Zhang\n")
    result = runner.invoke(app, ["origin", "shares", "--input", str(path)])
    assert result.exit_code == 1
    assert "missing column(s): name" in result.stderr


def test_evaluate_on_a_labelled_file(tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "group"])
        w.writerows([n, "chinese"] for n in CHINESE)
        w.writerows([["John Smith", "anglo"], ["Hiroshi Tanaka", "japanese"]])
    result = runner.invoke(app, ["origin", "evaluate", "--labeled", str(path), "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"n", "coverage", "accuracy", "macro_f1", "per_group"} <= set(data)
    assert data["n"] == len(CHINESE) + 2
    assert data["per_group"]["chinese"]["support"] + data["per_group"]["chinese"][
        "abstained"
    ] == len(CHINESE)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,group\nWei Zhang,martian\n")
    result = runner.invoke(app, ["origin", "evaluate", "--labeled", str(bad)])
    assert result.exit_code == 1 and "martian" in result.stderr


def _tiny_store(tmp_path: Path) -> Path:
    folder = tmp_path / "mirror" / "nips"
    folder.mkdir(parents=True)
    authors = CHINESE + OTHERS
    records = [
        {
            "id": f"p{i}",
            "title": "T",
            "status": "Poster",
            "track": "main" if i % 4 else "D&B",
            "author": ";".join(authors[i : i + 4]),
        }
        for i in range(0, len(authors), 2)
    ]
    records.append(
        {
            "id": "rej",
            "title": "R",
            "status": "Reject",
            "track": "main",
            "author": "Rejected Person;Another Reject",
        }
    )
    (folder / "nips2024.json.gz").write_bytes(gzip.compress(json.dumps(records).encode()))
    db = tmp_path / "store.duckdb"
    result = runner.invoke(app, ["build", "--mirror", str(tmp_path / "mirror"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_census_counts_distinct_accepted_authors(tmp_path: Path) -> None:
    db = _tiny_store(tmp_path)
    result = runner.invoke(
        app,
        [
            "census",
            "--venue",
            "nips",
            "--year",
            "2024",
            "--db",
            str(db),
            "-f",
            "json",
            "--bootstrap",
            "50",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == len(set(CHINESE + OTHERS))  # rejected papers' authors excluded
    assert data["tracks_in_store"] == {"main": 5, "D&B": 6}
    main = runner.invoke(
        app,
        [
            "census",
            "--venue",
            "nips",
            "--year",
            "2024",
            "--track",
            "main",
            "--db",
            str(db),
            "-f",
            "json",
            "--bootstrap",
            "50",
        ],
    )
    assert json.loads(main.stdout)["n"] < data["n"]
    missing = runner.invoke(
        app, ["census", "--venue", "nips", "--year", "2024", "--track", "x", "--db", str(db)]
    )
    assert missing.exit_code == 1 and "no track 'x'" in missing.stderr
    none = runner.invoke(app, ["census", "--venue", "icml", "--year", "2024", "--db", str(db)])
    assert none.exit_code == 1


@pytest.mark.shared_data
def test_census_of_neurips_2024_on_the_real_mirror(mirror_store: Store) -> None:
    names, slots = census_names(mirror_store, "nips", 2024, None)
    raw = mirror_store.query(
        "SELECT a.name FROM authorships a JOIN papers p USING (paper_key) "
        "WHERE p.accepted AND p.venue = 'nips' AND p.year = 2024"
    )
    folded = {" ".join(r["name"].split()).lower() for r in raw}
    assert len(names) == len(folded)
    assert slots == len(raw)
    result = run_census(mirror_store, "nips", 2024, None, ShareSettings(bootstrap=100)).as_dict()
    chinese = result["shares"]["chinese"]
    assert chinese["low"] <= chinese["estimate"] <= chinese["high"]
    assert chinese["high"] - chinese["low"] < 0.03
    assert result["abstained"] < 0.05 * result["n"]
    shown = sum(c["estimate"] for c in result["shares"].values() if not c["suppressed"])
    assert shown == pytest.approx(1.0, abs=0.02)
    assert not any(name in json.dumps(result) for name in names[:500])


@pytest.mark.parametrize(
    ("mix", "reason"),
    [
        ({"chinese": -1.0, "anglo": 2.0}, "negative or non-finite weights for chinese"),
        ({"chinese": 0, "anglo": 0}, "all zero"),
        ({"chinese": True}, "JSON object"),
    ],
)
def test_shares_refuses_a_bad_prior(tmp_path: Path, mix: dict[str, object], reason: str) -> None:
    names = _write_names(tmp_path / "names.csv", CHINESE + OTHERS)
    prior = tmp_path / "prior.json"
    prior.write_text(json.dumps(mix), encoding="utf-8")
    result = runner.invoke(
        app, ["origin", "shares", "--input", str(names), "--prior", str(prior), "-f", "json"]
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert reason in result.stderr and "Traceback" not in result.output
