"""The ``talentflow`` command: one sub-command per question (see INTERFACE.md)."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from talentflow.cli.engine_options import (
    DEFAULT_SPARK_MASTER,
    SparkConfOption,
    SparkMasterOption,
)
from talentflow.cli.options import GROUP_SETTINGS, DbOption, FormatOption, reports_errors
from talentflow.cli.output import OutputFormat, emit, stderr
from talentflow.errors import TalentflowError

app = typer.Typer(
    name="talentflow",
    help="Measure the global flow of AI talent from public research records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings=GROUP_SETTINGS,
)
export_app = typer.Typer(help="Export tables of the store to CSV or Parquet.", no_args_is_help=True)
app.add_typer(export_app, name="export", context_settings=GROUP_SETTINGS)


@app.command()
@reports_errors
def build(
    source: Annotated[
        str, typer.Option(help="paperlists, openreview or openalex (see 'talentflow sources').")
    ] = "paperlists",
    venues: Annotated[
        str | None,
        typer.Option("--venues", "--venue", help="Comma-separated venue codes, e.g. nips,icml."),
    ] = None,
    years: Annotated[
        str | None,
        typer.Option("--years", "--year", help="Years, e.g. 2013-2025 or 2019,2021."),
    ] = None,
    mirror: Annotated[
        Path | None,
        typer.Option(
            help="Local mirror folder DIR/<venue>/<venue><year>.json[.gz] "
            "(default $TALENTFLOW_PAPERLISTS_MIRROR; without it, download live files). "
            "With --source openalex: an OpenAlex snapshot folder "
            "(data/works|authors/updated_date=*/part_*.gz)."
        ),
    ] = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Ingest every good file, list bad ones, exit 2.")
    ] = False,
    archive: Annotated[
        bool,
        typer.Option(
            help="Read Paper Copilot's OpenReview archive beside the paper lists "
            "(affiliations, positions, identity keys): from --archive-mirror, else "
            "downloaded when the paper lists are."
        ),
    ] = True,
    archive_mirror: Annotated[
        Path | None,
        typer.Option(
            help="Local archive mirror DIR/authors|venues/<venue>/<venue><year>.jsonl[.gz] "
            "(default $TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR)."
        ),
    ] = None,
    cache_dir: Annotated[Path, typer.Option(help="Download cache for live files.")] = Path(
        ".talentflow-cache"
    ),
    workers: Annotated[int, typer.Option(help="Parallel parser processes.")] = 2,
    email: Annotated[
        str | None,
        typer.Option(
            help="OpenAlex: your e-mail, sent as mailto (default $TALENTFLOW_OPENALEX_EMAIL); "
            "the API key comes from $OPENALEX_API_KEY."
        ),
    ] = None,
    max_age_days: Annotated[
        float | None,
        typer.Option(help="Live sources: refetch records older than this many days."),
    ] = None,
    openalex_source: Annotated[
        str | None,
        typer.Option(help="OpenAlex: crawl the works of this source id (S...) in --years."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Live sources: go on with the crawl a rate limit interrupted (its venues "
            "and years are remembered).",
        ),
    ] = False,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="OpenAlex snapshot: duckdb (into the store) or spark (into --tables).",
        ),
    ] = "duckdb",
    tables: Annotated[
        Path | None,
        typer.Option(
            "--tables",
            help="With --engine spark: the Parquet tables directory to write (what "
            "'--engine spark --tables DIR' reads).",
        ),
    ] = None,
    spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
    spark_conf: SparkConfOption = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Build or refresh the store; a rebuild from the same files changes nothing.

    Example: talentflow build --mirror ../shared/data/paperlists --venues nips --years 2019-2024

    Live sources (docs/live-sources.md): talentflow build --source openreview --venue nips
    --year 2024 crawls the OpenReview profiles of that venue-year's authors (resumable:
    after a rate limit, talentflow build --source openreview --resume).

    OpenAlex snapshot (docs/scale.md): talentflow build --source openalex --mirror
    openalex-snapshot/ reads it with DuckDB into the store; add --engine spark --tables
    tables/ to read it with Spark into Parquet tables instead.
    """
    from talentflow.build import run_build
    from talentflow.cli.validate import folder, positive
    from talentflow.engines import parse_conf

    positive("--workers", workers)
    folder("--archive-mirror", archive_mirror)
    result = run_build(
        source=source,
        venues=venues,
        years=years,
        mirror=mirror,
        skip_bad=skip_bad,
        cache_dir=cache_dir,
        workers=workers,
        db=db,
        email=email,
        max_age_days=max_age_days,
        openalex_source=openalex_source,
        engine=engine,
        tables=tables,
        spark_master=spark_master,
        spark_conf=parse_conf(spark_conf),
        resume=resume,
        archive=archive,
        archive_mirror=archive_mirror,
    )
    summary = result.as_dict()
    rows = [{"measure": k, "value": v} for k, v in summary.items() if k != "bad_files"]
    emit(fmt, summary, rows, title="build")
    if result.bad_files:
        for line in result.bad_files:
            stderr.print(f"[red]bad file:[/red] {line}", highlight=False, soft_wrap=True)
        stderr.print(f"{len(result.bad_files)} file(s) could not be read; the rest were ingested")
        raise typer.Exit(2)


@app.command()
@reports_errors
def stats(db: DbOption = None, fmt: FormatOption = OutputFormat.table) -> None:
    """Headline counts of the store, overall and per venue-year.

    Example: talentflow stats --format json
    """
    from talentflow.graph.inspect import stats as compute_stats
    from talentflow.graph.store import open_store

    with open_store(db, read_only=True) as store:
        data = compute_stats(store)
    if fmt is OutputFormat.table:
        emit(fmt, data, [{k: v for k, v in data.items() if k != "by_venue_year"}], title="store")
    emit(fmt, data, data["by_venue_year"], title="by venue and year")


@export_app.command("authorships")
@reports_errors
def export_authorships(
    out: Annotated[Path, typer.Option("--out", help="FILE.csv or FILE.parquet")],
    db: DbOption = None,
) -> None:
    """One row per author slot, with person, organisation and country (no name-origin data).

    Example: talentflow export authorships --out authorships.parquet
    """
    from talentflow.graph.inspect import export_authorships as do_export
    from talentflow.graph.store import open_store

    with open_store(db, read_only=True) as store:
        n = do_export(store, out)
    stderr.print(f"wrote {n:,} author slots to {out}")


@export_app.command("tables")
@reports_errors
def export_tables(
    out: Annotated[Path, typer.Option("--out", help="Directory to write (tables replaced).")],
    db: DbOption = None,
) -> None:
    """Every table of the store as Parquet (papers and authorships partitioned by year),
    the input of '--engine spark --tables DIR'.

    Example: talentflow export tables --out tables/
    """
    from talentflow.cli.validate import export_folder
    from talentflow.graph.parquet import export_tables as do_export
    from talentflow.graph.store import open_store

    export_folder(out)
    with open_store(db, read_only=True) as store:
        manifest = do_export(store, out)
    total = sum(manifest.rows.values())
    stderr.print(f"wrote {len(manifest.rows)} tables ({total:,} rows) to {out}")


@app.command("sources")
@reports_errors
def sources_command(
    cache_dir: Annotated[Path, typer.Option(help="Download cache to look in.")] = Path(
        ".talentflow-cache"
    ),
    mirror: Annotated[
        Path | None, typer.Option(help="Paper-list mirror (default $TALENTFLOW_PAPERLISTS_MIRROR).")
    ] = None,
    archive_mirror: Annotated[
        Path | None,
        typer.Option(
            help="OpenReview archive mirror (default $TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR)."
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """List the sources 'talentflow build --source' accepts, and whether a mirror or cache exists.

    Example: talentflow sources --format json
    """
    from talentflow.cli.validate import folder
    from talentflow.sources.catalog import available_sources

    folder("--mirror", mirror)
    folder("--archive-mirror", archive_mirror)
    rows = available_sources(cache_dir, mirror, archive_mirror)
    emit(fmt, {"sources": rows}, rows, title="sources")


@app.command()
def schema() -> None:
    """Print the store's schema as Markdown.

    Example: talentflow schema > SCHEMA.md
    """
    from talentflow.graph.schema import markdown

    sys.stdout.write(markdown() + "\n")


@app.command()
@reports_errors
def report(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    venue: Annotated[
        str | None, typer.Option(help="Venue of the pipeline and census (default: largest).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Year (default: the venue's latest).")] = None,
    country: Annotated[
        str | None, typer.Option(help="ISO code of the country profile, e.g. KR.")
    ] = None,
    lang: Annotated[str, typer.Option(help="en or ko.")] = "en",
    db: DbOption = None,
) -> None:
    """Write one self-contained HTML report (opens offline: charts and map shapes inline).

    Example: talentflow report --out report.html --venue nips --year 2024 --country KR --lang ko
    """
    import talentflow.cli.validate as check
    from talentflow.graph.store import open_store
    from talentflow.report.page import write_report_file

    country = None if country is None else check.country(country)
    if venue is not None:
        with open_store(db, read_only=True) as store:
            venue = check.store_venue(store, venue, year)
    write_report_file(db, out, venue=venue, year=year, country=country, lang=lang)
    stderr.print(f"wrote {out}")


@app.command()
@reports_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    warm_years: Annotated[
        int,
        typer.Option(
            help="Compute in the background the indicators of each venue's latest N years "
            "(0: compute each on first request only)."
        ),
    ] = 3,
    db: DbOption = None,
) -> None:
    """Run the read-only dashboard and its JSON API (OpenAPI at /openapi.json).

    Example: talentflow serve --port 8000   (then open http://127.0.0.1:8000/)
    """
    from talentflow.cli.validate import port as check_port
    from talentflow.graph.store import default_db_path
    from talentflow.web.app import serve as run_server

    check_port(port)
    if warm_years < 0:
        raise TalentflowError(f"--warm-years: must be 0 or more, got {warm_years}")

    stderr.print(f"serving {default_db_path(db)} on http://{host}:{port}/ (Ctrl-C stops)")
    run_server(default_db_path(db), host=host, port=port, warm_years=warm_years)


from talentflow.cli.origin import register as _register_origin  # noqa: E402

_register_origin(app)  # census, origin shares, origin evaluate


from talentflow.cli.orgs import orgs_app  # noqa: E402

app.add_typer(orgs_app, name="orgs", context_settings=GROUP_SETTINGS)

from talentflow.cli.people import people_app  # noqa: E402

app.add_typer(people_app, name="people", context_settings=GROUP_SETTINGS)

from talentflow.cli.indicators import register as _register_indicators  # noqa: E402

_register_indicators(app)

from talentflow.cli.labour import register as _register_labour  # noqa: E402

_register_labour(app)  # jobs load/roles/evaluate, demand, founders pedigree (issue 10)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the ``talentflow`` command."""
    return app(args=argv)
