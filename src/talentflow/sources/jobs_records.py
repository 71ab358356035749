"""Job postings as typed records, shared by every job-posting source (issue 10).

A source turns its files into :class:`ParsedPostings`: the postings (already
de-duplicated by the source's item id) plus the files they came from, so the
store can replace a whole collection atomically and say where each row came from.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from talentflow.graph.schema import JOB_POSTINGS
from talentflow.normalise.places import countries_in

SOURCE_NAME = "jobs"
# Bump when a posting parser changes what it reads from unchanged files, so that loading
# the same files again re-parses them instead of keeping the stored rows.
PARSER_VERSION = "2026-11-23.9"


@dataclass
class Posting:
    """One job posting as parsed from its source."""

    dataset: str
    posting_id: str
    month: str | None
    company: str | None
    title: str | None
    location: str | None
    text: str
    file_key: str
    file_sha256: str
    record_index: int
    posted_at: datetime | None = None
    remote: bool | None = None
    skills: list[str] = field(default_factory=list)
    source_labels: str | None = None
    parse_basis: str = "fields"
    first_seen: str | None = None
    last_seen: str | None = None
    countries: list[str] | None = None

    @property
    def posting_key(self) -> str:
        return f"{self.dataset}#{self.posting_id}"

    def row(self) -> dict[str, object]:
        countries = self.countries
        if countries is None:
            countries = countries_in(self.location or "")
        return {
            "posting_key": self.posting_key,
            "dataset": self.dataset,
            "posting_id": self.posting_id,
            "month": self.month,
            "posted_at": self.posted_at,
            "company": self.company,
            "title": self.title,
            "location": self.location,
            "countries": countries,
            "remote": self.remote,
            "text": self.text,
            "skills": self.skills,
            "source_labels": self.source_labels,
            "parse_basis": self.parse_basis,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "source": SOURCE_NAME,
            "file_key": self.file_key,
            "file_sha256": self.file_sha256,
            "record_index": self.record_index,
        }


@dataclass(frozen=True)
class JobFile:
    """One file a collection was read from."""

    file_key: str
    location: str
    sha256: str
    records: int


@dataclass
class ParsedPostings:
    """A whole collection, parsed: its postings and the files they came from."""

    dataset: str
    files: list[JobFile]
    postings: list[Posting]
    duplicates_dropped: int = 0

    @property
    def sha256(self) -> str:
        """One hash for the collection: of its files' hashes, in file-key order."""
        h = hashlib.sha256()
        for f in sorted(self.files, key=lambda f: f.file_key):
            h.update(f"{f.file_key}\0{f.sha256}\n".encode())
        return h.hexdigest()

    def to_arrow(self) -> pa.Table:
        return pa.Table.from_pylist(
            [p.row() for p in self.postings], schema=JOB_POSTINGS.arrow_schema()
        )


def sha256_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


_BLOCK_TAGS = re.compile(r"<\s*(p|br|li|div|/p|/li|/div)\b[^>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^>]+>")


def html_to_text(raw: str) -> str:
    """HN comment HTML -> plain text: paragraphs and line breaks become newlines."""
    text = _BLOCK_TAGS.sub("\n", raw)
    text = _ANY_TAG.sub("", text)
    text = html.unescape(text)
    lines = [ln.strip() for ln in text.replace("\r", "").split("\n")]
    return "\n".join(ln for ln in lines if ln)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def check_month(value: str | None) -> str | None:
    """``YYYY-MM`` or None (for missing/unknown months)."""
    if value is None:
        return None
    value = value.strip()
    if not value or value.lower() in {"unknown", "none", "null"}:
        return None
    m = _MONTH.match(value[:7])
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(f"month '{value}' is not YYYY-MM")
    return value[:7]
