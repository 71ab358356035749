"""Paper stints read a slot's position by the one definition of its values: the OpenReview
archive's where it gives or corrects them (issue 18), else the paper list's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from talentflow.careers.derive import derive_careers
from talentflow.graph.store import Store, open_store


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "s.duckdb") as s:
        s.con.execute(
            "INSERT INTO organisations (org_id, name, kind, country) "
            "VALUES ('mit', 'MIT', 'academia', 'US')"
        )
        for key, year, position in (("a", 2020, None), ("b", 2021, "Professor")):
            s.con.execute(
                "INSERT INTO authorships (paper_key, author_index, venue, year, accepted, name, "
                "position, source, file_key, file_sha256, record_index) "
                "VALUES (?, 0, 'nips', ?, true, 'Ada Lovelace', ?, 'test', 'f', 'x', 0)",
                [key, year, position],
            )
            s.con.execute("INSERT INTO slot_people VALUES (?, 0, 'ada', 'test', NULL)", [key])
            s.con.execute(
                "INSERT INTO slot_orgs (paper_key, author_index, org_id, country) "
                "VALUES (?, 0, 'mit', 'US')",
                [key],
            )
        yield s


def _stints(store: Store) -> list[tuple[str, int, int]]:
    derive_careers(store)
    rows = store.query("SELECT stage, first_year, last_year FROM stints ORDER BY first_year")
    return [(r["stage"], r["first_year"], r["last_year"]) for r in rows]


def test_without_archive_values_the_paper_lists_positions_are_read(store: Store) -> None:
    assert _stints(store) == [("faculty", 2020, 2021)]


def test_the_archive_position_is_read_where_the_archive_gives_the_slots_values(
    store: Store,
) -> None:
    # the archive states 2020's position and replaces 2021's values (stating none)
    store.con.execute(
        "INSERT INTO slot_values (paper_key, author_index, position, position_source, "
        "paper_misaligned) VALUES ('a', 0, 'PhD student', 'papercopilot_openreview', false), "
        "('b', 0, NULL, NULL, true)"
    )
    assert _stints(store) == [("phd", 2020, 2021)]
