"""Checks every command runs on its arguments before any work.

Each check returns the value to use (a venue alias becomes its code, a country
code its upper case) or raises :class:`ArgumentError`, one line naming the option
and why (with the nearest valid value when there is one), which ``reports_errors``
prints with exit status 1.

>>> year_range(2019, 2024)
(2019, 2024)
>>> positive("--top", 0)
Traceback (most recent call last):
...
talentflow.cli.validate.ArgumentError: --top: must be 1 or more, got 0
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Collection, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from talentflow.errors import TalentflowError

if TYPE_CHECKING:
    from talentflow.engines import Engine
    from talentflow.graph.store import Store


class ArgumentError(TalentflowError):
    """A command-line argument that cannot mean anything."""

    def __init__(self, option: str, reason: str) -> None:
        super().__init__(f"{option}: {reason}")


def positive(option: str, value: int | None) -> int | None:
    """A count or limit: 1 or more (None passes: the option was not given)."""
    if value is not None and value < 1:
        raise ArgumentError(option, f"must be 1 or more, got {value}")
    return value


def known(option: str, values: Collection[str] | None, allowed: Collection[str]) -> None:
    """Every value one of ``allowed`` (None passes: the option was not given)."""
    unknown = sorted(set(values or ()) - set(allowed))
    if unknown:
        raise ArgumentError(
            option, f"unknown {', '.join(unknown)} (one of {', '.join(sorted(allowed))})"
        )


def folder(option: str, path: Path | None) -> Path | None:
    """An existing folder (None passes: the option was not given)."""
    if path is not None and not path.is_dir():
        raise ArgumentError(option, f"{path} is not a folder")
    return path


def probability(option: str, value: float) -> float:
    """A probability threshold: above 0, at most 1."""
    if not 0.0 < value <= 1.0:
        raise ArgumentError(option, f"must be above 0 and at most 1, got {value}")
    return value


def year_range(year_from: int, year_to: int) -> tuple[int, int]:
    """``--from`` .. ``--to``, in order."""
    if year_from > year_to:
        raise ArgumentError("--from/--to", f"--from {year_from} is after --to {year_to}")
    return year_from, year_to


def port(value: int) -> int:
    """A TCP port to listen on."""
    if not 1 <= value <= 65535:
        raise ArgumentError("--port", f"must be between 1 and 65535, got {value}")
    return value


def country(value: str, option: str = "--country") -> str:
    """An ISO 3166-1 alpha-2 code, any case ('kr' -> 'KR'); a name is refused with its code."""
    import pycountry

    from talentflow.normalise.countries import country_code

    text = value.strip()
    if len(text) == 2 and pycountry.countries.get(alpha_2=text.upper()) is not None:
        return text.upper()
    reason = f"{value!r} is not an ISO 3166-1 alpha-2 country code"
    code = country_code(text)
    raise ArgumentError(option, reason + (f"; did you mean {code}?" if code else " (e.g. KR)"))


@cache
def _venue_aliases() -> dict[str, str]:
    text = resources.files("talentflow.cli").joinpath("data", "venue_aliases.csv").read_text()
    return {r["alias"]: r["venue"] for r in csv.DictReader(text.splitlines())}


def known_venues(engine: Engine) -> dict[str, set[int]]:
    """The venue codes with papers in the store, and their years."""
    rows = engine.sql("SELECT venue, year FROM papers GROUP BY venue, year").to_pylist()
    out: dict[str, set[int]] = {}
    for r in rows:
        if r["venue"]:
            out.setdefault(str(r["venue"]), set()).add(int(r["year"]))
    return out


def store_venue(store: Store, value: str, year: int | None = None) -> str:
    """:func:`venue` against the venues of an open store."""
    from talentflow.engines import DuckDBEngine

    return venue(value, known_venues(DuckDBEngine(store)), year)


def venue(value: str, known: Mapping[str, Collection[int]], year: int | None = None) -> str:
    """A venue code of the store, case-insensitively, aliases allowed ('NeurIPS' -> 'nips');
    with ``year``, the venue must have papers that year."""
    key = " ".join(value.strip().lower().split())
    code = _venue_aliases().get(key, key)
    if code in known:
        years = known[code]
        if year is not None and year not in years:
            raise ArgumentError(
                "--year", f"no {code} papers of {year} in the store (years: {_spans(years)})"
            )
        return code
    if not known:
        raise ArgumentError("--venue", "the store has no papers yet: run 'talentflow build' first")
    close = difflib.get_close_matches(key, [*known, *_venue_aliases()], n=3, cutoff=0.6)
    hint = ", ".join(dict.fromkeys(_venue_aliases().get(c, c) for c in close))
    reason = f"no venue {value!r} in the store"
    if hint:
        reason += f"; did you mean {hint}?"
    else:
        reason += f" (venues: {', '.join(sorted(known))})"
    raise ArgumentError("--venue", reason)


def _spans(years: Collection[int]) -> str:
    """2019, 2020, 2021, 2024 -> '2019-2021, 2024'."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def export_folder(out: Path) -> Path:
    """An export target: a new or empty folder, or the folder of a previous export."""
    from talentflow.graph.parquet import MANIFEST

    if out.exists() and not out.is_dir():
        raise ArgumentError("--out", f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise ArgumentError(
            "--out", f"{out} is not empty and holds no previous export: choose a new folder"
        )
    return out
