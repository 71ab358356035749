"""People, second pass: namesake clusters merged on pooled evidence, or refused."""

from __future__ import annotations

from typing import Any

from talentflow.resolve.names import is_korean_surname
from talentflow.resolve.people.cluster import cluster_slots
from talentflow.resolve.people.features import build_features, given_names, org_years
from talentflow.resolve.people.pooled import PooledEvidence, PooledSettings

# Filler authors make "Yang" and "Liu" common tokens (many distinct names carry them),
# while "Mehryar Mohri" and "Jiwon Kim" stay one-of-a-kind strings.
_FILLER = [f"Yang Filler{i}" for i in range(15)] + [f"Other{i} Liu" for i in range(15)]


def _slots(rows: list[tuple[Any, ...]]) -> dict[str, list[Any]]:
    """Slot columns as ``load_slots`` gives them: (paper, year, name, affiliation, domain[,
    the paper's title and keywords])."""
    # Each filler paper has a subject of its own, so a word two test papers share is rare.
    rows = rows + [
        (f"f{i}", 2015, name, None, None, f"subject{i} matter{i}") for i, name in enumerate(_FILLER)
    ]
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            *("paper_key", "author_index", "venue", "year", "accepted", "name", "profile_id"),
            *("profile_kind", "affiliation", "aff_domain", "position", "org_id", "country"),
            "topic",
        )
    }
    index: dict[str, int] = {}
    for paper, year, name, aff, dom, *topic in rows:
        cols["topic"].append(topic[0] if topic else None)
        cols["paper_key"].append(paper)
        cols["author_index"].append(index.setdefault(paper, 0))
        index[paper] += 1
        cols["venue"].append("t")
        cols["year"].append(year)
        cols["accepted"].append(True)
        cols["name"].append(name)
        cols["profile_id"].append(None)
        cols["profile_kind"].append(None)
        cols["affiliation"].append(aff)
        cols["aff_domain"].append(dom)
        cols["position"].append(None)
        cols["org_id"].append(None)
        cols["country"].append(None)
    return cols


def _resolve(rows: list[tuple[Any, ...]], **settings: Any) -> Any:
    """First pass with no scored pairs (every slot alone), then the second pass."""
    feats = build_features(_slots(rows))
    t = feats.table
    pooled = PooledEvidence(t, PooledSettings(**settings))
    roots, decisions = cluster_slots(
        n=feats.n,
        paper_keys=t["paper_key"].to_pylist(),
        strong_ids=t["strong_id"].to_pylist(),
        pairs=[],
        threshold=0.99,
        org_years=org_years(t),
        given_names=given_names(t),
        pooled=pooled,
    )
    return roots, decisions, pooled


def test_shared_coauthor_merges_common_name_clusters() -> None:
    rows = [
        ("p1", 2020, "Yang Liu", None, None),
        ("p1", 2020, "Maosong Sun", None, None),
        ("p2", 2022, "Yang Liu", None, None),
        ("p2", 2022, "Maosong Sun", None, None),
        ("p3", 2022, "Yang Liu", None, None),  # no evidence: stays alone
        ("p3", 2022, "Dan Iter", None, None),
    ]
    roots, decisions, _ = _resolve(rows, max_expected_namesakes=0.0)
    assert roots[0] == roots[2]
    assert roots[4] != roots[0]
    linked = [d for d in decisions if d.evidence == "pooled"]
    assert linked and linked[0].detail["rule"] == "co-authors"
    assert linked[0].detail["shared_coauthors"] == 1


def test_a_shared_coauthor_with_a_common_name_is_weak_evidence() -> None:
    # Many distinct names carry "Wei" and "Zhang", so "Wei Zhang" is a common name.
    letters = "abcdefghijklmno"
    crowd = [(f"w{c}", 2015, f"Wei Crowd{c}", None, None) for c in letters] + [
        (f"z{c}", 2015, f"Other{c} Zhang", None, None) for c in letters
    ]
    rows = [
        ("p1", 2020, "Yang Liu", None, None),
        ("p1", 2020, "Wei Zhang", None, None),
        ("p2", 2022, "Yang Liu", None, None),
        ("p2", 2022, "Wei Zhang", None, None),
        ("p3", 2020, "Yang Liu", None, None),
        ("p3", 2020, "Maosong Sun", None, None),
        ("p4", 2023, "Yang Liu", None, None),
        ("p4", 2023, "Maosong Sun", None, None),
        *crowd,
    ]
    roots, decisions, pooled = _resolve(rows, max_expected_namesakes=0.0)
    table = pooled._coauthor_weights
    weight = dict(zip(table["v"].to_pylist(), table["weight"].to_pylist(), strict=True))
    assert weight["wei|zhang"] < 0.5 < weight["maosong|sun"]
    assert roots[0] != roots[2]  # only "Wei Zhang" in common: kept apart
    assert roots[4] == roots[6]  # "Maosong Sun" in common: merged
    linked = [
        d.detail["coauthor_weight"]
        for d in decisions
        if d.evidence == "pooled" and d.decision == "linked" and d.detail["key"] == "liu|yang"
    ]
    assert linked == [round(weight["maosong|sun"], 3)]
    # With no minimum weight any shared co-author will do.
    roots, _, _ = _resolve(rows, max_expected_namesakes=0.0, min_coauthor_weight=0.0)
    assert roots[0] == roots[2]


def test_rare_name_merges_on_the_name_alone_but_a_common_one_does_not() -> None:
    rows = [
        ("p1", 2019, "Mehryar Mohri", None, None),
        ("p2", 2023, "Mehryar Mohri", None, None),
        ("p3", 2019, "Yang Liu", None, None),
        ("p4", 2023, "Yang Liu", None, None),
    ]
    roots, decisions, pooled = _resolve(rows, max_expected_namesakes=0.5)
    assert pooled.namesakes["mehryar|mohri"] < 0.5 < pooled.namesakes["liu|yang"]
    assert roots[0] == roots[1]
    assert roots[2] != roots[3]
    assert {d.detail["rule"] for d in decisions if d.decision == "linked"} == {"rare name"}
    # With the rule off, nothing merges without evidence.
    roots, _, _ = _resolve(rows, max_expected_namesakes=0.0)
    assert roots[0] != roots[1]


def test_korean_family_names_and_initials_need_evidence() -> None:
    assert is_korean_surname("Kim".lower()) and is_korean_surname("rhee")
    assert not is_korean_surname("mohri")
    rows = [
        ("p1", 2019, "Jiwon Kim", None, None),
        ("p2", 2023, "Jiwon Kim", None, None),
        ("p3", 2019, "M. Mohri", None, None),
        ("p4", 2023, "M. Mohri", None, None),
    ]
    roots, _, pooled = _resolve(rows, max_expected_namesakes=0.5)
    assert roots[0] != roots[1]
    assert roots[2] != roots[3]
    # Kim is rare in this tiny data set, yet the rare-name rule does not apply.
    assert pooled.namesakes["jiwon|kim"] < 0.5


def test_middle_initials_and_constraints_still_hold() -> None:
    rows = [
        ("p1", 2020, "John A. Smith", None, None),
        ("p1", 2020, "Ada Lovelace", None, None),
        ("p2", 2021, "John B. Smith", None, None),
        ("p2", 2021, "Ada Lovelace", None, None),
        # Two common-name clusters sharing a co-author, at unrelated places in one year.
        ("p3", 2023, "Yang Liu", "Tsinghua University", "tsinghua.edu.cn"),
        ("p3", 2023, "Grace Hopper", None, None),
        ("p4", 2023, "Yang Liu", "Microsoft Research", "microsoft.com"),
        ("p4", 2023, "Grace Hopper", None, None),
    ]
    roots, decisions, _ = _resolve(rows, max_expected_namesakes=0.5)
    assert roots[0] != roots[2]  # A. vs B.: two people despite the shared co-author
    assert roots[4] != roots[6]
    refused = [d for d in decisions if d.decision == "refused"]
    assert [d.evidence for d in refused] == ["different organisations in the same year"]
    assert refused[0].detail["rule"] == "co-authors"


def test_coauthor_and_topic_together_override_different_places_in_one_year() -> None:
    rows = [
        ("p3", 2023, "Yang Liu", "Tsinghua University", "tsinghua.edu.cn", "Causal discovery"),
        ("p3", 2023, "Grace Hopper", None, None, "Causal discovery"),
        ("p4", 2023, "Yang Liu", "Microsoft Research", "microsoft.com", "Causal discovery, time"),
        ("p4", 2023, "Grace Hopper", None, None, "Causal discovery, time"),
        ("p5", 2023, "Yang Liu", "Google", "google.com", "Protein folding"),
        ("p5", 2023, "Ada Lovelace", None, None, "Protein folding"),
        ("p6", 2023, "Yang Liu", "Peking University", "pku.edu.cn", "Graph coloring"),
        ("p6", 2023, "Ada Lovelace", None, None, "Graph coloring"),
    ]
    settings = {"max_expected_namesakes": 0.0}
    roots, decisions, _ = _resolve(rows, **settings, firm_topic_similarity=0.1)
    assert roots[0] == roots[2]  # shared co-author and subject: one person at two places
    assert roots[4] != roots[6]  # shared co-author, unrelated subjects: the places decide
    mine = [d for d in decisions if d.detail.get("key") == "liu|yang"]
    firm = [d for d in mine if d.decision == "linked"]
    assert [d.detail["rule"] for d in firm] == ["co-authors"]
    assert firm[0].detail["topic_cosine"] >= 0.1
    refused = [d for d in mine if d.decision == "refused"]
    assert [d.evidence for d in refused] == ["different organisations in the same year"]
    # Without the override the places keep both pairs apart.
    roots, _, _ = _resolve(rows, **settings, firm_topic_similarity=0.0)
    assert roots[0] != roots[2]


def test_shared_domain_merges_and_disabled_pass_does_nothing() -> None:
    rows = [
        ("p1", 2019, "Yang Liu", "Tsinghua University", "tsinghua.edu.cn"),
        ("p2", 2024, "Yang Liu", "Dept. of CS, Tsinghua", "mails.tsinghua.edu.cn"),
    ]
    roots, decisions, _ = _resolve(rows, max_expected_namesakes=0.0)
    assert roots[0] == roots[1]
    assert [d.detail["rule"] for d in decisions] == ["organisation"]
    roots, decisions, _ = _resolve(rows, enabled=False)
    assert roots[0] != roots[1] and decisions == []


# --- the column-wise features and the capped name blocks ------------------------------------


def test_features_coauthors_and_ids_column_wise() -> None:
    import pyarrow as pa

    from talentflow.resolve.people.features import MAX_TEAM

    rows = [
        ("p1", 2020, "Yang Liu", None, None),
        ("p1", 2020, "Maosong Sun", None, None),
        ("p1", 2020, "Mausam", None, None),  # unresolved: no key, still sees co-authors
        ("p2", 2021, "Ada Lovelace", None, None),  # alone on its paper
    ] + [("big", 2021, f"Author{i} Person{i}", None, None) for i in range(MAX_TEAM + 1)]
    cols = _slots(rows)
    cols["profile_kind"][0], cols["profile_id"][0] = "openreview", "~Yang_Liu1"
    cols["profile_kind"][1], cols["profile_id"][1] = "email", "MS@Tsinghua.edu.cn"
    from_lists = build_features(cols).table
    from_arrow = build_features(pa.table(cols)).table
    assert from_lists.to_pylist() == from_arrow.to_pylist()
    co = from_lists["coauthors"].to_pylist()
    assert co[0] == ["maosong|sun"] and co[1] == ["liu|yang"]
    assert co[2] == ["liu|yang", "maosong|sun"]
    assert co[3] is None  # no co-author: missing, not an empty list
    assert co[4] is None  # more than MAX_TEAM authors: no co-author evidence
    assert from_lists["strong_id"][0].as_py() == "openreview:~Yang_Liu1"
    assert from_lists["handle"][1].as_py() == "email:ms@tsinghua.edu.cn"
    hidden = build_features(cols, hide_kinds=frozenset({"openreview"})).table
    assert hidden["strong_id"][0].as_py() is None


def test_acl_slugs_that_restate_the_name_are_no_handle() -> None:
    from talentflow.resolve.people.features import acl_slug_informative

    # The Anthology gives every undisambiguated Yang Zhang "/y/yang-zhang/".
    assert not acl_slug_informative("/y/yang-zhang/", "Yang Zhang")
    assert not acl_slug_informative("/x/xuan-jing-huang/", "Xuanjing Huang")
    assert not acl_slug_informative("/p/philip-s-yu/", "Philip Yu")
    assert not acl_slug_informative("/a/anders-sogaard/", "Anders Søgaard")
    assert acl_slug_informative("/y/yang-liu-icsi/", "Yang Liu")
    assert acl_slug_informative("/w/wayne-xin-zhao/", "Xin Zhao")
    rows = [
        ("p1", 2022, "Yang Zhang", None, None),
        ("p2", 2024, "Yang Zhang", None, None),
        ("p3", 2023, "Yang Liu", None, None),
        ("p4", 2013, "Kun Fu", None, None),
    ]
    cols = _slots(rows)
    cols["profile_kind"][:4] = ["acl", "acl", "acl", "other"]
    cols["profile_id"][:4] = ["/y/yang-zhang/", "/y/yang-zhang/", "/y/yang-liu-icsi/", "Tsinghua"]
    handles = build_features(cols).table["handle"].to_pylist()[:4]
    assert handles == [None, None, "acl:/y/yang-liu-icsi/", None]


def test_large_name_blocks_pair_only_within_a_year_or_organisation() -> None:
    import duckdb
    import pyarrow as pa

    from talentflow.resolve.people.linkage import BLOCK_SIZES, _blocking_rules

    t = pa.table(
        {
            "unique_id": [0, 1, 2, 3],
            "paper_key": ["a", "b", "c", "d"],
            "key_concat": ["liu|yang"] * 4,
            "key_first": ["liu|yang"] * 4,
            "middle": [""] * 4,
            "strong_id": pa.nulls(4, pa.string()),
            "year": [2020, 2020, 2023, 2024],
            "org_key": ["x", None, None, "x"],
            "domain": pa.nulls(4, pa.string()),
        }
    )
    con = duckdb.connect()
    con.register("t", t)
    con.execute(f"CREATE TABLE s AS SELECT *, {BLOCK_SIZES} FROM t")

    def pairs(cap: int | None) -> set[tuple[int, int]]:
        found: set[tuple[int, int]] = set()
        for rule in _blocking_rules(cap):
            found |= set(
                con.sql(
                    "SELECT l.unique_id, r.unique_id FROM s l JOIN s r ON "
                    f"{rule['blocking_rule']} AND l.unique_id < r.unique_id"
                ).fetchall()
            )
        return found

    assert pairs(None) == {(a, b) for a in range(4) for b in range(4) if a < b}
    assert pairs(10) == pairs(None)  # a small block is paired in full
    # Capped: same year (0, 1) or same organisation (0, 3) only.
    assert pairs(3) == {(0, 1), (0, 3)}


# --- initials-only mentions ("F. Chaumette") and full names -------------------------------


def _rules(decisions: list[Any]) -> list[str]:
    return [d.detail["rule"] for d in decisions if d.evidence == "pooled"]


def test_initials_join_a_full_name_through_a_coauthor_written_either_way() -> None:
    rows = [
        ("p1", 2004, "F. Chaumette", None, None),
        ("p1", 2004, "E. Marchand", None, None),
        ("p2", 2009, "Francois Chaumette", None, None),
        ("p2", 2009, "Eric Marchand", None, None),  # the same co-author, spelt out
        ("p3", 2010, "Fabien Chaumette", None, None),  # a second F. Chaumette
        ("p3", 2010, "Dan Iter", None, None),
    ]
    roots, decisions, _ = _resolve(rows, max_expected_namesakes=0.0)
    assert roots[0] == roots[2]
    assert roots[4] != roots[0]
    assert "initials: co-authors" in _rules(decisions)


def test_initials_join_the_sole_full_name_of_an_uncrowded_family_only() -> None:
    rows = [
        ("p1", 2004, "G. Dudek", None, None),
        ("p2", 2013, "Gregory Dudek", None, None),
        ("p3", 2003, "M. Kaneko", None, None),
        ("p4", 2011, "Makoto Kaneko", None, None),
        ("p5", 2012, "Hiroshi Kaneko", None, None),
        ("p6", 2013, "Akira Kaneko", None, None),
    ]
    roots, decisions, _ = _resolve(rows, max_expected_namesakes=0.0)
    assert roots[0] == roots[1]  # one first name goes with "Dudek"
    assert roots[2] != roots[3]  # three go with "Kaneko": more than the cut of 2
    assert _rules(decisions) == ["initials: sole full name"]
    roots, _, _ = _resolve(rows, max_expected_namesakes=0.0, initials_max_family_names=3)
    assert roots[2] == roots[3]
    roots, _, _ = _resolve(rows, max_expected_namesakes=0.0, initials_max_family_names=0)
    assert roots[0] != roots[1]  # the rule turned off
    roots, _, _ = _resolve(rows, initials=False)
    assert roots[0] != roots[1]


def test_initials_never_join_korean_families_or_two_full_names_on_the_name_alone() -> None:
    rows = [
        ("p1", 2004, "J. Park", None, None),
        ("p2", 2013, "Jaesik Park", None, None),
        ("p3", 2004, "C. Luo", None, None),
        ("p4", 2012, "Chen Luo", None, None),
        ("p5", 2013, "Chaomin Luo", None, None),
    ]
    roots, decisions, _ = _resolve(rows, max_expected_namesakes=0.0, initials_max_family_names=9)
    assert roots[0] != roots[1]
    assert len({roots[2], roots[3], roots[4]}) == 3
    assert _rules(decisions) == []


def test_an_initials_mention_joins_at_most_one_full_name() -> None:
    # "C. Luo" shares a co-author with "Chen Luo" and a domain with "Chaomin Luo": the
    # first merge wins, the second would put two different full names in one person.
    rows = [
        ("p1", 2004, "C. Luo", None, "uwaterloo.ca"),
        ("p1", 2004, "S. X. Yang", None, None),
        ("p2", 2008, "Chen Luo", None, None),
        ("p2", 2008, "Simon X. Yang", None, None),
        ("p3", 2012, "Chaomin Luo", None, "uwaterloo.ca"),
    ]
    roots, decisions, _ = _resolve(rows, max_expected_namesakes=0.0)
    assert roots[0] == roots[2]
    assert roots[4] != roots[0]
    refused = [d for d in decisions if d.decision == "refused"]
    assert [d.evidence for d in refused] == ["different given names"]
    assert refused[0].detail["rule"] == "initials: organisation"
