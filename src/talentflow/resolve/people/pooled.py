"""Second pass over first-pass people: merge namesakes on pooled evidence.

Scored linkage compares two *mentions*; a person split into several clusters often has no
single pair of mentions that shows it (one paper with co-author A at place X, another with
co-author B at place Y), while the clusters do: pooled over their mentions, they share a
co-author or an organisation. This pass looks only at clusters that share a name key and
proposes a merge when

1. their pooled co-authors overlap (``co-authors``), or
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
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import pyarrow as pa

from talentflow.resolve.names import is_korean_surname

RULES = ("co-authors", "organisation", "rare name")
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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Proposal:
    """A proposed merge of the clusters holding rows ``left`` and ``right``."""

    left: int
    right: int
    rule: str
    detail: dict[str, Any]


def _compatible_middles(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return True
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


class PooledEvidence:
    """Per-slot evidence of a features table (see ``features.build_features``), pooled on
    demand over first-pass clusters."""

    def __init__(self, table: pa.Table, settings: PooledSettings | None = None) -> None:
        self.settings = settings or PooledSettings()
        self.keys: list[str | None] = table["key_concat"].to_pylist()
        self.quality: list[str] = table["quality"].to_pylist()
        self.middle: list[str] = table["middle"].to_pylist()
        self.coauthors: list[list[str] | None] = table["coauthors"].to_pylist()
        orgs = table["org_key"].to_pylist()
        domains = table["domain"].to_pylist()
        self.places: list[tuple[str, ...]] = [
            tuple(x for x in (f"org:{o}" if o else None, f"dom:{d}" if d else None) if x)
            for o, d in zip(orgs, domains, strict=True)
        ]
        share = table["tf_name_norm"].to_pylist()
        family = table["family"].to_pylist()
        distinct = len({k for k in self.keys if k})
        # Per name key: the largest expected namesake count among its spellings, and
        # whether it may merge on the name alone.
        self.namesakes: dict[str, float] = {}
        self.rare_ok: dict[str, bool] = {}
        for key, s, q, fam in zip(self.keys, share, self.quality, family, strict=True):
            if not key:
                continue
            expected = (s if s is not None else 1.0) * distinct
            self.namesakes[key] = max(self.namesakes.get(key, 0.0), expected)
            ok = q == "full" and not is_korean_surname(fam or "")
            self.rare_ok[key] = self.rare_ok.get(key, True) and ok

    def _is_rare(self, key: str) -> bool:
        cut = self.settings.max_expected_namesakes
        return cut > 0 and self.rare_ok.get(key, False) and self.namesakes[key] < cut

    def proposals(self, members: dict[int, list[int]]) -> list[Proposal]:
        """Merges to try, strongest evidence first, for clusters ``root -> rows``."""
        if not self.settings.enabled:
            return []
        by_key: dict[str, list[int]] = defaultdict(list)
        for root, rows in members.items():
            for key in {k for k in (self.keys[i] for i in rows) if k}:
                by_key[key].append(root)
        out: list[tuple[tuple[int, int], Proposal]] = []
        for key, roots in by_key.items():
            if len(roots) >= 2:
                out += self._key_proposals(key, roots, members)
        out.sort(key=lambda kv: kv[0])
        return [p for _, p in out]

    def _key_proposals(
        self, key: str, roots: list[int], members: dict[int, list[int]]
    ) -> list[tuple[tuple[int, int], Proposal]]:
        s = self.settings
        middles = {r: {self.middle[i] for i in members[r] if self.middle[i]} for r in roots}

        def ok(a: int, b: int) -> bool:
            return _compatible_middles(middles[a], middles[b])

        out: list[tuple[tuple[int, int], Proposal]] = []
        for (a, b), shared in self._shared(roots, members, self.coauthors).items():
            if shared >= s.min_shared_coauthors and ok(a, b):
                detail = {"key": key, "shared_coauthors": shared}
                out.append(((0, -shared), Proposal(a, b, "co-authors", detail)))
        if s.organisations:
            for (a, b), shared in self._shared(roots, members, self.places).items():
                if ok(a, b):
                    detail = {"key": key, "shared_places": shared}
                    out.append(((1, -shared), Proposal(a, b, "organisation", detail)))
        if self._is_rare(key):
            expected = round(self.namesakes[key], 5)
            first = roots[0]
            for other in roots[1:]:
                if ok(first, other):
                    detail = {"key": key, "expected_namesakes": expected}
                    out.append(((2, 0), Proposal(first, other, "rare name", detail)))
        return out

    @staticmethod
    def _shared(
        roots: Sequence[int],
        members: dict[int, list[int]],
        values: Sequence[Iterable[str] | None],
    ) -> dict[tuple[int, int], int]:
        """How many pooled values each pair of clusters shares (inverted index, so only
        pairs sharing something are visited)."""
        holders: dict[str, list[int]] = defaultdict(list)
        for root in roots:
            for v in {v for i in members[root] for v in (values[i] or ())}:
                holders[v].append(root)
        shared: dict[tuple[int, int], int] = defaultdict(int)
        for group in holders.values():
            if len(group) < 2 or len(group) > 50:
                continue  # a value held by very many namesakes tells nothing
            for a, b in combinations(sorted(group), 2):
                shared[(a, b)] += 1
        return shared
