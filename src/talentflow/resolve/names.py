"""Person-name normalisation, declared once and shared by ingest, matching and display.

``parse_name`` turns a name as a source gave it into a :class:`ParsedName`: ASCII-folded
lower-case tokens split into given names and a family name, middle initials, and the
blocking keys used to find candidate mentions of the same person. Names that carry too
little to link safely are returned with ``quality == "unresolved"`` and a reason, never
raised as errors, so one bad record cannot stop a build.

>>> p = parse_name("Dr. Xiao-Ming  WANG")
>>> (p.given, p.family, p.key_concat, p.quality)
(('xiaoming',), 'wang', 'wang|xiaoming', 'full')
>>> parse_name("J. H. Lee").quality
'initials'
>>> parse_name("Mausam").reason
'single token'
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from unidecode import unidecode

from talentflow.normalise.reference import word_list

__all__ = [
    "ParsedName",
    "canonical_surname",
    "fold_transliterations",
    "hangul_to_latin",
    "is_korean_surname",
    "middles_compatible",
    "parse_name",
    "transliterated_spellings",
]

# Titles and honorifics dropped wherever they stand; suffixes dropped at the end.
_TITLES = frozenset(word_list("talentflow.resolve.data", "name_titles.txt"))
_SUFFIXES = frozenset(word_list("talentflow.resolve.data", "name_suffixes.txt"))
# Particles kept inside the family name ("van der Maaten" -> "vandermaaten").
_PARTICLES = frozenset(word_list("talentflow.resolve.data", "name_particles.txt"))

# Romanisation variants of the same Korean (and a few Chinese) family names; matching treats
# them as one family name, display keeps what the source wrote.
_SURNAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "lee": ("yi", "rhee", "ri", "rhie", "lie"),
    "park": ("pak", "bak", "bag", "pack"),
    "choi": ("choe", "coe", "chey"),
    "jung": ("jeong", "chung", "joung", "cheong", "jeung"),
    "kim": ("gim", "ghim"),
    "kang": ("gang",),
    "cho": ("jo", "joe"),
    "yoon": ("yun", "youn"),
    "lim": ("im", "rim", "yim"),
    "shin": ("sin", "shinn"),
    "kwon": ("gwon", "kweon"),
    "ahn": ("an",),
    "yoo": ("ryu", "ryoo", "yu", "you"),
    "ko": ("go", "koh"),
    "oh": ("o",),
    "seo": ("suh", "seoh"),
    "noh": ("no", "roh", "ro"),
    "baek": ("paik", "paek", "baik"),
    "hwang": ("whang",),
    "jang": ("chang",),
    "moon": ("mun",),
    "song": ("soung",),
    "hong": ("houng",),
    "jeon": ("jun", "chun", "chon", "cheon"),
    "shim": ("sim",),
}
_SURNAME_CANON: dict[str, str] = {
    v: k for k, variants in _SURNAME_VARIANTS.items() for v in (k, *variants)
}

# LaTeX accent commands: \'{e}, \"o, \v{c}, \c c ... -> the bare letter (ASCII folding follows).
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHcdbrtk]\s*\{?\\?([A-Za-z])\}?")
_LATEX_LETTERS = {
    r"\ss": "ss",
    r"\o": "o",
    r"\O": "O",
    r"\l": "l",
    r"\L": "L",
    r"\aa": "a",
    r"\AA": "A",
    r"\ae": "ae",
    r"\AE": "AE",
    r"\oe": "oe",
    r"\i": "i",
}
_LATEX_LETTER = re.compile(r"\\(ss|aa|AA|ae|AE|oe|[oOlLi])(?![A-Za-z])")
_LATEX_OTHER = re.compile(r"\\[A-Za-z]+|[{}\\]")
_BROKEN_ENTITY = re.compile(r"&#?[A-Za-z0-9]+;?")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_INITIALS_RUN = re.compile(r"^(?:[A-Za-z]\.){2,}[A-Za-z]?\.?$")
_NON_LETTER = re.compile(r"[^a-z]+")

_HAN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class ParsedName:
    """A normalised person name.

    ``given`` and ``family`` are ASCII, lower-case, with hyphens and particles joined
    ("Xiao-Ming" -> "xiaoming"); a one-letter token is an initial. ``key_concat`` (all full
    given names joined, with the family name) and ``key_first`` (first given name or initial,
    with the family name) are order-insensitive, so "Wang Wei" and "Wei Wang" share them.
    ``quality`` is ``full``, ``initials`` (given names are initials only) or ``unresolved``
    (with ``reason``): an unresolved name is never linked to anyone by name.
    """

    raw: str
    given: tuple[str, ...]
    family: str
    quality: str
    reason: str = ""
    script: str = "latin"

    @cached_property
    def family_canon(self) -> str:
        return canonical_surname(self.family)

    @cached_property
    def full_given(self) -> tuple[str, ...]:
        return tuple(g for g in self.given if len(g) > 1)

    @cached_property
    def middle_initials(self) -> str:
        """Initials of the given names after the first ("vincent y f tan" -> "yf")."""
        return "".join(g[0] for g in self.given[1:])

    @cached_property
    def normalised(self) -> str:
        """Given names then family name, space-separated ("" when unresolved)."""
        if self.quality == "unresolved":
            return ""
        return " ".join((*self.given, self.family))

    @cached_property
    def key_concat(self) -> str:
        if self.quality == "unresolved":
            return ""
        given = "".join(self.full_given) or "".join(self.given)
        return "|".join(sorted((given, self.family_canon)))

    @cached_property
    def key_first(self) -> str:
        if self.quality == "unresolved" or not self.given:
            return ""
        return "|".join(sorted((self.given[0], self.family_canon)))

    @cached_property
    def key_initial(self) -> str:
        """First initial and family name ("c|brooks"): the key under which the second pass
        joins "C. Brooks" to "Christopher Brooks" ("" when unresolved)."""
        if self.quality == "unresolved" or not self.given:
            return ""
        return f"{self.given[0][0]}|{self.family_canon}"

    @property
    def display(self) -> str:
        """The source spelling with entities and LaTeX resolved and spaces collapsed."""
        return _clean(self.raw)


def middles_compatible(a: Collection[str], b: Collection[str]) -> bool:
    """Whether two sets of middle initials can be one person's ("yf" and "y" can, "a" and
    "b" cannot; an empty set agrees with anything)."""
    if not a or not b:
        return True
    return any(x.startswith(y) or y.startswith(x) for x in a for y in b)


def canonical_surname(family: str) -> str:
    """One spelling for romanisation variants of a family name ("rhee", "yi" -> "lee")."""
    return _SURNAME_CANON.get(family, family)


# --- Hangul: Revised Romanisation by jamo, family name first --------------------------------

_RR_INITIAL = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_RR_MEDIAL = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_RR_FINAL = [
    "",
    *[
        "k",
        "k",
        "k",
        "n",
        "n",
        "n",
        "t",
        "l",
        "k",
        "m",
        "l",
        "l",
        "l",
        "p",
        "l",
        "m",
        "p",
        "p",
        "t",
        "t",
        "ng",
        "t",
        "t",
        "k",
        "t",
        "p",
        "t",
    ],
]
# Conventional spellings of common one-syllable Korean family names.
_KOREAN_SURNAMES = {
    "김": "kim", "이": "lee", "박": "park", "최": "choi", "정": "jung", "강": "kang",
    "조": "cho", "윤": "yoon", "장": "jang", "임": "lim", "한": "han", "오": "oh",
    "서": "seo", "신": "shin", "권": "kwon", "황": "hwang", "안": "ahn", "송": "song",
    "류": "ryu", "유": "yoo", "전": "jeon", "홍": "hong", "고": "ko", "문": "moon",
    "양": "yang", "손": "son", "배": "bae", "백": "baek", "허": "heo", "남": "nam",
    "심": "shim", "노": "noh", "하": "ha", "곽": "kwak", "성": "sung", "차": "cha",
    "주": "joo", "우": "woo", "구": "koo", "민": "min", "진": "jin", "지": "ji",
}  # fmt: skip


def _syllable(ch: str) -> str:
    code = ord(ch) - 0xAC00
    initial, rest = divmod(code, 21 * 28)
    medial, final = divmod(rest, 28)
    head = _RR_INITIAL[initial].replace("-", "")
    return head + _RR_MEDIAL[medial] + _RR_FINAL[final]


def hangul_to_latin(text: str) -> tuple[str, str]:
    """Romanise a Hangul name written family-name first: (given, family).

    >>> hangul_to_latin("김철수")
    ('cheolsu', 'kim')
    """
    syllables = [c for c in text if _HANGUL.match(c)]
    if not syllables:
        return "", ""
    family = _KOREAN_SURNAMES.get(syllables[0], _syllable(syllables[0]))
    given = "".join(_syllable(c) for c in syllables[1:])
    return given, family


_KOREAN_CANON = frozenset(canonical_surname(f) for f in _KOREAN_SURNAMES.values())


def is_korean_surname(family: str) -> bool:
    """Whether a family name is (a romanisation of) a common Korean one ("rhee", "gim").

    Some are Chinese family names too ("yang", "song"): callers use this only to be more
    careful, never to claim an origin.
    """
    return canonical_surname(family) in _KOREAN_CANON


# --- Latin-script parsing -------------------------------------------------------------------


_PLAIN = re.compile(r"^[A-Za-z .'\-]*$")


def _clean(raw: str) -> str:
    if _PLAIN.match(raw):  # the common case: nothing to unescape or fold
        return " ".join(raw.split())
    text = html.unescape(raw)
    text = _BROKEN_ENTITY.sub("", text)
    text = _LATEX_LETTER.sub(lambda m: _LATEX_LETTERS["\\" + m.group(1)], text)
    text = _LATEX_ACCENT.sub(r"\1", text)
    text = _LATEX_OTHER.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())


def _tokens(text: str) -> list[str]:
    """Split into name tokens; initials runs ("J.H.") become one token per initial."""
    out: list[str] = []
    for part in re.split(r"[\s]+", text):
        if not part:
            continue
        if _INITIALS_RUN.match(part):
            out.extend(c for c in part if c.isalpha())
            continue
        for piece in part.split("."):
            if piece.strip("-'’"):
                out.append(piece)
    return out


# Particles that are also Chinese or Korean syllables: "Jia Le Han", "Hong Bin Wang".
_SYLLABLE_PARTICLES = frozenset(["bin", "le", "da", "de", "du", "di", "la", "zu"])


@lru_cache(maxsize=1)
def _east_asian_syllables() -> frozenset[str]:
    """Pinyin and Korean syllables (the origin model's inventories); empty without it."""
    from talentflow.errors import TalentflowError
    from talentflow.origin.model import load_tables

    try:
        tables = load_tables()
    except TalentflowError:
        return frozenset()
    inventories = dict(
        zip(tables["inventory_names"].tolist(), tables["inventories"].tolist(), strict=True)
    )
    syllables = set(inventories["pinyin"].split()) | set(inventories["korean"].split())
    # Interjections without a vowel ("n", "m", "hng") are no name syllables.
    return frozenset(x for x in syllables if re.search("[aeiouy]", x))


def _syllable_not_particle(low: str, glued: set[str], others: list[str]) -> bool:
    """Whether a would-be particle is a given-name syllable: part of a CamelCase given name
    ("YoungBin Kim"; the family name "LeCun" keeps its particle), or a Chinese/Korean
    syllable between one-syllable tokens ("Xue Bin Peng", "Jin Da Tan"; "Elena De Momi"
    and "Jean Le Gall" keep their particle). ``glued`` are the later parts of CamelCase
    tokens before the last; ``others`` the name's other tokens."""
    if low in glued:
        return True
    if low not in _SYLLABLE_PARTICLES or len(others) < 2:
        return False
    syllables = _east_asian_syllables()
    return all(t in syllables for t in others)


def _fold(token: str) -> str:
    return _NON_LETTER.sub("", (token if token.isascii() else unidecode(token)).lower())


# Letters whose transliteration writes a second letter (German ü -> ue; Danish,
# Norwegian ø -> oe, å -> aa), where the letter alone folds to one (ü -> u).
_DIGRAPHS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ø": "oe", "Ø": "Oe"}
    | {"å": "aa", "Å": "Aa"}
)
_DIGRAPH_LETTER = re.compile("[äöüÄÖÜøØåÅ]")


def transliterated_spellings(parsed: Sequence[ParsedName]) -> dict[str, str]:
    """Name tokens written with a digraph (``juergen``) -> the token as its letter folds
    (``jurgen``), for the tokens spelled with the letter somewhere in ``parsed``.

    >>> transliterated_spellings([parse_name("Jürgen Schmidhuber")])
    {'juergen': 'jurgen'}
    """
    out: dict[str, str] = {}
    for p in parsed:
        if p.quality == "unresolved" or not _DIGRAPH_LETTER.search(p.raw):
            continue
        for token in _tokens(_clean(p.raw)):
            if _DIGRAPH_LETTER.search(token):
                digraph, letter = _fold(token.translate(_DIGRAPHS)), _fold(token)
                if digraph != letter:
                    out[digraph] = letter
    return out


def fold_transliterations(parsed: Sequence[ParsedName]) -> list[ParsedName]:
    """``parsed`` with the digraph spellings of the tokens some name writes with the letter
    folded like the letter: "Juergen Schmidhuber" gets the name keys of "Jürgen
    Schmidhuber" (and "Jurgen Schmidhuber"). Only spellings the names attest are folded,
    so "Michael" or the syllable "Yue" stay as they are unless a name writes "Michäl"."""
    variants = transliterated_spellings(parsed)

    def fold(p: ParsedName) -> ParsedName:
        given = tuple(variants.get(g, g) for g in p.given)
        family = variants.get(p.family, p.family)
        if (given, family) == (p.given, p.family):
            return p
        return replace(p, given=given, family=family)

    return [fold(p) for p in parsed] if variants else list(parsed)


def _unresolved(raw: str, reason: str, script: str = "latin") -> ParsedName:
    return ParsedName(raw, (), "", "unresolved", reason, script)


@lru_cache(maxsize=1_000_000)
def parse_name(raw: str | None) -> ParsedName:
    """Normalise one author name as a source gave it (never raises)."""
    raw = raw or ""
    text = _clean(raw)
    if not text:
        return _unresolved(raw, "empty")
    if _HAN.search(text):
        # Han characters read differently in Chinese and Japanese: no safe romanisation.
        return _unresolved(raw, "CJK ideographs (reading ambiguous)", "cjk")
    if _HANGUL.search(text):
        k_given, k_family = hangul_to_latin(text)
        if not k_given or not k_family:
            return _unresolved(raw, "Hangul single syllable", "hangul")
        return ParsedName(raw, (k_given,), k_family, "full", "", "hangul")
    if text.count(",") > 1 or text.count(";") or " and " in text.lower():
        return _unresolved(raw, "several names in one field")
    text = text.strip(" ,")
    family_first = False
    if "," in text:
        last, _, first = text.partition(",")
        text = last if first.strip().lower().strip(".") in _SUFFIXES else f"{first} {last}"
    raw_tokens = [t for t in _tokens(_CAMEL.sub(" ", text)) if t.lower().strip(".") != ""]
    # Drop titles and suffixes.
    kept: list[str] = []
    for i, t in enumerate(raw_tokens):
        low = t.lower().strip(".")
        if low in _TITLES and i < len(raw_tokens) - 1:
            continue
        if low in _SUFFIXES and i > 0:
            continue
        kept.append(t)
    # "WANG Wei": an all-capital token in a mixed-case name is the family name.
    caps = [i for i, t in enumerate(kept) if len(t) > 1 and t.isupper()]
    if caps and len(caps) < len(kept) and caps[0] == 0 and len(kept) == 2:
        family_first = True
    # Join particles into the family name.
    glued: set[str] | None = None  # computed only when a particle turns up
    folded: list[str] = []
    i = 0
    while i < len(kept):
        tok = kept[i]
        low = _fold(tok)
        if low in _PARTICLES and 0 < i < len(kept) - 1 and not family_first and glued is None:
            unsplit = _tokens(text)
            glued = {_fold(p) for t in unsplit[:-1] for p in _CAMEL.sub(" ", t).split()[1:]}
        if (
            low in _PARTICLES
            and 0 < i < len(kept) - 1
            and not family_first
            and not _syllable_not_particle(
                low, glued or set(), [_fold(t) for j, t in enumerate(kept) if j != i]
            )
        ):
            folded.append(low + "".join(_fold(t) for t in kept[i + 1 :]))
            break
        if low:
            folded.append(low)
        i += 1
    if not folded:
        return _unresolved(raw, "no letters")
    if len(folded) == 1:
        return _unresolved(raw, "single token")
    family: str = folded[0] if family_first else folded[-1]
    given: tuple[str, ...] = tuple(folded[1:]) if family_first else tuple(folded[:-1])
    if len(family) == 1:
        return _unresolved(raw, "family name is an initial")
    quality = "full" if any(len(g) > 1 for g in given) else "initials"
    return ParsedName(raw, given, family, quality)
