"""The build: one home for orchestration (``talentflow build``).

Every build ingests source facts, then runs the declared derive sequence
(:mod:`talentflow.build.steps`). The layers below never import this package; they report
progress through the :class:`talentflow.progress.Reporter` they are given.

- :mod:`talentflow.build.paperlists`: the Paper Copilot paper lists (the default);
- :mod:`talentflow.build.live`: OpenReview and OpenAlex crawled live;
- :mod:`talentflow.build.openalex_snapshot`: an OpenAlex snapshot, on DuckDB or Spark.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from talentflow.build.steps import DERIVE_STEPS, derive_all, derive_downstream, derived_is_current
from talentflow.errors import TalentflowError

if TYPE_CHECKING:
    from talentflow.build.live import LiveBuildResult
    from talentflow.build.openalex_snapshot import SnapshotBuildResult
    from talentflow.graph.build import BuildResult

__all__ = ["DERIVE_STEPS", "derive_all", "derive_downstream", "derived_is_current", "run_build"]


def run_build(
    *,
    source: str = "paperlists",
    venues: str | None = None,
    years: str | None = None,
    mirror: Path | None = None,
    skip_bad: bool = False,
    cache_dir: Path = Path(".talentflow-cache"),
    workers: int = 2,
    db: Path | None = None,
    email: str | None = None,
    max_age_days: float | None = None,
    openalex_source: str | None = None,
    engine: str = "duckdb",
    tables: Path | None = None,
    spark_master: str = "local[2]",
    spark_conf: dict[str, str] | None = None,
    resume: bool = False,
    archive: bool = True,
    archive_mirror: Path | None = None,
) -> BuildResult | LiveBuildResult | SnapshotBuildResult:
    """Build or refresh the store from one source (see ``talentflow build``)."""
    if source == "openalex" and mirror is not None:  # the OpenAlex snapshot (issue 9)
        from talentflow.build.openalex_snapshot import build_from_snapshot

        return build_from_snapshot(
            mirror, db=db, engine=engine, tables_dir=tables, master=spark_master, conf=spark_conf
        )
    if engine != "duckdb" or tables is not None:
        raise TalentflowError(
            "--engine spark and --tables build from an OpenAlex snapshot only "
            "(--source openalex --mirror SNAPSHOT)"
        )
    if source in ("openreview", "openalex"):  # live APIs (issue 7)
        from talentflow.build.live import run_live_build
        from talentflow.sources.paperlists import parse_venues, parse_years

        return run_live_build(
            source=source,
            venues=parse_venues(venues),
            years=parse_years(years),
            cache_dir=cache_dir,
            db=db,
            email=email,
            max_age_days=max_age_days,
            openalex_source=openalex_source,
            resume=resume,
        )
    if source != "paperlists":
        raise TalentflowError(
            f"unknown source '{source}' (available: paperlists, openreview, openalex)"
        )
    from talentflow.build.paperlists import run_paperlists_build

    return run_paperlists_build(
        venues=venues,
        years=years,
        mirror=mirror,
        skip_bad=skip_bad,
        cache_dir=cache_dir,
        workers=workers,
        db=db,
        archive=archive,
        archive_mirror=archive_mirror,
    )
