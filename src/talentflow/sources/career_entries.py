"""Career entries from live sources, mapped to career stages and ISO countries.

An OpenReview profile's ``content.history`` entries and an OpenAlex author's
``affiliations`` both become :class:`CareerEntry` rows (evidence ``profile`` and
``openalex``), which the store projects into ``stints``. The position text of an
OpenReview entry is free-form (a dropdown or a custom role), so the stage mapping
is a list of patterns tried in order; an unrecognised role keeps stage ``other``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

STAGES = (
    "undergraduate",
    "masters",
    "phd",
    "postdoc",
    "faculty",
    "academic_research",
    "industry_research",
    "industry_other",
    "other",
)
EDUCATION_STAGES = frozenset({"undergraduate", "masters", "phd"})

# (stage, pattern) tried in order on the lower-cased position text.
_POSITION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (stage, re.compile(pattern))
    for stage, pattern in (
        ("postdoc", r"post[\s-]?doc"),
        ("phd", r"\bph\.?\s?d\b|doctoral|doctorate|\bdphil\b"),
        ("masters", r"\bm\.?\s?s\.?c?\b|master|\bmphil\b|\bm\.?eng\b|\bm\.?tech\b|\bmba\b"),
        (
            "undergraduate",
            r"undergrad|bachelor|\bb\.?\s?s\.?c?\b|\bb\.?eng\b|\bb\.?tech\b|\bb\.?a\b"
            r"|college student",
        ),
        ("faculty", r"professor|lecturer|\bfaculty\b|\breader\b|\bdean\b|instructor"),
    )
)
_RESEARCH = re.compile(r"research|scientist|\bfellow\b")
_INDUSTRY_OTHER = re.compile(
    r"engineer|developer|founder|\bceo\b|\bcto\b|manager|director|consultant|analyst|staff"
)
_ACADEMIC_NAME = re.compile(
    r"universit|college|école|ecole|hochschule|institute of technology|\bschool\b|polytechnic"
    r"|academy of sciences|\bakademie\b|universidad|università|universität|universite"
)
_ACADEMIC_DOMAIN = re.compile(r"(^|\.)(edu|ac)(\.[a-z]{2})?$|(^|\.)edu\.[a-z]{2}$")


def is_academic(name: str | None, domain: str | None, kind: str | None = None) -> bool:
    """Whether an institution is academic, from its OpenAlex type, domain or name."""
    if kind:
        return kind.lower() == "education"
    if domain and _ACADEMIC_DOMAIN.search(domain.lower().strip()):
        return True
    return bool(name and _ACADEMIC_NAME.search(name.lower()))


@lru_cache(maxsize=65536)
def stage_from_position(
    position: str | None, institution: str | None = None, domain: str | None = None
) -> str:
    """The career stage of a position text at an institution.

    >>> stage_from_position("PhD student", "MIT", "mit.edu")
    'phd'
    >>> stage_from_position("Research Scientist", "Google", "google.com")
    'industry_research'
    """
    text = (position or "").strip().lower()
    for stage, pattern in _POSITION_PATTERNS:
        if pattern.search(text):
            return stage
    if "independent" in text:
        return "other"  # no organisation behind the role
    academic = is_academic(institution, domain)
    if _RESEARCH.search(text):
        return "academic_research" if academic else "industry_research"
    if text and not academic and _INDUSTRY_OTHER.search(text):
        return "industry_other"
    return "other"


_TLD_COUNTRY_EXCEPTIONS = {"uk": "GB", "edu": "US", "gov": "US", "mil": "US"}
_GENERIC_TLDS = frozenset({"com", "org", "net", "io", "ai", "co", "info", "tech", "dev", "me"})


def country_from_domain(domain: str | None) -> str | None:
    """A country guessed from a web domain's top-level domain (``.edu`` -> US)."""
    if not domain:
        return None
    tld = domain.lower().strip().rstrip(".").rsplit(".", 1)[-1]
    if tld in _TLD_COUNTRY_EXCEPTIONS:
        return _TLD_COUNTRY_EXCEPTIONS[tld]
    if len(tld) != 2 or tld in _GENERIC_TLDS:
        return None
    import pycountry

    hit = pycountry.countries.get(alpha_2=tld.upper())
    return str(hit.alpha_2) if hit is not None else None


def year_or_none(value: Any) -> int | None:
    """A year from the API's ``start``/``end``: an integer 1900-2099, null, or ""."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1900 <= value <= 2099 else None
    if isinstance(value, str) and value.strip().isdigit():
        year = int(value.strip())
        return year if 1900 <= year <= 2099 else None
    return None


@dataclass(frozen=True)
class CareerEntry:
    """One dated spell from a live source, before person resolution."""

    source: str  # openreview | openalex
    record_id: str  # profile ~id / OpenAlex author id
    entry_index: int
    position: str | None
    stage: str | None
    institution: str | None
    domain: str | None
    institution_id: str | None
    country_raw: str | None
    country: str | None
    country_basis: str | None  # stated | domain | None
    first_year: int | None
    last_year: int | None
    evidence: str  # profile | openalex

    def as_row(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "record_id": self.record_id,
            "entry_index": self.entry_index,
            "position": self.position,
            "stage": self.stage,
            "institution": self.institution,
            "domain": self.domain,
            "institution_id": self.institution_id,
            "country_raw": self.country_raw,
            "country": self.country,
            "country_basis": self.country_basis,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class OriginTraining:
    """Where a person's education began (origin) and where their highest degree was."""

    origin_country: str | None
    origin_stage: str | None
    training_country: str | None
    training_stage: str | None
    basis: str  # which evidence the answer rests on


_STAGE_RANK = {"undergraduate": 0, "masters": 1, "phd": 2}


def _sort_key(s: Any) -> tuple[int, int, int]:
    first = s.get("first_year") if isinstance(s, dict) else getattr(s, "first_year", None)
    last = s.get("last_year") if isinstance(s, dict) else getattr(s, "last_year", None)
    stage = s.get("stage") if isinstance(s, dict) else getattr(s, "stage", None)
    year = first if first is not None else (last if last is not None else 9999)
    return (year, _STAGE_RANK.get(str(stage), 9), last if last is not None else 9999)


def origin_and_training(stints: Sequence[Any] | Iterable[Any]) -> OriginTraining | None:
    """Origin and training of one person from dated education stints.

    Origin: the country of the earliest education entry (undergraduate if any, else the
    earliest of masters/PhD). Training: the country of the highest degree stage (PhD,
    else masters, else undergraduate; the latest when repeated). Works on
    :class:`CareerEntry` objects or dicts with ``stage``, ``country``, ``first_year``,
    ``last_year`` and ``evidence``. Returns None for a person with no education entry.
    """
    edu = [
        s
        for s in stints
        if (s.get("stage") if isinstance(s, dict) else getattr(s, "stage", None))
        in EDUCATION_STAGES
    ]
    if not edu:
        return None

    def get(s: Any, key: str) -> Any:
        return s.get(key) if isinstance(s, dict) else getattr(s, key, None)

    edu.sort(key=_sort_key)
    undergrad = [s for s in edu if get(s, "stage") == "undergraduate"]
    origin = undergrad[0] if undergrad else edu[0]
    top_rank = max(_STAGE_RANK[get(s, "stage")] for s in edu)
    training = [s for s in edu if _STAGE_RANK[get(s, "stage")] == top_rank][-1]
    basis = ",".join(sorted({str(get(s, "evidence")) for s in (origin, training)}))
    return OriginTraining(
        origin_country=get(origin, "country"),
        origin_stage=get(origin, "stage"),
        training_country=get(training, "country"),
        training_stage=get(training, "stage"),
        basis=basis,
    )
