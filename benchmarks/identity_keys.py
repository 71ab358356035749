"""What the archive's identity keys did to people: a store built before the change against
one built after, from the same files (issue 18).

Prints the keys and links in the after store, how many slots changed person, and, for the
slots a key gave a profile (no OpenReview id of their own), whether the resolver alone
(the before store) had already put them with that profile's slots.

    python3 -m uv run python benchmarks/identity_keys.py BEFORE.duckdb AFTER.duckdb
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import duckdb

from talentflow.graph.store import open_store
from talentflow.resolve.people.features import slot_ref
from talentflow.resolve.people.identity import load_identity

KEY_SQL = """
SELECT kind, count(*) AS slots, count(DISTINCT key) AS keys,
       count(DISTINCT key) FILTER (WHERE holders = 1) AS held_by_one,
       count(DISTINCT key) FILTER (WHERE holders = 2) AS held_by_two,
       count(DISTINCT key) FILTER (WHERE holders >= 3) AS held_by_more
FROM slot_keys GROUP BY kind ORDER BY kind
"""

ELSEWHERE_SQL = """
WITH pp AS (
    SELECT DISTINCT a.profile_id AS profile, sp.person_id
    FROM b.authorships a JOIN b.slot_people sp USING (paper_key, author_index)
    WHERE a.profile_kind = 'openreview'
)
SELECT a.name, a.venue || a.year, k.profile, p.display_name, p.n_slots,
       (SELECT string_agg(DISTINCT bp.display_name, '|' ORDER BY bp.display_name)
        FROM pp JOIN b.people bp USING (person_id) WHERE pp.profile = k.profile)
FROM keyed k JOIN authorships a USING (paper_key, author_index)
JOIN b.slot_people sp USING (paper_key, author_index) JOIN b.people p USING (person_id)
WHERE EXISTS (SELECT 1 FROM pp WHERE pp.profile = k.profile)
  AND NOT EXISTS (SELECT 1 FROM pp WHERE pp.profile = k.profile AND pp.person_id = sp.person_id)
ORDER BY a.paper_key, a.author_index
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("before", type=Path)
    ap.add_argument("after", type=Path)
    ap.add_argument("--sample", type=int, default=30, help="slots put elsewhere to print")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    with open_store(args.after, read_only=True) as store:
        evidence = load_identity(store)
    con = duckdb.connect(str(args.after), read_only=True)
    con.execute(f"ATTACH '{args.before}' AS b (READ_ONLY)")
    print("| kind | slots | keys | held by 1 | by 2 | by 3+ |\n|---|---|---|---|---|---|")
    for row in con.execute(KEY_SQL).fetchall():
        print("| " + " | ".join(f"{v:,}" if isinstance(v, int) else v for v in row) + " |")
    links = con.execute(
        "SELECT kind, count(*) FROM profile_links GROUP BY kind ORDER BY kind"
    ).fetchall()
    print(
        f"\nprofile links by kind: {dict(links)}; {len(evidence.canonical):,} profiles in "
        f"{len(set(evidence.canonical.values())):,} groups"
    )
    people = con.execute(
        "SELECT (SELECT count(*) FROM b.people), (SELECT count(*) FROM people)"
    ).fetchall()[0]
    changed = con.execute(
        "SELECT count(*) FROM (SELECT a.paper_key, a.author_index, "
        "count(*) OVER (PARTITION BY x.person_id) AS n_before, "
        "count(*) OVER (PARTITION BY a.person_id) AS n_after "
        "FROM slot_people a JOIN b.slot_people x USING (paper_key, author_index)) "
        "WHERE n_before <> n_after"
    ).fetchall()[0][0]
    print(
        f"people: {people[0]:,} before, {people[1]:,} after; "
        f"slots whose person changed size: {changed:,}"
    )
    # Slots a key placed on a profile: where had the resolver alone put them?
    rows = con.execute(
        "SELECT a.paper_key, a.author_index FROM authorships a "
        "WHERE a.profile_id IS NULL OR a.profile_kind <> 'openreview'"
    ).fetchall()
    keyed = [(k, i) for k, i in rows if slot_ref(k, i) in evidence.slot_profiles]
    con.execute(
        "CREATE TEMP TABLE keyed (paper_key VARCHAR, author_index INTEGER, profile VARCHAR)"
    )
    con.executemany(
        "INSERT INTO keyed VALUES (?, ?, ?)",
        [(k, i, evidence.slot_profiles[slot_ref(k, i)]) for k, i in keyed],
    )
    verdict = con.execute(
        """
        WITH profile_people AS (
            SELECT DISTINCT a.profile_id AS profile, sp.person_id
            FROM b.authorships a JOIN b.slot_people sp USING (paper_key, author_index)
            WHERE a.profile_kind = 'openreview'
        )
        SELECT CASE
                 WHEN NOT EXISTS (SELECT 1 FROM profile_people pp WHERE pp.profile = k.profile)
                   THEN 'profile has no slot with its id'
                 WHEN EXISTS (SELECT 1 FROM profile_people pp WHERE pp.profile = k.profile
                              AND pp.person_id = sp.person_id)
                   THEN 'resolver alone agreed'
                 ELSE 'resolver alone put it elsewhere' END AS verdict,
               count(*)
        FROM keyed k JOIN b.slot_people sp USING (paper_key, author_index)
        GROUP BY ALL ORDER BY ALL
        """
    ).fetchall()
    print(f"\nslots without an OpenReview id given a profile by a key: {len(keyed):,}")
    for name, n in verdict:
        print(f"- {name}: {n:,}")
    elsewhere = con.execute(ELSEWHERE_SQL).fetchall()
    random.seed(args.seed)
    print(
        f"\n{args.sample} of the slots put elsewhere (slot name; venue-year; profile; the "
        "before person's name and size; the names of the profile's before people):"
    )
    for row in random.sample(elsewhere, min(args.sample, len(elsewhere))):
        print("- " + "; ".join(str(v) for v in row))
    con.close()


if __name__ == "__main__":
    main()
