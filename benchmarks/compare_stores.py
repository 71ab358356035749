"""Compare two talentflow stores table by table, row for row (a restructuring check).

For every table of the declared schema, counts the rows of each store that the other
lacks (``EXCEPT ALL`` both ways, so duplicates count). Run ids and the times of a run
differ between any two builds, so those columns are left out (``ingest_runs``,
``source_files``, ...), and so are the ``store_meta`` values that hold a run id or the
fitted model's random id. DOUBLE columns are rounded to ``--digits`` significant places
(Splink's EM leaves float noise in the last digits between runs).

    python3 -m uv run python benchmarks/compare_stores.py before.duckdb after.duckdb

Prints one line per table (``equal`` or ``different``) and exits 1 if any differs.

Known difference between two builds of the same code (2026-12-07, whole mirror): the
display name of an affiliation-text organisation ('aff:...') is the first spelling
resolved, and the organisations step reads its distinct inputs without an order
(resolve/derive ``_INPUTS_SQL``), so 'The Salk Institute' / 'Salk Institute' can swap.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from talentflow.graph.schema import TABLES, Table

# Columns whose values differ between two builds of the same data: run ids, run times.
RUN_COLUMNS = frozenset(
    {"run_id", "started_at", "finished_at", "ingested_at", "added_at", "fetched_at"}
)
# store_meta keys whose value is a run id or holds the fitted model's random id.
RUN_META_KEYS = ("derived_after_run", "people_model_json")


def _select(table: Table, db: str, digits: int) -> str:
    parts = []
    for c in table.columns:
        if c.name in RUN_COLUMNS:
            continue
        if c.type == "DOUBLE":
            parts.append(
                f'CASE WHEN "{c.name}" = 0 OR "{c.name}" IS NULL OR isinf("{c.name}") '
                f'THEN "{c.name}" ELSE round("{c.name}", {digits} - 1 - '
                f'CAST(floor(log10(abs("{c.name}"))) AS INTEGER)) END'
            )
        elif table.name == "store_meta" and c.name == "value":
            listed = ", ".join(f"'{k}'" for k in RUN_META_KEYS)
            parts.append(f"CASE WHEN key IN ({listed}) THEN NULL ELSE value END")
        else:
            parts.append(f'"{c.name}"')
    return f"SELECT {', '.join(parts)} FROM {db}.main.{table.name}"


def compare(before: Path, after: Path, digits: int = 9) -> list[tuple[str, int, int, int, int]]:
    """Per table: (name, rows before, rows after, only before, only after); a table that
    one store lacks (a new table) has -1 rows there."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{before}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{after}' AS b (READ_ONLY)")
    out = []
    present = {
        (db, name)
        for db, name in con.execute(
            "SELECT database_name, table_name FROM duckdb_tables()"
        ).fetchall()
    }
    for t in TABLES:
        if ("a", t.name) not in present or ("b", t.name) not in present:
            side = "b" if ("b", t.name) in present else "a"
            n = con.execute(f"SELECT count(*) FROM {side}.main.{t.name}").fetchall()[0][0]
            out.append((t.name, n if side == "a" else -1, n if side == "b" else -1, 0, 0))
            continue
        a, b = _select(t, "a", digits), _select(t, "b", digits)
        n_a = con.execute(f"SELECT count(*) FROM a.main.{t.name}").fetchall()[0][0]
        n_b = con.execute(f"SELECT count(*) FROM b.main.{t.name}").fetchall()[0][0]
        only_a = con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchall()[0][0]
        only_b = con.execute(f"SELECT count(*) FROM ({b} EXCEPT ALL {a})").fetchall()[0][0]
        out.append((t.name, n_a, n_b, only_a, only_b))
    con.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--digits", type=int, default=9, help="significant places of DOUBLEs")
    args = parser.parse_args()
    differ = compared = 0
    for name, n_a, n_b, only_a, only_b in compare(args.before, args.after, args.digits):
        if min(n_a, n_b) < 0:
            print(f"{name:28s} only in {'after' if n_a < 0 else 'before'}: {max(n_a, n_b):,} rows")
            continue
        verdict = "equal" if only_a == only_b == 0 else "different"
        differ += verdict == "different"
        compared += 1
        print(
            f"{name:28s} {verdict:9s} rows {n_a:>9,} / {n_b:>9,}  "
            f"only before {only_a:,}  only after {only_b:,}"
        )
    print(f"{compared - differ} tables equal, {differ} different")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
