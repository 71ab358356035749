"""Reference registries for organisation resolution: located, or downloaded, never copied.

The registries (university domains, OpenReview's duplicate domains, CSRankings,
cspicks' school aliases) are public data under their own licences; they are
read where they are, never copied into the repository:

1. ``reference_dir`` argument, else ``$TALENTFLOW_REFERENCE_DIR``;
2. else ``../shared/data`` beside the working directory or the repository, when present;
3. else each missing file is downloaded from its pinned upstream commit into the
   on-disk cache (``.talentflow-cache/reference``) through ``CachedFetcher``.

If a registry can be had neither way, resolution still works on the curated
tables and ccTLD rules; ``ReferenceData.missing`` says which registries are absent.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from talentflow.errors import FetchError

REFERENCE_ENV = "TALENTFLOW_REFERENCE_DIR"
# "0" forbids downloading missing registries (the test suite sets it: tests never touch
# the network).
DOWNLOAD_ENV = "TALENTFLOW_REFERENCE_DOWNLOAD"
DEFAULT_CACHE = Path(".talentflow-cache") / "reference"

_RAW = "https://raw.githubusercontent.com"
HIPO_URL = (
    f"{_RAW}/Hipo/university-domains-list/bb07faf064e1c68be9b26fb71de31f01e361f974/"
    "world_universities_and_domains.json"
)
DUPLICATE_DOMAINS_URL = (
    f"{_RAW}/openreview/openreview-py/e25fd7da055e7ae3435df51dbdadf2760c59d281/"
    "openreview/duplicate_domains.json"
)
_CSR = f"{_RAW}/emeryberger/CSrankings/e8a1a32f73963ca6bd7e3ef145ed3feaad0891b2"
CSRANKINGS_COUNTRY_URL = f"{_CSR}/country-info.csv"
CSRANKINGS_INSTITUTIONS_URL = f"{_CSR}/institutions.csv"
CSRANKINGS_FACULTY_URLS = tuple(f"{_CSR}/csrankings-{c}.csv" for c in string.ascii_lowercase)
SCHOOL_ALIASES_URL = (
    f"{_RAW}/dynaroars/cspicks/94cb5e4d1094e7a6bba622af19b65712bad97e5a/public/school-aliases.json"
)

REGISTRIES = (
    "hipo-university-domains",
    "openreview-duplicate-domains",
    "csrankings",
    "cspicks-school-aliases",
)


@dataclass(frozen=True)
class University:
    """One record of the university-domains registry."""

    name: str
    domains: tuple[str, ...]
    country: str | None


@dataclass
class ReferenceData:
    """The registries the resolver reads, with where they came from."""

    universities: list[University] = field(default_factory=list)
    duplicate_domains: dict[str, str] = field(default_factory=dict)
    csrankings_institutions: list[str] = field(default_factory=list)
    csrankings_countries: dict[str, str] = field(default_factory=dict)
    csrankings_homepages: list[tuple[str, str]] = field(default_factory=list)
    school_aliases: dict[str, str | None] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    digest: str = ""

    @classmethod
    def empty(cls) -> ReferenceData:
        """No registry at all: the resolver works on curated tables and ccTLD rules only."""
        return cls(missing=list(REGISTRIES), digest="none")

    def describe(self) -> str:
        """One line for logs: what was loaded from where, and what is missing."""
        have = ", ".join(f"{k} ({v})" for k, v in self.origin.items()) or "none"
        line = f"reference data: {have}"
        if self.missing:
            line += f"; MISSING {', '.join(self.missing)} (resolving on curated tables and ccTLDs)"
        return line


def default_reference_dir(cwd: Path | None = None) -> Path | None:
    """``$TALENTFLOW_REFERENCE_DIR``, else ``../shared/data`` beside cwd or the repo, if present."""
    env = os.environ.get(REFERENCE_ENV)
    if env:
        return Path(env)
    here = (cwd or Path.cwd()).resolve()
    repo = Path(__file__).resolve().parents[3]
    for base in (here, repo):
        candidate = base.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return None


def _country(code: object) -> str | None:
    text = str(code or "").strip().upper()
    return text if len(text) == 2 and text.isalpha() else None


def parse_universities(body: bytes) -> list[University]:
    """Parse world_universities_and_domains.json."""
    rows: list[dict[str, Any]] = json.loads(body)
    out = []
    for r in rows:
        domains = tuple(d.strip().lower() for d in r.get("domains") or [] if d and d.strip())
        if r.get("name"):
            out.append(University(str(r["name"]), domains, _country(r.get("alpha_two_code"))))
    return out


def parse_duplicate_domains(body: bytes) -> dict[str, str]:
    """Parse OpenReview's duplicate_domains.json ({alias: canonical})."""
    data: dict[str, str] = json.loads(body)
    return {str(k).lower(): str(v).lower() for k, v in data.items() if k and v}


def _csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8", errors="replace"))))


def parse_csrankings_countries(body: bytes) -> dict[str, str]:
    """CSRankings country-info.csv: institution -> ISO alpha-2 (institutions absent are US)."""
    out = {}
    for r in _csv_rows(body):
        code = _country(r.get("countryabbrv"))
        if r.get("institution") and code:
            out[r["institution"]] = "GB" if code == "UK" else code
    return out


def parse_csrankings_faculty(body: bytes) -> list[tuple[str, str]]:
    """CSRankings faculty rows -> (institution, homepage)."""
    return [
        (r["affiliation"], r.get("homepage") or "") for r in _csv_rows(body) if r.get("affiliation")
    ]


def _digest(parts: list[bytes]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(hashlib.sha256(p).digest())
    return h.hexdigest()[:12]


Getter = Callable[[str, str, str], bytes | None]


def load_reference(
    reference_dir: Path | None = None,
    *,
    download: bool | None = None,
    cache_dir: Path = DEFAULT_CACHE,
    fetcher: Any = None,
) -> ReferenceData:
    """Load every registry from ``reference_dir`` (see module doc), downloading what is absent.

    ``fetcher`` is a ``CachedFetcher`` (one is made on ``cache_dir`` when needed).
    With ``download=False`` absent registries are simply reported missing; the default
    is to download unless ``$TALENTFLOW_REFERENCE_DOWNLOAD`` is ``0``.
    """
    if download is None:
        download = os.environ.get(DOWNLOAD_ENV, "1") != "0"
    base = reference_dir or default_reference_dir()
    ref = ReferenceData()
    bodies: list[bytes] = []
    made: list[Any] = [fetcher]
    unreachable: list[str] = []

    def get(registry: str, rel: str, url: str) -> bytes | None:
        if base is not None and (base / registry / rel).is_file():
            ref.origin.setdefault(registry, str(base / registry))
            return (base / registry / rel).read_bytes()
        if not download:
            return None
        if made[0] is None:
            from talentflow.sources.http_cache import CachedFetcher, RetryPolicy

            made[0] = CachedFetcher(cache_dir, retry=RetryPolicy(max_attempts=2))
        cached = made[0].cached(url)
        if cached is not None:
            ref.origin.setdefault(registry, "downloaded")
            return bytes(cached)
        if unreachable:  # one failed download: offline, do not wait on every other file
            return None
        try:
            body: bytes = made[0].get(url, revalidate=False)
        except FetchError:
            unreachable.append(url)
            return None
        ref.origin.setdefault(registry, "downloaded")
        return body

    body = get("hipo-university-domains", "world_universities_and_domains.json", HIPO_URL)
    if body is not None:
        ref.universities = parse_universities(body)
        bodies.append(body)
    body = get("openreview-duplicate-domains", "duplicate_domains.json", DUPLICATE_DOMAINS_URL)
    if body is not None:
        ref.duplicate_domains = parse_duplicate_domains(body)
        bodies.append(body)
    countries = get("csrankings", "country-info.csv", CSRANKINGS_COUNTRY_URL)
    institutions = get("csrankings", "institutions.csv", CSRANKINGS_INSTITUTIONS_URL)
    if countries is not None and institutions is not None:
        ref.csrankings_countries = parse_csrankings_countries(countries)
        ref.csrankings_institutions = [
            r["institution"] for r in _csv_rows(institutions) if r.get("institution")
        ]
        bodies += [countries, institutions]
        faculty: bytes | None = None
        local = base / "csrankings" / "csrankings.csv" if base is not None else None
        if local is not None and local.is_file():
            faculty = local.read_bytes()
        elif download:
            # Upstream splits the faculty table into csrankings-[a-z].csv, one header each.
            pieces = [get("csrankings", "-", url) for url in CSRANKINGS_FACULTY_URLS]
            got = [p if p.endswith(b"\n") else p + b"\n" for p in pieces if p is not None]
            if got:
                faculty = got[0] + b"".join(p.split(b"\n", 1)[-1] for p in got[1:])
        if faculty is not None:
            ref.csrankings_homepages = parse_csrankings_faculty(faculty)
            bodies.append(faculty)
    body = get("cspicks-school-aliases", "school-aliases.json", SCHOOL_ALIASES_URL)
    if body is not None:
        ref.school_aliases = json.loads(body)
        bodies.append(body)
    ref.missing = [r for r in REGISTRIES if r not in ref.origin]
    ref.digest = _digest(bodies)
    return ref
