"""Author-slot features for person resolution: names, organisation, domain, co-authors.

One row per author slot, read from the store (``authorships`` joined with ``slot_orgs``
when the organisation step has run; the affiliation text and domain the organisation step
read, ``SLOT_VALUES_SQL``: the archive's where it gives or corrects them).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from unidecode import unidecode

from talentflow.graph.store import Store
from talentflow.normalise.reference import word_list
from talentflow.resolve.affiliation_sets import INFERRED_BASES
from talentflow.resolve.archive_derive import SLOT_VALUES_SQL
from talentflow.resolve.names import ParsedName, fold_transliterations, parse_name

STRONG_KINDS = frozenset({"openreview", "orcid", "openalex", "dblp"})
"""Profile kinds that identify a person: two different ids are two different people."""

EVIDENCE_KINDS = frozenset({"email", "acl", "ieee"})
"""Profile kinds that are evidence only (an e-mail is shared or reused, a slug is a name).
Ids of kind ``other`` (affiliation strings, names, paper groups in ICLR 2013 and 2018) are
no evidence at all."""

SLOTS_SQL = f"""
SELECT a.paper_key, a.author_index, a.venue, a.year, a.accepted, a.name,
       a.profile_id, a.profile_kind, sv.affiliation, sv.aff_domain, sv.position,
       so.org_id, so.country,
       concat_ws(' ', p.title, p.keywords, p.primary_area) AS topic
FROM authorships a
JOIN {SLOT_VALUES_SQL} sv ON sv.paper_key = a.paper_key AND sv.author_index = a.author_index
LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
    -- organisations inferred from a paper's or a person's affiliation sets are not a
    -- slot's own evidence (and the person rule depends on this resolution)
    AND coalesce(so.country_basis, '') NOT IN ({", ".join(f"'{b}'" for b in INFERRED_BASES)})
LEFT JOIN papers p ON p.paper_key = a.paper_key
{{where}}
ORDER BY a.paper_key, a.author_index
"""

# Words that say nothing about which organisation it is.
_ORG_STOP = frozenset(word_list("talentflow.resolve.data", "org_stop_words.txt"))
_WORD = re.compile(r"[a-z0-9]+")
_SECOND_LEVEL = frozenset(
    ["ac", "co", "com", "edu", "gov", "net", "org", "or", "ne", "go", "mil", "res", "sch", "gob"]
)


@lru_cache(maxsize=200_000)
def registrable_domain(domain: str | None) -> str:
    """The organisation part of an e-mail or web domain ("cs.duke.edu" -> "duke.edu")."""
    if not domain:
        return ""
    host = domain.strip().lower().rsplit("@", 1)[-1].strip(".")
    parts = [p for p in host.split(".") if p]
    if len(parts) < 2:
        return ""
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def org_tokens(affiliation: str | None) -> list[str]:
    """Distinctive words of an affiliation ("Dept. of CS, Duke University" -> ["duke"])."""
    return list(_org_tokens(affiliation or ""))


@lru_cache(maxsize=200_000)
def _org_tokens(affiliation: str) -> tuple[str, ...]:
    words = _WORD.findall(unidecode(affiliation).lower())
    return tuple(
        sorted({w for w in words if w not in _ORG_STOP and len(w) > 1 and not w.isdigit()})
    )


@dataclass(frozen=True)
class SlotFeatures:
    """Features of every author slot in a resolution run, as an Arrow table plus lookups."""

    table: pa.Table
    """Columns: unique_id, slot_ref, paper_key, author_index, venue, year, name, name_norm,
    tf_name_norm, key_concat, key_first, key_initial, family, middle, quality, coauthors,
    org_key, org_tokens, domain, handle, strong_id."""

    @property
    def n(self) -> int:
        return int(self.table.num_rows)


def _name_parts(p: ParsedName) -> tuple[str, str]:
    return ("".join(p.full_given) or "".join(p.given), p.family_canon)


def name_commonness(names: Iterable[ParsedName]) -> dict[tuple[str, str], float]:
    """Estimated share of people bearing each name: f(given names) x f(family name).

    Frequencies are over distinct names, not slots, so a prolific author with a rare name
    ("Mehryar Mohri") is not mistaken for a common name, while "Yang Liu" (two common
    tokens) is. A token counts wherever it stands, since given/family order varies.
    """
    distinct = {_name_parts(p) for p in names}
    if not distinct:
        return {}
    tokens = Counter(chain.from_iterable((g, f) if g != f else (g,) for g, f in distinct))
    total = len(distinct)
    return {(g, f): (tokens[g] / total) * (tokens[f] / total) for g, f in distinct}


MAX_TEAM = 50
"""Papers with more author slots than this give no co-author evidence."""

COMMON_NAME = 1e-6
"""Estimated share of people above which a name counts as common ("Yang Liu": ~1e-4)."""


def given_names(table: pa.Table) -> list[frozenset[str] | None]:
    """Per slot with full given names, its name keys (``key_first`` and ``key_concat``);
    None for initials-only and unresolved names.

    Clustering keeps apart two clusters whose full names share no key: "C. Luo" may join
    "Chen Luo" or "Chaomin Luo", never both. Only names that an initials-only mention can
    meet (same first initial and family name) need their keys, so the others get None.
    """
    full = pc.equal(table["quality"], "full")
    initials = pc.equal(table["quality"], "initials")
    bridged = pc.unique(pc.filter(table["key_initial"], pc.fill_null(initials, False)))
    keep = pc.fill_null(
        pc.and_(full, pc.is_in(table["key_initial"], value_set=bridged.drop_null())), False
    )
    out: list[frozenset[str] | None] = [None] * table.num_rows
    picked = table.filter(keep)
    rows = pc.indices_nonzero(keep).to_pylist()
    for i, first, concat in zip(
        rows, picked["key_first"].to_pylist(), picked["key_concat"].to_pylist(), strict=True
    ):
        if first and concat:
            out[i] = frozenset((first, concat))
    return out


def org_years(
    table: pa.Table, min_commonness: float = COMMON_NAME
) -> list[tuple[int, frozenset[str]] | None]:
    """Per slot with a common name: (year, the words naming its organisation), else None.

    Words are the affiliation's distinctive words, the organisation part of the domain
    ("tsinghua" of "cs.tsinghua.edu.cn") and the resolved organisation id. Rare names are
    left out: there two organisations in one year are a dual affiliation far more often
    than a second person.
    """
    common = pc.fill_null(pc.greater_equal(table["tf_name_norm"], min_commonness), False)
    rows = pc.indices_nonzero(common).to_pylist()
    out: list[tuple[int, frozenset[str]] | None] = [None] * table.num_rows
    if not rows:
        return out
    picked = table.take(rows)
    seen: dict[tuple[Any, ...], tuple[int, frozenset[str]] | None] = {}
    for row, year, words, domain, org in zip(
        rows,
        picked["year"].to_pylist(),
        picked["org_tokens"].to_pylist(),
        picked["domain"].to_pylist(),
        picked["org_key"].to_pylist(),
        strict=True,
    ):
        key = (year, tuple(words) if words else None, domain, org)
        if key not in seen:
            found = set(words or ())
            if domain:
                found.add(domain.split(".", 1)[0])
            if org:
                found.add(f"org:{org}")
            seen[key] = (int(year), frozenset(found)) if found and year is not None else None
        out[row] = seen[key]
    return out


def slot_ref(paper_key: str, author_index: int) -> str:
    """The printable reference of an author slot: ``paper_key:author_index``."""
    return f"{paper_key}:{author_index}"


Columns = dict[str, list[Any]]

_SLOT_TYPES = {
    "paper_key": pa.string(),
    "author_index": pa.int32(),
    "venue": pa.string(),
    "year": pa.int32(),
    "name": pa.string(),
    "profile_id": pa.string(),
    "profile_kind": pa.string(),
    "affiliation": pa.string(),
    "aff_domain": pa.string(),
    "org_id": pa.string(),
    "topic": pa.string(),
}

_COAUTHORS_SQL = f"""
WITH team AS (
    SELECT paper_key, list_sort(list_distinct(list(key_concat))) AS keys,
           count(key_concat) AS n
    FROM slots WHERE key_concat IS NOT NULL GROUP BY paper_key
), mine AS (
    SELECT s.row_id,
           CASE WHEN t.n <= {MAX_TEAM} THEN list_filter(
               t.keys, lambda k: s.key_concat IS NULL OR k <> s.key_concat) END AS co
    FROM slots s LEFT JOIN team t USING (paper_key)
)
SELECT CASE WHEN len(co) > 0 THEN co END AS coauthors FROM mine ORDER BY row_id
"""


def _name_letters(text: str) -> str:
    """Lower-case ASCII letters and digits of the tokens longer than one character."""
    tokens = re.split(r"[^a-z0-9]+", unidecode(text).lower())
    return "".join(t for t in tokens if len(t) > 1)


def acl_slug_informative(slug: str, name: str) -> bool:
    """Whether an ACL Anthology person slug says more than the name it stands beside.

    The Anthology gives every author it has not disambiguated the slug of their name, so
    "/y/yang-zhang/" is shared by every Yang Zhang of its papers and is no evidence; only a
    disambiguated or canonical id ("/y/yang-liu-icsi/", "/w/wayne-xin-zhao/" beside "Xin
    Zhao") tells people apart. Hyphenation and middle initials do not count as more
    ("/x/xuan-jing-huang/" beside "Xuanjing Huang", "/p/philip-s-yu/" beside "Philip Yu")."""
    last = slug.strip("/").rsplit("/", 1)[-1]
    return _name_letters(last.replace("-", " ")) != _name_letters(name)


def load_slot_table(store: Store, where: str = "", params: list[Any] | None = None) -> pa.Table:
    """Author slots with their organisation decision (if any), in a stable order (``where``
    filters ``authorships a`` with ``?`` parameters)."""
    return store.con.sql(SLOTS_SQL.format(where=where), params=list(params or [])).to_arrow_table()


def load_slots(store: Store, where: str = "", params: list[Any] | None = None) -> Columns:
    """``load_slot_table`` column by column as Python lists."""
    table = load_slot_table(store, where, params)
    return {name: table[name].to_pylist() for name in table.column_names}


def _slot_table(slots: Columns | pa.Table) -> pa.Table:
    if isinstance(slots, pa.Table):
        n, present = slots.num_rows, set(slots.column_names)
    else:
        n, present = len(slots["name"]), set(slots)
    cols: dict[str, Any] = {}
    for name, typ in _SLOT_TYPES.items():
        if name not in present:
            cols[name] = pa.nulls(n, typ)
        elif isinstance(slots, pa.Table):
            cols[name] = slots[name].cast(typ)
        else:
            cols[name] = pa.array(slots[name], typ)
    return pa.table(cols)


def _per_value(column: pa.ChunkedArray | pa.Array, fn: Any, typ: pa.DataType) -> pa.Array:
    """``fn`` applied once per distinct value of ``column``, spread back to every row."""
    uniq = pc.unique(column)
    values = pa.array([fn(v) for v in uniq.to_pylist()], typ)
    return values.take(pc.index_in(column, value_set=uniq))


def _handles(kinds: pa.ChunkedArray, pids: Any, names: pa.ChunkedArray, handles: Any) -> pa.Array:
    """``handles`` with the ACL slugs that only restate the name blanked (see
    ``acl_slug_informative``)."""
    acl = pc.fill_null(pc.equal(kinds, "acl"), False)
    rows = pc.indices_nonzero(acl).to_pylist()
    if not rows:
        return handles
    blank = [
        row
        for row, p, n in zip(
            rows, pc.take(pids, rows).to_pylist(), pc.take(names, rows).to_pylist(), strict=True
        )
        if not (p and n and acl_slug_informative(p, n))
    ]
    keep = np.ones(len(handles), dtype=bool)
    keep[blank] = False
    return pc.if_else(pa.array(keep), handles, pa.scalar(None, pa.string()))


def _coauthors(paper_key: pa.ChunkedArray, key_concat: pa.Array) -> pa.ChunkedArray:
    """Per slot, the paper's other name keys (sorted); none on papers with more than
    ``MAX_TEAM`` named slots (there a shared co-author says little and costs quadratic work)."""
    con = duckdb.connect()
    try:
        con.register(
            "slots_arrow",
            pa.table(
                {
                    "row_id": pa.array(range(len(key_concat)), pa.int64()),
                    "paper_key": paper_key,
                    "key_concat": key_concat,
                }
            ),
        )
        con.execute("CREATE TABLE slots AS SELECT * FROM slots_arrow")
        return con.sql(_COAUTHORS_SQL).to_arrow_table()["coauthors"]
    finally:
        con.close()


def build_features(
    slots: Columns | pa.Table,
    *,
    hide_kinds: frozenset[str] = frozenset(),
) -> SlotFeatures:
    """Turn slots (see ``load_slot_table``; a dict of column lists works too) into linkage
    features, column-wise: names are parsed once per distinct spelling.

    ``hide_kinds`` removes profile ids of those kinds (used by the evaluation, which hides
    the ids it scores against).
    """
    t = _slot_table(slots)
    n = t.num_rows
    names = pc.fill_null(t["name"], "")
    uniq = pc.unique(names)
    parsed = fold_transliterations([parse_name(x) for x in uniq.to_pylist()])
    index = pc.index_in(names, value_set=uniq)
    commonness = name_commonness(p for p in parsed if p.key_concat)

    def per_name(values: list[Any], typ: pa.DataType) -> pa.Array:
        return pa.array(values, typ).take(index)

    key_concat = per_name([p.key_concat or None for p in parsed], pa.string())
    kinds = t["profile_kind"]
    pids = t["profile_id"]
    if hide_kinds:
        hidden = pc.is_in(kinds, value_set=pa.array(sorted(hide_kinds), pa.string()))
        pids = pc.if_else(pc.fill_null(hidden, False), pa.scalar(None, pa.string()), pids)
    has_pid = pc.fill_null(pc.greater(pc.utf8_length(pids), 0), False)

    def id_of(kinds_allowed: frozenset[str], pid: Any) -> Any:
        allowed = pc.fill_null(
            pc.is_in(kinds, value_set=pa.array(sorted(kinds_allowed), pa.string())), False
        )
        text = pc.binary_join_element_wise(kinds, pid, ":")
        return pc.if_else(pc.and_(allowed, has_pid), text, pa.scalar(None, pa.string()))

    org = t["org_id"]
    cols: dict[str, Any] = {
        "unique_id": pa.array(range(n), pa.int64()),
        "slot_ref": pc.binary_join_element_wise(
            t["paper_key"], pc.cast(t["author_index"], pa.string()), ":"
        ),
        "paper_key": t["paper_key"],
        "author_index": t["author_index"],
        "venue": t["venue"],
        "year": t["year"],
        "name": t["name"],
        "name_norm": per_name([p.normalised or None for p in parsed], pa.string()),
        "tf_name_norm": per_name(
            [commonness.get(_name_parts(p)) if p.key_concat else None for p in parsed],
            pa.float64(),
        ),
        "key_concat": key_concat,
        "key_first": per_name([p.key_first or None for p in parsed], pa.string()),
        "key_initial": per_name([p.key_initial or None for p in parsed], pa.string()),
        "family": per_name([p.family_canon or None for p in parsed], pa.string()),
        "middle": per_name([p.middle_initials for p in parsed], pa.string()),
        "quality": per_name([p.quality for p in parsed], pa.string()),
        "coauthors": _coauthors(t["paper_key"], key_concat),
        "org_key": pc.if_else(pc.equal(org, ""), pa.scalar(None, pa.string()), org),
        "org_tokens": _per_value(
            t["affiliation"], lambda a: org_tokens(a) or None, pa.list_(pa.string())
        ),
        "domain": _per_value(t["aff_domain"], lambda d: registrable_domain(d) or None, pa.string()),
        "handle": _handles(kinds, pids, t["name"], id_of(EVIDENCE_KINDS, pc.utf8_lower(pids))),
        "strong_id": id_of(STRONG_KINDS, pids),
        "topic": t["topic"],
    }
    schema = pa.schema(
        [
            ("unique_id", pa.int64()),
            ("slot_ref", pa.string()),
            ("paper_key", pa.string()),
            ("author_index", pa.int32()),
            ("venue", pa.string()),
            ("year", pa.int32()),
            ("name", pa.string()),
            ("name_norm", pa.string()),
            ("tf_name_norm", pa.float64()),
            ("key_concat", pa.string()),
            ("key_first", pa.string()),
            ("key_initial", pa.string()),
            ("family", pa.string()),
            ("middle", pa.string()),
            ("quality", pa.string()),
            ("coauthors", pa.list_(pa.string())),
            ("org_key", pa.string()),
            ("org_tokens", pa.list_(pa.string())),
            ("domain", pa.string()),
            ("handle", pa.string()),
            ("strong_id", pa.string()),
            ("topic", pa.string()),
        ]
    )
    return SlotFeatures(
        pa.table({f.name: pc.cast(cols[f.name], f.type) for f in schema}, schema=schema)
    )
