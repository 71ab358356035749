"""Organisation commands: ``orgs resolve`` (a CSV of affiliations) and ``orgs top``."""

from pathlib import Path
from typing import Annotated, Any

import typer

from talentflow.cli.options import DbOption, FormatOption, reports_errors
from talentflow.cli.output import OutputFormat, emit, stderr
from talentflow.errors import BadInputError, TalentflowError

orgs_app = typer.Typer(
    help="Organisations and countries: resolve affiliations, top organisations of a venue.",
    no_args_is_help=True,
)

RESOLVE_COLUMNS = (
    "affiliation",
    "domain",
    "org_id",
    "org",
    "org_kind",
    "country",
    "country_basis",
    "hq_country",
    "confidence",
    "notes",
)


def read_affiliations_csv(path: Path) -> list[dict[str, str | None]]:
    """Rows of a CSV with an ``affiliation`` column and optionally ``domain``."""
    from talentflow.sources.user_csv import read_user_csv

    table = read_user_csv(path)
    if "affiliation" not in table.columns:
        raise BadInputError(
            str(path), "needs a column named 'affiliation' (and optionally 'domain')"
        )
    return [
        {"affiliation": row.get("affiliation"), "domain": row.get("domain") or None}
        for _, row in table.records
    ]


@orgs_app.command("resolve")
@reports_errors
def resolve_cmd(
    input_csv: Annotated[
        Path, typer.Option("--input", help="CSV with columns affiliation[, domain].")
    ],
    reference_dir: Annotated[
        Path | None,
        typer.Option(
            "--reference-dir",
            help="Folder holding the registries (default $TALENTFLOW_REFERENCE_DIR or "
            "../shared/data when present).",
        ),
    ] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Never download missing registries.")
    ] = False,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Resolve each affiliation (and e-mail domain) to organisation, kind and country.

    Example: talentflow orgs resolve --input affiliations.csv --format json
    """
    from talentflow.cli.validate import folder
    from talentflow.resolve.orgs import Resolver
    from talentflow.resolve.reference import load_reference

    folder("--reference-dir", reference_dir)
    rows = read_affiliations_csv(input_csv)
    reference = load_reference(reference_dir, download=False if offline else None)
    stderr.print(reference.describe(), highlight=False, soft_wrap=True)
    resolver = Resolver(reference)
    out: list[dict[str, Any]] = []
    for row in rows:
        res = resolver.resolve(row["affiliation"], row["domain"]).as_dict()
        res.pop("org_basis", None)
        out.append({"affiliation": row["affiliation"], "domain": row["domain"], **res})
    data = {
        "n": len(out),
        "with_org": sum(1 for r in out if r["org_id"]),
        "with_country": sum(1 for r in out if r["country"]),
        "resolver_version": resolver.version,
        "reference_missing": reference.missing,
        "rows": out,
    }
    emit(fmt, data, out, columns=RESOLVE_COLUMNS, title="organisations")


@orgs_app.command("top")
@reports_errors
def top_cmd(
    venue: Annotated[str, typer.Option(help="Venue code, e.g. icml.")],
    year: Annotated[int, typer.Option(help="Conference year.")],
    limit: Annotated[int, typer.Option(min=1, help="How many organisations to list.")] = 20,
    basis: Annotated[
        str,
        typer.Option(
            help="location (where the person is, default) or hq (the employer's headquarters)."
        ),
    ] = "location",
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Top organisations and countries of a venue-year's accepted papers, by author slots.

    Example: talentflow orgs top --venue icml --year 2024 --limit 10 --format json
    """
    from talentflow.cli.validate import store_venue
    from talentflow.graph.store import open_store
    from talentflow.resolve.top import top_organisations

    if basis not in ("location", "hq"):
        raise TalentflowError(f"--basis must be location or hq, not '{basis}'")
    with open_store(db, read_only=True) as store:
        venue = store_venue(store, venue, year)
        data = top_organisations(store, venue, year, limit=limit, basis=basis)
    if fmt is OutputFormat.table:
        emit(fmt, data, data["organisations"], title=f"organisations of {venue} {year}")
    emit(fmt, data, data["countries"], title="countries", shown=("organisations", "countries"))
