"""Scoring person resolution against known identities (B-cubed precision / recall / F1).

B-cubed (Bagga & Baldwin 1998) scores every mention: precision is the share of the
mentions in its predicted cluster that truly belong with it, recall the share of its true
cluster that was found with it; both are averaged over mentions. A false merge of two
busy "Yang Liu"s costs precision on every one of their mentions, which is the error that
fabricates a move.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def bcubed(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> BCubed:
    """B-cubed scores of a clustering; ``predicted[i]`` and ``gold[i]`` label mention i.

    >>> bcubed(["a", "a", "b"], [1, 1, 2]).f1
    1.0
    >>> round(bcubed(["a", "a", "a"], [1, 1, 2]).precision, 4)
    0.5556
    """
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold must label the same mentions")
    n = len(gold)
    if n == 0:
        return BCubed(1.0, 1.0, 1.0, 0)
    pair = Counter(zip(predicted, gold, strict=True))
    p_size = Counter(predicted)
    g_size = Counter(gold)
    precision = sum(c * c / p_size[p] for (p, _), c in pair.items()) / n
    recall = sum(c * c / g_size[g] for (_, g), c in pair.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision, recall, f1, n)


def worst_false_merges(
    predicted: Sequence[Hashable],
    gold: Sequence[Hashable],
    names: Sequence[str],
    limit: int = 10,
) -> list[dict[str, Any]]:
    """Predicted clusters holding several true identities, the most damaging first.

    Damage is the number of mention pairs wrongly put together.
    """
    members: defaultdict[Hashable, list[int]] = defaultdict(list)
    for i, p in enumerate(predicted):
        members[p].append(i)
    out: list[dict[str, Any]] = []
    for rows in members.values():
        ids = Counter(gold[i] for i in rows)
        if len(ids) < 2:
            continue
        total = len(rows)
        wrong_pairs = (total * total - sum(c * c for c in ids.values())) // 2
        out.append(
            {
                "names": sorted({names[i] for i in rows}),
                "slots": total,
                "true_people": len(ids),
                "largest_share": round(max(ids.values()) / total, 3),
                "wrong_pairs": wrong_pairs,
                "ids": [str(k) for k, _ in ids.most_common(5)],
            }
        )
    out.sort(key=lambda r: -r["wrong_pairs"])
    return out[:limit]


GOLD_KINDS = {"openreview": "OpenReview profile ids", "ieee": "IEEE Xplore author ids"}


def evaluate_against_ids(
    store: Any,
    gold_kind: str,
    *,
    venues: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
    settings: Any = None,
    worst: int = 10,
    context: bool = False,
) -> dict[str, Any]:
    """Hide the ``gold_kind`` ids, resolve the slots that carry them, score against them.

    With ``context`` the whole store is resolved (those ids hidden everywhere), as a build
    does, and only the slots carrying the ids are scored: their other papers and
    co-authors without ids are evidence too. Returns B-cubed scores of the resolver and of
    the baseline "same name string = same person", the worst false merges, and how long
    resolution took.
    """
    import time

    from talentflow.resolve.people.derive import resolve_store

    if gold_kind not in GOLD_KINDS:
        raise ValueError(f"gold_kind must be one of {sorted(GOLD_KINDS)}")
    where = "WHERE a.profile_kind = ? AND a.profile_id IS NOT NULL"
    params: list[Any] = [gold_kind]
    if venues:
        where += f" AND a.venue IN ({', '.join('?' for _ in venues)})"
        params += list(venues)
    if years:
        where += " AND a.year BETWEEN ? AND ?"
        params += [years[0], years[1]]
    gold_rows = store.query(
        "SELECT a.paper_key, a.author_index, a.profile_id FROM authorships a " + where, params
    )
    gold_of = {(r["paper_key"], r["author_index"]): r["profile_id"] for r in gold_rows}
    started = time.perf_counter()
    res = resolve_store(
        store,
        settings,
        where="" if context else where,
        params=[] if context else params,
        hide_kinds=frozenset({gold_kind}),
    )
    seconds = time.perf_counter() - started
    t = res.features.table
    keys = list(zip(t["paper_key"].to_pylist(), t["author_index"].to_pylist(), strict=True))
    rows = [i for i, k in enumerate(keys) if k in gold_of]
    gold = [gold_of[keys[i]] for i in rows]
    all_names, all_venues = t["name"].to_pylist(), t["venue"].to_pylist()
    names = [all_names[i] for i in rows]
    roots = [res.roots[i] for i in rows]
    baseline = bcubed([n if n else f"#{i}" for i, n in enumerate(names)], gold)
    model = bcubed(roots, gold)
    return {
        "gold": GOLD_KINDS[gold_kind],
        "context": "whole store resolved" if context else "labelled slots only",
        "resolved_slots": len(keys),
        "venues": sorted({str(all_venues[i]) for i in rows}),
        "slots": len(gold),
        "true_people": len(set(gold)),
        "predicted_people": len(set(roots)),
        "resolver": model.as_dict(),
        "baseline_same_name": baseline.as_dict(),
        "seconds": round(seconds, 2),
        "linkage_used": res.linkage_used,
        "worst_false_merges": worst_false_merges(roots, gold, names, worst),
    }
