"""Shared fixtures: the real mirror in ../shared/data, and stores built from it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from talentflow.graph.build import build_paperlists
from talentflow.graph.store import Store, open_store
from talentflow.sources.paperlists import mirror_files

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TALENTFLOW_SHARED_DATA", ROOT.parent / "shared" / "data"))
REQUIRE_ENV = "TALENTFLOW_REQUIRE_SHARED_DATA"
# Tests never touch the network: missing reference registries are not downloaded.
os.environ["TALENTFLOW_REFERENCE_DOWNLOAD"] = "0"


def require_shared(sub: str = "") -> Path:
    """The shared-data path, or skip (fail when $TALENTFLOW_REQUIRE_SHARED_DATA=1)."""
    path = SHARED_DATA / sub if sub else SHARED_DATA
    if not path.exists():
        reason = f"real data not found at {path} (clone beside ../shared/data to run this test)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but {reason}")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data (skips, or fails in CI, when absent)."""
    return require_shared()


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The real Paper Copilot mirror."""
    return require_shared("paperlists")


@pytest.fixture(scope="session")
def mirror_store_path(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built once per test session from the whole real mirror (read it, don't write)."""
    path = tmp_path_factory.mktemp("mirror") / "mirror.duckdb"
    with open_store(path) as store:
        build_paperlists(store, mirror_files(mirror_dir), workers=2)
        from talentflow.build import DERIVE_STEPS

        for _, step in DERIVE_STEPS:
            step(store)
    return path


@pytest.fixture()
def mirror_store(mirror_store_path: Path) -> Iterator[Store]:
    """A read-only connection to the whole-mirror store."""
    with open_store(mirror_store_path, read_only=True) as store:
        yield store


@pytest.fixture(scope="session")
def neurips_2022_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """NeurIPS 2022 from the real paper lists with the OpenReview archive beside them."""
    from typer.testing import CliRunner

    from talentflow.cli import app
    from talentflow.sources.papercopilot_openreview import MIRROR_ENV

    lists = require_shared("paperlists")
    archive = require_shared("papercopilot-openreview")
    db = tmp_path_factory.mktemp("nips2022") / "nips2022.duckdb"
    args = ["build", "--mirror", str(lists), "--venues", "nips", "--years", "2022"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(MIRROR_ENV, str(archive))
        result = CliRunner().invoke(app, [*args, "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def views_store_path(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small real store (NeurIPS 2023-2024, ICML 2024) for the report and dashboard tests."""
    from view_fakes import build_small_store

    return build_small_store(mirror_dir, tmp_path_factory.mktemp("views") / "small.duckdb")


@pytest.fixture(scope="session")
def spark_session() -> Iterator[object]:
    """One local[2] SparkSession shared by every ``spark`` test (engines use newSession()).

    Skips when PySpark or Java is missing, except in CI ($CI=true), where it fails.
    """
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing = "PySpark (install talentflow[spark])"
    else:
        missing = "" if shutil.which("java") or os.environ.get("JAVA_HOME") else "Java 17"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {missing} is not available for the spark tests")
        pytest.skip(f"{missing} not available")
    from talentflow.engines.spark import spark_session as start

    session = start("local[2]", {"spark.sql.shuffle.partitions": "2"})
    yield session
    session.stop()
