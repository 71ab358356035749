"""The role taxonomy (``roles.json``, data not code) and the rule classifier that uses it.

A posting's title (HN: the role parsed from the first line; Chinese collection:
the listed positions) is split into segments ("ML Engineer / Product Designer"),
and each segment is matched against the taxonomy:

1. specialised roles (computer vision, search/recommendation, cloud, data, ...) whose
   title terms match, unless an exclusion term of the role also matches;
2. ML/AI engineering when a strong ML term matches ("ML", "AI engineer", 机器学习);
   weak terms (算法, deep learning, research scientist) count only when no
   specialised role matched the segment, so "推荐算法工程师" is search/recommendation
   and not also generic ML;
3. roles with ``context_terms`` (AI product; AI research) apply only when the posting
   mentions AI, otherwise they fall back to their ``otherwise`` role;
4. software engineering when explicit words match (backend, 前端, iOS ...), or as the
   fallback when an engineering word matched and nothing else did.

Role phrases in the text ("we are hiring an ML Engineer") add roles too (basis
``text``). A posting may hold several roles; demand counts it once in each.

>>> [m.role for m in classify("Senior Recommendation Engineer", "")]
['search_recsys']
>>> sorted(m.role for m in classify("前端开发工程师 / 推荐算法工程师", ""))
['search_recsys', 'software_engineering']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_CJK = re.compile(r"[\u3400-\u9fff]")
_SEGMENT_SPLIT = re.compile(r"\s+/\s+|,\s+|，|、|\s\+\s|\s&\s|\sand\s|\s\|\s|;|\n|\s[-–—]\s")


@dataclass(frozen=True)
class RoleMatch:
    """One role assigned to a posting, and why."""

    role: str
    basis: str  # title or text
    matched: str


@dataclass(frozen=True)
class Role:
    id: str
    en: str
    zh: str
    kind: str
    title_terms: tuple[str, ...]
    weak_title_terms: tuple[str, ...]
    exclude_title_terms: tuple[str, ...]
    explicit_terms: tuple[str, ...]
    text_terms: tuple[str, ...]
    context_terms: tuple[str, ...]
    otherwise: str | None
    paper_terms: tuple[str, ...]


def _term_pattern(term: str, case_insensitive: bool = True) -> re.Pattern[str]:
    if _CJK.search(term):
        return re.compile(re.escape(term))
    short = (term.isupper() and len(term) <= 4) or term in {"MLEs", "SWEs", "FDEs", "SREs", "PMs"}
    flags = 0 if short or not case_insensitive else re.IGNORECASE
    return re.compile(rf"(?<![A-Za-z0-9_]){re.escape(term)}(?![A-Za-z0-9_])", flags)


class Matcher:
    """Compiled terms: ``find(text)`` returns the first term found, or None."""

    def __init__(self, terms: tuple[str, ...], case_insensitive: bool = True) -> None:
        self.terms = terms
        self.patterns = [(t, _term_pattern(t, case_insensitive)) for t in terms]

    def find(self, text: str) -> str | None:
        for term, pattern in self.patterns:
            if pattern.search(text):
                return term
        return None


@dataclass(frozen=True)
class Taxonomy:
    version: str
    roles: tuple[Role, ...]

    def role(self, role_id: str) -> Role:
        for r in self.roles:
            if r.id == role_id:
                return r
        raise KeyError(role_id)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.roles]


def _tuple(d: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(x) for x in d.get(key) or [])


@lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    """The role taxonomy shipped with talentflow (``resolve/data/roles.json``)."""
    raw = resources.files("talentflow.resolve").joinpath("data", "roles.json").read_text("utf-8")
    data = json.loads(raw)
    roles = tuple(
        Role(
            id=r["id"],
            en=r["en"],
            zh=r["zh"],
            kind=r["kind"],
            title_terms=_tuple(r, "title_terms"),
            weak_title_terms=_tuple(r, "weak_title_terms"),
            exclude_title_terms=_tuple(r, "exclude_title_terms"),
            explicit_terms=_tuple(r, "explicit_terms"),
            text_terms=_tuple(r, "text_terms"),
            context_terms=_tuple(r, "context_terms"),
            otherwise=r.get("otherwise"),
            paper_terms=_tuple(r, "paper_terms"),
        )
        for r in data["roles"]
    )
    return Taxonomy(str(data["version"]), roles)


@lru_cache(maxsize=1)
def _matchers() -> dict[str, dict[str, Matcher]]:
    out: dict[str, dict[str, Matcher]] = {}
    for r in taxonomy().roles:
        out[r.id] = {
            "title": Matcher(r.title_terms),
            "weak": Matcher(r.weak_title_terms),
            "exclude": Matcher(r.exclude_title_terms),
            "explicit": Matcher(r.explicit_terms),
            # role phrases in running text match case-sensitively: role lists are written
            # "ML Engineer", prose mentions ("our data engineers") are not hiring signals
            "text": Matcher(r.text_terms, case_insensitive=False),
            "context": Matcher(r.context_terms),
        }
    return out


def _segment_roles(segment: str, context: str) -> dict[str, str]:
    """Roles of one title segment: role id -> matching term."""
    tax = taxonomy()
    m = _matchers()
    found: dict[str, str] = {}

    def add(role: Role, term: str) -> None:
        target = role.id
        if role.context_terms and m[role.id]["context"].find(context) is None:
            target = role.otherwise or role.id
        found.setdefault(target, term)

    for role in tax.roles:
        if role.kind != "specialised":
            continue
        term = m[role.id]["title"].find(segment)
        if term and m[role.id]["exclude"].find(segment) is None:
            add(role, term)
    specialised = {r for r in found if r != "other"}
    for role in tax.roles:
        if role.kind == "specialised" and role.weak_title_terms and not specialised:
            term = m[role.id]["weak"].find(segment)
            if term and m[role.id]["exclude"].find(segment) is None:
                add(role, term)
    specialised = {r for r in found if r != "other"}
    for role in tax.roles:
        if role.kind == "general_ml":
            term = m[role.id]["title"].find(segment)
            if term is None and not specialised:
                term = m[role.id]["weak"].find(segment)
            if term:
                add(role, term)
    for role in tax.roles:
        if role.kind != "fallback":
            continue
        term = m[role.id]["explicit"].find(segment)
        if term is None and not found:
            term = m[role.id]["title"].find(segment)
        if term:
            found.setdefault(role.id, term)
    return found


def classify(title: str | None, text: str | None) -> list[RoleMatch]:
    """Roles a posting hires for, from its title segments and role phrases in its text."""
    title = title or ""
    text = text or ""
    context = f"{title}\n{text}"
    out: dict[str, RoleMatch] = {}
    for segment in _SEGMENT_SPLIT.split(title):
        segment = segment.strip()
        if not segment:
            continue
        for role_id, term in _segment_roles(segment, context).items():
            out.setdefault(role_id, RoleMatch(role_id, "title", term))
    m = _matchers()
    tax = taxonomy()
    for role in tax.roles:
        if role.id in out:
            continue
        text_term = m[role.id]["text"].find(text)
        if text_term:
            target = role.id
            if role.context_terms and m[role.id]["context"].find(context) is None:
                target = role.otherwise or role.id
            if target not in out:
                out[target] = RoleMatch(target, "text", text_term)
    order = {r: i for i, r in enumerate(tax.ids)}
    return sorted(out.values(), key=lambda x: order[x.role])


def role_ids(title: str | None, text: str | None) -> set[str]:
    """Just the role ids of :func:`classify`."""
    return {m.role for m in classify(title, text)}
