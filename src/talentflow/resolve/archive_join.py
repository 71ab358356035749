"""Which paper, and which author slot, each record of the OpenReview archive belongs to.

The archive (:mod:`talentflow.sources.papercopilot_openreview`) is keyed by the
OpenReview forum id and carries no title, status or track: those come from the
paper the record joins, and the archive's values go on that paper's author slots.

Papers are joined, in order of trust:

1. ``forum_id``: the paper list's record id is the forum id (most OpenReview venues).
2. ``venue_file``: a venue-year with no paper list, joined to the archive's own
   ``venues/`` file by forum id.
3. ``author_names``: where the paper list's ids are not forum ids (ICML 2025 comes
   from icml.cc, ``site_...`` ids; the archive has no titles), the author lists
   themselves: the family names of both lists must overlap by at least
   ``MIN_FAMILY_JACCARD`` and the pair must be each other's single best candidate
   among the records not joined yet (ties join nothing).

A record that joins nothing is left out and counted (``unjoined``). Slots are matched
by OpenReview id where the paper list has ids, else by position when both name lists
agree, else by a name key unique within the paper (full name, then first name and
family name, then family name).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pyarrow as pa

from talentflow.resolve.names import parse_name
from talentflow.sources.papercopilot_openreview import ArchiveRecord, VenuePaper

MIN_FAMILY_JACCARD = 0.6
METHODS = ("forum_id", "venue_file", "author_names", "unjoined")


@dataclass(frozen=True)
class PaperJoin:
    """Where one archive record goes: a paper and, per archive author, a slot."""

    forum_id: str
    method: str
    paper_key: str | None
    """The paper list's store key, or ``venues/<venue>/<venue><year>#<record index>``."""
    slots: dict[int, int] = field(default_factory=dict)
    """Archive author index -> the paper's author index, for authors carrying values."""
    slot_methods: dict[int, str] = field(default_factory=dict)


@dataclass
class JoinCounts:
    """How the records of one venue-year joined (the benchmark prints these)."""

    records: int = 0
    by_method: Counter[str] = field(default_factory=Counter)
    authors_with_values: int = 0
    authors_on_slots: int = 0
    by_slot_method: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, object]:
        return {
            "records": self.records,
            **{m: self.by_method[m] for m in METHODS},
            "authors_with_values": self.authors_with_values,
            "authors_on_slots": self.authors_on_slots,
            **{f"slots_by_{k}": v for k, v in sorted(self.by_slot_method.items())},
        }


@dataclass(frozen=True)
class _Paper:
    key: str
    names: tuple[str, ...]
    ids: tuple[str | None, ...]


def _papers_from_tables(papers: pa.Table, authorships: pa.Table) -> dict[str, _Paper]:
    """Paper lists (store or parser tables) as {paper_id: paper with its ordered slots}."""
    names: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    cols = authorships.select(["paper_key", "author_index", "name", "profile_id"]).to_pydict()
    for key, index, name, pid in zip(
        cols["paper_key"], cols["author_index"], cols["name"], cols["profile_id"], strict=True
    ):
        names[key].append((index, name, pid))
    out: dict[str, _Paper] = {}
    pcols = papers.select(["paper_key", "paper_id"]).to_pydict()
    for key, pid in zip(pcols["paper_key"], pcols["paper_id"], strict=True):
        slots = sorted(names.get(key, []))
        out[str(pid)] = _Paper(key, tuple(s[1] for s in slots), tuple(s[2] for s in slots))
    return out


@lru_cache(maxsize=1 << 16)
def _family(name: str) -> str:
    parsed = parse_name(name)
    return parsed.family_canon if parsed.quality != "unresolved" else name.strip().casefold()


def _families(names: Sequence[str]) -> frozenset[str]:
    return frozenset(f for f in map(_family, names) if f)


@lru_cache(maxsize=1 << 16)
def _name_keys(name: str) -> tuple[str, str, str]:
    """(full name, first and family name, family name) keys of one written name."""
    parsed = parse_name(name)
    if parsed.quality == "unresolved":
        key = parsed.raw.strip().casefold()
        return key, key, key
    return parsed.key_concat, parsed.key_first, parsed.family_canon


def match_slots(
    record: ArchiveRecord, names: Sequence[str], ids: Sequence[str | None] = ()
) -> tuple[dict[int, int], dict[int, str]]:
    """Archive author index -> paper author index for the authors carrying values, and
    how each was matched; an author with no sound match is left out.

    ``id``: the same OpenReview id. ``name``: a name key (full name, then first and
    family name, then family name) held by one author on each side. ``position``: when
    both lists are as long and every author matched so far (at least half) sits at the
    same position, the rest are taken in order ("Julius Von Kügelgen" for "Julius von
    Kuegelgen", "Ken Miller" beside "Michelle Miller").
    """
    n = len(record.names)
    slots: dict[int, int] = {}
    how: dict[int, str] = {}
    id_pos = {pid: j for j, pid in enumerate(ids) if pid}
    for i, aid in enumerate(record.author_ids[:n]):
        if aid and aid in id_pos:
            slots[i], how[i] = id_pos[aid], "id"
    wanted = {a.author_index for a in record.authors}
    if wanted <= slots.keys():  # every author with values placed by id: names add nothing
        return {i: slots[i] for i in slots if i in wanted}, {i: how[i] for i in how if i in wanted}
    taken = set(slots.values())
    mine_keys = [_name_keys(x) for x in record.names]
    paper_keys = [_name_keys(x) for x in names]
    for level in range(3):
        index: dict[str, list[int]] = defaultdict(list)
        for j, keys in enumerate(paper_keys):
            if keys[level] and j not in taken:
                index[keys[level]].append(j)
        mine = Counter(k[level] for i, k in enumerate(mine_keys) if i not in slots)
        for i, keys in enumerate(mine_keys):
            found = index.get(keys[level], [])
            if i not in slots and keys[level] and len(found) == 1 and mine[keys[level]] == 1:
                slots[i], how[i] = found[0], "name"
                taken.add(found[0])
    in_order = all(i == j for i, j in slots.items())
    if len(names) == n and in_order and 2 * len(slots) >= n:
        for i in range(n):
            if i not in slots:
                slots[i], how[i] = i, "position"
    return (
        {i: j for i, j in slots.items() if i in wanted},
        {i: m for i, m in how.items() if i in wanted},
    )


def _best(
    mine: frozenset[str], others: dict[str, frozenset[str]], index: dict[str, set[str]]
) -> str | None:
    """The single best candidate by family-name Jaccard, if it reaches
    ``MIN_FAMILY_JACCARD`` (None on a tie). A candidate that reaches it shares one of the
    ``len - ceil(t * len) + 1`` rarest families (prefix filtering), so only those are read,
    and has between ``t * len`` and ``len / t`` families (the length bound)."""
    if not mine:
        return None
    need = math.ceil(MIN_FAMILY_JACCARD * len(mine) - 1e-9)
    rare = sorted(mine, key=lambda f: (len(index.get(f, ())), f))[: len(mine) - need + 1]
    cands: set[str] = set()
    for fam in rare:
        cands.update(index.get(fam, ()))
    low, high = MIN_FAMILY_JACCARD * len(mine) - 1e-9, len(mine) / MIN_FAMILY_JACCARD + 1e-9
    best: tuple[float, str | None] = (0.0, None)
    tied = False
    for c in cands:
        size = len(others[c])
        if not low <= size <= high:
            continue
        n = len(mine & others[c])
        score = n / (len(mine) + size - n)
        if score > best[0]:
            best, tied = (score, c), False
        elif score == best[0]:
            tied = True
    return best[1] if best[0] >= MIN_FAMILY_JACCARD and not tied else None


def _sound_pair(a: Sequence[str], b: Sequence[str], fa: frozenset[str], fb: frozenset[str]) -> bool:
    """Two family names in common, or one author each with the same first and family name."""
    if len(fa & fb) >= 2:
        return True
    if len(a) == len(b) == 1:
        key = _name_keys(a[0])[1]
        return bool(key) and key == _name_keys(b[0])[1]
    return False


def join_by_author_names(
    records: Mapping[str, Sequence[str]], papers: Mapping[str, Sequence[str]]
) -> dict[str, str]:
    """Record id -> paper id (each maps to its author names) for the pairs that are each
    other's single best candidate by family-name Jaccard, at ``MIN_FAMILY_JACCARD`` or
    more, sharing two family names (or, for one author each, the same name)."""
    fam_r = {rid: _families(names) for rid, names in records.items()}
    fam_p = {pid: _families(names) for pid, names in papers.items()}
    by_family_p, by_family_r = _posting(fam_p), _posting(fam_r)
    out: dict[str, str] = {}
    for rid, fams in fam_r.items():
        best = _best(fams, fam_p, by_family_p)
        if (
            best is not None
            and _best(fam_p[best], fam_r, by_family_r) == rid
            and _sound_pair(records[rid], papers[best], fams, fam_p[best])
        ):
            out[rid] = best
    return out


def _posting(sets: Mapping[str, frozenset[str]]) -> dict[str, set[str]]:
    """Family name -> the ids whose set holds it."""
    index: dict[str, set[str]] = defaultdict(set)
    for key, fams in sets.items():
        for fam in fams:
            index[fam].add(key)
    return index


def join_archive(
    records: Sequence[ArchiveRecord],
    papers: pa.Table | None = None,
    authorships: pa.Table | None = None,
    venue_papers: Sequence[VenuePaper] | None = None,
    venue_file_key: str = "",
) -> tuple[list[PaperJoin], JoinCounts]:
    """Join one venue-year's archive records to its paper list (``papers`` and
    ``authorships`` with the store's columns), or, without one, to its ``venues/`` file."""
    counts = JoinCounts(records=len(records))
    listed = _papers_from_tables(papers, authorships) if papers is not None else {}
    if authorships is None and papers is not None:
        raise ValueError("papers without authorships")
    if not listed and venue_papers:
        listed = {
            v.forum_id: _Paper(f"{venue_file_key}#{i}", v.names, v.author_ids)
            for i, v in enumerate(venue_papers)
        }
        first_method = "venue_file"
    else:
        first_method = "forum_id"
    joined: dict[str, tuple[str, str]] = {}
    for rec in records:
        if rec.forum_id in listed:
            joined[rec.forum_id] = (rec.forum_id, first_method)
    used = {pid for pid, _ in joined.values()}
    left_records = {r.forum_id: r.names for r in records if r.forum_id not in joined}
    left_papers = {pid: p.names for pid, p in listed.items() if pid not in used}
    for rid, pid in join_by_author_names(left_records, left_papers).items():
        joined[rid] = (pid, "author_names")
    out: list[PaperJoin] = []
    for rec in records:
        counts.authors_with_values += len(rec.authors)
        if rec.forum_id not in joined:
            counts.by_method["unjoined"] += 1
            out.append(PaperJoin(rec.forum_id, "unjoined", None))
            continue
        pid, method = joined[rec.forum_id]
        paper = listed[pid]
        slots, how = match_slots(rec, paper.names, paper.ids)
        counts.by_method[method] += 1
        counts.authors_on_slots += len(slots)
        counts.by_slot_method.update(how.values())
        out.append(PaperJoin(rec.forum_id, method, paper.key, slots, how))
    return out, counts
