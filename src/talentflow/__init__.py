"""talentflow: measure the global flow of AI talent from public research records.

The public surface is small: open a store, build it from a source, read indicators.

>>> import talentflow
>>> talentflow.__version__  # doctest: +SKIP
'0.1.0'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from talentflow.errors import BadInputError, MissingExtraError, TalentflowError

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    # The store (DuckDB, pyarrow) and the version (importlib.metadata) load on first use,
    # so that ``talentflow --help`` does not load them.
    if name in ("Store", "open_store"):
        from talentflow.graph import store

        return getattr(store, name)
    if name == "__version__":
        from talentflow.version import __version__

        return __version__
    raise AttributeError(name)
