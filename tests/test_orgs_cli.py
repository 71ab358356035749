"""``talentflow orgs resolve`` and ``talentflow orgs top`` through the real CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.graph.schema import AUTHORSHIPS, PAPERS
from talentflow.graph.store import open_store
from talentflow.resolve.derive import derive_orgs
from talentflow.resolve.orgs import Resolver
from talentflow.resolve.reference import ReferenceData

runner = CliRunner()


@pytest.fixture()
def affiliations_csv(tmp_path: Path) -> Path:
    path = tmp_path / "affs.csv"
    path.write_text(
        "affiliation,domain\n"
        '"Dept. of EECS, MIT, Cambridge, MA",\n'
        "Google DeepMind,deepmind.com\n"
        ",gmail.com\n"
        "Moonshot AI,\n"
        "Universit\u00c3\u00a9 de Montr\u00c3\u00a9al,\n",
        encoding="utf-8",
    )
    return path


def test_resolve_json(affiliations_csv: Path) -> None:
    result = runner.invoke(
        app, ["orgs", "resolve", "--input", str(affiliations_csv), "--offline", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n"] == 5
    rows = data["rows"]
    for key in ("org_id", "org", "org_kind", "country", "country_basis", "confidence"):
        assert all(key in r for r in rows)
    assert (rows[1]["org"], rows[1]["country"], rows[1]["hq_country"]) == (
        "Google DeepMind",
        "GB",
        "US",
    )
    assert rows[2]["org_id"] is None and "email-provider" in rows[2]["notes"]
    assert (rows[3]["org"], rows[3]["country"]) == ("Moonshot AI", "CN")
    assert rows[4]["country"] == "CA" and "mojibake" in rows[4]["notes"]


def test_resolve_csv_has_one_row_per_input(affiliations_csv: Path) -> None:
    result = runner.invoke(
        app, ["orgs", "resolve", "--input", str(affiliations_csv), "--offline", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 5
    assert rows[0]["country"] == "US" and rows[0]["country_basis"] == "stated"


def test_resolve_without_domain_column(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Affiliation\nOpenAI\n")
    result = runner.invoke(
        app, ["orgs", "resolve", "--input", str(path), "--offline", "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"][0]["org"] == "OpenAI"


def test_resolve_bad_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("name,domain\nx,y\n")
    result = runner.invoke(app, ["orgs", "resolve", "--input", str(path), "--offline"])
    assert result.exit_code == 1
    assert "affiliation" in result.output
    missing = runner.invoke(app, ["orgs", "resolve", "--input", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1 and "cannot read" in missing.output


def _tiny_store(path: Path) -> None:
    """Two accepted papers and one rejected one, with known affiliations."""
    papers, slots = [], []
    affs = [
        ("p1", True, ["Tsinghua University, Beijing, China", "Google DeepMind, London"]),
        ("p2", True, ["Tsinghua University, Beijing, China", "Stanford University, CA"]),
        ("p3", False, ["Stanford University, CA", "Stanford University, CA"]),
    ]
    for i, (pid, accepted, names) in enumerate(affs):
        key = f"icml/icml2024#{i}"
        prov = {"source": "t", "file_key": "icml/icml2024", "file_sha256": "x", "record_index": i}
        papers.append(
            {
                "paper_key": key,
                "venue": "icml",
                "year": 2024,
                "paper_id": pid,
                "title": pid,
                "accepted": accepted,
                "is_oral": False,
                "n_authors": len(names),
                "doubled_list": False,
                **prov,
            }
        )
        for j, aff in enumerate(names):
            slots.append(
                {
                    "paper_key": key,
                    "author_index": j,
                    "venue": "icml",
                    "year": 2024,
                    "accepted": accepted,
                    "name": f"A{i}{j}",
                    "affiliation": aff,
                    **prov,
                }
            )
    with open_store(path) as store:
        store.append_arrow(PAPERS, pa.Table.from_pylist(papers, schema=PAPERS.arrow_schema()))
        store.append_arrow(
            AUTHORSHIPS, pa.Table.from_pylist(slots, schema=AUTHORSHIPS.arrow_schema())
        )
        derive_orgs(store, resolver=Resolver(ReferenceData.empty()))


def test_top_counts_accepted_slots_by_org_and_country(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    _tiny_store(db)
    result = runner.invoke(
        app, ["orgs", "top", "--venue", "icml", "--year", "2024", "--db", str(db), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["slots"] == 4 and data["with_country"] == 4
    assert data["organisations"][0]["org"] == "Tsinghua University"
    assert data["organisations"][0]["slots"] == 2
    countries = {c["country"]: c["slots"] for c in data["countries"]}
    assert countries == {"CN": 2, "GB": 1, "US": 1}
    hq = runner.invoke(
        app,
        [
            "orgs",
            "top",
            "--venue",
            "icml",
            "--year",
            "2024",
            "--db",
            str(db),
            "--basis",
            "hq",
            "-f",
            "json",
        ],
    )
    hq_countries = {c["country"]: c["slots"] for c in json.loads(hq.stdout)["countries"]}
    assert hq_countries == {"CN": 2, "US": 2}  # DeepMind counts for its parent's HQ


def test_top_table_and_errors(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    _tiny_store(db)
    table = runner.invoke(
        app, ["orgs", "top", "--venue", "icml", "--year", "2024", "--db", str(db)]
    )
    assert table.exit_code == 0 and "Tsinghua" in table.stdout
    bad = runner.invoke(
        app, ["orgs", "top", "--venue", "icml", "--year", "2024", "--db", str(db), "--basis", "x"]
    )
    assert bad.exit_code == 1 and "basis" in bad.output
    nostore = runner.invoke(
        app, ["orgs", "top", "--venue", "icml", "--year", "2024", "--db", str(tmp_path / "n.db")]
    )
    assert nostore.exit_code == 1 and "no store" in nostore.output


def test_derive_replaces_decisions_atomically(tmp_path: Path) -> None:
    db = tmp_path / "t.duckdb"
    _tiny_store(db)
    with open_store(db) as store:
        first = store.query("SELECT * FROM slot_orgs ORDER BY paper_key, author_index")
        derive_orgs(store, resolver=Resolver(ReferenceData.empty()))
        again = store.query("SELECT * FROM slot_orgs ORDER BY paper_key, author_index")
        assert first == again and len(first) == 6
        n_orgs = store.scalar("SELECT count(*) FROM organisations")
        assert n_orgs == 4  # Tsinghua, DeepMind, its parent Google, Stanford
