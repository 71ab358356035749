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
