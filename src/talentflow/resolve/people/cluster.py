"""From scored pairs to people: constrained merging, with every decision recorded.

Mentions are merged in this order, each merge kept as a decision record:

1. user must-link pairs (``override``),
2. slots sharing a strong id (``strong_id``: OpenReview, ORCID, ...),
3. scored pairs, most probable first, at or above the threshold (``linkage``),
4. namesake clusters whose pooled evidence agrees (``pooled``, see ``pooled.py``).

A merge of kind 2, 3 or 4 is refused (and recorded as refused) when it would put into one
person two different strong ids, two slots of one paper, or the two sides of a user
cannot-link pair; a merge of kind 3 or 4 also when the two clusters' full names share no
name key (an initials-only mention, "C. Luo", may join "Chen Luo" or "Chaomin Luo", not
both). Refusing on the whole cluster, not just the pair, is what stops a
chain "Wei Wang (A) ~ Wei Wang (?) ~ Wei Wang (B)" from fabricating one person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from talentflow.resolve.people.pooled import PooledEvidence


@dataclass(slots=True)
class LinkDecision:
    """One judgement about two slots (by row number): linked or refused, why, how sure."""

    left: int
    right: int
    decision: str
    """``linked`` or ``refused``."""
    evidence: str
    """``override``, ``strong_id``, ``linkage`` or ``pooled``; for refusals the constraint
    that held."""
    score: float | None
    detail: dict[str, Any] = field(default_factory=dict)
    pair: int | None = None
    """The scored pair's number, for a linkage decision made without ``detail_of`` (its
    match weights are then looked up by number when the decision is written)."""


@dataclass
class Clusters:
    """Union-find over slot rows with the sets the constraints need."""

    n: int
    parent: list[int] = field(init=False)
    strong: dict[int, set[str]] = field(default_factory=dict)
    papers: dict[int, set[str]] = field(default_factory=dict)
    cannot: dict[int, set[tuple[int, int]]] = field(default_factory=dict)
    orgs: dict[int, dict[int, set[str]]] = field(default_factory=dict)
    """root -> year -> organisation words seen that year."""
    names: dict[int, set[str]] = field(default_factory=dict)
    """root -> name keys of its full (not initials-only) names."""

    def __post_init__(self) -> None:
        self.parent = list(range(self.n))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:
            self.parent[i], i = root, self.parent[i]
        return root

    def conflict(self, a: int, b: int, firm: bool = False) -> str | None:
        """Why roots ``a`` and ``b`` must stay apart, or None. A ``firm`` merge (two kinds of
        pooled evidence agree) is not held back by different organisations in one year."""
        sa, sb = self.strong.get(a), self.strong.get(b)
        if sa and sb and not (sa & sb):
            return "different strong ids"
        pa_, pb = self.papers.get(a, set()), self.papers.get(b, set())
        small, big = (pa_, pb) if len(pa_) <= len(pb) else (pb, pa_)
        if any(p in big for p in small):
            return "same paper"
        ca, cb = self.cannot.get(a), self.cannot.get(b)
        if ca and cb:
            small_c, big_c = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
            if any((k, 1 - side) in big_c for k, side in small_c):
                return "cannot-link override"
        na, nb = self.names.get(a), self.names.get(b)
        if na and nb and na.isdisjoint(nb):
            return "different given names"
        oa, ob = self.orgs.get(a), self.orgs.get(b)
        if oa and ob and not firm:
            small_o, big_o = (oa, ob) if len(oa) <= len(ob) else (ob, oa)
            for year, words in small_o.items():
                other = big_o.get(year)
                if other is not None and words.isdisjoint(other):
                    return "different organisations in the same year"
        return None

    def union(self, a: int, b: int) -> int:
        """Merge roots ``a`` and ``b`` (no checks); return the new root."""
        if len(self.papers.get(a, ())) < len(self.papers.get(b, ())):
            a, b = b, a
        self.parent[b] = a
        for strs in (self.strong, self.papers, self.names):
            more = strs.pop(b, None)
            if more:
                strs.setdefault(a, set()).update(more)
        tags = self.cannot.pop(b, None)
        if tags:
            self.cannot.setdefault(a, set()).update(tags)
        years = self.orgs.pop(b, None)
        if years:
            mine = self.orgs.setdefault(a, {})
            for year, words in years.items():
                mine.setdefault(year, set()).update(words)
        return a


def cluster_slots(
    *,
    n: int,
    paper_keys: Sequence[str],
    strong_ids: Sequence[str | None],
    pairs: Iterable[tuple[int, int, float, int]],
    threshold: float,
    must_link: Sequence[tuple[int, int]] = (),
    cannot_link: Sequence[tuple[int, int]] = (),
    detail_of: Callable[[int], dict[str, Any]] | None = None,
    org_years: Sequence[tuple[int, frozenset[str]] | None] | None = None,
    presorted: bool = False,
    pooled: PooledEvidence | None = None,
    given_names: Sequence[frozenset[str] | None] | None = None,
) -> tuple[list[int], list[LinkDecision]]:
    """Cluster ``n`` slot rows; return each row's root and the decision records.

    ``pairs`` are (row, row, probability, pair number), in any order unless ``presorted``
    (most probable first); only those at or above ``threshold`` are considered.
    ``detail_of(pair number)`` gives the evidence kept with a decision. ``org_years[row]``
    is (year, organisation words) where known: two clusters whose organisations share no
    word in a year both cover are not merged by linkage (people move, but a paper of one
    year rarely has its author at two unrelated places). ``pooled`` adds the second pass
    over the clusters the scored links made. ``given_names[row]`` are the name keys of a
    full name (None for initials only): clusters whose full names share no key stay apart.
    """
    c = Clusters(n)
    if len(strong_ids) != n or len(paper_keys) != n:
        raise ValueError("paper_keys and strong_ids must have one entry per row")
    c.papers = {i: {paper} for i, paper in enumerate(paper_keys)}
    c.strong = {i: {sid} for i, sid in enumerate(strong_ids) if sid}
    c.names = {i: set(keys) for i, keys in enumerate(given_names or ()) if keys}
    c.orgs = {
        i: {seen[0]: set(seen[1])} for i, seen in enumerate(org_years or ()) if seen and seen[1]
    }
    for k, (a, b) in enumerate(cannot_link):
        c.cannot.setdefault(a, set()).add((k, 0))
        c.cannot.setdefault(b, set()).add((k, 1))
    decisions: list[LinkDecision] = []

    for a, b in must_link:
        ra, rb = c.find(a), c.find(b)
        if ra != rb:
            c.union(ra, rb)
            decisions.append(LinkDecision(a, b, "linked", "override", None))

    first_of: dict[str, int] = {}
    for i, sid in enumerate(strong_ids):
        if not sid:
            continue
        j = first_of.setdefault(sid, i)
        if j == i:
            continue
        ra, rb = c.find(i), c.find(j)
        if ra == rb:
            continue
        why = c.conflict(ra, rb)
        if why == "same paper" or why == "cannot-link override":
            decisions.append(LinkDecision(j, i, "refused", why, 1.0, {"strong_id": sid}))
            continue
        c.union(ra, rb)
        decisions.append(LinkDecision(j, i, "linked", "strong_id", 1.0, {"strong_id": sid}))

    ordered = (
        pairs
        if presorted
        else sorted((p for p in pairs if p[2] >= threshold), key=lambda p: (-p[2], p[0], p[1]))
    )
    parent = c.parent
    for a, b, prob, k in ordered:
        if prob < threshold:
            if presorted:
                break
            continue
        # The hot loop (millions of pairs): find with path halving, inlined.
        ra = a
        while parent[ra] != ra:
            parent[ra] = parent[parent[ra]]
            ra = parent[ra]
        rb = b
        while parent[rb] != rb:
            parent[rb] = parent[parent[rb]]
            rb = parent[rb]
        if ra == rb:
            continue
        why = c.conflict(ra, rb)
        if why:
            detail = detail_of(k) if detail_of else {}
            decisions.append(LinkDecision(a, b, "refused", why, prob, detail, k))
            continue
        c.union(ra, rb)
        detail = detail_of(k) if detail_of else {}
        decisions.append(LinkDecision(a, b, "linked", "linkage", prob, detail, k))
    if pooled is not None:
        _pooled_pass(c, pooled, decisions)
    roots = [c.find(i) for i in range(n)]
    return roots, decisions


def _pooled_pass(c: Clusters, pooled: PooledEvidence, decisions: list[LinkDecision]) -> None:
    for prop in pooled.proposals([c.find(i) for i in range(c.n)]):
        ra, rb = c.find(prop.left), c.find(prop.right)
        if ra == rb:
            continue
        detail = {"rule": prop.rule, **prop.detail}
        why = c.conflict(ra, rb, prop.firm)
        if why:
            decisions.append(LinkDecision(prop.left, prop.right, "refused", why, None, detail))
            continue
        c.union(ra, rb)
        decisions.append(LinkDecision(prop.left, prop.right, "linked", "pooled", None, detail))
