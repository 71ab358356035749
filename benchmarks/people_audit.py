"""How much of the resolver's "false merges" against OpenReview ids is answer-key noise.

Resolves the whole store with the OpenReview ids hidden (as a build does), finds the
predicted people that hold slots of two or more ids, and draws 40 of them with
probability proportional to their share of the B-cubed precision loss (fixed seed). For
each draw it prints the two largest ids' papers, places and co-authors (``--show``), so a
person can judge whether they are one researcher with two OpenReview profiles or two
researchers. The judgements are kept in ``benchmarks/data/people_merge_audit.csv``; the
script checks that the file holds exactly this draw and turns it into an estimate of the
precision against a key without duplicate profiles, with a Wilson interval.

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
DRAWS = 40
SEED = 20261123

EVIDENCE_SQL = """
SELECT a.year, a.venue, a.name, a.affiliation, so.org_id, p.title,
       (SELECT string_agg(b.name, '; ') FROM authorships b
        WHERE b.paper_key = a.paper_key AND b.author_index <> a.author_index) AS coauthors
FROM authorships a JOIN papers p USING (paper_key)
LEFT JOIN slot_orgs so USING (paper_key, author_index)
WHERE a.profile_kind = 'openreview' AND a.profile_id = ? ORDER BY a.year
"""


def draw(db: Path) -> tuple[list[dict[str, Any]], float, int]:
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
        while len(picked) < DRAWS:
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("talentflow.duckdb"))
    ap.add_argument("--show", action="store_true", help="print the evidence of every draw")
    args = ap.parse_args()
    sample, loss, scored = draw(args.db)
    if args.show:
        for d in sample:
            print(f"=== draw {d['draw']} (loss mass {d['mass']:.2f})")
            for pid, rows in d["evidence"].items():
                print(f"  {pid}: {len(rows)} slots")
                for r in rows:
                    print(
                        f"    {r['year']} {r['venue']} | {r['name']} | {r['affiliation']} | "
                        f"{r['org_id']} | {r['title'][:60]} | {(r['coauthors'] or '')[:100]}"
                    )
    with AUDIT.open(encoding="utf-8") as fh:
        judged = list(csv.DictReader(fh))
    expected = [(str(d["draw"]), *d["ids"]) for d in sample]
    if [(r["draw"], r["id_a"], r["id_b"]) for r in judged] != expected:
        sys.exit(f"{AUDIT} does not hold this draw: judge the printed draw (--show) again")
    verdicts = Counter(r["verdict"].split(" ")[0] for r in judged)
    real = verdicts["different"] + verdicts["unsure"]  # unsure counted as real errors
    lo, hi = wilson(real, len(judged))
    share = real / len(judged)
    print(f"{scored:,} slots scored; measured precision {1 - loss:.4f} (loss {loss:.4f})")
    print(f"verdicts on {len(judged)} draws: {dict(verdicts)}")
    print(
        f"share of the loss that is a real error: {share:.3f} (95% {lo:.3f}-{hi:.3f}); "
        f"precision against a key without duplicate profiles: {1 - loss * share:.4f} "
        f"({1 - loss * hi:.4f}-{1 - loss * lo:.4f})"
    )


if __name__ == "__main__":
    main()
