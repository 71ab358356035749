"""Organisations inferred from affiliation lists that cannot be aligned (issue 10).

Unit tests of the two rules on constructed inputs, the parser keeping the unaligned list,
and real-data tests on the mirror.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from talentflow.graph.store import Store, open_store
from talentflow.resolve.affiliation_sets import (
    PAPER_BASIS,
    PERSON_BASIS,
    AffiliationSetSettings,
    Inferred,
    ResolvedSet,
    Slot,
    derive_affiliation_sets,
    infer,
    paper_rule,
    resolve_set,
)
from talentflow.resolve.orgs import Resolver
from talentflow.resolve.reference import ReferenceData
from talentflow.sources.paperlists_parse import parse_file_bytes


def rset(*orgs: str, complete: bool = True) -> ResolvedSet:
    return ResolvedSet({o: None for o in orgs}, complete)


def decided(out: list[Inferred]) -> dict[tuple[str, int], tuple[str, str]]:
    return {(d.paper_key, d.author_index): (d.org_id, d.basis) for d in out}


# --- resolving a set -------------------------------------------------------------------------


def test_resolve_set_names_each_organisation_once() -> None:
    r = Resolver(ReferenceData.empty())
    s = resolve_set(r, ["King Abdullah University of Science and Technology (KAUST)", "KAUST"])
    assert s.complete and s.org_ids == {"tf:kaust"}
    two = resolve_set(r, ["Moonshot AI, Ltd", "KAUST"])
    assert two.org_ids == {"tf:moonshot", "tf:kaust"}
    # an entry naming no organisation makes the set incomplete (its authors may be elsewhere)
    part = resolve_set(r, ["KAUST", "www.example-nothing.test"])
    assert part.org_ids == {"tf:kaust"} and not part.complete


# --- rule (a) ---------------------------------------------------------------------------------


def test_paper_rule_needs_one_organisation_and_a_complete_set() -> None:
    sets = {"p1": rset("A"), "p2": rset("A", "B"), "p3": rset("A", complete=False)}
    assert paper_rule(sets) == {"p1": "A"}


def test_rule_a_gives_every_slot_without_an_organisation_the_paper_s_one() -> None:
    sets = {"p1": rset("A")}
    slots = [
        Slot("p1", 0, 2024, None, None, True),
        Slot("p1", 1, 2024, "x", None, True),
        Slot("p1", 2, 2024, "y", "B", True),  # has its own decision: never touched
        Slot("q", 0, 2024, None, None, False),  # no set
    ]
    assert decided(infer(slots, sets)) == {
        ("p1", 0): ("A", PAPER_BASIS),
        ("p1", 1): ("A", PAPER_BASIS),
    }


# --- rule (b) ---------------------------------------------------------------------------------

LOOSE = AffiliationSetSettings(
    paper_rule=False, window=1, min_evidence=1, conflict_window=0, max_candidates=0
)


def person(
    pid: str, target_set: ResolvedSet, others: list[ResolvedSet], year: int = 2024
) -> tuple[list[Slot], dict[str, ResolvedSet]]:
    """A person on paper 't' (the target) and on papers o0, o1, ... of the same year."""
    sets = {"t": target_set, **{f"o{i}": s for i, s in enumerate(others)}}
    slots = [Slot("t", 1, year, pid, None, True)]
    slots += [Slot(f"o{i}", 0, year, pid, None, True) for i in range(len(others))]
    return slots, sets


def test_rule_b_assigns_the_organisation_common_to_the_person_s_papers() -> None:
    # the "Chenlin Zhang" shape: three papers naming Moonshot among other organisations
    slots, sets = person(
        "P", rset("moonshot", "kaust"), [rset("moonshot", "4paradigm"), rset("moonshot", "njust")]
    )
    got = decided(infer(slots, sets, LOOSE))
    assert got[("t", 1)] == ("moonshot", PERSON_BASIS)
    assert got[("o0", 0)] == ("moonshot", PERSON_BASIS)


def test_rule_b_leaves_a_tie_unresolved() -> None:
    slots, sets = person("P", rset("A", "B"), [rset("A", "B", "C"), rset("A", "B")])
    assert ("t", 1) not in decided(infer(slots, sets, LOOSE))


def test_rule_b_refuses_when_aligned_slots_of_the_year_show_another_organisation() -> None:
    slots, sets = person("P", rset("A", "B"), [rset("A", "C"), rset("A", "D")])
    assert decided(infer(slots, sets, LOOSE))[("t", 1)] == ("A", PERSON_BASIS)
    conflicting = [*slots, Slot("aligned", 0, 2024, "P", "Z", False)]
    assert ("t", 1) not in decided(infer(conflicting, sets, LOOSE))
    # a year later only counts with a conflict window of one year (the shipped default)
    later = [*slots, Slot("aligned", 0, 2025, "P", "Z", False)]
    assert ("t", 1) in decided(infer(later, sets, LOOSE))
    assert ("t", 1) not in decided(infer(later, sets, replace(LOOSE, conflict_window=1)))


def test_rule_b_needs_every_other_set_to_name_the_organisation() -> None:
    slots, sets = person("P", rset("A", "B"), [rset("A", "C"), rset("B", "D")])
    assert ("t", 1) not in decided(infer(slots, sets, LOOSE))
    assert ("t", 1) not in decided(infer(slots, sets, replace(LOOSE, min_share=0.5)))  # tie
    slots3, sets3 = person("P", rset("A", "B"), [rset("A", "C"), rset("A", "D"), rset("B")])
    assert ("t", 1) not in decided(infer(slots3, sets3, LOOSE))
    got = decided(infer(slots3, sets3, replace(LOOSE, min_share=0.6)))
    assert got[("t", 1)] == ("A", PERSON_BASIS)


def test_rule_b_aligned_slots_support_and_other_years_are_outside_the_window() -> None:
    slots = [
        Slot("t", 0, 2024, "P", None, True),
        Slot("a1", 0, 2024, "P", "A", False),
    ]
    sets = {"t": rset("A", "B")}
    assert decided(infer(slots, sets, LOOSE))[("t", 0)] == ("A", PERSON_BASIS)
    assert ("t", 0) not in decided(infer(slots, sets, replace(LOOSE, aligned_support=False)))
    far = [slots[0], Slot("a1", 0, 2021, "P", "A", False)]
    assert ("t", 0) not in decided(infer(far, sets, LOOSE))
    # a slot without a person gets nothing from rule (b)
    anon = [Slot("t", 0, 2024, None, None, True), slots[1]]
    assert decided(infer(anon, sets, LOOSE)) == {}


def test_shipped_rule_b_is_the_strict_one() -> None:
    shipped = replace(AffiliationSetSettings(), paper_rule=False)
    three = [rset("A", "X"), rset("A", "Y"), rset("A")]
    slots, sets = person("P", rset("A", "B"), three)
    assert decided(infer(slots, sets, shipped))[("t", 1)] == ("A", PERSON_BASIS)
    slots, sets = person("P", rset("A", "B"), three[:2])  # two pieces of evidence: too few
    assert ("t", 1) not in decided(infer(slots, sets, shipped))
    slots, sets = person("P", rset("A", "B", "C"), three)  # three organisations in the set
    assert ("t", 1) not in decided(infer(slots, sets, shipped))
    slots, sets = person("P", rset("A", "B"), three, year=2024)
    slots = [replace(s, year=2023) if s.paper_key == "o2" else s for s in slots]
    assert ("t", 1) not in decided(infer(slots, sets, shipped))  # the window is one year


# --- the parser keeps what it cannot align --------------------------------------------------


def parse(records: object) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    parsed = parse_file_bytes(json.dumps(records).encode(), path="t.json", venue="cvpr", year=2024)
    return parsed.papers.to_pylist(), parsed.authorships.to_pylist()


def test_parser_keeps_an_unalignable_aff_list_on_the_paper() -> None:
    papers, slots = parse(
        [
            {"author": "A, B, C", "aff": "Moonshot AI, Ltd; KAUST"},
            {"author": "A, B, C, D", "aff": "U1; U2; U1", "aff_domain": "u1.edu;u2.edu"},
            {"author": "A, B", "aff": "U1; U2"},
        ]
    )
    assert papers[0]["aff_set"] == ["Moonshot AI, Ltd", "KAUST"]
    assert papers[0]["dropped_fields"] == ["aff"]
    assert papers[1]["aff_set"] == ["U1", "U2"]  # distinct entries, in order
    assert papers[1]["aff_domain_set"] == ["u1.edu", "u2.edu"]
    assert papers[2]["aff_set"] is None and papers[2]["aff_domain_set"] is None  # aligned
    assert [s["affiliation"] for s in slots if s["paper_key"].endswith("#2")] == ["U1", "U2"]
    assert all(s["affiliation"] is None for s in slots if not s["paper_key"].endswith("#2"))


# --- the build step on real data -------------------------------------------------------------


def test_build_runs_the_step_after_people_and_before_careers() -> None:
    from talentflow.build import DERIVE_STEPS

    names = [n for n, _ in DERIVE_STEPS]
    assert names.index("people") < names.index("affiliation sets") < names.index("careers")


def test_mirror_single_organisation_paper_gets_its_organisation(mirror_store: Store) -> None:
    # CVPR 2024 lists a paper's affiliations as a de-duplicated set; this one names UNIST twice
    rows = mirror_store.query(
        """SELECT a.author_index, so.org_id, so.country, so.country_basis, so.confidence
           FROM papers p JOIN authorships a USING (paper_key)
           LEFT JOIN slot_orgs so USING (paper_key, author_index)
           WHERE p.file_key = 'cvpr/cvpr2024'
             AND p.aff_set = ['Ulsan National Institute of Science and Technology', 'UNIST']
           ORDER BY a.paper_key, a.author_index"""
    )
    assert rows, "no CVPR 2024 paper with this set"
    assert len(rows) >= 3
    assert {r["org_id"] for r in rows} == {"uni:unist.ac.kr"}
    assert {r["country"] for r in rows} == {"KR"}
    assert {r["country_basis"] for r in rows} == {PAPER_BASIS}
    assert max(r["confidence"] for r in rows) < 0.8


def test_mirror_inferred_decisions_only_fill_slots_without_one(mirror_store: Store) -> None:
    q = mirror_store.scalar
    inferred = "so.country_basis IN ('paper_set', 'person_papers')"
    assert q(f"SELECT count(*) FROM slot_orgs so WHERE {inferred}") > 5000
    # never on a slot with evidence of its own, never on a paper without a set
    assert (
        q(
            f"""SELECT count(*) FROM slot_orgs so JOIN authorships a USING (paper_key, author_index)
                JOIN papers p USING (paper_key)
                WHERE {inferred} AND (a.affiliation IS NOT NULL OR a.aff_domain IS NOT NULL
                   OR a.source_orgs IS NOT NULL OR a.source_countries IS NOT NULL
                   OR p.aff_set IS NULL)"""
        )
        == 0
    )
    assert q(f"SELECT count(*) FROM slot_orgs so WHERE {inferred} AND org_id IS NULL") == 0
    missing = f"""SELECT count(*) FROM slot_orgs so
                  LEFT JOIN organisations o ON o.org_id = so.org_id
                  WHERE {inferred} AND o.org_id IS NULL"""
    assert q(missing) == 0
    # one decision per slot still
    assert q("SELECT count(*) - count(DISTINCT (paper_key, author_index)) FROM slot_orgs") == 0


def test_mirror_aligned_decisions_are_the_resolver_s(mirror_store: Store) -> None:
    """Aligned slots keep exactly what the organisation resolver decides for their text."""
    from talentflow.resolve.reference import load_reference

    resolver = Resolver(load_reference())
    rows = mirror_store.query(
        """SELECT a.affiliation, a.aff_domain, a.source_orgs, a.source_countries,
                  so.org_id, so.country, so.country_basis
           FROM authorships a JOIN slot_orgs so USING (paper_key, author_index)
           WHERE a.affiliation IS NOT NULL AND a.year BETWEEN 2023 AND 2025
           ORDER BY md5(a.paper_key || ':' || a.author_index) LIMIT 400"""
    )
    assert len(rows) == 400
    for r in rows:
        res = resolver.resolve(
            r["affiliation"], r["aff_domain"], r["source_orgs"], r["source_countries"]
        )
        assert (res.org_id, res.country, res.country_basis) == (
            r["org_id"],
            r["country"],
            r["country_basis"],
        )


def test_mirror_careers_use_the_inferred_decisions(mirror_store: Store) -> None:
    # stints of people seen only through inferred decisions exist
    n = mirror_store.scalar(
        """SELECT count(DISTINCT sp.person_id)
           FROM slot_orgs so JOIN slot_people sp USING (paper_key, author_index)
           JOIN stints s ON s.person_id = sp.person_id AND s.org_id = so.org_id
           WHERE so.country_basis = 'paper_set' AND s.evidence = 'paper'"""
    )
    assert n > 100


@pytest.mark.slow
def test_step_is_idempotent_on_a_real_venue(mirror_dir: Path, tmp_path: Path) -> None:
    from talentflow.build import run_build

    db = tmp_path / "cvpr.duckdb"
    run_build(mirror=mirror_dir, venues="cvpr", years="2024", db=db, workers=1)
    q = "SELECT * FROM slot_orgs ORDER BY paper_key, author_index"
    with open_store(db) as store:
        first = store.query(q)
        assert sum(r["country_basis"] == PAPER_BASIS for r in first) > 500
        derive_affiliation_sets(store)
        assert store.query(q) == first
