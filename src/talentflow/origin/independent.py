"""Labelled names from a source the estimator never saw: students on OpenReview.

The estimator is trained on names-dataset's country tables. This source is built
from Paper Copilot's OpenReview archive (``papercopilot-openreview`` in the
shared data): an author whose OpenReview profile lists a *student* position
(undergraduate, master's or PhD) at an institution whose web domain ends in a
country code of one group (``.cn``/``.hk``/``.tw``/``.mo`` chinese, ``.kr``
korean, ...) is labelled with that group. Students mostly study where they grew
up; the label is still only a proxy (international students, emigrants' children,
and the name-pattern, not nationality, is what is labelled): its noise is
estimated by hand in docs/origin.md. A person whose student affiliations name
two groups' countries is left out; a person counts once.

Names are written as on the papers (the author string that the profile id
points to), in one of the author-list forms drawn per person from a hash of the
profile id: as written, family name first, ``Family, Given``, or given names as
initials. The same hash splits people into a development half (choose and fit
methods) and a held-out half (measure once).
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from talentflow.errors import BadInputError

#: Country-code domain endings whose students are labelled, per group. Countries
#: whose universities are largely international (Singapore, Switzerland, the US
#: ``.edu``) or whose names span several groups (Israel) are not used.
LABEL_TLDS: dict[str, str] = {
    "cn": "chinese",
    "hk": "chinese",
    "tw": "chinese",
    "mo": "chinese",
    "kr": "korean",
    "jp": "japanese",
    "vn": "vietnamese",
    "in": "south_asian",
    "bd": "south_asian",
    "ir": "persian",
    "tr": "turkish",
    "gr": "greek",
    "ru": "slavic",
    "pl": "slavic",
    "cz": "slavic",
    "it": "romance",
    "fr": "romance",
    "es": "hispanic",
    "pt": "hispanic",
    "br": "hispanic",
    "mx": "hispanic",
    "ar": "hispanic",
    "cl": "hispanic",
    "co": "hispanic",
    "de": "germanic",
    "at": "germanic",
    "nl": "germanic",
    "dk": "germanic",
    "se": "germanic",
    "no": "germanic",
}

SPLITS = ("dev", "heldout")
#: The author-list forms a name is written in, with their shares in tenths (sum 10).
FORMS = (("as_written", 5), ("family_first", 2), ("family_comma", 1), ("initials", 2))


@dataclass(frozen=True, slots=True)
class LabelledName:
    """One person of the independent source: a written name, its group and split."""

    name: str
    group: str
    split: str
    form: str = "as_written"


def _profile_name(profile: str) -> str:
    """``~Cameron_N_Musco1`` -> ``Cameron N Musco``."""
    return profile.lstrip("~").rstrip("0123456789").replace("_", " ").strip()


def _form(key: int) -> str:
    """The author-list form (one of ``FORMS``) that ``key`` draws."""
    slot = key % 10
    for form, tenths in FORMS:
        if slot < tenths:
            return form
        slot -= tenths
    raise AssertionError("FORMS shares must sum to ten")


def _author_form(name: str, form: str) -> str:
    """The name written in ``form``; a one-word name stays as written."""
    parts = name.split()
    if len(parts) < 2 or form == "as_written":
        return name
    given, family = parts[:-1], parts[-1]
    if form == "family_first":
        return " ".join([family, *given])
    if form == "family_comma":
        return f"{family}, {' '.join(given)}"
    initials = " ".join(f"{g[0]}." if g[0].isalpha() else g for g in given)
    return f"{initials} {family}"


def _records(root: Path) -> Iterator[dict[str, str]]:
    files = sorted(root.glob("authors/*/*.jsonl.gz"))
    if not files:
        raise BadInputError(str(root), "no authors/<venue>/<file>.jsonl.gz files")
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)


def student_names(root: Path, staff: bool = False) -> list[LabelledName]:
    """The labelled people of the OpenReview archive at ``root`` (see the module docstring).

    ``staff=True`` labels the people never listed as students instead, by their other
    positions (professors, researchers, engineers): an older population, used to check
    that error rates measured on students carry over.
    """
    groups: dict[str, set[str]] = {}
    students: set[str] = set()
    written: dict[str, str] = {}
    for rec in _records(root):
        profiles = (rec.get("or_profile") or "").split(";")
        domains = (rec.get("aff_domain") or "").split(";")
        positions = (rec.get("position") or "").split(";")
        ids = (rec.get("authorids") or "").split(";")
        authors = (rec.get("author") or "").split(";")
        as_written = dict(zip(ids, authors, strict=False)) if len(ids) == len(authors) else {}
        if not len(profiles) == len(domains) == len(positions):
            continue
        for profile, domain, position in zip(profiles, domains, positions, strict=True):
            profile = profile.strip()
            if not profile.startswith("~"):
                continue
            name = (as_written.get(profile) or "").strip()
            if profile not in written or (name and written[profile] == _profile_name(profile)):
                written[profile] = name or _profile_name(profile)
            is_student = "student" in position.lower()
            if is_student:
                students.add(profile)
            if is_student == staff or not position.strip():
                continue
            tld = domain.strip().lower().rsplit(".", 1)[-1]
            groups.setdefault(profile, set())
            if tld in LABEL_TLDS:
                groups[profile].add(LABEL_TLDS[tld])
            else:
                groups[profile].add("")
    out: list[LabelledName] = []
    for profile in sorted(groups):
        labels = groups[profile]
        if len(labels) != 1 or "" in labels or (staff and profile in students):
            continue
        key = zlib.crc32(profile.encode("utf-8"))
        form = _form(key // 2) if len(written[profile].split()) > 1 else "as_written"
        name = _author_form(written[profile], form)
        out.append(LabelledName(name, next(iter(labels)), SPLITS[key % 2], form))
    return out
