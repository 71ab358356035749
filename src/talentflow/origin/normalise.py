"""Turn an author name as written into the tokens the estimator reads.

One place for every spelling question: diacritics (``Tomáš`` -> ``tomas``),
both name orders (``Wang, Wei`` and ``Wei Wang`` give the same tokens: the
estimator is order-free), any character other than a letter, hyphen or apostrophe
separates tokens, hyphenated and compact romanisations (``Wei-Hong``
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

from dataclasses import dataclass

from unidecode import unidecode

from talentflow.normalise.reference import word_list

#: Tokens that say nothing about origin (suffixes, titles).
STOP_TOKENS = frozenset(word_list("talentflow.origin.data", "name_stop_tokens.txt"))


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


def normalise_name(name: str) -> NormalisedName:
    """Normalise one author name (see the module docstring for what is handled).

    Tokens come out sorted: the estimator reads a name as a set of tokens, which is
    what makes ``Wang Wei``, ``Wei Wang`` and ``Wang, Wei`` the same name to it.
    """
    keys, initials = token_keys(name)
    keys.sort()
    return NormalisedName(
        tokens=tuple(k.rstrip("-") for k in keys),
        hyphenated=tuple(k.endswith("-") for k in keys),
        initials=initials,
    )


def _translation() -> dict[int, int | None]:
    table: dict[int, int | None] = {c: ord(" ") for c in range(128)}
    for c in range(ord("a"), ord("z") + 1):
        table[c] = c
        table[c - 32] = c  # upper case -> lower case
    table[ord("-")] = ord("-")
    table[ord("'")] = None
    return table


_FOLD = _translation()


def token_keys(name: str) -> tuple[list[str], int]:
    """Fast path used for scoring: cache keys of a name's tokens and its count of initials.

    A key is the token, suffixed with ``-`` when it was hyphenated. Gives the same
    tokens as ``normalise_name`` (not sorted: scores are order-free).

    >>> token_keys("Seung-Joo LEE, Jr.")
    (['seungjoo-', 'lee'], 0)
    """
    if not name.isascii():
        name = unidecode(name.replace("\u2019", ""))
    text = name.translate(_FOLD)
    keys: list[str] = []
    initials = 0
    for raw in text.split():
        if "-" in raw:
            parts = [p for p in raw.split("-") if p]
            if not parts:
                continue
            if all(len(p) == 1 for p in parts):
                initials += len(parts)
                continue
            token = "".join(parts)
            if token not in STOP_TOKENS:
                keys.append(token + "-" if len(parts) > 1 else token)
        elif len(raw) == 1:
            initials += 1
        elif raw not in STOP_TOKENS:
            keys.append(raw)
    return keys, initials
