"""The one writer of ``stints`` and ``moves``: each careers projection replaces its own rows.

Every kind of evidence owns a slice of the two tables (``paper`` rows belong to the careers
step, ``profile``/``openalex`` rows to the live projection, ``csv`` rows of a dataset to
its loader); :func:`replace_rows` deletes a slice and writes its new rows in one
transaction, so a failure leaves the previous rows in place.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from talentflow.graph.schema import MOVES, STINTS
from talentflow.graph.store import Store


def conform(data: pa.Table, schema: pa.Schema) -> pa.Table:
    """``data``'s columns cast to ``schema`` (in its order)."""
    return pa.table({f.name: data.column(f.name).cast(f.type) for f in schema}, schema=schema)


def replace_rows(
    store: Store,
    where: str,
    params: Sequence[object],
    stints: pa.Table,
    moves: pa.Table | None = None,
) -> None:
    """Delete the stints and moves matching ``where`` (SQL on their ``evidence`` and
    ``person_id``), then append ``stints`` and ``moves``, in one transaction."""
    with store.transaction() as con:
        for name in ("stints", "moves"):
            con.execute(f"DELETE FROM {name} WHERE {where}", list(params))
        store.append_arrow(STINTS, conform(stints, STINTS.arrow_schema()))
        if moves is not None:
            store.append_arrow(MOVES, conform(moves, MOVES.arrow_schema()))
