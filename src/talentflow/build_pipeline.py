"""The main job: fetch or read the sources, ingest them, then derive the graph.

Derivation steps (organisations, people, careers) run after ingest; each is
registered in ``DERIVE_STEPS`` and rebuilds its own tables from the store, so the
result depends only on what is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from talentflow.cli.output import stderr
from talentflow.errors import TalentflowError
from talentflow.graph.build import BuildResult, build_paperlists
from talentflow.graph.store import Store, open_store
from talentflow.sources.http_cache import CachedFetcher
from talentflow.sources.paperlists import (
    PaperListFile,
    live_files,
    mirror_files,
    parse_venues,
    parse_years,
    resolve_mirror,
)

if TYPE_CHECKING:
    from talentflow.live_pipeline import LiveBuildResult
    from talentflow.sources.openalex_snapshot import SnapshotBuildResult

DeriveStep = tuple[str, Callable[[Store], object]]
DERIVE_STEPS: list[DeriveStep] = []


def progress_bar() -> Progress:
    """The progress bar every long step uses (on standard error)."""
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=False,
    )


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
) -> BuildResult | LiveBuildResult | SnapshotBuildResult:
    """Build or refresh the store (see ``talentflow build``)."""
    if source == "openalex" and mirror is not None:  # the OpenAlex snapshot (issue 9)
        from talentflow.sources.openalex_snapshot import build_from_snapshot

        return build_from_snapshot(
            mirror, db=db, engine=engine, tables_dir=tables, master=spark_master, conf=spark_conf
        )
    if engine != "duckdb" or tables is not None:
        raise TalentflowError(
            "--engine spark and --tables build from an OpenAlex snapshot only "
            "(--source openalex --mirror SNAPSHOT)"
        )
    if source in ("openreview", "openalex"):  # live APIs (issue 7)
        from talentflow.live_pipeline import run_live_build

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
    venue_set = parse_venues(venues)
    year_set = parse_years(years)
    mirror_dir = resolve_mirror(mirror)
    fetcher: CachedFetcher | None = None
    files: list[PaperListFile]
    if mirror_dir is not None:
        files = mirror_files(mirror_dir, venue_set, year_set)
    else:
        fetcher = CachedFetcher(cache_dir / "paperlists")
        files = live_files(fetcher, venue_set, year_set)
    settings: dict[str, object] = {
        "source": source,
        "venues": sorted(venue_set) if venue_set else None,
        "years": sorted(year_set) if year_set else None,
        "mirror": str(mirror_dir) if mirror_dir else None,
        "skip_bad": skip_bad,
    }
    with open_store(db) as store:
        with progress_bar() as progress:
            task = progress.add_task("reading paper lists", total=len(files))
            result = build_paperlists(
                store,
                files,
                fetcher=fetcher,
                skip_bad=skip_bad,
                on_file=lambda f: progress.advance(task),
                settings=settings,
                workers=workers,
            )
        if result.run_id is not None or not derived_is_current(store):
            derive_all(store)
    return result


_DERIVED_KEY = "derived_after_run"


def _latest_run(store: Store) -> str:
    return str(
        store.scalar("SELECT run_id FROM ingest_runs ORDER BY finished_at DESC, run_id LIMIT 1")
    )


def derived_is_current(store: Store) -> bool:
    """Whether every derive step completed after the latest ingest run.

    A build whose derivation failed part-way (or was killed) leaves the marker stale, so the
    next build derives again even when no source file changed.
    """
    marker = store.scalar("SELECT value FROM store_meta WHERE key = ?", [_DERIVED_KEY])
    return marker is not None and marker == _latest_run(store)


def derive_all(store: Store) -> None:
    """Run every registered derive step, then mark the store as derived."""
    store.con.execute("DELETE FROM store_meta WHERE key = ?", [_DERIVED_KEY])
    for name, step in DERIVE_STEPS:
        stderr.print(f"deriving {name} ...")
        step(store)
    store.con.execute("INSERT INTO store_meta VALUES (?, ?)", [_DERIVED_KEY, _latest_run(store)])


def derive_downstream(store: Store, after: str) -> list[str]:
    """Run the derive steps that follow ``after``, whose inputs it changed, and return their
    names. ``people resolve/link/unlink/forget`` call it with ``"people"``: affiliation sets,
    careers and live stints are derived again, so a merge undone is undone everywhere (its
    fabricated move disappears from ``moves`` and every indicator)."""
    names = [name for name, _ in DERIVE_STEPS]
    if after not in names:
        raise ValueError(f"no derive step named {after!r}; steps: {', '.join(names)}")
    done = []
    for name, step in DERIVE_STEPS[names.index(after) + 1 :]:
        stderr.print(f"deriving {name} ...")
        step(store)
        done.append(name)
    return done


def _derive_organisations(store: Store) -> object:
    from talentflow.resolve.derive import derive_orgs

    return derive_orgs(store)


# First: every later step reads the organisation and country decisions.
DERIVE_STEPS.append(("organisations", _derive_organisations))


def _derive_people(store: Store) -> object:
    from talentflow.resolve.people import derive_people

    return derive_people(store)


# People read the organisation decisions: after 'organisations', before 'careers'.
DERIVE_STEPS.append(("people", _derive_people))


def _derive_affiliation_sets(store: Store) -> object:
    from talentflow.resolve.affiliation_sets import derive_affiliation_sets

    return derive_affiliation_sets(store)


# Organisations inferred from unaligned affiliation sets (issue 10): reads people's slots,
# so after 'people'; before 'careers' so stints and moves use them. People resolution does
# not see them (its output stays as without this step).
DERIVE_STEPS.append(("affiliation sets", _derive_affiliation_sets))


def _derive_careers(store: Store) -> object:
    from talentflow.careers.derive import derive_careers

    return derive_careers(store)


# Keep last: careers read the organisation and person decisions of the steps before.
DERIVE_STEPS.append(("careers", _derive_careers))


def _project_live_stints(store: Store) -> object:
    from talentflow.graph.live_build import project_live_stints

    return project_live_stints(store)


# Live sources (issue 7): re-attach profile/OpenAlex stints to the people just resolved.
DERIVE_STEPS.append(("live stints", _project_live_stints))
