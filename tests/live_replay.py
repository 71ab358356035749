"""Replay of the OpenReview and OpenAlex APIs for tests (no network).

The servers answer from the recorded corpus in ``tests/fixtures/live`` (bodies in
the documented schemas) the way the documented endpoints do, and can be told to
misbehave on given calls (429 with Retry-After, 500, a timeout, a truncated body).
They count every request and keep what each asked for, so tests can check that a
resumed crawl asks only for what is missing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import respx

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "live"
OPENREVIEW_BASE = "https://api2.openreview.net"
OPENALEX_BASE = "https://api.openalex.org"

Fault = Callable[[httpx.Request], httpx.Response]


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def too_many_requests(retry_after: str = "7") -> Fault:
    return lambda request: httpx.Response(
        429, headers={"Retry-After": retry_after}, json={"name": "RateLimitError"}
    )


def server_error(request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, json={"name": "Error", "message": "Internal Server Error"})


def timeout(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("read timed out", request=request)


def truncated(request: httpx.Request) -> httpx.Response:
    body = b'{"profiles": [{"id": "~Ada_Lovel'
    return httpx.Response(200, headers={"Content-Length": "4096"}, content=body)


def cut_json(request: httpx.Request) -> httpx.Response:
    """A body cut short with no Content-Length to betray it (chunked transfer)."""
    return httpx.Response(200, content=b'{"results": [{"id": "https://openalex.org/A5')


@dataclass
class ReplayServer:
    """Common bookkeeping: scripted faults by call number, and a request log."""

    faults: dict[int, Fault] = field(default_factory=dict)
    fail_from: int | None = None  # every call from this number on fails with a 500
    calls: int = 0
    log: list[httpx.Request] = field(default_factory=list)

    def _fault(self, request: httpx.Request) -> httpx.Response | None:
        self.calls += 1
        self.log.append(request)
        if self.fail_from is not None and self.calls >= self.fail_from:
            return server_error(request)
        fault = self.faults.get(self.calls)
        return fault(request) if fault else None


@dataclass
class OpenReviewServer(ReplayServer):
    """GET /profiles?ids=...&limit=&offset= over the recorded profiles."""

    profiles: list[dict[str, Any]] = field(default_factory=lambda: load("openreview_profiles.json"))
    page_cap: int | None = None  # the server returns at most this many per page
    notes: list[dict[str, Any]] = field(default_factory=lambda: load("openreview_notes.json"))
    note_pages: list[tuple[str | None, int]] = field(default_factory=list)
    _aliases: dict[str, dict[str, Any]] | None = None
    asked: list[list[str]] = field(default_factory=list)

    def by_alias(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for p in self.profiles:
            out[p["id"]] = p
            for n in p["content"].get("names", []):
                if n.get("username"):
                    out[n["username"]] = p
        return out

    def __call__(self, request: httpx.Request) -> httpx.Response:
        faulty = self._fault(request)
        if faulty is not None:
            return faulty
        params = request.url.params
        ids = [i for i in params.get("ids", "").split(",") if i]
        self.asked.append(ids)
        if self._aliases is None or len(self._aliases) < len(self.profiles):
            self._aliases = self.by_alias()
        aliases = self._aliases
        found: list[dict[str, Any]] = []
        for i in ids:
            p = aliases.get(i)
            if p is not None and p not in found:
                found.append(p)
        offset = int(params.get("offset", "0"))
        limit = int(params.get("limit", "1000"))
        if self.page_cap is not None:
            limit = min(limit, self.page_cap)
        return httpx.Response(
            200, json={"profiles": found[offset : offset + limit], "count": len(found)}
        )

    def mount(self, router: respx.MockRouter, base: str = OPENREVIEW_BASE) -> None:
        router.get(f"{base}/profiles").mock(side_effect=self)
        router.get(f"{base}/notes").mock(side_effect=self.notes_endpoint)

    def notes_endpoint(self, request: httpx.Request) -> httpx.Response:
        """GET /notes?content.venueid=...&offset=&limit= over the recorded notes."""
        faulty = self._fault(request)
        if faulty is not None:
            return faulty
        params = request.url.params
        venueid = params.get("content.venueid")
        hits = [n for n in self.notes if n["content"]["venueid"]["value"] == venueid]
        offset = int(params.get("offset", "0"))
        limit = int(params.get("limit", "1000"))
        self.note_pages.append((venueid, offset))
        return httpx.Response(
            200, json={"notes": hits[offset : offset + limit], "count": len(hits)}
        )

    @property
    def asked_ids(self) -> list[str]:
        return [i for batch in self.asked for i in batch]


@dataclass
class OpenAlexServer(ReplayServer):
    """GET /authors?filter=openalex_id:...|orcid:... and /works?filter=... with cursors."""

    authors: list[dict[str, Any]] = field(default_factory=lambda: load("openalex_authors.json"))
    works: list[dict[str, Any]] = field(default_factory=lambda: load("openalex_works.json"))
    asked_authors: list[str] = field(default_factory=list)
    mailto: list[str | None] = field(default_factory=list)

    def _page(self, items: list[dict[str, Any]], request: httpx.Request) -> httpx.Response:
        params = request.url.params
        per_page = int(params.get("per_page", "25"))
        cursor = params.get("cursor", "*")
        start = 0 if cursor in ("*", "") else int(cursor.removeprefix("c"))
        page = items[start : start + per_page]
        nxt = f"c{start + per_page}" if page else None
        meta = {
            "count": len(items),
            "db_response_time_ms": 12,
            "page": None,
            "per_page": per_page,
            "next_cursor": nxt,
            "groups_count": None,
        }
        return httpx.Response(200, json={"meta": meta, "results": page, "group_by": []})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        faulty = self._fault(request)
        if faulty is not None:
            return faulty
        self.mailto.append(request.url.params.get("mailto"))
        flt = request.url.params.get("filter", "")
        if request.url.path == "/authors":
            key, _, values = flt.partition(":")
            wanted = values.split("|")
            self.asked_authors += wanted
            hits = []
            for a in self.authors:
                short = a["id"].rsplit("/", 1)[-1]
                orcid = (a.get("orcid") or "").rsplit("/", 1)[-1]
                if (key == "openalex_id" and short in wanted) or (
                    key == "orcid" and orcid in wanted
                ):
                    hits.append(a)
            return self._page(hits, request)
        return self._page(self.works, request)

    def mount(self, router: respx.MockRouter, base: str = OPENALEX_BASE) -> None:
        router.get(f"{base}/authors").mock(side_effect=self)
        router.get(f"{base}/works").mock(side_effect=self)
