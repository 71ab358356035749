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
) -> BuildResult:
    """Ingest the paper lists, then run the derive steps if anything changed (or the last
    derivation did not finish)."""
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
        archive = _ingest_archive(store, venue_set, year_set, reporter)
        changed = result.run_id is not None or (archive is not None and archive.run_id is not None)
        if changed or not derived_is_current(store):
            derive_all(store, reporter)
    return result


def _ingest_archive(
    store: Store, venues: set[str] | None, years: set[int] | None, reporter: Reporter
) -> ArchiveIngestResult | None:
    """The OpenReview archive beside the paper lists (docs/papercopilot-openreview.md),
    from ``$TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR`` when it is set (the Makefile sets it
    when ../shared/data has the archive); None otherwise."""
    archive_dir = archive_source.resolve_mirror(None)
    if archive_dir is None:
        return None
    files = archive_source.mirror_files(archive_dir, venues, years)
    settings: dict[str, object] = {"source": archive_source.SOURCE_NAME, "mirror": str(archive_dir)}
    result = ingest_archive(store, files, None, settings, reporter)
    reporter.note(
        f"OpenReview archive: {result.files_ingested} of {result.files_seen} files new or "
        f"changed, {result.records:,} records, {result.venue_papers:,} papers of venue-years "
        "without a paper list"
    )
    return result
