"""Where an interrupted live crawl stopped, so ``talentflow build --resume`` goes on.

The crawl state itself (one file per profile, author or page, under the cache
directory) already holds everything fetched; this file remembers what was asked
for (source, venues, years, OpenAlex source) and why and until when the service
asked us to wait, so the rerun needs no arguments but ``--source`` and ``--resume``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from talentflow.errors import TalentflowError

PLACE_FILE = "resume.json"


@dataclass(frozen=True)
class CrawlPlace:
    """What an interrupted crawl was asked for, and when it may go on."""

    source: str
    venues: list[str] | None
    years: list[int] | None
    openalex_source: str | None
    resume_at: float
    reason: str


def _path(cache_dir: Path, source: str) -> Path:
    return cache_dir / source / PLACE_FILE


def save_place(cache_dir: Path, place: CrawlPlace) -> None:
    """Write the place atomically (replacing an older one)."""
    path = _path(cache_dir, place.source)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(place)))
    os.replace(tmp, path)


def load_place(cache_dir: Path, source: str) -> CrawlPlace:
    """The saved place of ``source``, or a one-line error when there is none."""
    path = _path(cache_dir, source)
    if not path.exists():
        raise TalentflowError(
            f"--resume: no interrupted {source} crawl under {cache_dir} (nothing to resume; "
            "run the build with --venues/--years)"
        )
    try:
        return CrawlPlace(**json.loads(path.read_text()))
    except (ValueError, TypeError) as exc:
        raise TalentflowError(f"{path}: cannot read the saved place ({exc})") from None


def clear_place(cache_dir: Path, source: str) -> None:
    """Forget the saved place (the crawl completed)."""
    _path(cache_dir, source).unlink(missing_ok=True)
