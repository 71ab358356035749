"""Normalisation of author names for the name-origin estimator: the spelling edge cases."""

from __future__ import annotations

import pytest

from talentflow.origin.features import segment_count, token_features
from talentflow.origin.normalise import normalise_name, token_keys


def tokens(name: str) -> tuple[str, ...]:
    return normalise_name(name).tokens


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Wei Wang", "Wang Wei"),  # both name orders
        ("Wei Wang", "Wang, Wei"),  # "Family, Given" as in references
        ("Wei Wang", "WEI WANG"),  # case
        ("Wei Wang", "  Wei   Wang "),  # spacing
        ("José García", "Jose Garcia"),  # diacritics
        ("Tomáš Dvořák", "Tomas Dvorak"),
        ("Çağrı Öztürk", "Cagri Ozturk"),
        ("Nguyễn Văn An", "Nguyen Van An"),
    ],
)
def test_equivalent_spellings_give_the_same_tokens(a: str, b: str) -> None:
    assert tokens(a) == tokens(b)


def test_hyphenated_and_compact_romanisations_share_the_token() -> None:
    hyphen = normalise_name("Wei-Hong Chen")
    compact = normalise_name("Weihong Chen")
    assert hyphen.tokens == compact.tokens == ("chen", "weihong")
    assert hyphen.hyphenated != compact.hyphenated  # the hyphen itself stays a feature
    assert tokens("Jae-min Park") == tokens("Jae-Min Park") == tokens("Jaemin Park")
    assert tokens("Hsin-Ying Lee") == ("hsinying", "lee")


def test_initials_and_suffixes_are_dropped_and_counted() -> None:
    norm = normalise_name("J. R. R. Tolkien")
    assert norm.tokens == ("tolkien",)
    assert norm.initials == 3
    assert normalise_name("J.-P. Sartre").tokens == ("sartre",)
    assert normalise_name("Dylan J Foster").initials == 1
    assert tokens("Martin Luther King Jr.") == ("king", "luther", "martin")
    assert tokens("Henry Ford III") == ("ford", "henry")


def test_names_without_a_usable_token_are_flagged() -> None:
    assert not normalise_name("J. K.").usable
    assert not normalise_name("").usable
    assert not normalise_name("---").usable
    assert normalise_name("Li").usable


def test_apostrophes_and_particles() -> None:
    assert tokens("Seán O'Brien") == tokens("Sean OBrien") == ("obrien", "sean")
    assert tokens("Ludwig van Beethoven") == ("beethoven", "ludwig", "van")


def test_native_scripts_are_transliterated() -> None:
    assert set(tokens("王伟")) <= {"wang", "wei", "wangwei"}
    assert tokens("王伟")  # something usable comes out
    assert tokens("Дмитрий Иванов") == ("dmitrii", "ivanov")


def test_token_keys_mark_hyphenation() -> None:
    keys, initials = token_keys("Seung-Joo Lee")
    assert sorted(keys) == ["lee", "seungjoo-"]
    assert initials == 0


def test_syllable_segmentation() -> None:
    syl = frozenset({"wei", "hong", "we", "i", "hsin", "ying"})
    assert segment_count("weihong", syl) == 2
    assert segment_count("hsinying", syl) == 2
    assert segment_count("smith", syl) == 0
    feats = token_features("weihong-", {"pinyin": syl})
    assert "hyphen" in feats
    assert "seg:pinyin:2" in feats
    assert "w:weihong" in feats
