"""Printing results: a rich table for people, JSON or CSV for scripts.

JSON and CSV go to standard output and nothing else does; progress and logs
go to standard error.
"""

from __future__ import annotations

import csv
import enum
import json
import sys
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from rich.console import Console

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


#: Columns holding a share of 1, printed as percentages (with their interval columns).
SHARE_COLUMNS = frozenset({"share", "estimate", "tracker", "gap", "obs", "est"})
INTERVAL_COLUMNS = frozenset({"low", "high"})
#: Longest word a text column makes room for before it may split words.
TEXT_WORD = 20


def print_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, title: str | None = None
) -> None:
    """Write rows as a rich table to standard output.

    Ids, codes and numbers are never split across lines: their columns keep their width,
    and when the table cannot fit the terminal so, each row is printed as ``column: value``
    lines instead. Shares are percentages with two decimals.
    """
    cols = list(columns or (rows[0].keys() if rows else []))
    percent = SHARE_COLUMNS.intersection(cols)
    if percent:
        percent |= INTERVAL_COLUMNS.intersection(cols)
    cells = [[_fmt(row.get(c), c, c in percent) for c in cols] for row in rows]
    console = Console()
    # Columns of ids, codes and numbers (no spaces) keep their width; text columns wrap
    # between words, so they need room for their longest word (up to TEXT_WORD).
    whole = [all(" " not in r[i] for r in cells) for i in range(len(cols))]
    longest = [max(len(r[i]) for r in cells) for i in range(len(cols))]
    headers = [
        _header(c) if w and len(c) > n else c for c, w, n in zip(cols, whole, longest, strict=True)
    ]
    widths = [
        max(n, *map(len, h.split()))
        if w
        else min(TEXT_WORD, max(len(x) for r in cells for x in [*r[i].split(), h]))
        for i, (h, w, n) in enumerate(zip(headers, whole, longest, strict=True))
    ]
    if cols and sum(widths) + 3 * len(cols) + 1 > console.width:
        _print_vertical(console, cols, cells, title)
        return
    from rich.table import Table  # imported here: not needed to start the command line

    table = Table(title=title, show_lines=False)
    for h, keep, w in zip(headers, whole, widths, strict=True):
        if keep:
            table.add_column(h, no_wrap=True, min_width=w)
        else:
            table.add_column(h, overflow="fold", min_width=w)
    for r in cells:
        table.add_row(*r)
    console.print(table)


def _header(column: str) -> str:
    """A column name that may break after its underscores (``with_\ncountry``)."""
    return column.replace("_", "_\n")


def _print_vertical(
    console: Console, cols: list[str], cells: list[list[str]], title: str | None
) -> None:
    """One ``column: value`` line per cell, a blank line between rows (narrow terminals)."""
    if title:
        console.print(title, style="bold", highlight=False)
    width = max(len(c) for c in cols)
    for r in cells:
        for c, v in zip(cols, r, strict=True):
            console.print(f"{c.rjust(width)}: {v}", highlight=False)
        console.print()


def _names_year(key: str) -> bool:
    return key in ("year", "from", "to") or key.startswith("year_") or key.endswith("_year")


def _fmt(value: object, column: str = "", percent: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, list | dict):
        return str(_inline(value))
    if isinstance(value, int):
        # counts get thousands separators; years and ids stay as written
        plain = _names_year(column) or column.endswith(("_id", "index"))
        return str(value) if plain else f"{value:,}"
    if isinstance(value, float):
        if percent:
            return f"{value * 100:.2f}%"
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.4f}"
    return str(value)


def emit(
    fmt: OutputFormat,
    data: object,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str] | None = None,
    title: str | None = None,
    shown: Collection[str] | None = None,
) -> None:
    """Print a result in the chosen format: ``data`` for JSON, ``rows`` for table and CSV.

    With ``shown`` (the JSON keys that ``rows`` already show), the table view also prints
    every other section of ``data`` (:func:`print_sections`).
    """
    if fmt is OutputFormat.json:
        print_json(data)
    elif fmt is OutputFormat.csv:
        print_csv(rows, columns)
    elif rows:
        print_table(rows, columns, title)
    else:
        stderr.print(f"{title or 'result'}: no rows (the query is valid; nothing matches it)")
    if fmt is OutputFormat.table and shown is not None and isinstance(data, Mapping):
        print_sections(data, shown)


def _scalar(value: object) -> bool:
    return not isinstance(value, list | dict)


def print_notes(notes: Mapping[str, Any]) -> None:
    """A method note (key: text, one line each) on standard error, nested values as text."""
    for key, value in notes.items():
        stderr.print(f"[bold]{key}[/bold]: {_inline(value)}", highlight=False, soft_wrap=True)


def _inline(value: object) -> object:
    """A nested value inside one table cell: lists joined by commas, mappings as k: v."""
    if isinstance(value, list):
        return ", ".join(str(_inline(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_fmt(_inline(v), str(k))}" for k, v in value.items())
    return value


def section_rows(value: object) -> list[dict[str, Any]]:
    """A JSON section as table rows.

    Records (a list of mappings) stay rows; nested mappings become one row per leaf mapping
    or value, keyed by its path (``key``, or ``row`` and ``column`` for a matrix).

    >>> section_rows({"CN": {"US": {"share": 0.5, "n": 2}}})
    [{'row': 'CN', 'column': 'US', 'share': 0.5, 'n': 2}]
    >>> section_rows({"people": 3, "year": 2025})
    [{'key': 'people', 'value': 3}, {'key': 'year', 'value': 2025}]
    """
    if isinstance(value, list):
        return [
            {str(k): _inline(v) for k, v in item.items()}
            if isinstance(item, dict)
            else {"value": item}
            for item in value
        ]
    leaves: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def walk(node: object, path: tuple[str, ...]) -> None:
        if isinstance(node, dict) and node and path and all(map(_scalar, node.values())):
            leaves.append((path, {str(k): v for k, v in node.items()}))
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, str(k)))
        else:
            year = bool(path) and _names_year(path[-1]) and isinstance(node, int)
            leaves.append((path, {"value": str(node) if year else _inline(node)}))

    walk(value, ())
    depth = max((len(p) for p, _ in leaves), default=1)
    names = ["key"] if depth == 1 else ["row", "column"] if depth == 2 else ["key"] * depth
    out: list[dict[str, Any]] = []
    for path, cells in leaves:
        keys = [*path, *[""] * (depth - len(path))]
        if depth > 2:
            out.append({"key": " / ".join(k for k in keys if k), **cells})
        else:
            out.append({**dict(zip(names, keys, strict=True)), **cells})
    return out


def print_sections(data: Mapping[str, Any], shown: Collection[str] = ()) -> None:
    """The table view of every JSON section not in ``shown``, each titled by its key.

    Plain values go in one ``measure``/``value`` table; empty sections are left out.
    """
    rest = {k: v for k, v in data.items() if k not in shown}
    plain = [
        {"measure": k, "value": str(v) if _names_year(k) and isinstance(v, int) else v}
        for k, v in rest.items()
        if _scalar(v) and v is not None
    ]
    if plain:
        print_table(plain, ["measure", "value"], title="summary")
    for key, value in rest.items():
        rows = [] if _scalar(value) else section_rows(value)
        if rows:
            columns = list(dict.fromkeys(c for r in rows for c in r))
            print_table(rows, columns, title=key)
