"""Demand (job postings) against supply (people whose recent work fits a role).

**Demand** for a role, region and period (a month, a year, or all months counted) is
the number of distinct postings published in the period that advertise at least one
opening in the role (a posting hiring an ML engineer and a data engineer counts once
for each role; one listing several
countries counts once in each; a posting whose location names no country is counted
under ``unknown``). Posting roles come from the rule classifier (``roles.json``).

**Supply** for a role, region and month of year *Y* is the number of distinct people
in the talent graph with at least one accepted paper in the years *Y-window .. Y-1*
whose title, keywords or primary area match the role's paper terms (ML engineering:
any ML paper), counted in the countries of their author slots in that window. People
are ``slot_people.person_id`` where the person resolution has run; author slots
without a person decision fall back to their name string (a name counts as one
person) and the result says how many did. Roles with no research-paper counterpart
(cloud, data engineering, data science, software, AI product, other) have no
paper-based supply: give a candidate-pool CSV for those.

Or **supply from a candidate pool** (CSV with ``person``, ``role`` or ``title``, and
``location`` or ``country``): distinct people per role and region, the same for
every month.

**Ratio** = supply / demand, with a 95% interval from treating both counts as
Poisson: conditional on their sum *n*, supply is binomial with p = S/(S+D), so a
Wilson interval (p_lo, p_hi) on p maps to (p_lo/(1-p_lo), p_hi/(1-p_hi)) on the
ratio. It reflects counting noise only, not what each side leaves out; supply and
demand count different units, so compare ratios across roles, regions and months,
not against 1.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talentflow.engines import DuckDBEngine, Engine
from talentflow.errors import BadInputError, TalentflowError
from talentflow.graph.store import Store
from talentflow.indicators.stats import wilson
from talentflow.normalise.places import countries_in
from talentflow.resolve.roles import classify, taxonomy

ALL = "ALL"
UNKNOWN = "unknown"

DEMAND_SQL = """
SELECT p.posting_key, p.dataset, p.month, p.countries, r.role
FROM job_postings p
JOIN posting_roles r ON r.posting_key = p.posting_key
WHERE p.dataset IN :datasets AND p.month IS NOT NULL
"""

SUPPLY_PAPERS_SQL = """
SELECT paper_key, year, title, keywords, primary_area
FROM papers
WHERE accepted AND year BETWEEN :lo AND :hi
"""

SUPPLY_SLOTS_SQL = """
SELECT a.paper_key, a.name, sp.person_id, so.country AS resolved_country,
       a.source_countries
FROM authorships a
LEFT JOIN slot_people sp ON sp.paper_key = a.paper_key AND sp.author_index = a.author_index
LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
WHERE a.accepted AND a.year BETWEEN :lo AND :hi
"""


@dataclass
class DemandPosting:
    """What the demand side needs of one posting."""

    posting_key: str
    month: str
    regions: list[str]
    roles: set[str]


@dataclass
class SupplyIndex:
    """People fitting each role, per region and year (for windows)."""

    # (role, region, year) -> set of person keys
    people: dict[tuple[str, str, int], set[str]] = field(default_factory=dict)
    slots: int = 0
    slots_with_person_id: int = 0
    slots_with_country: int = 0
    basis: str = "talent graph"
    window: int = 3
    years: tuple[int, int] | None = None
    roles: tuple[str, ...] = ()

    def count(self, role: str, region: str, year: int) -> int | None:
        if role not in self.roles:
            return None
        if self.basis == "candidates":
            return len(self.people.get((role, region, 0), set()))
        found: set[str] = set()
        for y in range(year - self.window, year):
            found |= self.people.get((role, region, y), set())
        return len(found)


def _paper_matchers() -> dict[str, list[re.Pattern[str]]]:
    out: dict[str, list[re.Pattern[str]]] = {}
    for role in taxonomy().roles:
        pats = []
        for term in role.paper_terms:
            flags = 0 if term.isupper() and len(term) <= 4 else re.IGNORECASE
            pats.append(re.compile(rf"(?<![A-Za-z]){re.escape(term)}", flags))
        if pats:
            out[role.id] = pats
    return out


def paper_roles(text: str) -> set[str]:
    """Roles a paper's title/keywords/area fit (paper terms of ``roles.json``).

    >>> sorted(paper_roles("Scaling laws for large language model pretraining"))
    ['llm_research', 'ml_engineering', 'nlp_speech']
    """
    return {role for role, pats in _paper_matchers().items() if any(p.search(text) for p in pats)}


def _country(value: Any) -> str | None:
    if not value:
        return None
    # country names -> ISO codes live in one place: normalise/countries.py
    from talentflow.normalise.countries import country_code

    return country_code(str(value)) or None


def supply_from_graph(engine: Engine, years: Iterable[int], window: int = 3) -> SupplyIndex:
    """People per role, region and year from accepted papers in the windows before ``years``."""
    years = sorted(set(years))
    index = SupplyIndex(window=window, roles=tuple(_paper_matchers()))
    if not years:
        return index
    lo, hi = years[0] - window, years[-1] - 1
    index.years = (lo, hi)
    papers = engine.sql(SUPPLY_PAPERS_SQL, {"lo": lo, "hi": hi}).to_pylist()
    fit: dict[str, tuple[int, set[str]]] = {}
    for p in papers:
        text = " ".join(str(p[k]) for k in ("title", "keywords", "primary_area") if p[k])
        roles = paper_roles(text)
        if roles:
            fit[str(p["paper_key"])] = (int(p["year"]), roles)
    slots = engine.sql(SUPPLY_SLOTS_SQL, {"lo": lo, "hi": hi}).to_pylist()
    country_cache: dict[str, str | None] = {}
    for s in slots:
        index.slots += 1
        pid = s["person_id"]
        if pid:
            index.slots_with_person_id += 1
            person = f"id:{pid}"
        else:
            person = "name:" + " ".join(str(s["name"]).lower().split())
        country = s["resolved_country"]
        if not country:
            raw = (s["source_countries"] or [None])[0]
            key = str(raw)
            if key not in country_cache:
                country_cache[key] = _country(raw)
            country = country_cache[key]
        if country:
            index.slots_with_country += 1
        got = fit.get(str(s["paper_key"]))
        if got is None:
            continue
        year, roles = got
        for role in roles:
            index.people.setdefault((role, ALL, year), set()).add(person)
            index.people.setdefault((role, country or UNKNOWN, year), set()).add(person)
    return index


def supply_from_candidates(path: Path) -> SupplyIndex:
    """A candidate pool: CSV with ``person``, ``role`` or ``title``, ``location`` or ``country``."""
    from talentflow.sources.user_csv import read_user_csv

    where = str(path)
    table = read_user_csv(path)
    cols = set(table.columns)
    if "person" not in cols or not ({"role", "title"} & cols):
        raise BadInputError(where, "needs columns 'person' and 'role' or 'title'")
    known = set(taxonomy().ids)
    index = SupplyIndex(basis="candidates", window=0, roles=tuple(sorted(known)))
    for i, row in table.records:
        person = (row.get("person") or "").strip()
        if not person:
            raise BadInputError(where, "empty 'person'", i)
        role_text = (row.get("role") or "").strip()
        if role_text:
            roles = {r.strip() for r in role_text.split(";") if r.strip()}
            unknown = roles - known
            if unknown:
                raise BadInputError(where, f"unknown role(s) {sorted(unknown)}", i)
        else:
            roles = {m.role for m in classify(row.get("title") or "", "")}
        country = (row.get("country") or "").strip().upper() or None
        if country is None:
            found = countries_in(row.get("location") or "")
            country = found[0] if found else None
        index.slots += 1
        if country:
            index.slots_with_country += 1
        for role in roles:
            index.people.setdefault((role, ALL, 0), set()).add(person)
            index.people.setdefault((role, country or UNKNOWN, 0), set()).add(person)
    return index


def demand_from_store(engine: Engine, datasets: list[str]) -> list[DemandPosting]:
    rows = engine.sql(DEMAND_SQL, {"datasets": tuple(datasets)}).to_pylist()
    by_key: dict[str, DemandPosting] = {}
    for r in rows:
        key = str(r["posting_key"])
        if key not in by_key:
            countries = list(r["countries"] or [])
            by_key[key] = DemandPosting(key, str(r["month"]), countries or [UNKNOWN], set())
        by_key[key].roles.add(str(r["role"]))
    return list(by_key.values())


def demand_from_postings(postings: Iterable[Any]) -> list[DemandPosting]:
    """Demand rows from parsed postings (a file given with ``--postings``, not stored)."""
    out = []
    for p in postings:
        if not p.month:
            continue
        row = p.row()
        roles = {m.role for m in classify(p.title, p.text)}
        if roles:
            out.append(
                DemandPosting(p.posting_key, p.month, list(row["countries"]) or [UNKNOWN], roles)
            )
    return out


def parse_months(spec: str | None) -> tuple[str, str] | set[str] | None:
    """``2026-01..2026-05`` (a range), ``2026-01,2026-03`` (a list) or ``2021`` (a year)."""
    if not spec:
        return None
    spec = spec.strip()
    m = re.fullmatch(r"(\d{4}-\d{2})\.\.(\d{4}-\d{2})", spec)
    if m:
        if m.group(2) < m.group(1):
            raise TalentflowError(f"--months: range '{spec}' runs backwards")
        return (m.group(1), m.group(2))
    out: set[str] = set()
    for part in spec.split(","):
        part = part.strip()
        if re.fullmatch(r"\d{4}", part):
            out |= {f"{part}-{mm:02d}" for mm in range(1, 13)}
        elif re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", part):
            out.add(part)
        else:
            raise TalentflowError(
                f"--months: cannot read '{part}' (use 2026-01..2026-05, 2026-01,2026-02 or 2021)"
            )
    return out


def _month_ok(month: str, spec: tuple[str, str] | set[str] | None) -> bool:
    if spec is None:
        return True
    if isinstance(spec, tuple):
        return spec[0] <= month <= spec[1]
    return month in spec


def ratio_interval(supply: int, demand: int) -> tuple[float | None, float | None, float | None]:
    """supply/demand and its 95% interval (conditional binomial + Wilson, see module doc).

    >>> tuple(round(v, 3) for v in ratio_interval(27, 100))
    (0.27, 0.177, 0.412)
    """
    if demand <= 0:
        return None, None, None
    lo_p, hi_p = wilson(supply, supply + demand)
    low = lo_p / (1 - lo_p)
    high = None if hi_p >= 1 else hi_p / (1 - hi_p)
    return supply / demand, low, high


@dataclass
class DemandResult:
    rows: list[dict[str, Any]]
    method: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"method": self.method, "rows": self.rows}


def demand_table(
    postings: list[DemandPosting],
    supply: SupplyIndex,
    regions: set[str] | None = None,
    months: tuple[str, str] | set[str] | None = None,
    roles: set[str] | None = None,
    min_demand: int = 1,
    period: str = "month",
) -> list[dict[str, Any]]:
    """Rows of role, region, period (a month, a year or ``all``), demand, supply, ratio and
    its interval. ``period`` is ``month``, ``year`` or ``all`` (only the ``all`` rows)."""
    if period not in ("month", "year", "all"):
        raise TalentflowError(f"period must be month, year or all, not '{period}'")
    tax = taxonomy()
    cells: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for p in postings:
        if not _month_ok(p.month, months):
            continue
        for role in p.roles:
            if roles and role not in roles:
                continue
            for region in {*p.regions, ALL}:
                if regions and region not in regions:
                    continue
                cells[(role, region, "all")].add(p.posting_key)
                if period != "all":
                    key = p.month if period == "month" else p.month[:4]
                    cells[(role, region, key)].add(p.posting_key)
    # the 'all' rows take their supply at the latest month counted
    chosen = sorted({p.month for p in postings if _month_ok(p.month, months)})
    order = {r: i for i, r in enumerate(tax.ids)}
    out = []
    for (role, region, month), keys in cells.items():
        demand = len(keys)
        if demand < min_demand:
            continue
        ref = month if month != "all" else (chosen[-1] if chosen else "0")
        year = int(ref[:4])
        count = supply.count(role, region, year)
        ratio, low, high = ratio_interval(count, demand) if count is not None else (None,) * 3
        r = tax.role(role)
        out.append(
            {
                "role": role,
                "role_en": r.en,
                "role_zh": r.zh,
                "region": region,
                "period": month,
                "demand": demand,
                "supply": count,
                "supply_years": (
                    [year - supply.window, year - 1]
                    if count is not None and supply.basis != "candidates"
                    else None
                ),
                "ratio": ratio,
                "low": low,
                "high": high,
            }
        )
    out.sort(
        key=lambda r: (
            order[str(r["role"])],
            r["region"] != ALL,
            r["region"],
            r["period"] != "all",
            r["period"],
        )
    )
    return out


# What a posting of each known collection is, and where its role and place come from.
DATASET_NOTES: dict[str, str] = {
    "hn-jobs-gantryops": (
        "Hacker News 'Who is hiring' comments, Jan-May 2026, one per HN item id (mostly US "
        "start-ups, many remote); month = the comment's date; role and location parsed by "
        "talentflow from the first line (hand check: docs/labour.md); a comment with several "
        "openings is one posting"
    ),
    "ruanyf-whoishiring-cn": (
        "Chinese 'who is hiring' thread (ruanyf/weekly), 2019-08..2026-03, one per comment; "
        "month = the comment's date; positions and locations are the collection author's "
        "LLM-extracted fields, roles classified by talentflow from them and the text"
    ),
    "*": "user postings file: one row = one posting; month from its date",
}


def method_note(supply: SupplyIndex, datasets: list[str]) -> dict[str, Any]:
    """The plain statement of what each side counts, for the JSON output and the docs."""
    note: dict[str, Any] = {
        "demand": (
            "distinct postings per period (month, year or all) that advertise at least one "
            "opening in the role (roles from the rule classifier, resolve/data/roles.json); a "
            "posting counts once in each role and each country its location names; no "
            "country -> 'unknown'"
        ),
        "datasets": datasets,
        "dataset_notes": {ds: DATASET_NOTES.get(ds, DATASET_NOTES["*"]) for ds in datasets},
        "ratio_interval": (
            "95%: supply and demand as Poisson counts; Wilson interval on S/(S+D) mapped to "
            "S/D; counting noise only"
        ),
        "taxonomy_version": taxonomy().version,
    }
    if supply.basis == "candidates":
        note["supply"] = "distinct people in the candidate-pool CSV per role and country (no time)"
    else:
        note["supply"] = (
            f"distinct people with >= 1 accepted paper fitting the role in the {supply.window} "
            "conference years before the posting's year, by the countries of their author "
            "slots; roles without paper terms have no paper-based supply (null)"
        )
        note["supply_roles"] = list(supply.roles)
        note["people"] = {
            "slots": supply.slots,
            "slots_with_person_id": supply.slots_with_person_id,
            "slots_with_country": supply.slots_with_country,
            "identity": (
                "person_id (slot_people)"
                if supply.slots and supply.slots_with_person_id == supply.slots
                else "person_id where resolved, else the name string (distinct names)"
            ),
        }
    return note


def compute_demand(
    store: Store | None = None,
    engine: Engine | None = None,
    datasets: list[str] | None = None,
    postings_path: Path | None = None,
    candidates: Path | None = None,
    regions: set[str] | None = None,
    months: str | None = None,
    roles: set[str] | None = None,
    window: int = 3,
    min_demand: int = 1,
    period: str = "month",
) -> DemandResult:
    """The ``talentflow demand`` table (see the module doc for what each side counts)."""
    if engine is None:
        if store is None:
            raise TalentflowError("compute_demand needs a store or an engine")
        engine = DuckDBEngine(store)
    month_spec = parse_months(months)
    if postings_path is not None:
        from talentflow.sources.jobs_files import read_postings

        parsed = read_postings(postings_path)
        postings = demand_from_postings(parsed.postings)
        used = [parsed.dataset]
    else:
        stored = [
            str(r["dataset"])
            for r in engine.sql(
                "SELECT DISTINCT dataset FROM job_postings ORDER BY dataset"
            ).to_pylist()
        ]
        used = datasets or stored
        missing = sorted(set(used) - set(stored))
        if missing:
            raise TalentflowError(
                f"no postings loaded for {missing} (load them with 'talentflow jobs load'); "
                f"in the store: {stored or 'none'}"
            )
        postings = demand_from_store(engine, used)
    if not postings:
        raise TalentflowError("no postings with a month and a role to count")
    if candidates is not None:
        supply = supply_from_candidates(candidates)
    else:
        years = {int(p.month[:4]) for p in postings if _month_ok(p.month, month_spec)}
        supply = supply_from_graph(engine, years, window)
    rows = demand_table(postings, supply, regions, month_spec, roles, min_demand, period)
    return DemandResult(rows, method_note(supply, used))


def summarise(rows: list[dict[str, Any]], region: str = ALL) -> list[dict[str, Any]]:
    """Rows for one region over all months (the compact table the docs show)."""
    return [r for r in rows if r["region"] == region and r["period"] == "all"]


def as_mapping(rows: list[dict[str, Any]]) -> Mapping[tuple[str, str, str], dict[str, Any]]:
    return {(r["role"], r["region"], r["period"]): r for r in rows}
