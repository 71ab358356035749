"""Name-origin census: calibrated, abstaining, aggregate-only.

What a name's spelling suggests (``chinese``, ``korean``, ... ``other``), never a
person's nationality or identity, and only ever as shares of a group of names:

>>> from talentflow.origin import estimate_shares  # doctest: +SKIP
>>> estimate_shares(names).as_dict()["shares"]["chinese"]  # doctest: +SKIP
{'estimate': 0.41, 'low': 0.40, 'high': 0.42, 'suppressed': False}

Runs on numpy and the tables shipped in ``origin/data`` (built once by
``python -m devtools.build_origin_tables``; see docs/origin.md).
"""

from __future__ import annotations

from talentflow.origin.groups import GROUPS, MIN_CELL, STATEMENT
from talentflow.origin.shares import ShareResult, ShareSettings, estimate_shares

__all__ = ["GROUPS", "MIN_CELL", "STATEMENT", "ShareResult", "ShareSettings", "estimate_shares"]
