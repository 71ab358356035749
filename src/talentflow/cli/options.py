"""What every sub-command shares: the ``--db`` and ``--format`` options, and one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

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
#: Context settings of the app and of every command group: a group's own ``--help`` flag,
#: when not given, reads False instead of None. Typer 0.29 coerces any flag value that is not
#: a bool through pydantic, so ``talentflow stats --help`` imported pydantic (50-60 ms with
#: bytecode, 0.2-0.3 s without) to coerce the root's absent ``--help`` (benchmarks/RESULTS.md).
GROUP_SETTINGS: dict[str, Any] = {"default_map": {"help": False}}
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
