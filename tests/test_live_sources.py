"""Live sources (issue 7): OpenReview profiles and OpenAlex authors, replayed without network."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
import yaml
from typer.testing import CliRunner

from live_replay import (
    ACCOUNT,
    OPENALEX_BASE,
    OPENALEX_KEY,
    OPENREVIEW_BASE,
    START,
    OpenAlexServer,
    OpenReviewServer,
    cut_json,
    load,
    server_error,
    timeout,
    too_many_requests,
    truncated,
    use_replay_accounts,
)
from paperlist_files import record, write_list
from talentflow.build.live import run_live_build
from talentflow.errors import FetchError
from talentflow.graph.build import build_paperlists
from talentflow.graph.store import Store, open_store
from talentflow.indicators.common import BEST_MOVES_SQL
from talentflow.normalise.countries import country_code
from talentflow.sources import openalex as oa
from talentflow.sources import openreview as orv
from talentflow.sources.career_entries import (
    origin_and_training,
    stage_from_position,
    year_or_none,
)
from talentflow.sources.http_cache import RetryPolicy
from talentflow.sources.live_http import RateLimiter, RecordCache, polite_fetcher
from talentflow.sources.openreview_auth import Credentials, OpenReviewSession, login_with_client
from talentflow.sources.paperlists import mirror_files

SHARED = Path(
    os.environ.get(
        "TALENTFLOW_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"
    )
)
REFERENCE = SHARED.parent / "reference"
PROFILES = load("openreview_profiles.json")
ALL_IDS = sorted(p["id"] for p in PROFILES)


def missing_reference(path: Path) -> None:
    """Skip on a user's clone; fail in CI, where ../shared is always beside the repo."""
    reason = f"reference documents not found at {path}"
    if os.environ.get("TALENTFLOW_REQUIRE_SHARED_DATA") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


class Sleeps:
    """Records the pauses a fetcher asks for instead of sleeping."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture(autouse=True)
def accounts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    use_replay_accounts(monkeypatch, tmp_path)


def make_fetcher(tmp_path: Path, sleeps: Sleeps, attempts: int = 4, login: bool = True) -> Any:
    """A logged-in OpenReview fetcher that also carries the OpenAlex key (paced apart)."""
    client = httpx.Client()
    creds = Credentials(username=ACCOUNT[0], password=ACCOUNT[1])
    session = OpenReviewSession(
        creds, lambda c: login_with_client(client, OPENREVIEW_BASE, c), clock=lambda: START
    )
    return polite_fetcher(
        tmp_path / "http",
        RateLimiter(1000.0, clock=lambda: 0.0, sleep=lambda s: None),
        user_agent="talentflow-tests",
        retry=RetryPolicy(max_attempts=attempts, backoff_seconds=0.5),
        sleep=sleeps,
        clock=lambda: START,
        judge=orv.judge_response,
        session=session if login else None,
        secret_params={"api_key": OPENALEX_KEY},
    )


# --- the replay corpus follows the documented schemas ---------------------------------------


def _check(value: Any, schema: dict[str, Any], defs: dict[str, Any], where: str) -> list[str]:
    """A small JSON-schema check covering what the OpenReview spec uses."""
    if "$ref" in schema:
        return _check(value, defs[schema["$ref"].rsplit("/", 1)[-1]], defs, where)
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            if not _check(value, option, defs, where):
                return []
        return [f"{where}: {value!r} matches no option"]
    if value is None:
        return [] if schema.get("nullable") else [f"{where}: null not allowed"]
    kind = schema.get("type")
    problems: list[str] = []
    types = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict}
    if kind and not isinstance(value, types[kind]):
        return [f"{where}: {value!r} is not {kind}"]
    if kind == "integer":
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{where}: below minimum")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{where}: above maximum")
    if kind == "string":
        if len(value) < schema.get("minLength", 0):
            problems.append(f"{where}: shorter than minLength")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(f"{where}: longer than maxLength")
        if "enum" in schema and value not in schema["enum"]:
            problems.append(f"{where}: {value!r} not in enum")
    if kind == "array":
        for i, item in enumerate(value):
            problems += _check(item, schema.get("items", {}), defs, f"{where}[{i}]")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        for req in schema.get("required", []):
            if req not in value:
                problems.append(f"{where}: missing required {req}")
        for key, item in value.items():
            if key in props:
                problems += _check(item, props[key], defs, f"{where}.{key}")
            elif schema.get("additionalProperties") is False:
                problems.append(f"{where}: unexpected property {key}")
    return problems


def test_recorded_profiles_follow_the_documented_profile_schema() -> None:
    spec = REFERENCE / "openreview" / "ProfileContent.schema.from-api.yml.txt"
    if not spec.exists():
        missing_reference(spec)
    defs = yaml.safe_load(spec.read_text())
    assert set(defs) == {"ProfileContent", "Profile"}
    problems = [p for prof in PROFILES for p in _check(prof, defs["Profile"], defs, prof["id"])]
    assert problems == []
    # and the check can fail: an undocumented history field is caught
    bad = json.loads(json.dumps(PROFILES[0]))
    bad["content"]["history"][0]["title"] = "Dr"
    assert _check(bad, defs["Profile"], defs, "bad")


def _documented_fields(doc: Path) -> set[str]:
    return set(re.findall(r"^### `([a-z_0-9]+)`", doc.read_text(), flags=re.MULTILINE))


def test_recorded_openalex_bodies_use_documented_fields() -> None:
    folder = REFERENCE / "openalex"
    if not folder.exists():
        missing_reference(folder)
    author_fields = _documented_fields(folder / "author-object.md")
    dehydrated = {"country_code", "display_name", "id", "lineage", "ror", "type"}
    authorship_fields = _documented_fields(folder / "authorship-object.md")
    for a in load("openalex_authors.json"):
        assert set(a) <= author_fields | {"display_name_alternatives"}, set(a) - author_fields
        for aff in a["affiliations"]:
            assert set(aff) == {"institution", "years"}
            assert set(aff["institution"]) <= dehydrated
        for inst in a.get("last_known_institutions", []):
            assert set(inst) <= dehydrated
    for w in load("openalex_works.json"):
        for authorship in w["authorships"]:
            assert set(authorship) <= authorship_fields, set(authorship) - authorship_fields


# --- mapping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "institution", "domain", "stage"),
    [
        ("PhD student", "MIT", "mit.edu", "phd"),
        ("Ph.D. Student", "University of Tokyo", "u-tokyo.ac.jp", "phd"),
        ("Undergrad student", "KAIST", "kaist.ac.kr", "undergraduate"),
        ("BS student", "Peking University", "pku.edu.cn", "undergraduate"),
        ("MS student", "ETH Zurich", "ethz.ch", "masters"),
        ("Master student", "MIT", "mit.edu", "masters"),
        ("Postdoc", "CMU", "cmu.edu", "postdoc"),
        ("Full Professor", "University of Oxford", "ox.ac.uk", "faculty"),
        ("Assistant Professor", "ETH Zurich", "ethz.ch", "faculty"),
        ("Research Scientist", "Google", "google.com", "industry_research"),
        ("Researcher", "Stanford University", "stanford.edu", "academic_research"),
        ("Software Engineer", "Alibaba Group", "alibaba-inc.com", "industry_other"),
        ("Independent Researcher", "Independent Researcher", "independent", "other"),
        ("Intern", "NAVER", "navercorp.com", "other"),
        (None, None, None, "other"),
    ],
)
def test_stage_from_position(
    position: str | None, institution: str | None, domain: str | None, stage: str
) -> None:
    assert stage_from_position(position, institution, domain) == stage


def test_years_as_integer_null_or_empty_string() -> None:
    assert year_or_none(2019) == 2019
    assert year_or_none(None) is None
    assert year_or_none("") is None
    assert year_or_none("2014") == 2014
    assert year_or_none(1899) is None
    assert year_or_none(True) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("United States", "US"),
        ("China", "CN"),
        ("South Korea", "KR"),
        ("United Kingdom", "GB"),
        ("Switzerland", "CH"),
        ("DE", "DE"),
        ("", None),
        (None, None),
    ],
)
def test_country_names_become_iso_codes(text: str | None, code: str | None) -> None:
    assert country_code(text) == code


def _profile(pid: str) -> dict[str, Any]:
    return next(p for p in PROFILES if p["id"] == pid)


def test_profile_history_becomes_entries() -> None:
    ada = orv.profile_entries(_profile("~Ada_Lovelace1"))
    assert [(e.stage, e.country, e.first_year, e.last_year) for e in ada] == [
        ("industry_research", "US", 2019, None),
        ("phd", "US", 2014, 2019),
        ("undergraduate", "CN", 2010, 2014),
    ]
    assert {e.evidence for e in ada} == {"profile"}
    assert orv.profile_entries(_profile("~Alan_Turing1")) == []  # no history key
    assert orv.profile_entries(_profile("~Grace_Hopper1")) == []  # empty history
    goedel = orv.profile_entries(_profile("~Kurt_Goedel1"))
    assert [(e.first_year, e.last_year) for e in goedel] == [
        (2021, None),
        (None, None),
        (None, 2015),
    ]
    park = orv.profile_entries(_profile("~Min_Park1"))
    assert [(e.country, e.country_basis) for e in park] == [
        ("KR", "stated"),
        ("KR", "domain"),
        ("KR", "domain"),
    ]
    nash = orv.profile_entries(_profile("~John_Nash1"))
    assert [(e.stage, e.country) for e in nash] == [("other", None)]
    shannon = orv.profile_entries(_profile("~Claude_Shannon1"))
    assert shannon[0].country is None  # microsoft.com names no country
    assert shannon[0].country_basis is None


def test_origin_and_training_from_history() -> None:
    ada = origin_and_training(orv.profile_entries(_profile("~Ada_Lovelace1")))
    assert ada is not None
    assert (ada.origin_country, ada.training_country) == ("CN", "US")
    assert (ada.origin_stage, ada.training_stage) == ("undergraduate", "phd")
    assert ada.basis == "profile"
    franklin = origin_and_training(orv.profile_entries(_profile("~Rosalind_Franklin1")))
    assert franklin is not None
    assert (franklin.origin_country, franklin.training_country) == ("US", "US")
    assert origin_and_training(orv.profile_entries(_profile("~John_Nash1"))) is None


def test_openalex_affiliations_become_entries() -> None:
    authors = {a["display_name"]: a for a in load("openalex_authors.json")}
    ada = oa.author_entries(authors["Ada Lovelace"])
    assert [(e.institution, e.country, e.first_year, e.last_year, e.stage) for e in ada] == [
        ("Google", "US", 2020, 2023, "industry_research"),
        ("Stanford University", "US", 2015, 2019, None),
    ]
    franklin = oa.author_entries(authors["Rosalind Franklin"])
    assert [(e.first_year, e.last_year) for e in franklin] == [(None, None), (2019, 2019)]
    assert oa.author_entries(authors["Priya Sharma"]) == []
    assert ("orcid", "0000-0002-1825-0097") in oa.author_identifiers(authors["Ada Lovelace"])


def test_live_sources_drop_an_orcid_whose_check_digit_is_wrong() -> None:
    """Both live sources read ORCIDs through the one checked normaliser (identity_keys)."""
    bad, good = "0000-0002-1825-0098", "0000-0002-1825-0097"
    for orcid, expected in ((bad, []), (good, [("orcid", good)])):
        profile = {"id": "~Ada_Lovelace1", "content": {"orcid": f"https://orcid.org/{orcid}"}}
        pairs = [p for p in orv.profile_identifiers(profile) if p[0] == "orcid"]
        assert pairs == expected
        author = {"id": "https://openalex.org/A1", "orcid": orcid, "ids": {}}
        assert [p for p in oa.author_identifiers(author) if p[0] == "orcid"] == expected


# --- crawling ---------------------------------------------------------------------------------


def crawl(tmp_path: Path, ids: list[str], sleeps: Sleeps, batch: int = 10, **kw: Any) -> Any:
    settings = orv.OpenReviewSettings(batch_size=batch, **kw)
    return orv.crawl_profiles(
        ids, make_fetcher(tmp_path, sleeps), RecordCache(tmp_path, "profiles"), settings
    )


def test_crawl_in_batches_with_aliases_and_missing_profiles(tmp_path: Path) -> None:
    server = OpenReviewServer()
    ids = [*ALL_IDS, "~Emmy_Noether2", "~Nobody_Here1"]
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        stats = crawl(tmp_path, ids, Sleeps(), batch=10)
    assert stats.wanted == len(ids) == 42
    assert stats.batches == math.ceil(42 / 10)
    assert stats.requests == server.calls == stats.pages == stats.batches
    assert server.logins == 1
    assert stats.missing_at_source == 1
    assert stats.fetched == 41
    state = RecordCache(tmp_path, "profiles")
    merged = state.get("~Emmy_Noether2")
    assert merged is not None and merged.body is not None
    assert merged.body["id"] == "~Emmy_Noether1"
    assert state.get("~Nobody_Here1") is None  # not stored: asked again next run
    assert all(len(b) <= 10 for b in server.asked)


@pytest.mark.parametrize(
    ("fault", "expected_sleeps"),
    [
        (too_many_requests("7"), [7.0]),  # Retry-After honoured
        (server_error, [0.5]),  # backoff
        (timeout, [0.5]),
        (truncated, [0.5]),  # Content-Length says more than arrived
    ],
    ids=["429-retry-after", "500", "timeout", "truncated"],
)
def test_faults_are_retried_and_never_stored(
    tmp_path: Path, fault: Any, expected_sleeps: list[float]
) -> None:
    server = OpenReviewServer(faults={1: fault})
    sleeps = Sleeps()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        stats = crawl(tmp_path, ALL_IDS[:5], sleeps)
    assert sleeps.calls == expected_sleeps
    assert server.calls == 2
    assert stats.fetched == 5
    stored = RecordCache(tmp_path, "profiles").get(ALL_IDS[0])
    assert stored is not None and stored.body == _profile(ALL_IDS[0])


def test_truncated_json_without_length_header_is_refetched(tmp_path: Path) -> None:
    server = OpenAlexServer(faults={1: cut_json})
    sleeps = Sleeps()
    settings = oa.OpenAlexSettings(email="team@example.org")
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        stats = oa.crawl_authors(
            ["A5000000001", "A5000000004"],
            "openalex_id",
            make_fetcher(tmp_path, sleeps, login=False),
            RecordCache(tmp_path, "authors"),
            settings,
        )
    assert server.calls == 2 and sleeps.calls == [0.5]
    assert stats.fetched == 2
    assert set(server.mailto) == {"team@example.org"}  # the e-mail is still sent


def test_persistent_failure_raises_and_keeps_earlier_batches(tmp_path: Path) -> None:
    server = OpenReviewServer(fail_from=3)
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        with pytest.raises(FetchError, match="HTTP 500"):
            crawl(tmp_path, ALL_IDS, Sleeps(), batch=10)
    state = RecordCache(tmp_path, "profiles")
    assert sum(state.get(i) is not None for i in ALL_IDS) == 20


def test_interrupted_crawl_resumes_fetching_only_what_is_missing(tmp_path: Path) -> None:
    first = OpenReviewServer(fail_from=3)  # batches 1 and 2 succeed, then the API fails
    with respx.mock(assert_all_called=False) as router:
        first.mount(router)
        with pytest.raises(FetchError):
            crawl(tmp_path, ALL_IDS, Sleeps(), batch=10)
    done_first = set(first.asked_ids)
    assert len(done_first) == 20
    second = OpenReviewServer()
    with respx.mock(assert_all_called=False) as router:
        second.mount(router)
        stats = crawl(tmp_path, ALL_IDS, Sleeps(), batch=10)
    assert set(second.asked_ids) == set(ALL_IDS) - done_first
    assert len(second.asked_ids) == len(ALL_IDS) - 20 == 20
    assert second.calls == 2
    assert (stats.already_cached, stats.fetched) == (20, 20)
    third = OpenReviewServer()
    with respx.mock(assert_all_called=False) as router:
        third.mount(router)
        stats = crawl(tmp_path, ALL_IDS, Sleeps(), batch=10)
    assert third.calls == 0 and stats.already_cached == len(ALL_IDS)


def test_incremental_refresh(tmp_path: Path) -> None:
    older, newer = ALL_IDS[:25], ALL_IDS[25:]
    with respx.mock(assert_all_called=False) as router:
        OpenReviewServer().mount(router)
        crawl(tmp_path, older, Sleeps())
    server = OpenReviewServer()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        stats = crawl(tmp_path, ALL_IDS, Sleeps())  # a new venue-year adds authors
    assert sorted(server.asked_ids) == sorted(newer)
    assert stats.already_cached == 25
    state = RecordCache(tmp_path, "profiles")
    assert state.wanted(ALL_IDS, max_age_seconds=86400.0) == []
    assert (
        state.wanted(
            ALL_IDS, max_age_seconds=86400.0, now=state.get(older[0]).fetched_at + 2 * 86400
        )
        != []
    )  # type: ignore[union-attr]
    server = OpenReviewServer()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        crawl(tmp_path, older, Sleeps(), max_age_days=0.0)  # everything is stale: refetch
    assert sorted(server.asked_ids) == sorted(older)


def test_rate_limiter_spaces_requests() -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(s: float) -> None:
        sleeps.append(s)
        now[0] += s

    limiter = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.wait()
    assert sleeps == [0.5, 0.5, 0.5]
    now[0] += 10.0
    limiter.wait()
    assert sleeps == [0.5, 0.5, 0.5]


def test_openalex_works_cursor_walk_resumes(tmp_path: Path) -> None:
    settings = oa.OpenAlexSettings(per_page=5)
    pages = RecordCache(tmp_path, "works_pages")
    first = OpenAlexServer(fail_from=3)
    with respx.mock(assert_all_called=False) as router:
        first.mount(router)
        with pytest.raises(FetchError):
            oa.crawl_works(
                "S4306420609", 2024, make_fetcher(tmp_path, Sleeps(), login=False), pages, settings
            )
    second = OpenAlexServer()
    with respx.mock(assert_all_called=False) as router:
        second.mount(router)
        works, stats = oa.crawl_works(
            "S4306420609", 2024, make_fetcher(tmp_path, Sleeps(), login=False), pages, settings
        )
    assert len(works) == 12
    assert second.calls == 1  # only the third page: the first two were kept
    assert second.log[0].url.params["cursor"] == "c10"
    assert (stats.already_cached, stats.fetched) == (10, 2)
    assert len(oa.author_ids_of_works(works)) == 5


# --- end to end: a NeurIPS-like venue-year --------------------------------------------------


def neurips_like_store(tmp_path: Path) -> Path:
    """A store with one venue-year whose author slots carry the corpus's OpenReview ids."""
    ids = [*ALL_IDS, "~Emmy_Noether2", "~Nobody_Here1"]
    ids.remove("~Emmy_Noether1")
    records = []
    for k in range(0, len(ids), 3):
        chunk = ids[k : k + 3]
        records.append(
            record(
                id=f"p{k}",
                status="Poster",
                track="main",
                author=";".join(i[1:-1].replace("_", " ") for i in chunk),
                authorids=";".join(chunk),
            )
        )
    records.append(
        record(id="rej", status="Reject", author="Rejected Author", authorids="~Rejected_Author1")
    )
    mirror = tmp_path / "mirror"
    write_list(mirror, "nips", 2024, records)
    db = tmp_path / "store.duckdb"
    with open_store(db) as store:
        build_paperlists(store, mirror_files(mirror))
    return db


def person_of(store: Store, profile_id: str) -> str:
    """The person the build resolved for the author slots carrying ``profile_id``."""
    return str(
        store.scalar(
            "SELECT DISTINCT sp.person_id FROM authorships a JOIN slot_people sp "
            "ON sp.paper_key = a.paper_key AND sp.author_index = a.author_index "
            "WHERE a.profile_id = ?",
            [profile_id],
        )
    )


def test_replayed_neurips_crawl_yields_stints_origin_and_training(tmp_path: Path) -> None:
    db = neurips_like_store(tmp_path)
    server = OpenReviewServer()
    sleeps = Sleeps()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        result = run_live_build(
            source="openreview",
            venues={"nips"},
            years={2024},
            cache_dir=tmp_path / "cache",
            db=db,
            progress=lambda d: lambda done, total: None,
            sleep=sleeps,
        )
    assert "~Rejected_Author1" not in server.asked_ids  # accepted papers only
    assert result.ingest is not None
    assert result.ingest.records_ingested == len(PROFILES)
    assert result.crawls["profiles"].requests == 1  # 41 ids: one POST /profiles/search
    with open_store(db, read_only=True) as store:
        stints = store.query(
            "SELECT person_id, stage, country, first_year, last_year, evidence FROM stints "
            "WHERE evidence = 'profile'"
        )
        n_entries = store.scalar("SELECT count(*) FROM career_entries")
        linked = store.scalar(
            "SELECT count(*) FROM live_ids WHERE id_value = '~Emmy_Noether2' "
            "AND record_id = '~Emmy_Noether1'"
        )
    assert len(stints) == n_entries == sum(len(p["content"].get("history", [])) for p in PROFILES)
    assert linked == 1
    with open_store(db, read_only=True) as store:
        people = {n: person_of(store, n) for n in ("~Ada_Lovelace1", "~Min_Park1")}
        ada_moves = store.query(
            "SELECT from_org_id, to_org_id, from_country, to_country, year "
            f"FROM ({BEST_MOVES_SQL}) m WHERE person_id = ? AND evidence = 'profile' "
            "ORDER BY year",
            [people["~Ada_Lovelace1"]],
        )
        ada_orgs = store.query(
            "SELECT o.name, s.stage FROM stints s JOIN organisations o ON o.org_id = s.org_id "
            "WHERE s.person_id = ? AND s.evidence = 'profile' ORDER BY s.first_year",
            [people["~Ada_Lovelace1"]],
        )
        park_moves = store.scalar(
            f"SELECT count(*) FROM ({BEST_MOVES_SQL}) m WHERE person_id = ? "
            "AND from_country <> to_country",
            [people["~Min_Park1"]],
        )
        # profile moves are read off the stints, never stored (so never counted twice)
        assert store.scalar("SELECT count(*) FROM moves WHERE evidence = 'profile'") == 0
    if os.environ.get("TALENTFLOW_REQUIRE_SHARED_DATA") == "1":
        assert ada_orgs, "with the reference data present, profile stints get organisations"
    if ada_orgs:  # the organisation resolver (issue 3) and its reference data are present
        assert [r["stage"] for r in ada_orgs] == ["undergraduate", "phd", "industry_research"]
        assert ada_orgs[0]["name"] == "Tsinghua University"
        assert [(m["from_country"], m["to_country"], m["year"]) for m in ada_moves] == [
            ("CN", "US", 2014),
            ("US", "US", 2019),  # Stanford -> Google: an organisation move
        ]
        assert all(m["from_org_id"] and m["to_org_id"] for m in ada_moves)
    else:
        assert [(m["from_country"], m["to_country"], m["year"]) for m in ada_moves] == [
            ("CN", "US", 2014)
        ]
    assert park_moves == 0  # Korea throughout: no country move
    from talentflow.indicators.migration import migration

    with open_store(db, read_only=True) as store:
        flows = migration(store, 2000, 2030).flows
        n_moves = store.scalar(f"SELECT count(DISTINCT person_id) FROM ({BEST_MOVES_SQL}) m")
    cn_us = next(f for f in flows if (f["from_country"], f["to_country"]) == ("CN", "US"))
    assert cn_us["moves"] >= 1  # the migration indicator reads the profile moves
    assert sum(int(f["moves"]) for f in flows) >= n_moves
    by_person: dict[str, list[dict[str, Any]]] = {}
    for s in stints:
        by_person.setdefault(s["person_id"], []).append(s)
    with_education = [
        pid
        for pid, rows in by_person.items()
        if any(r["stage"] in ("undergraduate", "masters", "phd") for r in rows)
    ]
    assert len(with_education) >= 30
    for pid in with_education:
        ot = origin_and_training(by_person[pid])
        assert ot is not None and ot.training_stage is not None, pid
        assert ot.origin_country is not None and ot.training_country is not None, pid
    ada = origin_and_training(by_person[people["~Ada_Lovelace1"]])
    assert ada is not None and (ada.origin_country, ada.training_country) == ("CN", "US")

    # a rebuild from the same crawl asks for nothing and writes nothing
    again = OpenReviewServer()
    with respx.mock(assert_all_called=False) as router:
        again.mount(router)
        result = run_live_build(
            source="openreview",
            venues={"nips"},
            years={2024},
            cache_dir=tmp_path / "cache",
            db=db,
            progress=lambda d: lambda done, total: None,
            sleep=sleeps,
        )
    assert again.asked_ids == ["~Nobody_Here1"]  # only what the API did not return
    assert result.ingest is not None and result.ingest.run_id is None

    # OpenAlex by the ORCIDs the profiles give: linked to the same people
    oa_server = OpenAlexServer()
    with respx.mock(assert_all_called=False) as router:
        oa_server.mount(router)
        result = run_live_build(
            source="openalex",
            venues={"nips"},
            years={2024},
            cache_dir=tmp_path / "cache",
            db=db,
            email="team@example.org",
            progress=lambda d: lambda done, total: None,
            sleep=sleeps,
        )
    assert sorted(oa_server.asked_authors) == sorted(
        ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0003-1415-9269"]
    )
    with open_store(db, read_only=True) as store:
        oa_people = {
            r["person_id"]
            for r in store.query(
                "SELECT DISTINCT person_id FROM stints WHERE evidence = 'openalex'"
            )
        }
        profile_rows = store.scalar("SELECT count(*) FROM stints WHERE evidence = 'profile'")
        expected = {
            person_of(store, n) for n in ("~Ada_Lovelace1", "~Min_Park1", "~Rosalind_Franklin1")
        }
    assert oa_people == expected
    assert profile_rows == len(stints)  # the OpenAlex build left the profile stints alone


def test_openalex_build_from_works_of_a_venue_year(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    server = OpenAlexServer()
    with respx.mock(assert_all_called=False) as router:
        server.mount(router)
        result = run_live_build(
            source="openalex",
            venues=None,
            years={2024},
            cache_dir=tmp_path / "cache",
            db=db,
            openalex_source="S4306420609",
            progress=lambda d: lambda done, total: None,
            sleep=Sleeps(),
        )
    assert result.crawls["works_2024"].fetched == 12
    assert result.ingest is not None
    with open_store(db, read_only=True) as store:
        kinds = dict(
            store.con.execute("SELECT kind, count(*) FROM live_records GROUP BY kind").fetchall()
        )
        people = store.scalar(
            "SELECT count(DISTINCT person_id) FROM stints WHERE evidence = 'openalex'"
        )
    assert kinds == {"work": 12, "author": 5}
    assert people == 4  # the fifth author has no affiliation


def test_cli_sources_and_live_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from talentflow.cli import app

    runner = CliRunner()
    out = runner.invoke(
        app, ["sources", "--cache-dir", str(tmp_path / "cache"), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    listed = {row["source"]: row for row in json.loads(out.stdout)["sources"]}
    assert set(listed) == {"paperlists", "papercopilot_openreview", "openreview", "openalex"}
    assert listed["openreview"]["cached_records"] == 0
    db = neurips_like_store(tmp_path)
    with respx.mock(assert_all_called=False) as router:
        OpenReviewServer().mount(router)
        out = runner.invoke(
            app,
            [
                "build",
                "--source",
                "openreview",
                "--venue",
                "nips",
                "--year",
                "2024",
                "--cache-dir",
                str(tmp_path / "cache"),
                "--db",
                str(db),
                "--format",
                "json",
            ],
        )
    assert out.exit_code == 0, out.output
    summary = json.loads(out.stdout)
    assert summary["profiles_fetched"] == 40  # 41 ids, one unknown to the API
    out = runner.invoke(
        app, ["sources", "--cache-dir", str(tmp_path / "cache"), "--format", "json"]
    )
    listed = {row["source"]: row for row in json.loads(out.stdout)["sources"]}
    assert listed["openreview"]["cached_records"] == 40  # the unknown id is not kept
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{OPENREVIEW_BASE}/profiles").mock(return_value=httpx.Response(503))
        router.get(f"{OPENALEX_BASE}/authors").mock(return_value=httpx.Response(503))
        out = runner.invoke(app, ["build", "--source", "nosuch", "--db", str(db)])
    assert out.exit_code == 1
    assert "openreview" in out.stderr


def test_live_modules_import_without_the_live_extra() -> None:
    """openreview-py and pyalex are imported only when a live crawl needs them."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {"openreview", "pyalex"}:
                    raise ImportError(f"{name} is blocked for this test")
                return None

        sys.meta_path.insert(0, Block())
        import talentflow.build.live
        from talentflow.errors import MissingExtraError
        from talentflow.sources import openalex
        try:
            openalex.authors_url("openalex_id", ["A1"])
        except MissingExtraError as exc:
            print(exc)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "talentflow[live]" in done.stdout


def test_venue_year_without_ids_gets_them_from_the_accepted_papers(tmp_path: Path) -> None:
    """NeurIPS 2022-2024 paper lists carry no OpenReview ids: the notes API gives them."""
    mirror = tmp_path / "mirror"
    write_list(mirror, "nips", 2024, [record(id="x", author="Ada Lovelace", status="Poster")])
    db = tmp_path / "store.duckdb"
    with open_store(db) as store:
        build_paperlists(store, mirror_files(mirror))
    small_pages = orv.OpenReviewSettings(notes_page_size=5)
    first = OpenReviewServer(fail_from=3)
    with respx.mock(assert_all_called=False) as router:
        first.mount(router)
        with pytest.raises(FetchError):
            run_live_build(
                source="openreview",
                venues={"nips"},
                years={2024},
                cache_dir=tmp_path / "cache",
                db=db,
                sleep=Sleeps(),
                progress=lambda d: lambda done, total: None,
                openreview_settings=small_pages,
            )
    main = sorted(
        n["id"]
        for n in load("openreview_notes.json")
        if n["content"]["venueid"]["value"] == "NeurIPS.cc/2024/Conference"
    )
    assert first.note_pages == [  # sort=id, then after=<the last id of the page before>
        ("NeurIPS.cc/2024/Conference", "0"),
        ("NeurIPS.cc/2024/Conference", main[4]),
    ]
    second = OpenReviewServer()
    with respx.mock(assert_all_called=False) as router:
        second.mount(router)
        result = run_live_build(
            source="openreview",
            venues={"nips"},
            years={2024},
            cache_dir=tmp_path / "cache",
            db=db,
            sleep=Sleeps(),
            progress=lambda d: lambda done, total: None,
            openreview_settings=small_pages,
        )
    # resumed at the third page of the main track, then the D&B track
    assert second.note_pages[0] == ("NeurIPS.cc/2024/Conference", main[9])
    assert ("NeurIPS.cc/2024/Datasets_and_Benchmarks_Track", "0") in second.note_pages
    assert not any(i.endswith(".edu") for i in second.asked_ids)  # e-mails are not profiles
    assert len(second.asked_ids) == 41
    assert result.crawls["profiles"].fetched == 40
    papers = result.crawls["papers"]
    assert (papers.already_cached, papers.fetched) == (10, 4)  # 12 main track + 2 D&B
    assert result.ingest is not None and result.ingest.records_ingested == len(PROFILES)
    oa_server = OpenAlexServer()
    with respx.mock(assert_all_called=False) as router:
        oa_server.mount(router)
        run_live_build(
            source="openalex",
            venues={"nips"},
            years={2024},
            cache_dir=tmp_path / "cache",
            db=db,
            sleep=Sleeps(),
            progress=lambda d: lambda done, total: None,
        )
    assert len(oa_server.asked_authors) == 3  # the ORCIDs of the profiles found via notes


def test_profiles_reach_the_pipeline_indicator_through_the_papers_notes(tmp_path: Path) -> None:
    """Paper lists without ~ids: slots are linked to profiles via the accepted papers'
    notes (same title, authors by position), so the pipeline indicator sees the
    profile history as the origin and training of the venue-year's authors."""
    from talentflow.indicators.pipeline import pipeline

    notes = load("openreview_notes.json")
    records = [
        record(
            id=n["id"],
            title=n["content"]["title"]["value"].upper(),  # case differs from the note
            author=";".join(n["content"]["authors"]["value"]),
            status="Poster",
            track="main",
        )
        for n in notes
    ]
    records.append(record(id="offline", title="Not on OpenReview", author="Some One"))
    mirror = tmp_path / "mirror"
    write_list(mirror, "nips", 2024, records)
    db = tmp_path / "store.duckdb"
    with open_store(db) as store:
        build_paperlists(store, mirror_files(mirror))
    with respx.mock(assert_all_called=False) as router:
        OpenReviewServer().mount(router)
        run_live_build(
            source="openreview",
            venues={"nips"},
            years={2024},
            cache_dir=tmp_path / "cache",
            db=db,
            sleep=Sleeps(),
            progress=lambda d: lambda done, total: None,
        )
    listed_ids = [i for n in notes for i in n["content"]["authorids"]["value"]]
    with open_store(db, read_only=True) as store:
        links = store.scalar("SELECT count(*) FROM live_slot_links")
        result = pipeline(store, "nips", 2024)
    assert links == sum(i.startswith("~") for i in listed_ids)

    # expected from the corpus: one person per profile (the build resolves people)
    by_alias = OpenReviewServer().by_alias()
    training_people, origin_people = set(), set()
    for n in notes:
        for pid in n["content"]["authorids"]["value"]:
            prof = by_alias.get(pid)
            entries = orv.profile_entries(prof) if prof else []
            if any(e.stage in ("phd", "masters") and e.country for e in entries):
                training_people.add(prof["id"])
            if any(e.stage == "undergraduate" and e.country for e in entries):
                origin_people.add(prof["id"])
    assert result.evidence["training"] == {"profile": len(training_people)}
    assert result.evidence["origin"] == {"profile": len(origin_people)}
    assert len(training_people) >= 25 and len(origin_people) >= 20
