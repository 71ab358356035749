"""Printing results: a rich table for people, JSON or CSV for scripts.

JSON and CSV go to standard output and nothing else does; progress and logs
go to standard error.
"""

from __future__ import annotations

import csv
import enum
import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

stderr = Console(stderr=True)


class OutputFormat(enum.StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"
    csv = "csv"


def _default(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def print_json(data: object) -> None:
    """Write ``data`` as JSON to standard output."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def print_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> None:
    """Write rows as CSV to standard output."""
    cols = list(columns or (rows[0].keys() if rows else []))
    writer = csv.DictWriter(sys.stdout, fieldnames=cols, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(row.get(k)) for k in cols})


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def print_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, title: str | None = None
) -> None:
    """Write rows as a rich table to standard output."""
    cols = list(columns or (rows[0].keys() if rows else []))
    table = Table(title=title, show_lines=False)
    for c in cols:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*(_fmt(row.get(c), c) for c in cols))
    Console().print(table)


def _fmt(value: object, column: str = "") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        # counts get thousands separators; years and ids stay as written
        plain = column == "year" or column.endswith(("_year", "_id", "index"))
        return str(value) if plain else f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def emit(
    fmt: OutputFormat,
    data: object,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str] | None = None,
    title: str | None = None,
) -> None:
    """Print a result in the chosen format: ``data`` for JSON, ``rows`` for table and CSV."""
    if fmt is OutputFormat.json:
        print_json(data)
    elif fmt is OutputFormat.csv:
        print_csv(rows, columns)
    else:
        print_table(rows, columns, title)
