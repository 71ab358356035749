"""Resolve people in the store: strong ids, then scored linkage, then user overrides.

``derive_people(store)`` rebuilds ``people``, ``slot_people`` and ``person_links`` from
what is stored (author slots, organisation decisions, identity-key decisions,
``people_overrides``) in one transaction. A wrong merge is undone by a cannot-link
override and a re-run: nothing is re-ingested.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from talentflow.errors import BadInputError, MissingExtraError, TalentflowError
from talentflow.graph.schema import PEOPLE, PERSON_LINKS, SLOT_PEOPLE
from talentflow.graph.store import Store
from talentflow.progress import SILENT, Reporter
from talentflow.resolve.names import parse_name
from talentflow.resolve.people.cluster import LinkDecision, cluster_slots
from talentflow.resolve.people.features import (
    SlotFeatures,
    build_features,
    given_names,
    load_slot_table,
    org_years,
)
from talentflow.resolve.people.identity import apply_identity, load_identity
from talentflow.resolve.people.linkage import LinkageSettings, score_pairs
from talentflow.resolve.people.pooled import PooledEvidence, PooledSettings

RESOLVER_VERSION = "people-1"
OVERRIDE_KINDS = ("must-link", "cannot-link")
log = logging.getLogger(__name__)


@dataclass
class PeopleSettings:
    """Settings of a person-resolution run (recorded in the store as JSON)."""

    threshold: float = 0.99
    """Minimum match probability for a scored pair to merge two mentions."""
    linkage: LinkageSettings = field(default_factory=LinkageSettings)
    pooled: PooledSettings = field(default_factory=PooledSettings)
    """The second pass: namesake clusters merged on pooled evidence."""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fingerprint(self) -> str:
        text = json.dumps(self.as_dict(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Override:
    """One user judgement: ``must-link`` or ``cannot-link`` between two references."""

    kind: str
    left: str
    right: str
    note: str = ""


@dataclass
class Resolution:
    """The outcome of resolving a set of slots (not yet written anywhere)."""

    features: SlotFeatures
    roots: list[int]
    decisions: list[LinkDecision]
    model: dict[str, Any]
    linkage_used: bool
    n_pairs: int
    unknown_refs: list[str] = field(default_factory=list)
    pair_weights: dict[str, Any] = field(default_factory=dict)
    """Match weight per comparison of every scored pair (NumPy arrays by pair number)."""
    aliases: dict[str, list[str]] = field(default_factory=dict)
    """A linked group's first profile id -> every profile id of the group."""

    def pair_details(self) -> list[str | None]:
        """Each decision's evidence as JSON: its own detail, else the scored pair's match
        weights (built column-wise: one ``json.dumps`` per decision is slow)."""
        out: list[str | None] = [
            json.dumps(d.detail, sort_keys=True) if d.detail else None for d in self.decisions
        ]
        rows = [i for i, d in enumerate(self.decisions) if not d.detail and d.pair is not None]
        if not rows or not self.pair_weights:
            return out
        idx = np.array([self.decisions[i].pair for i in rows], dtype=np.int64)
        pieces = []
        for name in sorted(self.pair_weights):
            w = np.round(np.asarray(self.pair_weights[name], dtype=np.float64)[idx], 3)
            text = pc.cast(pa.array(w, mask=~np.isfinite(w)), pa.string()).fill_null("null")
            pieces.append(pc.binary_join_element_wise(f'"{name}": ', text, ""))
        inner = pc.binary_join_element_wise(*pieces, ", ")
        joined = pc.binary_join_element_wise("{", inner, "}", "").to_pylist()
        for i, text in zip(rows, joined, strict=True):
            out[i] = text
        return out

    def person_ids(self) -> list[str]:
        """A stable id per slot row: from the cluster's strong id, else its first slot."""
        t = self.features.table
        refs = t["slot_ref"].to_pylist()
        strong = t["strong_id"].to_pylist()
        # A strong id split by a cannot-link override lives in several clusters: there it
        # cannot name the person, and the cluster's first slot does.
        clusters_of: dict[str, set[int]] = defaultdict(set)
        for i, root in enumerate(self.roots):
            if strong[i]:
                clusters_of[strong[i]].add(root)
        anchor: dict[int, str] = {}
        for i, root in enumerate(self.roots):
            sid = strong[i]
            cand = f"s:{sid}" if sid and len(clusters_of[sid]) == 1 else f"r:{refs[i]}"
            cur = anchor.get(root)
            if cur is None or (cand[0], cand) < (cur[0], cur):
                anchor[root] = cand
        ids = {r: "P" + hashlib.sha1(a.encode()).hexdigest()[:12] for r, a in anchor.items()}
        return [ids[r] for r in self.roots]


# --- overrides -------------------------------------------------------------------------------


def read_overrides_file(path: Path) -> list[Override]:
    """Read a plain override file: ``must-link,LEFT,RIGHT[,note]`` per line.

    LEFT and RIGHT are slot references (``paper_key:author_index``, as shown by
    ``talentflow people show``) or strong ids (``~First_Last1``); ``#`` starts a comment.
    """
    from talentflow.sources.user_csv import decode_user_text

    try:
        lines = decode_user_text(path.read_bytes(), str(path)).splitlines()
    except OSError as exc:
        raise BadInputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    out: list[Override] = []
    for lineno, row in enumerate(csv.reader(lines), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in row]
        if len(cells) < 3 or cells[0] not in OVERRIDE_KINDS or not cells[1] or not cells[2]:
            raise BadInputError(
                str(path), "expected 'must-link|cannot-link,LEFT,RIGHT[,note]'", lineno
            )
        out.append(Override(cells[0], cells[1], cells[2], ",".join(cells[3:])))
    return out


def stored_overrides(store: Store) -> list[Override]:
    rows = store.query(
        "SELECT kind, left_ref, right_ref, coalesce(note, '') AS note FROM people_overrides "
        "ORDER BY added_at, left_ref, right_ref"
    )
    return [Override(r["kind"], r["left_ref"], r["right_ref"], r["note"]) for r in rows]


def add_overrides(store: Store, overrides: Sequence[Override]) -> int:
    """Record overrides in the store (a later pair on the same two refs replaces the earlier)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction() as con:
        for o in overrides:
            if o.kind not in OVERRIDE_KINDS:
                raise TalentflowError(f"unknown override kind '{o.kind}'")
            con.execute(
                "DELETE FROM people_overrides WHERE (left_ref = ? AND right_ref = ?) "
                "OR (left_ref = ? AND right_ref = ?)",
                [o.left, o.right, o.right, o.left],
            )
            con.execute(
                "INSERT INTO people_overrides VALUES (?, ?, ?, ?, ?)",
                [o.kind, o.left, o.right, o.note or None, now],
            )
    return len(overrides)


def remove_overrides(store: Store, left: str, right: str) -> int:
    """Forget every override on these two references; return how many were removed."""
    n = int(
        store.scalar(
            "SELECT count(*) FROM people_overrides WHERE (left_ref = ? AND right_ref = ?) "
            "OR (left_ref = ? AND right_ref = ?)",
            [left, right, right, left],
        )
    )
    with store.transaction() as con:
        con.execute(
            "DELETE FROM people_overrides WHERE (left_ref = ? AND right_ref = ?) "
            "OR (left_ref = ? AND right_ref = ?)",
            [left, right, right, left],
        )
    return n


def _ref_rows(features: SlotFeatures, aliases: dict[str, list[str]]) -> dict[str, int]:
    t = features.table
    index: dict[str, int] = {}
    for i, (ref, sid) in enumerate(
        zip(t["slot_ref"].to_pylist(), t["strong_id"].to_pylist(), strict=True)
    ):
        index[ref] = i
        if sid:
            index.setdefault(sid, i)
            index.setdefault(sid.split(":", 1)[1], i)
    for first, ids in aliases.items():
        if first in index:
            for other in ids:
                index.setdefault(other, index[first])
    return index


def _cannot_pairs(overrides: Iterable[Override]) -> list[tuple[str, str]]:
    return [(o.left, o.right) for o in overrides if o.kind == "cannot-link"]


def _resolve_refs(
    overrides: Iterable[Override], index: dict[str, int]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[str]]:
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    unknown: list[str] = []
    for o in overrides:
        a, b = index.get(o.left), index.get(o.right)
        if a is None or b is None:
            unknown += [r for r, i in ((o.left, a), (o.right, b)) if i is None]
            continue
        (must if o.kind == "must-link" else cannot).append((a, b))
    return must, cannot, unknown


# --- resolution ------------------------------------------------------------------------------


def resolve_features(
    features: SlotFeatures,
    settings: PeopleSettings | None = None,
    overrides: Sequence[Override] = (),
    aliases: dict[str, list[str]] | None = None,
) -> Resolution:
    """Score and cluster already-built slot features (``aliases``: each linked group's
    first profile id -> all its ids, see ``identity.apply_identity``)."""
    aliases = aliases or {}
    settings = settings or PeopleSettings()
    t = features.table
    linkage_used = True
    model: dict[str, Any] = {}
    pairs: Iterable[tuple[int, int, float, int]] = ()
    weights: dict[str, Any] = {}
    n_pairs = 0
    try:
        scored = score_pairs(t, settings.linkage, min_probability=settings.threshold)
    except MissingExtraError as exc:
        log.warning("%s; people are resolved by strong ids only", exc)
        linkage_used = False
    else:
        model = scored.model
        p = scored.pairs  # sorted by probability, most probable first
        n_pairs = p.num_rows
        weights = {c[3:]: p[c].to_numpy() for c in p.column_names if c.startswith("mw_")}
        pairs = zip(
            p["unique_id_l"].to_pylist(),
            p["unique_id_r"].to_pylist(),
            p["match_probability"].to_pylist(),
            range(n_pairs),
            strict=True,
        )
    must, cannot, unknown = _resolve_refs(overrides, _ref_rows(features, aliases))
    roots, decisions = cluster_slots(
        n=features.n,
        paper_keys=t["paper_key"].to_pylist(),
        strong_ids=t["strong_id"].to_pylist(),
        pairs=pairs,
        threshold=settings.threshold,
        must_link=must,
        cannot_link=cannot,
        org_years=org_years(t),
        given_names=given_names(t),
        presorted=True,
        pooled=PooledEvidence(t, settings.pooled) if settings.pooled.enabled else None,
    )
    return Resolution(
        features, roots, decisions, model, linkage_used, n_pairs, unknown, weights, aliases
    )


def resolve_store(
    store: Store,
    settings: PeopleSettings | None = None,
    overrides: Sequence[Override] = (),
    *,
    where: str = "",
    params: list[Any] | None = None,
    hide_kinds: frozenset[str] = frozenset(),
) -> Resolution:
    """Resolve the store's author slots (optionally a subset) without writing anything.

    The identity keys apply unless OpenReview ids are hidden: they come per OpenReview
    profile and would reveal the hidden ids."""
    slots = load_slot_table(store, where, params)
    features = build_features(slots, hide_kinds=hide_kinds)
    if "openreview" in hide_kinds:
        return resolve_features(features, settings, overrides)
    evidence = load_identity(store, _cannot_pairs(overrides))
    features, _ = apply_identity(features, evidence)
    return resolve_features(features, settings, overrides, evidence.aliases())


@dataclass(frozen=True)
class PeopleResult:
    """What ``derive_people`` wrote."""

    slots: int
    people: int
    linked_by_strong_id: int
    linked_by_linkage: int
    linked_by_pooled: int
    linked_by_override: int
    slots_united: int
    """Slots whose OpenReview profile is linked to another by an identity key."""
    slots_by_key: int
    """Slots without an OpenReview id placed on a profile by a key only it holds."""
    refused: int
    unresolved_names: int
    linkage_used: bool
    unknown_override_refs: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ids_of(strong_id: str, aliases: dict[str, list[str]]) -> list[str]:
    """The profile ids a strong id stands for (a linked group's every id)."""
    value = strong_id.split(":", 1)[1]
    return aliases.get(value, [value])


def _tables(res: Resolution, settings: PeopleSettings) -> tuple[pa.Table, pa.Table, pa.Table]:
    t = res.features.table
    refs = t["slot_ref"].to_pylist()
    paper_keys = t["paper_key"].to_pylist()
    author_index = t["author_index"].to_pylist()
    raw_names = t["name"].to_pylist()
    quality = t["quality"].to_pylist()
    strong = t["strong_id"].to_pylist()
    pids = res.person_ids()
    version = f"{RESOLVER_VERSION}/{settings.fingerprint()}"

    best: dict[int, tuple[int, str, float | None]] = {}
    rank = {"override": 3, "strong_id": 2, "linkage": 1, "pooled": 0}
    for d in res.decisions:
        if d.decision != "linked":
            continue
        for i in (d.left, d.right):
            cand = (rank[d.evidence], d.evidence, d.score)
            if i not in best or cand[:1] > best[i][:1]:
                best[i] = cand
    size = Counter(res.roots)
    ev: list[str] = []
    score: list[float | None] = []
    for i, root in enumerate(res.roots):
        if strong[i] and size[root] > 1:
            ev.append("strong_id")
            score.append(1.0)
        elif i in best:
            ev.append(best[i][1])
            score.append(best[i][2])
        elif size[root] == 1 and quality[i] == "unresolved":
            ev.append("unresolved")
            score.append(None)
        else:
            ev.append("singleton" if size[root] == 1 else "linkage")
            score.append(None)
    slot_people = pa.table(
        {
            "paper_key": paper_keys,
            "author_index": author_index,
            "person_id": pids,
            "evidence": ev,
            "score": score,
        },
        schema=SLOT_PEOPLE.arrow_schema(),
    )

    members: dict[str, list[int]] = defaultdict(list)
    for i, pid in enumerate(pids):
        members[pid].append(i)
    people_rows: dict[str, list[Any]] = defaultdict(list)
    for pid, rows in members.items():
        names = Counter(parse_name(raw_names[i]).display or raw_names[i] for i in rows)
        display = min(names.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        ids = sorted({a for i in rows if strong[i] for a in _ids_of(strong[i], res.aliases)})
        people_rows["person_id"].append(pid)
        people_rows["display_name"].append(display or "(no name)")
        people_rows["strong_id"].append(" ".join(ids) or None)
        people_rows["n_slots"].append(len(rows))
    people = pa.table(people_rows, schema=PEOPLE.arrow_schema())

    links: dict[str, list[Any]] = defaultdict(list)
    links["detail_json"] = res.pair_details()
    for d in res.decisions:
        links["person_id"].append(pids[d.left])
        links["left_slot"].append(refs[d.left])
        links["right_slot"].append(refs[d.right])
        links["decision"].append(d.decision)
        links["evidence"].append(d.evidence)
        links["score"].append(d.score)
        links["resolver_version"].append(version)
    if not res.decisions:
        links = defaultdict(list, {c: [] for c in PERSON_LINKS.column_names})
    person_links = pa.table(dict(links), schema=PERSON_LINKS.arrow_schema())
    return people, slot_people, person_links


def derive_people(
    store: Store,
    settings: PeopleSettings | None = None,
    overrides_file: Path | None = None,
    reporter: Reporter = SILENT,
) -> PeopleResult:
    """Rebuild ``people``, ``slot_people`` and ``person_links`` in one transaction.

    Overrides stored in ``people_overrides`` always apply; ``overrides_file`` adds (or
    replaces) pairs there first.
    """
    settings = settings or PeopleSettings()
    if overrides_file is not None:
        add_overrides(store, read_overrides_file(overrides_file))
    with reporter.bar("resolving people", total=5) as advance:
        slots = load_slot_table(store)
        advance(1)
        overrides = stored_overrides(store)
        evidence = load_identity(store, _cannot_pairs(overrides))
        features, identity = apply_identity(build_features(slots), evidence)
        advance(1)
        res = resolve_features(features, settings, overrides, evidence.aliases())
        advance(1)
        people, slot_people, person_links = _tables(res, settings)
        advance(1)
        with store.transaction() as con:
            for name in ("person_links", "slot_people", "people"):
                con.execute(f"DELETE FROM {name}")
            store.append_arrow(PEOPLE, people)
            store.append_arrow(SLOT_PEOPLE, slot_people)
            store.append_arrow(PERSON_LINKS, person_links)
            for key, value in (
                ("people_settings_json", json.dumps(settings.as_dict(), sort_keys=True)),
                ("people_model_json", json.dumps(res.model, sort_keys=True, default=str)),
            ):
                con.execute("DELETE FROM store_meta WHERE key = ?", [key])
                con.execute("INSERT INTO store_meta VALUES (?, ?)", [key, value])
        advance(1)
    linked = Counter(d.evidence for d in res.decisions if d.decision == "linked")
    ev = Counter(slot_people["evidence"].to_pylist())
    return PeopleResult(
        slots=features.n,
        people=people.num_rows,
        linked_by_strong_id=linked["strong_id"],
        linked_by_linkage=linked["linkage"],
        linked_by_pooled=linked["pooled"],
        linked_by_override=linked["override"],
        slots_united=identity.united,
        slots_by_key=identity.by_key,
        refused=sum(1 for d in res.decisions if d.decision == "refused"),
        unresolved_names=ev["unresolved"],
        linkage_used=res.linkage_used,
        unknown_override_refs=res.unknown_refs,
    )


__all__ = [
    "OVERRIDE_KINDS",
    "Override",
    "PeopleResult",
    "PeopleSettings",
    "Resolution",
    "add_overrides",
    "derive_people",
    "read_overrides_file",
    "remove_overrides",
    "resolve_features",
    "resolve_store",
    "stored_overrides",
]
