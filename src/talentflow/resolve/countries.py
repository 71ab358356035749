"""The country an affiliation text states (names alone: `talentflow.normalise.countries`).

``stated_country`` finds the country an affiliation text states,
through a country name, a US state / Canadian province / Chinese province, a
large research city, or a US-style address ("Stanford, CA 94305").

Data: pycountry (ISO 3166), the country aliases of ``normalise/data`` and
``resolve/data/places.csv`` (cities and regions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry
from unidecode import unidecode

from talentflow.normalise.countries import alias_rows, country_code
from talentflow.normalise.reference import data_rows, word_list

# Paper Copilot and others write these for places ISO 3166 treats as their own code.
_SUBDIVISION_COUNTRIES = ("US", "CA", "AU", "CN")
_AU_STATES = (
    "New South Wales",
    "Queensland",
    "South Australia",
    "Western Australia",
    "Tasmania",
    "Northern Territory",
    "Australian Capital Territory",
)
# Ambiguous subdivision names left out of free-text matching.
_SKIP_PLACES = frozenset({"Victoria", "Washington"})
# US state / Canadian province codes in an address ("Stanford, CA 94305"): matched
# case-sensitively after a comma. DE (Delaware) is left out: it is Germany as often.
_US_CODES = list(word_list("talentflow.resolve.data", "us_state_codes.txt"))
_CA_CODES = list(word_list("talentflow.resolve.data", "canada_province_codes.txt"))


@cache
def _place_table() -> dict[str, str]:
    """Place name (as written, accents folded) -> alpha-2, for free-text matching."""
    places: dict[str, str] = {}
    for c in pycountry.countries:
        for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)):
            if n and "," not in n:
                places[unidecode(n)] = c.alpha_2
    for cc in _SUBDIVISION_COUNTRIES:
        for s in pycountry.subdivisions.get(country_code=cc) or []:  # type: ignore[no-untyped-call]
            name = re.sub(
                r"\s+(Sheng|Shi|Zizhiqu|Huizu Zizhiqu|Zhuangzu Zizhiqu|Uygur Zizhiqu)$", "", s.name
            )
            if name in _SKIP_PLACES or "," in name or country_code(name) not in (None, cc):
                continue
            places.setdefault(unidecode(name), cc)
    for n in _AU_STATES:
        places[n] = "AU"
    for alias, code in alias_rows():
        places[unidecode(alias)] = code.strip().upper()
    for place, code in data_rows("talentflow.resolve.data", "places.csv"):
        places[unidecode(place)] = code.strip().upper()
    # Never read a country out of these words: they are also ordinary words or names.
    for word in ("Chad", "Jersey", "Guernsey", "Man", "Georgia", "Jordan", "Niger", "Mali"):
        places.pop(word, None)
    places["Georgia"] = "US"
    return places


@cache
def _place_words() -> tuple[dict[str, str], dict[str, tuple[int, ...]]]:
    """Place names keyed by their words joined by one space, and per first word the
    name lengths (in words) to try, longest first."""
    table = {" ".join(_WORD.findall(k)): v for k, v in _place_table().items()}
    for name, code in list(table.items()):  # 'Microsoft Research, INDIA'
        if len(name) >= 4 and code:
            table.setdefault(name.upper(), code)
    table.pop("", None)
    lengths: dict[str, set[int]] = {}
    for k in table:
        words = k.split(" ")
        lengths.setdefault(words[0], set()).add(len(words))
        if words[0].endswith("."):
            lengths.setdefault(words[0][:-1], set()).add(len(words))
    return table, {w: tuple(sorted(n, reverse=True)) for w, n in lengths.items()}


_WORD = re.compile(r"[A-Za-z][A-Za-z']*\.?|[A-Za-z]\.")
_CODE_RE = re.compile(
    r",\s*(?P<code>"
    + "|".join(_US_CODES + _CA_CODES)
    + r")(?=\s*(?:\d{5}(?:-\d{4})?)?\s*(?:[,;)]|$))"
)


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text: where, what, and its country (None for a region)."""

    start: int
    text: str
    country: str | None


def place_mentions(text: str) -> list[PlaceMention]:
    """Every country, region, state or city named in ``text``, in order.

    Matching is case-sensitive on the names as usually written (Title Case) and
    also on an all-capitals text, so ordinary words ('nice', 'georgia tech' in
    lower case) are not read as places.
    """
    if not text:
        return []
    plain = unidecode(text)
    if plain.isupper():
        plain = plain.title().replace("Usa", "USA").replace("Uk", "UK")
    table, lengths = _place_words()
    out: list[PlaceMention] = []
    words = _WORD.findall(plain)
    starts: list[int] | None = None
    i = 0
    while i < len(words):
        first = words[i]
        tries = lengths.get(first) or lengths.get(first.rstrip("."))
        if not tries:
            i += 1
            continue
        for n in tries:
            if i + n > len(words):
                continue
            key = " ".join(words[i : i + n])
            code = table.get(key)
            if code is None and key.endswith("."):
                code = table.get(key[:-1])
            if code is not None:
                if starts is None:
                    starts = [m.start() for m in _WORD.finditer(plain)]
                out.append(PlaceMention(starts[i], key, code or None))
                i += n
                break
        else:
            i += 1
    if "," in plain:
        # 'IL' is Illinois or Israel, 'IN' Indiana or India: a code that is the ISO code of a
        # country named beside it ('Haifa, IL') is that country; otherwise a US state or a
        # Canadian province ('Rome, NY', 'Toronto, ON', 'Burnaby, BC, CA').
        named = {m.country for m in out if m.country}
        previous: str | None = None
        for m in _CODE_RE.finditer(plain):
            code = m.group("code")
            if code in named:
                country = code
            elif code in _CA_CODES or (code == "CA" and previous in _CA_CODES):
                country = "CA"
            else:
                country = "US"
            previous = code
            out.append(PlaceMention(m.start("code"), code, country))
        out.sort(key=lambda m: m.start)
    return out


def stated_country(text: str) -> str | None:
    """The country an affiliation states, or None.

    The last place named wins ("New York University Abu Dhabi" -> AE,
    "University of Western Ontario, London, Ontario" -> CA); a region name
    ("Naver Labs Europe") names no country.
    """
    mentions = place_mentions(text)
    for m in reversed(mentions):
        if m.country:
            return m.country
        # A trailing region ('... Europe') means the text locates itself only vaguely.
        return None
    return None
