"""Parse Paper Copilot paper-list files into typed paper and author-slot columns.

The files differ by venue and year. This parser handles every variant in the
mirror: ``author`` or ``authors``; ``;`` or ``,`` name separators; per-author
lists aligned with the names (``authorids``, ``aff``, ``aff_domain``,
``position``, the ``aff_unique_*`` and ``aff_country_unique_*`` index lists);
author lists the source repeats twice; OpenReview lists that skip authors
without a profile; and lists that cannot be aligned at all (dropped, counted).
An ``aff`` or ``aff_domain`` list that cannot be aligned is still kept on the paper
(``papers.aff_set`` / ``papers.aff_domain_set``: its distinct entries, in order), so
:mod:`talentflow.resolve.affiliation_sets` can infer organisations from it.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from talentflow.errors import BadInputError
from talentflow.graph.schema import AUTHORSHIPS, PAPERS

_EMPTY = pa.scalar("", pa.string())

SOURCE_NAME = "paperlists"

NOT_ACCEPTED_STATUSES = frozenset(
    {
        "reject",
        "rejected",
        "withdraw",
        "withdrawn",
        "desk reject",
        "desk rejected",
        "active",  # still under review on OpenReview: not an accepted paper
    }
)
# NeurIPS 2022 marked its oral presentations "Highlighted" (CVPR's "Highlight" is not one).
ORAL_STATUSES = frozenset({"oral", "top-5%", "talk", "highlighted"})

# Per-author fields, in the order the aligner reads them.
_AUTHOR_FIELDS = (
    "author",
    "authors",
    "authorids",
    "aff",
    "aff_domain",
    "position",
    "aff_unique_index",
    "aff_unique_norm",
    "aff_country_unique_index",
    "aff_country_unique",
)
_TEXT_FIELDS = ("id", "title", "track", "status", *_AUTHOR_FIELDS, "keywords", "primary_area")
_TEXT_FIELD_SET = frozenset(_TEXT_FIELDS)


def is_accepted(status: str | None) -> bool:
    """Whether a source status means the paper was accepted (unknown/empty counts as yes)."""
    return (status or "").strip().lower() not in NOT_ACCEPTED_STATUSES


def is_oral(status: str | None) -> bool:
    """Whether a status denotes an oral (or equivalent top-tier) presentation."""
    return (status or "").strip().lower() in ORAL_STATUSES


def profile_kind(raw: str | None) -> str | None:
    """Classify a raw author id: openreview, email, ieee, acl or other (None if empty)."""
    kind: str | None = profile_kinds(pa.array([raw or None], pa.string()))[0].as_py()
    return kind


def decode_json_bytes(data: bytes, path: str) -> Any:
    """Decode a JSON document, accepting UTF-8 (with or without BOM) and BOM-marked UTF-16/32.

    Anything else is rejected with the byte offset of the first invalid sequence.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        data = data.decode("utf-32").encode("utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = data.decode("utf-16").encode("utf-8")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as uexc:
            raise BadInputError(
                path,
                f"not UTF-8 text (invalid byte at offset {uexc.start}); "
                "re-encode the file as UTF-8",
            ) from None
        raise BadInputError(path, f"malformed JSON: {exc}") from None


def read_file_bytes(raw: bytes, path: str) -> bytes:
    """Return the uncompressed bytes of a ``.json`` or ``.json.gz`` file's content."""
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except EOFError:
            raise BadInputError(path, "truncated gzip stream (file cut short)") from None
        except (OSError, zlib.error) as exc:
            raise BadInputError(path, f"corrupt gzip data: {exc}") from None
    if path.endswith(".gz"):
        raise BadInputError(path, "named .gz but is not gzip data")
    return raw


@dataclass
class ParsedFile:
    """A paper-list file parsed into column arrays, with its counts."""

    file_key: str
    venue: str
    year: int
    sha256: str
    papers: pa.Table
    authorships: pa.Table
    records: int
    author_slots_listed: int
    doubled_lists: int
    dropped: Counter[str] = field(default_factory=Counter)
    other_edition: int = 0
    """Records left out because their own pages belong to another edition of the venue."""

    @property
    def author_slots(self) -> int:
        return int(self.authorships.num_rows)


_URL_FIELDS = ("site", "pdf")


def other_edition_records(data: list[Any], venue: str, year: int) -> list[int]:
    """Indexes of the records whose own pages (``site``, ``pdf``) name another edition of
    the venue than the file's year: the mirror's ECCV 2018 and 2020 files hold the ECCV
    2022 papers (``.../eccv_2022/...``), which would otherwise count as 2018 and 2020 papers
    and give every author two fabricated earlier years. The first venue-and-year mention
    of each URL counts; a record that names the file's year anywhere is kept."""
    pattern = rf"(?i){re.escape(venue)}[_\-/ ]?(?P<year>(?:19|20)\d\d)(?:\D|$)"
    named: pa.Array | None = None
    matches: pa.Array | None = None
    for key in _URL_FIELDS:
        try:
            urls = pa.array([rec.get(key) for rec in data], pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # a URL field that is not text
            urls = pa.array([u if isinstance(u := rec.get(key), str) else None for rec in data])
        if urls.null_count == len(urls):
            continue
        found = pc.cast(pc.struct_field(pc.extract_regex(urls, pattern), "year"), pa.int32())
        here = pc.fill_null(pc.equal(found, year), False)
        some = pc.is_valid(found)
        named = some if named is None else pc.or_(named, some)
        matches = here if matches is None else pc.or_(matches, here)
    if named is None or matches is None:
        return []
    rows: list[int] = pc.indices_nonzero(pc.and_(named, pc.invert(matches))).to_pylist()
    return rows


def _split_names(text: str, sep: str) -> tuple[list[str], list[int] | None]:
    """Non-blank names, and (when blanks were dropped) the positions that were kept."""
    parts = [p.strip() for p in text.split(sep)] if text else []
    names = [p for p in parts if p]
    if len(names) == len(parts):
        return names, None
    return names, [i for i, p in enumerate(parts) if p]


class _Aligner:
    """Aligns one record's per-author lists with its k author slots."""

    def __init__(
        self,
        k: int,
        doubled: bool,
        ids_text: str,
        kept: list[int] | None = None,
    ) -> None:
        self.k = k
        self.kept = kept
        self.doubled = doubled
        self.ids_text = ids_text
        self.dropped: list[str] = []

    @property
    def profile_positions(self) -> list[int] | None:
        """Positions of the authors with an OpenReview profile, when the id list is aligned."""
        k = self.k
        raw_ids = [x.strip() for x in self.ids_text.split(";")] if self.ids_text else []
        if self.doubled and len(raw_ids) == 2 * k:
            raw_ids = raw_ids[:k]
        if len(raw_ids) != k:
            return None
        return [j for j, x in enumerate(raw_ids) if x.startswith("~")]

    def parts(self, name: str, value: str | None) -> tuple[list[str] | None, str | None]:
        """Return per-slot parts (or None) and how they were aligned."""
        if not value:
            return None, None
        parts = [p.strip() for p in value.split(";")]
        if not any(parts):
            return None, None
        k = self.k
        if len(parts) == k:
            return parts, "aligned"
        if self.doubled and len(parts) == 2 * k:
            return parts[:k], "aligned"
        if self.kept is not None and len(parts) > max(self.kept, default=-1):
            kept_parts = [parts[i] for i in self.kept]
            if len(kept_parts) == k:
                return kept_parts, "aligned"
        pos = self.profile_positions
        if pos is not None and len(parts) == len(pos) and len(pos) < k:
            out = [""] * k
            for p, v in zip(pos, parts, strict=True):
                out[p] = v
            return out, "profile_aligned"
        self.dropped.append(name)
        return None, None


class _IndexCache(dict[str, int]):
    """Index text -> int, memoised (the same few indices recur on every record)."""

    def __missing__(self, key: str) -> int:
        value = int(key)
        if len(self) < 10_000:
            self[key] = value
        return value


_INDEX = _IndexCache()


def _index_labels(
    aligner: _Aligner, name: str, index_text: str | None, labels_text: str | None
) -> list[list[str]] | None:
    parts, _ = aligner.parts(name, index_text)
    if parts is None:
        return None
    labels = [x.strip() for x in (labels_text or "").split(";")]
    if index_text is not None and "+" not in index_text and "-" not in index_text:
        try:  # fast path: one index per author
            picked = [labels[_INDEX[p]] if p else "" for p in parts]
        except (ValueError, IndexError):
            aligner.dropped.append(name)
            return None
        singles = {label: [label] for label in set(picked) if label}
        return [singles[label] if label else [] for label in picked]
    out: list[list[str]] = []
    for part in parts:
        slot: list[str] = []
        for tok in part.split("+"):
            tok = tok.strip()
            if not tok:
                continue
            if not tok.isdigit() or int(tok) >= len(labels):
                aligner.dropped.append(name)
                return None
            label = labels[int(tok)]
            if label:
                slot.append(label)
        out.append(slot)
    return out


def _distinct_parts(value: str | None) -> list[str] | None:
    """The distinct non-empty ';'-separated entries of a list, in order (None if none)."""
    parts = [p.strip() for p in (value or "").split(";")]
    out = list(dict.fromkeys(p for p in parts if p))
    return out or None


def _first_bad_record(data: list[Any], path: str) -> BadInputError | None:
    """The error for the first record that is not an object or has a text field of another
    type (records numbered from 1)."""
    non_dict = next((i for i, rec in enumerate(data) if rec.__class__ is not dict), None)
    checked = data if non_dict is None else data[:non_dict]
    for i, rec in enumerate(checked):
        for key in _TEXT_FIELD_SET.intersection(rec):
            v = rec[key]
            if v is not None and not isinstance(v, str):
                if key == "id" and isinstance(v, int) and not isinstance(v, bool):
                    continue
                return BadInputError(
                    path, f"field '{key}' should be text, got {type(v).__name__}", i + 1
                )
    if non_dict is not None:
        found = type(data[non_dict]).__name__
        return BadInputError(path, f"record is a {found}, not an object", non_dict + 1)
    return None


_TEXT_TYPES = frozenset({str, type(None)})
_ID_TYPES = frozenset({str, int, type(None)})


def _text_columns(data: list[Any], path: str) -> dict[str, list[Any]]:
    """The text fields of every record as columns, checked: objects only, text fields text."""
    if not set(map(type, data)) <= {dict}:
        _raise_first_bad(data, path)
    columns = {key: [rec.get(key) for rec in data] for key in _TEXT_FIELDS}
    for key, values in columns.items():
        if not set(map(type, values)) <= (_ID_TYPES if key == "id" else _TEXT_TYPES):
            _raise_first_bad(data, path)
    return columns


def _raise_first_bad(data: list[Any], path: str) -> None:
    bad = _first_bad_record(data, path)
    if bad is not None:
        raise bad


def _blank_to_null(values: pa.Array) -> pa.Array:
    """Empty strings become nulls (the source writes "" for an unknown value)."""
    return pc.if_else(pc.equal(values, _EMPTY), pa.scalar(None, pa.string()), values)


def profile_kinds(ids: pa.Array) -> pa.Array:
    """The kind of every raw author id: '~...' openreview, an '@' email, '/digits/' ieee,
    '/a/b/' (three slashes or more) acl, else other; null stays null."""
    kind = pc.case_when(
        pc.make_struct(
            pc.starts_with(ids, "~"),
            pc.match_substring(ids, "@"),
            pc.match_substring_regex(ids, r"^/+[0-9]+/*$"),
            pc.match_substring_regex(ids, r"^/.*/.*/"),
        ),
        *(pa.scalar(kind, pa.string()) for kind in ("openreview", "email", "ieee", "acl", "other")),
    )
    return pc.if_else(pc.is_null(ids), pa.scalar(None, pa.string()), kind)


def parse_records(
    data: Any, *, path: str, file_key: str, venue: str, year: int, sha256: str
) -> ParsedFile:
    """Turn a decoded paper list (a JSON array of objects) into column tables."""
    if not isinstance(data, list):
        raise BadInputError(
            path, f"expected a JSON array of paper records, got {type(data).__name__}"
        )
    cols = _text_columns(data, path)
    n_records = len(data)
    dropped: Counter[str] = Counter()
    listed = doubled_count = 0
    n_authors: list[int] = [0] * n_records
    doubled_flags: list[bool] = [False] * n_records
    dropped_lists: list[list[str] | None] = [None] * n_records
    bases: list[str | None] = [None] * n_records
    aff_sets: list[list[str] | None] = [None] * n_records
    domain_sets: list[list[str] | None] = [None] * n_records
    s_record: list[int] = []
    s_index: list[int] = []
    s_name: list[str] = []
    s_pid: list[str | None] = []
    s_aff: list[str | None] = []
    s_domain: list[str | None] = []
    s_position: list[str | None] = []
    s_orgs: list[list[str] | None] = []
    s_countries: list[list[str] | None] = []

    rows = zip(*(cols[f] for f in _AUTHOR_FIELDS), strict=True)
    for i, (author, authors, ids_text, aff, domain, position, oi, on, ci, cn) in enumerate(rows):
        names_text = author if author is not None else (authors or "")
        names, kept = _split_names(names_text, ";" if ";" in names_text else ",")
        listed += len(names)
        n = len(names)
        doubled = n >= 2 and n % 2 == 0 and names[: n // 2] == names[n // 2 :]
        if doubled:
            doubled_count += 1
            names = names[: n // 2]
            kept = None
        k = len(names)

        ids_text = ids_text or ""
        al = _Aligner(k, doubled, ids_text, kept)
        ids, _ = al.parts("authorids", ids_text)
        affs, aff_basis = al.parts("aff", aff)
        if affs is None and k > 1 and "aff" in al.dropped and not ids_text:
            single = [x.strip() for x in (aff or "").split(";")]
            if len(single) == 1:
                al.dropped.remove("aff")
                affs, aff_basis = [single[0]] * k, "single_shared"
        domains, _ = al.parts("aff_domain", domain)
        positions, _ = al.parts("position", position)
        orgs = _index_labels(al, "aff_unique_index", oi, on)
        countries = _index_labels(al, "aff_country_unique_index", ci, cn)
        if al.dropped:
            dropped.update(al.dropped)
            dropped_lists[i] = sorted(set(al.dropped))
            if affs is None and "aff" in al.dropped:
                aff_sets[i] = _distinct_parts(aff)
            if domains is None and "aff_domain" in al.dropped:
                domain_sets[i] = _distinct_parts(domain)
        n_authors[i] = k
        doubled_flags[i] = doubled
        bases[i] = aff_basis if affs else None

        none_k: list[Any] = [None] * k
        s_record += [i] * k
        s_index += range(k)
        s_name += names
        s_pid += ids if ids else none_k
        s_aff += affs if affs else none_k
        s_domain += domains if domains else none_k
        s_position += positions if positions else none_k
        s_orgs += orgs if orgs else none_k
        s_countries += countries if countries else none_k

    papers = _paper_table(
        cols,
        file_key=file_key,
        venue=venue,
        year=year,
        sha256=sha256,
        n_authors=n_authors,
        doubled=doubled_flags,
        dropped=dropped_lists,
        aff_sets=aff_sets,
        domain_sets=domain_sets,
    )
    record = pa.array(s_record, pa.int32())
    affiliation = _blank_to_null(pa.array(s_aff, pa.string()))
    profile_ids = _blank_to_null(pa.array(s_pid, pa.string()))
    basis = pc.if_else(
        pc.is_null(affiliation),
        pa.scalar(None, pa.string()),
        pc.take(pa.array(bases, pa.string()), record),
    )
    n_slots = len(s_name)
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        "paper_key": pc.take(papers["paper_key"], record),
        "author_index": pa.array(s_index, pa.int32()),
        "accepted": pc.take(papers["accepted"], record),
        "name": pa.array(s_name, pa.string()),
        "profile_id": profile_ids,
        "profile_kind": profile_kinds(profile_ids),
        "affiliation": affiliation,
        "aff_domain": _blank_to_null(pa.array(s_domain, pa.string())),
        "position": _blank_to_null(pa.array(s_position, pa.string())),
        "aff_basis": basis,
        "source_orgs": pa.array(s_orgs, pa.list_(pa.string())),
        "source_countries": pa.array(s_countries, pa.list_(pa.string())),
        "record_index": record,
        "venue": pa.repeat(pa.scalar(venue, pa.string()), n_slots),
        "year": pa.repeat(pa.scalar(year, pa.int32()), n_slots),
        "source": pa.repeat(pa.scalar(SOURCE_NAME, pa.string()), n_slots),
        "file_key": pa.repeat(pa.scalar(file_key, pa.string()), n_slots),
        "file_sha256": pa.repeat(pa.scalar(sha256, pa.string()), n_slots),
    }
    schema = AUTHORSHIPS.arrow_schema()
    authorships = pa.Table.from_arrays([columns[f.name] for f in schema], schema=schema)
    other = other_edition_records(data, venue, year)
    if other:
        left_out = pa.array(other, pa.int32())
        papers = papers.filter(pc.invert(pc.is_in(papers["record_index"], value_set=left_out)))
        authorships = authorships.filter(
            pc.invert(pc.is_in(authorships["record_index"], value_set=left_out))
        )
    return ParsedFile(
        file_key=file_key,
        venue=venue,
        year=year,
        sha256=sha256,
        papers=papers,
        authorships=authorships,
        records=n_records,
        author_slots_listed=listed,
        doubled_lists=doubled_count,
        dropped=dropped,
        other_edition=len(other),
    )


def _paper_table(
    cols: dict[str, list[Any]],
    *,
    file_key: str,
    venue: str,
    year: int,
    sha256: str,
    n_authors: list[int],
    doubled: list[bool],
    dropped: list[list[str] | None],
    aff_sets: list[list[str] | None],
    domain_sets: list[list[str] | None],
) -> pa.Table:
    """The papers of one file, one row per record, built column by column."""
    statuses = cols["status"]
    n = len(statuses)
    flags = {s: (is_accepted(s), is_oral(s)) for s in set(statuses)}
    keys = [f"{file_key}#{i}" for i in range(n)]
    ids = cols["id"]
    columns: dict[str, Any] = {
        "paper_key": keys,
        "venue": pa.repeat(pa.scalar(venue, pa.string()), n),
        "year": pa.repeat(pa.scalar(year, pa.int32()), n),
        "paper_id": [
            key if rid is None or rid == "" else str(rid)
            for rid, key in zip(ids, keys, strict=True)
        ],
        "title": cols["title"],
        "track": cols["track"],
        "status": statuses,
        "accepted": [flags[s][0] for s in statuses],
        "is_oral": [flags[s][1] for s in statuses],
        "keywords": [x or None for x in cols["keywords"]],
        "primary_area": [x or None for x in cols["primary_area"]],
        "n_authors": n_authors,
        "doubled_list": doubled,
        "dropped_fields": dropped,
        "aff_set": aff_sets,
        "aff_domain_set": domain_sets,
        "source": pa.repeat(pa.scalar(SOURCE_NAME, pa.string()), n),
        "file_key": pa.repeat(pa.scalar(file_key, pa.string()), n),
        "file_sha256": pa.repeat(pa.scalar(sha256, pa.string()), n),
        "record_index": pa.array(range(n), pa.int32()),
    }
    schema = PAPERS.arrow_schema()
    return pa.Table.from_arrays(
        [
            c if isinstance(c, pa.Array) else pa.array(c, f.type)
            for f, c in ((f, columns[f.name]) for f in schema)
        ],
        schema=schema,
    )


def parse_file_bytes(raw: bytes, *, path: str, venue: str, year: int) -> ParsedFile:
    """Parse the raw bytes of one paper-list file (gzip or plain JSON)."""
    data = read_file_bytes(raw, path)
    sha = hashlib.sha256(data).hexdigest()
    decoded = decode_json_bytes(data, path)
    return parse_records(
        decoded, path=path, file_key=f"{venue}/{venue}{year}", venue=venue, year=year, sha256=sha
    )
