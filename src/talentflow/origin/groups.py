"""The name-origin groups and the one-line statement every output carries."""

from __future__ import annotations

#: Groups the estimator gives probabilities over (``other``: any origin not listed).
GROUPS: tuple[str, ...] = (
    "chinese",
    "korean",
    "japanese",
    "vietnamese",
    "south_asian",
    "persian",
    "arabic",
    "turkish",
    "hebrew",
    "anglo",
    "germanic",
    "romance",
    "hispanic",
    "slavic",
    "greek",
    "other",
)

#: Smallest number of people a published group share may rest on.
MIN_CELL = 10

STATEMENT = (
    "Estimated share of distinct names whose spelling matches each name-origin pattern "
    "(not nationality, ethnicity or identity); aggregate only, groups under "
    f"{MIN_CELL} people suppressed."
)
