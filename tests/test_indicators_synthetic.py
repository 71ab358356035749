"""Injected truth: a synthetic talent graph with known careers, recovered exactly.

The generator (devtools.synthetic) draws careers as person x year matrices and computes
the true moves and stints with NumPy; the store gets only author slots and decisions.
Every expectation below is computed from the generator's truth in plain Python, never
from the code under test.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from devtools.synthetic import POSITIONS, STAGE_NAMES, SyntheticGraph, SyntheticSpec, generate
from talentflow.careers.derive import CAREERS_SQL, MOVES_SQL, STINTS_SQL, derive_careers
from talentflow.careers.stages import stage_case_sql, stage_of
from talentflow.engines import render
from talentflow.graph.store import Store, open_store
from talentflow.indicators import country as country_mod
from talentflow.indicators import migration as migration_mod
from talentflow.indicators import orgflows as orgflows_mod
from talentflow.indicators import pedigree as pedigree_mod
from talentflow.indicators import pipeline as pipeline_mod
from talentflow.indicators.common import BEST_MOVES_SQL, BEST_STINTS_SQL
from talentflow.indicators.country import country_profile
from talentflow.indicators.migration import migration
from talentflow.indicators.orgflows import orgflows
from talentflow.indicators.pedigree import pedigree
from talentflow.indicators.pipeline import pipeline

SPEC = SyntheticSpec(people=1500, orgs=40, seed=7)


@pytest.fixture(scope="module")
def graph() -> SyntheticGraph:
    return generate(SPEC)


@pytest.fixture(scope="module")
def store_path(graph: SyntheticGraph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.duckdb"
    with open_store(path) as store:
        graph.write(store)
        derive_careers(store)
    return path


@pytest.fixture()
def store(store_path: Path) -> Iterator[Store]:
    with open_store(store_path, read_only=True) as s:
        yield s


def _sorted_rows(table: pa.Table) -> list[tuple[Any, ...]]:
    return sorted(tuple(r.values()) for r in table.to_pylist())


def _stints(graph: SyntheticGraph) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = graph.true_stints.to_pylist()
    return out


def test_careers_recover_the_injected_moves_and_stints(store: Store, graph: SyntheticGraph) -> None:
    assert graph.true_moves.num_rows > 100
    moves = store.con.sql("SELECT * FROM moves ORDER BY ALL").to_arrow_table()
    stints = store.con.sql("SELECT * FROM stints ORDER BY ALL").to_arrow_table()
    assert _sorted_rows(moves) == _sorted_rows(graph.true_moves)
    assert _sorted_rows(stints) == _sorted_rows(graph.true_stints)


def test_rejected_slots_and_silent_positions_are_present(graph: SyntheticGraph) -> None:
    """The noise the derivation must see through is really in the data."""
    accepted = graph.authorships.column("accepted").to_pylist()
    assert accepted.count(False) > 100
    assert graph.authorships.column("position").null_count > 100


def test_derive_replaces_only_paper_evidence(graph: SyntheticGraph, tmp_path: Path) -> None:
    with open_store(tmp_path / "s.duckdb") as store:
        graph.write(store)
        store.con.execute(
            "INSERT INTO stints VALUES ('syn-p1', 'x', 'KR', 'phd', 2001, 2005, 'profile')"
        )
        store.con.execute(
            "INSERT INTO moves VALUES ('syn-p1', 'x', 'y', 'KR', 'US', 2006, 'profile')"
        )
        first = derive_careers(store)
        second = derive_careers(store)
        assert first == second
        counts = dict(store.con.sql("SELECT evidence, count(*) FROM stints GROUP BY 1").fetchall())
        assert counts == {"paper": graph.true_stints.num_rows, "profile": 1}
        assert store.scalar("SELECT count(*) FROM moves WHERE evidence = 'profile'") == 1


def test_stage_sql_agrees_with_python(graph: SyntheticGraph) -> None:
    import duckdb

    con = duckdb.connect()
    positions = [p for v in POSITIONS for p in v] + [
        "Researcher+PhD student",
        "  ",
        "Research Assistant Professor",
        "Student",
        "Intern",
    ]
    rows = [(p, k) for p in positions for k in ("academia", "industry", "unknown", None)]
    con.execute("CREATE TABLE t (position VARCHAR, kind VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", rows)
    got = con.sql(f"SELECT position, kind, {stage_case_sql('position', 'kind')} FROM t").fetchall()
    assert [(p, k, stage_of(p, k)) for p, k, _ in got] == got
    # Every generator position maps back to its stage at the right kind of organisation.
    for stage, variants in zip(STAGE_NAMES, POSITIONS, strict=True):
        kind = "industry" if stage.startswith("industry") else "academia"
        assert {stage_of(p, kind) for p in variants} == {stage}


def test_every_query_transpiles_to_spark() -> None:
    params = {
        "venue": "v",
        "year": 2020,
        "basis": "hq",
        "elite": False,
        "year_from": 2013,
        "year_to": 2025,
        "country": "KR",
        "filter_orgs": True,
        "within_family": False,
        "org_ids": ("a", "b"),
        "k": 3,
        "top": 5,
        "cohort_orgs": ("a",),
        "earlier_orgs": ("b",),
        "kind": "industry",
    }
    queries = [
        STINTS_SQL,
        CAREERS_SQL,
        MOVES_SQL,
        BEST_STINTS_SQL,
        BEST_MOVES_SQL,
        pipeline_mod.PIPELINE_SQL,
        migration_mod.MIGRATION_SQL_TEMPLATE.format(years="(SELECT 2020 AS year)"),
        migration_mod.FLOWS_SQL,
        orgflows_mod.ROWS_SQL,
        orgflows_mod.GROUP_CANDIDATES_SQL,
        orgflows_mod.ORG_SUMMARY_SQL,
        pedigree_mod.ORG_COHORT_SQL,
        pedigree_mod.ORGS_BY_KIND_SQL,
        pedigree_mod.HISTORY_SQL.replace("{values}", "('p', 2020)"),
        country_mod.PEOPLE_SQL,
        country_mod.EMPLOYS_SQL,
        country_mod.INSTITUTIONS_SQL,
        country_mod.MOVES_SQL,
    ]
    for q in queries:
        used = {k: v for k, v in params.items() if f":{k}" in q}
        assert render(q, used, "spark")


# --- expectations from the truth -----------------------------------------------------------


def _org_table(graph: SyntheticGraph) -> dict[str, dict[str, Any]]:
    return {r["org_id"]: r for r in graph.organisations.to_pylist()}


def _active(graph: SyntheticGraph, year: int) -> list[tuple[str, str]]:
    """(person_id, org_id) of everyone active in ``year``."""
    t = year - graph.spec.first_year
    org = graph.org_matrix
    return [(f"syn-p{p}", f"syn-org{org[p, t]}") for p in range(org.shape[0]) if org[p, t] >= 0]


def _first_stint(stints: list[dict[str, Any]], stages: tuple[str, ...]) -> dict[str, str]:
    """person -> country of the earliest stint among ``stages`` (in ``stages`` order)."""
    best: dict[str, tuple[int, int, str]] = {}
    for s in stints:
        if s["stage"] in stages:
            key = (stages.index(s["stage"]), s["first_year"], s["country"])
            if s["person_id"] not in best or key < best[s["person_id"]]:
                best[s["person_id"]] = key
    return {p: k[2] for p, k in best.items()}


@pytest.mark.parametrize("basis", ["location", "hq"])
def test_pipeline_recovers_work_training_and_origin(
    store: Store, graph: SyntheticGraph, basis: str
) -> None:
    year = 2021
    orgs = _org_table(graph)
    field = "country" if basis == "location" else "hq_country"
    active = _active(graph, year)
    work = Counter(orgs[o][field] for _, o in active)
    stints = _stints(graph)
    training = _first_stint(stints, ("phd", "masters"))
    origin = _first_stint(stints, ("undergraduate",))
    people = {p for p, _ in active}
    got = pipeline(store, "synth", year, basis=basis)
    assert got.n == len(active)
    assert {k: v["n"] for k, v in got.work.items()} == dict(work)
    assert {k: v["n"] for k, v in got.training.items()} == dict(
        Counter(c for p, c in training.items() if p in people)
    )
    assert {k: v["n"] for k, v in got.origin.items()} == dict(
        Counter(c for p, c in origin.items() if p in people)
    )
    pairs = Counter((origin[p], orgs[o][field]) for p, o in active if p in origin)
    for (o_cc, w_cc), k in pairs.items():
        assert got.work_by_origin[o_cc][w_cc]["n"] == k
        assert got.origin_by_work[w_cc][o_cc]["n"] == k
    kinds = Counter(orgs[o]["kind"] for _, o in active)
    assert {k: v["n"] for k, v in got.sector.items()} == dict(kinds)
    for cell in got.work.values():
        assert cell["low"] <= cell["share"] <= cell["high"]
    data = got.as_json()
    assert set(data) >= {"n", "coverage", "origin", "training", "work", "work_by_origin"}


def test_pipeline_elite_counts_oral_authors_only(store: Store, graph: SyntheticGraph) -> None:
    papers = {r["paper_key"]: r["is_oral"] for r in graph.papers.to_pylist()}
    people = {
        pid
        for pk, pid in zip(
            graph.slot_people.column("paper_key").to_pylist(),
            graph.slot_people.column("person_id").to_pylist(),
            strict=True,
        )
        if papers[pk] and pk.startswith("synth/synth2019#")
    }
    got = pipeline(store, "synth", 2019, elite=True)
    assert got.n == len(people) > 0


def test_migration_recovers_researchers_and_flows(store: Store, graph: SyntheticGraph) -> None:
    orgs = _org_table(graph)
    stage = graph.stage_matrix
    present: defaultdict[tuple[str, int], set[str]] = defaultdict(set)
    for t, year in enumerate(graph.years):
        for p in range(stage.shape[0]):
            if graph.org_matrix[p, t] >= 0 and STAGE_NAMES[stage[p, t]] != "undergraduate":
                cc = orgs[f"syn-org{graph.org_matrix[p, t]}"]["country"]
                present[(cc, year)].add(f"syn-p{p}")
    inflow: Counter[tuple[str, int]] = Counter()
    outflow: Counter[tuple[str, int]] = Counter()
    bilateral: Counter[tuple[str, str]] = Counter()
    crossing: defaultdict[tuple[str, int], set[str]] = defaultdict(set)
    for m in graph.true_moves.to_pylist():
        if m["from_country"] != m["to_country"]:
            inflow[(m["to_country"], m["year"])] += 1
            outflow[(m["from_country"], m["year"])] += 1
            crossing[(m["from_country"], m["year"])].add(m["person_id"])
            crossing[(m["to_country"], m["year"])].add(m["person_id"])
            bilateral[(m["from_country"], m["to_country"])] += 1
    # The base: people present in the country that year, and those crossing or arriving.
    researchers = Counter({k: len(present[k] | crossing[k]) for k in set(present) | set(crossing)})
    got = migration(store, 2013, 2025)
    keys = set(researchers) | set(inflow) | set(outflow)
    assert {(r["country"], r["year"]) for r in got.rows} == keys
    for r in got.rows:
        key = (r["country"], r["year"])
        assert (r["researchers"], r["inflow"], r["outflow"]) == (
            researchers[key],
            inflow[key],
            outflow[key],
        )
        if r["researchers"]:
            expected = (inflow[key] - outflow[key]) / researchers[key] * 10_000
            assert r["net_per_10k"] == pytest.approx(expected)
            assert r["low"] <= r["net_per_10k"] <= r["high"]
    assert {(f["from_country"], f["to_country"]): f["moves"] for f in got.flows} == dict(bilateral)
    kr = migration(store, 2013, 2025, country="KR")
    assert kr.rows and all(r["country"] == "KR" for r in kr.rows)


def test_orgflows_recovers_org_moves_and_groups(store: Store, graph: SyntheticGraph) -> None:
    rows: Counter[tuple[str, str, str, str, int]] = Counter()
    pair_year: defaultdict[tuple[str, str, int], set[str]] = defaultdict(set)
    hires: defaultdict[str, set[str]] = defaultdict(set)
    for m in graph.true_moves.to_pylist():
        rows[(m["from_org_id"], m["to_org_id"], m["from_country"], m["to_country"], m["year"])] += 1
        pair_year[(m["from_org_id"], m["to_org_id"], m["year"])].add(m["person_id"])
        hires[m["to_org_id"]].add(m["person_id"])
    got = orgflows(store, 2013, 2025, k=2, window=1)
    assert {
        (r["from_org_id"], r["to_org_id"], r["from_country"], r["to_country"], r["year"]): r[
            "moves"
        ]
        for r in got.rows
    } == dict(rows)
    expected_groups = {
        (a, b, y, tuple(sorted(people)))
        for (a, b, y), people in pair_year.items()
        if len(people) >= 2
    }
    assert expected_groups, "the synthetic world should contain group moves"
    assert {
        (g["from_org_id"], g["to_org_id"], g["year_from"], tuple(g["person_ids"]))
        for g in got.group_moves
    } == expected_groups
    top = got.top_hirers[0]
    assert top["hires"] == max(len(people) for people in hires.values())
    # A wider window groups at least as many people, each person in one group per pair.
    wide = orgflows(store, 2013, 2025, k=2, window=3)
    for g in wide.group_moves:
        assert g["people"] >= 2 and g["year_to"] - g["year_from"] == 2
    seen: set[tuple[str, str, str]] = set()
    for g in wide.group_moves:
        for p in g["person_ids"]:
            assert (g["from_org_id"], g["to_org_id"], p) not in seen
            seen.add((g["from_org_id"], g["to_org_id"], p))


def test_orgflows_org_filter(store: Store, graph: SyntheticGraph) -> None:
    target = "syn-org35"
    expected = sum(
        1 for m in graph.true_moves.to_pylist() if target in (m["from_org_id"], m["to_org_id"])
    )
    name = _org_table(graph)[target]["name"]
    got = orgflows(store, 2013, 2025, org=name)
    assert got.matched_orgs == [name]
    assert got.n == expected > 0


def test_pedigree_recovers_earlier_stints(store: Store, graph: SyntheticGraph) -> None:
    year = 2022
    stints = _stints(graph)
    # Cohort: people at the largest company in 2022; earlier: the company most of them
    # worked at before (chosen from the truth so the case is not empty).
    at_year = Counter(o for _, o in _active(graph, year))
    orgs = _org_table(graph)
    company = max(
        (o for o in at_year if orgs[o]["kind"] == "industry"), key=lambda o: (at_year[o], o)
    )
    since = {
        s["person_id"]: s["first_year"]
        for s in stints
        if s["org_id"] == company and s["first_year"] <= year <= s["last_year"]
    }
    earlier_orgs: Counter[str] = Counter()
    for s in stints:
        if s["person_id"] in since and s["first_year"] < since[s["person_id"]]:
            earlier_orgs[s["org_id"]] += 1
    earlier = max((o for o in earlier_orgs if o != company), key=lambda o: (earlier_orgs[o], o))
    hits = {
        s["person_id"]
        for s in stints
        if s["person_id"] in since
        and s["org_id"] == earlier
        and s["first_year"] < since[s["person_id"]]
    }
    with_history = {
        s["person_id"]
        for s in stints
        if s["person_id"] in since and s["first_year"] < since[s["person_id"]]
    }
    got = pedigree(store, earlier=[orgs[earlier]["name"]], orgs=[orgs[company]["name"]], year=year)
    assert got.n == len(since)
    assert got.share["n"] == len(hits) > 0
    assert got.coverage["with_history"] == len(with_history)
    assert got.share["share"] == pytest.approx(len(hits) / len(since))
    assert got.share_with_history["share"] == pytest.approx(len(hits) / len(with_history))


def test_pedigree_from_a_cohort_csv(store: Store, graph: SyntheticGraph, tmp_path: Path) -> None:
    stints = _stints(graph)
    target = "syn-org0"
    people = sorted({s["person_id"] for s in stints})[:200]
    cohort = tmp_path / "cohort.csv"
    cohort.write_text("person_id,year\n" + "".join(f"{p},2025\n" for p in people))
    hits = {
        s["person_id"]
        for s in stints
        if s["person_id"] in people and s["org_id"] == target and s["first_year"] < 2025
    }
    name = _org_table(graph)[target]["name"]
    got = pedigree(store, earlier=[name], cohort_csv=cohort)
    assert got.n == len(people)
    assert got.share["n"] == len(hits)


def test_country_profile_recovers_trains_keeps_and_gains(
    store: Store, graph: SyntheticGraph
) -> None:
    cc = "KR"
    stints = _stints(graph)
    training: dict[str, tuple[int, int, str, str]] = {}
    for s in stints:
        if s["stage"] in ("phd", "masters"):
            key = (0 if s["stage"] == "phd" else 1, s["first_year"], s["country"], s["org_id"])
            if s["person_id"] not in training or key < training[s["person_id"]]:
                training[s["person_id"]] = key
    candidates: defaultdict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for s in stints:
        p = s["person_id"]
        if s["stage"] in ("undergraduate", "masters", "phd"):
            continue
        if p in training and s["first_year"] < training[p][1]:
            continue
        # The latest stint: latest last year, then latest first year, then smallest country.
        candidates[p].append((-s["last_year"], -s["first_year"], s["country"]))
    work = {p: sorted(c)[0] for p, c in candidates.items()}
    trained_here = [p for p, t in training.items() if t[2] == cc]
    with_work = [p for p in trained_here if p in work]
    stayed = sum(1 for p in with_work if work[p][2] == cc)
    gains = Counter(t[2] for p, t in training.items() if p in work and work[p][2] == cc)
    got = country_profile(store, cc)
    assert got.trains["people"] == len(trained_here) > 0
    assert got.trains["share"]["share"] == pytest.approx(len(trained_here) / len(training))
    assert got.keeps["n"] == stayed
    assert got.coverage["trained_here_work_known"] == len(with_work)
    assert {k: v["n"] for k, v in got.gains_from.items()} == dict(gains)
    moves_out = Counter(
        m["to_country"]
        for m in graph.true_moves.to_pylist()
        if m["from_country"] == cc and m["to_country"] != cc
    )
    assert {r["country"]: r["people"] for r in got.moves_out} == dict(moves_out)
    assert got.trend == migration(store, 2013, 2025, country=cc).rows


def test_best_evidence_wins_per_person(graph: SyntheticGraph, tmp_path: Path) -> None:
    """A person's profile history replaces what papers imply: stints by stints, moves by
    moves (a profile with stints but no moves leaves the paper moves in place)."""
    moves = graph.true_moves.to_pylist()
    crossing = [m for m in moves if m["from_country"] != m["to_country"]]
    pid = crossing[0]["person_id"]
    own = sum(1 for m in crossing if m["person_id"] == pid)
    with open_store(tmp_path / "e.duckdb") as store:
        graph.write(store)
        derive_careers(store)
        store.con.execute(
            "INSERT INTO stints VALUES (?, 'elsewhere', 'NZ', 'faculty', 2013, 2025, 'profile')",
            [pid],
        )
        stints_only = migration(store, 2013, 2025)
        assert stints_only.n == len(crossing)
        nz = [r for r in stints_only.rows if r["country"] == "NZ"]
        assert len(nz) == 13 and all(r["researchers"] == 1 for r in nz)
        store.con.execute(
            "INSERT INTO moves VALUES (?, 'elsewhere', 'abroad', 'NZ', 'AU', 2020, 'profile')",
            [pid],
        )
        with_moves = migration(store, 2013, 2025)
        assert with_moves.n == len(crossing) - own + 1
        assert {(f["from_country"], f["to_country"]) for f in with_moves.flows} >= {("NZ", "AU")}


def test_orgflows_leaves_out_moves_within_an_organisation_family(
    graph: SyntheticGraph, tmp_path: Path
) -> None:
    """Making one company the parent of another turns moves between them into transfers."""
    moves = graph.true_moves.to_pylist()
    pair = Counter(
        (m["from_org_id"], m["to_org_id"])
        for m in moves
        if m["from_org_id"] >= "syn-org30" and m["to_org_id"] >= "syn-org30"
    ).most_common(1)[0][0]
    parent, child = pair
    between = sum(1 for m in moves if {m["from_org_id"], m["to_org_id"]} == {parent, child})
    with open_store(tmp_path / "f.duckdb") as store:
        graph.write(store)
        derive_careers(store)
        before = orgflows(store, 2013, 2025).n
        store.con.execute(
            "UPDATE organisations SET parent_org_id = ? WHERE org_id = ?", [parent, child]
        )
        after = orgflows(store, 2013, 2025)
        assert after.n == before - between
        assert after.coverage["within_family"] == between > 0
        assert orgflows(store, 2013, 2025, within_family=True).n == before


def _slots(store: Store, person: str, places: list[tuple[int, str, str]]) -> None:
    """Author slots of ``person``: (year, org_id, country), one accepted paper each."""
    for year, org, cc in places:
        key = f"hand/hand{year}#{person}{org}"
        store.con.execute(
            "INSERT INTO authorships (paper_key, author_index, venue, year, accepted, name, "
            "position, source, file_key, file_sha256, record_index) "
            "VALUES (?, 0, 'hand', ?, true, ?, 'PhD student', 'hand', 'hand', 'x', 0)",
            [key, year, person],
        )
        store.con.execute(
            "INSERT INTO slot_people (paper_key, author_index, person_id, evidence) "
            "VALUES (?, 0, ?, 'strong_id')",
            [key, person],
        )
        store.con.execute(
            "INSERT INTO slot_orgs (paper_key, author_index, org_id, country) VALUES (?, 0, ?, ?)",
            [key, org, cc],
        )


def test_a_single_year_elsewhere_between_two_at_the_same_place_is_no_move(
    tmp_path: Path,
) -> None:
    with open_store(tmp_path / "h.duckdb") as store:
        store.con.execute(
            "INSERT INTO organisations (org_id, name, kind, country) VALUES "
            "('A', 'A', 'academia', 'US'), ('B', 'B', 'academia', 'CN')"
        )
        # p1: a visit to B in 2016, then a real move to B in 2019 (two years there).
        _slots(store, "p1", [(2015, "A", "US"), (2016, "B", "CN"), (2017, "A", "US"),
                             (2018, "A", "US"), (2019, "B", "CN"), (2020, "B", "CN")])  # fmt: skip
        # p2: alternating every year: only the last change, once settled, is a move.
        _slots(store, "p2", [(2015, "A", "US"), (2016, "B", "CN"), (2017, "A", "US"),
                             (2018, "B", "CN")])  # fmt: skip
        # p3: a genuine return after two years away is two moves.
        _slots(store, "p3", [(2015, "A", "US"), (2016, "B", "CN"), (2017, "B", "CN"),
                             (2018, "A", "US")])  # fmt: skip
        derive_careers(store)
        moves = store.con.sql(
            "SELECT person_id, from_org_id, to_org_id, year FROM moves ORDER BY ALL"
        ).fetchall()
        assert moves == [
            ("p1", "A", "B", 2019),
            ("p2", "A", "B", 2018),
            ("p3", "A", "B", 2016),
            ("p3", "B", "A", 2018),
        ]
        p1 = store.con.sql(
            "SELECT org_id, first_year, last_year FROM stints WHERE person_id = 'p1' ORDER BY 2"
        ).fetchall()
        assert p1 == [("A", 2015, 2018), ("B", 2019, 2020)]


def test_moves_are_read_off_profile_histories(graph: SyntheticGraph, tmp_path: Path) -> None:
    """Profile stints bring no moves: consecutive stints that do not overlap make them."""
    moves = graph.true_moves.to_pylist()
    crossing = [m for m in moves if m["from_country"] != m["to_country"]]
    pid = crossing[0]["person_id"]
    own = sum(1 for m in crossing if m["person_id"] == pid)
    with open_store(tmp_path / "p.duckdb") as store:
        graph.write(store)
        derive_careers(store)
        store.con.execute(
            "INSERT INTO stints VALUES "
            "(?, 'thu', 'CN', 'phd', 2010, 2014, 'profile'), "
            "(?, 'goog', 'US', 'industry_research', 2015, 2020, 'profile'), "
            "(?, 'kaist', 'KR', 'faculty', 2016, 2017, 'profile')",
            [pid, pid, pid],
        )
        got = migration(store, 2013, 2025)
        # CN -> US in 2015 counts; the adjunct post in KR overlaps the US job: no move.
        assert got.n == len(crossing) - own + 1
        assert got.coverage["evidence"].get("profile") == 1
        flows = {(f["from_country"], f["to_country"]): f["moves"] for f in got.flows}
        expected = Counter(
            (m["from_country"], m["to_country"]) for m in crossing if m["person_id"] != pid
        )
        expected[("CN", "US")] += 1
        assert flows == dict(expected)
