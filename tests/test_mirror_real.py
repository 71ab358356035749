"""The whole real mirror: every record and author slot ingested, figures as published."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from talentflow.errors import BadInputError
from talentflow.graph.build import build_paperlists
from talentflow.graph.inspect import stats
from talentflow.graph.schema import TABLES, Table
from talentflow.graph.store import Store, open_store
from talentflow.sources.paperlists import mirror_files

# Figures stated in ../shared/data/README.md (independent of this code).
README_SLOTS_AS_LISTED = 648_734
README_SLOTS_DEDUPLICATED = 581_659
# Published unique-author counts of NeurIPS (NeurIPS fact sheets).
PUBLISHED_UNIQUE_AUTHORS = {2022: 9_913, 2023: 12_994}


def manifest(mirror_dir: Path) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads((mirror_dir / "MANIFEST.json").read_text())
    return data


def test_every_record_and_slot_ingested(mirror_store: Store, mirror_dir: Path) -> None:
    files = manifest(mirror_dir)
    expected_records = sum(int(str(f["records"])) for f in files)
    # The ECCV 2018 and 2020 files hold the ECCV 2022 papers (their pages are
    # .../eccv_2022/...): every record of theirs is left out, and counted.
    other = {
        r["file_key"]: r["other_edition"]
        for r in mirror_store.query(
            "SELECT file_key, other_edition FROM source_files WHERE other_edition > 0"
        )
    }
    records = {str(f["file"]).removesuffix(".json.gz"): f["records"] for f in files}
    assert other == {k: records[k] for k in ("eccv/eccv2018", "eccv/eccv2020")}
    assert mirror_store.scalar("SELECT count(*) FROM papers") == expected_records - sum(
        other.values()
    )
    assert mirror_store.scalar("SELECT count(*) FROM source_files") == len(files)
    listed = mirror_store.scalar("SELECT sum(author_slots_listed) FROM source_files")
    assert listed == README_SLOTS_AS_LISTED
    eccv_2022_slots = mirror_store.scalar(
        "SELECT count(*) FROM authorships WHERE venue = 'eccv' AND year = 2022"
    )
    assert mirror_store.scalar("SELECT count(*) FROM authorships") == (
        README_SLOTS_DEDUPLICATED - 2 * eccv_2022_slots
    )
    stored = {
        r["file_key"]: r
        for r in mirror_store.query("SELECT file_key, records, file_sha256 FROM source_files")
    }
    for f in files:
        key = str(f["file"]).removesuffix(".json.gz")
        assert stored[key]["records"] == f["records"], key
        assert stored[key]["file_sha256"] == f["sha256_uncompressed"], key


@pytest.mark.parametrize("table", [t for t in TABLES if t.unique_key], ids=lambda t: t.name)
def test_declared_unique_keys_hold_on_the_whole_mirror(mirror_store: Store, table: Table) -> None:
    key = ", ".join(table.unique_key)
    rows = mirror_store.scalar(f"SELECT count(*) FROM {table.name}")
    distinct = mirror_store.scalar(
        f"SELECT count(*) FROM (SELECT DISTINCT {key} FROM {table.name})"
    )
    assert rows > 0
    assert distinct == rows


def test_doubled_lists_are_mostly_icra(mirror_store: Store) -> None:
    # Files whose records were all left out as another edition (ECCV 2018 and 2020, copies
    # of ECCV 2022) are counted as the 2022 file they copy.
    rows = mirror_store.query(
        "SELECT venue, sum(doubled_lists)::INT AS d, "
        "sum(author_slots_listed - author_slots)::INT AS removed "
        "FROM source_files WHERE other_edition = 0 GROUP BY venue"
    )
    doubled = {r["venue"]: r["d"] for r in rows}
    removed = sum(r["removed"] for r in rows)
    copies = mirror_store.scalar("SELECT count(*) FROM source_files WHERE other_edition > 0")
    eccv_2022 = mirror_store.scalar(
        "SELECT author_slots_listed - author_slots FROM source_files "
        "WHERE file_key = 'eccv/eccv2022'"
    )
    assert removed + copies * eccv_2022 == README_SLOTS_AS_LISTED - README_SLOTS_DEDUPLICATED
    assert doubled["icra"] / sum(doubled.values()) > 0.99
    flagged = mirror_store.scalar("SELECT count(*) FROM papers WHERE doubled_list")
    assert flagged == sum(doubled.values())


def test_neurips_unique_authors_match_published_counts(mirror_store: Store) -> None:
    by = {(r["venue"], r["year"]): r for r in stats(mirror_store)["by_venue_year"]}
    for year, published in PUBLISHED_UNIQUE_AUTHORS.items():
        ours = by[("nips", year)]["unique_names"]
        assert abs(ours - published) / published <= 0.015, (year, ours, published)


def test_rejected_submissions_are_flagged_not_dropped(mirror_store: Store) -> None:
    rejected = mirror_store.scalar(
        "SELECT count(*) FROM papers WHERE venue = 'iclr' AND year = 2021 AND NOT accepted"
    )
    assert rejected > 1000  # ICLR 2021 lists its rejected and withdrawn submissions too
    assert (
        mirror_store.scalar(
            "SELECT count(*) FROM papers WHERE status IN ('Reject', 'Withdraw') AND accepted"
        )
        == 0
    )


@pytest.mark.slow
def test_rebuild_of_whole_mirror_changes_nothing(
    mirror_store_path: Path, mirror_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copy(mirror_store_path, copy)
    with open_store(copy) as store:
        before = store.scalar("SELECT count(*) FROM ingest_runs")
        result = build_paperlists(store, mirror_files(mirror_dir), workers=2)
        assert result.run_id is None
        assert result.files_unchanged == len(manifest(mirror_dir))
        assert store.scalar("SELECT count(*) FROM ingest_runs") == before


def test_corrupt_file_in_real_mirror_is_named_store_untouched(
    mirror_dir: Path, tmp_path: Path
) -> None:
    mirror = tmp_path / "mirror"
    for venue in ("colt", "uai"):
        (mirror / venue).mkdir(parents=True)
        for f in (mirror_dir / venue).iterdir():
            (mirror / venue / f.name).symlink_to(f)
    db = tmp_path / "s.duckdb"
    with open_store(db) as store:
        build_paperlists(store, mirror_files(mirror))
        before = store.query("SELECT file_key, file_sha256 FROM source_files ORDER BY 1")
        papers = store.scalar("SELECT count(*) FROM papers")
    target = mirror / "uai" / "uai2022.json.gz"
    data = target.read_bytes()
    target.unlink()
    target.write_bytes(data[: len(data) - 100])
    with open_store(db) as store:
        with pytest.raises(BadInputError, match=r"uai2022\.json\.gz: truncated gzip"):
            build_paperlists(store, mirror_files(mirror))
        assert store.query("SELECT file_key, file_sha256 FROM source_files ORDER BY 1") == before
        assert store.scalar("SELECT count(*) FROM papers") == papers
