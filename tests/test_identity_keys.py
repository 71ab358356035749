"""Identity keys: every URL form of a key becomes one key; a broken key becomes none."""

from __future__ import annotations

import pytest

from talentflow.sources.identity_keys import (
    identity_keys,
    normalise_dblp,
    normalise_homepage,
    normalise_linkedin,
    normalise_orcid,
    normalise_scholar,
    orcid_check_digit,
)


@pytest.mark.parametrize(
    "raw",
    [
        "0000-0002-1825-0097",
        "0000000218250097",
        "https://orcid.org/0000-0002-1825-0097",
        "http://orcid.org/0000-0002-1825-0097/",
        "orcid.org/0000-0002-1825-0097",
        "https:// 0000-0002-1825-0097",
        "my-orcid?orcid=0000-0002-1825-0097",
    ],
)
def test_orcid_forms_give_one_key(raw: str) -> None:
    assert normalise_orcid(raw) == "0000-0002-1825-0097"


def test_orcid_check_digit_x_and_lower_case() -> None:
    assert orcid_check_digit("000000021694233") == "X"
    assert normalise_orcid("0000-0002-1694-233x") == "0000-0002-1694-233X"


@pytest.mark.parametrize(
    "raw",
    [
        "0000-0002-1825-0098",  # wrong check digit
        "0000-0000-0000-0000",
        "0000-0002-3357-657",  # a digit short
        "https://www.linkedin.com/in/someone/",
        "my-orcid",
        "",
        None,
    ],
)
def test_orcid_without_a_valid_check_digit_is_no_key(raw: str | None) -> None:
    assert normalise_orcid(raw) is None


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("87/7578", "87/7578"),
        ("177/8902.html", "177/8902"),
        ("https://dblp.org/pid/87/7578.html", "87/7578"),
        ("https://dblp.uni-trier.de/pid/34/2997-13.html", "34/2997-13"),
        ("dblp.org/pid/34/2997-13", "34/2997-13"),
        ("https://dblp.uni-trier.de/pers/hd/a/Arbour:David", "a/Arbour:David"),
        ("https://dblp.org/pers/a/Arbour:David.html", "a/Arbour:David"),
        ("a/Arbour:David.html", "a/Arbour:David"),
        ("21/1048-2%20", "21/1048-2"),
        ("246/3115.htm", "246/3115"),
    ],
)
def test_dblp_forms_give_one_key(raw: str, key: str) -> None:
    assert normalise_dblp(raw) == key


@pytest.mark.parametrize(
    "raw",
    [
        "https://dblp.org/rec/conf/nips/ChoiCN20",  # a paper, not a person
        "https://dblp.org/",
        "SunLLZL19",
        "https://example.org/pid/87/7578",  # not dblp
        "0000-0002-1825-0097",
    ],
)
def test_dblp_that_names_no_person_is_no_key(raw: str) -> None:
    assert normalise_dblp(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "prj0heYAAAAJ",
        "https://scholar.google.com/citations?user=prj0heYAAAAJ&hl=en",
        "https://scholar.google.com.hk/citations?hl=zh-CN&user=prj0heYAAAAJ",
        "scholar.google.de/citations?user=prj0heYAAAAJ&amp;hl=de",
    ],
)
def test_scholar_forms_give_the_user_parameter(raw: str) -> None:
    assert normalise_scholar(raw) == "prj0heYAAAAJ"


@pytest.mark.parametrize(
    "raw",
    ["https://scholar.google.com/citations?hl=en", "https://scholar.google.com/", "abc", ""],
)
def test_scholar_without_a_user_is_no_key(raw: str) -> None:
    assert normalise_scholar(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "https://www.Example.edu/~ada/",
        "http://example.edu/~ada",
        "example.edu/~ada/index.html",
        "https://example.edu/~ada/#papers",
        "https://example.edu/~ada?utm_source=x&hl=en",
    ],
)
def test_homepage_forms_give_one_url(raw: str) -> None:
    assert normalise_homepage(raw) == "example.edu/~ada"


def test_homepage_keeps_a_meaningful_query_and_path_case() -> None:
    url = "https://site.org/People/Ada?id=7&hl=en"
    assert normalise_homepage(url) == "site.org/People/Ada?id=7"


@pytest.mark.parametrize("raw", ["http://", "https://www.xiaowen", "http:// home.edu/~a", ""])
def test_homepage_that_is_no_url_is_no_key(raw: str) -> None:
    assert normalise_homepage(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "david-arbour/",
        "David-Arbour",
        "https://www.linkedin.com/in/david-arbour/?originalSubdomain=us",
        "https://uk.linkedin.com/in/david-arbour",
        "https://www.linkedin.cn/incareer/in/david-arbour",
        "david-arbour/details/experience/",
    ],
)
def test_linkedin_forms_give_the_handle(raw: str) -> None:
    assert normalise_linkedin(raw) == "david-arbour"


@pytest.mark.parametrize(
    "raw",
    ["https://www.linkedin.com/feed/", "https://www.linkedin.com/company/x/", "https://", ""],
)
def test_linkedin_page_that_is_no_member_is_no_key(raw: str) -> None:
    assert normalise_linkedin(raw) is None


def test_identity_keys_lists_what_normalises() -> None:
    keys = identity_keys(
        {
            "orcid": "0000-0002-1825-0098",  # bad check digit: left out
            "dblp": "https://dblp.org/pid/87/7578.html",
            "google_scholar": "prj0heYAAAAJ",
            "homepage": None,
            "linkedin": "david-arbour/",
        }
    )
    assert keys == [
        ("dblp", "87/7578"),
        ("google_scholar", "prj0heYAAAAJ"),
        ("linkedin", "david-arbour"),
    ]
