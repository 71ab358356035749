"""Intervals shared by every indicator and every engine (computed in Python on query results).

- Shares: Wilson score interval (Wilson 1927), which stays inside [0, 1] and keeps a
  sensible width for small n and for shares near 0 or 1 (unlike the normal approximation).
- Differences of two shares of one base (net migration = inflow share - outflow share):
  Newcombe's hybrid score interval (Newcombe 1998, method 10), built from the two Wilson
  intervals; it treats inflow and outflow as independent, which slightly overstates the
  width when they share people.
- Counts (moves per org pair and year): Byar's approximation to the exact Poisson interval
  (Rothman & Boice 1979), accurate to about 1% from a count of 1 upwards, no SciPy needed.
- Anything else: a percentile bootstrap over people (:func:`bootstrap`), seeded so a result
  is reproducible.
- Calibration of a classifier's confidence: the expected calibration error
  (:func:`expected_calibration_error`), used by the name-origin and career-stage evaluations.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy.typing as npt

Z95 = 1.959963984540054

T = TypeVar("T")


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for ``successes`` out of ``n`` (``(0, 1)`` when n is 0).

    >>> tuple(round(v, 4) for v in wilson(59, 100))
    (0.492, 0.6813)
    """
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= n:
        raise ValueError(f"{successes} successes out of {n} is not a share")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return low, high


def newcombe_difference(a: int, b: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Interval for ``a/n - b/n`` (Newcombe's hybrid score method from Wilson intervals).

    >>> tuple(round(v, 4) for v in newcombe_difference(30, 10, 1000))
    (0.0078, 0.0333)
    """
    if n <= 0:
        return -1.0, 1.0
    pa, pb = a / n, b / n
    la, ua = wilson(a, n, z)
    lb, ub = wilson(b, n, z)
    d = pa - pb
    low = d - math.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    high = d + math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    return low, high


def poisson_interval(count: int, z: float = Z95) -> tuple[float, float]:
    """95% interval for a Poisson count (Byar's approximation; exact lower bound 0 at 0).

    >>> tuple(round(v, 2) for v in poisson_interval(10))
    (4.79, 18.39)
    """
    if count < 0:
        raise ValueError("a count cannot be negative")
    low = 0.0 if count == 0 else count * (1 - 1 / (9 * count) - z / (3 * math.sqrt(count))) ** 3
    k = count + 1
    high = k * (1 - 1 / (9 * k) + z / (3 * math.sqrt(k))) ** 3
    return max(0.0, low), high


def bootstrap(
    units: Sequence[T],
    statistic: Callable[[Sequence[T]], float],
    replicates: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` over resampled ``units`` (people)."""
    if not units:
        return math.nan, math.nan
    rng = random.Random(seed)
    n = len(units)
    values = sorted(
        statistic([units[rng.randrange(n)] for _ in range(n)]) for _ in range(replicates)
    )
    lo_ix = int((1 - level) / 2 * replicates)
    hi_ix = min(replicates - 1, int((1 + level) / 2 * replicates))
    return values[lo_ix], values[hi_ix]


def share_cell(count: int, n: int) -> dict[str, float | int]:
    """``{"share", "low", "high", "n"}`` for ``count`` of ``n`` (Wilson interval)."""
    low, high = wilson(count, n)
    return {"share": count / n if n else 0.0, "low": low, "high": high, "n": count}


def shares(counts: dict[str, int], n: int) -> dict[str, dict[str, float | int]]:
    """Share cells for every key of ``counts``, largest first (ties by key)."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {k: share_cell(c, n) for k, c in ordered}


def expected_calibration_error(
    confidence: npt.ArrayLike, correct: npt.ArrayLike, bins: int = 15
) -> float:
    """The weighted mean gap between confidence and accuracy over ``bins`` equal-width
    confidence bins (nan when there is nothing to score).

    >>> round(expected_calibration_error([0.9, 0.9], [1, 0]), 2)
    0.4
    """
    import numpy as np  # only the evaluations need it; indicators import this module

    conf = np.asarray(confidence, dtype=np.float64)
    hit = np.asarray(correct, dtype=np.float64)
    if conf.size == 0:
        return math.nan
    which = np.minimum((conf * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.sum() * abs(float(conf[mask].mean()) - float(hit[mask].mean()))
    return float(total / conf.size)
