"""Derive step: resolve every author slot's affiliation and every career entry's institution
into ``organisations``, ``slot_orgs`` and ``entry_orgs``.

Each distinct (affiliation, domain, source labels) input is resolved once; the
decisions are joined back to the slots in SQL. Career entries (profile and OpenAlex
histories) are resolved per distinct (institution, domain). The three tables are replaced
in one transaction, so a failure leaves the previous decisions in place. This module is
the only writer of ``organisations`` (:func:`store_organisations`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from typing import Any, TypeVar

import pyarrow as pa

from talentflow.graph.schema import ENTRY_ORGS, ORGANISATIONS, SLOT_ORGS
from talentflow.graph.store import Store
from talentflow.progress import SILENT, Reporter
from talentflow.resolve.archive_derive import SLOT_VALUES_SQL, derive_archive_slots
from talentflow.resolve.orgs import Resolution, Resolver
from talentflow.resolve.reference import ReferenceData, load_reference

_INPUTS_SQL = f"""
SELECT affiliation, aff_domain, source_orgs, source_countries, count(*) AS slots
FROM {SLOT_VALUES_SQL}
WHERE affiliation IS NOT NULL OR aff_domain IS NOT NULL
   OR source_orgs IS NOT NULL OR source_countries IS NOT NULL
GROUP BY ALL
ORDER BY slots DESC, affiliation NULLS FIRST, aff_domain NULLS FIRST,
         source_orgs NULLS FIRST, source_countries NULLS FIRST
"""

_DECISION_SCHEMA = pa.schema(
    [
        pa.field("input_id", pa.int64()),
        pa.field("org_id", pa.string()),
        pa.field("country", pa.string()),
        pa.field("country_basis", pa.string()),
        pa.field("hq_country", pa.string()),
        pa.field("confidence", pa.float64()),
    ]
)


@dataclass(frozen=True)
class DeriveResult:
    """What the organisations step wrote."""

    inputs: int
    slots: int
    organisations: int
    with_org: int
    with_country: int
    reference: str


T = TypeVar("T")
R = TypeVar("R")

PROGRESS_EVERY = 2000
"""Items between two progress reports of a resolving loop."""


def map_with_progress(
    fn: Callable[[T], R], items: Sequence[T], on_progress: Callable[[int], None] | None = None
) -> list[R]:
    """``fn`` over ``items`` in order, reporting progress every ``PROGRESS_EVERY`` items."""
    out: list[R] = []
    for n, item in enumerate(items, 1):
        out.append(fn(item))
        if on_progress is not None and n % PROGRESS_EVERY == 0:
            on_progress(PROGRESS_EVERY)
    if on_progress is not None:
        on_progress(len(items) % PROGRESS_EVERY)
    return out


def resolve_inputs(
    resolver: Resolver,
    rows: Sequence[tuple[Any, ...]],
    use_source_labels: bool = True,
    on_progress: Callable[[int], None] | None = None,
) -> list[Resolution]:
    """Resolve (affiliation, domain, source_orgs, source_countries, ...) rows in order."""

    def one(row: tuple[Any, ...]) -> Resolution:
        if use_source_labels:
            return resolver.resolve(row[0], row[1], row[2], row[3])
        return resolver.resolve(row[0], row[1])

    return map_with_progress(one, rows, on_progress)


def organisation_rows(
    resolver: Resolver, org_ids: Iterable[str], known: Set[str] = frozenset()
) -> pa.Table:
    """``organisations`` rows for ``org_ids`` and all their parents (so every
    ``parent_org_id`` resolves), leaving out the ids in ``known`` (already stored)."""
    used = set(org_ids)
    frontier = set(used)
    while frontier:
        parents = {
            p
            for o in frontier
            if (org := resolver.org(o)) is not None
            and (p := org.parent_org_id) is not None
            and p not in used
        }
        used |= parents
        frontier = parents
    orgs = [resolver.organisations[o] for o in sorted(used - known) if o in resolver.organisations]
    return pa.Table.from_pylist(
        [
            {
                "org_id": o.org_id,
                "name": o.name,
                "kind": o.kind,
                "country": o.country,
                "hq_country": o.hq_country,
                "parent_org_id": o.parent_org_id,
                "registry": o.registry,
            }
            for o in orgs
        ],
        schema=ORGANISATIONS.arrow_schema(),
    )


def derive_orgs(
    store: Store,
    resolver: Resolver | None = None,
    reference: ReferenceData | None = None,
    reporter: Reporter = SILENT,
) -> DeriveResult:
    """Resolve every author slot and career entry; replace ``organisations``, ``slot_orgs``
    and ``entry_orgs``.

    Example::

        with open_store("talentflow.duckdb") as store:
            derive_orgs(store)
    """
    derive_archive_slots(store, reporter)
    if resolver is None:
        reference = reference if reference is not None else load_reference()
        resolver = Resolver(reference)
    reporter.note(resolver.reference.describe())
    inputs = store.con.sql(_INPUTS_SQL).fetchall()
    with reporter.bar("resolving affiliations", total=len(inputs)) as advance:
        decisions = resolve_inputs(resolver, inputs, on_progress=advance)
    inputs_table = pa.table(
        {
            "input_id": pa.array(range(len(inputs)), pa.int64()),
            "affiliation": pa.array([r[0] for r in inputs], pa.string()),
            "aff_domain": pa.array([r[1] for r in inputs], pa.string()),
            "source_orgs": pa.array([r[2] for r in inputs], pa.list_(pa.string())),
            "source_countries": pa.array([r[3] for r in inputs], pa.list_(pa.string())),
        }
    )
    decisions_table = pa.table(
        {
            "input_id": pa.array(range(len(inputs)), pa.int64()),
            "org_id": [d.org_id for d in decisions],
            "country": [d.country for d in decisions],
            "country_basis": [d.country_basis for d in decisions],
            "hq_country": [d.hq_country for d in decisions],
            "confidence": [d.confidence for d in decisions],
        },
        schema=_DECISION_SCHEMA,
    )
    entries_table = resolve_entries(store, resolver)
    used = {d.org_id for d in decisions if d.org_id}
    used |= {o for o in entries_table.column("org_id").to_pylist() if o}
    orgs_table = organisation_rows(resolver, used)
    con = store.con
    con.register("_tf_org_inputs", inputs_table)
    con.register("_tf_org_decisions", decisions_table)
    try:
        with store.transaction():
            con.execute("DELETE FROM slot_orgs")
            con.execute("DELETE FROM entry_orgs")
            con.execute("DELETE FROM organisations")
            store_organisations(store, orgs_table)
            store.append_arrow(ENTRY_ORGS, entries_table)
            cols = ", ".join(SLOT_ORGS.column_names)
            con.execute(
                f"""
                INSERT INTO slot_orgs ({cols})
                SELECT a.paper_key, a.author_index, d.org_id, d.country, d.country_basis,
                       d.hq_country, d.confidence, ? AS resolver_version
                FROM {SLOT_VALUES_SQL} a
                JOIN _tf_org_inputs i
                  ON a.affiliation IS NOT DISTINCT FROM i.affiliation
                 AND a.aff_domain IS NOT DISTINCT FROM i.aff_domain
                 AND a.source_orgs IS NOT DISTINCT FROM i.source_orgs
                 AND a.source_countries IS NOT DISTINCT FROM i.source_countries
                JOIN _tf_org_decisions d ON d.input_id = i.input_id
                """,
                [resolver.version],
            )
    finally:
        con.unregister("_tf_org_inputs")
        con.unregister("_tf_org_decisions")
    counts = store.con.sql(
        "SELECT count(*), count(org_id), count(country) FROM slot_orgs"
    ).fetchall()[0]
    result = DeriveResult(
        inputs=len(inputs),
        slots=int(counts[0]),
        organisations=orgs_table.num_rows,
        with_org=int(counts[1]),
        with_country=int(counts[2]),
        reference=resolver.reference.describe(),
    )
    reporter.note(
        f"organisations: {result.slots:,} slots from {result.inputs:,} distinct inputs; "
        f"{result.with_org:,} with an organisation, {result.with_country:,} with a country; "
        f"{result.organisations:,} organisations"
    )
    return result


def store_organisations(store: Store, rows: pa.Table) -> None:
    """Append ``organisations`` rows (the only place that writes the table; the caller
    holds the transaction and leaves out ids already stored)."""
    store.append_arrow(ORGANISATIONS, rows)


def resolve_entries(store: Store, resolver: Resolver) -> pa.Table:
    """``entry_orgs`` rows: each distinct (institution, domain) of the career entries with
    its organisation and the country the resolver gives it."""
    pairs = store.con.execute(
        "SELECT DISTINCT institution, domain FROM career_entries "
        "WHERE institution IS NOT NULL OR domain IS NOT NULL ORDER BY 1, 2"
    ).fetchall()
    rows: list[dict[str, Any]] = []
    for institution, domain in pairs:
        found = resolver.resolve(institution, domain)
        rows.append(
            {
                "institution": institution,
                "domain": domain,
                "org_id": found.org_id,
                "org_country": found.country,
            }
        )
    return pa.Table.from_pylist(rows, schema=ENTRY_ORGS.arrow_schema())
