"""Turn an author name as written into the tokens the estimator reads.

One place for every spelling question: diacritics (``Tomáš`` -> ``tomas``),
both name orders (``Wang, Wei`` and ``Wei Wang`` give the same tokens: the
estimator is order-free), hyphenated and compact romanisations (``Wei-Hong``
and ``Weihong`` both give ``weihong``, the hyphen kept as a flag), initials
(``J.``, ``J.R.``) and suffixes (``Jr``, ``III``) dropped, and names in
Chinese characters or Hangul transliterated.

>>> normalise_name("Hsin-Ying  Lee").tokens
('hsinying', 'lee')
>>> normalise_name("Lee, Hsin-Ying").tokens
('hsinying', 'lee')
>>> normalise_name("J. R. R. Tolkien").tokens, normalise_name("J. R. R. Tolkien").initials
(('tolkien',), 3)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unidecode import unidecode

#: Tokens that say nothing about origin (suffixes, titles).
STOP_TOKENS = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "phd", "dr", "prof", "md", "mr", "mrs", "ms", "esq"}
)

_NON_LETTER = re.compile(r"[^a-z\- ]+")
_SPACES = re.compile(r"[\s_.,;:/()\[\]{}\"`*+&]+")


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """The tokens of a name (lower-case ASCII letters), in a canonical order.

    ``tokens`` are the informative tokens (two letters or more); ``hyphenated``
    marks, per token, whether it was written with internal hyphens;
    ``initials`` counts dropped one-letter tokens.
    """

    tokens: tuple[str, ...]
    hyphenated: tuple[bool, ...]
    initials: int

    @property
    def usable(self) -> bool:
        """True when at least one token carries evidence."""
        return bool(self.tokens)


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    return unidecode(text)


def normalise_name(name: str) -> NormalisedName:
    """Normalise one author name (see the module docstring for what is handled)."""
    text = name.strip()
    if text.count(",") == 1:
        family, given = text.split(",")
        if given.strip() and family.strip():
            text = f"{given} {family}"
    text = _ascii(text).lower().replace("'", "").replace("\u2019", "")
    text = _SPACES.sub(" ", text)
    text = _NON_LETTER.sub("", text)
    tokens: list[str] = []
    hyphens: list[bool] = []
    initials = 0
    for raw in text.split():
        parts = [p for p in raw.split("-") if p]
        if not parts:
            continue
        if all(len(p) == 1 for p in parts):  # "J-P", "J"
            initials += len(parts)
            continue
        token = "".join(parts)
        if token in STOP_TOKENS:
            continue
        tokens.append(token)
        hyphens.append(len(parts) > 1)
    order = sorted(range(len(tokens)), key=lambda i: (tokens[i], hyphens[i]))
    return NormalisedName(
        tokens=tuple(tokens[i] for i in order),
        hyphenated=tuple(hyphens[i] for i in order),
        initials=initials,
    )


def token_keys(name: str) -> tuple[list[str], int]:
    """Fast path used for scoring: cache keys of a name's tokens and its count of initials.

    A key is the token, suffixed with ``-`` when it was hyphenated.
    """
    norm = normalise_name(name)
    keys = [t + "-" if h else t for t, h in zip(norm.tokens, norm.hyphenated, strict=True)]
    return keys, norm.initials
