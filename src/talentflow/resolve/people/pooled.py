"""Second pass over first-pass people: merge namesakes on pooled evidence.

Scored linkage compares two *mentions*; a person split into several clusters often has no
single pair of mentions that shows it (one paper with co-author A at place X, another with
co-author B at place Y), while the clusters do: pooled over their mentions, they share a
co-author or an organisation. This pass looks only at clusters that share a name key and
proposes a merge when

1. their pooled co-authors overlap (``co-authors``); when their pooled topics agree too
   (the cosine of their TF-IDF vectors over the words of their papers' titles, keywords
   and areas, IDF over every paper in the data, is at least ``firm_topic_similarity``),
   the merge is *firm*: two independent kinds of evidence say one person, so different
   organisations in the same year (a visiting post, a joint appointment, a move within
   the year) do not hold it back; or
2. their pooled resolved organisations or e-mail/web domains overlap (``organisation``), or
3. the name is rare (``rare name``): the expected number of *other* people bearing it among
   the people in the data (estimated name share x distinct names) is below
   ``max_expected_namesakes``. Then "same full name, same person" is right far more often
   than not (the name-string baseline's precision on rare names is ~0.99), unless a
   constraint says otherwise. Names with initials only and Korean family names never
   qualify: Korean given names are drawn from a small syllable stock, so token counts
   understate how many people share one.

Every proposal goes through the same constraints as scored links (``Clusters.conflict``:
strong ids, one paper, cannot-link overrides, and for common names different
organisations in the same year) and is recorded, linked or refused, with evidence
``pooled``. Middle initials must agree ("John A. Smith" is not "John B. Smith").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from talentflow.normalise.reference import word_list
from talentflow.resolve.names import is_korean_surname, middles_compatible
from talentflow.resolve.people.initials import InitialsBridge

RULES = (
    "co-authors",
    "organisation",
    "rare name",
    "initials: co-authors",
    "initials: organisation",
    "initials: sole full name",
)
"""The second-pass rules, strongest first (merges are tried in this order)."""


@dataclass
class PooledSettings:
    """Settings of the second pass (recorded with every run)."""

    enabled: bool = True
    min_shared_coauthors: int = 1
    """Pooled co-authors two clusters must share to merge on that evidence alone."""
    organisations: bool = True
    """Merge on a shared resolved organisation or e-mail/web domain."""
    max_expected_namesakes: float = 0.0075
    """A name counts as rare when (estimated share of people bearing it) x (distinct names
    in the data) is below this; 0 turns the rare-name rule off. Chosen on half of the
    OpenReview evaluation names (split by a hash of the name), reported on the other half
    (benchmarks/RESULTS.md)."""
    firm_topic_similarity: float = 0.05
    """Clusters sharing a co-author whose topic cosine is at least this merge even when
    their organisations differ in the same year (0: never). Chosen on the "dev" half of
    the OpenReview evaluation names, reported on the other half (benchmarks/RESULTS.md)."""
    min_coauthor_weight: float = 0.5
    """The co-author rule needs shared co-authors weighing at least this in all, each
    weighing 1 / (1 + the expected number of other people bearing its name): a co-author
    "Shouhong Ding" shared by two "Bo Li" clusters weighs ~1, a "Jie Zhang" ~0.35, a "Yang
    Liu" ~0.04 (0: any shared co-author will do)."""
    initials: bool = True
    """Join initials-only clusters ("F. Chaumette") to full names (``initials.py``)."""
    initials_max_family_names: int = 2
    """The sole-full-name rule applies when the family name goes with at most this many
    distinct first names in the data (0 turns it off). Chosen on half of the ICRA
    evaluation families, reported on the other half (benchmarks/RESULTS.md)."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Proposal:
    """A proposed merge of the clusters holding rows ``left`` and ``right``."""

    left: int
    right: int
    rule: str
    detail: dict[str, Any]
    firm: bool = False
    """Two independent kinds of evidence agree (shared co-authors and a shared topic): the
    merge may override "different organisations in the same year" (a visiting post, a
    joint appointment, a move within the year), never the other constraints."""


class PooledEvidence:
    """Per-slot evidence of a features table (see ``features.build_features``), pooled on
    demand over first-pass clusters."""

    def __init__(self, table: pa.Table, settings: PooledSettings | None = None) -> None:
        self.settings = settings or PooledSettings()
        self.table = table.select(
            ["key_concat", "middle", "coauthors", "org_key", "domain", "paper_key", "topic"]
        )
        self.initials = InitialsBridge(
            table,
            enabled=self.settings.initials,
            max_family_names=self.settings.initials_max_family_names,
        )
        # Per name key: the largest expected namesake count among its spellings, and
        # whether it may merge on the name alone (column-wise: this runs on every slot).
        families = table["family"]
        korean = [f for f in pc.unique(families.drop_null()).to_pylist() if is_korean_surname(f)]
        ok = pc.and_(
            pc.equal(table["quality"], "full"),
            pc.invert(pc.is_in(families, value_set=pa.array(korean, pa.string()))),
        )
        named = pa.table(
            {"key": table["key_concat"], "share": pc.fill_null(table["tf_name_norm"], 1.0)},
        ).append_column("ok", ok)
        named = named.filter(pc.is_valid(named["key"]))
        per_key = named.group_by("key").aggregate([("share", "max"), ("ok", "all")])
        distinct = per_key.num_rows
        keys = per_key["key"].to_pylist()
        self.namesakes: dict[str, float] = dict(
            zip(keys, [x * distinct for x in per_key["share_max"].to_pylist()], strict=True)
        )
        self.rare_ok: dict[str, bool] = dict(zip(keys, per_key["ok_all"].to_pylist(), strict=True))
        self._coauthor_weights = pa.table(
            {
                "v": pa.array(keys, pa.string()),
                "weight": pa.array([1 / (1 + self.namesakes[k]) for k in keys], pa.float64()),
            }
        )

    def _is_rare(self, key: str) -> bool:
        cut = self.settings.max_expected_namesakes
        return cut > 0 and self.rare_ok.get(key, False) and self.namesakes[key] < cut

    def proposals(self, roots: Sequence[int]) -> list[Proposal]:
        """Merges to try, strongest evidence first, for the clusters ``roots[row]``.

        Pooling runs in DuckDB (one pass over every slot); only clusters sharing a name
        key with another cluster are looked at.
        """
        s = self.settings
        if not s.enabled:
            return []
        rows = self.table.append_column("root", pa.array(roots, pa.int64()))
        con = duckdb.connect()
        try:
            con.register("rows_arrow", rows)
            con.execute(
                "CREATE TABLE r AS SELECT * EXCLUDE (topic) FROM rows_arrow "
                "WHERE key_concat IS NOT NULL AND key_concat IN (SELECT key_concat "
                "FROM rows_arrow GROUP BY key_concat HAVING count(DISTINCT root) >= 2)"
            )
            clusters = con.sql(
                "SELECT key_concat, root, list(DISTINCT middle) FILTER (WHERE middle <> '') "
                "FROM r GROUP BY ALL ORDER BY key_concat, root"
            ).fetchall()
            kinds = ["c"] + (["p"] if s.organisations else [])
            con.register("weights_arrow", self._coauthor_weights)
            shared = con.sql(_SHARED_SQL.format(kinds=", ".join(f"'{k}'" for k in kinds)))
            shared_rows = [
                row
                for row in shared.fetchall()
                if row[0] != "c"
                or (row[4] >= s.min_shared_coauthors and row[5] >= s.min_coauthor_weight)
            ]
            topic: dict[tuple[str, int, int], float] = {}
            if s.firm_topic_similarity > 0:
                topic = _coauthor_pair_topics(con, shared_rows, s.firm_topic_similarity)
            con.unregister("rows_arrow")
            con.unregister("weights_arrow")
        finally:
            con.close()
        middles: dict[tuple[str, int], list[str]] = {}
        by_key: dict[str, list[int]] = defaultdict(list)
        for key, root, mids in clusters:
            middles[(key, root)] = mids or []
            by_key[key].append(root)

        def ok(key: str, a: int, b: int) -> bool:
            return middles_compatible(middles[(key, a)], middles[(key, b)])

        firm: list[Proposal] = []
        out: list[Proposal] = []
        for kind, key, a, b, n, weight in shared_rows:
            if kind == "c" and ok(key, a, b):
                detail = {"key": key, "shared_coauthors": n, "coauthor_weight": round(weight, 3)}
                cos = topic.get((key, a, b))  # present only at or above the cut
                if cos is not None:
                    detail["topic_cosine"] = round(cos, 3)
                    firm.append(Proposal(a, b, "co-authors", detail, firm=True))
                else:
                    out.append(Proposal(a, b, "co-authors", detail))
        out = firm + out
        for kind, key, a, b, n, _ in shared_rows:
            if kind == "p" and ok(key, a, b):
                out.append(Proposal(a, b, "organisation", {"key": key, "shared_places": n}))
        for key, members in by_key.items():
            if not self._is_rare(key):
                continue
            detail = {"key": key, "expected_namesakes": round(self.namesakes[key], 5)}
            first = members[0]
            out += [
                Proposal(first, other, "rare name", detail)
                for other in members[1:]
                if ok(key, first, other)
            ]
        return out + [Proposal(*p) for p in self.initials.proposals(roots)]


# Values (co-authors "c"; organisations and domains "p") each cluster holds under a name key,
# and the pairs of clusters sharing them. A value held by more than 50 namesake clusters
# tells nothing and is skipped.
_SHARED_SQL = """
WITH ev AS (
    SELECT DISTINCT key_concat, root, 'c' AS kind, unnest(coauthors) AS v
    FROM r WHERE coauthors IS NOT NULL
    UNION ALL
    SELECT DISTINCT key_concat, root, 'p' AS kind, 'org:' || org_key AS v
    FROM r WHERE org_key IS NOT NULL
    UNION ALL
    SELECT DISTINCT key_concat, root, 'p' AS kind, 'dom:' || domain AS v
    FROM r WHERE domain IS NOT NULL
), held AS (
    SELECT key_concat, kind, v FROM ev GROUP BY ALL HAVING count(*) BETWEEN 2 AND 50
), kept AS (
    SELECT ev.* FROM ev JOIN held USING (key_concat, kind, v) WHERE ev.kind IN ({kinds})
)
SELECT a.kind, a.key_concat, a.root AS ra, b.root AS rb, count(*) AS shared,
       sum(CASE WHEN a.kind = 'c' THEN coalesce(w.weight, 1.0) ELSE 1.0 END) AS weight
FROM kept a JOIN kept b
  ON a.key_concat = b.key_concat AND a.kind = b.kind AND a.v = b.v AND a.root < b.root
LEFT JOIN weights_arrow w ON w.v = a.v
GROUP BY a.kind, a.key_concat, a.root, b.root
ORDER BY a.kind, shared DESC, a.key_concat, ra, rb
"""


# Words of titles, keywords and areas that name no subject.
_STOP = word_list("talentflow.resolve.data", "subject_stop_words.txt")
_STOP_SQL = ", ".join(f"'{w}'" for w in _STOP)

# Distinct words per paper (over every paper of the data) and their document frequency.
_PAPER_WORDS_SQL = """
CREATE TABLE pw AS
SELECT DISTINCT paper_key, w FROM (
    SELECT paper_key, unnest(regexp_extract_all(lower(topic), '[a-z][a-z0-9-]+')) AS w
    FROM (SELECT DISTINCT paper_key, topic FROM rows_arrow WHERE topic IS NOT NULL)
) WHERE length(w) > 2 AND w NOT IN ({stop});
CREATE TABLE idf AS
SELECT w, ln((SELECT count(DISTINCT paper_key) FROM pw) / (1 + count(*))) AS idf
FROM pw GROUP BY w
"""

# Cosine of the pooled TF-IDF vectors (term count = the cluster's papers with the word) of
# the cluster pairs in ``cp`` (pairs sharing a co-author), for those at or above the cut.
_TOPIC_SQL = """
WITH need AS (
    SELECT key_concat, ra AS root FROM cp UNION SELECT key_concat, rb FROM cp
), cw AS (
    SELECT r.key_concat, r.root, pw.w, count(DISTINCT r.paper_key) * any_value(idf.idf) AS x
    FROM r SEMI JOIN need USING (key_concat, root)
    JOIN pw USING (paper_key) JOIN idf USING (w)
    GROUP BY ALL
), cv AS (
    SELECT key_concat, root, w, x / sqrt(sum(x * x) OVER (PARTITION BY key_concat, root)) AS v
    FROM cw WHERE x > 0
)
SELECT cp.key_concat, cp.ra, cp.rb, sum(a.v * b.v) AS cosine
FROM cp
JOIN cv a ON a.key_concat = cp.key_concat AND a.root = cp.ra
JOIN cv b ON b.key_concat = cp.key_concat AND b.root = cp.rb AND b.w = a.w
GROUP BY ALL
HAVING sum(a.v * b.v) >= ?
"""


def _coauthor_pair_topics(
    con: duckdb.DuckDBPyConnection, shared_rows: list[Any], cut: float
) -> dict[tuple[str, int, int], float]:
    """Topic cosine of the namesake cluster pairs that share a co-author (those >= ``cut``)."""
    pairs = [(key, a, b) for kind, key, a, b, *_ in shared_rows if kind == "c"]
    if not pairs:
        return {}
    keys, lefts, rights = zip(*pairs, strict=True)
    con.register(
        "cp_arrow",
        pa.table(
            {
                "key_concat": pa.array(keys, pa.string()),
                "ra": pa.array(lefts, pa.int64()),
                "rb": pa.array(rights, pa.int64()),
            }
        ),
    )
    con.execute("CREATE TABLE cp AS SELECT * FROM cp_arrow")
    con.unregister("cp_arrow")
    con.execute(_PAPER_WORDS_SQL.format(stop=_STOP_SQL))
    rows = con.sql(_TOPIC_SQL, params=[cut]).fetchall()
    return {(key, a, b): cos for key, a, b, cos in rows}
