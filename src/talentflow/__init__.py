"""talentflow: measure the global flow of AI talent from public research records.

The public surface is small: open a store, build it from a source, read indicators.

>>> import talentflow
>>> talentflow.__version__  # doctest: +SKIP
'0.1.0'
"""

from __future__ import annotations

from talentflow.errors import BadInputError, MissingExtraError, TalentflowError
from talentflow.graph.store import Store, open_store
from talentflow.version import __version__

__all__ = [
    "BadInputError",
    "MissingExtraError",
    "Store",
    "TalentflowError",
    "__version__",
    "open_store",
]
