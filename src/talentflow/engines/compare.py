"""Comparing one query's results from two engines: same rows, numbers equal to a tolerance.

Engines may return the same value with different Arrow types (DuckDB's ``sum`` of INTEGER is a
DECIMAL(38,0), Spark's a BIGINT; strings may be ``large_string``) and rows in any order unless
the query sorts them. :func:`differences` normalises both and lists what differs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa

TOLERANCE = 1e-9


def _norm(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value  # kept as float: compared numerically below
    if isinstance(value, list | tuple):
        return tuple(_norm(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _norm(v)) for k, v in value.items()))
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def _sort_key(row: Sequence[Any]) -> tuple[Any, ...]:
    key: list[Any] = []
    for v in row:
        if v is None:
            key.append((0, ""))
        elif isinstance(v, bool):
            key.append((1, int(v)))
        elif isinstance(v, int | float):
            # Rounded so that 1e-12 noise between engines does not change the order.
            key.append((1, round(float(v), 6)))
        else:
            key.append((2, str(v)))
    return tuple(key)


def _equal(a: Any, b: Any, tol: float) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return bool(a is b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        if isinstance(a, float) and math.isnan(a):
            return isinstance(b, float) and math.isnan(b)
        return math.isclose(float(a), float(b), rel_tol=tol, abs_tol=tol)
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_equal(x, y, tol) for x, y in zip(a, b, strict=True))
    same: bool = a == b
    return same


def rows_of(table: pa.Table) -> list[tuple[Any, ...]]:
    """Rows as normalised tuples, in column order."""
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [tuple(_norm(v) for v in row) for row in zip(*columns, strict=True)]


def differences(
    left: pa.Table,
    right: pa.Table,
    *,
    ordered: bool = False,
    tol: float = TOLERANCE,
    limit: int = 5,
) -> list[str]:
    """What differs between two results (empty when they are the same).

    Column names must match; rows are compared as multisets unless ``ordered``.
    """
    if left.column_names != right.column_names:
        return [f"columns differ: {left.column_names} != {right.column_names}"]
    if left.num_rows != right.num_rows:
        return [f"row counts differ: {left.num_rows} != {right.num_rows}"]
    a, b = rows_of(left), rows_of(right)
    if not ordered:
        a.sort(key=_sort_key)
        b.sort(key=_sort_key)
    found: list[str] = []
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if not _equal(x, y, tol):
            found.append(f"row {i}: {x} != {y}")
            if len(found) >= limit:
                break
    return found


def json_differences(
    left: Any, right: Any, *, tol: float = TOLERANCE, path: str = "$"
) -> list[str]:
    """What differs between two JSON-like results (dicts, lists, numbers to ``tol``)."""
    if isinstance(left, dict) and isinstance(right, dict):
        if set(left) != set(right):
            return [f"{path}: keys differ: {sorted(set(left) ^ set(right), key=str)}"]
        found: list[str] = []
        for key in left:
            found += json_differences(left[key], right[key], tol=tol, path=f"{path}.{key}")
        return found
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        if len(left) != len(right):
            return [f"{path}: lengths differ: {len(left)} != {len(right)}"]
        found = []
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            found += json_differences(a, b, tol=tol, path=f"{path}[{i}]")
        return found
    if _equal(_norm(left), _norm(right), tol):
        return []
    return [f"{path}: {left!r} != {right!r}"]
