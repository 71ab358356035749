"""The read-only dashboard and its JSON API, through a real HTTP client (ASGI)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from talentflow.graph.inspect import stats
from talentflow.graph.store import open_store
from talentflow.report import data
from view_fakes import fixture, use_fixture_indicators

pytest.importorskip("fastapi")
pytest.importorskip("plotly")

from talentflow.web.app import create_app


class TestClient:
    """A real HTTP client (httpx) talking to the app over ASGI, used synchronously."""

    __test__ = False

    def __init__(self, app: Any) -> None:
        self.app = app

    def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                return await c.get(url, params=params)

        return asyncio.run(fetch())


@pytest.fixture()
def client(views_store_path: Path) -> Iterator[TestClient]:
    app = create_app(views_store_path, pool_size=2)
    yield TestClient(app)
    app.state.pool.close()


def test_openapi_documents_the_json_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/filters",
        "/api/stats",
        "/api/provenance",
        "/api/pipeline",
        "/api/migration",
        "/api/orgflows",
        "/api/census",
        "/api/country/{country}",
        "/api/view",
    ):
        assert path in spec["paths"], path
        assert spec["paths"][path]["get"]["summary"]
    assert "aggregate" in spec["info"]["description"]
    # read-only: no route accepts a write
    methods = {m for p in spec["paths"].values() for m in p}
    assert methods == {"get"}


def test_filters_and_stats_come_from_the_store(client: TestClient, views_store_path: Path) -> None:
    with open_store(views_store_path, read_only=True) as store:
        expected = stats(store)
    assert client.get("/api/stats").json() == expected
    f = client.get("/api/filters").json()
    assert f["venues"] == {"icml": [2024], "nips": [2023, 2024]}
    assert f["bases"] == ["location", "hq"]


def test_indicator_routes_pass_filters_through(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = use_fixture_indicators(monkeypatch)
    r = client.get("/api/pipeline", params={"venue": "nips", "year": 2023, "basis": "hq"})
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "detail": "", "data": fixture("pipeline")}
    assert calls[-1] == ("pipeline", {"venue": "nips", "year": 2023, "basis": "hq", "elite": False})
    m = client.get("/api/migration", params={"from": 2016, "to": 2024, "country": "kr"}).json()
    assert m["data"] == fixture("migration")
    assert calls[-1] == ("migration", {"year_from": 2016, "year_to": 2024, "country": "KR"})
    o = client.get("/api/orgflows", params={"org": "KAIST"}).json()
    assert o["status"] == "ok"
    assert calls[-1][1]["org"] == "KAIST" and calls[-1][1]["year_from"] == 2023
    c = client.get("/api/country/kr").json()
    assert c["data"]["country"] == "KR" and calls[-1] == ("country", {"country": "KR"})
    # answers are kept: the read-only store cannot change under the server
    before = len(calls)
    client.get("/api/pipeline", params={"venue": "nips", "year": 2023, "basis": "hq"})
    assert len(calls) == before


def test_bad_filters_are_refused(client: TestClient) -> None:
    assert client.get("/api/country/K1").status_code == 422
    assert client.get("/api/view", params={"lang": "fr"}).status_code == 422
    assert client.get("/api/pipeline", params={"basis": "moon"}).status_code == 422
    assert client.get("/api/pipeline", params={"year": "soon"}).status_code == 422
    needs = client.get("/api/pipeline").json()
    assert needs["status"] == "needs_filter" and needs["data"] is None


def test_missing_indicators_are_reported_not_faked(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data, "_find", lambda name: None)
    r = client.get("/api/census", params={"venue": "nips", "year": 2024}).json()
    assert r == {"status": "not_implemented", "detail": "", "data": None}


def test_view_sections_carry_the_charts_they_show(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fixture_indicators(monkeypatch)
    v = client.get("/api/view", params={"venue": "icml", "country": "KR", "lang": "ko"}).json()
    assert v["filters"]["venue"] == "icml" and v["filters"]["year"] == 2024
    ids = [s["id"] for s in v["sections"]]
    assert ids == [
        "headline",
        "pipeline",
        "map",
        "migration",
        "orgflows",
        "census",
        "country",
        "methods",
    ]
    for s in v["sections"]:
        slots = re.findall(r'<div class="chart" id="([^"]+)"', s["html"])
        assert sorted(slots) == sorted(s["figures"]), s["id"]
    census = next(s for s in v["sections"] if s["id"] == "census")
    assert "이름" in census["title"] and census["figures"]["fig-census"]["data"][0]["type"] == "bar"


def test_page_loads_only_from_the_app(client: TestClient) -> None:
    r = client.get("/", params={"venue": "nips", "year": 2023})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    sources = re.findall(r'<script src="([^"]+)"', r.text)
    assert sources == ["/assets/plotly.min.js", "/assets/geo.js"]
    for src in sources:
        asset = client.get(src)
        assert asset.status_code == 200 and len(asset.content) > 10_000
    assert '<option value="2023" selected>' in r.text
    for name in ("venue", "year", "country", "org", "basis"):
        assert f'name="{name}"' in r.text


def test_connections_are_read_only(client: TestClient) -> None:
    import duckdb

    pool: Any = client.app.state.pool  # type: ignore[attr-defined]
    with pool.store() as store, pytest.raises(duckdb.Error):
        store.con.execute("CREATE TABLE written (x INTEGER)")


def test_no_route_returns_a_per_person_origin_estimate(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    leaky: dict[str, Any] = fixture("census") | {
        "names": [{"name": "Jiayi Leakname", "group": "chinese", "p": 0.97}],
        "per_person": {"Minji Leakname": {"korean": 0.9}},
    }
    use_fixture_indicators(monkeypatch, {"census": leaky})
    spec = client.get("/openapi.json").json()
    for path in spec["paths"]:
        url = path.replace("{country}", "KR")
        r = client.get(url, params={"venue": "nips", "year": 2024})
        assert r.status_code == 200, url
        assert "Leakname" not in r.text, url
    census = client.get("/api/census", params={"venue": "nips", "year": 2024}).json()["data"]
    assert set(census) <= set(data.CENSUS_KEYS)
    assert census["shares"] == fixture("census")["shares"]


def test_warm_up_computes_likely_filter_sets_in_the_background(
    views_store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = use_fixture_indicators(monkeypatch)
    app = create_app(views_store_path, pool_size=2, warm_years=1)

    async def run() -> tuple[dict[str, Any], int, httpx.Response]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
                for _ in range(3000):
                    status = (await c.get("/api/status")).json()
                    if status["warm"]["finished"]:
                        break
                    await asyncio.sleep(0.1)
                before = len(calls)
                params = {"venue": "icml", "year": 2024, "basis": "hq"}
                return status, before, await c.get("/api/pipeline", params=params)

    status, before, answer = asyncio.run(run())
    assert status["warm"]["finished"] and status["warm"]["done"] == status["warm"]["total"]
    asked = {(name, kw.get("venue"), kw.get("year"), kw.get("basis")) for name, kw in calls}
    for venue in ("nips", "icml"):
        assert ("pipeline", venue, 2024, "location") in asked
        assert ("pipeline", venue, 2024, "hq") in asked
        assert ("census", venue, 2024, None) in asked
    assert ("pipeline", "nips", 2023, "location") not in asked  # only the latest year
    assert answer.json()["status"] == "ok" and len(calls) == before  # ready, not recomputed
