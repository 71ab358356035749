"""Speed of person resolution: author slots resolved per minute.

Reads every author slot of a store, replicates them until there are at least --min-slots
(each copy gets its own paper keys and a copy-specific suffix on every family name, so
copies are independent universes and candidate pairs grow linearly, as with new data),
then times features, Splink fit + scoring, and constrained clustering.
Reports wall and CPU time and the machine's load (the machine is shared).

    python3 -m uv run python benchmarks/people_resolve.py --db /tmp/people.duckdb
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from talentflow.graph.store import open_store
from talentflow.resolve.people.derive import PeopleSettings, resolve_features
from talentflow.resolve.people.features import build_features, load_slot_table


def replicate(slots: pa.Table, copies: int) -> pa.Table:
    if copies <= 1:
        return slots
    parts = []
    for c in range(copies):
        part = slots
        changes = {"paper_key": pc.binary_join_element_wise(slots["paper_key"], f"~{c}", "")}
        if c:
            name = slots["name"]
            changes["name"] = pc.if_else(
                pc.equal(name, ""), name, pc.binary_join_element_wise(name, "q" * c, "")
            )
            changes["profile_id"] = pc.binary_join_element_wise(slots["profile_id"], f"~{c}", "")
        for col, values in changes.items():
            part = part.set_column(part.column_names.index(col), col, values)
        parts.append(part)
    return pa.concat_tables(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("talentflow.duckdb"))
    ap.add_argument("--min-slots", type=int, default=1_000_000)
    args = ap.parse_args()
    with open_store(args.db, read_only=True) as store:
        base = load_slot_table(store)
    n_base = base.num_rows
    copies = max(1, -(-args.min_slots // n_base))
    slots = replicate(base, copies)
    n = slots.num_rows
    load_before = os.getloadavg()[0]
    t0, c0 = time.perf_counter(), time.process_time()
    feats = build_features(slots)
    t1, c1 = time.perf_counter(), time.process_time()
    res = resolve_features(feats, PeopleSettings())
    t2, c2 = time.perf_counter(), time.process_time()
    people = len(set(res.roots))
    wall, cpu = t2 - t0, c2 - c0
    print(f"slots: {n:,} ({copies} copies of {n_base:,}); people: {people:,}")
    print(f"features: {t1 - t0:.1f} s wall, {c1 - c0:.1f} s CPU")
    print(f"linkage + clustering: {t2 - t1:.1f} s wall, {c2 - c1:.1f} s CPU; pairs {res.n_pairs:,}")
    print(f"total: {wall:.1f} s wall, {cpu:.1f} s CPU (all threads)")
    print(f"slots per minute: {n / wall * 60:,.0f} wall, {n / cpu * 60:,.0f} per CPU-minute")
    print(f"load average: {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, "
          f"on {os.cpu_count()} cores")  # fmt: skip


if __name__ == "__main__":
    main()
