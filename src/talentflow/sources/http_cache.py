"""HTTP downloads with an on-disk cache, conditional requests and polite retries.

Shared by every live source. A body is written to the cache only after it has
been checked (complete, and valid for the caller), so a truncated or garbled
download is never ingested and never poisons the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx

from talentflow.errors import FetchError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a failing request."""

    max_attempts: int = 5
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 60.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if retry_after is not None:
            return float(min(retry_after, self.max_backoff_seconds))
        return float(min(self.backoff_seconds * 2 ** (attempt - 1), self.max_backoff_seconds))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())


class CachedFetcher:
    """GET with an on-disk cache keyed by URL, ETag/Last-Modified revalidation and retries."""

    def __init__(
        self,
        cache_dir: Path,
        client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.cache_dir = cache_dir
        self.client = client or httpx.Client(timeout=60.0, follow_redirects=True)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.requests_sent = 0

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        return self.cache_dir / f"{key}.body", self.cache_dir / f"{key}.meta.json"

    def cached(self, url: str) -> bytes | None:
        """The cached body for ``url``, if any."""
        body, _ = self._paths(url)
        return body.read_bytes() if body.exists() else None

    def get(
        self,
        url: str,
        validate: Callable[[bytes], None] | None = None,
        params: dict[str, str] | None = None,
        revalidate: bool = True,
    ) -> bytes:
        """Fetch ``url`` (using the cache), check the body, store it, and return it.

        ``validate`` raises on a body that must not be kept (e.g. truncated JSON).
        With ``revalidate=False`` a cached body is returned without any request.
        """
        full = str(httpx.URL(url, params=params)) if params else url
        body_path, meta_path = self._paths(full)
        headers: dict[str, str] = {}
        if body_path.exists():
            if not revalidate:
                return body_path.read_bytes()
            meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
            if meta.get("etag"):
                headers["If-None-Match"] = meta["etag"]
            if meta.get("last_modified"):
                headers["If-Modified-Since"] = meta["last_modified"]
        last_problem = "no attempt made"
        for attempt in range(1, self.retry.max_attempts + 1):
            try:
                self.requests_sent += 1
                response = self.client.get(full, headers=headers)
            except httpx.TimeoutException:
                last_problem = "timed out"
                if attempt < self.retry.max_attempts:
                    self.sleep(self.retry.delay(attempt, None))
                continue
            except httpx.TransportError as exc:
                last_problem = f"connection failed ({exc})"
                if attempt < self.retry.max_attempts:
                    self.sleep(self.retry.delay(attempt, None))
                continue
            if response.status_code == 304 and body_path.exists():
                return body_path.read_bytes()
            if response.status_code in RETRY_STATUSES:
                last_problem = f"HTTP {response.status_code}"
                if attempt < self.retry.max_attempts:
                    self.sleep(self.retry.delay(attempt, _retry_after(response)))
                continue
            if response.status_code >= 400:
                raise FetchError(f"{full}: HTTP {response.status_code}")
            body = response.content
            expected = response.headers.get("Content-Length")
            encoded = response.headers.get("Content-Encoding")
            if expected is not None and not encoded and int(expected) != len(body):
                last_problem = f"truncated body ({len(body)} of {expected} bytes)"
                if attempt < self.retry.max_attempts:
                    self.sleep(self.retry.delay(attempt, None))
                continue
            if validate is not None:
                try:
                    validate(body)
                except Exception as exc:
                    last_problem = f"unusable body: {exc}"
                    if attempt < self.retry.max_attempts:
                        self.sleep(self.retry.delay(attempt, None))
                    continue
            self._store(body_path, meta_path, body, response)
            return body
        raise FetchError(
            f"{full}: gave up after {self.retry.max_attempts} attempts: {last_problem}"
        )

    def _store(
        self, body_path: Path, meta_path: Path, body: bytes, response: httpx.Response
    ) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = body_path.with_suffix(".tmp")
        tmp.write_bytes(body)
        os.replace(tmp, body_path)
        meta = {
            "url": str(response.request.url),
            "etag": response.headers.get("ETag"),
            "last_modified": response.headers.get("Last-Modified"),
            "fetched_at": time.time(),
        }
        tmp_meta = meta_path.with_suffix(".tmp")
        tmp_meta.write_text(json.dumps(meta))
        os.replace(tmp_meta, meta_path)
