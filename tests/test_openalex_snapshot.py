"""The OpenAlex snapshot layout (gzipped JSON lines by update date) on DuckDB and Spark.

The test writes a small snapshot in the documented layout, with an entity updated twice (the
newest copy must win) and slots without author ids or institutions; every expectation below
is read from the records the test wrote.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from talentflow.build.openalex_snapshot import TABLE_QUERIES, load_into_store, spark_tables
from talentflow.engines import DuckDBEngine
from talentflow.engines.compare import differences
from talentflow.errors import TalentflowError
from talentflow.graph.store import open_store

OA = "https://openalex.org/"


def inst(i: str, name: str, cc: str | None, kind: str) -> dict[str, Any]:
    return {"id": OA + i, "display_name": name, "ror": None, "country_code": cc, "type": kind}


def authorship(
    a: str | None, name: str, insts: list[dict[str, Any]], countries: list[str]
) -> dict[str, Any]:
    return {
        "author_position": "middle",
        "author": {"id": OA + a if a else None, "display_name": name, "orcid": None},
        "raw_author_name": name,
        "raw_affiliation_strings": [i["display_name"] for i in insts],
        "countries": countries,
        "institutions": insts,
        "is_corresponding": False,  # a field talentflow does not read
    }


MIT = inst("I1", "MIT", "US", "education")
BAIDU = inst("I2", "Baidu", "CN", "company")
OXFORD = inst("I3", "University of Oxford", "GB", "education")


def work(
    w: str, year: int, updated: str, title: str, slots: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "id": OA + w,
        "title": title,
        "publication_year": year,
        "type": "article",
        "updated_date": updated,
        "primary_location": {"source": {"id": OA + "S1", "display_name": "NeurIPS"}},
        "authorships": slots,
        "cited_by_count": 3,
    }


WORKS_V1 = [
    work(
        "W1",
        2021,
        "2024-01-01T00:00:00",
        "Attention",
        [
            authorship("A1", "Ada Lovelace", [MIT], ["US"]),
            authorship("A2", "Li Wei", [BAIDU], ["CN"]),
            authorship("A3", "Kim Min-jun", [], ["KR"]),
        ],
    ),
    work(
        "W2",
        2022,
        "2024-01-01T00:00:00",
        "Diffusion",
        [authorship("A1", "Ada Lovelace", [OXFORD], ["GB"])],
    ),
    work(
        "W3",
        2023,
        "2024-01-01T00:00:00",
        "old title",
        [authorship("A2", "Li Wei", [BAIDU], ["CN"])],
    ),
]
WORKS_V2 = [
    work(
        "W3",
        2023,
        "2024-02-01T00:00:00",
        "new title",
        [authorship("A2", "Li Wei", [BAIDU], ["CN"]), authorship(None, "Anon Ymous", [], [])],
    ),
]


def author(
    a: str, name: str, updated: str, affs: list[tuple[dict[str, Any], list[int]]]
) -> dict[str, Any]:
    return {
        "id": OA + a,
        "display_name": name,
        "orcid": None,
        "works_count": 2,
        "updated_date": updated,
        "affiliations": [{"institution": i, "years": ys} for i, ys in affs],
    }


AUTHORS_V1 = [
    author("A1", "Ada Lovelace", "2024-01-01", [(MIT, [2021, 2019, 2020]), (OXFORD, [2022])]),
    author("A2", "Li Wei", "2024-01-01", [(BAIDU, [2020, 2023])]),
    author("A3", "M. Kim", "2024-01-01", []),
]
AUTHORS_V2 = [
    author("A3", "Kim Min-jun", "2024-02-01", [(inst("I4", "KAIST", "KR", "education"), [2021])])
]


def write_part(path: Path, records: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("openalex-snapshot")
    data = root / "data"
    write_part(data / "works" / "updated_date=2024-01-01" / "part_000.gz", WORKS_V1[:2])
    write_part(data / "works" / "updated_date=2024-01-01" / "part_001.gz", WORKS_V1[2:])
    write_part(data / "works" / "updated_date=2024-02-01" / "part_000.gz", WORKS_V2)
    write_part(data / "authors" / "updated_date=2024-01-01" / "part_000.gz", AUTHORS_V1)
    write_part(data / "authors" / "updated_date=2024-02-01" / "part_000.gz", AUTHORS_V2)
    (data / "works" / "manifest").write_text("{}")  # the snapshot's manifest is not data
    return root


@pytest.fixture(scope="module")
def loaded_store(snapshot: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("oa-store") / "oa.duckdb"
    with open_store(path) as store:
        load_into_store(store, snapshot, label="2024-02-01")
    return path


def _latest_works() -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for w in WORKS_V1 + WORKS_V2:
        if w["id"] not in latest or w["updated_date"] > latest[w["id"]]["updated_date"]:
            latest[w["id"]] = w
    return list(latest.values())


def test_duckdb_reads_the_snapshot_newest_copy_wins(loaded_store: Path) -> None:
    works = _latest_works()
    with open_store(loaded_store, read_only=True) as store:
        titles = {
            r["paper_id"]: r["title"] for r in store.query("SELECT paper_id, title FROM papers")
        }
        assert titles == {w["id"].removeprefix(OA): w["title"] for w in works}
        slots = store.query(
            "SELECT paper_key, author_index, name, profile_id FROM authorships "
            "ORDER BY paper_key, author_index"
        )
        expected = sorted(
            (
                "openalex:" + w["id"].removeprefix(OA),
                i,
                s["raw_author_name"],
                s["author"]["id"].removeprefix(OA) if s["author"]["id"] else None,
            )
            for w in works
            for i, s in enumerate(w["authorships"])
        )
        assert [tuple(r.values()) for r in slots] == expected
        orgs = store.query(
            "SELECT a.name, so.org_id, so.country, so.country_basis FROM slot_orgs so "
            "JOIN authorships a USING (paper_key, author_index) WHERE a.paper_key = 'openalex:W1' "
            "ORDER BY so.author_index"
        )
        assert [tuple(r.values()) for r in orgs] == [
            ("Ada Lovelace", "openalex:I1", "US", "registry"),
            ("Li Wei", "openalex:I2", "CN", "registry"),
            ("Kim Min-jun", None, "KR", "stated"),
        ]
        people_slots = store.scalar("SELECT count(*) FROM slot_people")
        assert people_slots == sum(1 for _, _, _, pid in expected if pid is not None)
        names = dict(store.con.execute("SELECT person_id, display_name FROM people").fetchall())
        assert names["openalex:A3"] == "Kim Min-jun"  # the newer author record
        stints = store.query(
            "SELECT person_id, org_id, country, first_year, last_year, evidence FROM stints "
            "ORDER BY person_id, first_year"
        )
        assert [tuple(r.values()) for r in stints] == [
            ("openalex:A1", "openalex:I1", "US", 2019, 2021, "openalex"),
            ("openalex:A1", "openalex:I3", "GB", 2022, 2022, "openalex"),
            ("openalex:A2", "openalex:I2", "CN", 2020, 2023, "openalex"),
            ("openalex:A3", "openalex:I4", "KR", 2021, 2021, "openalex"),
        ]
        kinds = dict(store.con.execute("SELECT org_id, kind FROM organisations").fetchall())
        assert kinds == {
            "openalex:I1": "academia",
            "openalex:I2": "industry",
            "openalex:I3": "academia",
            "openalex:I4": "academia",
        }


def test_missing_entity_folder_is_named(tmp_path: Path) -> None:
    write_part(tmp_path / "data" / "works" / "updated_date=2024-01-01" / "part_000.gz", WORKS_V1)
    with (
        open_store(tmp_path / "s.duckdb") as store,
        pytest.raises(TalentflowError, match="authors"),
    ):
        load_into_store(store, tmp_path)


@pytest.mark.spark
def test_spark_reads_the_same_tables(
    snapshot: Path, loaded_store: Path, spark_session: Any, tmp_path: Path
) -> None:
    from talentflow.engines.spark import SparkEngine

    rows = spark_tables(spark_session, snapshot, tmp_path / "tables", label="2024-02-01")
    spark = SparkEngine(spark_session, tmp_path / "tables")
    try:
        with open_store(loaded_store, read_only=True) as store:
            duck = DuckDBEngine(store)
            for name in TABLE_QUERIES:
                expected = duck.sql(f"SELECT * FROM {name}")
                assert rows[name] == expected.num_rows > 0, name
                assert differences(expected, spark.sql(f"SELECT * FROM {name}")) == [], name
    finally:
        spark.close()


# --- the command line: talentflow build --source openalex --mirror SNAPSHOT -----------------


def _build(*args: str) -> Any:
    from typer.testing import CliRunner

    from talentflow.cli import app

    return CliRunner().invoke(app, ["build", "--source", "openalex", *args])


def _table_rows(engine: Any) -> dict[str, Any]:
    return {name: engine.sql(f"SELECT * FROM {name}") for name in TABLE_QUERIES}


def test_cli_builds_the_store_from_a_snapshot_once(
    snapshot: Path, loaded_store: Path, tmp_path: Path
) -> None:
    db = tmp_path / "cli.duckdb"
    first = _build("--mirror", str(snapshot), "--db", str(db), "--format", "json")
    assert first.exit_code == 0, first.output
    summary = json.loads(first.stdout)
    assert summary["engine"] == "duckdb" and summary["unchanged"] is False
    label = summary["snapshot_sha256"]
    with (
        open_store(loaded_store, read_only=True) as reference,
        open_store(db, read_only=True) as built,
    ):
        expected, got = _table_rows(DuckDBEngine(reference)), _table_rows(DuckDBEngine(built))
        for name in TABLE_QUERIES:
            assert summary[f"rows_{name}"] == expected[name].num_rows > 0, name
            # the same rows as the Python API's load, with the snapshot's fingerprint as label
            if "file_sha256" in got[name].column_names:
                assert set(got[name]["file_sha256"].to_pylist()) == {label}
                keep = [c for c in got[name].column_names if c != "file_sha256"]
                assert differences(expected[name].select(keep), got[name].select(keep)) == []
            else:
                assert differences(expected[name], got[name]) == [], name
        before = {name: t.num_rows for name, t in got.items()}
    again = _build("--mirror", str(snapshot), "--db", str(db), "--format", "json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["unchanged"] is True
    with open_store(db, read_only=True) as built:
        assert {n: t.num_rows for n, t in _table_rows(DuckDBEngine(built)).items()} == before


def test_cli_refuses_a_second_snapshot_and_misplaced_spark_options(
    snapshot: Path, tmp_path: Path
) -> None:
    import shutil

    db = tmp_path / "one.duckdb"
    assert _build("--mirror", str(snapshot), "--db", str(db)).exit_code == 0
    other = tmp_path / "other-snapshot"
    shutil.copytree(snapshot, other)
    write_part(other / "data" / "works" / "updated_date=2024-03-01" / "part_000.gz", WORKS_V2)
    refused = _build("--mirror", str(other), "--db", str(db))
    assert refused.exit_code == 1
    assert "already holds another OpenAlex snapshot" in refused.output
    no_tables = _build("--mirror", str(snapshot), "--engine", "spark", "--db", str(db))
    assert no_tables.exit_code == 1 and "--tables DIR" in no_tables.output
    from typer.testing import CliRunner

    from talentflow.cli import app

    paperlists = CliRunner().invoke(
        app, ["build", "--engine", "spark", "--tables", str(tmp_path / "t"), "--db", str(db)]
    )
    assert paperlists.exit_code == 1 and "OpenAlex snapshot only" in paperlists.output


@pytest.mark.spark
def test_cli_spark_writes_the_tables_duckdb_builds(
    snapshot: Path, spark_session: Any, tmp_path: Path
) -> None:
    from talentflow.engines import ParquetDuckDBEngine

    db, out = tmp_path / "duck.duckdb", tmp_path / "spark-tables"
    assert _build("--mirror", str(snapshot), "--db", str(db)).exit_code == 0
    result = _build(
        "--mirror",
        str(snapshot),
        "--engine",
        "spark",
        "--tables",
        str(out),
        "--spark-master",
        "local[2]",
        "--spark-conf",
        "spark.sql.shuffle.partitions=2",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["engine"] == "spark local[2]" and summary["tables"] == str(out)
    parquet = ParquetDuckDBEngine(out)
    try:
        with open_store(db, read_only=True) as store:
            expected, got = _table_rows(DuckDBEngine(store)), _table_rows(parquet)
        for name in TABLE_QUERIES:
            assert summary[f"rows_{name}"] == expected[name].num_rows > 0, name
            assert differences(expected[name], got[name]) == [], name
    finally:
        parquet.close()
