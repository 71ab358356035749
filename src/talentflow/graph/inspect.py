"""Read-only views of the store: headline counts and the authorship export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from talentflow.errors import TalentflowError
from talentflow.graph.store import Store

_BY_VENUE_YEAR = """
SELECT p.venue, p.year,
       count(DISTINCT p.paper_key)::INTEGER AS papers,
       count(DISTINCT p.paper_key) FILTER (WHERE p.accepted)::INTEGER AS accepted_papers,
       count(a.paper_key)::INTEGER AS authorships,
       count(DISTINCT a.name) FILTER (WHERE a.accepted)::INTEGER AS unique_names,
       count(a.affiliation)::INTEGER AS with_affiliation,
       count(so.country)::INTEGER AS with_country,
       count(a.profile_id) FILTER (WHERE a.profile_kind = 'openreview')::INTEGER
           AS with_profile_id
FROM papers p
LEFT JOIN authorships a USING (paper_key)
LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
GROUP BY p.venue, p.year
ORDER BY p.venue, p.year
"""


def stats(store: Store) -> dict[str, Any]:
    """Headline counts of the store, overall and per venue-year (INTERFACE.md ``stats``)."""
    one = store.con.execute(
        """
        SELECT (SELECT count(*) FROM papers),
               (SELECT count(*) FROM authorships),
               (SELECT count(*) FROM people),
               (SELECT count(*) FROM organisations)
        """
    ).fetchall()[0]
    return {
        "papers": int(one[0]),
        "authorships": int(one[1]),
        "people": int(one[2]),
        "organisations": int(one[3]),
        "by_venue_year": store.query(_BY_VENUE_YEAR),
    }


EXPORT_AUTHORSHIPS_SQL = """
SELECT a.venue, a.year, p.paper_id, a.author_index, a.name,
       sp.person_id, so.org_id, o.name AS org, o.kind AS org_kind,
       coalesce(so.country, '') AS country, so.country_basis,
       a.accepted, p.track, p.status, a.profile_id, a.affiliation, a.aff_domain, a.position,
       a.source, a.file_key, a.file_sha256, a.record_index
FROM authorships a
JOIN papers p USING (paper_key)
LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
LEFT JOIN organisations o ON o.org_id = so.org_id
LEFT JOIN slot_people sp ON sp.paper_key = a.paper_key AND sp.author_index = a.author_index
ORDER BY a.venue, a.year, a.record_index, a.author_index
"""


def export_authorships(store: Store, out: Path) -> int:
    """Write one row per author slot to ``out`` (.csv or .parquet); return the row count.

    The export never carries a name-origin estimate.
    """
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise TalentflowError(f"--out must end in .csv or .parquet, got '{out.name}'")
    fmt = "(FORMAT csv, HEADER true)" if suffix == ".csv" else "(FORMAT parquet)"
    tmp = out.with_name(out.name + ".partial")
    store.con.execute(f"COPY ({EXPORT_AUTHORSHIPS_SQL}) TO '{_sql_path(tmp)}' {fmt}")
    tmp.replace(out)
    return int(store.scalar("SELECT count(*) FROM authorships"))


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
