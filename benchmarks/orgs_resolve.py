"""Benchmark and checks of organisation resolution on the whole mirror (issue 3).

Speed: loading the registries, building the indexes, resolving every distinct
(affiliation, domain, source labels) input of the mirror (pairs/s), and the whole
``derive_orgs`` step (resolve + write ``organisations`` and ``slot_orgs``). Goal:
the whole mirror resolves in under 20 s on 2 cores.

Checks (``--checks``): agreement with Paper Copilot's own country labels, hidden
from the resolver; coverage of ICML 2024 and NeurIPS 2021; a random sample of
slots written to a CSV for hand checking (``--sample-out``).

    python benchmarks/orgs_resolve.py [--db STORE] [--mirror ../shared/data/paperlists]
        [--checks] [--sample-out sample.csv] [--sample 200] [--seed 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from talentflow.graph.build import build_paperlists
from talentflow.graph.store import Store, open_store
from talentflow.resolve.derive import derive_orgs, resolve_inputs
from talentflow.resolve.evaluate import coverage, label_agreement
from talentflow.resolve.orgs import Resolver
from talentflow.resolve.reference import load_reference
from talentflow.sources.paperlists import mirror_files

ROOT = Path(__file__).resolve().parents[1]
INPUTS_SQL = """
SELECT affiliation, aff_domain, source_orgs, source_countries
FROM authorships
WHERE affiliation IS NOT NULL OR aff_domain IS NOT NULL
   OR source_orgs IS NOT NULL OR source_countries IS NOT NULL
GROUP BY ALL
"""


def speed(store: Store) -> dict[str, float]:
    t0 = time.perf_counter()
    c0 = time.process_time()
    reference = load_reference(download=False)
    t1 = time.perf_counter()
    resolver = Resolver(reference)
    t2 = time.perf_counter()
    c2 = time.process_time()
    rows = store.con.sql(INPUTS_SQL).fetchall()
    t3 = time.perf_counter()
    c3 = time.process_time()
    resolve_inputs(resolver, rows)
    t4 = time.perf_counter()
    c4 = time.process_time()
    pairs = store.con.sql(
        "SELECT count(*) FROM (SELECT DISTINCT affiliation, aff_domain FROM authorships "
        "WHERE affiliation IS NOT NULL OR aff_domain IS NOT NULL)"
    ).fetchall()[0][0]
    fresh = Resolver(reference)
    t5 = time.perf_counter()
    c5 = time.process_time()
    derive_orgs(store, resolver=fresh)
    t6 = time.perf_counter()
    c6 = time.process_time()
    return {
        "distinct_inputs": len(rows),
        "distinct_affiliation_domain_pairs": int(pairs),
        "load_reference_s": round(t1 - t0, 2),
        "build_indexes_s": round(t2 - t1, 2),
        "read_inputs_s": round(t3 - t2, 2),
        "resolve_s": round(t4 - t3, 2),
        "resolve_cpu_s": round(c4 - c3, 2),
        "inputs_per_s": round(len(rows) / (t4 - t3)),
        "inputs_per_cpu_s": round(len(rows) / (c4 - c3)),
        "derive_orgs_s": round(t6 - t5, 2),
        "derive_orgs_cpu_s": round(c6 - c5, 2),
        "whole_mirror_s": round((t2 - t0) + (t6 - t5), 2),
        "whole_mirror_cpu_s": round((c2 - c0) + (c6 - c5), 2),
    }


def sample_slots(store: Store, resolver: Resolver, n: int, seed: int) -> list[dict[str, object]]:
    """A uniform random sample of ICML 2024 + NeurIPS 2021 slots with an affiliation."""
    keys = store.con.sql(
        "SELECT paper_key, author_index, venue, year, affiliation, aff_domain FROM authorships "
        "WHERE ((venue = 'icml' AND year = 2024) OR (venue = 'nips' AND year = 2021)) "
        "AND affiliation IS NOT NULL AND trim(affiliation) <> '' ORDER BY paper_key, author_index"
    ).fetchall()
    rng = random.Random(seed)
    out = []
    for pk, ai, venue, year, aff, dom in rng.sample(keys, n):
        res = resolver.resolve(aff, dom)
        out.append(
            {
                "venue": venue,
                "year": year,
                "paper_key": pk,
                "author_index": ai,
                "affiliation": aff,
                "domain": dom,
                "org": res.org,
                "org_kind": res.org_kind,
                "country": res.country,
                "country_basis": res.country_basis,
                "hq_country": res.hq_country,
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="an existing store built from the mirror")
    parser.add_argument("--mirror", type=Path, default=ROOT.parent / "shared/data/paperlists")
    parser.add_argument("--checks", action="store_true", help="agreement and coverage too")
    parser.add_argument("--sample-out", type=Path, help="write a hand-check sample CSV here")
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "mirror.duckdb"
        if args.db is None:
            with open_store(path) as store:
                build_paperlists(store, mirror_files(args.mirror), workers=2)
        with open_store(path) as store:
            print(json.dumps({"speed": speed(store)}, indent=1))
            if not (args.checks or args.sample_out):
                return
            resolver = Resolver(load_reference(download=False))
            if args.checks:
                for hide_orgs in (False, True):
                    result = label_agreement(store, resolver, show_source_orgs=not hide_orgs)
                    label = "all source labels hidden" if hide_orgs else "country labels hidden"
                    print(json.dumps({label: result.as_dict()}, indent=1))
                    if not hide_orgs:
                        kinds = Counter(str(d["basis"]) for d in result.disagreements)
                        print("disagreement examples by basis:", dict(kinds))
                        for d in result.disagreements[:40]:
                            print(json.dumps(d, ensure_ascii=False, default=str))
                for venue, year in (("icml", 2024), ("nips", 2021)):
                    print(json.dumps(coverage(store, resolver, venue, year)))
            if args.sample_out:
                rows = sample_slots(store, resolver, args.sample, args.seed)
                with args.sample_out.open("w", newline="") as fh:
                    writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
                    writer.writeheader()
                    writer.writerows(rows)
                print(f"wrote {len(rows)} sampled slots to {args.sample_out}")


if __name__ == "__main__":
    main()
