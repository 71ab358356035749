"""OpenReview profiles: career history of the authors of a venue-year.

Which profiles: the OpenReview ``~ids`` that the paper lists already carry for a
venue-year (``authorships.profile_id``, ``profile_kind = 'openreview'``), or else the
``authorids`` of the venue-year's accepted papers (``/notes``; venue ids and API
version per year in :mod:`talentflow.sources.openreview_venues`).

How, as openreview-py does it: ``POST /profiles/search {"ids": [...]}`` in batches of
up to 1,000; notes of API v2 venues by ``sort=id`` and ``after=<last id>`` with
``count=true`` on the first page (the only one that carries ``count``), checked for
completeness at the end; API v1 venues by ``offset``. Every profile and page is kept
in the crawl state as soon as it arrived; a profile the API did not return, and an
empty listing, are not kept, so the next run asks again (a later run may be logged
in, or the venue may be published by then).

Every request needs a login (:mod:`talentflow.sources.openreview_auth`). Errors are
read the way the API writes them (``{"name", "message", "status", "details"}``): a 403
``ChallengeRequiredError`` is a missing login, a 401 an expired or refused one (the
session logs in again once), a 429 ``RateLimitError`` carries the end of its window in
``details.resetTime`` (30-60 minutes): a short wait is slept through, a long one stops
the crawl with the time to resume.

openreview-py (extra ``live``) is used where it adds what a plain request cannot: the
multi-factor login prompts. Its request path is not used for the crawl: it prints
retries to standard output (reserved for JSON here), sleeps through any window of up
to 120 s per retry with no clock to inject, gives up after 8 tries inside a 30-minute
window, and keeps nothing on disk, so an interrupted crawl starts again from zero.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import orjson

from talentflow.errors import BadInputError, FetchError
from talentflow.normalise.countries import country_code
from talentflow.sources.career_entries import (
    CareerEntry,
    country_from_domain,
    stage_from_position,
    year_or_none,
)
from talentflow.sources.http_cache import (
    AuthError,
    CachedFetcher,
    Verdict,
    retry_after_seconds,
    utc_text,
)
from talentflow.sources.identity_keys import normalise_orcid
from talentflow.sources.live_http import (
    CrawlStats,
    ProgressCallback,
    RecordCache,
    batched,
)
from talentflow.sources.openreview_auth import (
    NO_CREDENTIALS,
    OpenReviewSession,
    find_credentials,
    login_with_client,
)
from talentflow.sources.openreview_venues import VenueGroup as VenueGroup
from talentflow.sources.openreview_venues import known_venues as known_venues
from talentflow.sources.openreview_venues import venue_groups as venue_groups

SOURCE = "openreview"
DEFAULT_BASE_URL = "https://api2.openreview.net"
DEFAULT_BASE_URL_V1 = "https://api.openreview.net"
BASE_URL_ENV = "OPENREVIEW_API_BASEURL_V2"
BASE_URL_V1_ENV = "OPENREVIEW_API_BASEURL_V1"
MAX_IDS_PER_SEARCH = 1000  # openreview-py's batch for POST /profiles/search


@dataclass(frozen=True)
class OpenReviewSettings:
    """How to crawl OpenReview (serialisable: a build records it)."""

    base_url: str = DEFAULT_BASE_URL
    base_url_v1: str = DEFAULT_BASE_URL_V1
    batch_size: int = MAX_IDS_PER_SEARCH
    notes_page_size: int = 1000  # the API's largest page
    requests_per_second: float = 1.0
    max_age_days: float | None = None  # refetch profiles older than this; None: never

    @classmethod
    def from_env(cls, **overrides: Any) -> OpenReviewSettings:
        values: dict[str, Any] = {
            "base_url": os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL,
            "base_url_v1": os.environ.get(BASE_URL_V1_ENV) or DEFAULT_BASE_URL_V1,
        }
        return cls(**{**values, **overrides})

    def as_dict(self) -> dict[str, object]:
        return {
            "base_url": self.base_url,
            "base_url_v1": self.base_url_v1,
            "batch_size": self.batch_size,
            "notes_page_size": self.notes_page_size,
            "requests_per_second": self.requests_per_second,
            "max_age_days": self.max_age_days,
        }


def _error_body(response: httpx.Response) -> dict[str, Any]:
    try:
        data = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _reset_time(details: Any) -> float | None:
    """``details.resetTime`` (``2026-08-31T08:59:25.212Z``) as epoch seconds."""
    value = details.get("resetTime") if isinstance(details, dict) else None
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def judge_response(response: httpx.Response, now: float) -> Verdict | None:
    """How to take an OpenReview error answer (see the module docstring)."""
    status = response.status_code
    body = _error_body(response)
    name = str(body.get("name") or "")
    message = str(body.get("message") or "").split("\n")[0]
    host = response.request.url.host
    if status == 403 and name == "ChallengeRequiredError":
        return Verdict(error=AuthError(NO_CREDENTIALS.format(host=host)))
    if status == 401:
        return Verdict(
            error=AuthError(
                f"OpenReview refused the login (HTTP 401{': ' + message if message else ''}): "
                "check OPENREVIEW_USERNAME/OPENREVIEW_PASSWORD or ~/.netrc (a bare "
                "OPENREVIEW_TOKEN expires after an hour)"
            )
        )
    if status == 429:
        waits = [retry_after_seconds(response, now)]
        reset = _reset_time(body.get("details"))
        if reset is not None:
            waits.append(max(0.0, reset - now) + 1.0)
        known = [w for w in waits if w is not None]
        wait = max(known) if known else None
        until = f", window ends {utc_text(now + wait)}" if wait is not None else ""
        return Verdict(wait=wait, reason=f"rate limit (429 {name or 'Too Many Requests'}{until})")
    return None


def fetch_options(base_url: str, clock: Callable[[], float], user_agent: str) -> dict[str, Any]:
    """The fetcher keywords of an OpenReview crawl: how to read its errors, the clock, and
    a login session (the credentials are looked up here: without them the crawl stops
    before its first request)."""
    creds = find_credentials(base_url)
    login_client = httpx.Client(timeout=60.0, headers={"User-Agent": user_agent})
    session = OpenReviewSession(
        creds, lambda c: login_with_client(login_client, base_url, c), clock=clock
    )
    return {"judge": judge_response, "service": "OpenReview", "clock": clock, "session": session}


def validate_profiles_body(body: bytes) -> None:
    """Reject a body that is not ``{"profiles": [{"id": ..., "content": {...}}, ...]}``."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadInputError("OpenReview /profiles", f"malformed JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
        raise BadInputError("OpenReview /profiles", "no 'profiles' list in the answer")
    for i, p in enumerate(data["profiles"]):
        if not isinstance(p, dict) or not isinstance(p.get("id"), str):
            raise BadInputError("OpenReview /profiles", "profile without an id", record=i)


def profile_aliases(profile: dict[str, Any]) -> list[str]:
    """Every ``~id`` that names this profile: its id and its names' usernames."""
    ids = [str(profile["id"])]
    content = profile.get("content") or {}
    for name in content.get("names") or []:
        if isinstance(name, dict) and name.get("username"):
            ids.append(str(name["username"]))
    return list(dict.fromkeys(ids))


def profile_identifiers(profile: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, value) pairs that link this profile to other sources."""
    pairs = [("openreview", alias) for alias in profile_aliases(profile)]
    orcid = normalise_orcid((profile.get("content") or {}).get("orcid"))
    if orcid:
        pairs.append(("orcid", orcid))
    return pairs


def profile_entries(profile: dict[str, Any]) -> list[CareerEntry]:
    """The ``content.history`` entries of a profile as career entries (evidence ``profile``).

    Missing fields stay NULL; ``start``/``end`` may be an integer, null or "".
    """
    content = profile.get("content") or {}
    entries: list[CareerEntry] = []
    for i, h in enumerate(content.get("history") or []):
        if not isinstance(h, dict):
            continue
        inst = h.get("institution") or {}
        name = inst.get("name") or None
        domain = (inst.get("domain") or "").strip().lower() or None
        position = (h.get("position") or "").strip() or None
        country_raw = inst.get("country") or None
        country = country_code(country_raw)
        basis = "stated" if country else None
        if country is None:
            country = country_from_domain(domain)
            basis = "domain" if country else None
        entries.append(
            CareerEntry(
                source=SOURCE,
                record_id=str(profile["id"]),
                entry_index=i,
                position=position,
                stage=stage_from_position(position, name, domain),
                institution=name,
                domain=domain,
                institution_id=None,
                country_raw=country_raw,
                country=country,
                country_basis=basis,
                first_year=year_or_none(h.get("start")),
                last_year=year_or_none(h.get("end")),
                evidence="profile",
            )
        )
    return entries


def crawl_profiles(
    profile_ids: Iterable[str],
    fetcher: CachedFetcher,
    state: RecordCache,
    settings: OpenReviewSettings,
    on_progress: ProgressCallback | None = None,
) -> CrawlStats:
    """Fetch every profile in ``profile_ids`` not yet in the crawl state
    (``POST /profiles/search``, up to 1,000 ids a request).

    A profile the API does not return (deleted, merged away, restricted to users
    with more rights) is counted as missing and not stored, so the next run asks
    again. A failing batch raises :class:`FetchError`; what was stored before it
    stays, and the next run starts where this one stopped.
    """
    ids = [i for i in dict.fromkeys(profile_ids) if i.startswith("~")]
    max_age = settings.max_age_days * 86400 if settings.max_age_days is not None else None
    todo = state.wanted(ids, max_age)
    stats = CrawlStats(wanted=len(ids), already_cached=len(ids) - len(todo))
    requests_before = fetcher.requests_sent
    done = stats.already_cached
    if on_progress:
        on_progress(done, len(ids))
    url = f"{settings.base_url.rstrip('/')}/profiles/search"
    try:
        for batch in batched(todo, min(settings.batch_size, MAX_IDS_PER_SEARCH)):
            stats.batches += 1
            body = fetcher.post_json(url, {"ids": batch}, validate=validate_profiles_body)
            stats.pages += 1
            found: dict[str, dict[str, Any]] = {}
            for p in orjson.loads(body)["profiles"]:
                for alias in profile_aliases(p):
                    found.setdefault(alias, p)
            for rid in batch:
                prof = found.get(rid)
                if prof is None:
                    stats.missing_at_source += 1
                else:
                    state.put(rid, prof, url)
                    stats.fetched += 1
                done += 1
            if on_progress:
                on_progress(done, len(ids))
    except FetchError as exc:
        stats.problems.append(str(exc))
        raise
    finally:
        stats.requests = fetcher.requests_sent - requests_before
    return stats


def validate_notes_body(body: bytes) -> None:
    """Reject a body that is not ``{"notes": [{"id": ..., "content": {...}}, ...]}``."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadInputError("OpenReview /notes", f"malformed JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("notes"), list):
        raise BadInputError("OpenReview /notes", "no 'notes' list in the answer")
    for i, n in enumerate(data["notes"]):
        if not isinstance(n, dict) or not isinstance(n.get("id"), str):
            raise BadInputError("OpenReview /notes", "note without an id", record=i)


def note_value(field: Any) -> Any:
    """API v2 wraps every content field as ``{"value": ...}``; API v1 did not."""
    return field.get("value") if isinstance(field, dict) else field


def note_author_ids(note: dict[str, Any]) -> list[str]:
    """The ``~ids`` among a note's ``content.authorids`` (e-mails of authors without a
    profile are left out)."""
    ids = note_value((note.get("content") or {}).get("authorids")) or []
    return [str(i) for i in ids if isinstance(i, str) and i.startswith("~")]


def is_accepted_v1(note: dict[str, Any], group: VenueGroup) -> bool:
    """An API v1 submission that the venue accepted: its ``venueid`` is the venue's and
    its ``venue`` is not a "Submitted to ..." label (rejected papers made public)."""
    content = note.get("content") or {}
    venue_text = str(note_value(content.get("venue")) or "")
    return note_value(content.get("venueid")) == group.venue_id and not venue_text.startswith(
        "Submitted to"
    )


def v1_note_with_authors(note: dict[str, Any]) -> dict[str, Any]:
    """An API v1 blind note with the authors of its original (``details.original``) when
    the blind copy names only an anonymous group."""
    if note_author_ids(note):
        return note
    original = ((note.get("details") or {}).get("original") or {}).get("content") or {}
    if not original.get("authorids"):
        return note
    content = {**(note.get("content") or {})}
    for key in ("authors", "authorids"):
        if key in original:
            content[key] = original[key]
    return {**note, "content": content}


def _page_key(group: VenueGroup, number: int) -> str:
    return f"{group.venue_id}#page{number}"


def _drop_pages(state: RecordCache, group: VenueGroup) -> None:
    number = 0
    while state.get(_page_key(group, number)) is not None:
        state.delete(_page_key(group, number))
        number += 1


def _page_request(
    group: VenueGroup, settings: OpenReviewSettings, number: int, notes: list[dict[str, Any]]
) -> tuple[str, dict[str, str]]:
    """The URL and parameters of page ``number`` after ``notes`` have arrived."""
    limit = str(settings.notes_page_size)
    if group.api == "v1":
        url = f"{settings.base_url_v1.rstrip('/')}/notes"
        params = {"invitation": group.submission_invitation, "details": "original"}
        return url, {**params, "offset": str(len(notes)), "limit": limit}
    url = f"{settings.base_url.rstrip('/')}/notes"
    params = {"content.venueid": group.venue_id, "sort": "id", "limit": limit}
    if number == 0:
        params["count"] = "true"
    else:
        params["after"] = str(notes[-1]["id"])
    return url, params


def crawl_venue_notes(
    group: VenueGroup,
    fetcher: CachedFetcher,
    state: RecordCache,
    settings: OpenReviewSettings,
    on_progress: ProgressCallback | None = None,
) -> tuple[list[dict[str, Any]], CrawlStats]:
    """The accepted papers of one venue id, page by page; each page is kept as it
    arrives, so a rerun asks only for the pages it does not have.

    API v2: ``content.venueid=<id>``, ``sort=id``, ``after=<last id>``; the first page
    asks for ``count`` and the walk must end with that many distinct notes, else its
    pages are dropped and the error says so (the next run walks again). API v1: the
    submissions (``invitation=.../-/Blind_Submission``) by ``offset``, accepted ones
    kept. An empty first page is never stored. Pages older than ``max_age_days`` are
    walked again from the first one.
    """
    max_age = settings.max_age_days * 86400 if settings.max_age_days is not None else None
    stats = CrawlStats()
    before = fetcher.requests_sent
    raw: list[dict[str, Any]] = []
    total: int | None = None
    number = 0
    if state.get(_page_key(group, 0)) is not None and state.wanted([_page_key(group, 0)], max_age):
        _drop_pages(state, group)
    try:
        while True:
            key = _page_key(group, number)
            rec = state.get(key)
            if rec is not None and rec.body is not None:
                page = rec.body["notes"]
                stats.already_cached += len(page)
                count = rec.body.get("count")
            else:
                url, params = _page_request(group, settings, number, raw)
                data = orjson.loads(fetcher.get(url, validate=validate_notes_body, params=params))
                page, count = data["notes"], data.get("count")
                if page:
                    state.put(
                        key, {"notes": page, "count": count}, str(httpx.URL(url, params=params))
                    )
                stats.fetched += len(page)
            if number == 0 and isinstance(count, int):
                total = count
            stats.pages += 1
            raw.extend(page)
            number += 1
            if on_progress:
                on_progress(len(raw), max(total or 0, len(raw)))
            if len(page) < settings.notes_page_size or (total is not None and len(raw) >= total):
                break
        distinct = {str(n["id"]) for n in raw}
        if len(distinct) != len(raw) or (total is not None and len(distinct) != total):
            _drop_pages(state, group)
            raise FetchError(
                f"OpenReview {group.venue_id}: the listing did not add up ({len(distinct)} "
                f"distinct of {len(raw)} notes, {total} announced); its pages were dropped, "
                "rerun to walk it again"
            )
    except FetchError as exc:
        stats.problems.append(str(exc))
        raise
    finally:
        stats.requests = fetcher.requests_sent - before
    if group.api == "v1":
        notes = [v1_note_with_authors(n) for n in raw if is_accepted_v1(n, group)]
    else:
        notes = raw
    stats.wanted = len(notes)
    return notes, stats


def cached_venue_notes(group: VenueGroup, state: RecordCache) -> list[dict[str, Any]]:
    """The notes of a venue id already in the crawl state (no request is made)."""
    raw: list[dict[str, Any]] = []
    number = 0
    while (rec := state.get(_page_key(group, number))) is not None and rec.body:
        raw.extend(rec.body["notes"])
        number += 1
    if group.api == "v1":
        return [v1_note_with_authors(n) for n in raw if is_accepted_v1(n, group)]
    return raw
