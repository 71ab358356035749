"""The ``slot_values`` table: which source gives each slot its affiliation, domain and
position, now that the OpenReview archive is in the store.

For every venue-year with archive records, the records are joined to that venue-year's
papers (:mod:`talentflow.resolve.archive_join`) and each slot's values chosen by the
documented precedence (:mod:`talentflow.resolve.archive_slots`). Only the slots where
the archive gives or corrects something get a row; the organisations step reads a slot's
values from here when there is a row, from ``authorships`` otherwise. The same placement
gives each slot its identity keys (``slot_keys``) and the keys link profiles
(``profile_links``, :mod:`talentflow.resolve.slot_keys`), read by the people step. This
module is the only writer of those three tables; it runs at the start of the
organisations step.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from talentflow.graph.schema import PROFILE_LINKS, SLOT_KEYS, SLOT_VALUES
from talentflow.graph.store import Store
from talentflow.progress import SILENT, Reporter
from talentflow.resolve.archive_join import join_archive
from talentflow.resolve.archive_slots import project_slots
from talentflow.resolve.slot_keys import author_keys, holders_of, link_table, slot_key_table
from talentflow.sources.papercopilot_openreview import SOURCE_NAME, ArchiveAuthor, ArchiveRecord

_AUTHOR_COLUMNS = tuple(f.name for f in dataclasses.fields(ArchiveAuthor))

SLOT_VALUES_SQL = """(
SELECT a.paper_key, a.author_index,
       CASE WHEN v.paper_key IS NULL THEN a.affiliation ELSE v.affiliation END AS affiliation,
       CASE WHEN v.paper_key IS NULL THEN a.aff_domain ELSE v.aff_domain END AS aff_domain,
       CASE WHEN v.paper_key IS NULL THEN a.position ELSE v.position END AS position,
       CASE WHEN v.paper_key IS NULL OR (v.affiliation_source = 'paperlists'
                 AND NOT v.paper_misaligned) THEN a.source_orgs END AS source_orgs,
       CASE WHEN v.paper_key IS NULL OR (v.affiliation_source = 'paperlists'
                 AND NOT v.paper_misaligned) THEN a.source_countries END AS source_countries
FROM authorships a
LEFT JOIN slot_values v ON v.paper_key = a.paper_key AND v.author_index = a.author_index
)"""
"""Every slot's values, the one definition every step reads them by: from ``slot_values``
where the archive gives or corrects them, else as the paper list gave them; the paper
list's own organisation and country labels only where its affiliation is the one used."""


@dataclass
class ArchiveSlotsResult:
    """What the step wrote."""

    records: int
    joined: int
    slots: int
    slot_keys: int = 0
    profile_links: int = 0

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def stored_records(store: Store) -> dict[tuple[str, int], list[ArchiveRecord]]:
    """The archive records in the store, by venue-year, with their placed authors."""
    authors: dict[tuple[str, int], list[ArchiveAuthor]] = defaultdict(list)
    cols = ", ".join(("file_key", "record_index", *_AUTHOR_COLUMNS))
    for row in store.con.execute(
        f"SELECT {cols} FROM archive_authors ORDER BY file_key, record_index, author_index"
    ).fetchall():
        authors[(row[0], row[1])].append(ArchiveAuthor(*row[2:]))
    out: dict[tuple[str, int], list[ArchiveRecord]] = defaultdict(list)
    for fk, index, forum_id, venue, year, names, ids, unplaced, dropped in store.con.execute(
        "SELECT file_key, record_index, forum_id, venue, year, names, author_ids, "
        "unplaced_profiles, dropped_fields FROM archive_records ORDER BY file_key, record_index"
    ).fetchall():
        out[(venue, year)].append(
            ArchiveRecord(
                forum_id=forum_id,
                line=index + 1,
                names=tuple(names or ()),
                author_ids=tuple(ids or ()),
                authors=tuple(authors.get((fk, index), ())),
                unplaced_profiles=unplaced or 0,
                dropped_fields=tuple(dropped or ()),
            )
        )
    return out


def derive_archive_slots(store: Store, reporter: Reporter = SILENT) -> ArchiveSlotsResult:
    """Replace ``slot_values``, ``slot_keys`` and ``profile_links`` from the archive
    records and the papers in the store."""
    by_year = stored_records(store)
    keys_of = author_keys(r for records in by_year.values() for r in records)
    holders = holders_of(keys_of)
    con = store.con
    papers = con.sql(
        "SELECT paper_key, paper_id, venue, year FROM papers "
        "WHERE (venue, year) IN (SELECT DISTINCT venue, year FROM archive_records)"
    ).to_arrow_table()
    slots = con.sql(
        "SELECT paper_key, author_index, name, profile_id, affiliation, aff_domain, position, "
        "venue, year FROM authorships "
        "WHERE (venue, year) IN (SELECT DISTINCT venue, year FROM archive_records) "
        "ORDER BY paper_key, author_index"
    ).to_arrow_table()
    out: list[pa.Table] = []
    keys: list[pa.Table] = []
    joined = 0
    with reporter.bar("placing the OpenReview archive's values", total=len(by_year)) as advance:
        for (venue, year), records in sorted(by_year.items()):
            here = pc.and_(pc.equal(papers["venue"], venue), pc.equal(papers["year"], year))
            mine = pc.and_(pc.equal(slots["venue"], venue), pc.equal(slots["year"], year))
            year_papers, year_slots = papers.filter(here), slots.filter(mine)
            joins, counts = join_archive(records, year_papers, year_slots)
            joined += counts.records - counts.by_method["unjoined"]
            projected = project_slots(year_slots, records, joins)
            archive = pc.or_kleene(
                projected["paper_misaligned"],
                pc.or_kleene(
                    pc.equal(projected["affiliation_source"], SOURCE_NAME),
                    pc.or_kleene(
                        pc.equal(projected["aff_domain_source"], SOURCE_NAME),
                        pc.equal(projected["position_source"], SOURCE_NAME),
                    ),
                ),
            )
            out.append(projected.filter(pc.fill_null(archive, False)))
            placed = projected.filter(pc.is_valid(projected["profile_id"]))
            keys.append(slot_key_table(placed, keys_of, holders))
            advance(1)
    table = pa.concat_tables(out) if out else SLOT_VALUES.arrow_schema().empty_table()
    key_table = pa.concat_tables(keys) if keys else SLOT_KEYS.arrow_schema().empty_table()
    links = link_table(holders)
    with store.transaction():
        for name in ("slot_values", "slot_keys", "profile_links"):
            con.execute(f"DELETE FROM {name}")
        store.append_arrow(SLOT_VALUES, table.select(SLOT_VALUES.column_names))
        store.append_arrow(SLOT_KEYS, key_table)
        store.append_arrow(PROFILE_LINKS, links)
    records_n = sum(len(v) for v in by_year.values())
    reporter.note(
        f"OpenReview archive: {joined:,} of {records_n:,} records joined to papers; "
        f"values on {table.num_rows:,} slots; {key_table.num_rows:,} identity keys; "
        f"{links.num_rows:,} profile links"
    )
    return ArchiveSlotsResult(
        records=records_n,
        joined=joined,
        slots=table.num_rows,
        slot_keys=key_table.num_rows,
        profile_links=links.num_rows,
    )
