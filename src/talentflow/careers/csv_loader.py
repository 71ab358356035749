"""Careers from a user's CSV, and adapters for two public career datasets.

The career CSV has one row per stint::

    person,organisation,country,stage,start,end
    p1,Tsinghua University,CN,undergraduate,2012,2016
    p1,Stanford University,US,PhD student,2016,2021
    p1,Google DeepMind,GB,industry_research,2021,

``stage`` (or ``role``) is a stage name (see :mod:`talentflow.careers.stages`) or a
position such as "PhD student", mapped like the papers' positions; ``country`` an ISO
code or a country name; ``start``/``end`` years (either may be empty). Stints are stored
with evidence ``csv`` under person ids ``<dataset>:<person>`` and organisation ids
``<dataset>:<organisation>`` (an organisation of a CSV is its own name, not matched to
the store's organisations); moves are read off each person's consecutive stints
(:mod:`talentflow.careers.moves`: at different organisations or countries, dated to the
later stint's start; moves without that year are counted in ``undated_moves``, not stored).
Loading a dataset again replaces its rows and nothing else.

Adapters turn two published datasets into the same rows (never copied into the repo):

- :func:`advisor_student_rows`: 13,936 CS graduate students at 25 North American
  universities (Kalhor, Zeraati & Bahrak 2023): each student's previous universities
  (the first as ``undergraduate`` in their home country, later ones as ``masters`` with no
  country), then the programme (``phd``/``masters``) from the start year at the university;
- :func:`gemslab_rows`: career transitions of CS PhD holders (Safavi, Davoodi & Koutra,
  KDD 2018): organisations per person (PhD or career, undated) as stints and the dated,
  anonymous org -> org transitions (``temporal.csv``, one move per unit of weight) as moves.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from talentflow.careers.moves import moves_off_stints_sql
from talentflow.careers.stages import STAGES, stage_of
from talentflow.careers.store import replace_rows
from talentflow.errors import BadInputError, TalentflowError, refuse_shrinking
from talentflow.graph.schema import MOVES, STINTS
from talentflow.graph.store import Store
from talentflow.normalise.countries import country_code
from talentflow.sources.user_csv import read_user_csv

EVIDENCE = "csv"
REQUIRED = ("person", "organisation")


@dataclass(frozen=True)
class CareerRow:
    """One stint as a user's file gives it."""

    person: str
    organisation: str | None
    country: str | None
    stage: str
    start: int | None
    end: int | None
    stage_text: str = ""  # the stage as the file wrote it


@dataclass(frozen=True)
class MoveRow:
    """One move as a dataset gives it (when moves come without stints)."""

    person: str
    from_org: str | None
    to_org: str | None
    from_country: str | None
    to_country: str | None
    year: int


@dataclass
class LoadResult:
    """What :func:`load_careers` wrote."""

    dataset: str
    people: int = 0
    stints: int = 0
    moves: int = 0
    undated_moves: int = 0
    countries_unresolved: list[str] = field(default_factory=list)
    stages_unknown: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "dataset": self.dataset,
            "people": self.people,
            "stints": self.stints,
            "moves": self.moves,
            "undated_moves": self.undated_moves,
            "countries_unresolved": self.countries_unresolved,
            "stages_unknown": self.stages_unknown,
        }


def _year(text: str | None, path: str, record: int, column: str) -> int | None:
    value = (text or "").strip()
    if not value:
        return None
    try:
        year = int(float(value))
    except ValueError:
        raise BadInputError(path, f"{column} '{value}' is not a year", record) from None
    if not 1900 <= year <= 2100:
        raise BadInputError(path, f"{column} {year} is outside 1900-2100", record)
    return year


def _stage(text: str | None) -> str:
    value = (text or "").strip()
    if value.lower() in STAGES:
        return value.lower()
    return stage_of(value, None) if value else "unknown"


def read_careers_csv(path: Path) -> list[CareerRow]:
    """Rows of a career CSV (columns person, organisation, country, stage|role, start, end)."""
    where = str(path)
    table = read_user_csv(path, REQUIRED)
    stage_col = "stage" if "stage" in table.columns else "role"
    rows = []
    for i, raw in table.records:
        person = (raw.get("person") or "").strip()
        if not person:
            raise BadInputError(where, "empty person", i)
        org = (raw.get("organisation") or "").strip() or None
        start = _year(raw.get("start"), where, i, "start")
        end = _year(raw.get("end"), where, i, "end")
        if start is not None and end is not None and end < start:
            raise BadInputError(where, f"end {end} is before start {start}", i)
        rows.append(
            CareerRow(
                person=person,
                organisation=org,
                country=(raw.get("country") or "").strip() or None,
                stage=_stage(raw.get(stage_col)),
                start=start,
                end=end,
                stage_text=(raw.get(stage_col) or "").strip(),
            )
        )
    return rows


def _moves_between(
    store: Store, stints: list[tuple[str, str | None, str | None, str, int | None, int | None]]
) -> list[tuple[str, str | None, str | None, str | None, str | None, int | None]]:
    """Moves off each person's consecutive stints (:mod:`talentflow.careers.moves`; an
    empty end is unknown in a CSV), in file order where the years do not decide."""
    table = pa.table(
        {
            "person_id": pa.array([s[0] for s in stints], pa.string()),
            "evidence": pa.array([EVIDENCE] * len(stints), pa.string()),
            "org_id": pa.array([s[1] for s in stints], pa.string()),
            "country": pa.array([s[2] for s in stints], pa.string()),
            "first_year": pa.array([s[4] for s in stints], pa.int32()),
            "last_year": pa.array([s[5] for s in stints], pa.int32()),
            "seq": pa.array(range(len(stints)), pa.int64()),
        }
    )
    store.con.register("_csv_stints", table)
    try:
        rows = store.con.execute(
            moves_off_stints_sql("SELECT * FROM _csv_stints", open_end_is_ongoing=False)
        ).fetchall()
    finally:
        store.con.unregister("_csv_stints")
    return [(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


def load_careers(
    store: Store,
    rows: Iterable[CareerRow],
    dataset: str,
    moves: Iterable[MoveRow] = (),
    replace: bool = False,
) -> LoadResult:
    """Store ``rows`` as ``csv``-evidence stints (and moves) of ``dataset``, replacing it
    (with fewer rows than it holds only when ``replace``)."""
    name = dataset.strip()
    if not name or ":" in name or "%" in name:
        raise TalentflowError(f"dataset name '{dataset}' must be non-empty, without ':' or '%'")
    result = LoadResult(dataset=name)
    rows = list(rows)
    unresolved: set[str] = set()
    codes: dict[str, str | None] = {}

    def code(value: str | None) -> str | None:
        if value is None:
            return None
        if value not in codes:
            codes[value] = country_code(value, lenient=True)
            if codes[value] is None:
                unresolved.add(value)
        return codes[value]

    stint_rows = [
        (
            f"{name}:{r.person}",
            f"{name}:{r.organisation}" if r.organisation else None,
            code(r.country),
            r.stage,
            r.start,
            r.end,
        )
        for r in rows
    ]
    move_rows = []
    for pid, o1, o2, c1, c2, year in _moves_between(store, stint_rows):
        if year is None:
            result.undated_moves += 1
        else:
            move_rows.append((pid, o1, o2, c1, c2, year))
    for m in moves:
        move_rows.append(
            (
                f"{name}:{m.person}",
                f"{name}:{m.from_org}" if m.from_org else None,
                f"{name}:{m.to_org}" if m.to_org else None,
                code(m.from_country),
                code(m.to_country),
                m.year,
            )
        )
    stints_table = pa.Table.from_pylist(
        [
            {
                "person_id": p,
                "org_id": o,
                "country": c,
                "stage": s,
                "first_year": a,
                "last_year": b,
                "evidence": EVIDENCE,
            }
            for p, o, c, s, a, b in stint_rows
        ],
        schema=STINTS.arrow_schema(),
    )
    moves_table = pa.Table.from_pylist(
        [
            {
                "person_id": p,
                "from_org_id": o1,
                "to_org_id": o2,
                "from_country": c1,
                "to_country": c2,
                "year": y,
                "evidence": EVIDENCE,
            }
            for p, o1, o2, c1, c2, y in move_rows
        ],
        schema=MOVES.arrow_schema(),
    )
    prefix = f"{name}:"
    mine = "evidence = ? AND starts_with(person_id, ?)"  # the dataset's rows (no wildcards)
    stored = sum(
        int(store.scalar(f"SELECT count(*) FROM {t} WHERE {mine}", [EVIDENCE, prefix]))
        for t in ("stints", "moves")
    )
    new = stints_table.num_rows + moves_table.num_rows
    refuse_shrinking(f"careers dataset '{name}'", stored, new, replace)
    replace_rows(store, mine, [EVIDENCE, prefix], stints_table, moves_table)
    result.stints = stints_table.num_rows
    result.moves = moves_table.num_rows
    result.people = len({p for p, *_ in stint_rows} | {m[0] for m in move_rows})
    result.countries_unresolved = sorted(unresolved)
    result.stages_unknown = sorted({r.stage_text for r in rows if r.stage == "unknown"} - {""})
    return result


# --- adapters for public datasets -------------------------------------------------------

# The 25 universities of the advisor-student dataset outside the US.
_CANADIAN = frozenset(
    {
        "University of Toronto",
        "University of Waterloo",
        "University of British Columbia",
        "McGill University",
    }
)


def advisor_student_rows(path: Path) -> list[CareerRow]:
    """Career rows of the students in ``advisorStudent.csv`` (see the module docstring)."""
    where = str(path)
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            need = ("University", "Student ID", "Student Degree", "Student Start Year")
            missing = [c for c in need if c not in (reader.fieldnames or [])]
            if missing:
                raise BadInputError(where, f"missing column(s): {', '.join(missing)}")
            rows: list[CareerRow] = []
            for i, r in enumerate(reader, start=1):
                person = r["Student ID"].strip()
                home = (r.get("Student Home Country") or "").strip() or None
                start = _year(r["Student Start Year"], where, i, "Student Start Year")
                previous = [
                    p.strip() for p in (r.get("Student Previous Universities") or "").split("/")
                ]
                for k, uni in enumerate(p for p in previous if p):
                    rows.append(
                        CareerRow(
                            person=person,
                            organisation=uni,
                            country=home if k == 0 else None,
                            stage="undergraduate" if k == 0 else "masters",
                            start=None,
                            end=start - 1 if start is not None else None,
                        )
                    )
                uni = r["University"].strip()
                rows.append(
                    CareerRow(
                        person=person,
                        organisation=uni,
                        country="CA" if uni in _CANADIAN else "US",
                        stage="phd" if r["Student Degree"].strip() == "PhD" else "masters",
                        start=start,
                        end=None,
                    )
                )
            return rows
    except OSError as exc:
        raise BadInputError(where, exc.strerror or str(exc)) from None


def gemslab_rows(folder: Path) -> tuple[list[CareerRow], list[MoveRow]]:
    """Stints (undated) and moves (dated, anonymous) of the GemsLab career dataset."""
    sectors: dict[str, str] = {}
    paths = {n: folder / f"{n}.csv" for n in ("organizations", "bipartite", "temporal")}
    for n, p in paths.items():
        if not p.exists():
            raise BadInputError(str(p), f"{n}.csv not found in {folder}")
    with paths["organizations"].open(newline="") as fh:
        for r in csv.DictReader(fh):
            sectors[r["Id"]] = r["Sector"]
    stints: list[CareerRow] = []
    with paths["bipartite"].open(newline="") as fh:
        for r in csv.DictReader(fh):
            sector = sectors.get(r["Organization"], "unknown")
            if r["EdgeType"] == "PhD":
                stage = "phd"
            elif sector == "academia":
                stage = "faculty"
            elif sector == "industry":
                stage = "industry_research"
            else:
                stage = "unknown"
            stints.append(
                CareerRow(
                    f"person{r['Person']}", f"org{r['Organization']}", None, stage, None, None
                )
            )
    moves: list[MoveRow] = []
    with paths["temporal"].open(newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh), start=1):
            year = _year(r["Year"], str(paths["temporal"]), i, "Year")
            if year is None:
                continue
            for unit in range(int(r["Weight"])):
                moves.append(
                    MoveRow(
                        f"transition{i}-{unit}",
                        f"org{r['From']}",
                        f"org{r['To']}",
                        None,
                        None,
                        year,
                    )
                )
    return stints, moves
