"""The paper-list build: read (or download) the Paper Copilot files, ingest them, derive."""

from __future__ import annotations

from pathlib import Path

from talentflow.build.progress import RICH
from talentflow.build.steps import derive_all, derived_is_current
from talentflow.graph.archive_ingest import ArchiveIngestResult, ingest_archive
from talentflow.graph.build import BuildResult, build_paperlists
from talentflow.graph.store import Store, open_store
from talentflow.progress import Reporter
from talentflow.sources import papercopilot_openreview as archive_source
from talentflow.sources.http_cache import CachedFetcher
from talentflow.sources.paperlists import (
    PaperListFile,
    live_files,
    mirror_files,
    parse_venues,
    parse_years,
    resolve_mirror,
)


def run_paperlists_build(
    *,
    venues: str | None = None,
    years: str | None = None,
    mirror: Path | None = None,
    skip_bad: bool = False,
    cache_dir: Path = Path(".talentflow-cache"),
    workers: int = 2,
    db: Path | None = None,
    reporter: Reporter = RICH,
    archive: bool = True,
    archive_mirror: Path | None = None,
) -> BuildResult:
    """Ingest the paper lists and the OpenReview archive beside them, then run the derive
    steps if anything changed (or the last derivation did not finish)."""
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
        "source": "paperlists",
        "venues": sorted(venue_set) if venue_set else None,
        "years": sorted(year_set) if year_set else None,
        "mirror": str(mirror_dir) if mirror_dir else None,
        "skip_bad": skip_bad,
    }
    with open_store(db) as store:
        with reporter.bar("reading paper lists", total=len(files)) as advance:
            result = build_paperlists(
                store,
                files,
                fetcher=fetcher,
                skip_bad=skip_bad,
                on_file=lambda f: advance(1),
                settings=settings,
                workers=workers,
            )
        archive_files = (
            _archive_files(archive_mirror, mirror_dir, cache_dir, venue_set, year_set, reporter)
            if archive
            else None
        )
        archive_result = _ingest_archive(store, *archive_files, reporter) if archive_files else None
        changed = result.run_id is not None or (
            archive_result is not None and archive_result.run_id is not None
        )
        if changed or not derived_is_current(store):
            derive_all(store, reporter)
    return result


def _archive_files(
    archive_mirror: Path | None,
    lists_mirror: Path | None,
    cache_dir: Path,
    venues: set[str] | None,
    years: set[int] | None,
    reporter: Reporter,
) -> tuple[list[archive_source.ArchiveFile], CachedFetcher | None, str] | None:
    """Where the OpenReview archive comes from (docs/papercopilot-openreview.md): its
    mirror (``--archive-mirror`` or ``$TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR``); else, when
    the paper lists are downloaded, the archive is downloaded beside them through the same
    cache; else (paper lists from a mirror, no archive mirror) none, and the build says so."""
    archive_dir = archive_source.resolve_mirror(archive_mirror)
    if archive_dir is not None:
        return archive_source.mirror_files(archive_dir, venues, years), None, str(archive_dir)
    if lists_mirror is None:
        fetcher = CachedFetcher(cache_dir / archive_source.SOURCE_NAME)
        return archive_source.live_files(fetcher, venues, years), fetcher, archive_source.LIVE_BASE
    reporter.note(
        "OpenReview archive not read: give its mirror with --archive-mirror or "
        f"${archive_source.MIRROR_ENV} (--no-archive silences this)"
    )
    return None


def _ingest_archive(
    store: Store,
    files: list[archive_source.ArchiveFile],
    fetcher: CachedFetcher | None,
    location: str,
    reporter: Reporter,
) -> ArchiveIngestResult:
    """Ingest the archive's files into the store, in their own transaction."""
    settings: dict[str, object] = {
        "source": archive_source.SOURCE_NAME,
        "mirror" if fetcher is None else "live": location,
    }
    result = ingest_archive(store, files, fetcher, settings, reporter)
    reporter.note(
        f"OpenReview archive: {result.files_ingested} of {result.files_seen} files new or "
        f"changed, {result.records:,} records, {result.venue_papers:,} papers of venue-years "
        "without a paper list"
    )
    return result
