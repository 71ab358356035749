"""Name-origin commands: ``census``, ``origin shares``, ``origin evaluate``.

Every output is aggregate: group shares with intervals, or evaluation metrics.
No command prints, exports or serves an estimate for a person.
"""

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer

from talentflow.cli.output import OutputFormat, emit, stderr
from talentflow.errors import BadInputError, TalentflowError

origin_app = typer.Typer(
    help="Name-origin shares (aggregate only) and the estimator's evaluation.",
    no_args_is_help=True,
)

PriorOption = Annotated[
    str,
    typer.Option(
        "--prior",
        help="adjusted (correct for the estimator's measured error rates, default), "
        "em (re-estimate the mix from calibrated probabilities), none (training prior), "
        "or a JSON file {group: weight} with a known mix.",
    ),
]
BootstrapOption = Annotated[
    int, typer.Option("--bootstrap", min=50, help="Bootstrap replicates for the 95% intervals.")
]


def _settings(prior: str, bootstrap: int) -> Any:
    from talentflow.origin.shares import ShareSettings

    if prior in ("adjusted", "em", "none"):
        return ShareSettings(prior=prior, bootstrap=bootstrap)  # type: ignore[arg-type]
    path = Path(prior)
    try:
        mix = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        reason = f"--prior is neither adjusted, em, none nor a JSON file: {exc}"
        raise BadInputError(prior, reason) from None
    if not isinstance(mix, dict) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in mix.values()
    ):
        raise BadInputError(prior, "the prior must be a JSON object {group: weight}")
    bad = sorted(g for g, v in mix.items() if not math.isfinite(v) or v < 0)
    if bad or not any(mix.values()):
        reason = f"negative or non-finite weights for {', '.join(bad)}" if bad else "all zero"
        raise BadInputError(prior, f"prior weights must be >= 0 and not all zero: {reason}")
    from talentflow.origin.groups import GROUPS

    unknown = sorted(set(mix) - set(GROUPS))
    if unknown:
        raise BadInputError(prior, f"unknown groups {', '.join(unknown)}")
    return ShareSettings(prior={k: float(v) for k, v in mix.items()}, bootstrap=bootstrap)


def _emit_shares(fmt: OutputFormat, data: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    if fmt is not OutputFormat.json:
        stderr.print(data["statement"], highlight=False, soft_wrap=True)
        stderr.print(f"n={data['n']:,} distinct names, abstained={data['abstained']:,}")
    emit(
        fmt,
        data,
        rows,
        columns=["group", "estimate", "low", "high", "suppressed"],
        title="name-origin shares",
        shown=("statement", "n", "abstained", "shares"),
    )


def census(
    venue: Annotated[str, typer.Option("--venue", help="Venue code, e.g. nips.")],
    year: Annotated[int, typer.Option("--year", help="Conference year.")],
    track: Annotated[
        str | None,
        typer.Option("--track", help="Only papers of this track (e.g. main); default all."),
    ] = None,
    prior: PriorOption = "adjusted",
    bootstrap: BootstrapOption = 400,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Store file (default ./talentflow.duckdb or $TALENTFLOW_DB)."),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = OutputFormat.table,
) -> None:
    """Name-origin shares of a venue-year's authors (distinct names on accepted papers).

    Estimates what the spelling of names suggests, never anyone's nationality; shares
    only, with 95% bootstrap intervals; groups under 10 people are suppressed.

    Example: talentflow census --venue nips --year 2024 --track main --format json
    """
    from talentflow.cli.validate import store_venue
    from talentflow.graph.store import open_store
    from talentflow.origin.census import run_census

    try:
        settings = _settings(prior, bootstrap)
        with open_store(db, read_only=True) as store:
            venue = store_venue(store, venue, year)
            result = run_census(store, venue, year, track, settings)
    except TalentflowError as exc:
        stderr.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    _emit_shares(fmt, result.as_dict(), result.rows())


@origin_app.command("shares")
def shares(
    input_csv: Annotated[
        Path, typer.Option("--input", help="CSV with a 'name' column (one row per person).")
    ],
    prior: PriorOption = "adjusted",
    bootstrap: BootstrapOption = 400,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = OutputFormat.table,
) -> None:
    """Name-origin shares of the names in a CSV (aggregate only, never per row).

    Example: talentflow origin shares --input authors.csv --format json
    """
    from talentflow.origin.cells import require_min_people
    from talentflow.origin.evaluate import read_names_csv
    from talentflow.origin.shares import estimate_shares

    try:
        settings = _settings(prior, bootstrap)
        names, _ = read_names_csv(input_csv)
        require_min_people(names, str(input_csv))
        result = estimate_shares(names, settings, extra={"input": str(input_csv)})
    except TalentflowError as exc:
        stderr.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    _emit_shares(fmt, result.as_dict(), result.rows())


@origin_app.command("evaluate")
def evaluate(
    labeled: Annotated[
        Path | None,
        typer.Option(
            "--labeled",
            help="CSV with columns name, group (default: the shipped held-out names).",
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = OutputFormat.table,
) -> None:
    """Accuracy, macro-F1, per-group precision/recall/F1, calibration and coverage.

    Example: talentflow origin evaluate --labeled names_with_groups.csv --format json
    """
    from talentflow.origin.cells import require_min_people
    from talentflow.origin.evaluate import evaluate as run_evaluate
    from talentflow.origin.evaluate import heldout_path, read_names_csv

    try:
        source = labeled or heldout_path()
        names, groups = read_names_csv(source, need_group=True)
        require_min_people(names, str(source))
        result = run_evaluate(names, groups)
    except TalentflowError as exc:
        stderr.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    if fmt is not OutputFormat.json:
        stderr.print(result["statement"], highlight=False, soft_wrap=True)
        stderr.print(
            f"n={result['n']:,} coverage={result['coverage']:.3f} "
            f"accuracy={result['accuracy']:.3f} macro_f1={result['macro_f1']:.3f} "
            f"ece={result['ece']:.3f}"
        )
    rows = [{"group": g, **m} for g, m in result["per_group"].items()]
    emit(
        fmt,
        result,
        rows,
        columns=["group", "precision", "recall", "f1", "support", "abstained", "suppressed"],
        title="origin evaluation",
        shown=("statement", "n", "coverage", "accuracy", "macro_f1", "ece", "per_group"),
    )


def register(app: typer.Typer) -> None:
    """Add ``census`` and ``origin`` to the main ``talentflow`` app."""
    from talentflow.cli.options import GROUP_SETTINGS

    app.command("census")(census)
    app.add_typer(origin_app, name="origin", context_settings=GROUP_SETTINGS)
