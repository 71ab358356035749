"""Building the store: idempotent, atomic, and loud about bad files."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperlist_files import record, small_mirror, write_list
from talentflow.cli import app
from talentflow.errors import BadInputError
from talentflow.graph.build import build_paperlists
from talentflow.graph.store import IngestRun, open_store
from talentflow.sources.paperlists import mirror_files, parse_years

runner = CliRunner()

DATA_TABLES = ("papers", "authorships", "source_files", "ingest_runs")


def fingerprint(db: Path) -> dict[str, str]:
    """A content hash per data table: equal fingerprints mean an unchanged store."""
    out = {}
    with open_store(db, read_only=True) as store:
        for t in DATA_TABLES:
            rows = store.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            out[t] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def build(db: Path, mirror: Path, **kw: object) -> object:
    with open_store(db) as store:
        return build_paperlists(store, mirror_files(mirror), **kw)  # type: ignore[arg-type]


def test_build_counts_and_flags(tmp_path: Path) -> None:
    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    result = build(db, mirror)
    assert result.files_ingested == 3  # type: ignore[attr-defined]
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM papers") == 5
        # 2 + 1 (nips) + 2 (icra, doubled list counted once) + 2 + 2 (cvpr)
        assert store.scalar("SELECT count(*) FROM authorships") == 9
        assert store.scalar("SELECT count(*) FROM papers WHERE NOT accepted") == 1
        assert store.scalar("SELECT sum(doubled_lists) FROM source_files") == 1
        row = store.query(
            "SELECT source, file_key, file_sha256, record_index FROM authorships "
            "WHERE name = 'Alan Turing'"
        )[0]
    assert row["source"] == "paperlists"
    assert row["file_key"] == "nips/nips2021"
    assert len(row["file_sha256"]) == 64
    assert row["record_index"] == 0


def test_rebuild_from_same_files_changes_nothing(tmp_path: Path) -> None:
    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    build(db, mirror)
    before = fingerprint(db)
    again = build(db, mirror)
    assert again.run_id is None  # type: ignore[attr-defined]
    assert again.files_unchanged == 3  # type: ignore[attr-defined]
    assert fingerprint(db) == before


def test_changed_file_replaces_only_its_rows(tmp_path: Path) -> None:
    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    build(db, mirror)
    write_list(mirror, "nips", 2021, [record(id="new", author="Only One")])
    result = build(db, mirror)
    assert result.files_ingested == 1  # type: ignore[attr-defined]
    with open_store(db, read_only=True) as store:
        names = store.query("SELECT name FROM authorships WHERE venue = 'nips' ORDER BY name")
        assert [r["name"] for r in names] == ["Only One"]
        assert store.scalar("SELECT count(*) FROM authorships WHERE venue = 'icra'") == 2
        assert store.scalar("SELECT count(*) FROM ingest_runs") == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_corrupt_file_is_named_and_store_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    build(db, mirror)
    before = fingerprint(db)
    # Every file is written as soon as it is parsed: the changed icra file's rows
    # are already in the open transaction when the bad nips file arrives.
    monkeypatch.setattr(IngestRun, "FLUSH_SLOTS", 1)
    write_list(mirror, "icra", 2010, [record(author="Changed Name")])
    bad = mirror / "nips" / "nips2021.json.gz"
    bad.write_bytes(bad.read_bytes()[:40])
    with pytest.raises(BadInputError) as info:
        build(db, mirror, workers=workers)
    assert "nips2021.json.gz" in str(info.value)
    assert fingerprint(db) == before  # the good, changed icra file was not written either


@pytest.mark.parametrize("workers", [1, 2])
def test_skip_bad_ingests_good_files_and_lists_bad(tmp_path: Path, workers: int) -> None:
    mirror = small_mirror(tmp_path)
    (mirror / "nips" / "nips2022.json").write_text('[{"author": "A"}, 7]')
    db = tmp_path / "s.duckdb"
    result = build(db, mirror, skip_bad=True, workers=workers)
    assert result.files_ingested == 3  # type: ignore[attr-defined]
    assert len(result.bad_files) == 1  # type: ignore[attr-defined]
    assert "nips2022.json (record 2)" in result.bad_files[0]  # type: ignore[attr-defined]


def test_cli_build_bad_file_exits_nonzero_with_reason(tmp_path: Path) -> None:
    mirror = small_mirror(tmp_path)
    (mirror / "nips" / "nips2022.json").write_text('[{"author": "A", "aff": 3}]')
    db = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["build", "--mirror", str(mirror), "--db", str(db)])
    assert res.exit_code == 1
    assert "nips2022.json (record 1): field 'aff' should be text" in res.stderr
    res = runner.invoke(
        app, ["build", "--mirror", str(mirror), "--db", str(db), "--skip-bad", "-f", "json"]
    )
    assert res.exit_code == 2
    summary = json.loads(res.stdout)
    assert summary["files_ingested"] == 3
    assert "bad file" in res.stderr


def test_cli_build_stats_export(tmp_path: Path) -> None:
    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    res = runner.invoke(
        app, ["build", "--mirror", str(mirror), "--db", str(db), "--format", "json"]
    )
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["author_slots"] == 9
    res = runner.invoke(app, ["stats", "--db", str(db), "--format", "json"])
    assert res.exit_code == 0, res.stderr
    stats = json.loads(res.stdout)
    assert stats["papers"] == 5 and stats["authorships"] == 9
    nips = next(r for r in stats["by_venue_year"] if r["venue"] == "nips")
    assert nips == {
        "venue": "nips",
        "year": 2021,
        "papers": 2,
        "accepted_papers": 1,
        "authorships": 3,
        "unique_names": 2,
        "with_affiliation": 3,
        "with_country": nips["with_country"],
        "with_profile_id": 3,
    }
    out = tmp_path / "slots.csv"
    res = runner.invoke(app, ["export", "authorships", "--out", str(out), "--db", str(db)])
    assert res.exit_code == 0, res.stderr
    header = out.read_text().splitlines()[0].split(",")
    for col in (
        "venue",
        "year",
        "paper_id",
        "author_index",
        "name",
        "person_id",
        "org_id",
        "org",
        "org_kind",
        "country",
        "country_basis",
    ):
        assert col in header
    assert not any("origin" in c for c in header)
    assert len(out.read_text().splitlines()) == 10


def test_cli_csv_and_table_formats(tmp_path: Path) -> None:
    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    runner.invoke(app, ["build", "--mirror", str(mirror), "--db", str(db)])
    res = runner.invoke(app, ["stats", "--db", str(db), "--format", "csv"])
    assert res.stdout.splitlines()[0].startswith("venue,year,papers,accepted_papers")
    res = runner.invoke(app, ["stats", "--db", str(db)])
    assert "by venue and year" in res.stdout


def test_stats_without_store_says_so(tmp_path: Path) -> None:
    res = runner.invoke(app, ["stats", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 1
    assert "no store at" in res.stderr


def test_db_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = small_mirror(tmp_path)
    monkeypatch.setenv("TALENTFLOW_DB", str(tmp_path / "env.duckdb"))
    res = runner.invoke(app, ["build", "--mirror", str(mirror)])
    assert res.exit_code == 0, res.stderr
    assert (tmp_path / "env.duckdb").exists()


def test_venue_and_year_filters(tmp_path: Path) -> None:
    mirror = small_mirror(tmp_path)
    files = mirror_files(mirror, {"nips", "icra"}, parse_years("2009-2010"))
    assert [f.file_key for f in files] == ["icra/icra2010"]


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from talentflow.graph import store as store_mod
    from talentflow.graph.build import build_paperlists
    from talentflow.sources.paperlists import mirror_files

    original = store_mod.Store.append_arrow

    def append_then_die(self, target, data):
        original(self, target, data)
        if target.name == "authorships":  # mid-transaction, after the bulk insert
            os.kill(os.getpid(), signal.SIGKILL)

    store_mod.Store.append_arrow = append_then_die
    with store_mod.open_store(Path(sys.argv[1])) as s:
        build_paperlists(s, mirror_files(Path(sys.argv[2])))
    """
)


def test_build_killed_midway_leaves_previous_store_and_next_build_completes(
    tmp_path: Path,
) -> None:
    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    build(db, mirror)
    before = fingerprint(db)
    write_list(mirror, "nips", 2021, [record(id="z", author=f"Person {i}") for i in range(500)])
    proc = subprocess.run(
        [sys.executable, "-c", _KILLER, str(db), str(mirror)],
        capture_output=True,
        env={**os.environ},
        check=False,
    )
    assert proc.returncode == -signal.SIGKILL
    assert fingerprint(db) == before
    result = build(db, mirror)
    assert result.files_ingested == 1  # type: ignore[attr-defined]
    with open_store(db, read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM authorships WHERE venue = 'nips'") == 500


def test_table_output_keeps_years_plain_and_groups_counts(tmp_path: Path) -> None:
    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    runner.invoke(app, ["build", "--mirror", str(mirror), "--db", str(db)])
    from talentflow.cli.output import _fmt

    assert _fmt(2021, "year") == "2021"
    assert _fmt(12345, "papers") == "12,345"
    res = runner.invoke(app, ["stats", "--db", str(db)], env={"COLUMNS": "200"})
    assert "2021" in res.stdout and "2,021" not in res.stdout


def test_unchanged_rebuild_rederives_after_a_failed_derivation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from talentflow import build
    from talentflow.build import steps

    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    calls: list[str] = []

    def ok(store: object, reporter: object) -> None:
        calls.append("ok")

    def broken(store: object, reporter: object) -> None:
        raise RuntimeError("derivation killed")

    monkeypatch.setattr(steps, "DERIVE_STEPS", [("first", ok), ("second", broken)])
    with pytest.raises(RuntimeError):
        build.run_build(mirror=mirror, db=db, workers=1)
    monkeypatch.setattr(steps, "DERIVE_STEPS", [("first", ok), ("second", ok)])
    result = build.run_build(mirror=mirror, db=db, workers=1)
    assert result.run_id is None  # no file changed ...
    assert calls == ["ok", "ok", "ok"]  # ... yet the interrupted derivation ran again
    build.run_build(mirror=mirror, db=db, workers=1)
    assert calls == ["ok", "ok", "ok"]  # and once complete, an unchanged rebuild derives nothing


def test_store_of_another_schema_version_says_how_to_rebuild(tmp_path: Path) -> None:
    mirror = small_mirror(tmp_path)
    db = tmp_path / "s.duckdb"
    build(db, mirror)
    with open_store(db) as store:
        store.con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
        store.con.execute("DROP TABLE moves")  # as if version 1 had not had it
    before = db.read_bytes()
    res = runner.invoke(app, ["stats", "--db", str(db)])
    assert res.exit_code != 0
    assert "schema version 1" in res.stderr and "talentflow build" in res.stderr
    res = runner.invoke(app, ["build", "--mirror", str(mirror), "--db", str(db)])
    assert res.exit_code != 0 and "schema version 1" in res.stderr
    assert db.read_bytes() == before  # refused before anything was written
