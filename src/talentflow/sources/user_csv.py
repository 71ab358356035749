"""The one reader of the CSV files users give (names, affiliations, careers, postings, ...).

- Encoding: UTF-8 (a byte-order mark is dropped) or UTF-16 with its byte-order mark;
  anything else is refused naming the line and the byte, with how to fix it.
- Fields may be up to ``FIELD_LIMIT`` characters (Python's csv stops at 128 KiB).
- Quotes: a quote that is never closed, or that makes one record swallow the lines after
  it, is refused naming the line where that record starts.
- Header names are trimmed and lower-cased. Records are numbered from 1 (the first row
  after the header), the numbering every error message uses; blank lines are skipped.

>>> table = parse_user_csv("Name,Domain\\nWei Zhang,mit.edu\\n", "names.csv", ["name"])
>>> table.columns, table.records
(['name', 'domain'], [(1, {'name': 'Wei Zhang', 'domain': 'mit.edu'})])
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from talentflow.errors import BadInputError

#: Largest field accepted, in characters.
FIELD_LIMIT = 16 * 1024 * 1024


@dataclass(frozen=True)
class UserCsv:
    """A user's CSV: folded header names and ``(record number, row)`` pairs."""

    columns: list[str]
    records: list[tuple[int, dict[str, str]]]


def decode_user_text(raw: bytes, where: str) -> str:
    """Text of a user's file: UTF-8 (BOM dropped) or UTF-16 with a BOM."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise BadInputError(where, f"not valid UTF-16 text: {exc.reason}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadInputError(
            where,
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); save the file as UTF-8",
        ) from None


def parse_user_csv(text: str, where: str, required: Sequence[str] = ()) -> UserCsv:
    """Parse a user's CSV text (see the module doc); ``required`` columns must be present."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    records: list[tuple[int, dict[str, str]]] = []
    start = 1
    try:
        for cells in reader:
            lines = reader.line_num - start + 1
            if header is None:
                header = [c.strip().lower() for c in cells]
            elif cells:
                if lines > 1 and len(cells) != len(header):
                    raise BadInputError(
                        where,
                        f"malformed quotes: the record starting on line {start} runs over "
                        f"{lines} lines and has {len(cells)} fields (the header has "
                        f"{len(header)}); check the quote on line {start}",
                        len(records) + 1,
                    )
                records.append((len(records) + 1, dict(zip(header, cells, strict=False))))
            start = reader.line_num + 1
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            reason = f"a field on line {start} is over {FIELD_LIMIT:,} characters"
        elif "unexpected end of data" in message:
            reason = f"a quote opened in the record on line {start} is never closed"
        else:
            reason = f"malformed CSV on line {start}: {message}"
        raise BadInputError(where, reason, len(records) + 1 if header else None) from None
    columns = header or []
    missing = [c for c in required if c not in columns]
    if missing:
        raise BadInputError(where, f"missing column(s): {', '.join(missing)}")
    return UserCsv(columns, records)


def read_user_csv(path: Path, required: Sequence[str] = ()) -> UserCsv:
    """Read a user's CSV file (``.gz`` too); see :func:`parse_user_csv`."""
    where = str(path)
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BadInputError(where, f"cannot read file: {reason}") from None
    return parse_user_csv(decode_user_text(raw, where), where, required)
