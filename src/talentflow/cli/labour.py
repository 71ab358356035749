"""Labour-market commands (issue 10): ``jobs load``, ``jobs roles``, ``jobs evaluate``,
``demand`` and ``founders pedigree``.

(No ``from __future__ import annotations``: Typer reads the option annotations of the
commands defined inside :func:`register` at definition time.)
"""

from pathlib import Path
from typing import Annotated, Any

import typer

from talentflow.cli.output import OutputFormat, emit, print_notes, stderr

jobs_app = typer.Typer(
    help="Job postings: load collections or files, list the role taxonomy, check roles.",
    no_args_is_help=True,
)
founders_app = typer.Typer(help="Founders' pedigree from a founders CSV.", no_args_is_help=True)


def _split(value: str | None) -> set[str] | None:
    if not value:
        return None
    return {v.strip() for v in value.split(",") if v.strip()}


def _region(value: str) -> str:
    """ALL, unknown or an ISO country code (any case)."""
    from talentflow.cli.validate import country

    if value.upper() == "ALL":
        return "ALL"
    if value.lower() == "unknown":
        return "unknown"
    return country(value, "--region")


def register(app: typer.Typer) -> None:
    """Add ``jobs``, ``demand`` and ``founders`` to the ``talentflow`` app."""
    from talentflow.cli.options import (
        GROUP_SETTINGS,
        DbOption,
        FormatOption,
        ReplaceOption,
        reports_errors,
    )

    app.add_typer(jobs_app, name="jobs", context_settings=GROUP_SETTINGS)
    app.add_typer(founders_app, name="founders", context_settings=GROUP_SETTINGS)

    @jobs_app.command("load")
    @reports_errors
    def jobs_load(
        paths: Annotated[
            list[Path],
            typer.Argument(
                help="HN collection folder, folder or file of the Chinese collection, "
                "or a CSV/JSON/JSONL file of postings."
            ),
        ],
        dataset: Annotated[
            str | None, typer.Option(help="Dataset name (one path only; default: derived).")
        ] = None,
        replace: ReplaceOption = False,
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """Load job postings into the store (atomic; loading the same files again is a no-op).

        Example: talentflow jobs load ../shared/data/hn-jobs-gantryops
        ../shared/data/ruanyf-whoishiring-cn
        """
        from talentflow.graph.jobs_ingest import load_postings
        from talentflow.graph.store import open_store

        with open_store(db) as store:
            results = load_postings(store, paths, dataset, replace)
        data = [r.as_dict() for r in results]
        emit(fmt, {"loaded": data}, data, title="jobs load")

    @jobs_app.command("roles")
    @reports_errors
    def jobs_roles(fmt: FormatOption = OutputFormat.table) -> None:
        """The role taxonomy (English and Chinese names, which roles have paper-based supply).

        Example: talentflow jobs roles --format json
        """
        from talentflow.resolve.roles import taxonomy

        tax = taxonomy()
        rows = [
            {"role": r.id, "en": r.en, "zh": r.zh, "paper_supply": bool(r.paper_terms)}
            for r in tax.roles
        ]
        emit(fmt, {"version": tax.version, "roles": rows}, rows, title="roles")

    @jobs_app.command("evaluate")
    @reports_errors
    def jobs_evaluate(
        labels: Annotated[
            Path,
            typer.Option(
                "--labels", help="CSV with dataset, posting_id, roles (;-separated role ids)."
            ),
        ],
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """Precision and recall per role of the stored role decisions against hand labels.

        Example: talentflow jobs evaluate --labels tests/fixtures/labour/role_labels.csv
        """
        from talentflow.graph.store import open_store
        from talentflow.resolve.jobs_evaluate import evaluate_store_roles

        with open_store(db, read_only=True) as store:
            result = evaluate_store_roles(store, labels)
        rows = [{"role": k, **v} for k, v in result["per_role"].items()]
        title = f"roles vs {result['n']} labelled postings"
        emit(fmt, result, rows, title=title, shown=("per_role", "n"))

    @app.command()
    @reports_errors
    def demand(
        postings: Annotated[
            Path | None,
            typer.Option(help="Count postings from this file/folder instead of the store."),
        ] = None,
        dataset: Annotated[
            str | None,
            typer.Option(help="Stored posting datasets, comma-separated (default: all)."),
        ] = None,
        candidates: Annotated[
            Path | None,
            typer.Option(
                help="Supply from a candidate-pool CSV (person, role or title, location/country) "
                "instead of the talent graph."
            ),
        ] = None,
        region: Annotated[
            str | None,
            typer.Option(help="Regions, comma-separated ISO codes, ALL or unknown (default: all)."),
        ] = None,
        months: Annotated[
            str | None,
            typer.Option(help="Months: 2026-01..2026-05, 2026-01,2026-03 or a year (2021)."),
        ] = None,
        roles: Annotated[
            str | None, typer.Option(help="Role ids, comma-separated (see 'jobs roles').")
        ] = None,
        window: Annotated[
            int, typer.Option(help="Supply: conference years before the posting's year.")
        ] = 3,
        min_demand: Annotated[int, typer.Option(help="Leave out cells with fewer postings.")] = 1,
        period: Annotated[
            str,
            typer.Option(help="Rows per 'month' or 'year' (plus 'all'), or only 'all'."),
        ] = "month",
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """Demand (postings) against supply (people whose recent papers fit the role).

        Per role, region and month: demand, supply, the supply/demand ratio and its 95%
        interval. Demand counts distinct postings advertising the role; supply counts
        distinct people with an accepted paper fitting the role in the years before (or a
        candidate pool). The method note says exactly what each side counts.

        Example: talentflow demand --dataset hn-jobs-gantryops --region ALL,US --format json
        """
        import talentflow.cli.validate as check
        from talentflow.graph.store import open_store
        from talentflow.indicators.demand import compute_demand
        from talentflow.resolve.roles import taxonomy

        check.positive("--window", window)
        check.positive("--min-demand", min_demand)
        regions = _split(region)
        if regions is not None:
            regions = {_region(r) for r in regions}
        check.known("--roles", _split(roles), {r.id for r in taxonomy().roles})
        with open_store(db, read_only=True) as store:
            result = compute_demand(
                store=store,
                datasets=sorted(_split(dataset) or []) or None,
                postings_path=postings,
                candidates=candidates,
                regions=regions,
                months=months,
                roles=_split(roles),
                window=window,
                min_demand=min_demand,
                period=period,
            )
        if fmt is OutputFormat.table:
            print_notes(result.method)
        cols = ["role", "region", "period", "demand", "supply", "supply_years", "ratio"]
        data = result.as_json()
        emit(fmt, data, result.rows, [*cols, "low", "high"], "demand and supply", ("method",))
        if fmt is OutputFormat.table and result.rows:  # the role names, once per role
            names = {
                r["role"]: {k: r.get(k) for k in ("role", "role_en", "role_zh")}
                for r in result.rows
            }
            emit(fmt, data, list(names.values()), title="roles")

    @founders_app.command("pedigree")
    @reports_errors
    def founders_pedigree_cmd(
        earlier: Annotated[
            list[str], typer.Option("--earlier", help="Earlier organisation (repeatable).")
        ],
        founders: Annotated[
            Path | None,
            typer.Option(
                "--founders", help="CSV: person, company, founded (year), optional person_id."
            ),
        ] = None,
        cohort_orgs: Annotated[
            str | None,
            typer.Option(
                "--cohort-orgs",
                help="Instead of a CSV: everyone the store sees at these organisations "
                "(comma-separated), cohort year = first year there.",
            ),
        ] = None,
        db: DbOption = None,
        fmt: FormatOption = OutputFormat.table,
    ) -> None:
        """Share of founders (or of a store cohort) with a stint at given organisations before.

        Issue 5's pedigree indicator on a founders CSV joined to careers, or on everyone the
        store sees at some organisations (--cohort-orgs); 95% Wilson intervals.

        Example: talentflow founders pedigree --founders founders.csv --earlier Microsoft
        --earlier Google

        Example: talentflow founders pedigree --cohort-orgs "Moonshot AI,Zhipu AI,MiniMax,
        Baichuan,01.AI,DeepSeek" --earlier Tsinghua --earlier Microsoft
        """
        from talentflow.engines import DuckDBEngine
        from talentflow.errors import TalentflowError
        from talentflow.graph.store import open_store
        from talentflow.indicators.founders import founders_pedigree, store_cohort_pedigree

        if (founders is None) == (cohort_orgs is None):
            raise TalentflowError("give exactly one of --founders FILE.csv and --cohort-orgs")
        with open_store(db, read_only=True) as store:
            if founders is not None:
                out = founders_pedigree(DuckDBEngine(store), founders, earlier)
                size = {"measure": "founders matched", "count": out["cohort"]["matched"]}
            else:
                names = sorted(_split(cohort_orgs) or [])
                out = store_cohort_pedigree(DuckDBEngine(store), names, earlier)
                size = {"measure": "cohort (people)", "count": out["cohort"]["people"]}
        rows: list[dict[str, Any]] = [
            size,
            {"measure": "share (all)", **out["share"]},
            {"measure": "share (with history)", **out["share_with_history"]},
        ]
        rows += [{"measure": f"earlier at {r['org']}", **r} for r in out["by_org"]]
        if fmt is OutputFormat.table:
            stderr.print(out["method"], highlight=False, soft_wrap=True)
        cols = ["measure", "count", "share", "low", "high", "n"]
        emit(fmt, out, rows, cols, shown=("share", "share_with_history", "method"))
