"""Synthetic talent graphs with known careers: the injected truth for tests and benchmarks.

:func:`generate` draws people, organisations (universities and companies in a set of
countries, some companies headquartered abroad), careers (stages advancing along
undergraduate -> masters -> PhD -> postdoc -> faculty or industry, with moves between
organisations at a known yearly rate, forced when a career changes sector), papers and
author slots (each person publishes every career year, one to three slots, each stating a
position in the sources' own vocabulary; a share of slots states none), and rejected
submissions from random organisations that every derivation must ignore. It returns the
store tables (papers, authorships, organisations, slot_orgs, people, slot_people) plus the
truth: the moves and stints the careers step must recover exactly.

Everything is vectorised with NumPy and Arrow: a million author slots take a few
seconds on two cores, so the scale benchmarks (1M-10M slots) use the same generator.

>>> g = generate(SyntheticSpec(people=50, seed=1))
>>> g.authorships.num_rows == g.slot_people.num_rows
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from talentflow.careers.stages import STAGES
from talentflow.graph.schema import (
    AUTHORSHIPS,
    MOVES,
    ORGANISATIONS,
    PAPERS,
    PEOPLE,
    SLOT_ORGS,
    SLOT_PEOPLE,
    SOURCE_FILES,
    STINTS,
)
from talentflow.graph.store import Store

# Stage codes of the generator (index into STAGE_NAMES).
UG, MS, PHD, POSTDOC, FACULTY, IND_RESEARCH, IND_OTHER = range(7)
STAGE_NAMES = tuple(s for s in STAGES if s != "unknown")
# Positions as the sources spell them, several per stage (all map back to the stage).
POSITIONS: tuple[tuple[str, ...], ...] = (
    ("Undergrad student", "Undergraduate Student", "Bachelor student"),
    ("MS student", "Master student", "MSc student"),
    ("PhD student", "Ph.D. student", "PhD Student", "PhD candidate"),
    ("Postdoc", "Postdoctoral Researcher", "Research Fellow"),
    ("Assistant Professor", "Associate Professor", "Full Professor", "Lecturer"),
    ("Research Scientist", "Researcher", "Senior Research Scientist", "Research Intern"),
    ("Software Engineer", "Machine Learning Engineer", "Data Scientist", "Founder"),
)
_ACADEMIC_STAGES = (UG, MS, PHD, POSTDOC, FACULTY)
DEFAULT_COUNTRIES: tuple[tuple[str, float], ...] = (
    ("US", 0.40),
    ("CN", 0.20),
    ("GB", 0.07),
    ("DE", 0.06),
    ("CA", 0.06),
    ("KR", 0.05),
    ("FR", 0.05),
    ("JP", 0.04),
    ("IN", 0.04),
    ("SG", 0.03),
)


@dataclass(frozen=True)
class SyntheticSpec:
    """How big and how mobile the synthetic world is."""

    people: int = 1_000
    orgs: int = 60
    industry_share: float = 0.35
    hq_abroad_share: float = 0.3
    countries: tuple[tuple[str, float], ...] = DEFAULT_COUNTRIES
    first_year: int = 2013
    last_year: int = 2025
    move_rate: float = 0.12
    advance_rate: float = 0.3
    industry_exit_rate: float = 0.4
    oral_share: float = 0.1
    missing_position_share: float = 0.2
    rejected_slot_share: float = 0.05
    authors_per_paper: int = 4
    venue: str = "synth"
    seed: int = 0
    entry_stage_weights: tuple[float, ...] = field(default=(0.25, 0.2, 0.3, 0.05, 0.05, 0.1, 0.05))


@dataclass(frozen=True)
class SyntheticGraph:
    """Store tables plus the truth they were drawn from."""

    spec: SyntheticSpec
    papers: pa.Table
    authorships: pa.Table
    organisations: pa.Table
    slot_orgs: pa.Table
    people: pa.Table
    slot_people: pa.Table
    source_files: pa.Table
    true_moves: pa.Table
    true_stints: pa.Table
    # person x year matrices (-1: not active), for tests that compute indicators directly.
    org_matrix: Any
    stage_matrix: Any

    @property
    def years(self) -> list[int]:
        return list(range(self.spec.first_year, self.spec.last_year + 1))

    def write(self, store: Store) -> None:
        """Append the store tables (not the truth) to ``store`` in one transaction."""
        with store.transaction():
            store.append_arrow(SOURCE_FILES, self.source_files)
            store.append_arrow(PAPERS, self.papers)
            store.append_arrow(AUTHORSHIPS, self.authorships)
            store.append_arrow(ORGANISATIONS, self.organisations)
            store.append_arrow(SLOT_ORGS, self.slot_orgs)
            store.append_arrow(PEOPLE, self.people)
            store.append_arrow(SLOT_PEOPLE, self.slot_people)


def _ids(prefix: str, numbers: Any) -> pa.Array:
    text = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    return pc.binary_join_element_wise(prefix, text, "")


def _take(values: Any, index: Any) -> pa.Array:
    return pc.take(pa.array(values), pa.array(index, pa.int64()))


def generate(spec: SyntheticSpec | None = None) -> SyntheticGraph:
    """Draw a synthetic talent graph (see the module docstring)."""
    import numpy as np

    spec = spec or SyntheticSpec()
    rng = np.random.default_rng(spec.seed)
    years = np.arange(spec.first_year, spec.last_year + 1)
    n_years = len(years)
    n_people = spec.people

    # Organisations: a country each, academia or industry, headquarters for companies.
    codes = np.array([c for c, _ in spec.countries])
    weights = np.array([w for _, w in spec.countries], dtype=float)
    weights /= weights.sum()
    n_ind = max(3, round(spec.orgs * spec.industry_share))
    n_acad = max(3, spec.orgs - n_ind)
    n_orgs = n_acad + n_ind
    org_country_ix = rng.choice(len(codes), size=n_orgs, p=weights)
    is_industry = np.arange(n_orgs) >= n_acad
    hq_ix = org_country_ix.copy()
    abroad = is_industry & (rng.random(n_orgs) < spec.hq_abroad_share)
    hq_ix[abroad] = rng.choice(len(codes), size=int(abroad.sum()), p=weights)
    acad_orgs = np.arange(n_acad)
    ind_orgs = np.arange(n_acad, n_orgs)

    # Careers: a person x year matrix of stage and organisation (-1 when not active).
    stage = np.full((n_people, n_years), -1, dtype=np.int8)
    org = np.full((n_people, n_years), -1, dtype=np.int32)
    start = rng.integers(0, n_years, size=n_people)
    length = np.minimum(1 + rng.geometric(0.18, size=n_people), n_years - start)
    entry_w = np.array(spec.entry_stage_weights, dtype=float)
    cur_stage = rng.choice(len(STAGE_NAMES), size=n_people, p=entry_w / entry_w.sum())
    cur_org = np.where(
        np.isin(cur_stage, _ACADEMIC_STAGES),
        rng.choice(acad_orgs, size=n_people),
        rng.choice(ind_orgs, size=n_people),
    )
    # The organisation before the current one: a move never returns there, so the world
    # holds no one-year visit (A, B, A) that the careers step would rightly read as no move.
    prev_org = np.full(n_people, -1, dtype=np.int64)
    for t in range(n_years):
        active = (t >= start) & (t < start + length)
        later = active & (t > start)
        # Stage advances: education and postdoc move up; a postdoc ends in faculty or
        # industry; faculty and industry people occasionally change sector.
        adv = later & (rng.random(n_people) < spec.advance_rate)
        nxt = cur_stage.copy()
        edu = adv & (cur_stage <= PHD)
        nxt[edu] = cur_stage[edu] + 1
        pd = adv & (cur_stage == POSTDOC)
        nxt[pd] = np.where(rng.random(int(pd.sum())) < 0.5, FACULTY, IND_RESEARCH)
        phd_out = edu & (cur_stage == PHD) & (rng.random(n_people) < 0.4)
        nxt[phd_out] = IND_RESEARCH
        ind = adv & (cur_stage >= IND_RESEARCH) & (rng.random(n_people) < spec.industry_exit_rate)
        nxt[ind] = np.where(cur_stage[ind] == IND_RESEARCH, IND_OTHER, IND_RESEARCH)
        # Organisation: move at the yearly rate, and always when the sector changes.
        was_acad = np.isin(cur_stage, _ACADEMIC_STAGES)
        now_acad = np.isin(nxt, _ACADEMIC_STAGES)
        move = later & ((rng.random(n_people) < spec.move_rate) | (was_acad != now_acad))
        new_org = np.where(
            now_acad, rng.choice(acad_orgs, size=n_people), rng.choice(ind_orgs, size=n_people)
        )
        pool_size = np.where(now_acad, n_acad, n_ind)
        base = np.where(now_acad, 0, n_acad)
        for _ in range(2):  # step past the current and the previous organisation
            clash = (new_org == cur_org) | (new_org == prev_org)
            new_org[clash] = base[clash] + (new_org[clash] - base[clash] + 1) % pool_size[clash]
        prev_org = np.where(move, cur_org, prev_org)
        cur_org = np.where(move, new_org, cur_org)
        cur_stage = nxt
        stage[active, t] = cur_stage[active]
        org[active, t] = cur_org[active]

    # Truth: moves (change of organisation between consecutive active years) and stints.
    p_ix, t_ix = np.nonzero(org[:, 1:] != org[:, :-1])
    keep = (org[p_ix, t_ix] >= 0) & (org[p_ix, t_ix + 1] >= 0)
    p_ix, t_ix = p_ix[keep], t_ix[keep]
    from_org, to_org = org[p_ix, t_ix], org[p_ix, t_ix + 1]
    true_moves = pa.table(
        {
            "person_id": _ids("syn-p", p_ix),
            "from_org_id": _ids("syn-org", from_org),
            "to_org_id": _ids("syn-org", to_org),
            "from_country": _take(codes, org_country_ix[from_org]),
            "to_country": _take(codes, org_country_ix[to_org]),
            "year": pa.array(years[t_ix + 1], pa.int32()),
            "evidence": pa.array(["paper"] * len(p_ix)),
        },
        schema=MOVES.arrow_schema(),
    )
    true_stints = _stints_truth(org, stage, years, codes, org_country_ix)

    # Author slots: 1-3 per active person-year, all from the person's organisation.
    ap, at = np.nonzero(org >= 0)
    n_slots = 1 + rng.binomial(2, 0.35, size=len(ap))
    s_person = np.repeat(ap, n_slots)
    s_t = np.repeat(at, n_slots)
    first_of_year = np.zeros(len(s_person), dtype=bool)
    first_of_year[np.concatenate(([0], np.cumsum(n_slots)[:-1]))] = True
    s_org = org[s_person, s_t]
    s_stage = stage[s_person, s_t].astype(np.int64)
    n_var = np.array([len(v) for v in POSITIONS])
    variant = rng.integers(0, 1 << 30, size=len(s_person)) % n_var[s_stage]
    flat_positions = [p for v in POSITIONS for p in v]
    offsets = np.concatenate(([0], np.cumsum(n_var)[:-1]))
    pos_ix = offsets[s_stage] + variant
    # A share of slots states no position; the first slot of each person-year always does,
    # so every year's stage stays observable.
    silent = (~first_of_year) & (rng.random(len(s_person)) < spec.missing_position_share)
    s_accepted = np.ones(len(s_person), dtype=bool)

    # Rejected submissions from random organisations and positions: must be ignored.
    n_rej = int(len(s_person) * spec.rejected_slot_share)
    r_person = rng.integers(0, n_people, size=n_rej)
    r_t = rng.integers(0, n_years, size=n_rej)
    r_org = rng.integers(0, n_orgs, size=n_rej)
    r_pos = rng.integers(0, len(flat_positions), size=n_rej)

    person = np.concatenate((s_person, r_person))
    tix = np.concatenate((s_t, r_t))
    slot_org = np.concatenate((s_org, r_org))
    position_ix = np.concatenate((pos_ix, r_pos))
    no_position = np.concatenate((silent, np.zeros(n_rej, dtype=bool)))
    accepted = np.concatenate((s_accepted, np.zeros(n_rej, dtype=bool)))

    # Papers: slots of one year and status shuffled into papers of ``authors_per_paper``.
    order = np.lexsort((rng.random(len(person)), ~accepted, tix))
    person, tix, slot_org = person[order], tix[order], slot_org[order]
    position_ix, no_position, accepted = position_ix[order], no_position[order], accepted[order]
    group = tix.astype(np.int64) * 2 + (~accepted)
    new_group = np.ones(len(group), dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(len(group)), 0))
    rank_in_group = np.arange(len(group)) - group_start
    author_index = (rank_in_group % spec.authors_per_paper).astype(np.int32)
    # Papers are numbered across the whole graph, so keys stay unique within a year's file.
    record_index = np.cumsum(author_index == 0) - 1
    paper_year = years[tix]
    file_key = _file_keys(spec.venue, paper_year)
    paper_key = pc.binary_join_element_wise(
        file_key, pc.cast(pa.array(record_index, pa.int64()), pa.string()), "#"
    )
    slots = len(person)
    paper_first = author_index == 0
    p_sizes = np.diff(np.append(np.nonzero(paper_first)[0], slots))
    p_year = paper_year[paper_first]
    p_accepted = accepted[paper_first]
    p_oral = p_accepted & (rng.random(len(p_year)) < spec.oral_share)
    prov_n = len(p_year)

    pos_values = pa.array(flat_positions)
    position = pc.if_else(
        pa.array(no_position), pa.scalar(None, pa.string()), pc.take(pos_values, position_ix)
    )
    org_ids = _ids("syn-org", slot_org)
    slot_country = _take(codes, org_country_ix[slot_org])
    slot_hq = _take(codes, hq_ix[slot_org])
    person_ids = _ids("syn-p", person)
    org_kind = np.where(is_industry, "industry", "academia")
    org_names = [
        f"Synthetic {'Labs' if is_industry[i] else 'University'} {i}" for i in range(n_orgs)
    ]

    null_str = pa.nulls(slots, pa.string())
    sha = pa.array(["synthetic"] * slots)
    source = pa.array(["synthetic"] * slots)
    authorships = pa.table(
        {
            "paper_key": paper_key,
            "author_index": pa.array(author_index, pa.int32()),
            "venue": pa.array([spec.venue] * slots),
            "year": pa.array(paper_year, pa.int32()),
            "accepted": pa.array(accepted),
            "name": pc.binary_join_element_wise(
                "Person ", pc.cast(pa.array(person), pa.string()), ""
            ),
            "profile_id": null_str,
            "profile_kind": null_str,
            "affiliation": pc.take(pa.array(org_names), pa.array(slot_org, pa.int64())),
            "aff_domain": null_str,
            "position": position,
            "aff_basis": null_str,
            "source_orgs": pa.nulls(slots, pa.list_(pa.string())),
            "source_countries": pa.nulls(slots, pa.list_(pa.string())),
            "source": source,
            "file_key": file_key,
            "file_sha256": sha,
            "record_index": pa.array(record_index, pa.int32()),
        },
        schema=AUTHORSHIPS.arrow_schema(),
    )
    first_rows = pa.array(np.nonzero(paper_first)[0])
    papers = pa.table(
        {
            "paper_key": pc.take(paper_key, first_rows),
            "venue": pa.array([spec.venue] * prov_n),
            "year": pa.array(p_year, pa.int32()),
            "paper_id": pc.take(paper_key, first_rows),
            "title": pa.nulls(prov_n, pa.string()),
            "track": pa.array(["main"] * prov_n),
            "status": pa.array(np.where(~p_accepted, "Reject", np.where(p_oral, "Oral", "Poster"))),
            "accepted": pa.array(p_accepted),
            "is_oral": pa.array(p_oral),
            "keywords": pa.nulls(prov_n, pa.string()),
            "primary_area": pa.nulls(prov_n, pa.string()),
            "n_authors": pa.array(p_sizes, pa.int32()),
            "doubled_list": pa.array(np.zeros(prov_n, dtype=bool)),
            "dropped_fields": pa.nulls(prov_n, pa.list_(pa.string())),
            "aff_set": pa.nulls(prov_n, pa.list_(pa.string())),
            "aff_domain_set": pa.nulls(prov_n, pa.list_(pa.string())),
            "source": pa.array(["synthetic"] * prov_n),
            "file_key": pc.take(file_key, first_rows),
            "file_sha256": pa.array(["synthetic"] * prov_n),
            "record_index": pa.array(record_index[paper_first], pa.int32()),
        },
        schema=PAPERS.arrow_schema(),
    )
    organisations = pa.table(
        {
            "org_id": _ids("syn-org", np.arange(n_orgs)),
            "name": pa.array(org_names),
            "kind": pa.array(org_kind),
            "country": _take(codes, org_country_ix),
            "hq_country": _take(codes, hq_ix),
            "parent_org_id": pa.nulls(n_orgs, pa.string()),
            "registry": pa.array(["synthetic"] * n_orgs),
        },
        schema=ORGANISATIONS.arrow_schema(),
    )
    slot_orgs = pa.table(
        {
            "paper_key": paper_key,
            "author_index": pa.array(author_index, pa.int32()),
            "org_id": org_ids,
            "country": slot_country,
            "country_basis": pa.array(["registry"] * slots),
            "hq_country": slot_hq,
            "confidence": pa.array(np.ones(slots)),
            "resolver_version": pa.array(["synthetic"] * slots),
        },
        schema=SLOT_ORGS.arrow_schema(),
    )
    slot_people = pa.table(
        {
            "paper_key": paper_key,
            "author_index": pa.array(author_index, pa.int32()),
            "person_id": person_ids,
            "evidence": pa.array(["strong_id"] * slots),
            "score": pa.nulls(slots, pa.float64()),
        },
        schema=SLOT_PEOPLE.arrow_schema(),
    )
    counts = np.bincount(person, minlength=n_people)
    people = pa.table(
        {
            "person_id": _ids("syn-p", np.arange(n_people)),
            "display_name": pc.binary_join_element_wise(
                "Person ", pc.cast(pa.array(np.arange(n_people)), pa.string()), ""
            ),
            "strong_id": _ids("syn-p", np.arange(n_people)),
            "n_slots": pa.array(counts, pa.int32()),
        },
        schema=PEOPLE.arrow_schema(),
    )
    source_files = _source_files(spec, papers, authorships)
    return SyntheticGraph(
        spec=spec,
        papers=papers,
        authorships=authorships,
        organisations=organisations,
        slot_orgs=slot_orgs,
        people=people,
        slot_people=slot_people,
        source_files=source_files,
        true_moves=true_moves,
        true_stints=true_stints,
        org_matrix=org,
        stage_matrix=stage,
    )


def _file_keys(venue: str, year_per_slot: Any) -> pa.Array:
    text = pc.cast(pa.array(year_per_slot, pa.int64()), pa.string())
    return pc.binary_join_element_wise(f"{venue}/{venue}", text, "")


def _stints_truth(org: Any, stage: Any, years: Any, codes: Any, org_country_ix: Any) -> pa.Table:
    """Runs of the same (organisation, stage) over consecutive active years."""
    import numpy as np

    n_people, n_years = org.shape
    key = org.astype(np.int64) * 16 + stage.astype(np.int64)
    key[org < 0] = -1
    change = np.ones((n_people, n_years), dtype=bool)
    change[:, 1:] = key[:, 1:] != key[:, :-1]
    starts_p, starts_t = np.nonzero(change & (key >= 0))
    ends = np.ones((n_people, n_years), dtype=bool)
    ends[:, :-1] = key[:, :-1] != key[:, 1:]
    _ends_p, ends_t = np.nonzero(ends & (key >= 0))
    # np.nonzero is row-major, so starts and ends pair up in order.
    o = org[starts_p, starts_t]
    return pa.table(
        {
            "person_id": _ids("syn-p", starts_p),
            "org_id": _ids("syn-org", o),
            "country": _take(codes, org_country_ix[o]),
            "stage": _take(np.array(STAGE_NAMES), stage[starts_p, starts_t]),
            "first_year": pa.array(years[starts_t], pa.int32()),
            "last_year": pa.array(years[ends_t], pa.int32()),
            "evidence": pa.array(["paper"] * len(starts_p)),
        },
        schema=STINTS.arrow_schema(),
    )


def _source_files(spec: SyntheticSpec, papers: pa.Table, slots: pa.Table) -> pa.Table:
    from datetime import UTC, datetime

    rows = []
    now = datetime.now(UTC).replace(tzinfo=None)
    per_file = papers.group_by("file_key").aggregate([("year", "min"), ("paper_key", "count")])
    per_slot = slots.group_by("file_key").aggregate([("paper_key", "count")])
    slot_counts = dict(
        zip(
            per_slot.column("file_key").to_pylist(),
            per_slot.column("paper_key_count").to_pylist(),
            strict=True,
        )
    )
    for fk, year, n in zip(
        per_file.column("file_key").to_pylist(),
        per_file.column("year_min").to_pylist(),
        per_file.column("paper_key_count").to_pylist(),
        strict=True,
    ):
        rows.append(
            {
                "file_key": fk,
                "source": "synthetic",
                "venue": spec.venue,
                "year": year,
                "location": "synthetic",
                "file_sha256": "synthetic",
                "records": n,
                "author_slots_listed": slot_counts[fk],
                "author_slots": slot_counts[fk],
                "doubled_lists": 0,
                "dropped_fields": 0,
                "run_id": "synthetic",
                "ingested_at": now,
            }
        )
    return pa.Table.from_pylist(rows, schema=SOURCE_FILES.arrow_schema())
