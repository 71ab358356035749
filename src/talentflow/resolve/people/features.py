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
    key_concat, key_first, middle, quality, coauthors, org_key, org_tokens, domain, handle,
    strong_id."""

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


def slot_ref(paper_key: str, author_index: int) -> str:
    """The printable reference of an author slot: ``paper_key:author_index``."""
    return f"{paper_key}:{author_index}"


def load_slots(
    store: Store, where: str = "", params: list[Any] | None = None
) -> list[dict[str, Any]]:
    """Author slots with their organisation decision (if any), in a stable order."""
    return store.query(SLOTS_SQL.format(where=where), params)


def build_features(
    slots: list[dict[str, Any]],
    *,
    hide_kinds: frozenset[str] = frozenset(),
) -> SlotFeatures:
    """Turn slot rows into linkage features.

    ``hide_kinds`` removes profile ids of those kinds (used by the evaluation, which hides
    the ids it scores against).
    """
    by_paper: dict[str, list[str]] = defaultdict(list)
    parsed = [parse_name(s["name"]) for s in slots]
    for s, p in zip(slots, parsed, strict=True):
        if p.key_concat:
            by_paper[s["paper_key"]].append(p.key_concat)
    commonness = name_commonness(p for p in parsed if p.key_concat)
    cols: dict[str, list[Any]] = defaultdict(list)
    for i, (s, p) in enumerate(zip(slots, parsed, strict=True)):
        kind = s["profile_kind"]
        pid = s["profile_id"]
        if kind in hide_kinds:
            pid = None
        strong = f"{kind}:{pid}" if pid and kind in STRONG_KINDS else None
        handle = f"{kind}:{pid.lower()}" if pid and kind in EVIDENCE_KINDS else None
        co = by_paper.get(s["paper_key"], [])
        coauthors = sorted({k for k in co if k != p.key_concat})
        cols["unique_id"].append(i)
        cols["slot_ref"].append(slot_ref(s["paper_key"], s["author_index"]))
        cols["paper_key"].append(s["paper_key"])
        cols["author_index"].append(s["author_index"])
        cols["venue"].append(s["venue"])
        cols["year"].append(s["year"])
        cols["name"].append(s["name"])
        cols["name_norm"].append(p.normalised or None)
        cols["tf_name_norm"].append(commonness.get(_name_parts(p)) if p.key_concat else None)
        cols["key_concat"].append(p.key_concat or None)
        cols["key_first"].append(p.key_first or None)
        cols["middle"].append(p.middle_initials)
        cols["quality"].append(p.quality)
        cols["coauthors"].append(coauthors)
        cols["org_key"].append(s.get("org_id") or None)
        cols["org_tokens"].append(org_tokens(s["affiliation"]) or None)
        cols["domain"].append(registrable_domain(s["aff_domain"]) or None)
        cols["handle"].append(handle)
        cols["strong_id"].append(strong)
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
