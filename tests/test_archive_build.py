"""The OpenReview archive in the build: facts with provenance, slot values, rebuilds,
bad lines, and nothing like gender in the store."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from paperlist_files import record, write_list
from talentflow.build.paperlists import run_paperlists_build
from talentflow.errors import BadInputError
from talentflow.graph.store import open_store
from talentflow.progress import SILENT
from talentflow.sources.papercopilot_openreview import LIVE_BASE as ARCHIVE_BASE
from talentflow.sources.papercopilot_openreview import LIVE_TREE as ARCHIVE_TREE
from talentflow.sources.papercopilot_openreview import MIRROR_ENV
from talentflow.sources.paperlists import LIVE_BASE as LISTS_BASE
from talentflow.sources.paperlists import LIVE_TREE as LISTS_TREE
from talentflow.sources.paperlists import MIRROR_ENV as LISTS_MIRROR_ENV
from test_papercopilot_openreview import GENDER, author_line, write_jsonl


def _mirrors(root: Path) -> tuple[Path, Path]:
    lists = root / "lists"
    write_list(
        lists,
        "nips",
        2023,
        [
            record(id="f1", status="Poster", track="main", author="Ada Lovelace;Alan Turing"),
            record(id="f2", status="Reject", track="main", author="Grace Hopper"),
        ],
    )
    archive = root / "archive"
    write_jsonl(
        archive / "authors" / "nips" / "nips2023.jsonl.gz",
        [
            author_line(
                aff="ETH Zurich;University of Tokyo",
                aff_domain="ethz.ch;u-tokyo.ac.jp",
                position="Professor;PhD student",
            )
        ],
    )
    venue_line = {
        "id": "v1",
        "title": "On ALT",
        "status": "ALT 2026",
        "track": "main",
        "author": "Kurt Godel",
        "authorids": "~Kurt_Godel1",
        "gender": GENDER,
    }
    write_jsonl(archive / "venues" / "alt" / "alt2026.jsonl.gz", [venue_line])
    write_jsonl(
        archive / "authors" / "alt" / "alt2026.jsonl.gz",
        [
            {
                "id": "v1",
                "author": "Kurt Godel",
                "authorids": "~Kurt_Godel1",
                "or_profile": "~Kurt_Godel1",
                "aff": "Princeton University",
                "aff_domain": "princeton.edu",
                "gender": GENDER,
            }
        ],
    )
    return lists, archive


def _build(lists: Path, db: Path) -> Any:
    return run_paperlists_build(mirror=lists, db=db, workers=1, reporter=SILENT)


def _counts(db: Path) -> dict[str, int]:
    with open_store(db, read_only=True) as store:
        return {
            t: int(store.scalar(f"SELECT count(*) FROM {t}"))
            for t in (
                "ingest_runs",
                "source_files",
                "papers",
                "authorships",
                "archive_records",
                "archive_authors",
                "slot_values",
                "slot_keys",
                "profile_links",
                "slot_orgs",
            )
        }


@pytest.fixture()
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    lists, archive = _mirrors(tmp_path)
    monkeypatch.setenv(MIRROR_ENV, str(archive))
    db = tmp_path / "s.duckdb"
    _build(lists, db)
    return lists, archive, db


def test_archive_values_reach_slots_with_their_source(built: tuple[Path, Path, Path]) -> None:
    _, _, db = built
    with open_store(db, read_only=True) as store:
        rows = store.query(
            "SELECT a.name, v.affiliation, v.affiliation_source, v.profile_id, so.country "
            "FROM authorships a JOIN slot_values v USING (paper_key, author_index) "
            "LEFT JOIN slot_orgs so USING (paper_key, author_index) ORDER BY a.paper_key, "
            "a.author_index"
        )
        facts = store.query(
            "SELECT file_key, record_index, profile_id, profile_index FROM archive_authors "
            "ORDER BY file_key DESC, author_index"
        )
        venue_papers = store.query(
            "SELECT source, status, paper_id FROM papers WHERE venue = 'alt'"
        )
    # or_profile lists Alan Turing first: his values are the first entries.
    assert [(r["name"], r["affiliation"], r["affiliation_source"]) for r in rows[:2]] == [
        ("Ada Lovelace", "University of Tokyo", "papercopilot_openreview"),
        ("Alan Turing", "ETH Zurich", "papercopilot_openreview"),
    ]
    assert [r["country"] for r in rows[:2]] == ["JP", "CH"]
    assert facts[0] == {
        "file_key": "authors/nips/nips2023",
        "record_index": 0,
        "profile_id": "~Ada_Lovelace1",
        "profile_index": 1,
    }
    # ALT 2026 has no paper list: its papers come from the archive's venues file.
    assert venue_papers == [
        {"source": "papercopilot_openreview", "status": "ALT 2026", "paper_id": "v1"}
    ]
    assert rows[2]["affiliation"] == "Princeton University"


def test_gender_never_reaches_the_store(built: tuple[Path, Path, Path]) -> None:
    _, _, db = built
    with open_store(db, read_only=True) as store:
        columns = store.query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE data_type LIKE 'VARCHAR%'"
        )
        assert not any("gender" in c["column_name"] for c in columns)
        for c in columns:
            hits = store.scalar(
                f'SELECT count(*) FROM "{c["table_name"]}" '
                f'WHERE CAST("{c["column_name"]}" AS VARCHAR) LIKE ?',
                [f"%{GENDER}%"],
            )
            assert hits == 0, c


def test_rebuild_from_the_same_files_changes_nothing(built: tuple[Path, Path, Path]) -> None:
    lists, _, db = built
    before = _counts(db)
    result = _build(lists, db)
    assert result.run_id is None
    assert _counts(db) == before


def test_bad_archive_line_is_named_and_leaves_the_store_as_it_was(
    built: tuple[Path, Path, Path],
) -> None:
    lists, archive, db = built
    before = _counts(db)
    path = archive / "authors" / "nips" / "nips2023.jsonl.gz"
    write_jsonl(path, [author_line(), '{"id": "f9", '])
    with pytest.raises(BadInputError, match=r"nips2023\.jsonl\.gz: line 2: malformed JSON"):
        _build(lists, db)
    assert _counts(db) == before
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM archive_records WHERE forum_id = 'f1'") == 1


def test_without_the_archive_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lists, _ = _mirrors(tmp_path)
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    db = tmp_path / "plain.duckdb"
    _build(lists, db)
    counts = _counts(db)
    assert counts["archive_records"] == counts["slot_values"] == 0
    assert json.dumps(counts)  # every table still exists


def test_sources_lists_the_archive_and_its_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from talentflow.cli import app

    _, archive = _mirrors(tmp_path)
    args = ["sources", "--cache-dir", str(tmp_path / "cache"), "--format", "json"]
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    out = CliRunner().invoke(app, args)
    listed = {row["source"]: row for row in json.loads(out.stdout)["sources"]}
    assert listed["papercopilot_openreview"]["mirror"] is None
    monkeypatch.setenv(MIRROR_ENV, str(archive))
    out = CliRunner().invoke(app, args)
    listed = {row["source"]: row for row in json.loads(out.stdout)["sources"]}
    assert listed["papercopilot_openreview"]["mirror"] == str(archive)


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("archive_records", "file_key, record_index"),
        ("archive_authors", "file_key, record_index, author_index"),
        ("slot_values", "paper_key, author_index"),
        ("slot_keys", "paper_key, author_index, kind, key"),
    ],
)
def test_archive_tables_keys_are_unique(
    built: tuple[Path, Path, Path], table: str, key: str
) -> None:
    _, _, db = built
    with open_store(db, read_only=True) as store:
        rows = store.scalar(f"SELECT count(*) FROM {table}")
        distinct = store.scalar(f"SELECT count(*) FROM (SELECT DISTINCT {key} FROM {table})")
    assert rows > 0
    assert distinct == rows


def _archive_values(db: Path) -> list[tuple[str, str | None]]:
    with open_store(db, read_only=True) as store:
        rows = store.query(
            "SELECT a.name, v.affiliation_source FROM authorships a "
            "LEFT JOIN slot_values v USING (paper_key, author_index) "
            "WHERE a.venue = 'nips' ORDER BY a.paper_key, a.author_index"
        )
    return [(r["name"], r["affiliation_source"]) for r in rows]


@respx.mock
def test_a_live_build_downloads_the_archive_beside_the_paper_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lists, archive = _mirrors(tmp_path)
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    monkeypatch.delenv(LISTS_MIRROR_ENV, raising=False)
    lists_body = gzip.decompress((lists / "nips" / "nips2023.json.gz").read_bytes())
    archive_body = gzip.decompress((archive / "authors/nips/nips2023.jsonl.gz").read_bytes())
    respx.get(LISTS_TREE).mock(
        return_value=httpx.Response(
            200, json={"truncated": False, "tree": [{"path": "nips/nips2023.json", "type": "blob"}]}
        )
    )
    respx.get(f"{LISTS_BASE}/nips/nips2023.json").mock(
        return_value=httpx.Response(200, content=lists_body)
    )
    respx.get(ARCHIVE_TREE).mock(
        return_value=httpx.Response(
            200,
            json={
                "truncated": False,
                "tree": [{"path": "authors/nips/nips2023.jsonl", "type": "blob"}],
            },
        )
    )
    archive_route = respx.get(f"{ARCHIVE_BASE}/authors/nips/nips2023.jsonl").mock(
        return_value=httpx.Response(200, content=archive_body)
    )
    db = tmp_path / "live.duckdb"
    run_paperlists_build(db=db, cache_dir=tmp_path / "cache", workers=1, reporter=SILENT)
    assert archive_route.called
    assert _archive_values(db)[:2] == [
        ("Ada Lovelace", "papercopilot_openreview"),
        ("Alan Turing", "papercopilot_openreview"),
    ]
    assert (tmp_path / "cache" / "papercopilot_openreview").is_dir()


def test_build_takes_the_archive_mirror_as_an_option_and_can_leave_it_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from talentflow.cli import app

    lists, archive = _mirrors(tmp_path)
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    runner = CliRunner()
    with_archive, without = tmp_path / "with.duckdb", tmp_path / "without.duckdb"
    args = ["build", "--mirror", str(lists), "--workers", "1"]
    out = runner.invoke(app, [*args, "--archive-mirror", str(archive), "--db", str(with_archive)])
    assert out.exit_code == 0, out.output
    assert _archive_values(with_archive)[0] == ("Ada Lovelace", "papercopilot_openreview")
    monkeypatch.setenv(MIRROR_ENV, str(archive))
    out = runner.invoke(app, [*args, "--no-archive", "--db", str(without)])
    assert out.exit_code == 0, out.output
    assert _counts(without)["archive_records"] == 0
    out = runner.invoke(
        app, [*args, "--archive-mirror", str(tmp_path / "nope"), "--db", str(without)]
    )
    assert out.exit_code != 0
    assert "--archive-mirror" in out.output and "not a folder" in out.output


def test_a_mirror_build_without_the_archive_says_how_to_add_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lists, _ = _mirrors(tmp_path)
    monkeypatch.delenv(MIRROR_ENV, raising=False)
    notes: list[str] = []

    class Notes:
        def bar(self, description: str, total: int | None) -> Any:
            return SILENT.bar(description, total)

        def note(self, text: str) -> None:
            notes.append(text)

    run_paperlists_build(mirror=lists, db=tmp_path / "s.duckdb", workers=1, reporter=Notes())
    assert any("--archive-mirror" in n for n in notes)
    run_paperlists_build(
        mirror=lists, db=tmp_path / "t.duckdb", workers=1, reporter=Notes(), archive=False
    )
    assert sum("--archive-mirror" in n for n in notes) == 1
