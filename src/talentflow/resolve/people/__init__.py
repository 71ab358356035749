"""People: one person across papers, venues and years.

Strong ids first (OpenReview profile ids; ORCID, OpenAlex and DBLP ids when sources bring
them), probabilistic linkage (Splink) for the rest, user must-link / cannot-link overrides
on top, every judgement kept in ``person_links``. See ``derive.py`` for the steps.

>>> from talentflow.resolve.people import derive_people  # doctest: +SKIP
>>> derive_people(store)  # doctest: +SKIP
"""

from __future__ import annotations

from talentflow.resolve.people.derive import (
    Override,
    PeopleResult,
    PeopleSettings,
    add_overrides,
    derive_people,
    read_overrides_file,
    remove_overrides,
    resolve_store,
)
from talentflow.resolve.people.evaluate import bcubed

__all__ = [
    "Override",
    "PeopleResult",
    "PeopleSettings",
    "add_overrides",
    "bcubed",
    "derive_people",
    "read_overrides_file",
    "remove_overrides",
    "resolve_store",
]
