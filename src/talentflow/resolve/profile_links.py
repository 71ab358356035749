"""Identity keys as person evidence: which OpenReview profiles are one researcher.

The archive gives each profile its ORCID, DBLP, Google Scholar and homepage keys
(normalised by :mod:`talentflow.sources.identity_keys`). A key held by one profile is a
strong key of that person. A key held by exactly two profiles whose names agree
(``~Johannes_Ballé1`` and ``~Jona_Ballé1`` share an ORCID and a Scholar id) makes them
one researcher with two profiles. A key held by three or more profiles is no evidence
(a lab homepage, ``deepmind.com``, ``none.com``), nor is one whose two holders' names
disagree; a homepage, often a group's page (``dig.sxu.edu.cn`` for a Shijie Wang and a
Yang Wang), needs both the first and the family names to agree. LinkedIn handles are
normalised but not used as evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from talentflow.sources.papercopilot_openreview import name_words

EVIDENCE_KINDS = ("orcid", "dblp", "google_scholar", "homepage")
MAX_HOLDERS = 2


@dataclass(frozen=True)
class ProfileLink:
    """Two profiles judged one researcher, and the key that says so."""

    profile_a: str
    profile_b: str
    kind: str
    key: str


def names_agree(profile_a: str, profile_b: str, strict: bool = False) -> bool:
    """Whether two profile ids can name one person: a family name of one is a name of the
    other, or the first names are the same (``~Tat-Seng_Chua2``/``~Tat-seng_Chua1``,
    ``~An_Bian1``/``~Yatao_Bian1``, ``~Donlapark_Ponnoprat1``/``~Donlapark_Pornnopparath1``);
    ``strict``: both."""
    a, b = name_words(profile_a), name_words(profile_b)
    if not a or not b:
        return False
    family = a[-1] in b or b[-1] in a
    first = a[0] == b[0]
    return family and first if strict else family or first


def key_holders(pairs: Iterable[tuple[str, str, str]]) -> dict[tuple[str, str], set[str]]:
    """(kind, key) -> the profiles holding it, from (profile id, kind, key) triples."""
    holders: dict[tuple[str, str], set[str]] = defaultdict(set)
    for profile, kind, key in pairs:
        if profile.startswith("~"):
            holders[(kind, key)].add(profile)
    return holders


def profile_links(holders: dict[tuple[str, str], set[str]]) -> list[ProfileLink]:
    """The links the evidence keys make, sorted (one per key)."""
    links = []
    for (kind, key), profiles in holders.items():
        if kind not in EVIDENCE_KINDS or len(profiles) != MAX_HOLDERS:
            continue
        a, b = sorted(profiles)
        if names_agree(a, b, strict=kind == "homepage"):
            links.append(ProfileLink(a, b, kind, key))
    return sorted(links, key=lambda x: (x.profile_a, x.profile_b, x.kind, x.key))


def strong_keys(holders: dict[tuple[str, str], set[str]]) -> dict[tuple[str, str], str]:
    """(kind, key) -> its one profile, for the evidence keys held by exactly one."""
    return {k: next(iter(v)) for k, v in holders.items() if k[0] in EVIDENCE_KINDS and len(v) == 1}


def researcher_groups(links: Iterable[ProfileLink]) -> list[set[str]]:
    """Profiles joined by links (transitively), groups of two or more."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for link in links:
        ra, rb = root(link.profile_a), root(link.profile_b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, set[str]] = defaultdict(set)
    for x in parent:
        groups[root(x)].add(x)
    return sorted((g for g in groups.values() if len(g) > 1), key=min)
