"""The OpenAlex snapshot, read at scale by DuckDB or Spark, into the talent-graph tables.

The snapshot layout (docs.openalex.org, "download the snapshot")::

    SNAPSHOT/data/works/updated_date=2024-01-15/part_000.gz     gzipped JSON lines
    SNAPSHOT/data/authors/updated_date=2024-01-15/part_000.gz

An entity appears once per update, in the folder of the date it changed: the newest copy
(by its ``updated_date`` field) wins. Only the fields talentflow uses are read, with an
explicit schema (no inference pass over billions of lines): works give papers, author slots,
organisation and person decisions (the OpenAlex author id is a strong id); authors give
people and their dated affiliations as stints (evidence ``openalex``).

Reading is engine-specific (DuckDB ``read_json``, Spark ``spark.read.json``); everything after
it is the same portable SQL (:data:`TABLE_QUERIES`) on both engines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from talentflow.errors import TalentflowError

SOURCE = "openalex"
PREFIX = "https://openalex.org/"

# The fields read, as DuckDB types and Spark DDL (declared once, rendered for both).
_INSTITUTION = (
    ("id", "VARCHAR"),
    ("display_name", "VARCHAR"),
    ("ror", "VARCHAR"),
    ("country_code", "VARCHAR"),
    ("type", "VARCHAR"),
)
_AUTHOR_REF = (("id", "VARCHAR"), ("display_name", "VARCHAR"), ("orcid", "VARCHAR"))
_AUTHORSHIP = (
    ("author", _AUTHOR_REF),
    ("author_position", "VARCHAR"),
    ("raw_author_name", "VARCHAR"),
    ("raw_affiliation_strings", ["VARCHAR"]),
    ("countries", ["VARCHAR"]),
    ("institutions", [_INSTITUTION]),
)
WORK_FIELDS = (
    ("id", "VARCHAR"),
    ("title", "VARCHAR"),
    ("publication_year", "INTEGER"),
    ("type", "VARCHAR"),
    ("updated_date", "VARCHAR"),
    ("primary_location", (("source", (("id", "VARCHAR"), ("display_name", "VARCHAR"))),)),
    ("authorships", [_AUTHORSHIP]),
)
AUTHOR_FIELDS = (
    ("id", "VARCHAR"),
    ("display_name", "VARCHAR"),
    ("orcid", "VARCHAR"),
    ("works_count", "INTEGER"),
    ("updated_date", "VARCHAR"),
    ("affiliations", [(("institution", _INSTITUTION), ("years", ["INTEGER"]))]),
)

_SPARK_SCALARS = {"VARCHAR": "STRING", "INTEGER": "INT"}


def duckdb_type(spec: object) -> str:
    """A field spec as a DuckDB type."""
    if isinstance(spec, str):
        return spec
    if isinstance(spec, list):
        return duckdb_type(spec[0]) + "[]"
    assert isinstance(spec, tuple)
    return "STRUCT(" + ", ".join(f'"{n}" {duckdb_type(t)}' for n, t in spec) + ")"


def spark_type(spec: object) -> str:
    """A field spec as a Spark DDL type."""
    if isinstance(spec, str):
        return _SPARK_SCALARS[spec]
    if isinstance(spec, list):
        return f"ARRAY<{spark_type(spec[0])}>"
    assert isinstance(spec, tuple)
    return "STRUCT<" + ", ".join(f"`{n}`: {spark_type(t)}" for n, t in spec) + ">"


def entity_dir(snapshot: Path, entity: str) -> Path:
    """``SNAPSHOT/data/<entity>`` (or ``SNAPSHOT/<entity>``) holding ``updated_date=`` folders."""
    for candidate in (snapshot / "data" / entity, snapshot / entity):
        if candidate.is_dir():
            return candidate
    raise TalentflowError(
        f"{snapshot}: no {entity}/ folder (expected data/{entity}/updated_date=…)"
    )


def entity_files(snapshot: Path, entity: str) -> list[Path]:
    """The gzipped JSON-lines parts of one entity, every update date."""
    files = sorted(entity_dir(snapshot, entity).glob("updated_date=*/*.gz"))
    if not files:
        raise TalentflowError(f"{snapshot}: no {entity}/updated_date=*/*.gz parts")
    return files


# Newest copy of each entity (portable: QUALIFY becomes a sub-query on Spark).
_LATEST = """
SELECT * FROM {raw}
QUALIFY row_number() OVER (PARTITION BY id ORDER BY updated_date DESC) = 1
"""

_SHORT = "replace({col}, 'https://openalex.org/', '')"

SLOTS_SQL = f"""
WITH exploded AS (
  SELECT w.id AS work_id, w.publication_year AS year, u.a AS a, u.i AS i
  FROM openalex_works w CROSS JOIN UNNEST(w.authorships) WITH ORDINALITY AS u(a, i)
  WHERE w.publication_year IS NOT NULL
)
SELECT 'openalex:' || {_SHORT.format(col="work_id")} AS paper_key,
       -- DuckDB numbers from 1, Spark from 0: count from the work's first slot.
       CAST(i - min(i) OVER (PARTITION BY work_id) AS INTEGER) AS author_index,
       CAST(year AS INTEGER) AS year, a
FROM exploded
"""

_KIND = (
    "CASE {t} WHEN 'education' THEN 'academia' WHEN 'company' THEN 'industry' "
    "WHEN 'government' THEN 'government' WHEN 'nonprofit' THEN 'nonprofit' "
    "WHEN 'healthcare' THEN 'academia' WHEN 'facility' THEN 'academia' ELSE 'unknown' END"
)

TABLE_QUERIES: dict[str, str] = {
    "papers": f"""
SELECT 'openalex:' || {_SHORT.format(col="w.id")} AS paper_key,
       coalesce({_SHORT.format(col="w.primary_location.source.id")}, 'openalex') AS venue,
       CAST(w.publication_year AS INTEGER) AS year,
       {_SHORT.format(col="w.id")} AS paper_id, w.title, CAST(NULL AS VARCHAR) AS track,
       w.type AS status, true AS accepted, false AS is_oral,
       CAST(NULL AS VARCHAR) AS keywords, CAST(NULL AS VARCHAR) AS primary_area,
       CAST(coalesce(array_length(w.authorships), 0) AS INTEGER) AS n_authors,
       false AS doubled_list, CAST(NULL AS VARCHAR[]) AS dropped_fields,
       CAST(NULL AS VARCHAR[]) AS aff_set, CAST(NULL AS VARCHAR[]) AS aff_domain_set,
       'openalex' AS source, 'openalex/works' AS file_key, :snapshot AS file_sha256,
       0 AS record_index
FROM openalex_works w
WHERE w.publication_year IS NOT NULL
""",
    "authorships": f"""
SELECT s.paper_key, s.author_index,
       coalesce({_SHORT.format(col="w.primary_location.source.id")}, 'openalex') AS venue,
       s.year, true AS accepted,
       coalesce(s.a.raw_author_name, s.a.author.display_name, '') AS name,
       {_SHORT.format(col="s.a.author.id")} AS profile_id,
       CASE WHEN s.a.author.id IS NOT NULL THEN 'openalex' END AS profile_kind,
       s.a.raw_affiliation_strings[1] AS affiliation, CAST(NULL AS VARCHAR) AS aff_domain,
       CAST(NULL AS VARCHAR) AS position, 'openalex' AS aff_basis,
       list_transform(s.a.institutions, lambda x: x.display_name) AS source_orgs,
       s.a.countries AS source_countries,
       'openalex' AS source, 'openalex/works' AS file_key, :snapshot AS file_sha256,
       0 AS record_index
FROM openalex_slots s
JOIN openalex_works w ON 'openalex:' || {_SHORT.format(col="w.id")} = s.paper_key
""",
    "slot_people": f"""
SELECT paper_key, author_index, 'openalex:' || {_SHORT.format(col="a.author.id")} AS person_id,
       'strong_id' AS evidence, CAST(NULL AS DOUBLE) AS score
FROM openalex_slots
WHERE a.author.id IS NOT NULL
""",
    "slot_orgs": f"""
SELECT paper_key, author_index,
       'openalex:' || {_SHORT.format(col="a.institutions[1].id")} AS org_id,
       coalesce(a.institutions[1].country_code, a.countries[1]) AS country,
       CASE WHEN a.institutions[1].country_code IS NOT NULL THEN 'registry'
            ELSE 'stated' END AS country_basis,
       CAST(NULL AS VARCHAR) AS hq_country, CAST(NULL AS DOUBLE) AS confidence,
       'openalex' AS resolver_version
FROM openalex_slots
WHERE a.institutions[1].id IS NOT NULL OR a.countries[1] IS NOT NULL
""",
    "organisations": f"""
WITH named AS (
  SELECT inst.id, inst.display_name, inst.country_code, inst.type FROM (
    SELECT UNNEST(a.institutions) AS inst FROM openalex_slots
  ) slot_institutions
  UNION ALL
  SELECT aff.institution.id, aff.institution.display_name, aff.institution.country_code,
         aff.institution.type
  FROM (SELECT UNNEST(affiliations) AS aff FROM openalex_authors) author_affiliations
)
SELECT 'openalex:' || {_SHORT.format(col="id")} AS org_id,
       coalesce(max(display_name), {_SHORT.format(col="id")}) AS name,
       {_KIND.format(t="max(type)")} AS kind, max(country_code) AS country,
       CAST(NULL AS VARCHAR) AS hq_country, CAST(NULL AS VARCHAR) AS parent_org_id,
       'openalex' AS registry
FROM named
WHERE id IS NOT NULL
GROUP BY id
""",
    "people": f"""
SELECT 'openalex:' || {_SHORT.format(col="id")} AS person_id,
       coalesce(display_name, '') AS display_name,
       {_SHORT.format(col="id")} AS strong_id, CAST(works_count AS INTEGER) AS n_slots
FROM openalex_authors
""",
    "stints": f"""
SELECT 'openalex:' || {_SHORT.format(col="au.id")} AS person_id,
       'openalex:' || {_SHORT.format(col="aff.institution.id")} AS org_id,
       aff.institution.country_code AS country, CAST(NULL AS VARCHAR) AS stage,
       CAST(list_min(aff.years) AS INTEGER) AS first_year,
       CAST(list_max(aff.years) AS INTEGER) AS last_year,
       'openalex' AS evidence
FROM openalex_authors au CROSS JOIN UNNEST(au.affiliations) AS u(aff)
WHERE aff.institution.id IS NOT NULL AND array_length(aff.years) > 0
""",
}

# Order of loading: the queries above read these intermediate views.
INTERMEDIATE = ("openalex_works", "openalex_authors", "openalex_slots")


def duckdb_raw_sql(snapshot: Path, entity: str) -> str:
    """DuckDB's read of one entity's parts, with the explicit schema."""
    fields = WORK_FIELDS if entity == "works" else AUTHOR_FIELDS
    files = ", ".join("'" + str(f).replace("'", "''") + "'" for f in entity_files(snapshot, entity))
    columns = "{" + ", ".join(f"'{n}': '{duckdb_type(t)}'" for n, t in fields) + "}"
    return (
        f"SELECT * FROM read_json([{files}], format = 'newline_delimited', "
        f"compression = 'gzip', columns = {columns}, hive_partitioning = false)"
    )


def load_into_store(store: object, snapshot: Path, label: str = "snapshot") -> dict[str, int]:
    """Read a snapshot with DuckDB and append its tables to ``store`` in one transaction.

    Returns the rows added per table. ``label`` (e.g. the snapshot's date) is kept as the
    rows' ``file_sha256`` provenance.
    """
    from talentflow.engines import render
    from talentflow.graph.schema import table
    from talentflow.graph.store import Store

    assert isinstance(store, Store)
    con = store.con
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW openalex_works_raw AS {duckdb_raw_sql(snapshot, 'works')}"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW openalex_authors_raw AS {duckdb_raw_sql(snapshot, 'authors')}"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE openalex_works AS "
        + render(_LATEST.format(raw="openalex_works_raw"), None, "duckdb")
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE openalex_authors AS "
        + render(_LATEST.format(raw="openalex_authors_raw"), None, "duckdb")
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE openalex_slots AS " + render(SLOTS_SQL, None, "duckdb")
    )
    added: dict[str, int] = {}
    try:
        with store.transaction():
            for name, query in TABLE_QUERIES.items():
                t = table(name)
                cols = ", ".join(t.column_names)
                text = render(query, {"snapshot": label}, "duckdb")
                before = int(store.scalar(f"SELECT count(*) FROM {name}"))
                con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM ({text}) q")
                added[name] = int(store.scalar(f"SELECT count(*) FROM {name}")) - before
    finally:
        for view in ("openalex_slots", "openalex_works", "openalex_authors"):
            con.execute(f"DROP TABLE IF EXISTS {view}")
        for view in ("openalex_works_raw", "openalex_authors_raw"):
            con.execute(f"DROP VIEW IF EXISTS {view}")
    return added


def spark_tables(
    session: object, snapshot: Path, out_dir: Path, label: str = "snapshot"
) -> dict[str, int]:
    """Read a snapshot with Spark and write the talent-graph tables as Parquet to ``out_dir``
    (the layout of ``talentflow export tables``; tables the snapshot does not fill are empty).

    Returns the rows written per table.
    """
    import json

    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from talentflow.engines import render
    from talentflow.engines.spark import SPARK_TYPES, ddl
    from talentflow.graph.parquet import MANIFEST, PARTITION_BY
    from talentflow.graph.schema import SCHEMA_VERSION, TABLES, table

    assert isinstance(session, SparkSession)
    spark = session.newSession()
    for entity, fields in (("works", WORK_FIELDS), ("authors", AUTHOR_FIELDS)):
        entity_files(snapshot, entity)  # names a missing folder clearly
        schema = ", ".join(f"`{n}` {spark_type(t)}" for n, t in fields)
        raw = (
            spark.read.schema(schema)
            .option("recursiveFileLookup", "true")
            .option("pathGlobFilter", "*.gz")
            .json(str(entity_dir(snapshot, entity)))
        )
        raw.createOrReplaceTempView(f"openalex_{entity}_raw")
        latest = spark.sql(render(_LATEST.format(raw=f"openalex_{entity}_raw"), None, "spark"))
        # read and de-duplicated once, kept for the table queries (see SparkEngine.kept)
        latest.localCheckpoint(eager=True).createOrReplaceTempView(f"openalex_{entity}")
    slots = spark.sql(render(SLOTS_SQL, None, "spark"))
    slots.localCheckpoint(eager=True).createOrReplaceTempView("openalex_slots")
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    for t in TABLES:
        if t.name in TABLE_QUERIES:
            frame = spark.sql(render(TABLE_QUERIES[t.name], {"snapshot": label}, "spark"))
            frame = frame.select(
                *[F.col(f"`{c.name}`").cast(SPARK_TYPES[c.type]).alias(c.name) for c in t.columns]
            )
        else:
            frame = spark.createDataFrame([], ddl(t))
        writer = frame.write.mode("overwrite")
        parts = PARTITION_BY.get(t.name, ())
        if parts:
            writer = writer.partitionBy(*parts)
        writer.parquet(str(out_dir / t.name))
        rows[t.name] = (
            spark.read.parquet(str(out_dir / t.name)).count() if t.name in TABLE_QUERIES else 0
        )
    table("store_meta")
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "rows": rows,
        "partition_by": {t.name: list(PARTITION_BY.get(t.name, ())) for t in TABLES},
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return rows


def snapshot_label(snapshot: Path) -> str:
    """A fingerprint of a snapshot: the SHA-256 of its parts' paths and sizes (hashing the
    content of hundreds of gigabytes would cost as much as reading it). Kept as the rows'
    ``file_sha256``, so a rebuild can tell the same snapshot from another."""
    import hashlib

    digest = hashlib.sha256()
    for entity in ("works", "authors"):
        root = entity_dir(snapshot, entity)
        for f in entity_files(snapshot, entity):
            digest.update(f"{entity}/{f.relative_to(root)}\t{f.stat().st_size}\n".encode())
    return digest.hexdigest()


@dataclass
class SnapshotBuildResult:
    """What ``talentflow build --source openalex --mirror SNAPSHOT`` did."""

    snapshot: str
    label: str
    engine: str
    rows: dict[str, int]
    unchanged: bool = False
    tables_dir: str | None = None
    bad_files: list[str] = field(default_factory=list)  # same shape as a paper-list build

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "source": SOURCE,
            "snapshot": self.snapshot,
            "snapshot_sha256": self.label,
            "engine": self.engine,
            "unchanged": self.unchanged,
        }
        if self.tables_dir is not None:
            out["tables"] = self.tables_dir
        out.update({f"rows_{name}": n for name, n in self.rows.items()})
        return out


def build_from_snapshot(
    snapshot: Path,
    *,
    db: Path | None = None,
    engine: str = "duckdb",
    tables_dir: Path | None = None,
    master: str = "local[2]",
    conf: Mapping[str, str] | None = None,
) -> SnapshotBuildResult:
    """Read an OpenAlex snapshot with DuckDB into the store, or with Spark into a tables
    directory (``tables_dir``, the layout ``--engine spark --tables DIR`` reads).

    DuckDB: one transaction; a rebuild from the same snapshot (same parts, same sizes)
    changes nothing, and a store already holding another snapshot is refused (build it into
    a new store). Spark: the tables directory is written anew.
    """
    if engine not in ("duckdb", "spark"):
        raise TalentflowError(f"unknown engine '{engine}' (available: duckdb, spark)")
    if not snapshot.is_dir():
        raise TalentflowError(f"{snapshot}: no such OpenAlex snapshot folder")
    label = snapshot_label(snapshot)
    if engine == "spark":
        if tables_dir is None:
            raise TalentflowError(
                "--engine spark writes Parquet tables: give the directory with --tables DIR"
            )
        from talentflow.engines.spark import spark_session

        session = spark_session(master, conf)
        rows = spark_tables(session, snapshot, tables_dir, label=label)
        return SnapshotBuildResult(
            str(snapshot), label, f"spark {master}", rows, tables_dir=str(tables_dir)
        )
    if tables_dir is not None:
        raise TalentflowError(
            "--tables is written by --engine spark; DuckDB reads the snapshot into the store "
            "(--db), which 'talentflow export tables' can then write as Parquet"
        )
    from talentflow.graph.store import open_store

    with open_store(db) as store:
        held = [
            str(r["file_sha256"])
            for r in store.query(
                "SELECT DISTINCT file_sha256 FROM papers WHERE source = ? AND file_key = ?",
                [SOURCE, "openalex/works"],
            )
        ]
        if held == [label]:
            return SnapshotBuildResult(str(snapshot), label, "duckdb", {}, unchanged=True)
        if held:
            raise TalentflowError(
                f"the store already holds another OpenAlex snapshot ({held[0][:12]}…); "
                "build this one into a new store (--db)"
            )
        rows = load_into_store(store, snapshot, label=label)
    return SnapshotBuildResult(str(snapshot), label, "duckdb", rows)
