"""talentflow: measure the global flow of AI talent from public research records.

The public surface is small: open a store, build it from a source, read indicators.

>>> import talentflow
>>> talentflow.__version__  # doctest: +SKIP
'0.1.0'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("talentflow")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

from talentflow.errors import BadInputError, MissingExtraError, TalentflowError
from talentflow.graph.store import Store, open_store

__all__ = [
    "BadInputError",
    "MissingExtraError",
    "Store",
    "TalentflowError",
    "__version__",
    "open_store",
]
