"""Reading countries out of job-posting locations (``places.json``, data not code).

English place names match as whole words (short codes such as ``NYC``, ``UK`` or a
US state after a comma only in capitals, so "us" or "in" never count); Chinese
names match as substrings (``北京市海淀区`` -> CN). Hong Kong (HK) and Singapore
(SG) are their own codes. The gazetteer is small and aimed at tech hiring (its cities
and spellings); other countries are named from pycountry's ISO 3166-1 list (case
matters there, and names that are also words, "Georgia" or "Jersey", are left out).
A location it does not know gives no country, and is counted as unknown.

>>> countries_in("Oslo, Norway | Onsite")
['NO']
>>> countries_in("Remote (US) or Pittsburgh, PA")
['US']
>>> countries_in("上海, 新加坡")
['CN', 'SG']
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = (
        resources.files("talentflow.normalise").joinpath("data", "places.json").read_text("utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


# country names that are also common words, people's or US states' names
_AMBIGUOUS_COUNTRY_NAMES = {"Georgia", "Jersey", "Guernsey", "Chad", "Jordan"}


def _other_countries() -> list[tuple[str, str]]:
    """Every other country of ISO 3166-1 (pycountry), by its plain English names
    ("Madagascar", "North Macedonia"); names with commas or brackets are left out."""
    import pycountry

    out = []
    for country in pycountry.countries:
        for name in {country.name, getattr(country, "common_name", None)}:
            if name and not re.search(r"[,()]", name) and name not in _AMBIGUOUS_COUNTRY_NAMES:
                out.append((name, str(country.alpha_2)))
    return out


_Patterns = tuple[
    dict[str, list[tuple[re.Pattern[str], str]]],
    list[tuple[re.Pattern[str], str]],
    list[tuple[str, str]],
]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    """English name patterns keyed by their first word (lower case), so that a text is only
    searched for the names whose first word it contains; patterns without such a key (US
    state codes after a comma or a city); Chinese names."""
    d = _data()
    english: list[tuple[str, re.Pattern[str], str]] = []
    for group in ("countries", "cities"):
        for code, names in d[group].items():
            for name in names:
                flags = 0 if len(name.replace(".", "")) <= 3 else re.IGNORECASE
                pattern = re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])", flags)
                english.append((name, pattern, code))
    known = {name for names in d["countries"].values() for name in names}
    for name, code in _other_countries():
        if name not in known:
            english.append((name, re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])"), code))
    for name in d["us_state_names"]:
        english.append((name, re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE), "US"))
    by_word: dict[str, list[tuple[re.Pattern[str], str]]] = {}
    for name, pattern, code in english:
        by_word.setdefault(re.findall(r"\w+", name.lower())[0], []).append((pattern, code))
    states = "|".join(d["us_state_codes"])
    always = [(re.compile(rf"(?:,\s*|\b[A-Z][a-z]+\s)(?:{states})\b(?![a-z])"), "US")]
    chinese = [(name, code) for code, names in d["chinese"].items() for name in names]
    return by_word, always, chinese


def countries_in(location: str) -> list[str]:
    """ISO 3166-1 alpha-2 codes named in a location text, in order of first mention."""
    return list(_countries_in(location)) if location else []


@lru_cache(maxsize=65536)
def _countries_in(location: str) -> tuple[str, ...]:
    by_word, always, chinese = _patterns()
    # a name that matches starts at a word boundary, so its first word is a word of the text
    words = set(re.findall(r"\w+", location.lower()))
    english = [pc for w in words if w in by_word for pc in by_word[w]] + always
    found: dict[str, int] = {}
    for pattern, code in english:
        m = pattern.search(location)
        if m and (code not in found or m.start() < found[code]):
            found[code] = m.start()
    for name, code in chinese:
        pos = location.find(name)
        if pos >= 0 and (code not in found or pos < found[code]):
            found[code] = pos
    return tuple(c for c, _ in sorted(found.items(), key=lambda kv: kv[1]))


def is_remote(location: str) -> bool:
    """Whether a location text offers remote work."""
    low = location.lower()
    return any(w in low for w in _data()["remote_words"])
