"""The read-only dashboard and its JSON API (FastAPI; OpenAPI at ``/openapi.json``).

The page and the API draw from the same indicator tables as the report, through
:mod:`talentflow.report.data`, and the page's charts are the report's charts
(:mod:`talentflow.report.charts`). The store is opened read-only; since it cannot
change under the server, each answer is computed once per filter set and kept.

>>> app = create_app(Path("talentflow.duckdb"))  # doctest: +SKIP
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from talentflow.errors import TalentflowError, require
from talentflow.graph.store import Store
from talentflow.report import data, render
from talentflow.report.i18n import Lang, check_lang

if TYPE_CHECKING:
    from fastapi import FastAPI

T = TypeVar("T")

API_DESCRIPTION = """
Read-only JSON API of a talentflow store. Every indicator answer is
`{"status", "detail", "data"}`: `data` is the indicator's JSON exactly as the
command line prints it (see INTERFACE.md) when `status` is `ok`; otherwise
`status` says why there is none (`not_implemented`, `needs_filter`, `empty`,
`error`). Name-origin results are aggregate shares only: no route returns an
estimate for an individual.
"""


class StorePool:
    """A few read-only connections to one store, handed out one request at a time."""

    def __init__(self, path: Path, size: int = 4) -> None:
        self.path = path
        self._free: queue.Queue[Store] = queue.Queue()
        self._all = [Store(path, read_only=True) for _ in range(max(1, size))]
        for s in self._all:
            self._free.put(s)

    @contextmanager
    def store(self) -> Iterator[Store]:
        s = self._free.get()
        try:
            yield s
        finally:
            self._free.put(s)

    def close(self) -> None:
        for s in self._all:
            s.close()


class Answers:
    """Answers computed once per key (the store is read-only), at most ``limit`` kept."""

    def __init__(self, limit: int = 2048) -> None:
        self.limit = limit
        self._done: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[tuple[Any, ...], threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._done)

    def get(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                found: T = self._done[key]
                return found
            lock = self._computing.setdefault(key, threading.Lock())
        with lock:  # one computation per key, however many clients ask at once
            with self._lock:
                if key in self._done:
                    again: T = self._done[key]
                    return again
            value = compute()
            with self._lock:
                self._done[key] = value
                self._computing.pop(key, None)
                while len(self._done) > self.limit:
                    self._done.popitem(last=False)
            return value


def create_app(db: Path, pool_size: int = 4, warm_years: int = 0) -> FastAPI:
    """The dashboard application over the store at ``db`` (opened read-only).

    With ``warm_years`` > 0 the server, once started, computes in the background the
    indicators of the latest ``warm_years`` years of every venue (largest venues first),
    and of the most frequent countries, so that a later filter change finds them ready.
    """
    require("fastapi", "web")
    from fastapi import FastAPI, HTTPException, Query
    from fastapi.responses import HTMLResponse, Response

    from talentflow.report.assets import geo_js, plotly_js
    from talentflow.version import __version__
    from talentflow.web.page import dashboard_html

    pool = StorePool(db, pool_size)
    answers = Answers()
    warm_state: dict[str, Any] = {"years": warm_years, "done": 0, "total": 0, "finished": False}
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        worker = None
        if warm_years > 0:
            worker = threading.Thread(target=warm_up, name="talentflow-warm", daemon=True)
            worker.start()
        yield
        stop.set()
        if worker is not None:
            worker.join(timeout=60)
        pool.close()

    app = FastAPI(
        lifespan=lifespan,
        title="talentflow",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.pool = pool
    app.state.answers = answers

    def cached(key: tuple[Any, ...], compute: Callable[[Store], T]) -> T:
        def run() -> T:
            with pool.store() as s:
                return compute(s)

        return answers.get(key, run)

    def warm_up() -> None:
        """Compute, once, what the most likely filter changes will ask for."""
        choices = cached(("choices",), data.choices)
        lo, hi = span()
        size: dict[str, int] = {}
        for r in cached(("headline",), data.headline)["by_venue_year"]:
            size[r["venue"]] = size.get(r["venue"], 0) + int(r.get("accepted_papers") or 0)
        tasks: list[tuple[tuple[Any, ...], Callable[[Store], Any]]] = []

        def add(key: tuple[Any, ...], fn: Callable[[Store], Any]) -> None:
            tasks.append((key, fn))

        for cc in [None, *choices["countries"][:20]]:
            add(
                ("migration", lo, hi, cc),
                partial(data.migration, year_from=lo, year_to=hi, country=cc),
            )
            add(("country", cc), partial(data.country_profile, country=cc))
        add(("orgflows", lo, hi, None), lambda s: data.orgflows(s, lo, hi, None))
        for venue in sorted(choices["venues"], key=lambda v: (-size.get(v, 0), v)):
            for year in sorted(choices["venues"][venue], reverse=True)[:warm_years]:
                for basis in ("location", "hq"):
                    add(
                        ("pipeline", venue, year, basis),
                        partial(data.pipeline, venue=venue, year=year, basis=basis),
                    )
                add(("census", venue, year), partial(data.census, venue=venue, year=year))
        warm_state["total"] = len(tasks)
        for key, fn in tasks:
            if stop.is_set():
                return
            cached(key, fn)
            warm_state["done"] += 1
        warm_state["finished"] = True

    def span() -> tuple[int, int]:
        found = cached(("year_range",), data.year_range)
        return found if found else (0, 0)

    def outcome(o: data.Outcome) -> dict[str, Any]:
        return o.as_json()

    VenueQ = Query(None, description="venue code, e.g. nips")
    YearQ = Query(None, description="conference year, e.g. 2024")
    BasisQ = Query("location", description="country of work: where people work, or employer HQ")

    @app.get("/", response_class=HTMLResponse, summary="The dashboard page")
    def index(
        venue: str | None = VenueQ,
        year: int | None = YearQ,
        country: str | None = None,
        org: str | None = None,
        basis: Literal["location", "hq"] = BasisQ,
        lang: str = "en",
    ) -> str:
        chosen = _filters(venue, year, country, org, basis)
        choices = cached(("choices",), data.choices)
        filled = cached(("defaults", chosen.key()), lambda s: data.default_filters(s, chosen))
        return dashboard_html(filled, choices, _lang(lang))

    @app.get("/assets/plotly.min.js", include_in_schema=False)
    def plotly_asset() -> Response:
        return Response(
            plotly_js(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/assets/geo.js", include_in_schema=False)
    def geo_asset() -> Response:
        return Response(
            geo_js(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    @app.get("/api/filters", summary="Values each filter can take")
    def filters() -> dict[str, Any]:
        return cached(("choices",), data.choices)

    @app.get("/api/stats", summary="Headline counts (talentflow stats)")
    def stats() -> dict[str, Any]:
        return cached(("headline",), data.headline)

    @app.get("/api/provenance", summary="Source files with hashes, build runs, versions")
    def provenance() -> dict[str, Any]:
        return cached(("provenance",), data.provenance)

    @app.get("/api/pipeline", summary="Origin -> training -> work (talentflow pipeline)")
    def pipeline(
        venue: str | None = VenueQ,
        year: int | None = YearQ,
        basis: Literal["location", "hq"] = BasisQ,
    ) -> dict[str, Any]:
        key = ("pipeline", venue, year, basis)
        return outcome(cached(key, lambda s: data.pipeline(s, venue, year, basis)))

    @app.get("/api/migration", summary="Net migration per 10,000 (talentflow migration)")
    def migration(
        year_from: int | None = Query(None, alias="from"),
        year_to: int | None = Query(None, alias="to"),
        country: str | None = None,
    ) -> dict[str, Any]:
        lo, hi = span()
        a, b = year_from or lo, year_to or hi
        cc = country.upper() if country else None
        return outcome(cached(("migration", a, b, cc), lambda s: data.migration(s, a, b, cc)))

    @app.get("/api/orgflows", summary="Organisation -> organisation moves (talentflow orgflows)")
    def orgflows(
        year_from: int | None = Query(None, alias="from"),
        year_to: int | None = Query(None, alias="to"),
        org: str | None = None,
    ) -> dict[str, Any]:
        lo, hi = span()
        a, b = year_from or lo, year_to or hi
        return outcome(cached(("orgflows", a, b, org), lambda s: data.orgflows(s, a, b, org)))

    @app.get("/api/census", summary="Name-origin census: aggregate shares only")
    def census(venue: str | None = VenueQ, year: int | None = YearQ) -> dict[str, Any]:
        return outcome(cached(("census", venue, year), lambda s: data.census(s, venue, year)))

    @app.get("/api/country/{country}", summary="One country's profile (talentflow country)")
    def country_profile(country: str) -> dict[str, Any]:
        cc = country.upper()
        if len(cc) != 2 or not cc.isalpha():
            raise HTTPException(422, "country must be an ISO 3166-1 alpha-2 code, e.g. KR")
        return outcome(cached(("country", cc), lambda s: data.country_profile(s, cc)))

    @app.get("/api/view", summary="Every section of the dashboard for a filter set, with figures")
    def view(
        venue: str | None = VenueQ,
        year: int | None = YearQ,
        country: str | None = None,
        org: str | None = None,
        basis: Literal["location", "hq"] = BasisQ,
        lang: str = "en",
    ) -> dict[str, Any]:
        chosen = _filters(venue, year, country, org, basis)
        language = _lang(lang)
        filled = cached(("defaults", chosen.key()), lambda s: data.default_filters(s, chosen))

        def build() -> dict[str, Any]:
            # Holds no connection itself: each part takes one only while it computes.
            lo, hi = span()
            vd = data.ViewData(
                filters=filled,
                headline=cached(("headline",), data.headline),
                pipeline=cached(
                    ("pipeline", filled.venue, filled.year, filled.basis),
                    lambda s: data.pipeline(s, filled.venue, filled.year, filled.basis),
                ),
                migration=cached(
                    ("migration", lo, hi, filled.country),
                    lambda s: data.migration(s, lo, hi, filled.country),
                ),
                orgflows=cached(
                    ("orgflows", lo, hi, filled.org),
                    lambda s: data.orgflows(s, lo, hi, filled.org),
                ),
                census=cached(
                    ("census", filled.venue, filled.year),
                    lambda s: data.census(s, filled.venue, filled.year),
                ),
                country=cached(
                    ("country", filled.country),
                    lambda s: data.country_profile(s, filled.country),
                ),
                provenance=cached(("provenance",), data.provenance),
                year_range=(lo, hi),
            )
            return {
                "filters": {
                    "venue": filled.venue,
                    "year": filled.year,
                    "country": filled.country,
                    "org": filled.org,
                    "basis": filled.basis,
                },
                "sections": [sec.as_json() for sec in render.sections(vd, language)],
            }

        return answers.get(("view", filled.key(), language), build)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/status", summary="Server status: background warm-up progress")
    def status() -> dict[str, Any]:
        return {"warm": dict(warm_state), "answers_kept": len(answers)}

    return app


def _filters(
    venue: str | None, year: int | None, country: str | None, org: str | None, basis: str
) -> data.Filters:
    b: data.Basis = "hq" if basis == "hq" else "location"
    return data.Filters(
        venue=venue or None,
        year=year,
        country=country.upper() if country else None,
        org=org or None,
        basis=b,
    )


def _lang(lang: str) -> Lang:
    try:
        return check_lang(lang)
    except ValueError as exc:
        from fastapi import HTTPException

        raise HTTPException(422, str(exc)) from None


def serve(db: Path, host: str = "127.0.0.1", port: int = 8000, warm_years: int = 3) -> None:
    """Run the dashboard with uvicorn until interrupted (see ``create_app``)."""
    require("uvicorn", "web")
    import uvicorn

    if not db.exists():
        raise TalentflowError(
            f"no store at {db}: build one first with 'talentflow build' (or pass --db)"
        )
    uvicorn.run(create_app(db, warm_years=warm_years), host=host, port=port, log_level="warning")
