"""The indicator commands: pipeline, migration, orgflows, pedigree, country, careers load.

Each prints JSON exactly per INTERFACE.md with ``--format json``, a table of its main rows
with ``--format table`` (the method note goes to standard error), and the same rows as CSV
with ``--format csv``. They run on the store (DuckDB) or, with ``--engine spark``, on Spark.

The module is imported at the end of ``talentflow.cli`` (which defines the shared options
it uses) and adds its commands with :func:`register`.
"""

from pathlib import Path
from typing import Annotated, Any

import typer

import talentflow.cli.validate as check
from talentflow.cli.engine_options import (
    DEFAULT_SPARK_MASTER,
    EngineOption,
    SparkConfOption,
    SparkMasterOption,
    TablesOption,
    engine_from_options,
)
from talentflow.cli.options import DbOption, FormatOption, ReplaceOption, reports_errors
from talentflow.cli.output import OutputFormat, emit, stderr

FromOption = Annotated[int, typer.Option("--from", help="First year.")]
ToOption = Annotated[int, typer.Option("--to", help="Last year.")]


def _print(
    fmt: OutputFormat,
    data: dict[str, Any],
    rows: list[dict[str, Any]],
    title: str,
    method: str,
    columns: list[str] | None = None,
    shown: tuple[str, ...] = (),
) -> None:
    """The main rows, then (table view) every other JSON section; the method note last."""
    if fmt is OutputFormat.table:  # years read as years, not as 2,013
        rows = [
            {k: str(v) if k.startswith("year") and v is not None else v for k, v in r.items()}
            for r in rows
        ]
    emit(fmt, data, rows, columns=columns, title=title, shown=(*shown, "method"))
    if fmt is OutputFormat.table and method:
        stderr.print(f"[dim]{method}[/dim]", highlight=False, soft_wrap=True)


@reports_errors
def pipeline(
    venue: Annotated[str | None, typer.Option(help="Venue code, e.g. nips.")] = None,
    year: Annotated[int | None, typer.Option(help="Conference year.")] = None,
    people: Annotated[
        Path | None,
        typer.Option(
            "--people",
            help="A cohort CSV instead of a venue-year: a column person_id, or "
            "openreview_id, or name with organisation.",
        ),
    ] = None,
    elite: Annotated[bool, typer.Option("--elite", help="Oral papers only.")] = False,
    basis: Annotated[
        str, typer.Option(help="location (where authors are) or hq (employer HQ).")
    ] = "location",
    top: Annotated[int, typer.Option(help="Top institutions to list.")] = 20,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
    engine: EngineOption = "duckdb",
    tables: TablesOption = None,
    spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
    spark_conf: SparkConfOption = None,
) -> None:
    """Origin -> training -> work shares of a venue-year's accepted authors.

    With n, coverage (how many authors each stage could be determined for), 95% Wilson
    intervals, the origin x work matrix, sectors and top institutions.

    Origin and training are also estimated for the authors whose education is not stated
    (observed, estimated and combined, with bootstrap intervals; docs/education-estimates.md).

    Example: talentflow pipeline --venue nips --year 2018 --basis hq --format json

    Any cohort: talentflow pipeline --people cohort.csv (each person at their latest year).
    """
    from talentflow.errors import TalentflowError
    from talentflow.indicators.people_cohort import people_cohort
    from talentflow.indicators.pipeline import pipeline as compute

    check.positive("--top", top)
    if (people is None) == (venue is None or year is None) or (people and (venue or year)):
        raise TalentflowError("give --venue and --year, or --people FILE (not both)")
    with engine_from_options(engine, db, tables, spark_master, spark_conf) as eng:
        if people is not None:
            cohort = people_cohort(eng, people)
            result = compute(
                eng, f"people in {people.name}", 0, basis=basis, top=top,
                people_ids=cohort.person_ids,
            )  # fmt: skip
            result.people_file = cohort.report()
            venue, year = f"people in {people.name}", 0
        else:
            assert venue is not None and year is not None
            venue = check.venue(venue, check.known_venues(eng), year)
            result = compute(eng, venue, year, basis=basis, elite=elite, top=top)
    _print(
        fmt,
        result.as_json(),
        result.table_rows(),
        f"pipeline {venue}{f' {year}' if year else ''} (origin, training: share of all, "
        "obs/est among the "
        "observed/estimated)",
        result.method,
        ["stage", "country", "share", "low", "high", "obs", "est", "n"],
        ("origin", "training", "work", "education"),
    )
    if fmt is OutputFormat.table and result.education:
        emit(fmt, None, result.education_rows(), title="origin and training: how determined")
        emit(fmt, None, result.model_rows(), title="the education model")
        emit(fmt, None, result.origin_by_work_rows(), title="of those working in X, by origin")
        emit(
            fmt,
            None,
            result.education.get("flows", [])[:10],
            title="education flows: origin -> training -> work (observed: both stated)",
        )
    if fmt is OutputFormat.table and result.comparison:
        first = result.comparison[0]
        emit(
            fmt,
            None,
            [{**r, "share": r["ours"]} for r in result.comparison],
            ["stage", "country", "share", "low", "high", "tracker", "gap"],
            f"beside the Global AI Talent Tracker {first['edition']} (NeurIPS "
            f"{first['tracker_year']}, {first['sample']} sample; differences in the note)",
        )


@reports_errors
def migration(
    year_from: FromOption,
    year_to: ToOption,
    country: Annotated[str | None, typer.Option(help="One country (ISO code), e.g. KR.")] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
    engine: EngineOption = "duckdb",
    tables: TablesOption = None,
    spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
    spark_conf: SparkConfOption = None,
) -> None:
    """Net migration per 10,000 researchers, per country and year.

    Researchers, inflow, outflow, net per 10,000 with 95% intervals, and the bilateral
    flow matrix (JSON 'flows').

    Example: talentflow migration --from 2013 --to 2025 --country KR --format json
    """
    from talentflow.indicators.migration import migration as compute

    check.year_range(year_from, year_to)
    country = None if country is None else check.country(country)
    with engine_from_options(engine, db, tables, spark_master, spark_conf) as eng:
        result = compute(eng, year_from, year_to, country=country)
    _print(fmt, result.as_json(), result.table_rows(), "migration", result.method, shown=("rows",))


@reports_errors
def orgflows(
    year_from: FromOption,
    year_to: ToOption,
    org: Annotated[
        str | None, typer.Option(help="Only moves from or to this organisation.")
    ] = None,
    k: Annotated[int, typer.Option("--k", help="Group moves: at least k people.")] = 3,
    window: Annotated[int, typer.Option(help="Group moves: within this many years.")] = 1,
    top: Annotated[int, typer.Option(help="Top hirers and losers to list.")] = 20,
    within_family: Annotated[
        bool,
        typer.Option(
            "--within-family",
            help="Keep moves inside one organisation family (Google -> DeepMind).",
        ),
    ] = False,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
    engine: EngineOption = "duckdb",
    tables: TablesOption = None,
    spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
    spark_conf: SparkConfOption = None,
) -> None:
    """Who hires from whom: moves between organisations per year.

    Also top hirers and losers, and group moves: k or more people from one organisation
    to the same other one within a window of years.

    Example: talentflow orgflows --from 2013 --to 2025 --org "Google" --k 3 --format json
    """
    from talentflow.indicators.orgflows import orgflows as compute

    check.year_range(year_from, year_to)
    for option, value in (("--k", k), ("--window", window), ("--top", top)):
        check.positive(option, value)
    with engine_from_options(engine, db, tables, spark_master, spark_conf) as eng:
        result = compute(
            eng,
            year_from,
            year_to,
            org=org,
            k=k,
            window=window,
            top=top,
            within_family=within_family,
        )
    if fmt is OutputFormat.table and result.group_moves:
        emit(
            fmt,
            {},
            result.group_moves,
            title=f"group_moves ({k}+ people)",
            columns=["from_org", "to_org", "year_from", "year_to", "people"],
        )
    cols = ["from_org", "to_org", "from_country", "to_country", "year", "moves", "low", "high"]
    shown = ("rows", "group_moves")
    _print(fmt, result.as_json(), result.table_rows(), "org flows", result.method, cols, shown)


@reports_errors
def pedigree(
    earlier: Annotated[
        list[str], typer.Option("--earlier", help="Earlier organisation (repeatable).")
    ],
    org: Annotated[
        list[str] | None,
        typer.Option("--org", help="Cohort: people at this organisation (repeatable)."),
    ] = None,
    year: Annotated[int | None, typer.Option(help="Cohort year.")] = None,
    cohort: Annotated[
        Path | None,
        typer.Option("--cohort", help="Cohort CSV with person_id (and optional year)."),
    ] = None,
    cohort_country: Annotated[
        str | None,
        typer.Option("--cohort-country", help="Cohort: every organisation in this country..."),
    ] = None,
    cohort_kind: Annotated[
        str | None,
        typer.Option("--cohort-kind", help="...of this kind (industry, academia, ...)."),
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
    engine: EngineOption = "duckdb",
    tables: TablesOption = None,
    spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
    spark_conf: SparkConfOption = None,
) -> None:
    """Where a cohort worked before: share with earlier stints at given organisations.

    The cohort is the people at organisations in a year, or a CSV; 95% Wilson intervals.

    Example: talentflow pedigree --org "Moonshot AI" --year 2024 --earlier Microsoft

    Example: talentflow pedigree --cohort-country CN --cohort-kind industry --year 2024
    --earlier Microsoft --earlier Google
    """
    from talentflow.indicators.pedigree import pedigree as compute

    if cohort_country is not None:
        cohort_country = check.country(cohort_country, "--cohort-country")
    with engine_from_options(engine, db, tables, spark_master, spark_conf) as eng:
        result = compute(
            eng,
            earlier=earlier,
            orgs=org,
            year=year,
            cohort_csv=cohort,
            cohort_country=cohort_country,
            cohort_kind=cohort_kind,
        )
    _print(
        fmt,
        result.as_json(),
        result.table_rows(),
        "pedigree",
        result.method,
        ["measure", "count", "share", "low", "high", "n"],
        ("n", "share", "share_with_history"),
    )


@reports_errors
def country(
    code: Annotated[str, typer.Argument(help="ISO 3166-1 alpha-2 code, e.g. KR.")],
    year_from: Annotated[int, typer.Option("--from", help="First year.")] = 2013,
    year_to: Annotated[int, typer.Option("--to", help="Last year.")] = 2025,
    top: Annotated[int, typer.Option(help="Top institutions to list.")] = 15,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
    engine: EngineOption = "duckdb",
    tables: TablesOption = None,
    spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
    spark_conf: SparkConfOption = None,
) -> None:
    """One country's profile: trains, employs, keeps, loses, gains.

    Where it loses people to and gains them from, top institutions and the yearly trend,
    with 95% intervals.

    Example: talentflow country KR --format json
    """
    from talentflow.indicators.country import country_profile

    code = check.country(code, "CODE")
    check.year_range(year_from, year_to)
    check.positive("--top", top)
    with engine_from_options(engine, db, tables, spark_master, spark_conf) as eng:
        result = country_profile(eng, code, year_from=year_from, year_to=year_to, top=top)
    _print(
        fmt,
        result.as_json(),
        result.table_rows(),
        f"country {result.country}",
        result.method,
        ["measure", "value", "share", "low", "high"],
        ("trains", "keeps", "loses_to", "gains_from"),
    )


careers_app = typer.Typer(help="Careers: load stints from CSV files.", no_args_is_help=True)


@careers_app.command("load")
@reports_errors
def careers_load(
    path: Annotated[Path, typer.Argument(help="CSV file (or the GemsLab folder).")],
    dataset: Annotated[str, typer.Option(help="Name of the dataset (replaced if loaded).")],
    kind: Annotated[
        str,
        typer.Option(
            help="careers (person,organisation,country,stage,start,end), "
            "advisor-student or gemslab."
        ),
    ] = "careers",
    replace: ReplaceOption = False,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Load careers from a CSV as stints and moves with evidence 'csv'.

    Example: talentflow careers load careers.csv --dataset mylab
    """
    from talentflow.careers import csv_loader as cl
    from talentflow.errors import TalentflowError
    from talentflow.graph.store import open_store

    moves: list[cl.MoveRow] = []
    if kind == "careers":
        rows = cl.read_careers_csv(path)
    elif kind == "advisor-student":
        rows = cl.advisor_student_rows(path)
    elif kind == "gemslab":
        rows, moves = cl.gemslab_rows(path)
    else:
        raise TalentflowError(f"--kind must be careers, advisor-student or gemslab: {kind}")
    with open_store(db) as store:
        result = cl.load_careers(store, rows, dataset, moves=moves, replace=replace)
    if result.stages_unknown:
        stderr.print(
            "stages not recognised, stored as 'unknown': " + ", ".join(result.stages_unknown),
            highlight=False,
            soft_wrap=True,
        )
    data = result.as_json()
    emit(fmt, data, [{"measure": k, "value": v} for k, v in data.items()], title="loaded")


def register(app: typer.Typer) -> None:
    """Add the indicator commands (and ``careers``) to the ``talentflow`` app."""
    from talentflow.cli.options import GROUP_SETTINGS

    for command in (pipeline, migration, orgflows, pedigree, country):
        app.command()(command)
    app.add_typer(careers_app, name="careers", context_settings=GROUP_SETTINGS)
