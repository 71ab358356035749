"""Helpers that write small paper-list files and mirrors for tests."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any


def record(**fields: Any) -> dict[str, Any]:
    """A paper record with a title and the given fields."""
    return {"title": fields.pop("title", "A paper"), **fields}


def write_list(mirror: Path, venue: str, year: int, records: Any, gz: bool = True) -> Path:
    """Write ``records`` as ``mirror/venue/venueYEAR.json[.gz]`` and return the path."""
    folder = mirror / venue
    folder.mkdir(parents=True, exist_ok=True)
    data = json.dumps(records).encode("utf-8")
    if gz:
        path = folder / f"{venue}{year}.json.gz"
        path.write_bytes(gzip.compress(data))
    else:
        path = folder / f"{venue}{year}.json"
        path.write_bytes(data)
    return path


def small_mirror(root: Path) -> Path:
    """A three-file mirror exercising the main field variants."""
    mirror = root / "mirror"
    write_list(
        mirror,
        "nips",
        2021,
        [
            record(
                id="p1",
                status="Oral",
                track="main",
                author="Ada Lovelace;Alan Turing",
                authorids="~Ada_Lovelace1;~Alan_Turing1",
                aff="University of Cambridge;Google DeepMind",
                aff_domain="cam.ac.uk;deepmind.com",
                position="PhD student;Research Scientist",
            ),
            record(
                id="p2",
                status="Reject",
                track="main",
                author="Grace Hopper",
                authorids="~Grace_Hopper1",
                aff="Yale University",
                aff_domain="yale.edu",
                position="Full Professor",
            ),
        ],
    )
    write_list(
        mirror,
        "icra",
        2010,
        [
            record(
                id="5509731",
                status="Poster",
                author="Kenji Tajima;Qingyi Gu;Kenji Tajima;Qingyi Gu",
                authorids="/37536418000;/37532525900;/37536418000;/37532525900",
                aff="Hiroshima University, Hiroshima, Japan; Photron, Inc., Tokyo, Japan",
                aff_unique_index="0;1",
                aff_unique_norm="Hiroshima University;Photron, Inc.",
                aff_country_unique_index="0;0",
                aff_country_unique="Japan",
            )
        ],
    )
    write_list(
        mirror,
        "cvpr",
        2019,
        [
            record(status="Poster", author="Yawei Li, Radu Timofte", aff="ETH Zurich"),
            record(status="Poster", author="Zhenglin Geng, Chen Cao", aff="Stanford; Snap Inc."),
        ],
        gz=False,
    )
    return mirror
