"""What every sub-command shares: the ``--db`` and ``--format`` options, and one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from talentflow.cli.output import OutputFormat, stderr
from talentflow.errors import TalentflowError

P = ParamSpec("P")
R = TypeVar("R")

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default ./talentflow.duckdb or $TALENTFLOW_DB)."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")]
ReplaceOption = Annotated[
    bool, typer.Option("--replace", help="Allow replacing a loaded dataset with fewer rows.")
]


def reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a TalentflowError into one line on stderr and exit status 1."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except TalentflowError as exc:
            stderr.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper
