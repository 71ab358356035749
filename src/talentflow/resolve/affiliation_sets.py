"""Organisations inferred from affiliation lists that cannot be aligned with the authors.

Many paper-list files (CVPR, ICCV, ECCV, WACV, SIGGRAPH; parts of ICML, ICLR, NeurIPS) give a
paper's affiliations as one list that does not line up with the author list (a
de-duplicated set, or an OpenReview list with entries missing). The parser keeps that
list on the paper (``papers.aff_set``); this module turns it into organisation decisions
for the author slots that have no evidence of their own (no ``slot_orgs`` row), with a
basis of their own so every later step and every user can tell them apart
(``slot_orgs.country_basis``):

``paper_set`` (rule a)
    every entry of the paper's set resolves (with the organisation resolver, text only)
    to one and the same organisation: each author slot of the paper gets it.
``person_papers`` (rule b)
    the slot's own set names at most ``max_candidates`` (2) organisations, and the
    slot's person (``slot_people.person_id``) has other papers within ``window`` years
    (0: the same year). Exactly one organisation of the set is named by at least
    ``min_share`` of the person's other unaligned sets in the window (all of them) and by
    at least ``min_evidence`` (3) of those sets and the person's aligned slots in the
    window, and no aligned slot of the person within ``conflict_window`` (1) years names
    another organisation: that organisation is assigned. Two or more organisations
    qualifying (a tie) -> left unresolved. The defaults are the strict setting that
    reached 97% precision when measured; looser ones (a one-year window, one piece of
    evidence) cover four times as many slots at about 92%.

Both are weaker than an aligned affiliation (``confidence`` 0.7 and 0.6) and are
measured in ``benchmarks/affiliation_sets.py`` by hiding the alignment of papers whose
affiliations are aligned (figures in ``benchmarks/RESULTS.md`` and
``docs/organisations.md``). The step runs in the build after people resolution and before
careers (``talentflow.build.steps.DERIVE_STEPS``), so stints, moves and indicators use them;
exclude them with ``country_basis NOT IN ('paper_set', 'person_papers')``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pyarrow as pa

from talentflow.graph.schema import SLOT_ORGS
from talentflow.graph.store import Store
from talentflow.progress import SILENT, Reporter
from talentflow.resolve.derive import map_with_progress, organisation_rows, store_organisations
from talentflow.resolve.orgs import Resolver

# organisations the resolver names after an affiliation text it matched to nothing else
TEXT_REGISTRY = "affiliation-text"
PAPER_BASIS = "paper_set"
PERSON_BASIS = "person_papers"
INFERRED_BASES = (PAPER_BASIS, PERSON_BASIS)
_INFERRED_SQL = ", ".join(f"'{b}'" for b in INFERRED_BASES)


@dataclass(frozen=True)
class AffiliationSetSettings:
    """How organisations are inferred from unaligned affiliation sets."""

    paper_rule: bool = True
    person_rule: bool = True
    # rule (b): evidence from the person's papers within this many years either side
    window: int = 0
    # rule (b): at least this many other papers/slots of the person naming the organisation
    min_evidence: int = 3
    # rule (b): share of the person's other unaligned sets in the window that must name
    # the organisation (1.0: all of them)
    min_share: float = 1.0
    # rule (b): the person's aligned slots in the window at the organisation count as support
    aligned_support: bool = True
    # rule (b): an aligned slot of the person at another organisation within this many years
    # refuses the assignment (0: the same year only)
    conflict_window: int = 1
    # rule (b): only slots whose own set names at most this many organisations (0: any)
    max_candidates: int = 2
    paper_confidence: float = 0.7
    person_confidence: float = 0.6

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ResolvedSet:
    """A paper's unaligned affiliation set, resolved entry by entry.

    ``orgs`` maps each organisation named to the country the entries naming it state
    (None when they state none or disagree); ``complete`` is False when some entry
    resolved to no organisation (the paper may then have authors elsewhere).
    """

    orgs: Mapping[str, str | None]
    complete: bool

    @property
    def org_ids(self) -> frozenset[str]:
        return frozenset(self.orgs)


@dataclass(frozen=True)
class Slot:
    """One author slot as the inference sees it."""

    paper_key: str
    author_index: int
    year: int
    person_id: str | None
    org_id: str | None  # the slot's own (aligned) organisation decision, if any
    has_set: bool  # the slot's paper has an unaligned affiliation set


@dataclass(frozen=True)
class Inferred:
    """An inferred organisation for one slot."""

    paper_key: str
    author_index: int
    org_id: str
    country: str | None
    basis: str  # paper_set or person_papers


def resolve_set(resolver: Resolver, texts: Iterable[str]) -> ResolvedSet:
    """Resolve each entry of a set with the organisation resolver (text only).

    >>> from talentflow.resolve.reference import ReferenceData
    >>> r = Resolver(ReferenceData.empty())
    >>> s = resolve_set(r, ["Moonshot AI, Ltd", "Moonshot AI"])
    >>> sorted(s.org_ids), s.complete
    (['tf:moonshot'], True)
    """
    countries: dict[str, set[str | None]] = defaultdict(set)
    complete = True
    any_text = False
    for text in texts:
        if not text or not text.strip():
            continue
        any_text = True
        res = resolver.resolve(text)
        if res.org_id is None:
            complete = False
            continue
        countries[res.org_id].add(res.country)
        # The resolver keeps the first organisation an entry names; an entry naming two
        # ('Nankai University, Tsinghua University') puts both in the set.
        for segment in text.split(",")[1:] if "," in text else ():
            extra = resolver.resolve(segment)
            org = resolver.org(extra.org_id)
            if org is not None and org.org_id != res.org_id and org.registry != TEXT_REGISTRY:
                countries[org.org_id].add(extra.country)
    orgs = {o: (next(iter(c)) if len(c) == 1 else None) for o, c in sorted(countries.items())}
    return ResolvedSet(orgs, complete and any_text)


def paper_rule(sets: Mapping[str, ResolvedSet]) -> dict[str, str]:
    """Rule (a): papers whose set is complete and names exactly one organisation."""
    return {key: next(iter(s.orgs)) for key, s in sets.items() if s.complete and len(s.orgs) == 1}


@dataclass
class _PersonEvidence:
    set_papers: list[tuple[int, str]] = field(default_factory=list)  # (year, paper_key)
    aligned: list[tuple[int, str, str]] = field(default_factory=list)  # (year, org, paper)


def person_rule(
    slots: Sequence[Slot],
    sets: Mapping[str, ResolvedSet],
    settings: AffiliationSetSettings,
    skip: Iterable[tuple[str, int]] = (),
) -> dict[tuple[str, int], str]:
    """Rule (b): organisations of slots (with a set, no organisation) from the person's
    other papers; see the module docstring. ``skip``: slots already decided."""
    done = set(skip)
    people: dict[str, _PersonEvidence] = defaultdict(_PersonEvidence)
    targets: list[Slot] = []
    for s in slots:
        if s.person_id is None:
            continue
        ev = people[s.person_id]
        if s.org_id is not None:
            ev.aligned.append((s.year, s.org_id, s.paper_key))
        elif s.has_set and s.paper_key in sets:
            ev.set_papers.append((s.year, s.paper_key))
            if (s.paper_key, s.author_index) not in done:
                targets.append(s)
    out: dict[tuple[str, int], str] = {}
    for s in targets:
        assert s.person_id is not None
        candidates = sets[s.paper_key].org_ids
        if not candidates or 0 < settings.max_candidates < len(candidates):
            continue
        ev = people[s.person_id]
        near = [
            sets[k].org_ids
            for y, k in dict.fromkeys(ev.set_papers)
            if k != s.paper_key and abs(y - s.year) <= settings.window
        ]
        aligned = Counter(
            o for y, o, k in ev.aligned if k != s.paper_key and abs(y - s.year) <= settings.window
        )
        winners = []
        for o in candidates:
            in_sets = sum(1 for e in near if o in e)
            support = in_sets + (aligned[o] if settings.aligned_support else 0)
            if support >= settings.min_evidence and in_sets >= settings.min_share * len(near):
                winners.append(o)
        if len(winners) != 1:
            continue  # none, or a tie: unresolved
        org = winners[0]
        if any(abs(y - s.year) <= settings.conflict_window and o != org for y, o, _ in ev.aligned):
            continue  # aligned evidence of the same year (window) names another organisation
        out[(s.paper_key, s.author_index)] = org
    return out


def infer(
    slots: Sequence[Slot],
    sets: Mapping[str, ResolvedSet],
    settings: AffiliationSetSettings | None = None,
) -> list[Inferred]:
    """Both rules on slots and resolved sets; only slots with a set and no organisation
    get a decision, rule (a) first."""
    settings = settings or AffiliationSetSettings()
    by_paper = paper_rule(sets) if settings.paper_rule else {}
    out: list[Inferred] = []
    decided: set[tuple[str, int]] = set()
    for s in slots:
        if s.has_set and s.org_id is None and s.paper_key in by_paper:
            org = by_paper[s.paper_key]
            out.append(
                Inferred(s.paper_key, s.author_index, org, sets[s.paper_key].orgs[org], PAPER_BASIS)
            )
            decided.add((s.paper_key, s.author_index))
    if settings.person_rule:
        for (key, idx), org in person_rule(slots, sets, settings, decided).items():
            out.append(Inferred(key, idx, org, sets[key].orgs.get(org), PERSON_BASIS))
    return out


# --- the build step -----------------------------------------------------------------------

_SETS_SQL = "SELECT paper_key, aff_set FROM papers WHERE aff_set IS NOT NULL"

# Every slot of the people who have a slot on a paper with a set, plus the set papers'
# slots without a person (rule a still applies to them).
_SLOTS_SQL = """
WITH set_slots AS (
  SELECT a.paper_key, a.author_index
  FROM authorships a JOIN papers p ON p.paper_key = a.paper_key
  WHERE p.aff_set IS NOT NULL
),
set_people AS (
  SELECT DISTINCT sp.person_id
  FROM slot_people sp
  JOIN set_slots s ON s.paper_key = sp.paper_key AND s.author_index = sp.author_index
),
wanted AS (
  SELECT sp.paper_key, sp.author_index, sp.person_id
  FROM slot_people sp JOIN set_people USING (person_id)
  UNION
  SELECT s.paper_key, s.author_index, sp.person_id
  FROM set_slots s
  LEFT JOIN slot_people sp ON sp.paper_key = s.paper_key AND sp.author_index = s.author_index
)
SELECT w.paper_key, w.author_index, a.year, w.person_id, so.org_id,
       so.paper_key IS NOT NULL AS has_row, p.aff_set IS NOT NULL AS has_set
FROM wanted w
JOIN authorships a ON a.paper_key = w.paper_key AND a.author_index = w.author_index
JOIN papers p ON p.paper_key = w.paper_key
LEFT JOIN slot_orgs so ON so.paper_key = w.paper_key AND so.author_index = w.author_index
 AND coalesce(so.country_basis, '') NOT IN ({inferred})
ORDER BY w.paper_key, w.author_index
"""


@dataclass(frozen=True)
class AffiliationSetResult:
    """What the affiliation-sets step wrote."""

    papers_with_set: int
    slots_without_org: int
    paper_set: int
    person_papers: int
    settings: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def resolve_store_sets(
    resolver: Resolver,
    rows: Sequence[tuple[str, list[str]]],
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, ResolvedSet]:
    """paper_key -> resolved set, for (paper_key, aff_set) rows."""
    sets = map_with_progress(lambda row: resolve_set(resolver, row[1]), rows, on_progress)
    return {key: s for (key, _), s in zip(rows, sets, strict=True)}


def derive_affiliation_sets(
    store: Store,
    settings: AffiliationSetSettings | None = None,
    resolver: Resolver | None = None,
    reporter: Reporter = SILENT,
) -> AffiliationSetResult:
    """Add inferred decisions to ``slot_orgs`` for the slots of papers with an unaligned set
    that have no row there (no affiliation, domain or source label of their own).

    Runs after the organisations and people steps (it reads ``slot_orgs`` and
    ``slot_people``); earlier inferred rows are replaced, other rows never touched, so
    running it twice changes nothing.
    """
    from talentflow.resolve.reference import load_reference

    settings = settings or AffiliationSetSettings()
    con = store.con
    set_rows = [(str(k), list(v)) for k, v in con.sql(_SETS_SQL).fetchall()]
    if not set_rows:
        con.execute(f"DELETE FROM slot_orgs WHERE country_basis IN ({_INFERRED_SQL})")
        return AffiliationSetResult(0, 0, 0, 0, settings.as_dict())
    if resolver is None:
        resolver = Resolver(load_reference())
    with reporter.bar("resolving affiliation sets", total=len(set_rows)) as advance:
        sets = resolve_store_sets(resolver, set_rows, on_progress=advance)
    with reporter.bar("inferring slot organisations", total=1) as advance:
        rows = con.sql(_SLOTS_SQL.replace("{inferred}", _INFERRED_SQL)).fetchall()
        # a slot with a row of its own (even without an organisation) is not filled in
        slots = [
            Slot(str(r[0]), int(r[1]), int(r[2]), r[3], r[4], bool(r[6]) and not r[5]) for r in rows
        ]
        decisions = [
            replace(d, country=d.country or _org_country(resolver, d.org_id))
            for d in infer(slots, sets, settings)
        ]
        advance(1)
    _write(store, resolver, decisions, settings)
    counts = Counter(d.basis for d in decisions)
    result = AffiliationSetResult(
        papers_with_set=len(set_rows),
        slots_without_org=sum(1 for s in slots if s.has_set and s.org_id is None),
        paper_set=counts[PAPER_BASIS],
        person_papers=counts[PERSON_BASIS],
        settings=settings.as_dict(),
    )
    reporter.note(
        f"affiliation sets: {result.papers_with_set:,} papers with an unaligned set, "
        f"{result.slots_without_org:,} of their slots without an organisation; inferred "
        f"{result.paper_set:,} from the paper's set, {result.person_papers:,} from the "
        "person's papers"
    )
    return result


def _org_country(resolver: Resolver, org_id: str) -> str | None:
    org = resolver.org(org_id)
    return org.country if org is not None else None


def _write(
    store: Store,
    resolver: Resolver,
    decisions: Sequence[Inferred],
    settings: AffiliationSetSettings,
) -> None:
    con = store.con
    known = {str(r[0]) for r in con.sql("SELECT org_id FROM organisations").fetchall()}
    orgs_table = organisation_rows(resolver, {d.org_id for d in decisions}, known)
    confidence = {PAPER_BASIS: settings.paper_confidence, PERSON_BASIS: settings.person_confidence}
    version = f"{resolver.version}+affsets"
    rows = pa.Table.from_pylist(
        [
            {
                "paper_key": d.paper_key,
                "author_index": d.author_index,
                "org_id": d.org_id,
                "country": d.country,
                "country_basis": d.basis,
                "hq_country": _hq(resolver, d.org_id),
                "confidence": confidence[d.basis],
                "resolver_version": version,
            }
            for d in decisions
        ],
        schema=SLOT_ORGS.arrow_schema(),
    )
    with store.transaction():
        con.execute(f"DELETE FROM slot_orgs WHERE country_basis IN ({_INFERRED_SQL})")
        store_organisations(store, orgs_table)
        store.append_arrow(SLOT_ORGS, rows)


def _hq(resolver: Resolver, org_id: str) -> str | None:
    org = resolver.org(org_id)
    while org is not None and org.hq_country is None and org.parent_org_id:
        org = resolver.org(org.parent_org_id)
    return org.hq_country if org is not None else None
