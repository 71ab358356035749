"""Benchmark: how the OpenReview archive joins the paper lists, per venue-year and method.

Prints, for every ``authors`` file of the archive mirror: records, how many joined by
forum id, by the archive's own ``venues/`` file, by author names, and not at all; how
many archive authors carrying values landed on a paper slot, and how; the accepted
paper-list slots with an affiliation before and after. Then a check of the author-name
join where the truth is known (forum ids hidden on paper lists that have them), the
sharing of identity keys across OpenReview profiles, and read and join times.

    python benchmarks/archive_join.py [--archive DIR] [--paperlists DIR]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from talentflow.resolve.archive_join import join_archive
from talentflow.sources.papercopilot_openreview import (
    ArchiveContent,
    ArchiveRecord,
    VenuePaper,
    mirror_files,
    read_archive_file,
)
from talentflow.sources.paperlists import mirror_files as paperlist_files
from talentflow.sources.paperlists import read_bytes
from talentflow.sources.paperlists_parse import ParsedFile, parse_file_bytes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def _paper_list(root: Path, venue: str, year: int) -> ParsedFile | None:
    files = paperlist_files(root, {venue}, {year})
    if not files:
        return None
    f = files[0]
    return parse_file_bytes(read_bytes(f, None), path=f.location, venue=venue, year=year)


def _accepted_slots_with_aff(parsed: ParsedFile, gained: set[tuple[str, int]]) -> tuple[int, ...]:
    slots = parsed.authorships.filter(pc.equal(parsed.authorships["accepted"], True))
    keys = slots["paper_key"].to_pylist()
    index = slots["author_index"].to_pylist()
    has = pc.is_valid(slots["affiliation"]).to_pylist()
    after = sum(1 for k, i, h in zip(keys, index, has, strict=True) if h or (k, i) in gained)
    return len(keys), sum(has), after


def _hidden_id_check(records: list[ArchiveRecord], parsed: ParsedFile) -> tuple[int, int, int]:
    """Join by author names with the paper list's forum ids hidden: (joinable, joined,
    joined to the right paper)."""
    papers = parsed.papers.set_column(
        parsed.papers.schema.get_field_index("paper_id"),
        "paper_id",
        pa.array([f"hidden{i}" for i in range(parsed.papers.num_rows)], pa.string()),
    )
    keys, ids = parsed.papers["paper_key"].to_pylist(), parsed.papers["paper_id"].to_pylist()
    truth = dict(zip(keys, ids, strict=True))
    joins, _ = join_archive(records, papers, parsed.authorships)
    joinable = sum(1 for r in records if r.forum_id in set(truth.values()))
    named = [j for j in joins if j.method == "author_names"]
    right = sum(1 for j in named if j.paper_key is not None and truth[j.paper_key] == j.forum_id)
    return joinable, len(named), right


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--archive", type=Path, default=DATA / "papercopilot-openreview")
    ap.add_argument("--paperlists", type=Path, default=DATA / "paperlists")
    args = ap.parse_args()

    files = mirror_files(args.archive)
    start = time.perf_counter()
    contents: dict[tuple[str, str, int], ArchiveContent] = {
        (f.kind, f.venue, f.year): read_archive_file(f) for f in files
    }
    read_seconds = time.perf_counter() - start
    header = (
        f"{'venue-year':<14}{'records':>8}{'forum_id':>9}{'venue_file':>11}{'names':>7}"
        f"{'unjoined':>9}{'authors':>9}{'on_slot':>8}  slot methods; accepted slots with aff"
    )
    print(header)
    join_seconds = 0.0
    totals: Counter[str] = Counter()
    keys_by_profile: dict[tuple[str, str], set[str]] = defaultdict(set)
    checks = []
    for (kind, venue, year), content in sorted(contents.items(), key=lambda x: (x[0][1:], x[0])):
        if kind != "authors":
            continue
        records = [r for r in content.records if isinstance(r, ArchiveRecord)]
        for rec in records:
            for a in rec.authors:
                for key in a.identity_keys():
                    keys_by_profile[key].add(a.profile_id)
        parsed = _paper_list(args.paperlists, venue, year)
        venue_content = contents.get(("venues", venue, year))
        venue_papers = (
            [v for v in venue_content.records if isinstance(v, VenuePaper)]
            if venue_content
            else None
        )
        t = time.perf_counter()
        joins, counts = join_archive(
            records,
            parsed.papers if parsed else None,
            parsed.authorships if parsed else None,
            venue_papers,
            venue_file_key=f"venues/{venue}/{venue}{year}",
        )
        join_seconds += time.perf_counter() - t
        row = counts.as_dict()
        totals.update({k: int(v) for k, v in row.items() if isinstance(v, int)})
        slot_methods = ", ".join(f"{k}={v}" for k, v in sorted(counts.by_slot_method.items()))
        aff = ""
        if parsed is not None:
            gained = {(j.paper_key, s) for j in joins if j.paper_key for s in j.slots.values()}
            n, before, after = _accepted_slots_with_aff(parsed, gained)  # type: ignore[arg-type]
            aff = f"; {n:,} slots: {before / n:.1%} -> {after / n:.1%}" if n else ""
            if counts.by_method["forum_id"] > 500 and len(checks) < 3 and venue != "iclr":
                checks.append((f"{venue}{year}", records, parsed))
        print(
            f"{venue + str(year):<14}{counts.records:>8}{counts.by_method['forum_id']:>9}"
            f"{counts.by_method['venue_file']:>11}{counts.by_method['author_names']:>7}"
            f"{counts.by_method['unjoined']:>9}{counts.authors_with_values:>9}"
            f"{counts.authors_on_slots:>8}  {slot_methods}{aff}"
        )
    print(
        f"{'all':<14}{totals['records']:>8}{totals['forum_id']:>9}{totals['venue_file']:>11}"
        f"{totals['author_names']:>7}{totals['unjoined']:>9}{totals['authors_with_values']:>9}"
        f"{totals['authors_on_slots']:>8}"
    )
    print("\nauthor-name join where the forum ids are known (ids hidden):")
    for name, records, parsed in checks:
        joinable, joined, right = _hidden_id_check(records, parsed)
        print(
            f"  {name}: {joinable} joinable, {joined} joined by names ({joined / joinable:.1%}),"
            f" {right} to the right paper (precision {right / max(joined, 1):.4f})"
        )
    print("\nidentity keys: distinct OpenReview profiles per key")
    for kind in ("orcid", "dblp", "google_scholar", "homepage", "linkedin"):
        sizes = Counter(min(len(v), 3) for (k, _), v in keys_by_profile.items() if k == kind)
        total = sum(sizes.values())
        print(
            f"  {kind:<15}{total:>8} keys: one profile {sizes[1]:,}, two {sizes[2]:,},"
            f" three or more {sizes[3]:,}"
        )
    print(f"\nread {len(files)} archive files: {read_seconds:.2f} s; joins: {join_seconds:.2f} s")


if __name__ == "__main__":
    main()
