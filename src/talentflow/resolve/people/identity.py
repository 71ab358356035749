"""Identity keys as person evidence in the people step (decisions read from the store).

Two OpenReview profiles linked in ``profile_links`` (a key only they hold, names that
agree) are one researcher: their strong ids become the group's first id, so the
strong-id stage unites them before clustering. A slot without an OpenReview id of its own
whose placed archive profile holds an evidence key no other profile holds (or a key that
links it) joins that profile's person. Keys held by three or more profiles, and LinkedIn
handles, are no evidence.

The evaluation hides OpenReview ids; these keys come per OpenReview profile, so they would
reveal the hidden ids and are never applied there (``resolve_store`` skips them whenever
OpenReview ids are hidden).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyarrow as pa

from talentflow.graph.store import Store
from talentflow.resolve.people.features import SlotFeatures, slot_ref
from talentflow.resolve.profile_links import EVIDENCE_KINDS, ProfileLink, researcher_groups

PROFILE_KIND = "openreview"


@dataclass(frozen=True)
class IdentityEvidence:
    """What the stored key decisions say about people."""

    canonical: dict[str, str] = field(default_factory=dict)
    """Profile id -> the first id of its linked group (profiles in a group only)."""
    slot_profiles: dict[str, str] = field(default_factory=dict)
    """Slot reference -> the profile whose unique or linking key the slot carries."""

    def aliases(self) -> dict[str, list[str]]:
        """A group's first id -> every profile id of the group."""
        out: dict[str, list[str]] = {}
        for profile, first in sorted(self.canonical.items()):
            out.setdefault(first, []).append(profile)
        return out


@dataclass(frozen=True)
class IdentityCounts:
    """How many slots the evidence changed."""

    united: int
    """Slots whose OpenReview id was replaced by its linked group's first id."""
    by_key: int
    """Slots without an OpenReview id of their own given one by a key."""


def load_identity(store: Store, cannot_link: Iterable[tuple[str, str]] = ()) -> IdentityEvidence:
    """The stored profile links and the slots whose keys identify a profile. A cannot-link
    override between two profile ids (``~A1``, ``~B1``) drops the links between them."""
    refused = {frozenset((_profile(a), _profile(b))) for a, b in cannot_link}
    links = [
        ProfileLink(r["profile_a"], r["profile_b"], r["kind"], r["key"])
        for r in store.query("SELECT profile_a, profile_b, kind, key FROM profile_links")
        if frozenset((r["profile_a"], r["profile_b"])) not in refused
    ]
    canonical = {p: min(g) for g in researcher_groups(links) for p in g}
    kinds = ", ".join(f"'{k}'" for k in EVIDENCE_KINDS)
    rows = store.query(
        "SELECT DISTINCT k.paper_key, k.author_index, k.profile_id FROM slot_keys k "
        "LEFT JOIN profile_links l ON l.kind = k.kind AND l.key = k.key "
        f"WHERE k.kind IN ({kinds}) AND k.profile_id IS NOT NULL "
        "AND (k.holders = 1 OR l.key IS NOT NULL)"
    )
    slot_profiles = {slot_ref(r["paper_key"], r["author_index"]): r["profile_id"] for r in rows}
    return IdentityEvidence(canonical, slot_profiles)


def _profile(ref: str) -> str:
    return ref.removeprefix(PROFILE_KIND + ":")


def apply_identity(
    features: SlotFeatures, evidence: IdentityEvidence
) -> tuple[SlotFeatures, IdentityCounts]:
    """``features`` with each slot's strong id set by the key evidence."""
    t = features.table
    prefix = PROFILE_KIND + ":"
    strong = t["strong_id"].to_pylist()
    refs = t["slot_ref"].to_pylist()
    united = by_key = 0
    for i, sid in enumerate(strong):
        if sid is None:
            profile = evidence.slot_profiles.get(refs[i])
            if profile is not None:
                strong[i] = prefix + evidence.canonical.get(profile, profile)
                by_key += 1
        elif sid.startswith(prefix):
            first = evidence.canonical.get(sid[len(prefix) :])
            if first is not None and prefix + first != sid:
                strong[i] = prefix + first
                united += 1
    col = t.schema.get_field_index("strong_id")
    table = t.set_column(col, "strong_id", pa.array(strong, pa.string()))
    return SlotFeatures(table), IdentityCounts(united, by_key)
