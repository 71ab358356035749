"""People: B-cubed on hand-made cases, constrained clustering, overrides and undo, CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.errors import BadInputError
from talentflow.graph.schema import AUTHORSHIPS, PAPERS
from talentflow.graph.store import Store, open_store
from talentflow.resolve.people import (
    Override,
    add_overrides,
    bcubed,
    derive_people,
    read_overrides_file,
)
from talentflow.resolve.people.cluster import cluster_slots
from talentflow.resolve.people.evaluate import worst_false_merges

# --- B-cubed -------------------------------------------------------------------------------


def test_bcubed_perfect_and_trivial() -> None:
    assert bcubed(["a", "a", "b"], [1, 1, 2]).f1 == 1.0
    # All in one cluster: recall 1, precision = mean share of own class in the cluster.
    s = bcubed(["x"] * 4, [1, 1, 1, 2])
    assert s.recall == 1.0
    assert s.precision == pytest.approx((3 * 3 / 4 + 1 / 4) / 4)
    # All singletons: precision 1, recall = mean 1/|class|.
    s = bcubed([1, 2, 3, 4], ["a", "a", "a", "b"])
    assert s.precision == 1.0
    assert s.recall == pytest.approx((3 * (1 / 3) + 1) / 4)


def test_bcubed_hand_computed_mixed_case() -> None:
    # gold: A A A B B ; predicted: {1,2} {3,4} {5}
    s = bcubed([1, 1, 2, 2, 3], ["A", "A", "A", "B", "B"])
    assert s.precision == pytest.approx((1 + 1 + 0.5 + 0.5 + 1) / 5)
    assert s.recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 / 2 + 1 / 2) / 5)
    assert s.f1 == pytest.approx(2 * s.precision * s.recall / (s.precision + s.recall))
    assert s.n == 5


def test_bcubed_rejects_misaligned_input_and_handles_empty() -> None:
    with pytest.raises(ValueError):
        bcubed([1, 2], [1])
    assert bcubed([], []).f1 == 1.0


def test_worst_false_merges_ranks_by_wrong_pairs() -> None:
    pred = ["p", "p", "p", "p", "q", "q", "r"]
    gold = [1, 1, 2, 2, 3, 4, 5]
    names = ["Wei Wang"] * 4 + ["Bo Li", "Bo Li", "X Y"]
    worst = worst_false_merges(pred, gold, names)
    assert [w["names"] for w in worst] == [["Wei Wang"], ["Bo Li"]]
    assert worst[0]["wrong_pairs"] == 4 and worst[1]["wrong_pairs"] == 1


# --- constrained clustering ----------------------------------------------------------------


def test_clustering_refuses_chains_across_strong_ids_and_papers() -> None:
    # 0 and 2 carry different strong ids; 1 is an id-less mention scoring high with both.
    roots, decisions = cluster_slots(
        n=4,
        paper_keys=["p1", "p2", "p3", "p3"],
        strong_ids=["openreview:~A1", None, "openreview:~A2", None],
        pairs=[(0, 1, 0.999, 0), (1, 2, 0.998, 1), (2, 3, 0.997, 2), (3, 1, 0.5, 3)],
        threshold=0.99,
    )
    assert roots[0] == roots[1]
    assert roots[2] != roots[0]  # refused: would join ~A1 and ~A2
    assert roots[3] != roots[2]  # refused: two authors of one paper (p3)
    refused = {(d.left, d.right): d.evidence for d in decisions if d.decision == "refused"}
    assert refused == {(1, 2): "different strong ids", (2, 3): "same paper"}


def test_different_organisations_in_one_year_refuse_a_scored_link() -> None:
    kwargs: dict[str, Any] = {
        "n": 3,
        "paper_keys": ["p1", "p2", "p3"],
        "strong_ids": [None, None, None],
        "pairs": [(0, 1, 0.999, 0), (1, 2, 0.999, 1)],
        "threshold": 0.99,
    }
    seen = [
        (2023, frozenset({"tsinghua"})),
        (2023, frozenset({"microsoft"})),
        (2024, frozenset({"microsoft", "research"})),
    ]
    roots, decisions = cluster_slots(**kwargs, org_years=seen)
    assert roots[0] != roots[1] and roots[1] == roots[2]
    assert [d.evidence for d in decisions if d.decision == "refused"] == [
        "different organisations in the same year"
    ]
    roots, _ = cluster_slots(**kwargs)  # without the organisations: one person
    assert len(set(roots)) == 1


def test_an_initials_mention_does_not_chain_two_full_names() -> None:
    # 0 is "C. Luo" (initials only), 1 "Chen Luo", 2 "Chaomin Luo", 3 "Chen Luo" again.
    names = [None, frozenset({"chen|luo"}), frozenset({"chaomin|luo"}), frozenset({"chen|luo"})]
    roots, decisions = cluster_slots(
        n=4,
        paper_keys=["p1", "p2", "p3", "p4"],
        strong_ids=[None] * 4,
        pairs=[(0, 1, 0.999, 0), (0, 2, 0.998, 1), (1, 3, 0.997, 2)],
        threshold=0.99,
        given_names=names,
    )
    assert roots[0] == roots[1] == roots[3]
    assert roots[2] != roots[0]
    assert [d.evidence for d in decisions if d.decision == "refused"] == ["different given names"]
    roots, _ = cluster_slots(
        n=4,
        paper_keys=["p1", "p2", "p3", "p4"],
        strong_ids=[None] * 4,
        pairs=[(0, 1, 0.999, 0), (0, 2, 0.998, 1)],
        threshold=0.99,
    )
    assert len(set(roots[:3])) == 1  # without the names the chain forms


def test_must_link_and_cannot_link() -> None:
    roots, _ = cluster_slots(
        n=3,
        paper_keys=["p1", "p2", "p3"],
        strong_ids=["openreview:~A1", "openreview:~A1", None],
        pairs=[(1, 2, 0.999, 0)],
        threshold=0.99,
        must_link=[],
        cannot_link=[(0, 1)],
    )
    assert roots[0] != roots[1]  # a cannot-link overrides even a shared strong id
    roots, _ = cluster_slots(
        n=3,
        paper_keys=["p1", "p2", "p3"],
        strong_ids=["openreview:~A1", "openreview:~A2", None],
        pairs=[],
        threshold=0.99,
        must_link=[(0, 1)],
    )
    assert roots[0] == roots[1]  # a user may join two profiles of one person


# --- a small store -------------------------------------------------------------------------

_SLOTS: list[tuple[str, int, int, str, str | None, str | None, str | None, str | None]] = [
    # paper, index, year, name, profile id, kind, affiliation, domain
    ("p1", 0, 2021, "Mehryar Mohri", "~Mehryar_Mohri1", "openreview", "Google", "google.com"),
    ("p1", 1, 2021, "Ananda Theertha Suresh", None, None, "Google Research", "google.com"),
    ("p2", 0, 2022, "Mehryar Mohri", "~Mehryar_Mohri1", "openreview", "Google", "google.com"),
    ("p2", 1, 2022, "Corinna Cortes", None, None, "Google Research", "google.com"),
    ("p3", 0, 2023, "Mehryar Mohri", None, None, "New York University", "nyu.edu"),
    ("p3", 1, 2023, "Ananda Theertha Suresh", None, None, "Google", "google.com"),
    ("p4", 0, 2023, "Yang Liu", None, None, "Tsinghua University", "tsinghua.edu.cn"),
    ("p4", 1, 2023, "Maosong Sun", None, None, "Tsinghua University", "tsinghua.edu.cn"),
    ("p5", 0, 2023, "Yang Liu", None, None, "Microsoft", "microsoft.com"),
    ("p5", 1, 2023, "Dan Iter", None, None, "Microsoft", "microsoft.com"),
    ("p6", 0, 2024, "Dr.", None, None, None, None),
    ("p6", 1, 2024, "書緯 呂", None, None, None, None),
    ("p6", 2, 2024, "", None, None, None, None),
]


def _make_store(path: Path) -> None:
    prov = {"source": "test", "file_sha256": "0" * 64}
    papers, slots = [], []
    for key in sorted({s[0] for s in _SLOTS}):
        n = sum(1 for s in _SLOTS if s[0] == key)
        year = next(s[2] for s in _SLOTS if s[0] == key)
        papers.append(
            {
                "paper_key": f"t/t{year}#{key}",
                "venue": "t",
                "year": year,
                "paper_id": key,
                "title": f"Paper {key}",
                "track": "main",
                "status": "Poster",
                "accepted": True,
                "is_oral": False,
                "n_authors": n,
                "doubled_list": False,
                "file_key": f"t/t{year}",
                "record_index": int(key[1:]),
                **prov,
            }
        )
    for key, idx, year, name, pid, kind, aff, dom in _SLOTS:
        slots.append(
            {
                "paper_key": f"t/t{year}#{key}",
                "author_index": idx,
                "venue": "t",
                "year": year,
                "accepted": True,
                "name": name,
                "profile_id": pid,
                "profile_kind": kind,
                "affiliation": aff,
                "aff_domain": dom,
                "file_key": f"t/t{year}",
                "record_index": int(key[1:]),
                **prov,
            }
        )
    with open_store(path) as store:
        store.append_arrow(PAPERS, pa.Table.from_pylist(papers, schema=PAPERS.arrow_schema()))
        store.append_arrow(
            AUTHORSHIPS, pa.Table.from_pylist(slots, schema=AUTHORSHIPS.arrow_schema())
        )


@pytest.fixture()
def small_store(tmp_path: Path) -> Path:
    path = tmp_path / "people.duckdb"
    _make_store(path)
    with open_store(path) as store:
        derive_people(store)
    return path


def _person_of(store: Store, paper: str, idx: int) -> str:
    return str(
        store.scalar(
            "SELECT person_id FROM slot_people WHERE paper_key LIKE ? AND author_index = ?",
            [f"%#{paper}", idx],
        )
    )


def _ref(store: Store, paper: str, idx: int) -> str:
    key = store.scalar("SELECT paper_key FROM papers WHERE paper_id = ?", [paper])
    return f"{key}:{idx}"


def test_every_slot_gets_a_person_and_bad_names_stay_alone(small_store: Path) -> None:
    with open_store(small_store, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM slot_people") == len(_SLOTS)
        assert _person_of(store, "p1", 0) == _person_of(store, "p2", 0)  # same OpenReview id
        ev = store.query(
            "SELECT a.name, sp.evidence FROM slot_people sp JOIN authorships a "
            "USING (paper_key, author_index) WHERE a.paper_key LIKE '%#p6'"
        )
        assert {r["evidence"] for r in ev} == {"unresolved"}
        people = {_person_of(store, "p6", i) for i in range(3)}
        assert len(people) == 3
        strong = store.scalar(
            "SELECT strong_id FROM people WHERE person_id = ?", [_person_of(store, "p1", 0)]
        )
        assert strong == "~Mehryar_Mohri1"
        links = store.query("SELECT decision, evidence FROM person_links")
        assert {"decision": "linked", "evidence": "strong_id"} in links


def test_cannot_link_undoes_a_merge_without_reingest(small_store: Path, tmp_path: Path) -> None:
    with open_store(small_store) as store:
        a, b = _ref(store, "p1", 0), _ref(store, "p2", 0)
        ingested = store.query("SELECT file_key, ingested_at FROM source_files ORDER BY 1")
        slots_before = store.scalar("SELECT count(*) FROM authorships")
        assert _person_of(store, "p1", 0) == _person_of(store, "p2", 0)
        add_overrides(store, [Override("cannot-link", a, b, "two people")])
        derive_people(store)
        assert _person_of(store, "p1", 0) != _person_of(store, "p2", 0)
        assert store.scalar("SELECT count(*) FROM authorships") == slots_before
        assert store.query("SELECT file_key, ingested_at FROM source_files ORDER BY 1") == ingested
        # The override file form: must-link the two Yang Lius (a user knows better).
        f = tmp_path / "overrides.csv"
        y1, y2 = _ref(store, "p4", 0), _ref(store, "p5", 0)
        f.write_text(f"# my fixes\nmust-link,{y1},{y2},same person\n", encoding="utf-8")
        assert _person_of(store, "p4", 0) != _person_of(store, "p5", 0)
        result = derive_people(store, overrides_file=f)
        assert result.linked_by_override == 1
        assert _person_of(store, "p4", 0) == _person_of(store, "p5", 0)
        decided = store.query(
            "SELECT evidence FROM slot_people WHERE paper_key LIKE '%#p4' AND author_index = 0"
        )
        assert decided == [{"evidence": "override"}]


def test_override_file_errors_name_the_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text("must-link,a,b\nmaybe-link,a,b\n", encoding="utf-8")
    with pytest.raises(BadInputError, match="record 2"):
        read_overrides_file(f)
    with pytest.raises(BadInputError, match="cannot read"):
        read_overrides_file(tmp_path / "missing.csv")


def test_strong_ids_work_without_splink(small_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import talentflow.resolve.people.linkage as linkage
    from talentflow.errors import MissingExtraError

    def missing(*a: Any, **k: Any) -> Any:
        raise MissingExtraError("splink", "people")

    monkeypatch.setattr(linkage, "require", missing)
    with open_store(small_store) as store:
        result = derive_people(store)
        assert not result.linkage_used
        assert result.linked_by_linkage == 0
        assert _person_of(store, "p1", 0) == _person_of(store, "p2", 0)


# --- CLI -----------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_search_show_link_unlink(small_store: Path) -> None:
    db = str(small_store)
    out = runner.invoke(app, ["people", "search", "mohri mehryar", "--db", db, "-f", "json"])
    assert out.exit_code == 0, out.output
    found = json.loads(out.stdout)["people"]
    assert found and found[0]["strong_id"] == "~Mehryar_Mohri1"
    pid = found[0]["person_id"]
    out = runner.invoke(app, ["people", "search", "ang", "--db", db, "-f", "json"])
    assert out.exit_code == 0 and json.loads(out.stdout)["people"] == []  # whole words only
    out = runner.invoke(app, ["people", "search", "Liu Yang", "--db", db, "-f", "json"])
    assert {p["display_name"] for p in json.loads(out.stdout)["people"]} == {"Yang Liu"}
    out = runner.invoke(app, ["people", "show", pid, "--db", db, "-f", "json"])
    assert out.exit_code == 0, out.output
    shown = json.loads(out.stdout)
    assert shown["person"]["person_id"] == pid
    assert {p["year"] for p in shown["papers"]} >= {2021, 2022}
    assert shown["organisations"][0]["organisation"] == "Google"
    assert not any("origin" in k for k in json.dumps(shown).lower().split('"'))
    out = runner.invoke(app, ["people", "show", pid, "--db", db, "-f", "csv"])
    assert out.exit_code == 0 and out.stdout.startswith("year,venue,title")
    out = runner.invoke(app, ["people", "show", pid, "--db", db])
    assert out.exit_code == 0 and "organisations over time" in out.stdout

    with open_store(small_store, read_only=True) as store:
        a, b = _ref(store, "p1", 0), _ref(store, "p2", 0)
    out = runner.invoke(app, ["people", "unlink", a, b, "--db", db, "-f", "json"])
    assert out.exit_code == 0, out.output
    with open_store(small_store, read_only=True) as store:
        assert _person_of(store, "p1", 0) != _person_of(store, "p2", 0)
    out = runner.invoke(app, ["people", "forget", a, b, "--db", db, "-f", "json"])
    assert out.exit_code == 0, out.output
    with open_store(small_store, read_only=True) as store:
        assert _person_of(store, "p1", 0) == _person_of(store, "p2", 0)


def test_cli_errors_are_one_line(small_store: Path, tmp_path: Path) -> None:
    out = runner.invoke(app, ["people", "show", "Pnope", "--db", str(small_store)])
    assert out.exit_code == 1
    assert "no person 'Pnope'" in out.stderr
    out = runner.invoke(app, ["people", "search", "x", "--db", str(tmp_path / "none.duckdb")])
    assert out.exit_code == 1 and "no store" in out.stderr
    out = runner.invoke(app, ["people", "forget", "a", "b", "--db", str(small_store)])
    assert out.exit_code == 1 and "no override" in out.stderr


def test_cli_unlink_removes_the_fabricated_move_everywhere(tmp_path: Path) -> None:
    from talentflow.build import derive_all

    path = tmp_path / "careers.duckdb"
    _make_store(path)
    with open_store(path) as store:
        derive_all(store)
        a, c = _ref(store, "p1", 0), _ref(store, "p3", 0)
        mohri = _person_of(store, "p1", 0)
        # p3's Mehryar Mohri (NYU, no id) joined the Google one through a shared co-author.
        assert _person_of(store, "p3", 0) == mohri
        moves = store.query("SELECT from_org_id, to_org_id FROM moves WHERE person_id = ?", [mohri])
        assert {"from_org_id": "tf:google", "to_org_id": "uni:nyu.edu"} in moves
    out = runner.invoke(app, ["people", "unlink", a, c, "--db", str(path), "-f", "json"])
    assert out.exit_code == 0, out.output
    rederived = "affiliation sets, careers, live stints, stint stages"
    assert json.loads(out.stdout)["rederived"] == rederived
    with open_store(path, read_only=True) as store:
        mohri = _person_of(store, "p1", 0)
        assert _person_of(store, "p3", 0) != mohri
        assert store.scalar("SELECT count(*) FROM moves WHERE person_id = ?", [mohri]) == 0
        orgs = store.query("SELECT org_id FROM stints WHERE person_id = ?", [mohri])
        assert orgs == [{"org_id": "tf:google"}]


def test_audit_verdicts_are_one_well_formed_judgement_per_pair_of_ids() -> None:
    import csv

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "people_merge_audit.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and list(rows[0]) == ["id_a", "id_b", "name", "verdict", "evidence"]
    pairs = [frozenset((r["id_a"], r["id_b"])) for r in rows]
    assert len(set(pairs)) == len(pairs)
    for r in rows:
        assert r["id_a"].startswith("~") and r["id_b"].startswith("~") and r["id_a"] != r["id_b"]
        assert r["verdict"].split(" ")[0] in {"same", "different", "unsure"}, r
        assert len(r["evidence"]) >= 15, r
