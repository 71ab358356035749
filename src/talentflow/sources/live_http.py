"""Shared machinery of the live API crawls (OpenReview, OpenAlex).

- ``polite_fetcher``: the project's :class:`CachedFetcher` (retries with backoff,
  ``Retry-After``, truncated-body checks, conditional requests) on an httpx client
  whose every request first waits for a :class:`RateLimiter`.
- :class:`RecordCache`: the crawl state, one JSON file per fetched record (a
  profile, an author, a page of works). A record is written only after its
  request succeeded and its body was checked, atomically, so an interrupted crawl
  keeps everything it already has and a rerun asks only for what is missing.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson

from talentflow.sources.http_cache import CachedFetcher, Judge, RetryPolicy, Session

ProgressCallback = Callable[[int, int], None]
"""Called with (records done, records wanted) as a crawl advances."""


class RateLimiter:
    """At most one request every ``min_interval`` seconds (shared by retries too)."""

    def __init__(
        self,
        requests_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if requests_per_second <= 0:
            raise ValueError("requests_per_second must be positive")
        self.min_interval = 1.0 / requests_per_second
        self.clock = clock
        self.sleep = sleep
        self._next_allowed: float | None = None
        self._lock = threading.Lock()
        self.waited_seconds = 0.0

    def wait(self) -> None:
        """Block until the next request may go out."""
        with self._lock:
            now = self.clock()
            if self._next_allowed is not None and now < self._next_allowed:
                pause = self._next_allowed - now
                self.waited_seconds += pause
                self.sleep(pause)
                now = self._next_allowed
            self._next_allowed = now + self.min_interval


def polite_fetcher(
    cache_dir: Path,
    limiter: RateLimiter,
    *,
    user_agent: str,
    headers: dict[str, str] | None = None,
    timeout_seconds: float = 60.0,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.time,
    judge: Judge | None = None,
    service: str = "the server",
    secret_params: dict[str, str] | None = None,
    session: Session | None = None,
) -> CachedFetcher:
    """A cached, retrying fetcher whose requests are paced by ``limiter`` (the other
    keywords are :class:`CachedFetcher`'s)."""

    def pace(request: httpx.Request) -> None:
        limiter.wait()

    client = httpx.Client(
        timeout=timeout_seconds,
        follow_redirects=True,
        headers={"User-Agent": user_agent, "Accept": "application/json", **(headers or {})},
        event_hooks={"request": [pace]},
        transport=transport,
    )
    return CachedFetcher(
        cache_dir,
        client=client,
        retry=retry,
        sleep=sleep,
        clock=clock,
        judge=judge,
        service=service,
        secret_params=secret_params,
        session=session,
    )


def _safe_name(record_id: str) -> str:
    digest = hashlib.sha256(record_id.encode()).hexdigest()[:16]
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in record_id)[:60]
    return f"{stem}.{digest}.json"


@dataclass(frozen=True)
class CachedRecord:
    """One record of the crawl state: its body (None when the source has no such record)."""

    record_id: str
    body: dict[str, Any] | None
    url: str
    fetched_at: float
    sha256: str

    @property
    def missing(self) -> bool:
        return self.body is None


class RecordCache:
    """One JSON file per record under ``root/kind/`` (the crawl state)."""

    def __init__(self, root: Path, kind: str) -> None:
        self.dir = root / kind
        self.kind = kind

    def path(self, record_id: str) -> Path:
        return self.dir / _safe_name(record_id)

    def get(self, record_id: str) -> CachedRecord | None:
        """The stored record, or None when it was never fetched (or its file is damaged)."""
        p = self.path(record_id)
        if not p.exists():
            return None
        try:
            data = orjson.loads(p.read_bytes())
        except orjson.JSONDecodeError:
            return None  # never happens with atomic writes; refetch rather than trust it
        return CachedRecord(
            record_id=data["record_id"],
            body=data["body"],
            url=data["url"],
            fetched_at=float(data["fetched_at"]),
            sha256=data["sha256"],
        )

    def put(self, record_id: str, body: dict[str, Any] | None, url: str) -> CachedRecord:
        """Store one record atomically (write to a temporary file, then rename)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        raw_body = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        rec = CachedRecord(
            record_id=record_id,
            body=body,
            url=url,
            fetched_at=time.time(),
            sha256=hashlib.sha256(raw_body).hexdigest(),
        )
        p = self.path(record_id)
        tmp = p.with_suffix(".tmp")
        tmp.write_bytes(
            orjson.dumps(
                {
                    "record_id": rec.record_id,
                    "body": body,
                    "url": url,
                    "fetched_at": rec.fetched_at,
                    "sha256": rec.sha256,
                }
            )
        )
        os.replace(tmp, p)
        return rec

    def delete(self, record_id: str) -> None:
        """Forget one record (the next run fetches it again)."""
        self.path(record_id).unlink(missing_ok=True)

    def wanted(
        self, record_ids: Iterable[str], max_age_seconds: float | None, now: float | None = None
    ) -> list[str]:
        """The ids that must be fetched: never fetched, or fetched longer ago than allowed."""
        now = time.time() if now is None else now
        out: list[str] = []
        seen: set[str] = set()
        for rid in record_ids:
            if rid in seen:
                continue
            seen.add(rid)
            if max_age_seconds is None:  # resuming: existence is enough (writes are atomic)
                if not self.path(rid).exists():
                    out.append(rid)
                continue
            rec = self.get(rid)
            if rec is None or now - rec.fetched_at > max_age_seconds:
                out.append(rid)
        return out


@dataclass
class CrawlStats:
    """What one crawl did (all counts; printed by the build and checked by tests)."""

    wanted: int = 0
    already_cached: int = 0
    fetched: int = 0
    missing_at_source: int = 0
    requests: int = 0
    batches: int = 0
    pages: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "wanted": self.wanted,
            "already_cached": self.already_cached,
            "fetched": self.fetched,
            "missing_at_source": self.missing_at_source,
            "requests": self.requests,
            "batches": self.batches,
            "pages": self.pages,
        }


def batched(items: list[str], size: int) -> Iterator[list[str]]:
    """Consecutive slices of ``items`` of at most ``size`` elements."""
    for i in range(0, len(items), size):
        yield items[i : i + size]
