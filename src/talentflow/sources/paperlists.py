"""The Paper Copilot paper lists: find files in a local mirror or download the live ones.

Mirror layout: ``DIR/<venue>/<venue><year>.json[.gz]``. Live files come from
the public ``papercopilot/paperlists`` repository, cached on disk and revalidated
with conditional requests.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import orjson

from talentflow.errors import BadInputError, TalentflowError
from talentflow.sources.http_cache import CachedFetcher
from talentflow.sources.paperlists_parse import decode_json_bytes

MIRROR_ENV = "TALENTFLOW_PAPERLISTS_MIRROR"
LIVE_BASE = "https://raw.githubusercontent.com/Papercopilot/paperlists/main"
LIVE_TREE = "https://api.github.com/repos/Papercopilot/paperlists/git/trees/main?recursive=1"

_FILE_RE = re.compile(r"^(?P<venue>[a-z0-9]+?)(?P<year>(19|20)\d\d)\.json(\.gz)?$")


@dataclass(frozen=True)
class PaperListFile:
    """One venue-year paper list, local or remote."""

    venue: str
    year: int
    location: str

    @property
    def file_key(self) -> str:
        return f"{self.venue}/{self.venue}{self.year}"


def parse_years(spec: str | None) -> set[int] | None:
    """Parse ``2013-2025`` or ``2019,2021,2023-2024`` into a set of years."""
    if not spec:
        return None
    years: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}))?", part)
        if not m:
            raise TalentflowError(
                f"--years: cannot read '{part}' (use e.g. 2013-2025 or 2019,2021)"
            )
        lo = int(m.group(1))
        hi = int(m.group(2) or lo)
        if hi < lo:
            raise TalentflowError(f"--years: range '{part}' runs backwards")
        years.update(range(lo, hi + 1))
    return years


def parse_venues(spec: str | None) -> set[str] | None:
    """Parse ``nips,icml,iclr`` into a set of lower-case venue codes."""
    if not spec:
        return None
    return {v.strip().lower() for v in spec.split(",") if v.strip()}


def _keep(f: PaperListFile, venues: set[str] | None, years: set[int] | None) -> bool:
    return (venues is None or f.venue in venues) and (years is None or f.year in years)


def mirror_files(
    mirror: Path, venues: set[str] | None = None, years: set[int] | None = None
) -> list[PaperListFile]:
    """Every paper-list file of a mirror folder, filtered by venue and year."""
    if not mirror.is_dir():
        raise TalentflowError(f"mirror folder not found: {mirror}")
    found: dict[str, PaperListFile] = {}
    for path in sorted(mirror.glob("*/*.json*")):
        m = _FILE_RE.match(path.name)
        if not m or m.group("venue") != path.parent.name:
            continue
        f = PaperListFile(m.group("venue"), int(m.group("year")), str(path))
        if not _keep(f, venues, years):
            continue
        if f.file_key in found and not path.name.endswith(".gz"):
            continue  # a .json.gz and a .json of the same venue-year: prefer the .gz
        found[f.file_key] = f
    return sorted(found.values(), key=lambda f: (f.venue, f.year))


def resolve_mirror(cli_value: Path | None) -> Path | None:
    """The mirror folder from ``--mirror`` or ``$TALENTFLOW_PAPERLISTS_MIRROR``."""
    if cli_value is not None:
        return cli_value
    env = os.environ.get(MIRROR_ENV)
    return Path(env) if env else None


def _validate_json_list(body: bytes) -> None:
    data = decode_json_bytes(body, "download")
    if not isinstance(data, list):
        raise BadInputError("download", "not a JSON array")


def validate_tree(body: bytes) -> None:
    """Check a GitHub git-tree listing: a complete (not truncated) file tree."""
    data = orjson.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("tree"), list):
        raise BadInputError("repository listing", "no file tree in the answer")
    if data.get("truncated"):
        raise BadInputError("repository listing", "the listing was truncated by the server")


def live_files(
    fetcher: CachedFetcher, venues: set[str] | None = None, years: set[int] | None = None
) -> list[PaperListFile]:
    """List the live repository's paper-list files (from its git tree listing)."""
    body = fetcher.get(LIVE_TREE, validate=validate_tree)
    tree = orjson.loads(body).get("tree", [])
    files = []
    for entry in tree:
        path = str(entry.get("path", ""))
        parts = path.split("/")
        if len(parts) != 2:
            continue
        m = _FILE_RE.match(parts[1])
        if not m or m.group("venue") != parts[0]:
            continue
        f = PaperListFile(m.group("venue"), int(m.group("year")), f"{LIVE_BASE}/{path}")
        if _keep(f, venues, years):
            files.append(f)
    return sorted(files, key=lambda f: (f.venue, f.year))


def live_file_for(venue: str, year: int) -> PaperListFile:
    """The live URL of one venue-year, without listing the repository."""
    return PaperListFile(venue, year, f"{LIVE_BASE}/{venue}/{venue}{year}.json")


def read_bytes(f: PaperListFile, fetcher: CachedFetcher | None) -> bytes:
    """The raw bytes of a file: from disk, or downloaded (validated) through the cache."""
    if f.location.startswith(("http://", "https://")):
        if fetcher is None:
            raise TalentflowError("a live file needs a fetcher")
        return fetcher.get(f.location, validate=_validate_json_list)
    try:
        return Path(f.location).read_bytes()
    except OSError as exc:
        raise BadInputError(f.location, f"cannot read file: {exc.strerror}") from None
