"""What ``talentflow build --source`` accepts, and what is already on this machine."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from talentflow.sources.papercopilot_openreview import SOURCE_NAME
from talentflow.sources.papercopilot_openreview import resolve_mirror as resolve_archive_mirror
from talentflow.sources.paperlists import resolve_mirror

_SOURCES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "paperlists",
        "Paper Copilot accepted-paper lists: papers, authors, affiliations, OpenReview ids.",
        "paperlists",
        (),
    ),
    (
        "papercopilot_openreview",
        "Paper Copilot's OpenReview archive: per-author affiliation, position and identity "
        "keys by forum id; read with the paper lists, from --archive-mirror "
        "($TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR) or downloaded when they are "
        "(docs/papercopilot-openreview.md).",
        "papercopilot_openreview",
        (),
    ),
    (
        "openreview",
        "OpenReview profiles of a venue-year's authors: education and career history "
        "(needs the paper lists of that venue-year first).",
        "openreview",
        ("openreview",),
    ),
    (
        "openalex",
        "OpenAlex authors (dated affiliations) by ORCID from the OpenReview profiles, "
        "or by the works of a venue (--openalex-source S...) and year.",
        "openalex",
        ("pyalex",),
    ),
)


def _cached_records(folder: Path) -> int:
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.rglob("*.json") if p.parent.name != "http")


def available_sources(
    cache_dir: Path, mirror: Path | None = None, archive_mirror: Path | None = None
) -> list[dict[str, Any]]:
    """One row per source: name, description, mirror folder, cached records, libraries."""
    mirror_dir = resolve_mirror(mirror)
    rows: list[dict[str, Any]] = []
    for name, description, cache_name, modules in _SOURCES:
        missing = [m for m in modules if importlib.util.find_spec(m) is None]
        own_mirror = {
            "paperlists": mirror_dir,
            SOURCE_NAME: resolve_archive_mirror(archive_mirror),
        }.get(name)
        has_mirror = own_mirror is not None and own_mirror.is_dir()
        cache = cache_dir / cache_name
        cached = (
            sum(1 for _ in cache.glob("*.body"))
            if name in ("paperlists", SOURCE_NAME)
            else _cached_records(cache)
        )
        rows.append(
            {
                "source": name,
                "description": description,
                "mirror": str(own_mirror) if has_mirror else None,
                "cached_records": cached,
                "cache_dir": str(cache) if cache.is_dir() else None,
                "ready": not missing,
                "install": "pip install 'talentflow[live]'" if missing else None,
            }
        )
    return rows
