"""Person-name normalisation: real spellings from the mirror and bad input."""

from __future__ import annotations

import pytest

from talentflow.resolve.names import (
    canonical_surname,
    hangul_to_latin,
    middles_compatible,
    parse_name,
)


@pytest.mark.parametrize(
    ("raw", "given", "family"),
    [
        ("Vincent Y. F. Tan", ("vincent", "y", "f"), "tan"),
        ("Dr. Xiao-Ming  WANG", ("xiaoming",), "wang"),
        ("Prof. Dr. Bernhard Schölkopf", ("bernhard",), "scholkopf"),
        ("Smith, John", ("john",), "smith"),
        ("JOHN SMITH", ("john",), "smith"),
        ("WANG Wei", ("wei",), "wang"),
        ("Laurens van der Maaten", ("laurens",), "vandermaaten"),
        ("Chris Callison-Burch", ("chris",), "callisonburch"),
        ("TianqiWu", ("tianqi",), "wu"),
        ("Martin Luther King Jr.", ("martin", "luther"), "king"),
        ("&Eacute;douard Grave", ("edouard",), "grave"),
        ("Stéphan Clémen\\c{c}on", ("stephan",), "clemencon"),
        ("Jakub \\L{}ącki", ("jakub",), "lacki"),
        ("Jos\\'{e} Hern\\'andez", ("jose",), "hernandez"),
        ("Maximilian L. Ach,", ("maximilian", "l"), "ach"),
    ],
)
def test_parse_name_normalises(raw: str, given: tuple[str, ...], family: str) -> None:
    p = parse_name(raw)
    assert p.quality == "full", p
    assert (p.given, p.family) == (given, family)


def test_order_hyphenation_and_spacing_share_a_key() -> None:
    keys = {parse_name(n).key_concat for n in ("Xiaoming Wang", "Xiao-Ming Wang", "Wang Xiaoming")}
    assert keys == {"wang|xiaoming"}
    assert parse_name("Xiao Ming Wang").key_concat == "wang|xiaoming"
    # Middle initials do not change the first-name key.
    assert parse_name("Vincent Tan").key_first == parse_name("Vincent Y. F. Tan").key_first


def test_syllables_that_look_like_particles_stay_given_names() -> None:
    # "Bin" and "Le" are particles in "Ahmad bin Abdullah" and "Jean Le Gall", but given-name
    # syllables in Chinese and Korean names, spelt spaced or in CamelCase.
    for raw in ("Hong Bin Wang", "HongBin Wang", "Hongbin Wang"):
        assert parse_name(raw).family == "wang", raw
        assert parse_name(raw).key_concat == "hongbin|wang", raw
    assert parse_name("JiaLe Han").key_concat == parse_name("Jiale Han").key_concat
    assert parse_name("YoungBin Kim").family == "kim"
    assert parse_name("Jean Le Gall").family == "legall"
    assert parse_name("Ahmad bin Abdullah").family == "binabdullah"
    assert parse_name("Nicola De Cao").family == "decao"


def test_initial_key_meets_initials_and_full_names() -> None:
    keys = {parse_name(n).key_initial for n in ("C. Brooks", "Christopher Brooks", "Brooks, C.")}
    assert keys == {"c|brooks"}
    assert parse_name("D.J. Stilwell").key_initial == "d|stilwell"
    assert parse_name("Jaehyun Rhee").key_initial == "j|lee"  # romanisation variants too
    assert parse_name("Dr.").key_initial == ""  # unresolved
    assert middles_compatible(["yf"], ["y"]) and middles_compatible([], ["a"])
    assert not middles_compatible(["a"], ["b"])


def test_korean_surname_variants_share_a_key() -> None:
    assert canonical_surname("rhee") == canonical_surname("yi") == "lee"
    assert parse_name("Jaehyun Rhee").key_concat == parse_name("Jaehyun Lee").key_concat
    assert parse_name("Jaehyun Lee").family == "lee"  # display keeps the source's spelling
    assert parse_name("Jaehyun Rhee").family == "rhee"


def test_hangul_is_romanised_family_name_first() -> None:
    assert hangul_to_latin("김철수") == ("cheolsu", "kim")
    p = parse_name("박지성")
    assert (p.given, p.family, p.quality, p.script) == (("jiseong",), "park", "full", "hangul")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        (None, "empty"),
        ("   ", "empty"),
        ("Mausam", "single token"),
        ("WEIWENBO", "single token"),
        ("Dr.", "single token"),
        (")*", "no letters"),
        ("Shin&#x27", "single token"),
        ("書緯 呂", "CJK ideographs (reading ambiguous)"),
        ("山田太郎", "CJK ideographs (reading ambiguous)"),
        ("김", "Hangul single syllable"),
        ("ya Yamaguchi, Sekitoshi Kanai, Kazuki Adachi", "several names in one field"),
        ("Yann LeCun and Yoshua Bengio", "several names in one field"),
        ("Wang W", "family name is an initial"),
    ],
)
def test_bad_names_are_explicitly_unresolved(raw: str | None, reason: str) -> None:
    p = parse_name(raw)
    assert p.quality == "unresolved"
    assert p.reason == reason
    assert p.key_concat == "" and p.key_first == "" and p.normalised == ""


@pytest.mark.parametrize("raw", ["J. H. Lee", "J.H. Lee", "A. Mohri", "J LEE"])
def test_initials_only_names_are_marked(raw: str) -> None:
    p = parse_name(raw)
    assert p.quality == "initials"
    assert p.family in ("lee", "mohri")


def test_all_caps_and_titles_do_not_change_identity() -> None:
    a, b = parse_name("DR. YANN LECUN"), parse_name("Yann LeCun")
    assert a.normalised == b.normalised == "yann lecun"
