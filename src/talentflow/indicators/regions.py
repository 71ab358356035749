"""Region groupings used to compare with published figures.

The Global AI Talent Tracker reports the US, China, Canada and the UK on their own and
"Europe" for the rest of Europe (the EU, EEA and Switzerland, without the UK); every
other country is its own region here.
"""

from __future__ import annotations

from talentflow.normalise.reference import word_list

EUROPE_EXCL_UK: frozenset[str] = frozenset(
    word_list("talentflow.indicators.data", "europe_excl_uk.txt")
)


def region_of(country: str) -> str:
    """``Europe`` for a European country other than the UK, else the code itself.

    >>> region_of("DE"), region_of("GB"), region_of("US")
    ('Europe', 'GB', 'US')
    """
    return "Europe" if country in EUROPE_EXCL_UK else country
