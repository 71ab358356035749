"""Generate the command reference (docs/cli.md) from the command tree itself."""

from __future__ import annotations

from typing import Any

import typer.main
from typer.testing import CliRunner

HELP_ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def command_paths(cmd: Any = None, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every leaf command of the ``talentflow`` app."""
    from talentflow.cli import app

    cmd = cmd if cmd is not None else typer.main.get_command(app)
    subcommands = getattr(cmd, "commands", None)
    if subcommands:
        out: list[tuple[str, ...]] = []
        for name in sorted(subcommands):
            out += command_paths(subcommands[name], (*prefix, name))
        return out
    return [prefix]


def help_text(path: tuple[str, ...]) -> str:
    """The ``--help`` output of one command, as a user sees it."""
    from talentflow.cli import app

    result = CliRunner().invoke(app, [*path, "--help"], env=HELP_ENV)
    return "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())


def render_reference() -> str:
    """docs/cli.md: the help text of every command, in command order."""
    lines = [
        "# Command reference",
        "",
        "Generated from the command tree by `python -m talentflow.cli.docs`; a test keeps it",
        "in step with the code. Common options: `--db PATH` (default `./talentflow.duckdb` or",
        "`$TALENTFLOW_DB`), `--format table|json|csv` (JSON on standard output only; progress",
        "and logs on standard error; exit status 0 on success, non-zero with a one-line reason).",
        "",
    ]
    for path in command_paths():
        lines += [f"## `talentflow {' '.join(path)}`", "", "```text", help_text(path), "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    import sys
    from pathlib import Path

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/cli.md")
    target.write_text(render_reference())
    print(f"wrote {target}")
