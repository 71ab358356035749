"""Author-slot features for person resolution: names, organisation, domain, co-authors.

One row per author slot, read from the store (``authorships`` joined with ``slot_orgs``
when the organisation step has run; raw affiliation text and domain otherwise).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyarrow as pa
from unidecode import unidecode

from talentflow.graph.store import Store
from talentflow.resolve.names import ParsedName, parse_name

STRONG_KINDS = frozenset({"openreview", "orcid", "openalex", "dblp"})
"""Profile kinds that identify a person: two different ids are two different people."""

EVIDENCE_KINDS = frozenset({"email", "acl", "ieee", "other"})
"""Profile kinds that are evidence only (an e-mail is shared or reused, a slug is a name)."""

SLOTS_SQL = """
SELECT a.paper_key, a.author_index, a.venue, a.year, a.accepted, a.name,
       a.profile_id, a.profile_kind, a.affiliation, a.aff_domain, a.position,
       so.org_id, so.country
FROM authorships a
LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
{where}
ORDER BY a.paper_key, a.author_index
"""

# Words that say nothing about which organisation it is.
_ORG_STOP = frozenset(
    [
        "of",
        "the",
        "and",
        "for",
        "in",
        "at",
        "de",
        "da",
        "di",
        "du",
        "des",
        "la",
        "le",
        "der",
        "und",
        "fur",
        "department",
        "dept",
        "school",
        "faculty",
        "college",
        "institute",
        "institution",
        "center",
        "centre",
        "laboratory",
        "lab",
        "labs",
        "group",
        "division",
        "unit",
        "program",
        "programme",
        "graduate",
        "key",
        "state",
        "national",
        "computer",
        "computing",
        "science",
        "sciences",
        "engineering",
        "electrical",
        "electronic",
        "information",
        "technology",
        "technologies",
        "mathematics",
        "mathematical",
        "statistics",
        "data",
        "ai",
        "artificial",
        "intelligence",
        "machine",
        "learning",
        "research",
        "systems",
        "system",
        "inc",
        "ltd",
        "llc",
        "corp",
        "corporation",
        "co",
        "gmbh",
        "university",
        "universite",
        "universidad",
        "universita",
        "universitat",
        "univ",
    ]
)
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
    tf_name_norm, key_concat, key_first, family, middle, quality, coauthors, org_key,
    org_tokens, domain, handle, strong_id."""

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
    tokens: Counter[str] = Counter()
    for given, family in distinct:
        tokens.update({given, family})
    total = len(distinct)
    return {(g, f): (tokens[g] / total) * (tokens[f] / total) for g, f in distinct}


MAX_TEAM = 50
"""Papers with more author slots than this give no co-author evidence."""

COMMON_NAME = 1e-6
"""Estimated share of people above which a name counts as common ("Yang Liu": ~1e-4)."""


def org_years(
    table: pa.Table, min_commonness: float = COMMON_NAME
) -> list[tuple[int, frozenset[str]] | None]:
    """Per slot with a common name: (year, the words naming its organisation), else None.

    Words are the affiliation's distinctive words, the organisation part of the domain
    ("tsinghua" of "cs.tsinghua.edu.cn") and the resolved organisation id. Rare names are
    left out: there two organisations in one year are a dual affiliation far more often
    than a second person.
    """
    out: list[tuple[int, frozenset[str]] | None] = []
    for year, words, domain, org, common in zip(
        table["year"].to_pylist(),
        table["org_tokens"].to_pylist(),
        table["domain"].to_pylist(),
        table["org_key"].to_pylist(),
        table["tf_name_norm"].to_pylist(),
        strict=True,
    ):
        if common is None or common < min_commonness:
            out.append(None)
            continue
        found = set(words or ())
        if domain:
            found.add(domain.split(".", 1)[0])
        if org:
            found.add(f"org:{org}")
        out.append((int(year), frozenset(found)) if found and year is not None else None)
    return out


def slot_ref(paper_key: str, author_index: int) -> str:
    """The printable reference of an author slot: ``paper_key:author_index``."""
    return f"{paper_key}:{author_index}"


Columns = dict[str, list[Any]]


def load_slots(store: Store, where: str = "", params: list[Any] | None = None) -> Columns:
    """Author slots with their organisation decision (if any), column by column, in a stable
    order (``where`` filters ``authorships a`` with ``?`` parameters)."""
    table = store.con.sql(SLOTS_SQL.format(where=where), params=list(params or [])).to_arrow_table()
    return {name: table[name].to_pylist() for name in table.column_names}


def build_features(
    slots: Columns,
    *,
    hide_kinds: frozenset[str] = frozenset(),
) -> SlotFeatures:
    """Turn slot columns (see ``load_slots``) into linkage features.

    ``hide_kinds`` removes profile ids of those kinds (used by the evaluation, which hides
    the ids it scores against).
    """
    names: list[str] = slots["name"]
    papers: list[str] = slots["paper_key"]
    n = len(names)
    parsed_of = {name: parse_name(name) for name in set(names)}
    parsed = [parsed_of[name] for name in names]
    concat = [p.key_concat or None for p in parsed]
    by_paper: dict[str, list[str]] = defaultdict(list)
    for paper, key in zip(papers, concat, strict=True):
        if key:
            by_paper[paper].append(key)
    # Co-authors: the paper's other name keys. On very large author lists a shared
    # co-author says little and costs quadratic work: they carry none.
    team = {
        paper: sorted(set(keys)) if len(keys) <= MAX_TEAM else []
        for paper, keys in by_paper.items()
    }
    coauthors = [
        [k for k in team.get(paper, ()) if k != key] or None
        for paper, key in zip(papers, concat, strict=True)
    ]
    commonness = name_commonness(p for p in parsed_of.values() if p.key_concat)
    kinds: list[str | None] = slots["profile_kind"]
    pids: list[str | None] = [
        None if k in hide_kinds else pid for k, pid in zip(kinds, slots["profile_id"], strict=True)
    ]
    aff_tokens = {a: org_tokens(a) or None for a in set(slots["affiliation"])}
    domains = {d: registrable_domain(d) or None for d in set(slots["aff_domain"])}
    cols: Columns = {
        "unique_id": list(range(n)),
        "slot_ref": [slot_ref(p, i) for p, i in zip(papers, slots["author_index"], strict=True)],
        "paper_key": papers,
        "author_index": slots["author_index"],
        "venue": slots["venue"],
        "year": slots["year"],
        "name": names,
        "name_norm": [p.normalised or None for p in parsed],
        "tf_name_norm": [commonness.get(_name_parts(p)) if p.key_concat else None for p in parsed],
        "key_concat": concat,
        "key_first": [p.key_first or None for p in parsed],
        "family": [p.family_canon or None for p in parsed],
        "middle": [p.middle_initials for p in parsed],
        "quality": [p.quality for p in parsed],
        "coauthors": coauthors,
        "org_key": [o or None for o in slots.get("org_id", [None] * n)],
        "org_tokens": [aff_tokens[a] for a in slots["affiliation"]],
        "domain": [domains[d] for d in slots["aff_domain"]],
        "handle": [
            f"{k}:{pid.lower()}" if pid and k in EVIDENCE_KINDS else None
            for k, pid in zip(kinds, pids, strict=True)
        ],
        "strong_id": [
            f"{k}:{pid}" if pid and k in STRONG_KINDS else None
            for k, pid in zip(kinds, pids, strict=True)
        ],
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
            ("family", pa.string()),
            ("middle", pa.string()),
            ("quality", pa.string()),
            ("coauthors", pa.list_(pa.string())),
            ("org_key", pa.string()),
            ("org_tokens", pa.list_(pa.string())),
            ("domain", pa.string()),
            ("handle", pa.string()),
            ("strong_id", pa.string()),
        ]
    )
    return SlotFeatures(pa.table({f.name: cols[f.name] for f in schema}, schema=schema))
