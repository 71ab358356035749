"""Identity keys as person evidence: ``slot_keys`` and ``profile_links`` written with the
archive's slot values, and the people step uniting linked profiles and placing slots by a
key only one profile holds."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paperlist_files import record, write_list
from talentflow.build.paperlists import run_paperlists_build
from talentflow.graph.store import open_store
from talentflow.progress import SILENT
from talentflow.sources.papercopilot_openreview import MIRROR_ENV
from test_papercopilot_openreview import write_jsonl

ORCID = "0000-0002-1825-0097"


def _line(forum: str, names: str, ids: str, **fields: str) -> dict[str, str]:
    return {"id": forum, "author": names, "authorids": ids, "or_profile": ids, **fields}


def _mirrors(root: Path) -> tuple[Path, Path]:
    lists = root / "lists"
    poster = {"status": "Poster", "track": "main"}
    write_list(
        lists,
        "nips",
        2023,
        [
            record(
                id="f1",
                author="Johannes Balle;Ada Lovelace",
                authorids="~Johannes_Balle1;~Ada_Lovelace1",
                **poster,
            ),
            record(
                id="f2",
                author="Jona Balle;Grace Hopper",
                authorids="~Jona_Balle1;~Grace_Hopper1",
                **poster,
            ),
            # No OpenReview ids; Ada King is no name a resolver could join to Ada Lovelace (the
            # archive places her by position, beside Charles Babbage placed by name).
            record(id="f3", author="Ada King;Charles Babbage", **poster),
            record(id="f4", author="Grace Hopper", authorids="~Grace_Hopper2", **poster),
            record(id="f5", author="Alan Smithee", **poster),
            record(id="f6", author="Kurt Godel;Emmy Noether", **poster),
        ],
    )
    lab = "https://www.lab.example.org/"
    archive = root / "archive"
    write_jsonl(
        archive / "authors" / "nips" / "nips2023.jsonl.gz",
        [
            _line(
                "f1",
                "Johannes Balle;Ada Lovelace",
                "~Johannes_Balle1;~Ada_Lovelace1",
                orcid=f"{ORCID};",
                dblp=";https://dblp.org/pid/12/345.html",
                aff="Google;University of Cambridge",
                aff_domain="google.com;cam.ac.uk",
            ),
            _line(
                "f2",
                "Jona Balle;Grace Hopper",
                "~Jona_Balle1;~Grace_Hopper1",
                orcid=f"https://orcid.org/{ORCID};",
                linkedin=";https://www.linkedin.com/in/Grace-H/",
            ),
            _line(
                "f3",
                "Ada Lovelace;Charles Babbage",
                "~Ada_Lovelace1;~Charles_Babbage1",
                dblp="12/345;",
            ),
            _line("f4", "Grace Hopper", "~Grace_Hopper2", linkedin="grace-h"),
            _line("f5", "Alan Smithee", "~Alan_Smithee1", homepage=lab),
            _line(
                "f6",
                "Kurt Godel;Emmy Noether",
                "~Kurt_Godel1;~Emmy_Noether1",
                homepage=f"{lab};{lab}index.html",
            ),
        ],
    )
    return lists, archive


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("identity")
    lists, archive = _mirrors(root)
    path = root / "s.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(MIRROR_ENV, str(archive))
        run_paperlists_build(mirror=lists, db=path, workers=1, reporter=SILENT)
    return path


@pytest.fixture()
def db(built: Path, tmp_path: Path) -> Path:
    """A copy of the built store (a test may write to it)."""
    path = tmp_path / "s.duckdb"
    shutil.copyfile(built, path)
    return path


def _person(db: Path, paper_id: str, index: int) -> tuple[str, str | None]:
    with open_store(db, read_only=True) as store:
        rows = store.query(
            "SELECT sp.person_id, p.strong_id FROM slot_people sp "
            "JOIN papers pa USING (paper_key) JOIN people p USING (person_id) "
            "WHERE pa.paper_id = ? AND sp.author_index = ?",
            [paper_id, index],
        )
    assert len(rows) == 1
    return rows[0]["person_id"], rows[0]["strong_id"]


def test_slot_keys_are_normalised_with_their_source_and_holders(db: Path) -> None:
    with open_store(db, read_only=True) as store:
        rows = store.query(
            "SELECT pa.paper_id, k.author_index, k.kind, k.key, k.source, k.profile_id, "
            "k.holders FROM slot_keys k JOIN papers pa USING (paper_key) "
            "ORDER BY pa.paper_id, k.author_index, k.kind"
        )
    got = [tuple(r.values()) for r in rows]
    src = "papercopilot_openreview"
    assert ("f1", 0, "orcid", ORCID, src, "~Johannes_Balle1", 2) in got
    assert ("f1", 1, "dblp", "12/345", src, "~Ada_Lovelace1", 1) in got
    # Ada King's slot carries the key of the profile the archive placed on it.
    assert ("f3", 0, "dblp", "12/345", src, "~Ada_Lovelace1", 1) in got
    assert ("f2", 1, "linkedin", "grace-h", src, "~Grace_Hopper1", 2) in got
    assert ("f5", 0, "homepage", "lab.example.org", src, "~Alan_Smithee1", 3) in got


def test_profile_links_hold_the_shared_orcid_and_not_linkedin(db: Path) -> None:
    with open_store(db, read_only=True) as store:
        links = store.query("SELECT profile_a, profile_b, kind, key FROM profile_links")
    assert [tuple(r.values()) for r in links] == [
        ("~Johannes_Balle1", "~Jona_Balle1", "orcid", ORCID)
    ]


def test_linked_profiles_are_one_person(db: Path) -> None:
    johannes, ids = _person(db, "f1", 0)
    jona, _ = _person(db, "f2", 0)
    assert johannes == jona
    assert ids == "~Johannes_Balle1 ~Jona_Balle1"


def test_a_slot_without_an_id_joins_the_person_of_its_unique_key(db: Path) -> None:
    lovelace, ids = _person(db, "f1", 1)
    king, _ = _person(db, "f3", 0)
    assert king == lovelace
    assert ids == "~Ada_Lovelace1"


def test_keys_of_three_holders_and_linkedin_are_no_evidence(db: Path) -> None:
    assert _person(db, "f5", 0)[1] is None  # the lab homepage names no one
    assert _person(db, "f2", 1)[0] != _person(db, "f4", 0)[0]  # a shared LinkedIn handle


def test_rebuilding_people_keeps_the_decisions(db: Path) -> None:
    from talentflow.resolve.people import derive_people

    before = _person(db, "f3", 0)
    with open_store(db) as store:
        result = derive_people(store)
    assert _person(db, "f3", 0) == before
    assert result.slots_by_key == 1
    assert result.slots_united == 1


def test_people_features_read_the_values_the_organisations_step_reads(db: Path) -> None:
    from talentflow.resolve.archive_derive import SLOT_VALUES_SQL
    from talentflow.resolve.people.features import load_slot_table

    with open_store(db, read_only=True) as store:
        slots = load_slot_table(store).to_pylist()
        used = store.query(
            f"SELECT paper_key, author_index, affiliation, aff_domain FROM {SLOT_VALUES_SQL} v"
        )
        f1 = store.query(
            "SELECT a.affiliation, v.affiliation AS archive FROM authorships a "
            "JOIN papers USING (paper_key) JOIN slot_values v USING (paper_key, author_index) "
            "WHERE paper_id = 'f1' ORDER BY a.author_index"
        )
    # The paper list gives no affiliation; the archive does, and the features see it.
    assert f1 == [
        {"affiliation": None, "archive": "Google"},
        {"affiliation": None, "archive": "University of Cambridge"},
    ]
    by_slot = {(r["paper_key"], r["author_index"]): r for r in used}
    for s in slots:
        chosen = by_slot[(s["paper_key"], s["author_index"])]
        assert (s["affiliation"], s["aff_domain"]) == (chosen["affiliation"], chosen["aff_domain"])


def test_a_cannot_link_override_undoes_a_key_link(db: Path) -> None:
    from talentflow.resolve.people import Override, add_overrides, derive_people

    with open_store(db) as store:
        add_overrides(store, [Override("cannot-link", "~Jona_Balle1", "~Johannes_Balle1")])
        result = derive_people(store)
    assert result.unknown_override_refs == []
    assert result.slots_united == 0
    assert _person(db, "f1", 0)[0] != _person(db, "f2", 0)[0]


def test_an_override_may_name_any_profile_of_a_linked_group(db: Path) -> None:
    from talentflow.resolve.people import Override, add_overrides, derive_people

    with open_store(db) as store:
        add_overrides(store, [Override("must-link", "~Jona_Balle1", "~Grace_Hopper2")])
        result = derive_people(store)
    assert result.unknown_override_refs == []


def test_keys_are_not_used_when_openreview_ids_are_hidden(db: Path) -> None:
    """The keys come per OpenReview profile: with the ids hidden they would reveal them."""
    from talentflow.resolve.people import resolve_store

    with open_store(db, read_only=True) as store:
        shown = resolve_store(store)
        hidden = resolve_store(store, hide_kinds=frozenset({"openreview"}))
        paper = store.scalar("SELECT paper_key FROM papers WHERE paper_id = 'f3'")
    king = shown.features.table["slot_ref"].to_pylist().index(f"{paper}:0")
    assert shown.features.table["strong_id"][king].as_py() == "openreview:~Ada_Lovelace1"
    assert hidden.features.table["strong_id"].null_count == hidden.features.n
