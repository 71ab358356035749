"""One country normaliser (talentflow.normalise.countries) for every caller.

The cases are the union of what the four former normalisers were tested or relied on
for (resolve/countries, sources/career_entries.iso_country, careers/csv_loader's
normalise_country, normalise/places); ``lenient`` is the career CSV's reading.
"""

from __future__ import annotations

import pytest

from talentflow.normalise.countries import country_code, country_name

CASES = [
    # value, strict (paper lists, profiles, labour), lenient (career CSVs)
    ("USA", "US", "US"),
    ("UK", "GB", "GB"),
    ("Korea", "KR", "KR"),
    ("Republic of Korea", "KR", "KR"),
    ("Korea, Republic of", "KR", "KR"),
    ("P.R. China", "CN", "CN"),
    ("PRC", "CN", "CN"),
    ("mainland china", "CN", "CN"),
    ("Türkiye", "TR", "TR"),
    ("Côte d'Ivoire", "CI", "CI"),
    ("Viet Nam", "VN", "VN"),
    ("Deutschland", "DE", "DE"),
    ("Scotland", "GB", "GB"),
    ("Holland", "NL", "NL"),
    ("UAE", "AE", "AE"),
    ("Czech Republic", "CZ", "CZ"),
    ("Macao", "MO", "MO"),
    (" United States ", "US", "US"),
    ("DE", "DE", "DE"),
    ("deu", "DE", "DE"),
    # regions and placeholders name no country
    ("Europe", None, None),
    ("Asia", None, None),
    ("Unknown", None, None),
    ("N/A", None, None),
    ("", None, None),
    ("   ", None, None),
    (None, None, None),
    # a career CSV's country column is often a code already: kept as written
    ("XK", None, "XK"),
    ("xx", None, "XX"),
    ("EU", None, "EU"),
    ("276", None, "DE"),
]


@pytest.mark.parametrize(("value", "strict", "lenient"), CASES)
def test_country_code(value: str | None, strict: str | None, lenient: str | None) -> None:
    assert country_code(value) == strict
    assert country_code(value, lenient=True) == lenient


def test_country_name_is_the_common_name() -> None:
    assert country_name("KR") == "South Korea"
    assert country_name("xx") is None
    assert country_name(None) is None


def test_one_country_normaliser() -> None:
    # the former copies are gone: every caller imports this module's function
    import talentflow.careers.csv_loader as csv_loader
    import talentflow.normalise.places as places
    import talentflow.sources.career_entries as career_entries

    assert not hasattr(career_entries, "iso_country")
    assert not hasattr(csv_loader, "normalise_country")
    assert not hasattr(places, "country_code")
    assert csv_loader.country_code is country_code
