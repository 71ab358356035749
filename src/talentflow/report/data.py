"""The one door from the views to the indicators.

The report and the dashboard never compute an indicator: they ask this module,
which calls the indicator functions (imported lazily, so a view works, and says
so plainly, while an indicator is not installed or not written yet) and returns
their JSON exactly as the command line prints it (``../shared/design/INTERFACE.md``).

Each call returns an :class:`Outcome`: the indicator's JSON, or the reason there
is none (not implemented, needs a filter, no data, failed).
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from talentflow.errors import TalentflowError
from talentflow.graph.store import Store
from talentflow.indicators import country as country_indicator
from talentflow.indicators import migration as migration_indicator
from talentflow.indicators import orgflows as orgflows_indicator
from talentflow.indicators import pipeline as pipeline_indicator
from talentflow.origin import census as census_indicator

log = logging.getLogger(__name__)

Status = Literal["ok", "not_implemented", "needs_filter", "empty", "error"]
Basis = Literal["location", "hq"]


@dataclass(frozen=True)
class Outcome:
    """An indicator's JSON, or why there is none."""

    status: Status
    data: dict[str, Any] | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok" and self.data is not None

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, "detail": self.detail, "data": self.data}


@dataclass(frozen=True)
class Filters:
    """What a view shows: the same filters for the report and the dashboard."""

    venue: str | None = None
    year: int | None = None
    country: str | None = None
    org: str | None = None
    basis: Basis = "location"

    def key(self) -> tuple[object, ...]:
        return dataclasses.astuple(self)


@dataclass
class ViewData:
    """Everything one view (report or dashboard page) draws, fetched once."""

    filters: Filters
    headline: dict[str, Any]
    pipeline: Outcome
    migration: Outcome
    orgflows: Outcome
    census: Outcome
    country: Outcome
    provenance: dict[str, Any]
    year_range: tuple[int, int] | None = None
    notes: dict[str, str] = field(default_factory=dict)


# The indicator each view section shows, by name.
INDICATORS: dict[str, Callable[..., Any]] = {
    "pipeline": pipeline_indicator.pipeline,
    "migration": migration_indicator.migration,
    "orgflows": orgflows_indicator.orgflows,
    "census": census_indicator.run_census,
    "country": country_indicator.country_profile,
}

# The census is aggregate-only: these are the only keys a view ever passes on.
CENSUS_KEYS = (
    "statement",
    "venue",
    "year",
    "track",
    "tracks_in_store",
    "population",
    "author_slots",
    "n",
    "abstained",
    "shares",
    "method",
    "coverage",
)
CENSUS_CELL_KEYS = ("estimate", "low", "high", "suppressed")


def _find(name: str) -> Callable[..., Any] | None:
    return INDICATORS.get(name)


def available(name: str) -> bool:
    """Whether the indicator ``name`` exists."""
    return _find(name) is not None


def to_json(value: Any) -> Any:
    """An indicator's result as plain JSON data (dicts, lists, numbers, strings)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    for method in ("as_json", "to_json", "as_dict", "to_dict", "model_dump"):
        fn = getattr(value, method, None)
        if callable(fn):
            out = fn()
            return json.loads(out) if isinstance(out, str) else to_json(out)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_json(dataclasses.asdict(value))
    if hasattr(value, "to_pylist"):
        return to_json(value.to_pylist())
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _call(name: str, store: Store, **kwargs: Any) -> Outcome:
    fn = _find(name)
    if fn is None:
        return Outcome("not_implemented")
    params = inspect.signature(fn).parameters
    accepts_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    args = {k: v for k, v in kwargs.items() if accepts_any or k in params}
    try:
        result = to_json(fn(store, **args))
    except TalentflowError as exc:  # the indicator's own one-line reason, e.g. no such org
        return Outcome("error", detail=str(exc))
    except Exception as exc:
        log.warning("indicator %s failed: %s", name, exc)
        return Outcome("error", detail=f"{type(exc).__name__}: {exc}")
    if not isinstance(result, dict):
        return Outcome("error", detail=f"{name} returned {type(result).__name__}, not an object")
    if _is_empty(name, result):
        return Outcome("empty", data=result)
    return Outcome("ok", data=result)


def _is_empty(name: str, data: dict[str, Any]) -> bool:
    if name == "pipeline":
        return not any(data.get(stage) for stage in ("origin", "training", "work"))
    if name in ("census", "country"):
        return not data.get("n")
    if name in ("migration", "orgflows"):
        return not data.get("rows") and not data.get("group_moves")
    return not data


def pipeline(
    store: Store,
    venue: str | None,
    year: int | None,
    basis: Basis = "location",
    elite: bool = False,
) -> Outcome:
    """``talentflow pipeline`` JSON for one venue-year."""
    if not venue or year is None:
        return Outcome("needs_filter", detail="venue and year")
    return _call("pipeline", store, venue=venue, year=year, basis=basis, elite=elite)


def migration(store: Store, year_from: int, year_to: int, country: str | None = None) -> Outcome:
    """``talentflow migration`` JSON over a year range, optionally for one country."""
    return _call("migration", store, year_from=year_from, year_to=year_to, country=country)


def orgflows(store: Store, year_from: int, year_to: int, org: str | None = None) -> Outcome:
    """``talentflow orgflows`` JSON over a year range, optionally for one organisation."""
    return _call("orgflows", store, year_from=year_from, year_to=year_to, org=org)


def census(store: Store, venue: str | None, year: int | None, track: str | None = None) -> Outcome:
    """``talentflow census`` JSON, reduced to its aggregate keys (never anything per person)."""
    if not venue or year is None:
        return Outcome("needs_filter", detail="venue and year")
    out = _call("census", store, venue=venue, year=year, track=track)
    if out.data is None:
        return out
    return dataclasses.replace(out, data=aggregate_census(out.data))


def aggregate_census(data: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the census's aggregate keys; shares must be group -> numbers."""
    kept = {k: data[k] for k in CENSUS_KEYS if k in data}
    shares = kept.get("shares") or {}
    kept["shares"] = {
        str(group): {k: v for k, v in dict(cell).items() if k in CENSUS_CELL_KEYS}
        for group, cell in dict(shares).items()
        if isinstance(cell, Mapping)
    }
    return kept


def country_profile(store: Store, country: str | None) -> Outcome:
    """``talentflow country CC`` JSON."""
    if not country:
        return Outcome("needs_filter", detail="country")
    return _call("country", store, country=country.upper())


def headline(store: Store) -> dict[str, Any]:
    """``talentflow stats`` JSON (the store's headline counts)."""
    from talentflow.graph.inspect import stats

    return stats(store)


def provenance(store: Store) -> dict[str, Any]:
    """Where the data came from: every source file's hash and date, the build runs,
    the software and schema versions."""
    from talentflow.graph.schema import SCHEMA_VERSION
    from talentflow.version import __version__

    files = store.query(
        "SELECT file_key, source, venue, year, file_sha256, records, other_edition, author_slots, "
        "strftime(ingested_at, '%Y-%m-%d %H:%M') AS ingested_at, run_id "
        "FROM source_files ORDER BY venue, year"
    )
    runs = store.query(
        "SELECT run_id, source, strftime(started_at, '%Y-%m-%d %H:%M:%S') AS started_at, "
        "strftime(finished_at, '%Y-%m-%d %H:%M:%S') AS finished_at, files_seen, "
        "files_ingested, software_version FROM ingest_runs ORDER BY started_at"
    )
    return {
        "software_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "source_files": files,
        "ingest_runs": runs,
    }


def choices(store: Store) -> dict[str, Any]:
    """The values each filter can take, read from the store."""
    venue_years = store.query(
        "SELECT venue, list(DISTINCT year ORDER BY year) AS years FROM papers "
        "GROUP BY venue ORDER BY venue"
    )
    countries = store.query(
        "SELECT country, count(*)::INTEGER AS n FROM slot_orgs WHERE country IS NOT NULL "
        "GROUP BY country ORDER BY n DESC, country"
    )
    orgs = store.query(
        "SELECT o.name AS org, count(*)::INTEGER AS n FROM slot_orgs s "
        "JOIN organisations o USING (org_id) GROUP BY o.name ORDER BY n DESC, o.name LIMIT 200"
    )
    return {
        "venues": {r["venue"]: [int(y) for y in r["years"]] for r in venue_years},
        "countries": [r["country"] for r in countries],
        "orgs": [r["org"] for r in orgs],
        "bases": ["location", "hq"],
    }


def default_filters(store: Store, filters: Filters) -> Filters:
    """Fill a missing venue with the venue with most accepted papers, and a missing year
    with its latest year whose accepted authors have known countries (else its latest year
    with accepted papers: a venue's newest list may hold submissions only, or no
    affiliations)."""
    if filters.venue and filters.year is not None:
        return filters
    venue = filters.venue
    if not venue:
        found = store.query(
            "SELECT venue, count(*) AS n FROM papers WHERE accepted "
            "GROUP BY venue ORDER BY n DESC, venue LIMIT 1"
        )
        if not found:
            return filters
        venue = str(found[0]["venue"])
    year = filters.year
    if year is None:
        with_country = store.query(
            "SELECT max(a.year)::INTEGER AS year FROM authorships a JOIN slot_orgs s "
            "ON s.paper_key = a.paper_key AND s.author_index = a.author_index "
            "WHERE a.accepted AND a.venue = ? AND s.country IS NOT NULL",
            [venue],
        )
        accepted = store.query(
            "SELECT max(year)::INTEGER AS year FROM papers WHERE accepted AND venue = ?", [venue]
        )
        year = with_country[0]["year"] if with_country else None
        if year is None and accepted:
            year = accepted[0]["year"]
    return dataclasses.replace(filters, venue=venue, year=year)


def year_range(store: Store) -> tuple[int, int] | None:
    """First and last conference year in the store."""
    found = store.query("SELECT min(year) AS lo, max(year) AS hi FROM source_files")
    if not found or found[0]["lo"] is None:
        return None
    return int(found[0]["lo"]), int(found[0]["hi"])


def _twin(store: Store) -> Store:
    """Another connection to the same open database (DuckDB's cursor), for another thread."""
    twin = Store.__new__(Store)
    twin.path, twin.read_only, twin.con = store.path, store.read_only, store.con.cursor()
    return twin


def collect(store: Store, filters: Filters, parallel: int = 2) -> ViewData:
    """Fetch every indicator a view draws for ``filters``.

    The indicators run side by side (``parallel`` threads, each on its own connection to
    the same database): DuckDB and NumPy release the GIL, so a report takes about as long
    as its slowest indicators rather than their sum.
    """
    from concurrent.futures import ThreadPoolExecutor

    span = year_range(store)
    lo, hi = span if span else (0, 0)
    jobs: dict[str, Callable[[Store], Any]] = {
        "headline": headline,
        "pipeline": lambda s: pipeline(s, filters.venue, filters.year, filters.basis),
        "migration": lambda s: migration(s, lo, hi, filters.country) if span else Outcome("empty"),
        "orgflows": lambda s: orgflows(s, lo, hi, filters.org) if span else Outcome("empty"),
        "census": lambda s: census(s, filters.venue, filters.year),
        "country": lambda s: country_profile(s, filters.country),
        "provenance": provenance,
    }

    def run(fn: Callable[[Store], Any]) -> Any:
        twin = _twin(store)
        try:
            return fn(twin)
        finally:
            twin.con.close()

    # the slowest first, so they start at once
    order = ["census", "pipeline", "country", "orgflows", "headline", "migration", "provenance"]
    with ThreadPoolExecutor(max(1, parallel)) as pool:
        futures = {name: pool.submit(run, jobs[name]) for name in order}
        got = {name: f.result() for name, f in futures.items()}
    return ViewData(filters=filters, year_range=span, **got)
