"""OpenReview profiles (API v2): career history of the authors of a venue-year.

Which profiles: the OpenReview ``~ids`` that the paper lists already carry for a
venue-year (``authorships.profile_id``, ``profile_kind = 'openreview'``); the paper
lists are themselves exported from OpenReview's accepted notes, so the ids are the
same the API would give, without a second crawl of the notes.

How: ``GET {base}/profiles?ids=~A1,~B2,...`` in batches (the endpoint documented in
the API spec, ``ids`` being a string or an array), paged with ``offset``/``limit``
when the server returns fewer than it counts. Each profile is kept in the crawl
state as soon as its batch arrived, so a rerun fetches only what is missing.
Requests are paced (default 2 per second), retried with backoff on 429 (honouring
``Retry-After``), 5xx, timeouts and truncated bodies, and cached on disk.

``openreview-py`` (extra ``live``) is used for what it does that a plain GET cannot:
logging in (with multi-factor authentication) when ``OPENREVIEW_USERNAME`` and
``OPENREVIEW_PASSWORD`` are set; its token is then sent as a bearer header. Its own
request path is not used for the crawl: it prints retries to standard output (which
is reserved for JSON here), sleeps up to 120 s between retries with no way to
inject a clock in tests, keeps no on-disk cache, and fetches profiles by id with a
``POST /profiles/search`` that cannot be cached or revalidated by URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from talentflow.errors import BadInputError, FetchError, require
from talentflow.normalise.countries import country_code
from talentflow.sources.career_entries import (
    CareerEntry,
    country_from_domain,
    stage_from_position,
    year_or_none,
)
from talentflow.sources.http_cache import CachedFetcher
from talentflow.sources.live_http import (
    CrawlStats,
    ProgressCallback,
    RecordCache,
    batched,
)

SOURCE = "openreview"
DEFAULT_BASE_URL = "https://api2.openreview.net"
BASE_URL_ENV = "OPENREVIEW_API_BASEURL_V2"


# OpenReview venue groups of the accepted papers of a venue-year (API v2: an accepted
# submission's ``content.venueid`` is the venue group id).
VENUE_GROUPS: dict[str, tuple[str, ...]] = {
    "nips": ("NeurIPS.cc/{year}/Conference", "NeurIPS.cc/{year}/Datasets_and_Benchmarks_Track"),
    "iclr": ("ICLR.cc/{year}/Conference",),
    "icml": ("ICML.cc/{year}/Conference",),
}


def venue_groups(venue: str, year: int) -> list[str]:
    """The OpenReview venue ids of a venue code and year (empty when not on OpenReview)."""
    return [g.format(year=year) for g in VENUE_GROUPS.get(venue.lower(), ())]


@dataclass(frozen=True)
class OpenReviewSettings:
    """How to crawl OpenReview profiles (serialisable: a build records it)."""

    base_url: str = DEFAULT_BASE_URL
    batch_size: int = 50
    notes_page_size: int = 1000  # the API's largest page
    requests_per_second: float = 2.0
    max_age_days: float | None = None  # refetch profiles older than this; None: never

    @classmethod
    def from_env(cls, **overrides: Any) -> OpenReviewSettings:
        base = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        return cls(**{"base_url": base, **overrides})

    def as_dict(self) -> dict[str, object]:
        return {
            "base_url": self.base_url,
            "batch_size": self.batch_size,
            "notes_page_size": self.notes_page_size,
            "requests_per_second": self.requests_per_second,
            "max_age_days": self.max_age_days,
        }


def login_token(base_url: str, username: str, password: str) -> str:
    """A session token from openreview-py's login (handles multi-factor prompts)."""
    openreview = require("openreview", "live")
    client = openreview.api.OpenReviewClient(  # type: ignore[attr-defined]
        baseurl=base_url, username=username, password=password
    )
    return str(client.token)


def auth_headers_from_env(base_url: str) -> dict[str, str]:
    """A bearer header when OpenReview credentials are set in the environment, else none."""
    user = os.environ.get("OPENREVIEW_USERNAME")
    password = os.environ.get("OPENREVIEW_PASSWORD")
    token = os.environ.get("OPENREVIEW_TOKEN")
    if not token and user and password:
        token = login_token(base_url, user, password)
    return {"Authorization": f"Bearer {token}"} if token else {}


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


def normalise_orcid(value: str | None) -> str | None:
    """The bare ORCID (``0000-0002-1825-0097``) from an id or a URL."""
    if not value:
        return None
    tail = value.strip().rstrip("/").rsplit("/", 1)[-1].upper()
    digits = tail.replace("-", "")
    if len(digits) == 16 and digits[:15].isdigit() and (digits[15].isdigit() or digits[15] == "X"):
        return "-".join(digits[i : i + 4] for i in range(0, 16, 4))
    return None


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
    """Fetch every profile in ``profile_ids`` not yet in the crawl state.

    A profile the API does not return (deleted, merged away, never existed) is kept
    as a missing record, so it is not asked for again until it is older than
    ``max_age_days``. A failing batch raises :class:`FetchError`; what was stored
    before it stays, and the next run starts where this one stopped.
    """
    ids = [i for i in dict.fromkeys(profile_ids) if i.startswith("~")]
    max_age = settings.max_age_days * 86400 if settings.max_age_days is not None else None
    todo = state.wanted(ids, max_age)
    stats = CrawlStats(wanted=len(ids), already_cached=len(ids) - len(todo))
    requests_before = fetcher.requests_sent
    done = stats.already_cached
    if on_progress:
        on_progress(done, len(ids))
    url = f"{settings.base_url.rstrip('/')}/profiles"
    try:
        for batch in batched(todo, settings.batch_size):
            stats.batches += 1
            found: dict[str, dict[str, Any]] = {}
            offset = 0
            while True:
                params = {"ids": ",".join(batch), "limit": str(len(batch))}
                if offset:
                    params["offset"] = str(offset)
                body = fetcher.get(url, validate=validate_profiles_body, params=params)
                stats.pages += 1
                data = orjson.loads(body)
                page = data["profiles"]
                for p in page:
                    for alias in profile_aliases(p):
                        found.setdefault(alias, p)
                offset += len(page)
                count = data.get("count")
                if not page or not isinstance(count, int) or offset >= count:
                    break
            page_url = str(httpx.URL(url, params={"ids": ",".join(batch)}))
            for rid in batch:
                prof = found.get(rid)
                state.put(rid, prof, page_url)
                if prof is None:
                    stats.missing_at_source += 1
                else:
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


def crawl_venue_notes(
    venue_id: str,
    fetcher: CachedFetcher,
    state: RecordCache,
    settings: OpenReviewSettings,
    on_progress: ProgressCallback | None = None,
) -> tuple[list[dict[str, Any]], CrawlStats]:
    """The accepted papers of one venue group (``GET /notes?content.venueid=...``), paged
    by ``offset``/``limit``; every page is kept as it arrives, so a rerun asks only for
    the pages it does not have. Pages older than ``max_age_days`` are fetched again."""
    url = f"{settings.base_url.rstrip('/')}/notes"
    max_age = settings.max_age_days * 86400 if settings.max_age_days is not None else None
    stats = CrawlStats()
    before = fetcher.requests_sent
    notes: list[dict[str, Any]] = []
    offset = 0
    try:
        while True:
            key = f"{venue_id}#{offset}"
            rec = None if state.wanted([key], max_age) else state.get(key)
            if rec is not None and rec.body is not None:
                page = rec.body["notes"]
                stats.already_cached += len(page)
            else:
                params = {
                    "content.venueid": venue_id,
                    "offset": str(offset),
                    "limit": str(settings.notes_page_size),
                }
                body = fetcher.get(url, validate=validate_notes_body, params=params)
                page = orjson.loads(body)["notes"]
                state.put(key, {"notes": page}, str(httpx.URL(url, params=params)))
                stats.fetched += len(page)
            stats.pages += 1
            notes.extend(page)
            offset += len(page)
            if on_progress:
                on_progress(len(notes), len(notes))
            if len(page) < settings.notes_page_size:
                break
    except FetchError as exc:
        stats.problems.append(str(exc))
        raise
    finally:
        stats.requests = fetcher.requests_sent - before
        stats.wanted = len(notes)
    return notes, stats
