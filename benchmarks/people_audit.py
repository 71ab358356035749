"""How much of the resolver's "false merges" against OpenReview ids is answer-key noise.

Resolves the whole store with the OpenReview ids hidden (as a build does), finds the
predicted people that hold slots of two or more ids, and draws ``--draws`` of them with
probability proportional to their share of the B-cubed precision loss (fixed seed). Each
draw is judged on its two largest ids: one researcher with two OpenReview profiles, or two
researchers. Judgements are kept per pair of ids in ``benchmarks/data/people_merge_audit.csv``
(columns id_a, id_b, name, verdict, evidence), so they carry over when the resolver changes
and only new pairs need judging: the script lists the draws without a judgement (with their
papers, places and co-authors under ``--show``) and stops. With every draw judged, it turns
them into an estimate of the precision against a key without duplicate profiles, with a
Wilson interval.

    python3 -m uv run python benchmarks/people_audit.py --db /tmp/people.duckdb [--show]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from talentflow.graph.store import open_store
from talentflow.indicators.stats import wilson
from talentflow.resolve.people.derive import resolve_store

AUDIT = Path(__file__).resolve().parent / "data" / "people_merge_audit.csv"
DRAWS = 60
SEED = 20261123

EVIDENCE_SQL = """
SELECT a.year, a.venue, a.name, a.affiliation, so.org_id, p.title,
       (SELECT string_agg(b.name, '; ') FROM authorships b
        WHERE b.paper_key = a.paper_key AND b.author_index <> a.author_index) AS coauthors
FROM authorships a JOIN papers p USING (paper_key)
LEFT JOIN slot_orgs so USING (paper_key, author_index)
WHERE a.profile_kind = 'openreview' AND a.profile_id = ? ORDER BY a.year
"""


def draw(db: Path, draws: int = DRAWS) -> tuple[list[dict[str, Any]], float, int]:
    """The audited draw, the measured precision loss and the number of scored slots."""
    with open_store(db, read_only=True) as store:
        res = resolve_store(store, hide_kinds=frozenset({"openreview"}))
        t = res.features.table
        keys = list(zip(t["paper_key"].to_pylist(), t["author_index"].to_pylist(), strict=True))
        gold_of = {
            (r["paper_key"], r["author_index"]): r["profile_id"]
            for r in store.query(
                "SELECT paper_key, author_index, profile_id FROM authorships "
                "WHERE profile_kind = 'openreview' AND profile_id IS NOT NULL"
            )
        }
        clusters: dict[int, list[str]] = defaultdict(list)
        for i, k in enumerate(keys):
            if k in gold_of:
                clusters[res.roots[i]].append(gold_of[k])
        mass: dict[int, float] = {}
        for root, ids in clusters.items():
            counts = Counter(ids)
            if len(counts) > 1:
                mass[root] = sum(c * (1 - c / len(ids)) for c in counts.values())
        scored = sum(len(v) for v in clusters.values())
        roots = sorted(mass)
        rng = random.Random(SEED)
        picked: list[int] = []
        while len(picked) < min(draws, len(roots)):
            r = rng.choices(roots, weights=[mass[x] for x in roots])[0]
            if r not in picked:
                picked.append(r)
        out = []
        for n, root in enumerate(picked):
            (a, _), (b, _) = Counter(clusters[root]).most_common(2)
            out.append(
                {
                    "draw": n,
                    "mass": mass[root],
                    "ids": (a, b),
                    "evidence": {pid: store.query(EVIDENCE_SQL, [pid]) for pid in (a, b)},
                }
            )
    return out, sum(mass.values()) / scored, scored


def pair_key(a: str, b: str) -> tuple[str, str]:
    """An unordered pair of ids."""
    return (a, b) if a <= b else (b, a)


def load_verdicts(path: Path = AUDIT) -> dict[tuple[str, str], dict[str, str]]:
    """The judgements kept so far, by unordered pair of ids."""
    with path.open(encoding="utf-8") as fh:
        return {pair_key(r["id_a"], r["id_b"]): r for r in csv.DictReader(fh)}


def show(d: dict[str, Any]) -> None:
    print(f"=== draw {d['draw']} (loss mass {d['mass']:.2f}): {' / '.join(d['ids'])}")
    for pid, rows in d["evidence"].items():
        print(f"  {pid}: {len(rows)} slots")
        for r in rows:
            print(
                f"    {r['year']} {r['venue']} | {r['name']} | {r['affiliation']} | "
                f"{r['org_id']} | {r['title'][:60]} | {(r['coauthors'] or '')[:100]}"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("talentflow.duckdb"))
    ap.add_argument("--draws", type=int, default=DRAWS)
    ap.add_argument("--show", action="store_true", help="print the evidence of every draw")
    args = ap.parse_args()
    sample, loss, scored = draw(args.db, args.draws)
    verdicts = load_verdicts()
    missing = [d for d in sample if pair_key(*d["ids"]) not in verdicts]
    for d in sample if args.show else missing:
        show(d)
    if missing:
        sys.exit(
            f"{len(missing)} of {len(sample)} drawn pairs have no judgement in {AUDIT}: "
            "judge them (printed above) and add a row each"
        )
    judged = [verdicts[pair_key(*d["ids"])] for d in sample]
    counts = Counter(r["verdict"].split(" ")[0] for r in judged)
    real = counts["different"] + counts["unsure"]  # unsure counted as real errors
    lo, hi = wilson(real, len(judged))
    share = real / len(judged)
    print(f"{scored:,} slots scored; measured precision {1 - loss:.4f} (loss {loss:.4f})")
    print(f"verdicts on {len(judged)} draws: {dict(counts)}")
    print(
        f"share of the loss that is a real error: {share:.3f} (95% {lo:.3f}-{hi:.3f}); "
        f"precision against a key without duplicate profiles: {1 - loss * share:.4f} "
        f"({1 - loss * hi:.4f}-{1 - loss * lo:.4f})"
    )


if __name__ == "__main__":
    main()
