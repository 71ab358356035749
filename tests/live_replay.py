"""Replay of the OpenReview and OpenAlex APIs for tests (no network).

The servers answer from the recorded corpus in ``tests/fixtures/live`` (bodies in
the documented schemas) the way the services do in 2026:

- OpenReview challenges anonymous clients (403 ``ChallengeRequiredError``), logs in
  with ``POST /login`` (tokens expire after an hour: 401), finds profiles with
  ``POST /profiles/search {"ids": [...]}``, lists API v2 notes by ``sort=id`` and
  ``after`` (``count`` only when asked with ``count=true``), answers an empty list for
  venues that live on API v1, which a second server (``api.openreview.net``) serves
  by ``invitation`` and ``offset``; its rate limit is a 429 ``RateLimitError`` whose
  window end is in ``details.resetTime`` (no ``Retry-After``).
- OpenAlex needs ``api_key`` (cursor paging without it: 401), answers 403 when asked
  too fast and 429 when the daily budget is spent.

Errors are written as the services write them. A :class:`FakeClock` serves as the
servers' time, the crawl's clock and its ``sleep``, so windows pass without waiting.
The servers count every request and keep what each asked for.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
import respx

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "live"
OPENREVIEW_BASE = "https://api2.openreview.net"
OPENREVIEW_V1_BASE = "https://api.openreview.net"
OPENALEX_BASE = "https://api.openalex.org"
ACCOUNT = ("crawler@example.org", "correct horse battery staple")
OPENALEX_KEY = "k-replay-secret"
START = datetime(2026, 12, 7, 18, 0, tzinfo=UTC).timestamp()

Fault = Callable[[httpx.Request], httpx.Response]


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


class FakeClock:
    """Time for the servers and the crawl; ``sleep`` advances it and is recorded."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def iso(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def openreview_error(status: int, name: str, message: str, **details: Any) -> httpx.Response:
    """An error as the OpenReview API writes it."""
    body = {"name": name, "message": message, "status": status, "details": details}
    return httpx.Response(status, json=body)


def too_many_requests(retry_after: str = "7") -> Fault:
    """A generic 429 with ``Retry-After`` (a proxy or CDN; OpenReview's own is below)."""
    return lambda request: httpx.Response(429, headers={"Retry-After": retry_after})


def server_error(request: httpx.Request) -> httpx.Response:
    return openreview_error(500, "Error", "Internal Server Error")


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
    clock: FakeClock = field(default_factory=FakeClock)
    calls: int = 0
    log: list[httpx.Request] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # what got a 200, as "METHOD url body"

    def _fault(self, request: httpx.Request) -> httpx.Response | None:
        self.calls += 1
        self.log.append(request)
        if self.fail_from is not None and self.calls >= self.fail_from:
            return server_error(request)
        fault = self.faults.get(self.calls)
        return fault(request) if fault else None

    def _ok(self, request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        self.answered.append(f"{request.method} {request.url} {request.content.decode()}")
        return httpx.Response(200, json=body)


def _v1_note(note: dict[str, Any], venue_id: str, venue: str, blind: bool) -> dict[str, Any]:
    """An API v2 note of the corpus as API v1 writes it (plain content values); a blind
    copy names only the paper's anonymous author group, its original the authors."""
    content = {
        k: (v["value"] if isinstance(v, dict) and "value" in v else v)
        for k, v in note["content"].items()
    }
    content.update(venueid=venue_id, venue=venue)
    out: dict[str, Any] = {"id": note["id"], "forum": note["id"], "content": content}
    if blind:
        original = {k: content[k] for k in ("authors", "authorids")}
        anonymous = f"{venue_id}/Paper{note['id']}/Authors"
        out["content"] = {**content, "authors": ["Anonymous"], "authorids": [anonymous]}
        out["details"] = {"original": {"id": f"orig-{note['id']}", "content": original}}
    return out


@dataclass
class OpenReviewServer(ReplayServer):
    """OpenReview API v2 (``api2``) and, for venues before 2023, API v1 (``api``)."""

    profiles: list[dict[str, Any]] = field(default_factory=lambda: load("openreview_profiles.json"))
    notes: list[dict[str, Any]] = field(default_factory=lambda: load("openreview_notes.json"))
    v1_notes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by invitation
    hidden: set[str] = field(default_factory=set)  # profile ids the search leaves out
    accounts: dict[str, str] = field(default_factory=lambda: dict([ACCOUNT]))
    mfa_accounts: set[str] = field(default_factory=set)  # login answers mfaPending
    token_seconds: float = 3600.0
    tokens: dict[str, float] = field(default_factory=dict)  # token -> expiry
    logins: int = 0
    # rate limit: from this call number on, a window of window_seconds (once)
    limit_from_call: int | None = None
    window_seconds: float = 1800.0
    window_end: float | None = None
    note_pages: list[tuple[str | None, str]] = field(default_factory=list)
    asked: list[list[str]] = field(default_factory=list)
    _aliases: dict[str, dict[str, Any]] | None = None

    def by_alias(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for p in self.profiles:
            out[p["id"]] = p
            for n in p["content"].get("names", []):
                if n.get("username"):
                    out[n["username"]] = p
        return out

    def _gate(self, request: httpx.Request) -> httpx.Response | None:
        """Faults, the rate-limit window, then the login check, in the service's order."""
        faulty = self._fault(request)
        if faulty is not None:
            return faulty
        now = self.clock()
        if self.limit_from_call is not None and self.calls >= self.limit_from_call:
            if self.window_end is None:
                self.window_end = now + self.window_seconds
            if now < self.window_end:
                left = self.window_end - now
                return openreview_error(
                    429,
                    "RateLimitError",
                    f"Too many requests: You have made 101 requests, surpassing the limit of "
                    f"100 requests. Please try again in {int(left // 60)} minutes and "
                    f"{int(left % 60)} seconds (2026-12-07-{self.calls})",
                    limit=100,
                    remaining=0,
                    resetTime=iso(self.window_end),
                    used=101,
                    current=101,
                    reqId=f"2026-12-07-{self.calls}",
                )
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ").strip()
        if not token:
            return openreview_error(
                403,
                "ChallengeRequiredError",
                "Please complete the challenge to continue",
                path=request.url.path,
            )
        expiry = self.tokens.get(token)
        if expiry is None or now >= expiry:
            return openreview_error(401, "TokenExpiredError", "Token has expired")
        return None

    def login(self, request: httpx.Request) -> httpx.Response:
        """POST /login {"id", "password", "expiresIn"} (counted in ``logins``, not ``calls``)."""
        data = json.loads(request.content)
        if self.accounts.get(data.get("id")) != data.get("password"):
            return openreview_error(400, "InvalidCredentialsError", "Invalid username or password")
        if data["id"] in self.mfa_accounts:
            pending = {"mfaPending": True, "mfaPendingToken": "p-1", "mfaMethods": ["totpOtp"]}
            return httpx.Response(200, json=pending)
        self.logins += 1
        token = f"tok-{self.logins}"
        lifetime = min(float(data.get("expiresIn") or self.token_seconds), self.token_seconds)
        self.tokens[token] = self.clock() + lifetime
        return httpx.Response(
            200, json={"token": token, "user": {"id": data["id"], "profile": {"id": "~Crawler1"}}}
        )

    def search_profiles(self, request: httpx.Request) -> httpx.Response:
        """POST /profiles/search {"ids": [...]}: the profiles found, no count, no paging."""
        blocked = self._gate(request)
        if blocked is not None:
            return blocked
        ids = [str(i) for i in json.loads(request.content).get("ids", [])]
        self.asked.append(ids)
        if self._aliases is None or len(self._aliases) < len(self.profiles):
            self._aliases = self.by_alias()
        found: list[dict[str, Any]] = []
        for i in ids:
            p = self._aliases.get(i)
            if p is not None and p not in found and p["id"] not in self.hidden:
                found.append(p)
        return self._ok(request, {"profiles": found})

    def notes_endpoint(self, request: httpx.Request) -> httpx.Response:
        """API v2 GET /notes?content.venueid=&sort=id&after=&limit=[&count=true]."""
        blocked = self._gate(request)
        if blocked is not None:
            return blocked
        params = request.url.params
        venueid = params.get("content.venueid")
        hits = sorted(
            (n for n in self.notes if n["content"]["venueid"]["value"] == venueid),
            key=lambda n: n["id"],
        )
        after = params.get("after")
        if after is not None:
            hits_after = [n for n in hits if n["id"] > after]
        else:
            hits_after = hits[int(params.get("offset", "0")) :]
        limit = int(params.get("limit", "1000"))
        self.note_pages.append((venueid, after or params.get("offset", "0")))
        body: dict[str, Any] = {"notes": hits_after[:limit]}
        if params.get("count") == "true":
            body["count"] = len(hits)
        return self._ok(request, body)

    def v1_notes_endpoint(self, request: httpx.Request) -> httpx.Response:
        """API v1 GET /notes?invitation=&offset=&limit= (every submission, accepted or not)."""
        blocked = self._gate(request)
        if blocked is not None:
            return blocked
        params = request.url.params
        hits = self.v1_notes.get(params.get("invitation", ""), [])
        offset = int(params.get("offset", "0"))
        limit = int(params.get("limit", "1000"))
        self.note_pages.append((params.get("invitation"), str(offset)))
        return self._ok(request, {"notes": hits[offset : offset + limit], "count": len(hits)})

    def add_v1_venue(self, venue_id: str, invitation: str, label: str, rejected: int = 2) -> None:
        """Serve the corpus's notes as an API v1 venue (blind copies; ``rejected`` of them
        made public as "Submitted to ...")."""
        blind = invitation.endswith("Blind_Submission")
        notes = [copy.deepcopy(n) for n in self.notes]
        out = []
        for k, n in enumerate(notes):
            venue = f"Submitted to {label}" if k < rejected else f"{label} Poster"
            n["id"] = f"v1{n['id']}"
            out.append(_v1_note(n, venue_id, venue, blind))
        self.v1_notes[invitation] = out

    def mount(self, router: respx.MockRouter, base: str = OPENREVIEW_BASE) -> None:
        router.post(f"{base}/login").mock(side_effect=self.login)
        router.post(f"{OPENREVIEW_V1_BASE}/login").mock(side_effect=self.login)
        router.post(f"{base}/profiles/search").mock(side_effect=self.search_profiles)
        router.get(f"{base}/notes").mock(side_effect=self.notes_endpoint)
        router.get(f"{OPENREVIEW_V1_BASE}/notes").mock(side_effect=self.v1_notes_endpoint)

    @property
    def asked_ids(self) -> list[str]:
        return [i for batch in self.asked for i in batch]


@dataclass
class OpenAlexServer(ReplayServer):
    """GET /authors?filter=openalex_id:...|orcid:... and /works?filter=... with cursors."""

    authors: list[dict[str, Any]] = field(default_factory=lambda: load("openalex_authors.json"))
    works: list[dict[str, Any]] = field(default_factory=lambda: load("openalex_works.json"))
    keys: set[str] = field(default_factory=lambda: {OPENALEX_KEY})
    budget: int | None = None  # list requests a day before 429
    too_fast: set[int] = field(default_factory=set)  # call numbers answered 403
    spent: int = 0
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
        return self._ok(request, {"meta": meta, "results": page, "group_by": []})

    @staticmethod
    def _error(status: int, error: str, message: str) -> httpx.Response:
        return httpx.Response(status, json={"error": error, "message": message})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        faulty = self._fault(request)
        if faulty is not None:
            return faulty
        params = request.url.params
        if self.calls in self.too_fast:
            return self._error(403, "Forbidden", "Rate limit exceeded; slow down")
        if params.get("api_key") not in self.keys and "cursor" in params:
            return self._error(401, "Unauthorized", "An API key is required for cursor paging")
        if self.budget is not None and self.spent >= self.budget:
            return self._error(429, "Too Many Requests", "Daily limit exceeded")
        self.spent += 1
        self.mailto.append(params.get("mailto"))
        flt = params.get("filter", "")
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


def openreview_fetcher(
    tmp_path: Path,
    clock: FakeClock,
    *,
    attempts: int = 4,
    logged_in: bool = True,
    token_seconds: float | None = None,
) -> Any:
    """The crawl's fetcher as a live build makes it, on the replay's clock (no pacing)."""
    from talentflow.sources import openreview as orv
    from talentflow.sources.http_cache import RetryPolicy
    from talentflow.sources.live_http import RateLimiter, polite_fetcher
    from talentflow.sources.openreview_auth import (
        Credentials,
        OpenReviewSession,
        login_with_client,
    )

    session = None
    if logged_in:
        creds = Credentials(username=ACCOUNT[0], password=ACCOUNT[1])
        client = httpx.Client()
        session = OpenReviewSession(
            creds,
            lambda c: login_with_client(client, OPENREVIEW_BASE, c),
            clock=clock,
            **({"lifetime_seconds": token_seconds} if token_seconds else {}),
        )
    return polite_fetcher(
        tmp_path / "http",
        RateLimiter(1000.0, clock=lambda: 0.0, sleep=lambda s: None),
        user_agent="talentflow-tests",
        retry=RetryPolicy(max_attempts=attempts, backoff_seconds=0.5),
        sleep=clock.sleep,
        clock=clock,
        judge=orv.judge_response,
        service="OpenReview",
        session=session,
    )


def use_replay_accounts(monkeypatch: Any, tmp_path: Path) -> None:
    """The replay's OpenReview account and OpenAlex key in the environment; no netrc of
    the user's, and standard input is not a terminal (never a prompt)."""
    import io

    monkeypatch.setenv("OPENREVIEW_USERNAME", ACCOUNT[0])
    monkeypatch.setenv("OPENREVIEW_PASSWORD", ACCOUNT[1])
    monkeypatch.delenv("OPENREVIEW_TOKEN", raising=False)
    monkeypatch.setenv("OPENALEX_API_KEY", OPENALEX_KEY)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


def cloned_profiles(n: int) -> list[dict[str, Any]]:
    """``n`` profiles: the recorded corpus cloned under new ids (``~Bench_Person<k>``)."""
    base = [orjson.dumps(p) for p in load("openreview_profiles.json")]
    out = []
    for k in range(n):
        p = orjson.loads(base[k % len(base)])  # a deep copy, fast
        pid = f"~Bench_Person{k + 1}"
        p["id"] = pid
        for name in p["content"]["names"]:
            name["username"] = pid if name.get("preferred") else f"~Bench_Alias{k + 1}"
        out.append(p)
    return out


def venue_notes(
    venue_id: str, papers: int, author_ids: list[str], start: int, per_paper: int = 5
) -> list[dict[str, Any]]:
    """``papers`` accepted API v2 notes of a venue whose authors are ``author_ids`` taken in
    turn from position ``start`` (so a venue-year's papers cover every id)."""
    notes = []
    for k in range(papers):
        ids = [author_ids[(start + k * per_paper + j) % len(author_ids)] for j in range(per_paper)]
        content = {
            "title": {"value": f"Paper {venue_id} {k}"},
            "authors": {"value": [i.strip("~").replace("_", " ") for i in ids]},
            "authorids": {"value": ids},
            "venueid": {"value": venue_id},
        }
        notes.append({"id": f"{venue_id.rsplit('/', 1)[-1][:4]}{k:05d}", "content": content})
    return notes


# NeurIPS 2024 as the paper lists have it: 4,553 main-track papers, 17,834 distinct names.
NEURIPS_2024 = {"main": 4553, "datasets_and_benchmarks": 460, "profiles": 17834}


def neurips_2024_sized() -> OpenReviewServer:
    """A replay server holding a NeurIPS-2024-sized venue-year (both tracks)."""
    profiles = cloned_profiles(NEURIPS_2024["profiles"])
    ids = [p["id"] for p in profiles]
    main = venue_notes("NeurIPS.cc/2024/Conference", NEURIPS_2024["main"], ids, 0)
    db = venue_notes(
        "NeurIPS.cc/2024/Datasets_and_Benchmarks_Track",
        NEURIPS_2024["datasets_and_benchmarks"],
        ids,
        5 * NEURIPS_2024["main"],
    )
    return OpenReviewServer(profiles=profiles, notes=main + db)
