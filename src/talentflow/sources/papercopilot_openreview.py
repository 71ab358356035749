"""Paper Copilot's OpenReview archive: per-paper author enrichment keyed by forum id.

Two kinds of file, both one JSON object per line (``.jsonl``, or ``.jsonl.gz`` in a
mirror): ``authors/<venue>/<venue><year>.jsonl`` gives per author an affiliation,
e-mail domain, career position and identity keys (ORCID, DBLP, Google Scholar,
homepage, LinkedIn); ``venues/<venue>/<venue><year>.jsonl`` gives full paper
records (title, status, track, authors) for the small venues.

The per-author lists follow ``or_profile`` (the profiles the archive fetched), whose
order can differ from ``author``/``authorids``: every value is placed on its author
by aligning ``or_profile`` with ``authorids`` (:func:`align_profiles`). Only the
fields named here are read; anything else on a line (``gender`` in the live files,
abstracts, reviews) never reaches a record.

Mirror mode reads ``DIR/authors/...`` and ``DIR/venues/...`` (``--mirror`` or
``$TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR``); live mode lists the public repository
and downloads through the same cache, conditional requests and retries as the
paper lists.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import orjson
import pyarrow as pa
from unidecode import unidecode

from talentflow.errors import BadInputError, TalentflowError
from talentflow.sources.http_cache import CachedFetcher
from talentflow.sources.identity_keys import identity_keys
from talentflow.sources.paperlists import validate_tree
from talentflow.sources.paperlists_parse import ParsedFile, parse_records

SOURCE_NAME = "papercopilot_openreview"
MIRROR_ENV = "TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR"
LIVE_BASE = "https://raw.githubusercontent.com/papercopilot/openreview/main"
LIVE_TREE = "https://api.github.com/repos/papercopilot/openreview/git/trees/main?recursive=1"
KINDS = ("authors", "venues")

_FILE_RE = re.compile(r"^(?P<venue>[a-z0-9]+?)(?P<year>(19|20)\d\d)\.jsonl(\.gz)?$")
_PER_AUTHOR = (
    "aff",
    "aff_domain",
    "position",
    "homepage",
    "dblp",
    "google_scholar",
    "orcid",
    "linkedin",
)
_AUTHOR_FILE_FIELDS = ("id", "author", "authorids", "or_profile", *_PER_AUTHOR)
_VENUE_FILE_FIELDS = ("id", "title", "status", "track", "author", "authorids")


@dataclass(frozen=True)
class ArchiveFile:
    """One archive file (``authors`` or ``venues``) of a venue-year, local or remote."""

    kind: str
    venue: str
    year: int
    location: str

    @property
    def file_key(self) -> str:
        return f"{self.kind}/{self.venue}/{self.venue}{self.year}"


@dataclass(frozen=True, slots=True)
class ArchiveAuthor:
    """One author's values on an archive record, placed on the author's slot."""

    author_index: int
    """0-based position in the record's ``author``/``authorids`` lists."""
    profile_id: str
    """The ``or_profile`` entry the values belong to."""
    profile_index: int
    """Its 0-based position in ``or_profile`` (the order of the per-author lists)."""
    alignment: str
    """How the profile was placed: same_id, id_variant, surname or last_left."""
    affiliation: str | None
    aff_domain: str | None
    position: str | None
    homepage: str | None
    dblp: str | None
    google_scholar: str | None
    orcid: str | None
    linkedin: str | None

    def identity_keys(self) -> list[tuple[str, str]]:
        """The normalised identity keys (kind, key) this author carries."""
        return identity_keys(
            {
                "orcid": self.orcid,
                "dblp": self.dblp,
                "google_scholar": self.google_scholar,
                "homepage": self.homepage,
                "linkedin": self.linkedin,
            }
        )


@dataclass(frozen=True, slots=True)
class ArchiveRecord:
    """One line of an ``authors`` file."""

    forum_id: str
    line: int
    names: tuple[str, ...]
    author_ids: tuple[str, ...]
    authors: tuple[ArchiveAuthor, ...]
    unplaced_profiles: int
    """Profiles with values that could not be placed on an author (values dropped)."""
    dropped_fields: tuple[str, ...]
    """Per-author lists whose length differs from ``or_profile`` (dropped)."""


@dataclass(frozen=True, slots=True)
class VenuePaper:
    """One line of a ``venues`` file: the paper itself."""

    forum_id: str
    line: int
    title: str | None
    status: str | None
    track: str | None
    names: tuple[str, ...]
    author_ids: tuple[str, ...]


@dataclass
class ArchiveContent:
    """The records of one archive file, with the SHA-256 of its uncompressed bytes."""

    file: ArchiveFile
    sha256: str
    records: list[ArchiveRecord] | list[VenuePaper]


def _keep(f: ArchiveFile, venues: set[str] | None, years: set[int] | None) -> bool:
    return (venues is None or f.venue in venues) and (years is None or f.year in years)


def resolve_mirror(cli_value: Path | None) -> Path | None:
    """The archive mirror from ``--mirror`` or ``$TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR``."""
    if cli_value is not None:
        return cli_value
    env = os.environ.get(MIRROR_ENV)
    return Path(env) if env else None


def _file_of(kind: str, venue_dir: str, name: str, location: str) -> ArchiveFile | None:
    m = _FILE_RE.match(name)
    if kind not in KINDS or not m or m.group("venue") != venue_dir:
        return None
    return ArchiveFile(kind, m.group("venue"), int(m.group("year")), location)


def mirror_files(
    mirror: Path, venues: set[str] | None = None, years: set[int] | None = None
) -> list[ArchiveFile]:
    """Every archive file of a mirror folder, filtered by venue and year."""
    if not mirror.is_dir():
        raise TalentflowError(f"archive mirror folder not found: {mirror}")
    found: dict[str, ArchiveFile] = {}
    for path in sorted(mirror.glob("*/*/*.jsonl*")):
        f = _file_of(path.parent.parent.name, path.parent.name, path.name, str(path))
        if f is None or not _keep(f, venues, years):
            continue
        if f.file_key in found and not path.name.endswith(".gz"):
            continue  # a .jsonl.gz and a .jsonl of the same file: prefer the .gz
        found[f.file_key] = f
    return sorted(found.values(), key=lambda f: (f.venue, f.year, f.kind))


def live_files(
    fetcher: CachedFetcher, venues: set[str] | None = None, years: set[int] | None = None
) -> list[ArchiveFile]:
    """The live repository's archive files (from its git tree listing)."""
    body = fetcher.get(LIVE_TREE, validate=validate_tree)
    files = []
    for entry in orjson.loads(body).get("tree", []):
        parts = str(entry.get("path", "")).split("/")
        if len(parts) != 3:
            continue
        f = _file_of(parts[0], parts[1], parts[2], f"{LIVE_BASE}/{'/'.join(parts)}")
        if f is not None and _keep(f, venues, years):
            files.append(f)
    return sorted(files, key=lambda f: (f.venue, f.year, f.kind))


def _validate_jsonl(body: bytes) -> None:
    for number, line in enumerate(_plain_lines(io.BytesIO(body), "download"), 1):
        _decode_line(line, "download", number)


def _plain_lines(stream: IO[bytes], path: str) -> Iterator[bytes]:
    try:
        yield from stream
    except EOFError:
        raise BadInputError(path, "truncated gzip stream (file cut short)") from None
    except (OSError, zlib.error) as exc:
        raise BadInputError(path, f"corrupt gzip data: {exc}") from None


def _decode_line(line: bytes, path: str, number: int) -> dict[str, Any] | None:
    """The object on one line (None for a blank line); a bad line is named by number."""
    if not line.strip():
        return None
    try:
        obj = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BadInputError(path, f"line {number}: malformed JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise BadInputError(path, f"line {number}: a {type(obj).__name__}, not an object")
    return obj


@contextmanager
def _open_lines(f: ArchiveFile, fetcher: CachedFetcher | None) -> Iterator[IO[bytes]]:
    """A binary stream of the file's uncompressed bytes (read lazily for a local file)."""
    raw: IO[bytes]
    if f.location.startswith(("http://", "https://")):
        if fetcher is None:
            raise TalentflowError("a live file needs a fetcher")
        raw = io.BytesIO(fetcher.get(f.location, validate=_validate_jsonl))
    else:
        try:
            raw = open(f.location, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise BadInputError(f.location, f"cannot read file: {exc.strerror}") from None
    with raw:
        head = raw.read(2)
        raw.seek(0)
        if head == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
                yield cast(IO[bytes], unzipped)
        elif f.location.endswith(".gz"):
            raise BadInputError(f.location, "named .gz but is not gzip data")
        else:
            yield raw


def _text_fields(obj: dict[str, Any], fields: tuple[str, ...], path: str, number: int) -> list[str]:
    out = []
    for key in fields:
        value = obj.get(key)
        if value is None:
            value = ""
        elif not isinstance(value, str):
            raise BadInputError(
                path, f"line {number}: field '{key}' should be text, got {type(value).__name__}"
            )
        out.append(value)
    if not out[0].strip():
        raise BadInputError(path, f"line {number}: no forum id ('id')")
    return out


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(";")] if value.strip() else []


def name_words(text: str) -> list[str]:
    """The folded words of a name or of an OpenReview id's name part, number dropped:
    ``~Tat-Seng_Chua2`` -> ``['tat', 'seng', 'chua']``, ``Miguel González-Duque`` ->
    ``['miguel', 'gonzalez', 'duque']``."""
    text = unidecode(re.sub(r"\d+$", "", text.strip().lstrip("~"))).lower()
    return [w for w in re.split(r"[^a-z]+", text) if w]


def _id_stem(profile_id: str) -> str:
    """``~Mehrdad_Ghadiri2`` -> ``mehrdad_ghadiri`` (the name part, case-folded)."""
    return re.sub(r"\d+$", "", profile_id.strip().lstrip("~")).casefold()


def _surname(text: str) -> str:
    words = name_words(text)
    return words[-1] if words else ""


def align_profiles(
    profiles: list[str], author_ids: list[str], names: list[str]
) -> list[tuple[int, str] | None]:
    """For each ``or_profile`` entry, the author position it belongs to and how it was
    found (None when it cannot be placed soundly).

    In order: the same id; the same id up to its number and case (``~Mehrdad_Ghadiri1``
    for ``~Mehrdad_Ghadiri2``); the only unplaced author with the same surname (a
    renamed profile: ``~Russ_Salakhutdinov1`` for ``~Ruslan_Salakhutdinov1``); the last
    profile left when exactly one author is left. Blank entries (no profile) stay None.
    """
    if profiles == author_ids:  # the usual case: nothing to search
        return [(i, "same_id") if p else None for i, p in enumerate(profiles)]
    placed: list[tuple[int, str] | None] = [None] * len(profiles)
    free = set(range(len(author_ids)))
    for i, pid in enumerate(profiles):
        if pid and pid in author_ids:
            j = next((j for j, a in enumerate(author_ids) if a == pid and j in free), None)
            if j is not None:
                placed[i] = (j, "same_id")
                free.discard(j)

    def unique_pass(method: str, key_p: Any, key_a: Any) -> None:
        todo = [i for i, p in enumerate(profiles) if p and placed[i] is None]
        for i in todo:
            k = key_p(profiles[i])
            if not k:
                continue
            authors = [j for j in free if key_a(j) == k]
            rivals = [x for x in todo if placed[x] is None and key_p(profiles[x]) == k]
            if len(authors) == 1 and len(rivals) == 1:
                placed[i] = (authors[0], method)
                free.discard(authors[0])

    unique_pass(
        "id_variant",
        _id_stem,
        lambda j: _id_stem(author_ids[j]) if author_ids[j].startswith("~") else "",
    )
    unique_pass("surname", _surname, lambda j: _surname(names[j]) if j < len(names) else "")
    left = [i for i, p in enumerate(profiles) if p and placed[i] is None]
    blanks = sum(1 for p in profiles if not p)
    if len(left) == 1 and len(free) == 1 and blanks == 0 and len(profiles) == len(author_ids):
        placed[left[0]] = (free.pop(), "last_left")
    return placed


def _none_if_blank(value: str) -> str | None:
    return value or None


def parse_author_line(obj: dict[str, Any], path: str, number: int) -> ArchiveRecord:
    """One ``authors`` line as a typed record, values placed on their authors."""
    forum_id, author, authorids, or_profile, *per_author = _text_fields(
        obj, _AUTHOR_FILE_FIELDS, path, number
    )
    names = _split(author)
    ids = _split(authorids)
    profiles = _split(or_profile)
    columns: dict[str, list[str]] = {}
    dropped: list[str] = []
    for key, value in zip(_PER_AUTHOR, per_author, strict=True):
        parts = _split(value)
        if not parts:
            continue
        if len(parts) != len(profiles):
            dropped.append(key)
            continue
        columns[key] = parts
    same_length = len(ids) == len(names) or not ids
    placed = align_profiles(profiles, ids, names) if same_length else [None] * len(profiles)
    authors: list[ArchiveAuthor] = []
    unplaced = 0
    for i, pid in enumerate(profiles):
        values = {key: _none_if_blank(col[i]) for key, col in columns.items()}
        if not any(values.values()):
            continue
        where = placed[i]
        if where is None:
            unplaced += 1
            continue
        authors.append(
            ArchiveAuthor(
                author_index=where[0],
                profile_id=pid,
                profile_index=i,
                alignment=where[1],
                affiliation=values.get("aff"),
                aff_domain=values.get("aff_domain"),
                position=values.get("position"),
                homepage=values.get("homepage"),
                dblp=values.get("dblp"),
                google_scholar=values.get("google_scholar"),
                orcid=values.get("orcid"),
                linkedin=values.get("linkedin"),
            )
        )
    authors.sort(key=lambda a: a.author_index)
    return ArchiveRecord(
        forum_id=forum_id.strip(),
        line=number,
        names=tuple(names),
        author_ids=tuple(ids),
        authors=tuple(authors),
        unplaced_profiles=unplaced,
        dropped_fields=tuple(dropped),
    )


def parse_venue_line(obj: dict[str, Any], path: str, number: int) -> VenuePaper:
    """One ``venues`` line: the paper's id, title, status, track and authors."""
    forum_id, title, status, track, author, authorids = _text_fields(
        obj, _VENUE_FILE_FIELDS, path, number
    )
    return VenuePaper(
        forum_id=forum_id.strip(),
        line=number,
        title=title.strip() or None,
        status=status.strip() or None,
        track=track.strip() or None,
        names=tuple(_split(author)),
        author_ids=tuple(_split(authorids)),
    )


def read_archive_file(f: ArchiveFile, fetcher: CachedFetcher | None = None) -> ArchiveContent:
    """Stream one archive file into typed records; the first bad line stops it, named by
    file and 1-based line number."""
    digest = hashlib.sha256()
    parse = parse_author_line if f.kind == "authors" else parse_venue_line
    records: list[Any] = []
    seen: dict[str, int] = {}
    with _open_lines(f, fetcher) as stream:
        for number, line in enumerate(_plain_lines(stream, f.location), 1):
            digest.update(line)
            obj = _decode_line(line, f.location, number)
            if obj is None:
                continue
            rec = parse(obj, f.location, number)
            if rec.forum_id in seen:
                raise BadInputError(
                    f.location,
                    f"line {number}: forum id {rec.forum_id} already on line {seen[rec.forum_id]}",
                )
            seen[rec.forum_id] = number
            records.append(rec)
    return ArchiveContent(file=f, sha256=digest.hexdigest(), records=records)


def paper_status(status: str | None, venue: str, year: int) -> str | None:
    """The status without the venue-year prefix the venue files give it
    ("AISTATS 2026 Spotlight" -> "Spotlight"); other statuses (a workshop's name) as given."""
    if not status:
        return None
    m = re.match(rf"(?i)^\s*{re.escape(venue)}[\w-]*\s+{year}\s+(?P<rest>.+)$", status)
    return m.group("rest").strip() if m else status.strip()


def venue_file_tables(content: ArchiveContent) -> ParsedFile:
    """A ``venues`` file as paper and author-slot tables of the store's schema, for a
    venue-year that has no paper list (file key ``venues/<venue>/<venue><year>``; record
    index = position among the file's records, as :func:`join_archive` keys them)."""
    f = content.file
    if f.kind != "venues":
        raise TalentflowError(f"{f.location}: not a venues file")
    data = [
        {
            "id": v.forum_id,
            "title": v.title,
            "status": paper_status(v.status, f.venue, f.year),
            "track": v.track,
            "author": ";".join(v.names),
            "authorids": ";".join(v.author_ids),
        }
        for v in content.records
        if isinstance(v, VenuePaper)
    ]
    parsed = parse_records(
        data,
        path=f.location,
        file_key=f.file_key,
        venue=f.venue,
        year=f.year,
        sha256=content.sha256,
    )
    for name in ("papers", "authorships"):
        table = getattr(parsed, name)
        column = pa.repeat(pa.scalar(SOURCE_NAME, pa.string()), table.num_rows)
        index = table.schema.get_field_index("source")
        setattr(parsed, name, table.set_column(index, table.schema.field(index), column))
    return parsed
