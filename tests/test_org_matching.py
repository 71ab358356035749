"""An organisation named on the command line (--earlier, --org, --cohort-orgs) matches
exactly, by the curated aliases, or as the first whole words of a name: never as a part
of another name, never as a pattern."""

from __future__ import annotations

from talentflow.engines import DuckDBEngine
from talentflow.graph.store import Store
from talentflow.indicators.common import match_orgs
from talentflow.indicators.pedigree import pedigree


def test_tsinghua_is_not_national_tsinghua_university(mirror_store: Store) -> None:
    engine = DuckDBEngine(mirror_store)
    names = set(match_orgs(engine, "Tsinghua").names)
    assert "Tsinghua University" in names  # the curated alias
    assert "National Tsinghua University" not in names  # Taiwan's, another university
    assert set(match_orgs(engine, "National Tsinghua University").names) == {
        "National Tsinghua University"
    }
    result = pedigree(engine, earlier=["Tsinghua"], orgs=["Google"], year=2021)
    assert "National Tsinghua University" not in result.earlier["orgs"]


def test_a_name_matches_from_its_first_word_only(mirror_store: Store) -> None:
    engine = DuckDBEngine(mirror_store)
    inside = mirror_store.scalar(
        "SELECT count(*) FROM organisations WHERE strpos(lower(name), 'stanford') > 1"
    )
    assert inside  # the mirror has names holding 'Stanford' further in (run-on text)
    names = match_orgs(engine, "Stanford").names
    assert names and all(n.lower().startswith("stanford ") for n in names)


def test_wildcards_are_text(mirror_store: Store) -> None:
    engine = DuckDBEngine(mirror_store)
    for text in ("_", "%", "%University%"):
        assert match_orgs(engine, text).org_ids == ()


IREQ = (
    "Inspection and Maintenance Robotics, research institute (IREQ) in Varennes, CANADA",
    "Hydro-Québec's research institute (IREQ), Varennes, CANADA",
    "Maintenance and Inspection Robotics Department, Hydro-Québec’s Research Institute "
    "(IREQ), Varennes, QC, CANADA",
)


def test_one_institute_under_two_names_is_one_organisation() -> None:
    from talentflow.resolve.orgs import Resolver
    from talentflow.resolve.reference import ReferenceData

    resolver = Resolver(ReferenceData.empty())
    found = {resolver.resolve(text).org_id for text in IREQ}
    assert len(found) == 1 and None not in found


def test_no_group_move_from_an_institute_to_itself_on_the_mirror(mirror_store: Store) -> None:
    from talentflow.indicators.orgflows import orgflows

    result = orgflows(DuckDBEngine(mirror_store), 2013, 2025)
    # the mirror's IREQ authors wrote it two ways: a 'group move' of 6 from one to the other
    assert not [g for g in result.group_moves if "IREQ" in g["from_org"] and "IREQ" in g["to_org"]]
