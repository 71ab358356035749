"""Careers from CSV files: the generic loader, and two real career datasets in ../shared/data.

Expectations on the real datasets are counted straight from their CSV files with the csv
module, independently of the loader and the indicators.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from talentflow.careers.csv_loader import (
    advisor_student_rows,
    gemslab_rows,
    load_careers,
    read_careers_csv,
)
from talentflow.errors import BadInputError, TalentflowError
from talentflow.graph.store import Store, open_store
from talentflow.indicators.country import country_profile
from talentflow.indicators.migration import migration
from talentflow.indicators.orgflows import orgflows
from talentflow.normalise.countries import country_code

CAREERS = """person,organisation,country,stage,start,end
p1,Seoul National University,KR,Undergrad student,2010,2014
p1,Stanford University,United States,PhD student,2014,2019
p1,Naver,KR,industry_research,2019,
p2,KAIST,Korea,undergraduate,2012,2016
p2,KAIST,KR,masters,2016,2018
p2,Google,US,Research Scientist,2018,2022
p2,Naver,KR,Research Scientist,,
"""


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "careers.duckdb") as s:
        yield s


def test_generic_csv_loads_stints_and_moves(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "careers.csv"
    path.write_text(CAREERS)
    rows = read_careers_csv(path)
    assert [r.stage for r in rows] == [
        "undergraduate",
        "phd",
        "industry_research",
        "undergraduate",
        "masters",
        "industry_research",
        "industry_research",
    ]
    result = load_careers(store, rows, "lab")
    assert (result.people, result.stints) == (2, 7)
    moves = store.query("SELECT * FROM moves ORDER BY person_id, year")
    assert [
        (m["person_id"], m["from_org_id"], m["to_org_id"], m["from_country"], m["to_country"],
         m["year"])
        for m in moves
    ] == [
        ("lab:p1", "lab:Seoul National University", "lab:Stanford University", "KR", "US", 2014),
        ("lab:p1", "lab:Stanford University", "lab:Naver", "US", "KR", 2019),
        ("lab:p2", "lab:KAIST", "lab:Google", "KR", "US", 2018),
    ]  # fmt: skip
    # p2's move to Naver has no start year: counted, not stored.
    assert result.undated_moves == 1
    assert {m["evidence"] for m in moves} == {"csv"}
    kr = country_profile(store, "KR", 2010, 2025)
    assert kr.moves_out == [{"country": "US", "people": 2, **_poisson(2)}]
    # Loading again replaces the dataset (with fewer rows only when asked); another is kept.
    with pytest.raises(TalentflowError, match="holds 10 rows and this load has 5: pass --replace"):
        load_careers(store, rows[:3], "lab")
    with pytest.raises(TalentflowError, match="the input holds no rows"):
        load_careers(store, [], "lab", replace=True)
    assert store.scalar("SELECT count(*) FROM stints WHERE person_id LIKE 'lab:%'") == 7
    load_careers(store, rows[:3], "lab", replace=True)
    load_careers(store, rows[3:], "other")
    counts = dict(
        store.con.sql(
            "SELECT split_part(person_id, ':', 1), count(*) FROM stints GROUP BY 1"
        ).fetchall()
    )
    assert counts == {"lab": 3, "other": 4}


def _poisson(k: int) -> dict[str, float]:
    from talentflow.indicators.stats import poisson_interval

    low, high = poisson_interval(k)
    return {"low": low, "high": high}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("person,country\np1,KR\n", "missing column(s): organisation"),
        ("person,organisation,start\np1,X,19x0\n", "start '19x0' is not a year"),
        ("person,organisation,start,end\np1,X,2015,2012\n", "end 2012 is before start 2015"),
        ("person,organisation\n,X\n", "empty person"),
    ],
)
def test_bad_career_csv_names_file_record_and_reason(
    tmp_path: Path, text: str, reason: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(BadInputError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        read_careers_csv(path)


def test_dataset_name_is_checked(store: Store) -> None:
    with pytest.raises(TalentflowError):
        load_careers(store, [], "a:b")


def test_advisor_student_dataset(store: Store, shared_data: Path) -> None:
    path = shared_data / "advisor-student-cs-grads" / "advisorStudent.csv"
    with path.open(newline="") as fh:
        students = list(csv.DictReader(fh))
    result = load_careers(store, advisor_student_rows(path), "asd")
    previous = [
        [p for p in s["Student Previous Universities"].split("/") if p.strip()] for s in students
    ]
    assert result.stints == sum(1 + len(p) for p in previous)
    assert result.people == len({s["Student ID"] for s in students})
    # Origin: the first previous university, in the home country.
    home = Counter(
        country_code(s["Student Home Country"], lenient=True)
        for s, p in zip(students, previous, strict=True)
        if p and s["Student Home Country"].strip()
    )
    got = dict(
        store.con.sql(
            "SELECT country, count(*) FROM stints WHERE stage = 'undergraduate' "
            "AND country IS NOT NULL GROUP BY country"
        ).fetchall()
    )
    assert got == {k: v for k, v in home.items() if k is not None}
    assert got["CN"] > 1000 and got["IN"] > 1000
    # Inflow into the US: students with one previous university, a home country other than
    # the US, starting a programme at a US university that year.
    canadian = {
        "University of Toronto",
        "University of Waterloo",
        "University of British Columbia",
        "McGill University",
    }
    inflow: Counter[int] = Counter()
    for s, p in zip(students, previous, strict=True):
        cc = country_code(s["Student Home Country"], lenient=True)
        if (
            len(p) == 1
            and cc
            and cc != "US"
            and s["University"] not in canadian
            and 1990 <= int(s["Student Start Year"] or 0) <= 2022
        ):
            inflow[int(s["Student Start Year"])] += 1
    rows = migration(store, 1990, 2022, country="US").rows
    assert {r["year"]: r["inflow"] for r in rows if r["inflow"]} == dict(inflow)
    assert all(r["low"] is None or r["low"] <= r["net_per_10k"] <= r["high"] for r in rows)
    # Training: the programme's country.
    us = country_profile(store, "US", 1990, 2022)
    assert us.trains["people"] == sum(1 for s in students if s["University"] not in canadian)


def test_gemslab_career_transitions(store: Store, shared_data: Path) -> None:
    folder = shared_data / "gemslab-career-transitions"
    with (folder / "temporal.csv").open(newline="") as fh:
        transitions = list(csv.DictReader(fh))
    stints, moves = gemslab_rows(folder)
    load_careers(store, stints, "gems", moves=moves)
    per_year: Counter[int] = Counter()
    groups: defaultdict[tuple[str, str, int], int] = defaultdict(int)
    for t in transitions:
        if t["From"] != t["To"]:
            per_year[int(t["Year"])] += int(t["Weight"])
            groups[(f"gems:org{t['From']}", f"gems:org{t['To']}", int(t["Year"]))] += int(
                t["Weight"]
            )
    got = orgflows(store, 1900, 2100, k=3, window=1)
    by_year: Counter[int] = Counter()
    for r in got.rows:
        by_year[r["year"]] += r["moves"]
    assert by_year == per_year
    assert got.n == sum(per_year.values()) > 10_000
    assert {
        (g["from_org_id"], g["to_org_id"], g["year_from"]): g["people"] for g in got.group_moves
    } == {k: v for k, v in groups.items() if v >= 3}
    hires: Counter[str] = Counter()
    for (_, to, _), w in groups.items():
        hires[to] += w
    assert got.top_hirers[0]["hires"] == max(hires.values())
