"""Rows of ``slot_keys`` and ``profile_links``: the archive's identity keys on the slots its
profiles were placed on, and the profiles those keys say are one researcher.

Keys are normalised once (:mod:`talentflow.sources.identity_keys`); who holds a key is
counted over every profile of the archive (placed on a slot or not), so a lab homepage held
by three profiles stays no evidence even when one of them never reaches a slot. The
decisions (a key held by one profile, a link of two) are made by
:mod:`talentflow.resolve.profile_links`; the people step reads them from the store.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from talentflow.graph.schema import PROFILE_LINKS, SLOT_KEYS
from talentflow.resolve.profile_links import key_holders, profile_links
from talentflow.sources.papercopilot_openreview import SOURCE_NAME, ArchiveRecord

AuthorKeys = dict[tuple[str, str], list[tuple[str, str]]]
"""(forum id, profile id) -> the normalised (kind, key) pairs that archive author carries."""


def author_keys(records: Iterable[ArchiveRecord]) -> AuthorKeys:
    """Every archive author's identity keys, normalised once."""
    return {(r.forum_id, a.profile_id): a.identity_keys() for r in records for a in r.authors}


def holders_of(keys: AuthorKeys) -> dict[tuple[str, str], set[str]]:
    """(kind, key) -> the archive profiles holding it."""
    return key_holders(
        (profile, kind, key) for (_, profile), pairs in keys.items() for kind, key in pairs
    )


def slot_key_table(
    placed: pa.Table,
    keys: AuthorKeys,
    holders: dict[tuple[str, str], set[str]],
) -> pa.Table:
    """``slot_keys`` rows of the slots in ``placed`` (``paper_key, author_index, forum_id,
    profile_id``: the archive profile placed on each slot), with the ``keys`` that profile
    carries on that record."""
    out: dict[str, list[object]] = {name: [] for name in SLOT_KEYS.column_names}
    cols = placed.select(["paper_key", "author_index", "forum_id", "profile_id"]).to_pydict()
    for paper_key, index, forum_id, profile in zip(*cols.values(), strict=True):
        for kind, key in keys.get((forum_id, profile), ()):
            out["paper_key"].append(paper_key)
            out["author_index"].append(index)
            out["kind"].append(kind)
            out["key"].append(key)
            out["source"].append(SOURCE_NAME)
            out["profile_id"].append(profile)
            out["holders"].append(len(holders.get((kind, key), ())))
    return pa.Table.from_pydict(out, schema=SLOT_KEYS.arrow_schema())


def link_table(holders: dict[tuple[str, str], set[str]]) -> pa.Table:
    """``profile_links`` rows: one per key that links two profiles."""
    links = profile_links(holders)
    return pa.Table.from_pydict(
        {
            "profile_a": [x.profile_a for x in links],
            "profile_b": [x.profile_b for x in links],
            "kind": [x.kind for x in links],
            "key": [x.key for x in links],
        },
        schema=PROFILE_LINKS.arrow_schema(),
    )
