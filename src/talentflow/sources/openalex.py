"""OpenAlex authors (dated affiliations) and works (authorships), live.

Authors are fetched by OpenAlex id or by ORCID in batches of up to 50 with an OR
filter (``/authors?filter=openalex_id:A1|A2``), or found through the works of a
venue (an OpenAlex source id) in a year (``/works?filter=primary_location.source.id:S,
publication_year:Y``, walked with cursor paging). Query URLs are built with
``pyalex`` (extra ``live``), which owns OpenAlex's filter syntax; the requests go
through the project's cached, paced, retrying fetcher rather than pyalex's own
session, which keeps no on-disk cache and cannot be paced or replayed in tests.

Since 13 February 2026 the API needs a key for real work (keyless use is worth a
few cents a day, and cursor paging without a key answers 401). A live run refuses to
start without one (``$OPENALEX_API_KEY``); it is sent as the ``api_key`` query
parameter, as the documentation says, but kept out of cache keys, stored URLs and
messages. Errors as documented: 403 is the per-second rate limit (slow down: retried
with backoff), 429 the daily budget spent (retrying cannot help: the crawl stops,
keeps what it has, and says to resume after midnight UTC or the ``Retry-After`` the
API gives). An e-mail (``--email``) is still sent as ``mailto`` when given.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson

from talentflow.errors import BadInputError, FetchError, TalentflowError, require
from talentflow.sources.career_entries import CareerEntry, is_academic
from talentflow.sources.http_cache import AuthError, CachedFetcher, Verdict, retry_after_seconds
from talentflow.sources.identity_keys import normalise_orcid
from talentflow.sources.live_http import CrawlStats, ProgressCallback, RecordCache, batched

SOURCE = "openalex"
EMAIL_ENV = "TALENTFLOW_OPENALEX_EMAIL"
API_KEY_ENV = "OPENALEX_API_KEY"
OPENALEX_PREFIX = "https://openalex.org/"
MAX_IDS_PER_FILTER = 50
NO_KEY = (
    "OpenAlex needs an API key since 13 February 2026 (free: openalex.org/settings/api); "
    "set OPENALEX_API_KEY"
)


@dataclass(frozen=True)
class OpenAlexSettings:
    """How to crawl OpenAlex (the key is required for live runs; the e-mail is optional)."""

    email: str | None = None
    api_key: str | None = None
    batch_size: int = MAX_IDS_PER_FILTER
    per_page: int = 200
    requests_per_second: float = 10.0  # documented limit: 100 per second
    max_age_days: float | None = None

    @classmethod
    def from_env(cls, **overrides: Any) -> OpenAlexSettings:
        values: dict[str, Any] = {
            "email": os.environ.get(EMAIL_ENV) or None,
            "api_key": os.environ.get(API_KEY_ENV) or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def auth_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.email:
            params["mailto"] = self.email
        return params

    def key_params(self) -> dict[str, str]:
        """``{"api_key": ...}`` for every request; a live run without a key is refused."""
        if not self.api_key:
            raise TalentflowError(NO_KEY)
        return {"api_key": self.api_key}

    def as_dict(self) -> dict[str, object]:
        # the key is a secret: record only whether one was used
        return {
            "email": self.email,
            "api_key": bool(self.api_key),
            "batch_size": self.batch_size,
            "per_page": self.per_page,
            "requests_per_second": self.requests_per_second,
            "max_age_days": self.max_age_days,
        }


def short_id(value: str) -> str:
    """``https://openalex.org/A5023888391`` -> ``A5023888391``."""
    return value.removeprefix(OPENALEX_PREFIX).strip()


def next_midnight_utc(now: float) -> float:
    """When the daily budget starts again (00:00 UTC after ``now``)."""
    day = datetime.fromtimestamp(now, UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def judge_response(response: httpx.Response, now: float) -> Verdict | None:
    """OpenAlex's documented errors: 401 no (valid) key, 403 too fast, 429 budget spent."""
    status = response.status_code
    if status == 401:
        return Verdict(error=AuthError(f"{NO_KEY} (the API answered 401: key missing or invalid)"))
    if status == 403:
        return Verdict(wait=retry_after_seconds(response, now))  # rate limit: slow down
    if status == 429:  # a short Retry-After is waited out; a long one or none stops the run
        wait = retry_after_seconds(response, now)
        if wait is not None:
            return Verdict(wait=wait, reason="daily budget used up (429)")
        return Verdict(stop_until=next_midnight_utc(now), reason="daily budget used up (429)")
    return None


def _pyalex() -> Any:
    return require("pyalex", "live")


def authors_url(key: str, values: list[str]) -> str:
    """The /authors URL selecting ``values`` by ``key`` (``openalex_id`` or ``orcid``)."""
    pyalex = _pyalex()
    return str(pyalex.Authors().filter_or(**{key: values}).url)


def works_url(source_id: str, year: int) -> str:
    """The /works URL of one source (venue) and publication year."""
    pyalex = _pyalex()
    query = pyalex.Works().filter(
        primary_location={"source": {"id": short_id(source_id)}}, publication_year=year
    )
    return str(query.url)


def with_params(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to the query it already has (the filter)."""
    return str(httpx.URL(url).copy_merge_params(params))


def validate_list_body(body: bytes) -> None:
    """Reject a body that is not ``{"meta": {...}, "results": [...]}``."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadInputError("OpenAlex", f"malformed JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise BadInputError("OpenAlex", "no 'results' list in the answer")
    if not isinstance(data.get("meta"), dict):
        raise BadInputError("OpenAlex", "no 'meta' object in the answer")
    for i, r in enumerate(data["results"]):
        if not isinstance(r, dict) or not isinstance(r.get("id"), str):
            raise BadInputError("OpenAlex", "result without an id", record=i)


def _next_cursor(data: dict[str, Any], received: int) -> str:
    """The cursor of the next page, or "" when this page was the last one.

    Stops on an empty page, a missing cursor, or once ``meta.count`` results arrived
    (which spares the empty page a cursor walk would otherwise end on).
    """
    next_cursor = data["meta"].get("next_cursor")
    count = data["meta"].get("count")
    if not data["results"] or not next_cursor:
        return ""
    if isinstance(count, int) and received >= count:
        return ""
    return str(next_cursor)


def _author_keys(author: dict[str, Any], by: str) -> list[str]:
    if by == "openalex_id":
        return [short_id(str(author["id"]))]
    orcids = {
        normalise_orcid(author.get("orcid")),
        normalise_orcid((author.get("ids") or {}).get("orcid")),
    }
    return [o for o in orcids if o]


def crawl_authors(
    keys: Iterable[str],
    by: str,
    fetcher: CachedFetcher,
    state: RecordCache,
    settings: OpenAlexSettings,
    on_progress: ProgressCallback | None = None,
) -> CrawlStats:
    """Fetch authors by OpenAlex id (``by='openalex_id'``) or ORCID (``by='orcid'``).

    The crawl state is keyed by what was asked for; a key OpenAlex does not know is
    not stored, so the next run asks again.
    """
    if by not in ("openalex_id", "orcid"):
        raise ValueError(by)
    norm = short_id if by == "openalex_id" else (lambda v: normalise_orcid(v) or "")
    wanted = [k for k in dict.fromkeys(norm(k) for k in keys) if k]
    max_age = settings.max_age_days * 86400 if settings.max_age_days is not None else None
    todo = state.wanted(wanted, max_age)
    stats = CrawlStats(wanted=len(wanted), already_cached=len(wanted) - len(todo))
    before = fetcher.requests_sent
    done = stats.already_cached
    if on_progress:
        on_progress(done, len(wanted))
    try:
        for batch in batched(todo, min(settings.batch_size, MAX_IDS_PER_FILTER)):
            stats.batches += 1
            url = authors_url(by, batch)
            found: dict[str, dict[str, Any]] = {}
            cursor = "*"
            received = 0
            while cursor:
                params = {"per_page": str(len(batch)), "cursor": cursor, **settings.auth_params()}
                data = orjson.loads(
                    fetcher.get(with_params(url, params), validate=validate_list_body)
                )
                stats.pages += 1
                for author in data["results"]:
                    for key in _author_keys(author, by):
                        found.setdefault(key, author)
                received += len(data["results"])
                cursor = _next_cursor(data, received)
            for key in batch:
                author = found.get(key)
                if author is not None:  # an unknown key is asked again next run
                    state.put(key, author, url)
                stats.fetched += author is not None
                stats.missing_at_source += author is None
                done += 1
            if on_progress:
                on_progress(done, len(wanted))
    except FetchError as exc:
        stats.problems.append(str(exc))
        raise
    finally:
        stats.requests = fetcher.requests_sent - before
    return stats


def crawl_works(
    source_id: str,
    year: int,
    fetcher: CachedFetcher,
    state: RecordCache,
    settings: OpenAlexSettings,
    on_progress: ProgressCallback | None = None,
) -> tuple[list[dict[str, Any]], CrawlStats]:
    """Every work of a source in a year, walked by cursor; pages are kept as they arrive.

    A rerun replays the stored pages and continues from the last stored cursor, so an
    interrupted walk asks only for the pages it did not get. Pages older than
    ``max_age_days`` are walked again from the first one.
    """
    url = works_url(source_id, year)
    key_prefix = f"{short_id(source_id)}/{year}"
    max_age = settings.max_age_days * 86400 if settings.max_age_days is not None else None
    stats = CrawlStats()
    before = fetcher.requests_sent
    works: list[dict[str, Any]] = []
    cursor: str | None = "*"
    page_no = 0
    stale = (
        bool(state.wanted([f"{key_prefix}#0"], max_age))
        and state.get(f"{key_prefix}#0") is not None
    )
    total: int | None = None
    try:
        while cursor:
            key = f"{key_prefix}#{page_no}"
            rec = None if stale else state.get(key)
            if rec is not None and rec.body is not None:
                data = rec.body
                stats.already_cached += len(data["results"])
            else:
                params = {
                    "per_page": str(settings.per_page),
                    "cursor": cursor,
                    **settings.auth_params(),
                }
                data = orjson.loads(
                    fetcher.get(with_params(url, params), validate=validate_list_body)
                )
                if data["results"]:  # an empty page is never kept as the answer
                    state.put(key, data, url)
                stats.fetched += len(data["results"])
            stats.pages += 1
            works.extend(data["results"])
            count = data["meta"].get("count")
            total = count if isinstance(count, int) else total
            cursor = _next_cursor(data, len(works)) or None
            page_no += 1
            if on_progress:
                on_progress(len(works), max(total or 0, len(works)))
    except FetchError as exc:
        stats.problems.append(str(exc))
        raise
    finally:
        stats.requests = fetcher.requests_sent - before
        stats.wanted = len(works)
    return works, stats


def author_ids_of_works(works: Iterable[dict[str, Any]]) -> list[str]:
    """The OpenAlex author ids on these works' authorships (first appearance order)."""
    ids: dict[str, None] = {}
    for w in works:
        for a in w.get("authorships") or []:
            author = a.get("author") or {}
            if author.get("id"):
                ids[short_id(str(author["id"]))] = None
    return list(ids)


def author_entries(author: dict[str, Any]) -> list[CareerEntry]:
    """An author's ``affiliations`` (and ``last_known_institutions`` not among them) as
    career entries with evidence ``openalex``.

    OpenAlex gives no position, so the stage is known only for companies (industry
    research: the author published from there); for other institutions it is NULL.
    """
    record_id = short_id(str(author["id"]))
    entries: list[CareerEntry] = []
    seen: set[str] = set()

    def add(inst: dict[str, Any], years: list[int]) -> None:
        inst_id = short_id(str(inst.get("id") or "")) or None
        if inst_id:
            seen.add(inst_id)
        kind = inst.get("type") or None
        name = inst.get("display_name") or None
        code = (inst.get("country_code") or "").upper() or None
        stage = (
            None
            if is_academic(name, None, kind) or not kind
            else ("industry_research" if str(kind).lower() == "company" else None)
        )
        entries.append(
            CareerEntry(
                source=SOURCE,
                record_id=record_id,
                entry_index=len(entries),
                position=None,
                stage=stage,
                institution=name,
                domain=None,
                institution_id=inst_id,
                country_raw=inst.get("country_code") or None,
                country=code,
                country_basis="stated" if code else None,
                first_year=min(years) if years else None,
                last_year=max(years) if years else None,
                evidence="openalex",
            )
        )

    for aff in author.get("affiliations") or []:
        inst = aff.get("institution") or {}
        years = [y for y in (aff.get("years") or []) if isinstance(y, int)]
        add(inst, years)
    for inst in author.get("last_known_institutions") or []:
        if short_id(str(inst.get("id") or "")) not in seen:
            add(inst, [])
    return entries


def author_identifiers(author: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, value) pairs linking an OpenAlex author to other sources."""
    pairs = [("openalex", short_id(str(author["id"])))]
    for orcid in {
        normalise_orcid(author.get("orcid")),
        normalise_orcid((author.get("ids") or {}).get("orcid")),
    }:
        if orcid:
            pairs.append(("orcid", orcid))
    return pairs
