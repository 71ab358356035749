"""Engines without Spark: Parquet export of every table, DuckDB over it, engine selection."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.cli.engine_options import engine_from_options
from talentflow.engines import DuckDBEngine, ParquetDuckDBEngine, Relation, open_engine, parse_conf
from talentflow.engines.compare import differences
from talentflow.errors import MissingExtraError, TalentflowError
from talentflow.graph.build import build_paperlists
from talentflow.graph.parquet import MANIFEST, export_tables, read_manifest
from talentflow.graph.schema import TABLES
from talentflow.graph.store import Store, open_store
from talentflow.sources.paperlists import mirror_files


@pytest.fixture(scope="module")
def small_store_path(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two real venue-years (NeurIPS 2021 carries OpenReview ids, ICLR 2018 e-mail ids)."""
    path = tmp_path_factory.mktemp("small") / "small.duckdb"
    with open_store(path) as store:
        files = mirror_files(mirror_dir, {"nips", "iclr"}, {2018, 2021})
        build_paperlists(store, files, workers=1)
    return path


@pytest.fixture()
def small_store(small_store_path: Path) -> Iterator[Store]:
    with open_store(small_store_path, read_only=True) as store:
        yield store


def test_export_writes_every_table_with_year_partitions(small_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    manifest = export_tables(small_store, out)
    assert set(manifest.rows) == {t.name for t in TABLES}
    for t in TABLES:
        assert manifest.rows[t.name] == small_store.scalar(f"SELECT count(*) FROM {t.name}")
        assert (out / t.name).is_dir()
    years = sorted(p.name for p in (out / "authorships").iterdir())
    stored = small_store.query("SELECT DISTINCT year FROM authorships ORDER BY year")
    assert years == [f"year={r['year']}" for r in stored]
    assert json.loads((out / MANIFEST).read_text())["partition_by"]["papers"] == ["year"]


def test_duckdb_over_parquet_equals_the_store(small_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    export_tables(small_store, out)
    export_tables(small_store, out)  # a second export replaces the first, adds nothing
    store_engine = DuckDBEngine(small_store)
    parquet_engine = ParquetDuckDBEngine(out)
    try:
        for t in TABLES:
            query = f"SELECT * FROM {t.name}"
            left, right = store_engine.sql(query), parquet_engine.sql(query)
            assert left.schema.names == right.schema.names == t.column_names
            assert right.num_rows == left.num_rows
            assert differences(left, right) == [], t.name
    finally:
        parquet_engine.close()


def test_manifest_is_checked(tmp_path: Path, small_store: Store) -> None:
    with pytest.raises(TalentflowError, match="export tables"):
        read_manifest(tmp_path)
    export_tables(small_store, tmp_path / "t")
    manifest = tmp_path / "t" / MANIFEST
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "schema_version": 999}))
    with pytest.raises(TalentflowError, match="schema version 999"):
        read_manifest(tmp_path / "t")


def test_cli_export_tables_then_engine_options(small_store_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli-tables"
    result = CliRunner().invoke(
        app, ["export", "tables", "--out", str(out), "--db", str(small_store_path)]
    )
    assert result.exit_code == 0, result.output
    query = "SELECT venue, year, count(*) AS n FROM authorships GROUP BY venue, year"
    with engine_from_options("duckdb", db=small_store_path) as from_store:
        expected = from_store.sql(query)
    with engine_from_options("duckdb", tables=out) as from_tables:
        got = from_tables.sql(query)
    pairs = sorted(zip(expected["venue"].to_pylist(), expected["year"].to_pylist(), strict=True))
    assert pairs == [("iclr", 2018), ("iclr", 2021), ("nips", 2018), ("nips", 2021)]
    assert differences(expected, got) == []


def test_engine_choice_errors(tmp_path: Path) -> None:
    with (
        pytest.raises(TalentflowError, match="unknown engine 'hive'"),
        open_engine("hive", tables_dir=tmp_path),
    ):
        pass
    with pytest.raises(TalentflowError, match="needs a store"), open_engine("duckdb"):
        pass
    assert parse_conf(["spark.executor.memory=8g", " a.b = c=d "]) == {
        "spark.executor.memory": "8g",
        "a.b": "c=d",
    }
    with pytest.raises(TalentflowError, match="KEY=VALUE"):
        parse_conf(["spark.executor.memory"])


def test_missing_pyspark_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, small_store: Store, tmp_path: Path
) -> None:
    export_tables(small_store, tmp_path)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark -> ImportError
    with (
        pytest.raises(MissingExtraError, match=r"talentflow\[spark\]"),
        open_engine("spark", tables_dir=tmp_path),
    ):
        pass
    import talentflow.engines as engines

    with pytest.raises(MissingExtraError, match=r"talentflow\[spark\]"):
        _ = engines.SparkEngine


def test_importing_talentflow_does_not_import_pyspark() -> None:
    code = (
        "import sys, talentflow, talentflow.engines, talentflow.cli, "
        "talentflow.cli.engine_options, talentflow.graph.parquet\n"
        "assert 'pyspark' not in sys.modules, 'pyspark imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_compare_finds_differences() -> None:
    left = pa.table({"k": ["a", "b"], "v": [1.0, 2.0]})
    assert differences(left, pa.table({"k": ["b", "a"], "v": [2.0, 1.0 + 1e-12]})) == []
    assert differences(left, pa.table({"k": ["a", "b"], "v": [1.0, 2.001]})) != []
    assert differences(left, pa.table({"k": ["a"], "v": [1.0]})) != []
    assert differences(left, pa.table({"key": ["a", "b"], "v": [1.0, 2.0]})) != []
    assert differences(left, pa.table({"k": ["b", "a"], "v": [2.0, 1.0]}), ordered=True) != []


# --- named intermediate relations (materialised once per scope) ---------------------------

VENUE_COUNTS = Relation("venue_counts", "SELECT venue, count(*) AS n FROM papers GROUP BY venue")
TOP_VENUE = Relation(
    "top_venue", "SELECT venue FROM venue_counts WHERE n = (SELECT max(n) FROM venue_counts)"
)


def test_relations_nest_across_engine_objects_and_are_dropped(small_store: Store) -> None:
    # Two engine objects on one read-only connection, as when an indicator calls another.
    outer, inner = DuckDBEngine(small_store), DuckDBEngine(small_store)
    expected = outer.sql("SELECT venue, count(*) AS n FROM papers GROUP BY venue")
    with outer.materialise([VENUE_COUNTS]):
        with inner.materialise([VENUE_COUNTS, TOP_VENUE]):
            assert differences(inner.sql("SELECT * FROM venue_counts"), expected) == []
            top = inner.sql("SELECT venue FROM top_venue")["venue"].to_pylist()
            biggest = max(expected.to_pylist(), key=lambda r: r["n"])["venue"]
            assert top == [biggest]
        # the inner scope ended: what only it held is gone, what the outer holds stays
        assert differences(outer.sql("SELECT * FROM venue_counts"), expected) == []
        with pytest.raises(duckdb.CatalogException):
            outer.sql("SELECT * FROM top_venue")
    with pytest.raises(duckdb.CatalogException):
        outer.sql("SELECT * FROM venue_counts")


def test_a_relation_is_computed_once_per_scope(small_store: Store, tmp_path: Path) -> None:
    export_tables(small_store, tmp_path / "t")
    engine = ParquetDuckDBEngine(tmp_path / "t")
    try:
        engine.con.execute("CREATE TABLE counter AS SELECT 1 AS x")
        total = Relation("total", "SELECT sum(x) AS s FROM counter")
        with engine.materialise([total]):
            engine.con.execute("INSERT INTO counter VALUES (41)")
            # a snapshot taken on entry, not a view re-run at each reference
            assert engine.sql("SELECT s FROM total")["s"].to_pylist() == [1]
        with engine.materialise([total]):
            assert engine.sql("SELECT s FROM total")["s"].to_pylist() == [42]
        broken = Relation("broken", "SELECT no_such_column FROM counter")
        with pytest.raises(duckdb.BinderException), engine.materialise([total, broken]):
            pass
        # a failed scope leaves nothing behind
        with pytest.raises(duckdb.CatalogException):
            engine.sql("SELECT * FROM total")
    finally:
        engine.close()


@pytest.fixture(scope="module")
def careers_store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic talent graph with its careers (stints and moves) derived."""
    from devtools.synthetic import SyntheticSpec, generate
    from talentflow.careers.derive import derive_careers

    path = tmp_path_factory.mktemp("careers") / "careers.duckdb"
    with open_store(path) as store:
        generate(SyntheticSpec(people=400, orgs=20, seed=5)).write(store)
        derive_careers(store)
    return path


def test_indicators_inside_an_outer_scope_answer_the_same(careers_store_path: Path) -> None:
    from devtools.synthetic import SyntheticSpec
    from talentflow.indicators.common import best_evidence
    from talentflow.indicators.country import country_profile
    from talentflow.indicators.migration import migration
    from talentflow.indicators.pipeline import pipeline

    venue = SyntheticSpec().venue
    with open_store(careers_store_path, read_only=True) as store:
        engine = DuckDBEngine(store)
        alone = {
            "pipeline": pipeline(engine, venue, 2020).as_json(),
            "migration": migration(engine, 2013, 2025).as_json(),
            "country": country_profile(engine, "US").as_json(),
        }
        with best_evidence(engine):
            shared = {
                # a new engine object on the same connection reuses what the scope holds
                "pipeline": pipeline(store, venue, 2020).as_json(),
                "migration": migration(engine, 2013, 2025).as_json(),
                "country": country_profile(engine, "US").as_json(),
            }
            assert engine.sql("SELECT count(*) AS n FROM best_moves")["n"][0].as_py() > 0
        with pytest.raises(duckdb.CatalogException):
            engine.sql("SELECT * FROM best_stints")
    assert alone["pipeline"]["n"] > 0 and alone["migration"]["coverage"]["moves"] > 0
    assert shared == alone


def test_engines_face_only_re_exports() -> None:
    # The face holds no machinery of its own: each public name lives in a submodule.
    import talentflow.engines as engines

    for name in engines.__all__:
        if name == "SparkEngine":
            continue
        value = getattr(engines, name)
        home = getattr(value, "__module__", None)
        if home is not None:
            assert home.startswith("talentflow.engines."), (name, home)
