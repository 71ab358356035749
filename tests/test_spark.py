"""The same portable SQL on DuckDB and on Spark local[2]: identical results.

One SparkSession serves the whole test session (``spark_session`` in conftest); each engine
works in its own Spark SQL session over an exported tables directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from talentflow.engine import DuckDBEngine, Engine
from talentflow.engines.compare import differences
from talentflow.graph.inspect import _BY_VENUE_YEAR, EXPORT_AUTHORSHIPS_SQL
from talentflow.graph.parquet import export_tables
from talentflow.graph.store import open_store

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
