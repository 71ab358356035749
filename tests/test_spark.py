"""The same portable SQL on DuckDB and on Spark local[2]: identical results.

One SparkSession serves the whole test session (``spark_session`` in conftest); each engine
works in its own Spark SQL session over an exported tables directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from talentflow.engines import DuckDBEngine, Engine, Relation
from talentflow.engines.compare import differences, json_differences
from talentflow.graph.inspect import _BY_VENUE_YEAR, EXPORT_AUTHORSHIPS_SQL
from talentflow.graph.parquet import export_tables
from talentflow.graph.store import open_store
from talentflow.indicators.common import best_evidence

pytestmark = pytest.mark.spark

HEADLINE_COUNTS = """
SELECT (SELECT count(*) FROM papers) AS papers,
       (SELECT count(*) FROM authorships) AS authorships,
       (SELECT count(*) FROM people) AS people,
       (SELECT count(*) FROM organisations) AS organisations
"""

# Store-level queries of the foundation, as the CLI runs them: (query, sorted by the query).
STORE_QUERIES: dict[str, tuple[str, bool]] = {
    "stats_headline": (HEADLINE_COUNTS, False),
    "stats_by_venue_year": (_BY_VENUE_YEAR, True),
    "export_authorships": (EXPORT_AUTHORSHIPS_SQL, False),
}


@pytest.fixture(scope="module")
def mirror_tables(mirror_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mirror-tables")
    with open_store(mirror_store_path, read_only=True) as store:
        export_tables(store, out)
    return out


@pytest.fixture(scope="module")
def engines(
    mirror_store_path: Path, mirror_tables: Path, spark_session: Any
) -> Iterator[tuple[Engine, Engine]]:
    from talentflow.engines.spark import SparkEngine

    spark = SparkEngine(spark_session, mirror_tables)
    with open_store(mirror_store_path, read_only=True) as store:
        yield DuckDBEngine(store), spark
    spark.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(STORE_QUERIES))
def test_store_queries_identical_on_whole_mirror(name: str, engines: tuple[Engine, Engine]) -> None:
    duck, spark = engines
    query, ordered = STORE_QUERIES[name]
    expected = duck.sql(query)
    got = spark.sql(query)
    assert expected.num_rows > 0
    # EXPORT_AUTHORSHIPS_SQL sorts on a key that is not unique; compare it as a multiset.
    assert differences(expected, got, ordered=ordered and name != "export_authorships") == []


def test_parameters_bind_the_same_on_both(engines: tuple[Engine, Engine]) -> None:
    duck, spark = engines
    query = """
        SELECT venue, count(*) AS slots, count(DISTINCT name) AS names,
               avg(author_index) AS mean_index
        FROM authorships
        WHERE accepted AND year BETWEEN :y0 AND :y1 AND venue IN :venues
        GROUP BY venue
    """
    params = {"y0": 2019, "y1": 2023, "venues": ["nips", "icml", "iclr"]}
    expected = duck.sql(query, params)
    assert sorted(expected["venue"].to_pylist()) == ["iclr", "icml", "nips"]
    assert differences(expected, spark.sql(query, params)) == []


@pytest.fixture()
def synthetic_engines(synthetic_tables: Path, spark_session: Any) -> Iterator[tuple[Any, Any]]:
    """DuckDB and Spark over the synthetic graph's exported tables (no mirror needed)."""
    from talentflow.engines import ParquetDuckDBEngine
    from talentflow.engines.spark import SparkEngine

    duck = ParquetDuckDBEngine(synthetic_tables)
    spark = SparkEngine(spark_session, synthetic_tables)
    yield duck, spark
    duck.close()
    spark.close()


def test_settings_reach_every_engine_session(synthetic_engines: tuple[Any, Any]) -> None:
    # conftest starts the session with spark.sql.shuffle.partitions=2 over talentflow's
    # local default of 4: a user's --spark-conf wins, the other defaults stay.
    conf = synthetic_engines[1].session.conf
    assert conf.get("spark.sql.shuffle.partitions") == "2"
    assert conf.get("spark.sql.adaptive.enabled") == "true"
    assert conf.get("spark.sql.ansi.enabled") == "false"
    assert conf.get("spark.sql.session.timeZone") == "UTC"


def _reads_parquet(spark: Any, query: str) -> bool:
    """Whether Spark's plan for ``query`` scans the Parquet files (re-runs what it reads)."""
    plan = spark.session.sql(query)._jdf.queryExecution().executedPlan().toString()
    return "FileScan" in str(plan)


def test_relations_are_kept_views_held_per_scope(synthetic_engines: tuple[Any, Any]) -> None:
    from pyspark.errors import AnalysisException

    duck, spark = synthetic_engines
    counts = Relation("year_counts", "SELECT year, count(*) AS n FROM authorships GROUP BY year")
    top = Relation(
        "top_year", "SELECT year FROM year_counts WHERE n = (SELECT max(n) FROM year_counts)"
    )
    assert _reads_parquet(spark, counts.query)
    with duck.materialise([counts, top]), spark.materialise([counts]):
        with spark.materialise([counts, top]):
            # computed once on entry: reading them runs nothing over the Parquet files again
            assert not _reads_parquet(spark, "SELECT * FROM year_counts")
            assert not _reads_parquet(spark, "SELECT * FROM top_year")
            assert spark.sql("SELECT count(*) AS n FROM year_counts")["n"][0].as_py() > 1
            for query in ("SELECT * FROM year_counts", "SELECT * FROM top_year"):
                assert differences(duck.sql(query), spark.sql(query)) == [], query
        assert not _reads_parquet(spark, "SELECT * FROM year_counts")
        with pytest.raises(AnalysisException):
            spark.sql("SELECT * FROM top_year")
    with pytest.raises(AnalysisException):
        spark.sql("SELECT * FROM year_counts")


def test_kept_query_is_not_re_run(synthetic_engines: tuple[Any, Any]) -> None:
    spark = synthetic_engines[1]
    spark.register_query("recent", "SELECT * FROM authorships WHERE year >= :y", {"y": 2020})
    assert _reads_parquet(spark, "SELECT count(*) FROM recent")
    spark.register_query(
        "recent_kept", "SELECT * FROM authorships WHERE year >= :y", {"y": 2020}, cache=True
    )
    assert not _reads_parquet(spark, "SELECT count(*) FROM recent_kept")
    query = "SELECT count(*) AS n FROM {}"
    assert spark.sql(query.format("recent")) == spark.sql(query.format("recent_kept"))


# --- every indicator, on both engines -------------------------------------------------------


def indicator_calls(
    engine: Engine, venue: str, year: int, orgs: tuple[str, str] | None
) -> dict[str, Any]:
    """Every indicator of issue 5 with representative parameters, as JSON.

    ``orgs``: an organisation whose moves and alumni to look at, and a cohort organisation
    (None when the data has no resolved organisations: those calls are left out).
    """
    from talentflow.indicators.country import country_profile
    from talentflow.indicators.migration import migration
    from talentflow.indicators.orgflows import orgflows
    from talentflow.indicators.pedigree import pedigree
    from talentflow.indicators.pipeline import pipeline

    out = {
        "pipeline_location": pipeline(engine, venue, year).as_json(),
        "pipeline_hq_elite": pipeline(engine, venue, year, basis="hq", elite=True).as_json(),
        "migration": migration(engine, 2013, 2025).as_json(),
        "migration_us": migration(engine, 2013, 2025, country="US").as_json(),
        "orgflows": orgflows(engine, 2013, 2025, k=2).as_json(),
        "country_us": country_profile(engine, "US").as_json(),
        "country_kr": country_profile(engine, "KR").as_json(),
    }
    if orgs is not None:
        earlier, cohort = orgs
        out["orgflows_org"] = orgflows(engine, 2013, 2025, org=earlier, k=2).as_json()
        out["pedigree"] = pedigree(engine, earlier=[earlier], orgs=[cohort], year=year).as_json()
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from devtools.synthetic import SyntheticSpec, generate

    return generate(SyntheticSpec(people=1500, orgs=40, seed=7))


@pytest.fixture(scope="module")
def synthetic_tables(synthetic: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic graph's store tables (slots and decisions, no careers) as Parquet."""
    root = tmp_path_factory.mktemp("synthetic")
    with open_store(root / "synthetic.duckdb") as store:
        synthetic.write(store)
        export_tables(store, root / "tables")
    return root / "tables"


def _multiset(table: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(r.values()) for r in table.to_pylist())


def test_injected_careers_recovered_on_both_engines(
    synthetic: Any, synthetic_tables: Path, spark_session: Any
) -> None:
    from talentflow.careers.derive import careers_from_papers
    from talentflow.engines import ParquetDuckDBEngine
    from talentflow.engines.spark import SparkEngine

    assert synthetic.true_moves.num_rows > 100
    duck = ParquetDuckDBEngine(synthetic_tables)
    spark = SparkEngine(spark_session, synthetic_tables)
    try:
        for engine in (duck, spark):
            stints, moves = careers_from_papers(engine)
            assert _multiset(moves) == _multiset(synthetic.true_moves), engine.name
            assert _multiset(stints) == _multiset(synthetic.true_stints), engine.name
    finally:
        duck.close()
        spark.close()


@pytest.mark.slow
def test_every_indicator_identical_on_synthetic_graph(
    synthetic: Any, synthetic_tables: Path, spark_session: Any, tmp_path: Path
) -> None:
    from talentflow.careers.derive import derive_careers
    from talentflow.engines.spark import SparkEngine

    with open_store(tmp_path / "derived.duckdb") as store:
        synthetic.write(store)
        derive_careers(store)
        export_tables(store, tmp_path / "tables")
        year = 2020
        orgs = ("Synthetic University 3", "Synthetic Labs 30")
        expected = indicator_calls(DuckDBEngine(store), synthetic.spec.venue, year, orgs)
    spark = SparkEngine(spark_session, tmp_path / "tables")
    try:
        # here the best-evidence relations are held once around every call (the whole-mirror
        # test below lets each indicator hold its own)
        with best_evidence(spark):
            got = indicator_calls(spark, synthetic.spec.venue, year, orgs)
    finally:
        spark.close()
    assert expected["migration"]["rows"], "the synthetic world has migration rows"
    assert expected["orgflows_org"]["rows"], "the named organisation has moves"
    assert expected["pedigree"]["n"] > 0, "the cohort organisation has people in 2020"
    for name in expected:
        assert json_differences(expected[name], got[name]) == [], name


@pytest.mark.slow
def test_every_indicator_identical_on_whole_mirror(engines: tuple[Engine, Engine]) -> None:
    duck, spark = engines
    # The two organisations with most people in 2018's stints (none before orgs resolve).
    top = duck.sql(
        """SELECT o.name, count(DISTINCT s.person_id) AS people
           FROM stints s JOIN organisations o ON o.org_id = s.org_id
           WHERE s.first_year <= 2018 AND 2018 <= s.last_year
           GROUP BY o.name ORDER BY people DESC, o.name LIMIT 2"""
    )["name"].to_pylist()
    orgs = (top[0], top[1]) if len(top) == 2 else None
    expected = indicator_calls(duck, "nips", 2018, orgs)
    got = indicator_calls(spark, "nips", 2018, orgs)
    assert expected["pipeline_location"]["n"] > 0
    for name in expected:
        assert json_differences(expected[name], got[name]) == [], name
