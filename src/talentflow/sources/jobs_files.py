"""Job postings from a user's CSV or JSON file, and dispatch to the known collections.

CSV columns (header row, UTF-8): ``title``, ``company``, ``location``, ``date``
(``YYYY-MM`` or ``YYYY-MM-DD``), ``text``, and optionally ``id`` and ``skills``
(``;``-separated). JSON: a list of objects with the same keys (``skills`` may be
a list), or one object per line (``.jsonl``). A row needs a date and at least a
title or a text; anything else is a bad record, named with its file and row.

>>> from pathlib import Path
>>> read_postings  # doctest: +ELLIPSIS
<function read_postings at ...>
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from talentflow.errors import BadInputError
from talentflow.sources.jobs_cn import is_cn_collection, read_cn_collection
from talentflow.sources.jobs_hn import is_hn_collection, read_hn_collection
from talentflow.sources.jobs_records import (
    JobFile,
    ParsedPostings,
    Posting,
    check_month,
    sha256_bytes,
)
from talentflow.sources.user_csv import decode_user_text, parse_user_csv

REQUIRED = ("title", "company", "location", "date", "text")
_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?")


def _dataset_name(path: Path) -> str:
    return re.sub(r"[^\w.-]+", "-", path.stem).strip("-").lower() or "postings"


def _records(path: Path, raw: bytes) -> list[dict[str, Any]]:
    where = str(path)
    text = decode_user_text(raw, where)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [row for _, row in parse_user_csv(text, where, REQUIRED).records]
    if suffix == ".jsonl":
        out = []
        for i, line in enumerate(text.splitlines()):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise BadInputError(where, f"not valid JSON: {exc}", i + 1) from None
        return out
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BadInputError(where, f"not valid JSON: {exc}") from None
        if isinstance(data, dict) and isinstance(data.get("postings"), list):
            data = data["postings"]
        if not isinstance(data, list):
            raise BadInputError(where, "expected a JSON list of postings")
        return data
    raise BadInputError(where, "unknown posting file type (use .csv, .json or .jsonl)")


def read_posting_file(path: Path, dataset: str | None = None) -> ParsedPostings:
    """A user's CSV/JSON postings file (see the module doc for the columns)."""
    where = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInputError(where, f"cannot read file: {exc.strerror}") from None
    name = dataset or _dataset_name(path)
    sha = sha256_bytes(raw)
    file_key = f"{name}/{path.name}"
    rows = _records(path, raw)
    postings: dict[str, Posting] = {}
    for i, rec in enumerate(rows):
        if not isinstance(rec, dict):
            raise BadInputError(where, "record is not an object", i + 1)
        title = str(rec.get("title") or "").strip()
        text = str(rec.get("text") or "").strip()
        date = str(rec.get("date") or "").strip()
        if not title and not text:
            raise BadInputError(where, "record has neither a title nor a text", i + 1)
        m = _DATE.match(date)
        if not m:
            raise BadInputError(where, f"date '{date}' is not YYYY-MM or YYYY-MM-DD", i + 1)
        try:
            month = check_month(f"{m.group(1)}-{m.group(2)}")
            posted = (
                datetime(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m.group(3) else None
            )
        except ValueError as exc:
            raise BadInputError(where, f"date '{date}': {exc}", i + 1) from None
        skills_raw = rec.get("skills")
        if isinstance(skills_raw, list):
            skills = [str(s).strip() for s in skills_raw if str(s).strip()]
        else:
            skills = [s.strip() for s in str(skills_raw or "").split(";") if s.strip()]
        item = str(rec.get("id") or "").strip() or str(i)
        if item in postings:
            raise BadInputError(where, f"duplicate id '{item}'", i + 1)
        location = str(rec.get("location") or "").strip() or None
        postings[item] = Posting(
            dataset=name,
            posting_id=item,
            month=month,
            posted_at=posted,
            company=str(rec.get("company") or "").strip() or None,
            title=title or None,
            location=location,
            remote=None,
            text=text,
            skills=skills,
            parse_basis="fields",
            file_key=file_key,
            file_sha256=sha,
            record_index=i,
        )
    if not postings:
        raise BadInputError(where, "no postings")
    from talentflow.normalise.places import is_remote

    for p in postings.values():
        p.remote = is_remote(p.location or "") if p.location else None
    return ParsedPostings(name, [JobFile(file_key, where, sha, len(rows))], list(postings.values()))


def read_postings(path: Path, dataset: str | None = None) -> ParsedPostings:
    """Any postings input: the HN collection folder, the Chinese collection, or a user file."""
    if not path.exists():
        raise BadInputError(str(path), "no such file or folder")
    if is_hn_collection(path):
        return read_hn_collection(path, dataset or "hn-jobs-gantryops")
    if is_cn_collection(path):
        return read_cn_collection(path, dataset or "ruanyf-whoishiring-cn")
    if path.is_dir():
        raise BadInputError(str(path), "folder is neither the HN nor the Chinese collection")
    return read_posting_file(path, dataset)
