"""Migration for one country and org flows, 2022-2025, on a store built without and one
built with the OpenReview archive (issue 18: "gain 2022-2025 rows; the intervals narrow").

Per year: migration's researchers, inflow, outflow, net per 10,000 and the width of its
95% interval; org flows' rows (organisation pairs), moves, and the relative width of the
95% Poisson interval of the year's moves (width / moves).

    python benchmarks/archive_indicators.py /tmp/tf-build/without.duckdb \\
        /tmp/tf-build/with.duckdb [--country KR]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from talentflow.graph.store import open_store
from talentflow.indicators.migration import migration
from talentflow.indicators.orgflows import orgflows
from talentflow.indicators.stats import poisson_interval

YEARS = range(2022, 2026)


def measure(db: Path, country: str) -> dict[int, dict[str, Any]]:
    """Per year: the migration row of ``country`` and the org-flow totals."""
    with open_store(db, read_only=True) as store:
        mig = migration(store, 2019, 2025, country=country).rows
        flows = orgflows(store, 2019, 2025).rows
    out: dict[int, dict[str, Any]] = {}
    for year in YEARS:
        m = next((r for r in mig if r["year"] == year), None)
        rows = [r for r in flows if r["year"] == year]
        moves = sum(r["moves"] for r in rows)
        low, high = poisson_interval(moves)
        out[year] = {
            "researchers": m["researchers"] if m else 0,
            "inflow": m["inflow"] if m else 0,
            "outflow": m["outflow"] if m else 0,
            "net": m["net_per_10k"] if m else None,
            "width": (m["high"] - m["low"]) if m and m["low"] is not None else None,
            "flow_rows": len(rows),
            "moves": moves,
            "moves_rel_width": (high - low) / moves if moves else None,
        }
    return out


def _num(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="Store built without the archive.")
    parser.add_argument("after", type=Path, help="Store built with the archive.")
    parser.add_argument("--country", default="KR")
    args = parser.parse_args()
    before, after = measure(args.before, args.country), measure(args.after, args.country)
    print(f"migration --from 2019 --to 2025 --country {args.country}: before -> after")
    print("year  researchers      inflow   outflow   net/10k            95% width")
    for y in YEARS:
        b, a = before[y], after[y]
        print(
            f"{y}  {b['researchers']:>5} -> {a['researchers']:<5}  "
            f"{b['inflow']:>3} -> {a['inflow']:<3}  {b['outflow']:>3} -> {a['outflow']:<3}  "
            f"{_num(b['net'], '6.1f')} -> {_num(a['net'], '<6.1f')}  "
            f"{_num(b['width'], '6.1f')} -> {_num(a['width'], '.1f')}"
        )
    print("\norgflows --from 2019 --to 2025: before -> after")
    print("year  rows (org pairs)   moves          95% width/moves")
    for y in YEARS:
        b, a = before[y], after[y]
        print(
            f"{y}  {b['flow_rows']:>6} -> {a['flow_rows']:<6}  {b['moves']:>5} -> {a['moves']:<5}  "
            f"{_num(b['moves_rel_width'], '.3f')} -> {_num(a['moves_rel_width'], '.3f')}"
        )


if __name__ == "__main__":
    main()
