"""Country names and codes: the one place where a country value becomes ISO 3166-1 alpha-2.

Shared by ingest (paper lists, OpenReview profiles, career CSVs), matching, labour and
display. ``country_code`` normalises a country name, alias or code ("USA", "UK", "Korea",
"P.R. China", "Türkiye", "DE") to an alpha-2 code; finding a country inside a free
text (an affiliation, a job location) is the job of ``resolve/countries.py`` and
``normalise/places.py``, which use this module for the names themselves.

Data: pycountry (ISO 3166) plus ``normalise/data/country_aliases.csv`` (names pycountry
lacks; empty code = a region such as "Europe" that names no country).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pycountry
from unidecode import unidecode

from talentflow.normalise.reference import data_rows


def alias_rows() -> Iterator[list[str]]:
    """``(alias, iso2)`` rows of ``country_aliases.csv`` (iso2 empty for a region)."""
    yield from data_rows("talentflow.normalise.data", "country_aliases.csv")


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for lookups: 'Türkiye' -> 'turkiye'."""
    return re.sub(r"[^a-z0-9]+", " ", unidecode(text).lower()).strip()


@cache
def _name_table() -> dict[str, str]:
    """Folded country name or alias -> alpha-2 ('' for regions naming no country)."""
    table: dict[str, str] = {}
    for c in pycountry.countries:
        names = [c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)]
        if ", " in c.name:  # "Korea, Republic of" -> "Republic of Korea"
            head, tail = c.name.split(", ", 1)
            names.append(f"{tail} {head}")
        for n in names:
            if n:
                table.setdefault(fold(n), c.alpha_2)
    for alias, code in alias_rows():
        table[fold(alias)] = code.strip().upper()
    return table


def country_code(value: str | None, *, lenient: bool = False) -> str | None:
    """Normalise a country name, alias or alpha-2/alpha-3 code to ISO alpha-2.

    Returns None for an empty, unknown or region-only value ('Europe', 'Unknown').
    ``lenient`` (career CSVs, whose country column is often a code already) also keeps
    an unknown two-letter code as written, upper-cased ('xk' -> 'XK'), and accepts what
    pycountry's ``lookup`` knows beyond names and letter codes (numeric codes: '276').

    >>> country_code("P.R. China"), country_code("UK"), country_code("Korea")
    ('CN', 'GB', 'KR')
    """
    if not value:
        return None
    text = value.strip()
    if not text:
        return None
    code = _known_code(text)
    if code or not lenient:
        return code
    if len(text) == 2 and text.isalpha():
        return text.upper()
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        return None


def _known_code(text: str) -> str | None:
    code = _name_table().get(fold(text))
    if code is not None:
        return code or None
    if len(text) in (2, 3) and text.isalpha():
        found = (
            pycountry.countries.get(alpha_2=text.upper())
            if len(text) == 2
            else pycountry.countries.get(alpha_3=text.upper())
        )
        if found is not None:
            return str(found.alpha_2)
        if text.upper() == "UK":
            return "GB"
    return None


def country_name(code: str | None) -> str | None:
    """Display name of an alpha-2 code ('KR' -> 'South Korea')."""
    if not code:
        return None
    found = pycountry.countries.get(alpha_2=code.upper())
    if found is None:
        return None
    return str(getattr(found, "common_name", None) or found.name)
