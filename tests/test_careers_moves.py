"""How a move is read off consecutive stints (one definition), and a profile move counted once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from talentflow.careers.live import project_live_stints
from talentflow.careers.moves import moves_off_stints_sql
from talentflow.graph.schema import CAREER_ENTRIES, ENTRY_ORGS, LIVE_IDS
from talentflow.graph.store import Store, open_store
from talentflow.indicators.migration import migration
from talentflow.indicators.orgflows import orgflows

Stint = tuple[str | None, str | None, int | None, int | None]  # org, country, first, last


def _moves(stints: list[Stint], *, ongoing: bool) -> list[tuple[Any, ...]]:
    table = pa.table(
        {
            "person_id": ["p"] * len(stints),
            "evidence": ["profile"] * len(stints),
            "org_id": pa.array([s[0] for s in stints], pa.string()),
            "country": pa.array([s[1] for s in stints], pa.string()),
            "first_year": pa.array([s[2] for s in stints], pa.int32()),
            "last_year": pa.array([s[3] for s in stints], pa.int32()),
            "seq": pa.array(range(len(stints)), pa.int64()),
        }
    )
    con = duckdb.connect()
    con.register("stints_in", table)
    sql = moves_off_stints_sql("SELECT * FROM stints_in", open_end_is_ongoing=ongoing)
    return [tuple(r[1:6]) for r in con.execute(sql).fetchall()]


@pytest.mark.parametrize(
    ("stints", "ongoing", "expected"),
    [
        # a change of organisation, dated to the later stint's start
        ([("mit", "US", 2015, 2019), ("thu", "CN", 2019, None)], True,
         [("mit", "thu", "US", "CN", 2019)]),
        # listed out of order: the years decide
        ([("thu", "CN", 2019, None), ("mit", "US", 2015, 2019)], True,
         [("mit", "thu", "US", "CN", 2019)]),
        # overlapping positions are not moves
        ([("mit", "US", 2015, 2019), ("goog", "US", 2017, 2018)], True, []),
        # an open earlier stint: still there in a profile, unknown in a CSV
        ([("mit", "US", 2015, None), ("goog", "US", 2018, None)], True, []),
        ([("mit", "US", 2015, None), ("goog", "US", 2018, None)], False,
         [("mit", "goog", "US", "US", 2018)]),
        # same organisation, another stage: no move; an unknown side is no change
        ([("mit", "US", 2010, 2014), ("mit", "US", 2014, 2019)], True, []),
        ([("mit", "US", 2010, 2014), (None, None, 2014, 2019)], True, []),
        ([("mit", None, 2010, 2014), (None, "US", 2014, 2019)], True, []),
        # a country change alone is a move
        ([(None, "KR", 2010, 2014), (None, "US", 2014, 2019)], True,
         [(None, None, "KR", "US", 2014)]),
        # a move into a stint without a start year is undated
        ([("kaist", "KR", 2012, 2018), ("naver", "KR", None, None)], False,
         [("kaist", "naver", "KR", "KR", None)]),
    ],
)  # fmt: skip
def test_a_move_is_read_off_consecutive_stints(
    stints: list[Stint], ongoing: bool, expected: list[tuple[Any, ...]]
) -> None:
    assert _moves(stints, ongoing=ongoing) == expected


@pytest.fixture()
def profile_store(tmp_path: Path) -> Iterator[Store]:
    """One OpenReview profile with two positions: a PhD at MIT, then research at Tsinghua."""
    with open_store(tmp_path / "live.duckdb") as store:
        store.append_arrow(
            LIVE_IDS,
            pa.Table.from_pylist(
                [
                    {
                        "source": "openreview",
                        "record_id": "~Ada_Lo1",
                        "id_kind": "openreview",
                        "id_value": "~Ada_Lo1",
                    }
                ],
                schema=LIVE_IDS.arrow_schema(),
            ),
        )
        entry = {"source": "openreview", "record_id": "~Ada_Lo1", "institution_id": None}
        store.append_arrow(
            CAREER_ENTRIES,
            pa.Table.from_pylist(
                [
                    {
                        **entry,
                        "entry_index": 0,
                        "position": "PhD Student",
                        "stage": "phd",
                        "institution": "MIT",
                        "domain": "mit.edu",
                        "country_raw": "US",
                        "country": "US",
                        "country_basis": "stated",
                        "first_year": 2015,
                        "last_year": 2019,
                        "evidence": "profile",
                    },
                    {
                        **entry,
                        "entry_index": 1,
                        "position": "Researcher",
                        "stage": "industry_research",
                        "institution": "Tsinghua University",
                        "domain": "tsinghua.edu.cn",
                        "country_raw": "CN",
                        "country": "CN",
                        "country_basis": "stated",
                        "first_year": 2019,
                        "last_year": None,
                        "evidence": "profile",
                    },
                ],
                schema=CAREER_ENTRIES.arrow_schema(),
            ),
        )
        store.append_arrow(
            ENTRY_ORGS,
            pa.Table.from_pylist(
                [
                    {
                        "institution": "MIT",
                        "domain": "mit.edu",
                        "org_id": "mit",
                        "org_country": "US",
                    },
                    {
                        "institution": "Tsinghua University",
                        "domain": "tsinghua.edu.cn",
                        "org_id": "tsinghua",
                        "org_country": "CN",
                    },
                ],
                schema=ENTRY_ORGS.arrow_schema(),
            ),
        )
        yield store


def test_a_profile_move_is_counted_once(profile_store: Store) -> None:
    assert project_live_stints(profile_store) == 2
    # The move is read off the stints by the indicators, not also stored in ``moves``.
    assert profile_store.scalar("SELECT count(*) FROM moves") == 0
    flows = orgflows(profile_store, 2010, 2025)
    assert flows.coverage["moves"] == 1
    assert [(r["from_org_id"], r["to_org_id"], r["year"], r["moves"]) for r in flows.rows] == [
        ("mit", "tsinghua", 2019, 1)
    ]
    us = migration(profile_store, 2019, 2019, country="US")
    assert [(r["year"], r["outflow"]) for r in us.rows] == [(2019, 1)]
    assert us.coverage["evidence"] == {"profile": 1}


def test_projecting_again_changes_nothing(profile_store: Store) -> None:
    project_live_stints(profile_store)
    first = profile_store.query("SELECT * FROM stints ORDER BY first_year")
    project_live_stints(profile_store)
    assert profile_store.query("SELECT * FROM stints ORDER BY first_year") == first
    assert [(s["org_id"], s["country"], s["stage"]) for s in first] == [
        ("mit", "US", "phd"),
        ("tsinghua", "CN", "industry_research"),
    ]
