"""Cleaning affiliation text before resolution: one function per problem the sources show.

- ``clean_affiliation``: mojibake (ftfy), HTML escapes (also doubly escaped),
  control characters, stray whitespace, placeholders ('N/A', '-', 'none') and
  absurd length, each reported in ``CleanText.problems``.
- ``split_parts``: several affiliations of one author slot ('A+B', 'A; B').
- ``drop_asides``: '(on leave from ...)', 'work done at ...' and similar asides
  that name a place the person is not.
- ``name_key``: the folded key every name index uses.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import ftfy
from unidecode import unidecode

MAX_AFFILIATION_CHARS = 400
_PLACEHOLDERS = frozenset(
    {
        "",
        "-",
        "--",
        "n/a",
        "na",
        "none",
        "null",
        "nil",
        "unknown",
        "not available",
        "tbd",
        "?",
        "not specified",
        "university affiliation not specified",
        "unknown institution",
        "unknown affiliation",
        "no affiliation",
        ".",
    }
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\ufeff]")
_TAGS = re.compile(r"<[^>]{0,200}>")
_EMAIL = re.compile(r"\S+@\S+")
_URL = re.compile(r"https?://\S+")
# footnote digits glued to a word: 'School of Computing1', 'Research North America2'
_MARK_DIGITS = re.compile(r"(?<=[a-z)])\d{1,2}\b")
_ASIDE_WORDS = (
    r"on leave|work (?:was )?(?:done|performed|conducted|partly done)|part of (?:this|the) work"
    r"|during (?:an |his |her |their )?internship|while (?:at|with|visiting|interning|employed)"
    r"|previously|formerly|former|now (?:at|with)|currently (?:at|with)|visiting|intern at"
    r"|also (?:with|at|affiliated)|equal contribution|corresponding author"
)
_ASIDE_PAREN = re.compile(rf"[(\[][^)\]]*?\b(?:{_ASIDE_WORDS})\b[^)\]]*[)\]]", re.IGNORECASE)
_ASIDE_TAIL = re.compile(rf"[,;.]?\s*\b(?:{_ASIDE_WORDS})\b.*$", re.IGNORECASE)


@dataclass(frozen=True)
class CleanText:
    """An affiliation after cleaning, with the problems found on the way."""

    text: str
    problems: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.text


def clean_affiliation(raw: str | None) -> CleanText:
    """Repair and normalise one affiliation string; say what was wrong with it.

    >>> clean_affiliation("Universit\\u00c3\\u00a9 de Montr\\u00c3\\u00a9al").text
    'Université de Montréal'
    >>> clean_affiliation("AT&amp;T Labs").text
    'AT&T Labs'
    """
    if raw is None:
        return CleanText("", ("empty",))
    problems: list[str] = []
    text = raw
    if len(text) > 4 * MAX_AFFILIATION_CHARS:  # keep the repair steps cheap on absurd input
        text = text[: 4 * MAX_AFFILIATION_CHARS]
    for _ in range(2):  # doubly escaped '&amp;amp;' happens
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        problems.append("html-escaped") if "html-escaped" not in problems else None
        text = unescaped
    if "<" in text and _TAGS.search(text):
        text = _TAGS.sub(" ", text)
        problems.append("html-tags")
    fixed = text if text.isascii() else ftfy.fix_text(text, normalization="NFC")
    if fixed != text:
        problems.append("mojibake")
        text = fixed
    if not text.isascii():
        # a spacing accent typed before its letter, from PDF extraction: 'Montr ´eal'
        text = re.sub(r"\s?[\u00b4\u02ca\u00a8\u02c6](?=[A-Za-z])", "", text)
        # ... or after it: 'Bo˘ gazi¸ ci'
        text = re.sub(r"(?<=[A-Za-z])[\u02d8\u00b8\u02c7\u02db]\s?", "", text)
        # footnote marks and symbols ('Google DeepMind♠', 'Univ. X¹', 'Lab†')
        kept = "".join(
            ch for ch in text if unicodedata.category(ch) not in ("So", "No") and ch not in "†‡§¶"
        )
        if kept != text:
            text = kept
            problems.append("footnote-marks")
    if "*" in text:
        text = text.replace("*", " ")
    if _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
        problems.append("control-characters")
    if "\ufffd" in text:
        text = text.replace("\ufffd", "")
        problems.append("undecodable")
    if "@" in text or "://" in text:
        text = _URL.sub(" ", _EMAIL.sub(" ", text))
    text = _MARK_DIGITS.sub("", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;.-|")
    if len(text) > MAX_AFFILIATION_CHARS:
        text = text[:MAX_AFFILIATION_CHARS].rsplit(" ", 1)[0]
        problems.append("too-long")
    if text.lower() in _PLACEHOLDERS:
        return CleanText("", (*problems, "empty"))
    return CleanText(text, tuple(problems))


def split_parts(text: str) -> list[str]:
    """Several affiliations of one slot, in order: Paper Copilot joins them with '+'."""
    parts = re.split(r"\s*(?:\+|;|\|)\s*", text)
    return [p for p in (q.strip(" ,.-") for q in parts) if p]


_ASIDE_HINTS = (
    "leave",
    "work",
    "during",
    "intern",
    "while",
    "previous",
    "former",
    "now ",
    "currently",
    "visit",
    "also ",
    "equal",
    "correspond",
)


def drop_asides(text: str) -> str:
    """Remove asides naming where the person is not ('(on leave from X, Japan)')."""
    lower = text.lower()
    if not any(h in lower for h in _ASIDE_HINTS):
        return text
    out = _ASIDE_PAREN.sub(" ", text)
    out = _ASIDE_TAIL.sub("", out)
    return re.sub(r"\s+", " ", out).strip(" ,;.-") or text


_ABBREVIATIONS = {
    "univ": "university",
    "uni": "university",
    "universitaet": "universitat",
    "inst": "institute",
    "tech": "tech",
    "natl": "national",
    "lab": "laboratory",
    "labs": "laboratories",
    "dept": "department",
    "st": "saint",
    "intl": "international",
}


@lru_cache(maxsize=262144)
def name_key(name: str) -> str:
    """Folded key for name lookups: accents, case, punctuation, '&', 'the', abbreviations.

    >>> name_key("The Univ. of Texas at Austin")
    'university of texas at austin'
    """
    text = unidecode(name).lower().replace("&", " and ").replace("'", "").replace("`", "")
    tokens = re.sub(r"[^a-z0-9]+", " ", text).split()
    tokens = [_ABBREVIATIONS.get(t, t) for t in tokens]
    if tokens and tokens[0] == "the":
        tokens = tokens[1:]
    return " ".join(tokens)
