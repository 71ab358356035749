"""The minimum-cell rule: a published cell rests on ``MIN_CELL`` distinct people.

People are told apart by the name as the estimator reads it (``normalise_name``:
case, accents, punctuation and token order folded), so one name repeated, or
written as ``Wei Wang`` and ``WANG, Wei``, counts once -- repeating a name can
never lift it over the floor.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from talentflow.errors import BadInputError
from talentflow.origin.groups import MIN_CELL
from talentflow.origin.normalise import NormalisedName, normalise_name


def person_keys(names: Sequence[str]) -> list[NormalisedName]:
    """One key per name; equal keys are one person to the estimator."""
    return [normalise_name(n) for n in names]


def first_rows(names: Sequence[str]) -> np.ndarray:
    """Row index of the first occurrence of each distinct person, in input order."""
    seen: dict[NormalisedName, int] = {}
    for i, key in enumerate(person_keys(names)):
        seen.setdefault(key, i)
    return np.fromiter(seen.values(), dtype=np.int64, count=len(seen))


def distinct_people(names: Sequence[str]) -> int:
    """How many distinct people ``names`` holds."""
    return len(set(person_keys(names)))


def require_min_people(names: Sequence[str], where: str, min_cell: int = MIN_CELL) -> None:
    """Refuse an input of fewer than ``min_cell`` distinct people (nothing is estimated)."""
    people = distinct_people(names)
    if people < min_cell:
        raise BadInputError(
            where,
            f"{people} distinct name(s) ({len(names)} rows); name-origin results need at "
            f"least {min_cell} distinct people",
        )
