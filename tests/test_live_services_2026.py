"""Live sources against the services as they are in 2026 (issue 20), replayed without network.

One section per finding of the issue; each test fails on the code before it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from typer.testing import CliRunner

from live_replay import (
    ACCOUNT,
    NEURIPS_2024,
    OPENALEX_BASE,
    OPENALEX_KEY,
    OPENREVIEW_BASE,
    OPENREVIEW_V1_BASE,
    FakeClock,
    OpenAlexServer,
    OpenReviewServer,
    load,
    neurips_2024_sized,
    openreview_fetcher,
    too_many_requests,
    use_replay_accounts,
)
from paperlist_files import record, write_list
from talentflow.build.live import run_live_build
from talentflow.errors import FetchError, TalentflowError
from talentflow.graph.build import build_paperlists
from talentflow.graph.store import open_store
from talentflow.sources import openalex as oa
from talentflow.sources import openreview as orv
from talentflow.sources.http_cache import AuthError, RetryPolicy, ThrottledError
from talentflow.sources.live_http import RateLimiter, RecordCache, polite_fetcher
from talentflow.sources.openreview_auth import find_credentials
from talentflow.sources.paperlists import mirror_files

PROFILES = load("openreview_profiles.json")
ALL_IDS = sorted(p["id"] for p in PROFILES)
NO_PROGRESS = {"progress": lambda d: lambda done, total: None}


@pytest.fixture(autouse=True)
def accounts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_replay_accounts(monkeypatch, tmp_path)


def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OPENREVIEW_USERNAME", "OPENREVIEW_PASSWORD", "OPENREVIEW_TOKEN"):
        monkeypatch.delenv(var, raising=False)


def profiles_crawl(tmp_path: Path, fetcher: Any, ids: list[str], **settings: Any) -> Any:
    return orv.crawl_profiles(
        ids, fetcher, RecordCache(tmp_path, "profiles"), orv.OpenReviewSettings(**settings)
    )


def openreview_build(tmp_path: Path, db: Path, year: int) -> Any:
    """``build --source openreview --venue nips --year Y`` (no real sleeping)."""
    return run_live_build(
        source="openreview",
        venues={"nips"},
        years={year},
        cache_dir=tmp_path / "cache",
        db=db,
        sleep=lambda s: None,
        **NO_PROGRESS,
    )


def store_without_ids(tmp_path: Path, venue: str, year: int) -> Path:
    """A store whose paper list of the venue-year carries no OpenReview ids."""
    mirror = tmp_path / "mirror"
    write_list(mirror, venue, year, [record(id="x", author="Ada Lovelace", status="Poster")])
    db = tmp_path / "store.duckdb"
    with open_store(db) as store:
        build_paperlists(store, mirror_files(mirror))
    return db


# --- 1. OpenReview challenges anonymous clients ----------------------------------------------


def test_anonymous_request_gets_a_login_message_not_a_bare_403(tmp_path: Path) -> None:
    server = OpenReviewServer()
    clock = FakeClock()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        with pytest.raises(AuthError) as err:
            profiles_crawl(tmp_path, openreview_fetcher(tmp_path, clock, logged_in=False), ALL_IDS)
    message = str(err.value)
    assert "ChallengeRequiredError" in message and "OPENREVIEW_USERNAME" in message
    assert "\n" not in message
    assert server.calls == 1 and clock.sleeps == []  # a challenge is not retried
    assert not (tmp_path / "profiles").exists()


def test_live_build_without_credentials_stops_before_any_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_credentials(monkeypatch)
    db = store_without_ids(tmp_path, "nips", 2024)
    server = OpenReviewServer()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        with pytest.raises(TalentflowError, match="OPENREVIEW_USERNAME and OPENREVIEW_PASSWORD"):
            openreview_build(tmp_path, db, 2024)
    assert server.calls == 0 and server.logins == 0


def test_credentials_from_netrc_and_from_a_silent_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_credentials(monkeypatch)
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine api2.openreview.net login me@example.org password s3cret\n")
    netrc_file.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc_file))
    creds = find_credentials(OPENREVIEW_BASE, is_terminal=lambda: False)
    assert (creds.username, creds.password, creds.origin) == (
        "me@example.org",
        "s3cret",
        str(netrc_file),
    )
    monkeypatch.setenv("NETRC", str(tmp_path / "none"))
    asked: list[tuple[str, str]] = []

    def ask(prompt: str) -> str:
        asked.append(("echo", prompt))
        return "you@example.org"

    def ask_secret(prompt: str) -> str:
        asked.append(("silent", prompt))
        return "hunter2"

    creds = find_credentials(
        OPENREVIEW_BASE, is_terminal=lambda: True, ask=ask, ask_secret=ask_secret
    )
    assert (creds.username, creds.password) == ("you@example.org", "hunter2")
    assert [kind for kind, _ in asked] == ["echo", "silent"]  # the password is never echoed
    import getpass
    import inspect

    default = inspect.signature(find_credentials).parameters["ask_secret"].default
    assert default is getpass.getpass
    with pytest.raises(TalentflowError, match="netrc"):
        find_credentials(OPENREVIEW_BASE, is_terminal=lambda: False)


def test_cli_without_openreview_login_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from talentflow.cli import app

    no_credentials(monkeypatch)
    db = store_without_ids(tmp_path, "nips", 2024)
    before = (tmp_path / "store.duckdb").read_bytes()
    out = CliRunner().invoke(
        app,
        ["build", "--source", "openreview", "--venue", "nips", "--year", "2024", "--db", str(db)],
    )
    assert out.exit_code == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "OPENREVIEW_USERNAME" in lines[0]
    assert "Traceback" not in out.output
    assert db.read_bytes() == before


# --- 2. OpenAlex: API key required, 403 and 429 as documented ---------------------------------


def openalex_fetcher(tmp_path: Path, clock: FakeClock, key: str | None = OPENALEX_KEY) -> Any:
    return polite_fetcher(
        tmp_path / "http",
        RateLimiter(1000.0, clock=lambda: 0.0, sleep=lambda s: None),
        user_agent="talentflow-tests",
        retry=RetryPolicy(max_attempts=4, backoff_seconds=0.5),
        sleep=clock.sleep,
        clock=clock,
        judge=oa.judge_response,
        service="OpenAlex",
        secret_params={"api_key": key} if key else None,
    )


def works_build(tmp_path: Path, clock: FakeClock | None = None) -> Any:
    """``build --source openalex --openalex-source S4306420609 --years 2024``."""
    timing: dict[str, Any] = {"sleep": clock.sleep, "clock": clock} if clock else {}
    return run_live_build(
        source="openalex",
        venues=None,
        years={2024},
        cache_dir=tmp_path / "cache",
        db=tmp_path / "store.duckdb",
        openalex_source="S4306420609",
        **({"sleep": lambda s: None} | timing),
        **NO_PROGRESS,
    )


def test_openalex_live_run_needs_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENALEX_API_KEY")
    server = OpenAlexServer()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        with pytest.raises(TalentflowError, match="OPENALEX_API_KEY"):
            works_build(tmp_path)
    assert server.calls == 0


def test_openalex_answers_401_without_a_key(tmp_path: Path) -> None:
    server = OpenAlexServer()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        with pytest.raises(AuthError, match="OPENALEX_API_KEY"):
            oa.crawl_works(
                "S4306420609",
                2024,
                openalex_fetcher(tmp_path, FakeClock(), key=None),
                RecordCache(tmp_path, "works_pages"),
                oa.OpenAlexSettings(per_page=5),
            )
    assert server.calls == 1


def test_openalex_key_is_the_api_key_parameter_and_never_stored(tmp_path: Path) -> None:
    server = OpenAlexServer()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        works_build(tmp_path)
    assert server.log
    assert all(r.url.params["api_key"] == OPENALEX_KEY for r in server.log)
    assert not any("Authorization" in r.headers for r in server.log)
    stored = b"".join(p.read_bytes() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert OPENALEX_KEY.encode() not in stored
    with open_store(tmp_path / "store.duckdb", read_only=True) as store:
        urls = [r[0] for r in store.con.execute("SELECT url FROM live_records").fetchall()]
        runs = store.con.execute("SELECT * FROM ingest_runs").fetchall()
    assert urls and not any(OPENALEX_KEY in u for u in urls)
    assert OPENALEX_KEY not in repr(runs)


def test_openalex_403_is_a_rate_limit_retried_with_backoff(tmp_path: Path) -> None:
    server = OpenAlexServer(too_fast={1})
    clock = FakeClock()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        works, _ = oa.crawl_works(
            "S4306420609",
            2024,
            openalex_fetcher(tmp_path, clock),
            RecordCache(tmp_path, "works_pages"),
            oa.OpenAlexSettings(per_page=5),
        )
    assert len(works) == 12
    assert clock.sleeps == [0.5]
    assert server.calls == 4  # the 403, then three pages
    short = OpenAlexServer(faults={1: too_many_requests("3")})
    clock = FakeClock()
    with respx.mock(assert_all_called=False) as router:
        short.mount(router)
        oa.crawl_works(
            "S4306420609",
            2024,
            openalex_fetcher(tmp_path / "again", clock),
            RecordCache(tmp_path / "again", "works_pages"),
            oa.OpenAlexSettings(per_page=5),
        )
    assert clock.sleeps == [3.0]  # a 429 with a short Retry-After is waited out


def test_openalex_429_stops_for_the_day_and_resumes_after_midnight(tmp_path: Path) -> None:
    clock = FakeClock()  # 2026-12-07 18:00 UTC
    pages = RecordCache(tmp_path, "works_pages")
    settings = oa.OpenAlexSettings(per_page=5)
    first = OpenAlexServer(budget=1, clock=clock)
    with respx.mock(assert_all_called=False) as router:
        first.mount(router)
        with pytest.raises(ThrottledError) as err:
            oa.crawl_works("S4306420609", 2024, openalex_fetcher(tmp_path, clock), pages, settings)
    assert first.calls == 2 and clock.sleeps == []  # a spent budget is not retried
    assert "daily budget" in str(err.value) and "2026-12-08 00:00 UTC" in str(err.value)
    too_early = OpenAlexServer(clock=clock)
    with respx.mock(assert_all_called=False) as router:
        too_early.mount(router)
        with pytest.raises(ThrottledError):
            oa.crawl_works("S4306420609", 2024, openalex_fetcher(tmp_path, clock), pages, settings)
    assert too_early.calls == 0  # inside the window nothing is sent
    clock.now += 6 * 3600
    later = OpenAlexServer(clock=clock)
    with respx.mock(assert_all_called=False) as router:
        later.mount(router)
        works, stats = oa.crawl_works(
            "S4306420609", 2024, openalex_fetcher(tmp_path, clock), pages, settings
        )
    assert len(works) == 12
    assert later.calls == 2 and (stats.already_cached, stats.fetched) == (5, 7)
    answered = first.answered + later.answered
    assert len(answered) == len(set(answered)) == 3  # no page fetched twice


# --- 3. OpenReview rate limits: resetTime, batches of 1,000, long windows ---------------------


def test_profiles_are_asked_a_thousand_at_a_time(tmp_path: Path) -> None:
    server = OpenReviewServer()
    ids = [f"~Someone_{k}1" for k in range(2500)] + ALL_IDS
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        stats = profiles_crawl(tmp_path, openreview_fetcher(tmp_path, FakeClock()), ids)
    assert [len(b) for b in server.asked] == [1000, 1000, 540]
    assert all(r.method == "POST" and r.url.path == "/profiles/search" for r in server.log)
    assert stats.fetched == len(ALL_IDS) and stats.requests == 3


def test_a_short_window_is_waited_out_from_reset_time(tmp_path: Path) -> None:
    clock = FakeClock()
    server = OpenReviewServer(limit_from_call=2, window_seconds=90.0, clock=clock)
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        stats = profiles_crawl(
            tmp_path, openreview_fetcher(tmp_path, clock), ALL_IDS, batch_size=10
        )
    assert stats.fetched == len(ALL_IDS)
    assert clock.sleeps == [91.0]  # resetTime + 1 s; the 429 carries no Retry-After
    assert server.calls == 5


def test_a_long_window_stops_the_crawl_and_keeps_its_place(tmp_path: Path) -> None:
    clock = FakeClock()
    server = OpenReviewServer(limit_from_call=3, window_seconds=1800.0, clock=clock)
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        with pytest.raises(ThrottledError) as err:
            profiles_crawl(tmp_path, openreview_fetcher(tmp_path, clock), ALL_IDS, batch_size=10)
        assert server.calls == 3 and clock.sleeps == []
        assert "--resume" in str(err.value) and "2026-12-07 18:30 UTC" in str(err.value)
        assert "rate limit (429 RateLimitError" in str(err.value)
        state = RecordCache(tmp_path, "profiles")
        assert sum(state.get(i) is not None for i in ALL_IDS) == 20  # two batches kept
        with pytest.raises(ThrottledError):  # inside the window: nothing is sent
            profiles_crawl(tmp_path, openreview_fetcher(tmp_path, clock), ALL_IDS, batch_size=10)
        assert server.calls == 3
        clock.now += 1801
        stats = profiles_crawl(
            tmp_path, openreview_fetcher(tmp_path, clock), ALL_IDS, batch_size=10
        )
    assert (stats.already_cached, stats.fetched) == (20, 20)
    assert len(server.answered) == len(set(server.answered)) == 4


# --- 4. venue ids and API versions per year; empty answers are not final ----------------------


@pytest.mark.parametrize(
    ("venue", "year", "expected"),
    [
        ("nips", 2019, []),
        (
            "nips",
            2021,
            [
                ("v1", "NeurIPS.cc/2021/Conference"),
                ("v1", "NeurIPS.cc/2021/Track/Datasets_and_Benchmarks/Round1"),
                ("v1", "NeurIPS.cc/2021/Track/Datasets_and_Benchmarks/Round2"),
            ],
        ),
        (
            "nips",
            2022,
            [
                ("v1", "NeurIPS.cc/2022/Conference"),
                ("v1", "NeurIPS.cc/2022/Track/Datasets_and_Benchmarks"),
            ],
        ),
        (
            "nips",
            2023,
            [
                ("v2", "NeurIPS.cc/2023/Conference"),
                ("v2", "NeurIPS.cc/2023/Track/Datasets_and_Benchmarks"),
            ],
        ),
        (
            "nips",
            2024,
            [
                ("v2", "NeurIPS.cc/2024/Conference"),
                ("v2", "NeurIPS.cc/2024/Datasets_and_Benchmarks_Track"),
            ],
        ),
        (
            "nips",
            2026,
            [
                ("v2", "NeurIPS.cc/2026/Conference"),
                ("v2", "NeurIPS.cc/2026/Datasets_and_Benchmarks_Track"),
            ],
        ),
        ("iclr", 2017, []),
        ("iclr", 2018, [("v1", "ICLR.cc/2018/Conference")]),
        ("iclr", 2023, [("v1", "ICLR.cc/2023/Conference")]),
        ("iclr", 2024, [("v2", "ICLR.cc/2024/Conference")]),
        ("icml", 2022, []),
        ("icml", 2023, [("v2", "ICML.cc/2023/Conference")]),
        ("icml", 2025, [("v2", "ICML.cc/2025/Conference")]),
        ("cvpr", 2024, []),
    ],
)
def test_venue_ids_per_year(venue: str, year: int, expected: list[tuple[str, str]]) -> None:
    groups = orv.venue_groups(venue, year)
    assert [(g.api, g.venue_id) for g in groups] == expected
    for g in groups:
        assert (g.api == "v1") == g.submission_invitation.startswith(g.venue_id + "/-/")


def test_neurips_2022_comes_from_api_v1(tmp_path: Path) -> None:
    db = store_without_ids(tmp_path, "nips", 2022)
    server = OpenReviewServer()
    server.add_v1_venue(
        "NeurIPS.cc/2022/Conference",
        "NeurIPS.cc/2022/Conference/-/Blind_Submission",
        "NeurIPS 2022",
    )
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        result = openreview_build(tmp_path, db, 2022)
    hosts = {r.url.host for r in server.log}
    assert hosts == {"api.openreview.net", "api2.openreview.net"}  # notes v1, profiles v2
    v1_asks = [r.url.params for r in server.log if r.url.host == "api.openreview.net"]
    assert v1_asks[0]["invitation"] == "NeurIPS.cc/2022/Conference/-/Blind_Submission"
    papers = result.crawls["papers"]
    assert papers.fetched == 14 and papers.wanted == 12  # two were "Submitted to" (rejected)
    rejected = {
        i
        for n in server.v1_notes["NeurIPS.cc/2022/Conference/-/Blind_Submission"][:2]
        for i in n["details"]["original"]["content"]["authorids"]
    }
    accepted = {
        i
        for n in server.v1_notes["NeurIPS.cc/2022/Conference/-/Blind_Submission"][2:]
        for i in n["details"]["original"]["content"]["authorids"]
        if i.startswith("~")
    }
    assert set(server.asked_ids) == accepted  # the authors of the originals, accepted only
    assert not (rejected - accepted) & set(server.asked_ids)
    assert result.crawls["profiles"].fetched > 30


def test_an_empty_listing_is_not_kept_and_is_asked_again(tmp_path: Path) -> None:
    group = orv.venue_groups("nips", 2025)[0]  # not published yet in the replay
    state = RecordCache(tmp_path, "notes_pages")
    settings = orv.OpenReviewSettings()
    for _ in range(2):
        server = OpenReviewServer()
        with respx.mock(assert_all_called=False) as router:
            server.mount(router)
            notes, _ = orv.crawl_venue_notes(
                group, openreview_fetcher(tmp_path, FakeClock()), state, settings
            )
        assert notes == []
        assert server.note_pages == [("NeurIPS.cc/2025/Conference", "0")]  # asked each run
    assert not state.dir.exists() or not any(state.dir.iterdir())


def test_a_listing_that_does_not_add_up_is_dropped(tmp_path: Path) -> None:
    group = orv.venue_groups("nips", 2024)[0]
    state = RecordCache(tmp_path, "notes_pages")
    server = OpenReviewServer()
    honest = server.notes_endpoint

    def inflated(request: httpx.Request) -> httpx.Response:
        answer = honest(request)
        body = json.loads(answer.content)
        if "count" in body:
            body["count"] += 3  # three notes the walk never sees
        return httpx.Response(200, json=body)

    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        router.get(f"{OPENREVIEW_BASE}/notes").mock(side_effect=inflated)
        with pytest.raises(FetchError, match="did not add up"):
            orv.crawl_venue_notes(
                group,
                openreview_fetcher(tmp_path, FakeClock()),
                state,
                orv.OpenReviewSettings(notes_page_size=5),
            )
    assert state.get("NeurIPS.cc/2024/Conference#page0") is None


# --- 5. profiles not returned are asked again; the login is renewed ---------------------------


def test_a_profile_not_returned_is_asked_again_next_run(tmp_path: Path) -> None:
    first = OpenReviewServer(hidden={"~Ada_Lovelace1"})
    with respx.mock(assert_all_called=False) as router:
        first.mount(router)
        stats = profiles_crawl(tmp_path, openreview_fetcher(tmp_path, FakeClock()), ALL_IDS)
    assert stats.missing_at_source == 1
    second = OpenReviewServer()
    with respx.mock(assert_all_called=False) as router:
        second.mount(router)
        stats = profiles_crawl(tmp_path, openreview_fetcher(tmp_path, FakeClock()), ALL_IDS)
    assert second.asked_ids == ["~Ada_Lovelace1"]
    assert stats.fetched == 1
    ada = RecordCache(tmp_path, "profiles").get("~Ada_Lovelace1")
    assert ada is not None and ada.body is not None


def test_a_crawl_that_outlives_its_token_logs_in_again(tmp_path: Path) -> None:
    clock = FakeClock()
    server = OpenReviewServer(limit_from_call=2, window_seconds=110.0, clock=clock)
    server.token_seconds = 100.0  # the server's token ends inside the window
    fetcher = openreview_fetcher(tmp_path, clock, token_seconds=7 * 86400)  # client trusts it
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        stats = profiles_crawl(tmp_path, fetcher, ALL_IDS, batch_size=10)
    assert stats.fetched == len(ALL_IDS)
    assert server.logins == 2  # the 401 after the window brought a new login
    statuses = [r.headers.get("Authorization") for r in server.log]
    assert statuses[0] == "Bearer tok-1" and statuses[-1] == "Bearer tok-2"


def test_the_token_is_renewed_before_it_runs_out(tmp_path: Path) -> None:
    clock = FakeClock()
    server = OpenReviewServer(clock=clock)
    fetcher = openreview_fetcher(tmp_path, clock)
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        profiles_crawl(tmp_path, fetcher, ALL_IDS[:10])
        clock.now += 3400  # 57 minutes later: within five minutes of expiry
        profiles_crawl(tmp_path, fetcher, ALL_IDS[10:20])
    assert server.logins == 2
    assert server.calls == 2  # no request was refused and sent again


def test_an_account_with_mfa_logs_in_through_openreview_py(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, str] = {}

    class PromptingClient:  # openreview-py's client runs the MFA prompts on its own session
        def __init__(self, baseurl: str, username: str, password: str) -> None:
            seen.update(baseurl=baseurl, username=username)
            self.token = "tok-after-mfa"

    import openreview.api

    monkeypatch.setattr(openreview.api, "OpenReviewClient", PromptingClient)
    server = OpenReviewServer(mfa_accounts={ACCOUNT[0]})
    server.tokens["tok-after-mfa"] = server.clock() + 3600
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        stats = profiles_crawl(tmp_path, openreview_fetcher(tmp_path, FakeClock()), ALL_IDS)
    assert stats.fetched == len(ALL_IDS)
    assert seen == {"baseurl": OPENREVIEW_BASE, "username": ACCOUNT[0]}
    assert {r.headers["Authorization"] for r in server.log} == {"Bearer tok-after-mfa"}


def test_an_expired_bare_token_says_how_to_log_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_credentials(monkeypatch)
    monkeypatch.setenv("OPENREVIEW_TOKEN", "tok-stale")
    db = store_without_ids(tmp_path, "nips", 2024)
    with respx.mock(assert_all_called=False) as router:
        OpenReviewServer().mount(router)
        with pytest.raises(AuthError, match=r"401.*OPENREVIEW_USERNAME"):
            openreview_build(tmp_path, db, 2024)


# --- 6. the replay answers like the services ---------------------------------------------------


def test_recorded_history_countries_are_two_letter_codes() -> None:
    """openreview-web stores the country option's ``alphaTwoCode``."""
    countries = [
        h["institution"]["country"]
        for p in PROFILES
        for h in p["content"].get("history", [])
        if h.get("institution", {}).get("country")
    ]
    assert countries and all(re.fullmatch(r"[A-Z]{2}", c) for c in countries)


def test_replay_answers_like_the_services() -> None:
    clock = FakeClock()
    server = OpenReviewServer(limit_from_call=4, clock=clock)
    oa_server = OpenAlexServer()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        oa_server.mount(router)
        client = httpx.Client()
        anonymous = client.post(f"{OPENREVIEW_BASE}/profiles/search", json={"ids": ALL_IDS})
        assert anonymous.status_code == 403
        assert anonymous.json()["name"] == "ChallengeRequiredError"
        token = client.post(
            f"{OPENREVIEW_BASE}/login", json={"id": ACCOUNT[0], "password": ACCOUNT[1]}
        ).json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        v2 = client.get(
            f"{OPENREVIEW_BASE}/notes",
            params={"content.venueid": "NeurIPS.cc/2024/Conference"},
            headers=auth,
        ).json()
        assert v2["notes"] and "count" not in v2  # count only when asked for
        empty = client.get(
            f"{OPENREVIEW_BASE}/notes",
            params={"content.venueid": "NeurIPS.cc/2022/Conference", "count": "true"},
            headers=auth,
        ).json()
        assert empty == {"notes": [], "count": 0}  # API v2 knows nothing of a v1 venue
        limited = client.get(f"{OPENREVIEW_V1_BASE}/notes", headers=auth)
        assert limited.status_code == 429 and "Retry-After" not in limited.headers
        details = limited.json()["details"]
        assert limited.json()["name"] == "RateLimitError" and details["remaining"] == 0
        assert details["resetTime"] == "2026-12-07T18:30:00.000Z"
        keyless = client.get(f"{OPENALEX_BASE}/works", params={"cursor": "*"})
        assert keyless.status_code == 401


# --- the check: a NeurIPS-2024-sized crawl through a 30-minute window --------------------------


def crawl_venue_year(tmp_path: Path, fetcher: Any) -> tuple[int, Any]:
    """What ``build --source openreview --venue nips --year 2024`` crawls: both tracks'
    accepted papers, then their authors' profiles (the ingest is tested elsewhere)."""
    settings = orv.OpenReviewSettings()
    pages = RecordCache(tmp_path, "notes_pages")
    ids: list[str] = []
    for group in orv.venue_groups("nips", 2024):
        notes, _ = orv.crawl_venue_notes(group, fetcher, pages, settings)
        ids += [i for n in notes for i in orv.note_author_ids(n)]
    stats = orv.crawl_profiles(ids, fetcher, RecordCache(tmp_path, "profiles"), settings)
    return len(set(ids)), stats


def test_neurips_sized_crawl_through_a_30_minute_window_takes_two_runs(tmp_path: Path) -> None:
    clock = FakeClock()
    server = neurips_2024_sized()
    server.clock = clock
    server.limit_from_call = 12  # after the papers (6 pages) and five profile batches
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        with pytest.raises(ThrottledError, match="rerun with --resume after 2026-12-07 18:30"):
            crawl_venue_year(tmp_path, openreview_fetcher(tmp_path, clock))
        first_run = server.calls
        clock.now += 30 * 60 + 1
        authors, stats = crawl_venue_year(tmp_path, openreview_fetcher(tmp_path, clock))
    second_run = server.calls - first_run
    assert authors == NEURIPS_2024["profiles"]
    assert stats.fetched == authors - stats.already_cached
    assert len(server.answered) == len(set(server.answered))  # no page fetched twice
    papers = NEURIPS_2024["main"] + NEURIPS_2024["datasets_and_benchmarks"]
    pages = -(-NEURIPS_2024["main"] // 1000) + -(-NEURIPS_2024["datasets_and_benchmarks"] // 1000)
    batches = -(-authors // 1000)
    assert len(server.answered) == pages + batches == 6 + 18
    assert (first_run, second_run) == (12, 13)  # one 429, then what was left
    assert clock.sleeps == []  # the window was not slept through
    assert server.logins == 2  # each run logs in once
    stored = RecordCache(tmp_path, "profiles")
    assert all(stored.get(p["id"]) is not None for p in server.profiles)
    assert sum(len(n["content"]["authorids"]["value"]) for n in server.notes) == 5 * papers


# --- docs/live-sources.md: its commands, run against the replay --------------------------------


def documented_commands() -> list[list[str]]:
    """The ``talentflow`` lines of the crawl step of docs/live-sources.md, in order."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "live-sources.md").read_text()
    step = text.split("### 2. Crawl", 1)[1].split("```", 2)[1]
    return [
        line.split()[1:] for line in step.splitlines() if line.strip().startswith("talentflow ")
    ]


@pytest.mark.slow  # real pacing: about 20 s
def test_the_documented_steps_work_against_the_replay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from talentflow.cli import app

    notes = load("openreview_notes.json")
    records = [
        record(
            id=n["id"],
            title=n["content"]["title"]["value"],
            author=";".join(n["content"]["authors"]["value"]),
            status="Poster",
            track="main",
        )
        for n in notes
    ]
    write_list(tmp_path / "mirror", "nips", 2024, records)
    monkeypatch.setenv("TALENTFLOW_PAPERLISTS_MIRROR", str(tmp_path / "mirror"))
    cache, db = tmp_path / "cache", tmp_path / "store.duckdb"
    clock = FakeClock(time.time())  # the CLI runs on the wall clock
    server = OpenReviewServer(limit_from_call=2, window_seconds=1800.0, clock=clock)
    oa_server = OpenAlexServer()
    commands = documented_commands()
    assert [c[:3] for c in commands] == [
        ["build", "--venues", "nips"],
        ["build", "--source", "openreview"],
        ["build", "--source", "openreview"],
        ["build", "--source", "openalex"],
        ["build", "--source", "openalex"],
        ["sources"],
    ]
    runner = CliRunner()
    outcomes = []
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        oa_server.mount(router)
        for args in commands:
            extra = ["--cache-dir", str(cache), "--format", "json"]
            if args[0] == "build":
                extra += ["--db", str(db)]
            out = runner.invoke(app, [*args, *extra])
            outcomes.append((args, out.exit_code, out.stderr.strip().splitlines()))
            if out.exit_code == 1:  # the window: the user waits until the time named
                assert "--resume" in out.stderr
                clock.now += 1801
                for saved in cache.rglob("throttled.json"):
                    saved.write_text(json.dumps({"resume_at": time.time() - 1, "reason": ""}))
    codes = [code for _, code, _ in outcomes]
    assert codes == [0, 1, 0, 0, 0, 0], outcomes
    errors = [line for line in outcomes[1][2] if line.startswith("error:")]
    assert len(errors) == 1 and "RateLimitError" in errors[0]  # one line (progress aside)
    assert len(server.answered) == len(set(server.answered))  # nothing fetched twice
    assert server.asked_ids and oa_server.asked_authors
    with open_store(db, read_only=True) as store:
        profiles = store.scalar(
            "SELECT count(*) FROM live_records WHERE source = 'openreview' AND kind = 'profile'"
        )
        works = store.scalar("SELECT count(*) FROM live_records WHERE kind = 'work'")
    assert profiles == len(PROFILES) and works == 12
    assert not (cache / "openreview" / "resume.json").exists()  # completed: place forgotten


def test_resume_takes_the_interrupted_openalex_crawl_from_its_saved_place(
    tmp_path: Path,
) -> None:
    clock = FakeClock()
    first = OpenAlexServer(budget=1, clock=clock)  # the works page, then the authors: 429
    with respx.mock(assert_all_called=False) as router:
        first.mount(router)
        with pytest.raises(ThrottledError, match="daily budget"):
            works_build(tmp_path, clock)
    assert (tmp_path / "cache" / "openalex" / "resume.json").exists()
    clock.now += 6 * 3600  # past midnight UTC
    later = OpenAlexServer(clock=clock)
    with respx.mock(assert_all_called=False) as router:
        later.mount(router)
        result = run_live_build(
            source="openalex",
            venues=None,
            years=None,  # taken from the saved place, with the OpenAlex source
            cache_dir=tmp_path / "cache",
            db=tmp_path / "store.duckdb",
            sleep=clock.sleep,
            clock=clock,
            resume=True,
            **NO_PROGRESS,
        )
    assert result.crawls["works_2024"].fetched == 0  # the one page of works was kept
    assert result.ingest is not None and result.ingest.records_ingested == 12 + 5
    answered = first.answered + later.answered
    assert len(answered) == len(set(answered))
    assert not (tmp_path / "cache" / "openalex" / "resume.json").exists()
    with pytest.raises(TalentflowError, match="nothing to resume"):
        run_live_build(
            source="openalex",
            venues=None,
            years=None,
            cache_dir=tmp_path / "cache",
            resume=True,
            **NO_PROGRESS,
        )
