"""The talent graph's schema, declared once.

Every table of the store is declared here; DDL, Arrow schemas and the schema
documentation (``talentflow schema``) are derived from these declarations.
Source facts (papers, author slots) keep where they came from; resolution
decisions (organisations, people) live in their own tables keyed by author slot,
so a wrong decision can be undone without re-ingesting anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

SCHEMA_VERSION = 4

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
    "VARCHAR[]": pa.list_(pa.string()),
}


@dataclass(frozen=True)
class Column:
    """One column: its name, DuckDB type, whether it may be NULL, and what it means."""

    name: str
    type: str
    doc: str
    nullable: bool = True

    @property
    def arrow_type(self) -> pa.DataType:
        return _ARROW_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    """One table of the store."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = field(default_factory=tuple)
    # Unique by construction but not indexed: an index on the bulk tables would
    # double the cost of an ingest. Tests check these keys on the real mirror.
    unique_key: tuple[str, ...] = field(default_factory=tuple)

    def ddl(self) -> str:
        """The CREATE TABLE statement for this table."""
        cols = [f"{c.name} {c.type}{'' if c.nullable else ' NOT NULL'}" for c in self.columns]
        if self.primary_key:
            cols.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  " + ",\n  ".join(cols) + "\n)"

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema used to bulk-load this table."""
        return pa.schema(
            [pa.field(c.name, c.arrow_type, nullable=c.nullable) for c in self.columns]
        )

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _provenance() -> tuple[Column, ...]:
    return (
        Column("source", "VARCHAR", "source the fact came from (e.g. paperlists)", False),
        Column("file_key", "VARCHAR", "the source file, e.g. nips/nips2023", False),
        Column("file_sha256", "VARCHAR", "SHA-256 of the file's uncompressed bytes", False),
        Column("record_index", "INTEGER", "0-based position of the record in its file", False),
    )


INGEST_RUNS = Table(
    "ingest_runs",
    "One row per build run: what it read and how it ended.",
    (
        Column("run_id", "VARCHAR", "unique id of the run", False),
        Column("source", "VARCHAR", "source name", False),
        Column("started_at", "TIMESTAMP", "UTC start time", False),
        Column("finished_at", "TIMESTAMP", "UTC end time"),
        Column("files_seen", "INTEGER", "files the run looked at"),
        Column("files_ingested", "INTEGER", "files whose content was new or changed"),
        Column("files_unchanged", "INTEGER", "files skipped because already ingested"),
        Column("files_bad", "INTEGER", "files that could not be read (with --skip-bad)"),
        Column("software_version", "VARCHAR", "talentflow version"),
        Column("settings_json", "VARCHAR", "the run's settings, as JSON"),
    ),
    ("run_id",),
)

SOURCE_FILES = Table(
    "source_files",
    "Every source file currently in the store, with its hash and counts.",
    (
        Column("file_key", "VARCHAR", "venue/venueYEAR", False),
        Column("source", "VARCHAR", "source name", False),
        Column("venue", "VARCHAR", "venue code (nips, icml, ...)", False),
        Column("year", "INTEGER", "conference year", False),
        Column("location", "VARCHAR", "path or URL the file was read from", False),
        Column("file_sha256", "VARCHAR", "SHA-256 of the uncompressed bytes", False),
        Column("records", "INTEGER", "paper records in the file", False),
        Column("author_slots_listed", "INTEGER", "author names as listed, doubled lists included"),
        Column("author_slots", "INTEGER", "author slots after removing doubled lists", False),
        Column("doubled_lists", "INTEGER", "records whose author list was repeated twice"),
        Column("dropped_fields", "INTEGER", "per-author lists dropped as unalignable"),
        Column(
            "other_edition",
            "INTEGER",
            "records left out: their own pages belong to another edition of the venue",
        ),
        Column("run_id", "VARCHAR", "run that ingested this version", False),
        Column("ingested_at", "TIMESTAMP", "UTC time of ingest", False),
    ),
    ("file_key",),
)

PAPERS = Table(
    "papers",
    "One row per paper record of a source, accepted or not.",
    (
        Column("paper_key", "VARCHAR", "store key: file_key#record_index", False),
        Column("venue", "VARCHAR", "venue code", False),
        Column("year", "INTEGER", "conference year", False),
        Column("paper_id", "VARCHAR", "the source's record id", False),
        Column("title", "VARCHAR", "paper title"),
        Column("track", "VARCHAR", "main, Datasets & Benchmarks, ..."),
        Column("status", "VARCHAR", "the source's status (Oral, Poster, Reject, ...)"),
        Column("accepted", "BOOLEAN", "false for rejected, withdrawn or desk-rejected", False),
        Column("is_oral", "BOOLEAN", "oral or equivalent top presentation", False),
        Column("keywords", "VARCHAR", "the source's keywords, ;-separated"),
        Column("primary_area", "VARCHAR", "the source's primary area"),
        Column("n_authors", "INTEGER", "author slots after removing a doubled list", False),
        Column("doubled_list", "BOOLEAN", "the source repeated the author list twice", False),
        Column("dropped_fields", "VARCHAR[]", "per-author lists that could not be aligned"),
        Column(
            "aff_set",
            "VARCHAR[]",
            "distinct entries of an aff list that could not be aligned with the authors",
        ),
        Column(
            "aff_domain_set",
            "VARCHAR[]",
            "distinct entries of an aff_domain list that could not be aligned",
        ),
        *_provenance(),
    ),
    unique_key=("paper_key",),
)

AUTHORSHIPS = Table(
    "authorships",
    "One row per author slot of a paper record, as the source gave it.",
    (
        Column("paper_key", "VARCHAR", "the paper", False),
        Column("author_index", "INTEGER", "0-based position in the source's author list", False),
        Column("venue", "VARCHAR", "venue code", False),
        Column("year", "INTEGER", "conference year", False),
        Column("accepted", "BOOLEAN", "copied from the paper for fast filtering", False),
        Column("name", "VARCHAR", "author name as given", False),
        Column("profile_id", "VARCHAR", "raw author id (OpenReview ~id, e-mail, IEEE id, ...)"),
        Column("profile_kind", "VARCHAR", "openreview, email, ieee, acl, other"),
        Column("affiliation", "VARCHAR", "affiliation text as given"),
        Column("aff_domain", "VARCHAR", "e-mail or web domain as given"),
        Column("position", "VARCHAR", "career position as given (PhD student, ...)"),
        Column("aff_basis", "VARCHAR", "how the affiliation was aligned to this author"),
        Column("source_orgs", "VARCHAR[]", "the source's own normalised organisation labels"),
        Column("source_countries", "VARCHAR[]", "the source's own country labels"),
        *_provenance(),
    ),
    unique_key=("paper_key", "author_index"),
)

ORGANISATIONS = Table(
    "organisations",
    "Resolved organisations.",
    (
        Column("org_id", "VARCHAR", "stable id", False),
        Column("name", "VARCHAR", "display name", False),
        Column("kind", "VARCHAR", "academia, industry, government, nonprofit, unknown", False),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 of the organisation's main site"),
        Column("hq_country", "VARCHAR", "ISO 3166-1 alpha-2 of the headquarters"),
        Column("parent_org_id", "VARCHAR", "parent organisation"),
        Column("registry", "VARCHAR", "reference table the organisation comes from"),
    ),
    ("org_id",),
)

SLOT_ORGS = Table(
    "slot_orgs",
    "Organisation and country decision per author slot (kept apart from source facts).",
    (
        Column("paper_key", "VARCHAR", "the paper", False),
        Column("author_index", "INTEGER", "the author slot", False),
        Column("org_id", "VARCHAR", "resolved organisation, NULL when unresolved"),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2 where the person is"),
        Column(
            "country_basis",
            "VARCHAR",
            "stated, registry, domain, source (the source's label), hq; inferred from a "
            "paper's unaligned affiliation set: paper_set, person_papers",
        ),
        Column("hq_country", "VARCHAR", "ISO code of the employer's headquarters"),
        Column("confidence", "DOUBLE", "0..1"),
        Column("resolver_version", "VARCHAR", "resolver and reference data version"),
    ),
    ("paper_key", "author_index"),
)

PEOPLE = Table(
    "people",
    "Resolved people (professional data only).",
    (
        Column("person_id", "VARCHAR", "stable id", False),
        Column("display_name", "VARCHAR", "most frequent name form", False),
        Column("strong_id", "VARCHAR", "OpenReview / ORCID / OpenAlex id when known"),
        Column("n_slots", "INTEGER", "author slots linked to this person"),
    ),
    ("person_id",),
)

SLOT_PEOPLE = Table(
    "slot_people",
    "Person decision per author slot, with its evidence.",
    (
        Column("paper_key", "VARCHAR", "the paper", False),
        Column("author_index", "INTEGER", "the author slot", False),
        Column("person_id", "VARCHAR", "the person", False),
        Column(
            "evidence",
            "VARCHAR",
            "strong_id, linkage, pooled, singleton, override, unresolved",
            False,
        ),
        Column("score", "DOUBLE", "match probability where probabilistic"),
    ),
    ("paper_key", "author_index"),
)

PERSON_LINKS = Table(
    "person_links",
    "Each person-resolution judgement on two author slots: linked or refused, why, how sure.",
    (
        Column("person_id", "VARCHAR", "person the left slot ended in", False),
        Column("left_slot", "VARCHAR", "paper_key:author_index", False),
        Column("right_slot", "VARCHAR", "paper_key:author_index", False),
        Column("decision", "VARCHAR", "linked or refused", False),
        Column(
            "evidence",
            "VARCHAR",
            "override, strong_id, linkage, pooled; or the refusing rule",
            False,
        ),
        Column("score", "DOUBLE", "match probability (1 for strong ids)"),
        Column("detail_json", "VARCHAR", "per-comparison match weights or the shared id"),
        Column("resolver_version", "VARCHAR", "resolver version and settings hash"),
    ),
)

PEOPLE_OVERRIDES = Table(
    "people_overrides",
    "User must-link / cannot-link pairs, applied on every person resolution.",
    (
        Column("kind", "VARCHAR", "must-link or cannot-link", False),
        Column("left_ref", "VARCHAR", "paper_key:author_index or a strong id", False),
        Column("right_ref", "VARCHAR", "paper_key:author_index or a strong id", False),
        Column("note", "VARCHAR", "why"),
        Column("added_at", "TIMESTAMP", "UTC time added", False),
    ),
    ("kind", "left_ref", "right_ref"),
)

STINTS = Table(
    "stints",
    "A person's dated spell at an organisation, in a career stage.",
    (
        Column("person_id", "VARCHAR", "the person", False),
        Column("org_id", "VARCHAR", "the organisation"),
        Column("country", "VARCHAR", "ISO code where the stint took place"),
        Column("stage", "VARCHAR", "undergraduate, masters, phd, postdoc, faculty, ..."),
        Column("first_year", "INTEGER", "first year observed"),
        Column("last_year", "INTEGER", "last year observed"),
        Column("evidence", "VARCHAR", "paper, profile, openalex, csv", False),
    ),
)

STINT_STAGES = Table(
    "stint_stages",
    "Each stint's career-stage distribution: the stated stage where a position is stated "
    "(observed), else the stage model's probabilities (careers/stint_stages.py).",
    (
        Column("stint_id", "VARCHAR", "the stint (careers.stint_stages.STINT_ID_SQL)", False),
        Column("person_id", "VARCHAR", "the stint's person", False),
        Column("evidence", "VARCHAR", "the stint's evidence", False),
        Column("stage", "VARCHAR", "one of careers.stages.STAGES", False),
        Column("probability", "DOUBLE", "probability of the stage (1 where observed)", False),
        Column("observed", "BOOLEAN", "the stage is stated, not inferred", False),
        Column("model_version", "VARCHAR", "the stage model that gave the row", False),
    ),
    unique_key=("stint_id", "stage"),
)

MOVES = Table(
    "moves",
    "A person's move between organisations or countries, first observed in a year.",
    (
        Column("person_id", "VARCHAR", "the person", False),
        Column("from_org_id", "VARCHAR", "organisation left"),
        Column("to_org_id", "VARCHAR", "organisation joined"),
        Column("from_country", "VARCHAR", "ISO code left"),
        Column("to_country", "VARCHAR", "ISO code joined"),
        Column("year", "INTEGER", "year the move was first observed", False),
        Column("evidence", "VARCHAR", "paper, profile, openalex, csv", False),
    ),
)

JOB_FILES = Table(
    "job_files",
    "Every job-posting file in the store (issue 10), with its hash and the dataset it feeds.",
    (
        Column("file_key", "VARCHAR", "dataset/path inside the collection", False),
        Column("dataset", "VARCHAR", "posting collection the file belongs to", False),
        Column("location", "VARCHAR", "path the file was read from", False),
        Column("file_sha256", "VARCHAR", "SHA-256 of the file's bytes", False),
        Column("records", "INTEGER", "posting records in the file (before de-duplication)", False),
        Column("run_id", "VARCHAR", "run that ingested this version", False),
        Column("ingested_at", "TIMESTAMP", "UTC time of ingest", False),
    ),
    ("file_key",),
)

JOB_POSTINGS = Table(
    "job_postings",
    "One row per job posting (de-duplicated by the source's item id), as parsed.",
    (
        Column("posting_key", "VARCHAR", "store key: dataset#posting_id", False),
        Column("dataset", "VARCHAR", "collection name or user file name", False),
        Column("posting_id", "VARCHAR", "the source's item id (HN item, comment, row)", False),
        Column("month", "VARCHAR", "YYYY-MM the posting was published, NULL when unknown"),
        Column("posted_at", "TIMESTAMP", "publication time when the source gives one"),
        Column("company", "VARCHAR", "employer as parsed or given"),
        Column("title", "VARCHAR", "role title(s) as parsed or given, ' / '-joined"),
        Column("location", "VARCHAR", "location text as parsed or given"),
        Column("countries", "VARCHAR[]", "ISO 3166-1 alpha-2 codes read from the location"),
        Column("remote", "BOOLEAN", "the posting offers remote work"),
        Column("text", "VARCHAR", "posting text as plain text"),
        Column("skills", "VARCHAR[]", "skills or technologies when the source lists them"),
        Column("source_labels", "VARCHAR", "the source's own (e.g. LLM-derived) labels, JSON"),
        Column("parse_basis", "VARCHAR", "how company/title/location were read", False),
        Column("first_seen", "VARCHAR", "first snapshot/run the item was seen in"),
        Column("last_seen", "VARCHAR", "last snapshot/run the item was seen in"),
        *_provenance(),
    ),
    ("posting_key",),
)

POSTING_ROLES = Table(
    "posting_roles",
    "Role decision per posting (taxonomy resolve/data/roles.json), kept apart from the posting.",
    (
        Column("posting_key", "VARCHAR", "the posting", False),
        Column("role", "VARCHAR", "role id of the taxonomy", False),
        Column("basis", "VARCHAR", "title or text: where the matching term was found", False),
        Column("matched", "VARCHAR", "the term that matched"),
        Column("classifier_version", "VARCHAR", "taxonomy version", False),
    ),
    ("posting_key", "role"),
)

LIVE_RECORDS = Table(
    "live_records",
    "Raw records of the live sources (OpenReview profiles, OpenAlex authors), as fetched.",
    (
        Column("source", "VARCHAR", "openreview or openalex", False),
        Column("kind", "VARCHAR", "profile, author", False),
        Column("record_id", "VARCHAR", "the source's id (~Jane_Doe1, A5023888391)", False),
        Column("url", "VARCHAR", "request the record came from", False),
        Column("fetched_at", "TIMESTAMP", "UTC time it was fetched", False),
        Column("record_sha256", "VARCHAR", "SHA-256 of the record's canonical JSON", False),
        Column("content_json", "VARCHAR", "the record as the API gave it", False),
        Column("run_id", "VARCHAR", "run that ingested this version", False),
    ),
    ("source", "kind", "record_id"),
)

LIVE_IDS = Table(
    "live_ids",
    "Identifiers naming a live record (OpenReview aliases, ORCID, OpenAlex id): the link keys.",
    (
        Column("source", "VARCHAR", "source of the record", False),
        Column("record_id", "VARCHAR", "the record", False),
        Column("id_kind", "VARCHAR", "openreview, orcid, openalex", False),
        Column("id_value", "VARCHAR", "the identifier", False),
    ),
    ("source", "record_id", "id_kind", "id_value"),
)

LIVE_SLOT_LINKS = Table(
    "live_slot_links",
    "Author slots of paper lists linked to an OpenReview id through the accepted paper's note.",
    (
        Column("paper_key", "VARCHAR", "the paper-list paper", False),
        Column("author_index", "INTEGER", "the author slot", False),
        Column("source", "VARCHAR", "openreview", False),
        Column("id_value", "VARCHAR", "the ~id the note lists for this author", False),
        Column("note_id", "VARCHAR", "the OpenReview note (paper) the link comes from", False),
        Column("basis", "VARCHAR", "title+index or title+name", False),
    ),
    ("paper_key", "author_index", "source"),
)

CAREER_ENTRIES = Table(
    "career_entries",
    "Dated career entries of live records (profile history, OpenAlex affiliations), as mapped.",
    (
        Column("source", "VARCHAR", "openreview or openalex", False),
        Column("record_id", "VARCHAR", "the profile or author", False),
        Column("entry_index", "INTEGER", "0-based position in the record's list", False),
        Column("position", "VARCHAR", "position as given (PhD student, ...)"),
        Column("stage", "VARCHAR", "undergraduate, masters, phd, postdoc, faculty, ..."),
        Column("institution", "VARCHAR", "institution name as given"),
        Column("domain", "VARCHAR", "institution web/e-mail domain as given"),
        Column("institution_id", "VARCHAR", "the source's institution id (OpenAlex I...)"),
        Column("country_raw", "VARCHAR", "country as given"),
        Column("country", "VARCHAR", "ISO 3166-1 alpha-2"),
        Column("country_basis", "VARCHAR", "stated or domain"),
        Column("first_year", "INTEGER", "start year"),
        Column("last_year", "INTEGER", "end year (NULL: current or unknown)"),
        Column("evidence", "VARCHAR", "profile or openalex", False),
    ),
    ("source", "record_id", "entry_index"),
)

ENTRY_ORGS = Table(
    "entry_orgs",
    "Organisation decision per distinct (institution, domain) of the career entries.",
    (
        Column("institution", "VARCHAR", "institution name as given"),
        Column("domain", "VARCHAR", "institution web/e-mail domain as given"),
        Column("org_id", "VARCHAR", "resolved organisation, NULL when unresolved"),
        Column("org_country", "VARCHAR", "the organisation's country (ISO alpha-2)"),
    ),
)

ARCHIVE_RECORDS = Table(
    "archive_records",
    "One row per line of a Paper Copilot OpenReview archive 'authors' file, as it came.",
    (
        Column("forum_id", "VARCHAR", "OpenReview forum id (the archive's id)", False),
        Column("venue", "VARCHAR", "venue code", False),
        Column("year", "INTEGER", "conference year", False),
        Column("names", "VARCHAR[]", "the record's author names, in author order"),
        Column("author_ids", "VARCHAR[]", "the record's authorids, in author order"),
        Column("unplaced_profiles", "INTEGER", "profiles with values placed on no author"),
        Column("dropped_fields", "VARCHAR[]", "per-author lists of another length (dropped)"),
        *_provenance(),
    ),
)
"""Unique by (file_key, record_index); empty unless the archive is read, so not declared as
``unique_key`` (the whole-mirror test wants every declared key on a non-empty table)."""

ARCHIVE_AUTHORS = Table(
    "archive_authors",
    "Per-author values of an archive record, placed on the author by or_profile, as given.",
    (
        Column("forum_id", "VARCHAR", "the record's forum id", False),
        Column("author_index", "INTEGER", "0-based position in the record's author list", False),
        Column("profile_index", "INTEGER", "0-based position in or_profile", False),
        Column("profile_id", "VARCHAR", "the or_profile entry the values belong to", False),
        Column("alignment", "VARCHAR", "same_id, id_variant, surname or last_left", False),
        Column("affiliation", "VARCHAR", "affiliation as given ('+' joins profile entries)"),
        Column("aff_domain", "VARCHAR", "e-mail domain as given"),
        Column("position", "VARCHAR", "career position as given"),
        Column("homepage", "VARCHAR", "homepage as given"),
        Column("dblp", "VARCHAR", "DBLP id or URL as given"),
        Column("google_scholar", "VARCHAR", "Google Scholar id or URL as given"),
        Column("orcid", "VARCHAR", "ORCID as given"),
        Column("linkedin", "VARCHAR", "LinkedIn handle or URL as given"),
        *_provenance(),
    ),
)
"""Unique by (file_key, record_index, author_index) (tested in test_archive_build)."""

SLOT_VALUES = Table(
    "slot_values",
    "A slot's affiliation, domain and position when the archive gives or corrects one: "
    "each value with the source that gave it (precedence: docs/papercopilot-openreview.md).",
    (
        Column("paper_key", "VARCHAR", "the slot's paper", False),
        Column("author_index", "INTEGER", "the slot's position", False),
        Column("affiliation", "VARCHAR", "affiliation"),
        Column("affiliation_source", "VARCHAR", "paperlists or papercopilot_openreview"),
        Column("aff_domain", "VARCHAR", "e-mail domain"),
        Column("aff_domain_source", "VARCHAR", "paperlists or papercopilot_openreview"),
        Column("position", "VARCHAR", "career position"),
        Column("position_source", "VARCHAR", "paperlists or papercopilot_openreview"),
        Column("forum_id", "VARCHAR", "the archive record placed on the slot"),
        Column("profile_id", "VARCHAR", "the archive profile placed on the slot"),
        Column(
            "paper_misaligned",
            "BOOLEAN",
            "the paper list's values follow or_profile, not its authors (not used)",
            False,
        ),
    ),
)
"""Unique by (paper_key, author_index) (tested in test_archive_build)."""

SLOT_KEYS = Table(
    "slot_keys",
    "A slot's identity keys (ORCID, DBLP, Google Scholar, homepage, LinkedIn), normalised.",
    (
        Column("paper_key", "VARCHAR", "the slot's paper", False),
        Column("author_index", "INTEGER", "the slot's position", False),
        Column("kind", "VARCHAR", "orcid, dblp, google_scholar, homepage or linkedin", False),
        Column("key", "VARCHAR", "the normalised key (sources/identity_keys.py)", False),
        Column("source", "VARCHAR", "the source that gave it (papercopilot_openreview)", False),
        Column("profile_id", "VARCHAR", "the OpenReview profile the source gave it for"),
        Column("holders", "INTEGER", "how many of the source's profiles hold this key", False),
    ),
)
"""Unique by (paper_key, author_index, kind, key) (tested in test_identity_derive)."""

PROFILE_LINKS = Table(
    "profile_links",
    "Two OpenReview profiles judged one researcher by an identity key both hold, and only "
    "they, with names that agree (docs/papercopilot-openreview.md).",
    (
        Column("profile_a", "VARCHAR", "the first profile id (sorted)", False),
        Column("profile_b", "VARCHAR", "the second profile id", False),
        Column("kind", "VARCHAR", "the key's kind", False),
        Column("key", "VARCHAR", "the key both hold", False),
    ),
)

META = Table(
    "store_meta",
    "Key/value facts about the store (schema version, ...).",
    (
        Column("key", "VARCHAR", "name", False),
        Column("value", "VARCHAR", "value", False),
    ),
    ("key",),
)

TABLES: tuple[Table, ...] = (
    META,
    INGEST_RUNS,
    SOURCE_FILES,
    PAPERS,
    AUTHORSHIPS,
    ORGANISATIONS,
    SLOT_ORGS,
    PEOPLE,
    SLOT_PEOPLE,
    PERSON_LINKS,
    PEOPLE_OVERRIDES,
    STINTS,
    STINT_STAGES,
    MOVES,
    JOB_FILES,
    JOB_POSTINGS,
    POSTING_ROLES,
    LIVE_RECORDS,
    LIVE_IDS,
    CAREER_ENTRIES,
    ENTRY_ORGS,
    LIVE_SLOT_LINKS,
    ARCHIVE_RECORDS,
    ARCHIVE_AUTHORS,
    SLOT_VALUES,
    SLOT_KEYS,
    PROFILE_LINKS,
)


def table(name: str) -> Table:
    """Look a table declaration up by name."""
    for t in TABLES:
        if t.name == name:
            return t
    raise KeyError(name)


def markdown() -> str:
    """The schema as Markdown, for the docs."""
    out = [f"# Store schema (version {SCHEMA_VERSION})", ""]
    for t in TABLES:
        out += [f"## `{t.name}`", "", t.doc, "", "| column | type | meaning |", "|---|---|---|"]
        out += [f"| `{c.name}` | {c.type} | {c.doc} |" for c in t.columns]
        if t.primary_key:
            out += ["", f"Primary key: ({', '.join(t.primary_key)})."]
        if t.unique_key:
            out += [
                "",
                f"Unique: ({', '.join(t.unique_key)}), by construction (not indexed, "
                "so that bulk ingest stays fast).",
            ]
        out.append("")
    return "\n".join(out)
