"""Features of a name token: hashed character n-grams plus syllable-inventory flags.

The same code builds the training matrix (``devtools/build_origin_tables.py``) and scores names at
run time, so the two cannot drift. Every feature belongs to one token (or to the
name's shape: token count, initials), which makes a name's score the sum of its
tokens' scores: both name orders score the same, and token scores are cached.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Mapping
from functools import lru_cache

#: Number of hash buckets for features (the weight table has this many rows).
N_BUCKETS = 1 << 17
MAX_NGRAM = 5

#: Inventories whose full segmentation of a token is a feature (``seg:<name>:<syllables>``).
INVENTORIES = ("pinyin", "wade_giles_cantonese", "korean", "japanese", "vietnamese")


_BUCKETS: dict[str, int] = {}


def bucket(feature: str) -> int:
    """Stable hash of a feature string into ``N_BUCKETS`` (crc32; Python's hash is salted)."""
    b = _BUCKETS.get(feature)
    if b is None:
        b = zlib.crc32(feature.encode()) & (N_BUCKETS - 1)
        if len(_BUCKETS) < 2_000_000:
            _BUCKETS[feature] = b
    return b


def bucket_cache() -> dict[str, int]:
    """The memo of ``bucket`` (feature string -> bucket), for hot loops."""
    return _BUCKETS


@lru_cache(maxsize=16)
def _spelling_pattern(syllables: frozenset[str]) -> re.Pattern[str]:
    """A regex matching exactly the strings some sequence of ``syllables`` spells."""
    alternatives = "|".join(re.escape(s) for s in sorted(syllables, key=len, reverse=True))
    return re.compile(f"(?:{alternatives})+")


def segment_count(token: str, syllables: frozenset[str], longest: int = 6) -> int:
    """Fewest syllables of ``syllables`` that spell ``token`` exactly, or 0 when none do.

    >>> segment_count("weihong", frozenset({"wei", "hong", "we", "i"}))
    2
    """
    if not syllables or _spelling_pattern(syllables).fullmatch(token) is None:
        return 0  # the regex (in C) rules most tokens out before the exact count below
    n = len(token)
    best = [0] + [10**6] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - longest), end):
            if best[start] < 10**6 and token[start:end] in syllables:
                best[end] = min(best[end], best[start] + 1)
    return best[n] if best[n] < 10**6 else 0


def token_features(key: str, inventories: Mapping[str, frozenset[str]]) -> list[str]:
    """Feature strings of one token key (a token, ``-``-suffixed when written hyphenated)."""
    hyphenated = key.endswith("-")
    token = key[:-1] if hyphenated else key
    padded = f"<{token}>"
    feats = [f"w:{token}"]
    for n in range(1, MAX_NGRAM + 1):
        feats.extend(f"g{n}:{padded[i : i + n]}" for i in range(len(padded) - n + 1))
    if hyphenated:
        feats.append("hyphen")
    for name in INVENTORIES:
        syllables = inventories.get(name)
        if syllables:
            k = segment_count(token, syllables)
            if k:
                feats.append(f"seg:{name}:{min(k, 4)}")
    return feats


def shape_features(n_tokens: int, n_initials: int) -> list[str]:
    """Features of a name's shape: how many informative tokens and whether it has initials."""
    return [f"shape:tokens={min(n_tokens, 4)}", f"shape:initials={min(n_initials, 2)}"]


def buckets(features: Iterable[str]) -> list[int]:
    """Hash buckets of feature strings."""
    return [bucket(f) for f in features]
