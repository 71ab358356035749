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

from talentflow.resolve.archive_join import PaperJoin, join_archive
from talentflow.resolve.archive_slots import project_slots
from talentflow.resolve.orgs import Resolver
from talentflow.resolve.profile_links import key_holders, profile_links, researcher_groups
from talentflow.resolve.reference import load_reference
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


def _slot_figures(
    parsed: ParsedFile, records: list[ArchiveRecord], joins: list[PaperJoin], resolver: Resolver
) -> Counter[str]:
    """Accepted paper-list slots with an affiliation and with a country (organisation
    resolver only), before and after the archive's values, by the documented precedence."""
    c: Counter[str] = Counter()
    projected = project_slots(parsed.authorships, records, joins).to_pylist()
    c["misaligned_papers"] = len({r["paper_key"] for r in projected if r["paper_misaligned"]})
    by_slot = {(row["paper_key"], row["author_index"]): row for row in projected}
    archive_domain = {
        (r.forum_id, a.profile_id): a.aff_domain or "" for r in records for a in r.authors
    }
    for own in parsed.authorships.to_pylist():
        after = by_slot[(own["paper_key"], own["author_index"])]
        parts = archive_domain.get((after["forum_id"], after["profile_id"]), "").split("+")
        if own["aff_domain"] and "+" not in own["aff_domain"] and len(parts) > 1:
            c["plus_with_own"] += 1
            c["plus_last"] += parts[-1].strip() == own["aff_domain"]
            c["plus_first"] += parts[0].strip() == own["aff_domain"]
        if not own["accepted"]:
            continue
        c["slots"] += 1
        before = resolver.resolve(
            own["affiliation"], own["aff_domain"], own["source_orgs"], own["source_countries"]
        )
        c["aff_before"] += own["affiliation"] is not None
        c["country_before"] += before.country is not None
        c["aff_after"] += after["affiliation"] is not None
        if after["affiliation_source"] == "paperlists" and not after["paper_misaligned"]:
            country = before.country
        else:
            country = resolver.resolve(after["affiliation"], after["aff_domain"]).country
        c["country_after"] += country is not None
    return c


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
    resolver = Resolver(load_reference(args.paperlists.parent, download=False))
    figures: dict[tuple[str, int], Counter[str]] = {}
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
            fig = _slot_figures(parsed, records, joins, resolver)
            figures[(venue, year)] = fig
            n = max(fig["slots"], 1)
            aff = (
                f"; {fig['slots']:,} accepted slots: affiliation {fig['aff_before'] / n:.1%}"
                f" -> {fig['aff_after'] / n:.1%}, country {fig['country_before'] / n:.1%}"
                f" -> {fig['country_after'] / n:.1%}"
            )
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
    print("\npaper lists whose values follow or_profile, not the authors (replaced):")
    print(
        "  "
        + ", ".join(
            f"{v}{y}: {f['misaligned_papers']}"
            for (v, y), f in sorted(figures.items())
            if f["misaligned_papers"]
        )
    )
    print("archive values with several '+' entries, against the paper list's own domain:")
    for (v, y), f in sorted(figures.items()):
        if f["plus_with_own"]:
            n = f["plus_with_own"]
            print(
                f"  {v}{y}: {n:,} slots; the last entry agrees {f['plus_last'] / n:.1%},"
                f" the first {f['plus_first'] / n:.1%}"
            )
    recent = [f for (v, y), f in figures.items() if 2023 <= y <= 2025]
    tot = Counter[str]()
    for f in recent:
        tot.update(f)
    n = max(tot["slots"], 1)
    print(
        f"2023-2025, venue-years in both sources ({len(recent)}): {tot['slots']:,} accepted slots;"
        f" country {tot['country_before'] / n:.1%} -> {tot['country_after'] / n:.1%}"
        f" ({tot['country_after'] - tot['country_before']:+,} slots)"
    )
    print("\nidentity keys: distinct OpenReview profiles per key; links they make")
    holders = key_holders((p, kind, key) for (kind, key), ps in keys_by_profile.items() for p in ps)
    links = profile_links(holders)
    for kind in ("orcid", "dblp", "google_scholar", "homepage", "linkedin"):
        sizes = Counter(min(len(v), 3) for (k, _), v in holders.items() if k == kind)
        made = sum(1 for x in links if x.kind == kind)
        print(
            f"  {kind:<15}{sum(sizes.values()):>8} keys: one profile {sizes[1]:,}, two {sizes[2]:,}"
            f" (links with agreeing names {made}), three or more {sizes[3]:,}"
        )
    groups = researcher_groups(links)
    print(
        f"  profiles in groups of one researcher: {sum(map(len, groups))} in {len(groups)} groups"
    )
    print(f"\nread {len(files)} archive files: {read_seconds:.2f} s; joins: {join_seconds:.2f} s")


if __name__ == "__main__":
    main()
