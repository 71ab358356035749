"""Second pass, initials: join a person cited as "F. Chaumette" to "François Chaumette".

Older proceedings (and IEEE's metadata for them) often give authors as initials and family
name. Scored linkage never pairs such a mention with a full name (``linkage.py`` blocks on
full name keys; a first initial and a family name are shared by many people), so after the
first pass a researcher is often split into an initials-only cluster and a full-name
cluster. Pooled
over their mentions, the clusters under one first-initial-and-family key (``key_initial``)
are proposed for a merge when

1. they share a co-author (``initials: co-authors``), compared by the co-authors' own first
   initial and family name, since "E. Marchand" and "Eric Marchand" are one co-author, or a
   resolved organisation or e-mail/web domain (``initials: organisation``); or
2. exactly one full given name goes with the key in the whole data, and the family name is
   held by few distinct given names (``initials: sole full name``): then "F. Chaumette" is
   the one "François Chaumette" far more often than an unseen namesake. Korean family
   names never qualify (their given names come from a small syllable stock).

Clustering refuses to join two clusters whose full names share no name key
(``Clusters.conflict``), so an initials-only cluster joins at most one full name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from talentflow.resolve.names import is_korean_surname, middles_compatible
from talentflow.resolve.people.features import MAX_TEAM

COLUMNS = ("paper_key", "key_initial", "key_first", "family", "quality", "middle", "org_key")
"""The features columns the initials pass reads (plus ``domain``)."""


class InitialsBridge:
    """Proposals joining initials-only clusters to full-name clusters (see module doc)."""

    def __init__(self, table: pa.Table, *, enabled: bool, max_family_names: int) -> None:
        self.enabled = enabled
        self.max_family_names = max_family_names
        self.table = table.select([*COLUMNS, "domain"])

    def proposals(self, roots: Sequence[int]) -> list[tuple[int, int, str, dict[str, Any]]]:
        """Merges to try, (row, row, rule, detail), for the first-pass clusters
        ``roots[row]``: evidence first, then the sole-full-name rule."""
        if not self.enabled:
            return []
        rows = self.table.append_column("root", pa.array(roots, pa.int64()))
        con = duckdb.connect()
        try:
            con.register("rows_arrow", rows)
            con.execute(_SETUP_SQL.format(max_team=MAX_TEAM))
            con.unregister("rows_arrow")
            sides = con.sql(
                "SELECT key_initial, root, has_full, middles, firsts, family FROM side "
                "ORDER BY key_initial, has_full, root"
            ).fetchall()
            shared = con.sql(_SHARED_SQL).fetchall()
            crowd = dict(con.sql(_FAMILY_CROWD_SQL).fetchall())
        finally:
            con.close()

        middles: dict[tuple[str, int], list[str]] = {}
        initials_only: dict[str, list[int]] = defaultdict(list)
        full: dict[str, list[int]] = defaultdict(list)
        firsts: dict[str, set[str]] = defaultdict(set)
        family_of: dict[str, str] = {}
        for key, root, has_full, mids, key_firsts, family in sides:
            middles[(key, root)] = mids or []
            family_of[key] = family
            if has_full:
                full[key].append(root)
                firsts[key].update(key_firsts or ())
            else:
                initials_only[key].append(root)

        def ok(key: str, a: int, b: int) -> bool:
            return middles_compatible(middles[(key, a)], middles[(key, b)])

        out: list[tuple[int, int, str, dict[str, Any]]] = []
        for kind, key, a, b, n in shared:
            if ok(key, a, b):
                rule = "initials: co-authors" if kind == "c" else "initials: organisation"
                detail: dict[str, Any] = {"key": key, "shared": n}
                out.append((a, b, rule, detail))
        cap = self.max_family_names
        for key, lone in initials_only.items():
            targets = full.get(key)
            family = family_of[key]
            if (
                not targets
                or cap <= 0
                or len(firsts[key]) != 1
                or crowd.get(family, 0) > cap
                or is_korean_surname(family)
            ):
                continue
            detail = {"key": key, "family_given_names": crowd.get(family, 0)}
            out += [
                (a, targets[0], "initials: sole full name", detail)
                for a in lone
                if ok(key, a, targets[0])
            ]
        return out


# r0: every row; k: the keys held by both an initials-only and a full-name mention;
# side: each cluster under such a key, whether it holds a full name, its middle initials
# and full first names; ev: what each cluster holds (co-authors by first initial and
# family name, organisations, domains).
_SETUP_SQL = """
CREATE TABLE r0 AS SELECT * FROM rows_arrow WHERE key_initial IS NOT NULL;
CREATE TABLE i AS SELECT * FROM r0 WHERE key_initial IN (
    SELECT key_initial FROM r0 GROUP BY 1
    HAVING bool_or(quality = 'initials') AND bool_or(quality = 'full'));
CREATE TABLE side AS
    SELECT key_initial, root, bool_or(quality = 'full') AS has_full, any_value(family) AS family,
           list(DISTINCT middle) FILTER (WHERE middle <> '') AS middles,
           list(DISTINCT key_first) FILTER (WHERE quality = 'full') AS firsts
    FROM i GROUP BY key_initial, root;
CREATE TABLE team AS
    SELECT paper_key, list(DISTINCT key_initial) AS keys FROM r0
    WHERE paper_key IN (SELECT DISTINCT paper_key FROM i)
    GROUP BY paper_key HAVING count(*) <= {max_team};
CREATE TABLE ev AS
    SELECT DISTINCT i.key_initial, i.root, 'c' AS kind,
           unnest(list_filter(t.keys, lambda x: x <> i.key_initial)) AS v
    FROM i JOIN team t USING (paper_key)
    UNION ALL
    SELECT DISTINCT key_initial, root, 'p', 'org:' || org_key FROM i WHERE org_key IS NOT NULL
    UNION ALL
    SELECT DISTINCT key_initial, root, 'p', 'dom:' || domain FROM i WHERE domain IS NOT NULL;
"""

# Pairs (initials-only cluster, full-name cluster) under one key sharing a value; a value
# held by more than 50 clusters of the key tells nothing.
_SHARED_SQL = """
WITH held AS (
    SELECT key_initial, kind, v FROM ev GROUP BY ALL HAVING count(*) BETWEEN 2 AND 50
), kept AS (
    SELECT ev.*, s.has_full FROM ev JOIN held USING (key_initial, kind, v)
    JOIN side s USING (key_initial, root)
)
SELECT a.kind, a.key_initial, a.root AS ra, b.root AS rb, count(*) AS shared
FROM kept a JOIN kept b
  ON a.key_initial = b.key_initial AND a.kind = b.kind AND a.v = b.v
 AND NOT a.has_full AND b.has_full
GROUP BY ALL
ORDER BY a.kind, shared DESC, a.key_initial, ra, rb
"""

# Per family name, how many distinct full first names hold it in the whole data.
_FAMILY_CROWD_SQL = """
SELECT family, count(DISTINCT key_first) FROM r0
WHERE quality = 'full' AND family IN (SELECT DISTINCT family FROM i)
GROUP BY family
"""
