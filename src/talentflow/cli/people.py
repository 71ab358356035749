"""People commands: search, show, re-resolve, and must-link / cannot-link overrides.

Only professional data is shown (papers, organisations, countries); never any estimate
of where a name comes from.
"""

import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from talentflow.cli.options import DbOption, FormatOption, reports_errors
from talentflow.cli.output import OutputFormat, emit, section_rows, stderr
from talentflow.errors import TalentflowError

if TYPE_CHECKING:
    from talentflow.graph.store import Store
    from talentflow.progress import Reporter

people_app = typer.Typer(
    help="People: one person across papers, venues and years.", no_args_is_help=True
)

_SEARCH_SQL = """
SELECT p.person_id, p.display_name, p.strong_id, p.n_slots,
       min(a.year) AS first_year, max(a.year) AS last_year,
       string_agg(DISTINCT a.venue, ',' ORDER BY a.venue) AS venues,
       arg_max(coalesce(o.name, a.affiliation), a.year) AS latest_affiliation
FROM people p
JOIN slot_people sp ON sp.person_id = p.person_id
JOIN authorships a ON a.paper_key = sp.paper_key AND a.author_index = sp.author_index
LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
LEFT JOIN organisations o ON o.org_id = so.org_id
WHERE p.person_id IN (
    SELECT sp2.person_id FROM slot_people sp2
    JOIN authorships a2 ON a2.paper_key = sp2.paper_key AND a2.author_index = sp2.author_index
    WHERE {conditions}
)
GROUP BY p.person_id, p.display_name, p.strong_id, p.n_slots
ORDER BY p.n_slots DESC, p.person_id
LIMIT ?
"""

_PAPERS_SQL = """
SELECT a.year, a.venue, pa.title, pa.status, a.name AS name_as_written,
       sp.paper_key || ':' || sp.author_index AS slot, sp.evidence, sp.score,
       a.affiliation, a.aff_domain, a.position,
       so.org_id, o.name AS org, o.kind AS org_kind, so.country
FROM slot_people sp
JOIN authorships a ON a.paper_key = sp.paper_key AND a.author_index = sp.author_index
JOIN papers pa ON pa.paper_key = sp.paper_key
LEFT JOIN slot_orgs so ON so.paper_key = sp.paper_key AND so.author_index = sp.author_index
LEFT JOIN organisations o ON o.org_id = so.org_id
WHERE sp.person_id = ?
ORDER BY a.year, a.venue, pa.title, sp.paper_key
"""


def search_people(store: "Store", query: str, limit: int = 20) -> list[dict[str, Any]]:
    """People whose name, as any source wrote it, has every word of ``query`` (any order)."""
    from talentflow.resolve.names import parse_name

    parsed = parse_name(query)
    words = [*parsed.given, parsed.family] if parsed.family else []
    if not words:
        words = [w for w in query.lower().split() if w]
    if not words:
        raise TalentflowError("give a name to search for")
    # Whole words: "wang wei" finds Wei Wang and Wang Wei, not Liwei Wang.
    conditions = " AND ".join(
        "regexp_matches(lower(strip_accents(replace(a2.name, '-', ''))), ?)" for _ in words
    )
    params: list[Any] = [f"(^|[^a-z]){re.escape(w)}([^a-z]|$)" for w in words]
    return store.query(_SEARCH_SQL.format(conditions=conditions), [*params, limit])


def show_person(store: "Store", person_id: str) -> dict[str, Any]:
    """A person's papers, organisations and countries over time (professional data only)."""
    people = store.query(
        "SELECT person_id, display_name, strong_id, n_slots FROM people WHERE person_id = ?",
        [person_id],
    )
    if not people:
        raise TalentflowError(f"no person '{person_id}' (find ids with 'talentflow people search')")
    papers = store.query(_PAPERS_SQL, [person_id])
    orgs: dict[tuple[str, str], dict[str, Any]] = {}
    for p in papers:
        label = p["org"] or p["affiliation"] or ""
        if not label:
            continue
        key = (label, p["country"] or "")
        row = orgs.setdefault(
            key,
            {
                "organisation": label,
                "org_id": p["org_id"],
                "country": p["country"] or "",
                "first_year": p["year"],
                "last_year": p["year"],
                "papers": 0,
            },
        )
        row["first_year"] = min(row["first_year"], p["year"])
        row["last_year"] = max(row["last_year"], p["year"])
        row["papers"] += 1
    countries: dict[str, dict[str, Any]] = {}
    for p in papers:
        if not p["country"]:
            continue
        c = countries.setdefault(
            p["country"], {"country": p["country"], "first_year": p["year"], "last_year": 0}
        )
        c["first_year"] = min(c["first_year"], p["year"])
        c["last_year"] = max(c["last_year"], p["year"])
    links = store.query(
        "SELECT left_slot, right_slot, decision, evidence, score FROM person_links "
        "WHERE person_id = ? ORDER BY decision, score DESC NULLS LAST LIMIT 200",
        [person_id],
    )
    return {
        "person": people[0],
        "papers": papers,
        "organisations": sorted(orgs.values(), key=lambda r: (r["first_year"], r["organisation"])),
        "countries": sorted(countries.values(), key=lambda r: (r["first_year"], r["country"])),
        "decisions": links,
    }


def _years_as_text(rows: list[dict[str, Any]], fmt: OutputFormat) -> list[dict[str, Any]]:
    """Tables print integers with thousands separators: years are shown as text there."""
    if fmt is not OutputFormat.table:
        return rows
    keys = ("year", "first_year", "last_year")
    return [{k: (str(v) if k in keys and v is not None else v) for k, v in r.items()} for r in rows]


@people_app.command("search")
@reports_errors
def search_cmd(
    name: Annotated[str, typer.Argument(help="A name or part of one, any order.")],
    limit: Annotated[int, typer.Option(help="At most this many people.")] = 20,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Find people by name (every word must appear; accents and order do not matter).

    Example: talentflow people search "Yoshua Bengio" --format json
    """
    from talentflow.cli.validate import positive
    from talentflow.graph.store import open_store

    positive("--limit", limit)
    with open_store(db, read_only=True) as store:
        rows = search_people(store, name, limit)
    emit(
        fmt,
        {"query": name, "people": rows},
        _years_as_text(rows, fmt),
        title=f"people matching '{name}'",
    )


@people_app.command("show")
@reports_errors
def show_cmd(
    person_id: Annotated[str, typer.Argument(help="A person id from 'people search'.")],
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """A person's papers, organisations and countries over time, and the linking decisions.

    Example: talentflow people show P1a2b3c4d5e6f --format json
    """
    from talentflow.graph.store import open_store

    with open_store(db, read_only=True) as store:
        data = show_person(store, person_id)
    if fmt is OutputFormat.table:
        emit(fmt, data, section_rows(data["person"]), title="person")
        orgs, countries = data["organisations"], data["countries"]
        emit(fmt, data, _years_as_text(orgs, fmt), title="organisations over time")
        emit(fmt, data, _years_as_text(countries, fmt), title="countries over time")
        emit(fmt, data, _years_as_text(data["papers"], fmt), title="papers")
        emit(fmt, data, data["decisions"], title="decisions")
    else:
        emit(fmt, data, data["papers"])


@people_app.command("resolve")
@reports_errors
def resolve_cmd(
    overrides: Annotated[
        Path | None,
        typer.Option(
            help="Plain file of 'must-link|cannot-link,LEFT,RIGHT[,note]' lines "
            "(slot refs paper_key:author_index or strong ids); stored, then applied."
        ),
    ] = None,
    threshold: Annotated[
        float, typer.Option(help="Minimum match probability to link two mentions.")
    ] = 0.99,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Re-resolve people from the stored slots (no re-ingest), applying overrides.

    Example: talentflow people resolve --overrides people-overrides.csv
    """
    from talentflow.cli.validate import probability
    from talentflow.graph.store import open_store
    from talentflow.resolve.people import PeopleSettings, derive_people, read_overrides_file

    probability("--threshold", threshold)
    with open_store(db) as store:
        for o in read_overrides_file(overrides) if overrides is not None else []:
            _check_refs(store, o.left, o.right, where=f"{overrides}: ")
        result = derive_people(
            store, PeopleSettings(threshold=threshold), overrides, reporter=_rich()
        )
        _report(_with_downstream(store, result.as_dict()), fmt)


_REF_SQL = """
SELECT count(*) FROM authorships
WHERE paper_key || ':' || CAST(author_index AS VARCHAR) = ?
   OR (profile_kind IN ({kinds}) AND (profile_id = ? OR profile_kind || ':' || profile_id = ?))
"""


def _check_refs(store: "Store", *refs: str, where: str = "") -> None:
    """Refuse a slot ref or strong id that no author slot of the store has."""
    from talentflow.resolve.people.features import STRONG_KINDS

    query = _REF_SQL.format(kinds=", ".join(f"'{k}'" for k in sorted(STRONG_KINDS)))
    for ref in refs:
        if not store.scalar(query, [ref, ref, ref]):
            raise TalentflowError(
                f"{where}{ref!r} is no author slot (paper_key:author_index) or strong id in the "
                "store: nothing was stored (find refs with 'talentflow people show')"
            )


def _override(kind: str, left: str, right: str, note: str, db: Path | None, fmt: Any) -> None:
    from talentflow.graph.store import open_store
    from talentflow.resolve.people import Override, add_overrides, derive_people

    with open_store(db) as store:
        _check_refs(store, left, right)
        add_overrides(store, [Override(kind, left, right, note)])
        result = derive_people(store, reporter=_rich())
        _report(_with_downstream(store, result.as_dict()), fmt)


def _rich() -> "Reporter":
    from talentflow.build.progress import RICH

    return RICH


def _with_downstream(store: "Store", data: dict[str, Any]) -> dict[str, Any]:
    """Derive again what depends on people (affiliation sets, careers, live stints)."""
    from talentflow.build import derive_downstream

    return {**data, "rederived": ", ".join(derive_downstream(store, "people", _rich()))}


def _report(data: dict[str, Any], fmt: OutputFormat) -> None:
    if data.get("unknown_override_refs"):
        stderr.print(
            "override references not found in the store: "
            + ", ".join(data["unknown_override_refs"]),
            highlight=False,
        )
    rows = [{"measure": k, "value": v} for k, v in data.items() if k != "unknown_override_refs"]
    emit(fmt, data, rows, title="people")


LeftRef = Annotated[str, typer.Argument(help="Slot ref (paper_key:author_index) or strong id.")]
RightRef = Annotated[str, typer.Argument(help="Slot ref or strong id.")]
NoteOption = Annotated[str, typer.Option(help="Why.")]


@people_app.command("link")
@reports_errors
def link_cmd(
    left: LeftRef,
    right: RightRef,
    note: NoteOption = "",
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Record that two mentions are the same person (must-link), then re-resolve.

    Example: talentflow people link "iclr/iclr2021#12:0" "nips/nips2021#40:2"
    """
    _override("must-link", left, right, note, db, fmt)


@people_app.command("unlink")
@reports_errors
def unlink_cmd(
    left: LeftRef,
    right: RightRef,
    note: NoteOption = "",
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Undo a wrong merge: record that two mentions are different people, then re-resolve.

    Example: talentflow people unlink "iclr/iclr2021#12:0" "nips/nips2021#40:2"
    """
    _override("cannot-link", left, right, note, db, fmt)


@people_app.command("forget")
@reports_errors
def forget_cmd(
    left: LeftRef,
    right: RightRef,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.table,
) -> None:
    """Remove the overrides on two mentions (undo a link/unlink), then re-resolve.

    Example: talentflow people forget "iclr/iclr2021#12:0" "nips/nips2021#40:2"
    """
    from talentflow.graph.store import open_store
    from talentflow.resolve.people import derive_people, remove_overrides

    with open_store(db) as store:
        removed = remove_overrides(store, left, right)
        if not removed:
            raise TalentflowError(f"no override on '{left}' and '{right}'")
        result = derive_people(store, reporter=_rich())
        _report(_with_downstream(store, result.as_dict()), fmt)
