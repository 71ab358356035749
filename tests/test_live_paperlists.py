"""Live Paper Copilot downloads, replayed from recorded responses (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from talentflow.errors import FetchError
from talentflow.graph.build import build_paperlists
from talentflow.graph.store import open_store
from talentflow.sources.http_cache import CachedFetcher, RetryPolicy
from talentflow.sources.paperlists import LIVE_BASE, LIVE_TREE, live_files

NIPS = f"{LIVE_BASE}/nips/nips2021.json"
ICML = f"{LIVE_BASE}/icml/icml2024.json"
TREE = {
    "sha": "abc",
    "truncated": False,
    "tree": [
        {"path": "nips", "type": "tree"},
        {"path": "nips/nips2021.json", "type": "blob"},
        {"path": "icml/icml2024.json", "type": "blob"},
        {"path": "README.md", "type": "blob"},
        {"path": "tools/scrape.py", "type": "blob"},
    ],
}
NIPS_BODY = json.dumps([{"id": "a", "author": "Ada Lovelace;Alan Turing", "status": "Poster"}])
ICML_BODY = json.dumps([{"id": "b", "author": "Grace Hopper", "status": "Oral"}])


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def fetcher(tmp_path: Path, attempts: int = 4) -> tuple[CachedFetcher, Sleeps]:
    sleeps = Sleeps()
    f = CachedFetcher(
        tmp_path / "cache",
        client=httpx.Client(),
        retry=RetryPolicy(max_attempts=attempts, backoff_seconds=0.5),
        sleep=sleeps,
    )
    return f, sleeps


@respx.mock
def test_live_listing_and_build(tmp_path: Path) -> None:
    respx.get(LIVE_TREE).mock(return_value=httpx.Response(200, json=TREE))
    respx.get(NIPS).mock(return_value=httpx.Response(200, text=NIPS_BODY))
    respx.get(ICML).mock(return_value=httpx.Response(200, text=ICML_BODY))
    f, _ = fetcher(tmp_path)
    files = live_files(f)
    assert [x.file_key for x in files] == ["icml/icml2024", "nips/nips2021"]
    assert [x.file_key for x in live_files(f, venues={"nips"})] == ["nips/nips2021"]
    with open_store(tmp_path / "s.duckdb") as store:
        result = build_paperlists(store, files, fetcher=f)
        assert result.author_slots == 3
        assert store.scalar("SELECT location FROM source_files WHERE venue = 'icml'") == ICML


@respx.mock
def test_conditional_request_uses_cache_on_304(tmp_path: Path) -> None:
    route = respx.get(NIPS)
    route.side_effect = [
        httpx.Response(200, text=NIPS_BODY, headers={"ETag": '"v1"'}),
        httpx.Response(304),
    ]
    f, _ = fetcher(tmp_path)
    assert f.get(NIPS) == NIPS_BODY.encode()
    assert f.get(NIPS) == NIPS_BODY.encode()
    assert route.calls[1].request.headers["If-None-Match"] == '"v1"'


@respx.mock
def test_429_with_retry_after_is_honoured(tmp_path: Path) -> None:
    respx.get(NIPS).side_effect = [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(503),
        httpx.Response(200, text=NIPS_BODY),
    ]
    f, sleeps = fetcher(tmp_path)
    assert f.get(NIPS) == NIPS_BODY.encode()
    assert sleeps == [7.0, 1.0]  # Retry-After, then exponential backoff (0.5 * 2)


@respx.mock
def test_persistent_5xx_gives_up_with_reason_and_caches_nothing(tmp_path: Path) -> None:
    respx.get(NIPS).mock(return_value=httpx.Response(500))
    f, sleeps = fetcher(tmp_path, attempts=3)
    with pytest.raises(FetchError, match=r"gave up after 3 attempts: HTTP 500"):
        f.get(NIPS)
    assert len(sleeps) == 2
    assert f.cached(NIPS) is None


@respx.mock
def test_timeout_is_retried(tmp_path: Path) -> None:
    respx.get(NIPS).side_effect = [httpx.ReadTimeout("slow"), httpx.Response(200, text=NIPS_BODY)]
    f, sleeps = fetcher(tmp_path)
    assert f.get(NIPS) == NIPS_BODY.encode()
    assert sleeps == [0.5]


@respx.mock
def test_truncated_download_is_never_ingested(tmp_path: Path) -> None:
    cut = NIPS_BODY[: len(NIPS_BODY) // 2]
    respx.get(LIVE_TREE).mock(return_value=httpx.Response(200, json=TREE))
    respx.get(NIPS).mock(return_value=httpx.Response(200, text=cut))
    respx.get(ICML).mock(return_value=httpx.Response(200, text=ICML_BODY))
    f, _ = fetcher(tmp_path, attempts=2)
    files = live_files(f)
    with open_store(tmp_path / "s.duckdb") as store:
        with pytest.raises(FetchError, match=r"nips2021\.json: gave up .* unusable body"):
            build_paperlists(store, files, fetcher=f)
        assert store.scalar("SELECT count(*) FROM papers") == 0
    assert f.cached(NIPS) is None


@respx.mock
def test_content_length_mismatch_is_detected(tmp_path: Path) -> None:
    short = httpx.Response(200, content=b"[1, 2", headers={"Content-Length": "40"})
    respx.get(NIPS).side_effect = [short, httpx.Response(200, text=NIPS_BODY)]
    f, _ = fetcher(tmp_path)
    assert f.get(NIPS) == NIPS_BODY.encode()


@respx.mock
def test_client_error_is_not_retried(tmp_path: Path) -> None:
    route = respx.get(NIPS).mock(return_value=httpx.Response(404))
    f, _ = fetcher(tmp_path)
    with pytest.raises(FetchError, match="HTTP 404"):
        f.get(NIPS)
    assert route.call_count == 1
