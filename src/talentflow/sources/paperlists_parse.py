"""Parse Paper Copilot paper-list files into typed paper and author-slot columns.

The files differ by venue and year. This parser handles every variant in the
mirror: ``author`` or ``authors``; ``;`` or ``,`` name separators; per-author
lists aligned with the names (``authorids``, ``aff``, ``aff_domain``,
``position``, the ``aff_unique_*`` and ``aff_country_unique_*`` index lists);
author lists the source repeats twice; OpenReview lists that skip authors
without a profile; and lists that cannot be aligned at all (dropped, counted).
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import orjson
import pyarrow as pa

from talentflow.errors import BadInputError
from talentflow.graph.schema import AUTHORSHIPS, PAPERS

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
ORAL_STATUSES = frozenset({"oral", "top-5%", "talk"})

_TEXT_FIELDS = (
    "id",
    "title",
    "track",
    "status",
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
    "keywords",
    "primary_area",
)
_TEXT_FIELD_SET = frozenset(_TEXT_FIELDS)


def is_accepted(status: str | None) -> bool:
    """Whether a source status means the paper was accepted (unknown/empty counts as yes)."""
    return (status or "").strip().lower() not in NOT_ACCEPTED_STATUSES


def is_oral(status: str | None) -> bool:
    """Whether a status denotes an oral (or equivalent top-tier) presentation."""
    return (status or "").strip().lower() in ORAL_STATUSES


def profile_kind(raw: str | None) -> str | None:
    """Classify a raw author id: openreview, email, ieee, acl or other."""
    if not raw:
        return None
    if raw.startswith("~"):
        return "openreview"
    if "@" in raw:
        return "email"
    if raw.startswith("/") and raw.strip("/").isdigit():
        return "ieee"
    if raw.startswith("/") and raw.count("/") >= 3:
        return "acl"
    return "other"


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

    @property
    def author_slots(self) -> int:
        return int(self.authorships.num_rows)


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
        profile_positions: list[int] | None,
        kept: list[int] | None = None,
    ) -> None:
        self.k = k
        self.kept = kept
        self.doubled = doubled
        self.profile_positions = profile_positions
        self.dropped: list[str] = []

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


def _index_labels(
    aligner: _Aligner, name: str, index_text: str | None, labels_text: str | None
) -> list[list[str]] | None:
    parts, _ = aligner.parts(name, index_text)
    if parts is None:
        return None
    labels = [x.strip() for x in (labels_text or "").split(";")]
    if index_text is not None and "+" not in index_text and "-" not in index_text:
        try:  # fast path: one index per author
            picked = [labels[int(p)] if p else "" for p in parts]
        except (ValueError, IndexError):
            aligner.dropped.append(name)
            return None
        return [[label] if label else [] for label in picked]
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


def parse_records(
    data: Any, *, path: str, file_key: str, venue: str, year: int, sha256: str
) -> ParsedFile:
    """Turn a decoded paper list (a JSON array of objects) into column tables."""
    if not isinstance(data, list):
        raise BadInputError(
            path, f"expected a JSON array of paper records, got {type(data).__name__}"
        )
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise BadInputError(path, f"record is a {type(rec).__name__}, not an object", i)
        for key in _TEXT_FIELD_SET.intersection(rec):
            v = rec[key]
            if v is not None and not isinstance(v, str):
                if key == "id" and isinstance(v, int) and not isinstance(v, bool):
                    continue
                raise BadInputError(
                    path, f"field '{key}' should be text, got {type(v).__name__}", i
                )
    p: dict[str, list[Any]] = {c: [] for c in PAPERS.column_names}
    a: dict[str, list[Any]] = {c: [] for c in AUTHORSHIPS.column_names}
    dropped: Counter[str] = Counter()
    listed = doubled_count = 0

    for i, rec in enumerate(data):
        names_text = rec.get("author")
        if names_text is None:
            names_text = rec.get("authors") or ""
        names, kept = _split_names(names_text, ";" if ";" in names_text else ",")
        listed += len(names)
        n = len(names)
        doubled = n >= 2 and n % 2 == 0 and names[: n // 2] == names[n // 2 :]
        if doubled:
            doubled_count += 1
            names = names[: n // 2]
            kept = None
        k = len(names)

        ids_text = rec.get("authorids") or ""
        raw_ids = [x.strip() for x in ids_text.split(";")] if ids_text else []
        if doubled and len(raw_ids) == 2 * k:
            raw_ids = raw_ids[:k]
        profile_positions = (
            [j for j, x in enumerate(raw_ids) if x.startswith("~")] if len(raw_ids) == k else None
        )
        al = _Aligner(k, doubled, profile_positions, kept)
        ids, _ = al.parts("authorids", ids_text)
        affs, aff_basis = al.parts("aff", rec.get("aff"))
        if affs is None and k > 1 and "aff" in al.dropped and not raw_ids:
            single = [x.strip() for x in (rec.get("aff") or "").split(";")]
            if len(single) == 1:
                al.dropped.remove("aff")
                affs, aff_basis = [single[0]] * k, "single_shared"
        domains, _ = al.parts("aff_domain", rec.get("aff_domain"))
        positions, _ = al.parts("position", rec.get("position"))
        orgs = _index_labels(
            al, "aff_unique_index", rec.get("aff_unique_index"), rec.get("aff_unique_norm")
        )
        countries = _index_labels(
            al,
            "aff_country_unique_index",
            rec.get("aff_country_unique_index"),
            rec.get("aff_country_unique"),
        )
        dropped.update(al.dropped)

        status = rec.get("status")
        accepted = is_accepted(status)
        paper_key = f"{file_key}#{i}"
        rid = rec.get("id")
        p["paper_key"].append(paper_key)
        p["venue"].append(venue)
        p["year"].append(year)
        p["paper_id"].append(str(rid) if rid not in (None, "") else f"{file_key}#{i}")
        p["title"].append(rec.get("title"))
        p["track"].append(rec.get("track"))
        p["status"].append(status)
        p["accepted"].append(accepted)
        p["is_oral"].append(is_oral(status))
        p["keywords"].append(rec.get("keywords") or None)
        p["primary_area"].append(rec.get("primary_area") or None)
        p["n_authors"].append(k)
        p["doubled_list"].append(doubled)
        p["dropped_fields"].append(sorted(set(al.dropped)) or None)
        p["source"].append(SOURCE_NAME)
        p["file_key"].append(file_key)
        p["file_sha256"].append(sha256)
        p["record_index"].append(i)

        none_k: list[Any] = [None] * k
        pids = [x or None for x in ids] if ids else none_k
        aff_slots = [x or None for x in affs] if affs else none_k
        a["paper_key"] += [paper_key] * k
        a["author_index"] += range(k)
        a["accepted"] += [accepted] * k
        a["name"] += names
        a["profile_id"] += pids
        a["profile_kind"] += [profile_kind(x) for x in pids] if ids else none_k
        a["affiliation"] += aff_slots
        a["aff_domain"] += [x or None for x in domains] if domains else none_k
        a["position"] += [x or None for x in positions] if positions else none_k
        a["aff_basis"] += [aff_basis if x else None for x in aff_slots] if affs else none_k
        a["source_orgs"] += orgs if orgs else none_k
        a["source_countries"] += countries if countries else none_k
        a["record_index"] += [i] * k

    n_slots = len(a["name"])
    for col, value in (
        ("venue", venue),
        ("year", year),
        ("source", SOURCE_NAME),
        ("file_key", file_key),
        ("file_sha256", sha256),
    ):
        a[col] = [value] * n_slots

    return ParsedFile(
        file_key=file_key,
        venue=venue,
        year=year,
        sha256=sha256,
        papers=pa.Table.from_pydict(p, schema=PAPERS.arrow_schema()),
        authorships=pa.Table.from_pydict(a, schema=AUTHORSHIPS.arrow_schema()),
        records=len(data),
        author_slots_listed=listed,
        doubled_lists=doubled_count,
        dropped=dropped,
    )


def parse_file_bytes(raw: bytes, *, path: str, venue: str, year: int) -> ParsedFile:
    """Parse the raw bytes of one paper-list file (gzip or plain JSON)."""
    data = read_file_bytes(raw, path)
    sha = hashlib.sha256(data).hexdigest()
    decoded = decode_json_bytes(data, path)
    return parse_records(
        decoded, path=path, file_key=f"{venue}/{venue}{year}", venue=venue, year=year, sha256=sha
    )
