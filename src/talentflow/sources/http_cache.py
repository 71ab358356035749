"""HTTP downloads with an on-disk cache, conditional requests and polite retries.

Shared by every live source. A body is written to the cache only after it has
been checked (complete, and valid for the caller), so a truncated or garbled
download is never ingested and never poisons the cache.

Waiting: a short wait the server asks for (``Retry-After``, or what a source reads
from its error body through a ``judge``) is slept through; a wait longer than
``RetryPolicy.max_wait_seconds`` (a 30-60 minute rate-limit window, a spent daily
budget) stops the crawl with a :class:`ThrottledError` that says when to resume.
The window is written next to the cache, so a rerun inside it stops at once
without spending a request.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

import httpx

from talentflow.errors import FetchError

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
THROTTLE_FILE = "throttled.json"


def utc_text(when: float) -> str:
    """``2026-12-07 19:02 UTC`` for an epoch time."""
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d %H:%M UTC")


class ThrottledError(FetchError):
    """The service asked for a wait longer than a crawl sits through; resume later."""

    def __init__(self, service: str, reason: str, resume_at: float, now: float) -> None:
        self.service = service
        self.reason = reason
        self.resume_at = resume_at
        minutes = max(1, round((resume_at - now) / 60))
        super().__init__(
            f"{service} {reason}: everything fetched so far is saved; rerun with --resume "
            f"after {utc_text(resume_at)} (in about {minutes} min)"
        )


class AuthError(FetchError):
    """The service refused the request for want of (valid) credentials."""


@dataclass(frozen=True)
class Verdict:
    """What a source reads from an error answer (``judge``): retry after ``wait``
    seconds (None: the policy's backoff), stop until ``stop_until`` (epoch seconds,
    with ``reason``), or fail with ``error``."""

    wait: float | None = None
    stop_until: float | None = None
    reason: str = ""
    error: FetchError | None = None


Judge = Callable[[httpx.Response, float], Verdict | None]
"""Reads an error answer (and the time now); None leaves it to the default handling."""


class Session(Protocol):
    """Credentials sent with every request, renewable once the service rejects them."""

    def headers(self) -> dict[str, str]: ...

    def renew(self) -> bool:
        """Log in again; False when that is not possible (e.g. a bare token)."""
        ...


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a failing request."""

    max_attempts: int = 5
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 60.0
    max_wait_seconds: float = 120.0  # a longer wait asked by the server stops the crawl

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        if retry_after is not None:
            return float(retry_after)
        return float(min(self.backoff_seconds * 2 ** (attempt - 1), self.max_backoff_seconds))


def retry_after_seconds(response: httpx.Response, now: float) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), if any."""
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
        return max(0.0, when.timestamp() - now)


def _default_verdict(response: httpx.Response, now: float) -> Verdict | None:
    if response.status_code in RETRY_STATUSES:
        return Verdict(wait=retry_after_seconds(response, now))
    return None


class CachedFetcher:
    """GET with an on-disk cache keyed by URL, ETag/Last-Modified revalidation and retries.

    ``secret_params`` (an API key) are sent with every request but kept out of the
    cache keys, the stored metadata and every message. ``session`` adds login
    headers and is renewed once when the service answers 401.
    """

    def __init__(
        self,
        cache_dir: Path,
        client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        *,
        clock: Callable[[], float] = time.time,
        judge: Judge | None = None,
        service: str = "the server",
        secret_params: dict[str, str] | None = None,
        session: Session | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.client = client or httpx.Client(timeout=60.0, follow_redirects=True)
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.clock = clock
        self.judge = judge
        self.service = service
        self.secret_params = dict(secret_params or {})
        self.session = session
        self.requests_sent = 0

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        return self.cache_dir / f"{key}.body", self.cache_dir / f"{key}.meta.json"

    def cached(self, url: str) -> bytes | None:
        """The cached body for ``url``, if any."""
        body, _ = self._paths(url)
        return body.read_bytes() if body.exists() else None

    def throttled_until(self) -> float | None:
        """The end of a saved rate-limit window that has not passed yet, else None."""
        path = self.cache_dir / THROTTLE_FILE
        if not path.exists():
            return None
        try:
            until = float(json.loads(path.read_text())["resume_at"])
        except (ValueError, KeyError, TypeError):
            return None
        if self.clock() >= until:
            path.unlink(missing_ok=True)
            return None
        return until

    def _check_window(self) -> None:
        until = self.throttled_until()
        if until is not None:
            reason = json.loads((self.cache_dir / THROTTLE_FILE).read_text()).get("reason", "")
            raise ThrottledError(self.service, reason or "asked us to wait", until, self.clock())

    def _stop(self, until: float, reason: str) -> ThrottledError:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.cache_dir / (THROTTLE_FILE + ".tmp")
        tmp.write_text(json.dumps({"resume_at": until, "reason": reason}))
        os.replace(tmp, self.cache_dir / THROTTLE_FILE)
        return ThrottledError(self.service, reason, until, self.clock())

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

        def send(extra: dict[str, str]) -> httpx.Response:
            target = (
                httpx.URL(full).copy_merge_params(self.secret_params)
                if self.secret_params
                else full
            )
            return self.client.get(target, headers={**headers, **extra})

        response, body = self._exchange(full, send, validate, not_modified=body_path.exists())
        if response is None:
            return body_path.read_bytes()
        self._store(body_path, meta_path, body, response, full)
        return body

    def post_json(
        self, url: str, payload: dict[str, Any], validate: Callable[[bytes], None] | None = None
    ) -> bytes:
        """POST ``payload`` as JSON with the same retries and checks (never cached: the
        caller keeps what it needs from the answer)."""

        def send(extra: dict[str, str]) -> httpx.Response:
            target = (
                httpx.URL(url).copy_merge_params(self.secret_params) if self.secret_params else url
            )
            return self.client.post(target, json=payload, headers=extra)

        _, body = self._exchange(url, send, validate, not_modified=False)
        return body

    def _exchange(
        self,
        where: str,
        send: Callable[[dict[str, str]], httpx.Response],
        validate: Callable[[bytes], None] | None,
        not_modified: bool,
    ) -> tuple[httpx.Response | None, bytes]:
        """Send with retries; (response, checked body), or (None, b"") on a 304."""
        self._check_window()
        last_problem = "no attempt made"
        renewed = False
        attempt = 0
        while attempt < self.retry.max_attempts:
            attempt += 1
            wait: float | None = None
            try:
                self.requests_sent += 1
                response = send(self.session.headers() if self.session else {})
            except httpx.TimeoutException:
                last_problem = "timed out"
                response = None
            except httpx.TransportError as exc:
                last_problem = f"connection failed ({exc})"
                response = None
            if response is not None:
                status = response.status_code
                if status == 304 and not_modified:
                    return None, b""
                if status == 401 and self.session is not None and not renewed:
                    renewed = self.session.renew()  # an expired login: log in again, once
                    if renewed:
                        attempt -= 1
                        continue
                if status >= 400:
                    now = self.clock()
                    verdict = (self.judge(response, now) if self.judge else None) or (
                        _default_verdict(response, now)
                    )
                    if verdict is None:
                        raise FetchError(f"{where}: HTTP {status}")
                    if verdict.error is not None:
                        raise verdict.error
                    if verdict.stop_until is not None:
                        raise self._stop(verdict.stop_until, verdict.reason)
                    last_problem = f"HTTP {status}"
                    wait = self.retry.delay(attempt, verdict.wait)
                    if wait > self.retry.max_wait_seconds:
                        reason = verdict.reason or f"asked us to wait (HTTP {status})"
                        raise self._stop(now + wait, reason)
                else:
                    body = response.content
                    expected = response.headers.get("Content-Length")
                    encoded = response.headers.get("Content-Encoding")
                    if expected is not None and not encoded and int(expected) != len(body):
                        last_problem = f"truncated body ({len(body)} of {expected} bytes)"
                    elif validate is not None:
                        try:
                            validate(body)
                            return response, body
                        except Exception as exc:
                            last_problem = f"unusable body: {exc}"
                    else:
                        return response, body
            if attempt < self.retry.max_attempts:
                self.sleep(wait if wait is not None else self.retry.delay(attempt, None))
        raise FetchError(
            f"{where}: gave up after {self.retry.max_attempts} attempts: {last_problem}"
        )

    def _store(
        self,
        body_path: Path,
        meta_path: Path,
        body: bytes,
        response: httpx.Response,
        url: str,
    ) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = body_path.with_suffix(".tmp")
        tmp.write_bytes(body)
        os.replace(tmp, body_path)
        meta = {
            "url": url,  # as asked, without secret parameters
            "etag": response.headers.get("ETag"),
            "last_modified": response.headers.get("Last-Modified"),
            "fetched_at": time.time(),
        }
        tmp_meta = meta_path.with_suffix(".tmp")
        tmp_meta.write_text(json.dumps(meta))
        os.replace(tmp_meta, meta_path)
