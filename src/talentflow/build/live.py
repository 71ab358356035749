"""The live builds: ``talentflow build --source openreview|openalex``.

Each crawls what the requested venue-years need (resumable, cached, paced), ingests the
crawled records as source facts (one transaction), then runs the derive sequence, whose
organisations step resolves the entries' institutions and whose last step projects the
live stints.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talentflow.build.progress import RICH, progress_bar
from talentflow.build.steps import derive_all, derived_is_current
from talentflow.careers.moves import HISTORY_EVIDENCE
from talentflow.errors import TalentflowError
from talentflow.graph.live_ingest import LiveIngestResult, LiveRecord, SlotLinks, ingest_live
from talentflow.graph.store import Store, open_store
from talentflow.progress import Reporter
from talentflow.resolve.slot_links import link_notes_to_slots
from talentflow.sources import openalex as oa
from talentflow.sources import openreview as orv
from talentflow.sources.crawl_place import CrawlPlace, clear_place, load_place, save_place
from talentflow.sources.http_cache import CachedFetcher, RetryPolicy, ThrottledError
from talentflow.sources.live_http import (
    CrawlStats,
    ProgressCallback,
    RateLimiter,
    RecordCache,
    polite_fetcher,
)

LIVE_SOURCES = ("openreview", "openalex")
USER_AGENT = "talentflow (https://github.com/talentflow; research on AI talent flows)"

ProgressFactory = Callable[[str], ProgressCallback]
"""Given a step description, returns the callback that advances its progress bar."""


@dataclass
class LiveBuildResult:
    """What a live build did: the crawl counts and the ingest counts."""

    source: str
    crawls: dict[str, CrawlStats] = field(default_factory=dict)
    ingest: LiveIngestResult | None = None
    live_stints: int = 0
    bad_files: list[str] = field(default_factory=list)  # same shape as a paper-list build

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"source": self.source}
        for name, stats in self.crawls.items():
            for k, v in stats.as_dict().items():
                out[f"{name}_{k}"] = v
        if self.ingest is not None:
            out.update(self.ingest.as_dict())
            out["live_stints"] = self.live_stints
        return out


def _venue_year_filter(venues: set[str] | None, years: set[int] | None) -> tuple[str, list[Any]]:
    sql = ""
    params: list[Any] = []
    if venues:
        sql += f" AND venue IN ({', '.join('?' for _ in venues)})"
        params += sorted(venues)
    if years:
        sql += f" AND year IN ({', '.join('?' for _ in years)})"
        params += sorted(years)
    return sql, params


def openreview_ids_in_store(
    store: Store, venues: set[str] | None, years: set[int] | None
) -> list[str]:
    """The OpenReview ``~ids`` of accepted papers' authors in these venue-years."""
    where, params = _venue_year_filter(venues, years)
    rows = store.con.execute(
        "SELECT DISTINCT profile_id FROM authorships WHERE accepted "
        "AND profile_kind = 'openreview' AND profile_id LIKE '~%'" + where + " ORDER BY 1",
        params,
    ).fetchall()
    return [r[0] for r in rows]


def _add(total: CrawlStats | None, more: CrawlStats) -> CrawlStats:
    """The counts of two crawls together (accepted papers of several venue groups)."""
    if total is None:
        return more
    for name in ("wanted", "already_cached", "fetched", "missing_at_source", "requests"):
        setattr(total, name, getattr(total, name) + getattr(more, name))
    total.batches += more.batches
    total.pages += more.pages
    total.problems += more.problems
    return total


def cached_note_ids(cache_dir: Path, venues: set[str] | None, years: set[int] | None) -> list[str]:
    """Author ``~ids`` of the accepted-paper pages already crawled for these venue-years
    (no request is made)."""
    if not venues or not years:
        return []
    state = RecordCache(cache_dir / "openreview", "notes_pages")
    ids: list[str] = []
    for venue in sorted(venues):
        for year in sorted(years):
            for group in orv.venue_groups(venue, year):
                ids += [
                    i for n in orv.cached_venue_notes(group, state) for i in orv.note_author_ids(n)
                ]
    return ids


def _venue_years_without_ids(
    store: Store, venues: set[str] | None, years: set[int] | None
) -> list[tuple[str, int]]:
    """Requested venue-years on OpenReview whose stored paper lists give no ``~ids``
    (or that are not in the store at all)."""
    if not venues or not years:
        return []
    where, params = _venue_year_filter(venues, years)
    with_ids = {
        (v, y)
        for v, y in store.con.execute(
            "SELECT DISTINCT venue, year FROM authorships WHERE accepted "
            "AND profile_kind = 'openreview'" + where,
            params,
        ).fetchall()
    }
    return [
        (v, y)
        for v in sorted(venues)
        for y in sorted(years)
        if (v, y) not in with_ids and orv.venue_groups(v, y)
    ]


def _profile_records(state: RecordCache, ids: list[str]) -> list[LiveRecord]:
    records: dict[str, LiveRecord] = {}
    for rid in ids:
        rec = state.get(rid)
        if rec is None or rec.body is None:
            continue
        profile = rec.body
        pid = str(profile["id"])
        prior = records.get(pid)
        identifiers = orv.profile_identifiers(profile)
        if prior is not None:  # the same profile asked for under two aliases
            identifiers = sorted({*prior.identifiers, *identifiers, ("openreview", rid)})
        else:
            identifiers = sorted({*identifiers, ("openreview", rid)})
        records[pid] = LiveRecord(
            source=orv.SOURCE,
            kind="profile",
            record_id=pid,
            url=rec.url,
            fetched_at=rec.fetched_at,
            sha256=rec.sha256,
            content=profile,
            identifiers=identifiers,
            entries=orv.profile_entries(profile),
        )
    return list(records.values())


def _author_records(state: RecordCache, keys: list[str]) -> list[LiveRecord]:
    records: dict[str, LiveRecord] = {}
    for key in keys:
        rec = state.get(key)
        if rec is None or rec.body is None:
            continue
        author = rec.body
        aid = oa.short_id(str(author["id"]))
        records[aid] = LiveRecord(
            source=oa.SOURCE,
            kind="author",
            record_id=aid,
            url=rec.url,
            fetched_at=rec.fetched_at,
            sha256=rec.sha256,
            content=author,
            identifiers=oa.author_identifiers(author),
            entries=oa.author_entries(author),
        )
    return list(records.values())


def _work_records(works: list[dict[str, Any]], url: str) -> list[LiveRecord]:
    import hashlib

    import orjson

    out: dict[str, LiveRecord] = {}
    now = time.time()
    for w in works:
        wid = oa.short_id(str(w["id"]))
        body = orjson.dumps(w, option=orjson.OPT_SORT_KEYS)
        out[wid] = LiveRecord(
            source=oa.SOURCE,
            kind="work",
            record_id=wid,
            url=url,
            fetched_at=now,
            sha256=hashlib.sha256(body).hexdigest(),
            content=w,
            identifiers=(),
            entries=(),
        )
    return list(out.values())


def _crawl_and_ingest(
    *,
    source: str,
    venues: set[str] | None,
    years: set[int] | None,
    cache_dir: Path,
    db: Path | None = None,
    email: str | None = None,
    max_age_days: float | None = None,
    openalex_source: str | None = None,
    progress: ProgressFactory | None = None,
    sleep: Callable[[float], None] = time.sleep,
    retry: RetryPolicy | None = None,
    base_url: str | None = None,
    openreview_settings: orv.OpenReviewSettings | None = None,
    reporter: Reporter = RICH,
    clock: Callable[[], float] = time.time,
) -> LiveBuildResult:
    """Crawl and ingest one live source for these venue-years (see ``talentflow build``)."""
    if source not in LIVE_SOURCES:
        raise TalentflowError(
            f"unknown live source '{source}' (available: {', '.join(LIVE_SOURCES)})"
        )
    if progress is None:
        with progress_bar() as rich_progress:

            def factory(description: str) -> ProgressCallback:
                task = rich_progress.add_task(description, total=None)

                def advance(done: int, total: int) -> None:
                    rich_progress.update(task, completed=done, total=total)

                return advance

            return _crawl_and_ingest(
                source=source,
                venues=venues,
                years=years,
                cache_dir=cache_dir,
                db=db,
                email=email,
                max_age_days=max_age_days,
                openalex_source=openalex_source,
                progress=factory,
                sleep=sleep,
                retry=retry,
                base_url=base_url,
                openreview_settings=openreview_settings,
                reporter=reporter,
                clock=clock,
            )
    bar = progress
    result = LiveBuildResult(source=source)
    with open_store(db) as store:
        if source == "openreview":
            settings = openreview_settings or orv.OpenReviewSettings.from_env(
                max_age_days=max_age_days, **({"base_url": base_url} if base_url else {})
            )
            limiter = RateLimiter(settings.requests_per_second, sleep=sleep)
            fetcher = polite_fetcher(
                cache_dir / "openreview" / "http",
                limiter,
                user_agent=USER_AGENT,
                retry=retry,
                sleep=sleep,
                **orv.fetch_options(settings.base_url, clock, USER_AGENT),
            )
            ids = openreview_ids_in_store(store, venues, years)
            # Venue-years whose paper lists carry no ~ids (e.g. NeurIPS 2022-2024): ask the
            # API for the accepted papers' author ids.
            notes_state = RecordCache(cache_dir / "openreview", "notes_pages")
            slot_links: list[SlotLinks] = []
            for venue, year in _venue_years_without_ids(store, venues, years):
                venue_notes: list[dict[str, Any]] = []
                for group in orv.venue_groups(venue, year):
                    notes, note_stats = orv.crawl_venue_notes(
                        group, fetcher, notes_state, settings, bar(f"OpenReview papers {group}")
                    )
                    result.crawls["papers"] = _add(result.crawls.get("papers"), note_stats)
                    venue_notes += notes
                ids += [i for n in venue_notes for i in orv.note_author_ids(n)]
                slot_links.append(link_notes_to_slots(store, venue, year, venue_notes))
            ids = sorted(set(ids))
            if not ids:
                raise TalentflowError(
                    "no OpenReview author ids for these venues/years: build the paper lists "
                    "first (talentflow build --venues V --years Y), or name a venue on "
                    f"OpenReview ({', '.join(orv.known_venues())}) with --venues and --years"
                )
            state = RecordCache(cache_dir / "openreview", "profiles")
            result.crawls["profiles"] = orv.crawl_profiles(
                ids, fetcher, state, settings, bar("OpenReview profiles")
            )
            records = _profile_records(state, ids)
            links: list[SlotLinks] = slot_links
            run_settings: dict[str, Any] = {
                "source": source,
                "venues": sorted(venues) if venues else None,
                "years": sorted(years) if years else None,
                **settings.as_dict(),
            }
        else:
            oa_settings = oa.OpenAlexSettings.from_env(email=email, max_age_days=max_age_days)
            limiter = RateLimiter(oa_settings.requests_per_second, sleep=sleep)
            fetcher = polite_fetcher(
                cache_dir / "openalex" / "http",
                limiter,
                user_agent=USER_AGENT
                + (f" mailto:{oa_settings.email}" if oa_settings.email else ""),
                retry=retry,
                sleep=sleep,
                clock=clock,
                judge=oa.judge_response,
                service="OpenAlex",
                secret_params=oa_settings.key_params(),
            )
            links = []
            records = _crawl_openalex(
                store, fetcher, cache_dir, oa_settings, venues, years, openalex_source, bar, result
            )
            run_settings = {
                "source": source,
                "venues": sorted(venues) if venues else None,
                "years": sorted(years) if years else None,
                "openalex_source": openalex_source,
                **oa_settings.as_dict(),
            }
        result.ingest = ingest_live(store, source, records, run_settings, links)
        if result.ingest.run_id is not None or not derived_is_current(store):
            derive_all(store, reporter)
        result.live_stints = int(
            store.scalar(
                "SELECT count(*) FROM stints WHERE evidence IN (?, ?)", list(HISTORY_EVIDENCE)
            )
        )
    return result


def _crawl_openalex(
    store: Store,
    fetcher: CachedFetcher,
    cache_dir: Path,
    settings: oa.OpenAlexSettings,
    venues: set[str] | None,
    years: set[int] | None,
    openalex_source: str | None,
    bar: ProgressFactory,
    result: LiveBuildResult,
) -> list[LiveRecord]:
    authors = RecordCache(cache_dir / "openalex", "authors")
    records: list[LiveRecord] = []
    if openalex_source:
        if not years:
            raise TalentflowError("--openalex-source needs --years")
        pages = RecordCache(cache_dir / "openalex", "works_pages")
        author_ids: list[str] = []
        all_works: list[dict[str, Any]] = []
        for year in sorted(years):
            works, stats = oa.crawl_works(
                openalex_source, year, fetcher, pages, settings, bar(f"OpenAlex works {year}")
            )
            result.crawls[f"works_{year}"] = stats
            all_works += works
            author_ids += oa.author_ids_of_works(works)
        records += _work_records(all_works, oa.works_url(openalex_source, min(years)))
        result.crawls["authors"] = oa.crawl_authors(
            author_ids, "openalex_id", fetcher, authors, settings, bar("OpenAlex authors")
        )
        records += _author_records(authors, list(dict.fromkeys(author_ids)))
        return records
    # Without a source id: authors whose OpenReview profiles (these venue-years) give an ORCID.
    ids = openreview_ids_in_store(store, venues, years) + cached_note_ids(cache_dir, venues, years)
    orcid_rows = store.con.execute(
        "SELECT DISTINCT o.id_value FROM live_ids a JOIN live_ids o "
        "ON o.source = a.source AND o.record_id = a.record_id AND o.id_kind = 'orcid' "
        "WHERE a.source = 'openreview' AND a.id_kind = 'openreview' "
        "AND a.id_value IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1",
        [ids],
    ).fetchall()
    orcids = [r[0] for r in orcid_rows]
    if not orcids:
        raise TalentflowError(
            "no ORCIDs to look up: build --source openreview for these venues/years first, "
            "or give --openalex-source S... with --years"
        )
    result.crawls["authors"] = oa.crawl_authors(
        orcids, "orcid", fetcher, authors, settings, bar("OpenAlex authors")
    )
    return _author_records(authors, orcids)


def run_live_build(*, resume: bool = False, **options: Any) -> LiveBuildResult:
    """Crawl and ingest one live source (see ``_crawl_and_ingest``). When the service
    asks for a long wait, the place is saved and :class:`ThrottledError` says when to
    rerun; ``resume=True`` takes the venues, years and OpenAlex source from there."""
    source = options["source"]
    cache_dir = Path(options["cache_dir"])
    if resume:
        place = load_place(cache_dir, source)
        options["venues"] = options.get("venues") or (set(place.venues) if place.venues else None)
        options["years"] = options.get("years") or (set(place.years) if place.years else None)
        options["openalex_source"] = options.get("openalex_source") or place.openalex_source
    try:
        result = _crawl_and_ingest(**options)
    except ThrottledError as exc:
        venues, years = options.get("venues"), options.get("years")
        save_place(
            cache_dir,
            CrawlPlace(
                source=source,
                venues=sorted(venues) if venues else None,
                years=sorted(years) if years else None,
                openalex_source=options.get("openalex_source"),
                resume_at=exc.resume_at,
                reason=exc.reason,
            ),
        )
        raise
    clear_place(cache_dir, source)
    return result
