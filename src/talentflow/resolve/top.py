"""Top organisations and countries of a venue-year (``talentflow orgs top``).

Counts author slots of accepted papers. Written once in the DuckDB dialect and
run through ``talentflow.engines`` so the same text can run on Spark.
"""

from __future__ import annotations

from typing import Any

from talentflow.engines import DuckDBEngine, rows
from talentflow.graph.store import Store
from talentflow.normalise.countries import country_name

_TOTALS = """
SELECT count(*) AS slots,
       count(a.affiliation) AS with_affiliation,
       count(so.org_id) AS with_org,
       count(so.country) AS with_country
FROM authorships a
LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
WHERE a.venue = :venue AND a.year = :year AND a.accepted
"""

_ORGS = """
SELECT so.org_id, o.name AS org, o.kind, o.country AS org_country, o.hq_country,
       count(*) AS slots
FROM authorships a
JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
JOIN organisations o ON o.org_id = so.org_id
WHERE a.venue = :venue AND a.year = :year AND a.accepted
GROUP BY so.org_id, o.name, o.kind, o.country, o.hq_country
ORDER BY slots DESC, org
LIMIT :limit
"""

_COUNTRIES = """
SELECT {column} AS country, count(*) AS slots
FROM authorships a
JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
WHERE a.venue = :venue AND a.year = :year AND a.accepted AND {column} IS NOT NULL
GROUP BY {column}
ORDER BY slots DESC, country
"""


def top_organisations(
    store: Store, venue: str, year: int, limit: int = 20, basis: str = "location"
) -> dict[str, Any]:
    """Top organisations and every country by author slots, with coverage counts.

    ``basis='location'`` counts where people are; ``'hq'`` where their employers
    have their headquarters.
    """
    engine = DuckDBEngine(store)
    params = {"venue": venue, "year": year}
    totals = rows(engine.sql(_TOTALS, params))[0]
    orgs = rows(engine.sql(_ORGS, {**params, "limit": limit}))
    column = "so.country" if basis == "location" else "so.hq_country"
    countries = rows(engine.sql(_COUNTRIES.format(column=column), params))
    with_country = sum(int(c["slots"]) for c in countries)
    for c in countries:
        c["name"] = country_name(c["country"])
        c["share"] = round(int(c["slots"]) / with_country, 4) if with_country else 0.0
    return {
        "venue": venue,
        "year": year,
        "basis": basis,
        "slots": int(totals["slots"]),
        "with_affiliation": int(totals["with_affiliation"]),
        "with_org": int(totals["with_org"]),
        "with_country": int(totals["with_country"]) if basis == "location" else with_country,
        "organisations": orgs,
        "countries": countries,
    }
