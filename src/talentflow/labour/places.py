"""Reading countries out of job-posting locations (``places.json``, data not code).

English place names match as whole words (short codes such as ``NYC``, ``UK`` or a
US state after a comma only in capitals, so "us" or "in" never count); Chinese
names match as substrings (``北京市海淀区`` -> CN). Hong Kong (HK) and Singapore
(SG) are their own codes. The gazetteer is small and aimed at tech hiring: a
location it does not know gives no country, and is counted as unknown.

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
    text = resources.files("talentflow.labour").joinpath("places.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[tuple[re.Pattern[str], str]], list[tuple[str, str]]]:
    d = _data()
    english: list[tuple[re.Pattern[str], str]] = []
    for group in ("countries", "cities"):
        for code, names in d[group].items():
            for name in names:
                flags = 0 if len(name.replace(".", "")) <= 3 else re.IGNORECASE
                english.append((re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])", flags), code))
    for name in d["us_state_names"]:
        english.append((re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE), "US"))
    states = "|".join(d["us_state_codes"])
    english.append((re.compile(rf"(?:,\s*|\b[A-Z][a-z]+\s)(?:{states})\b(?![a-z])"), "US"))
    chinese = [(name, code) for code, names in d["chinese"].items() for name in names]
    return english, chinese


def countries_in(location: str) -> list[str]:
    """ISO 3166-1 alpha-2 codes named in a location text, in order of first mention."""
    if not location:
        return []
    english, chinese = _patterns()
    found: dict[str, int] = {}
    for pattern, code in english:
        m = pattern.search(location)
        if m and (code not in found or m.start() < found[code]):
            found[code] = m.start()
    for name, code in chinese:
        pos = location.find(name)
        if pos >= 0 and (code not in found or pos < found[code]):
            found[code] = pos
    return [c for c, _ in sorted(found.items(), key=lambda kv: kv[1])]


def country_code(name: str | None) -> str | None:
    """One country name (e.g. a paper list's ``United States``) -> ISO code, else None."""
    if not name:
        return None
    if re.fullmatch(r"[A-Z]{2}", name.strip()):
        return name.strip()
    found = countries_in(name)
    return found[0] if len(found) == 1 else None


def is_remote(location: str) -> bool:
    """Whether a location text offers remote work."""
    low = location.lower()
    return any(w in low for w in _data()["remote_words"])
