"""Chinese tech postings from ruanyf/weekly "谁在招人", parsed by ``darknight/whoishiring-insight``.

One JSON object per line in ``postings.jsonl``: ``id``, ``yearMonth``, ``rawContent``
(the comment's Markdown) and structured fields that the collection's author
extracted with an LLM (``company``, ``positions[{title, category}]``,
``location[]``, ``isRemote``, ``techStack[]``). talentflow keeps those fields as
given (``parse_basis = source_fields_llm``) and classifies roles itself from the
position titles and the raw text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from talentflow.errors import BadInputError
from talentflow.sources.jobs_records import (
    JobFile,
    ParsedPostings,
    Posting,
    check_month,
    sha256_bytes,
)

DATASET = "ruanyf-whoishiring-cn"
FILE_NAME = "postings.jsonl"


def is_cn_collection(path: Path) -> bool:
    target = path / FILE_NAME if path.is_dir() else path
    if not target.is_file() or target.name != FILE_NAME:
        return False
    with target.open("rb") as fh:
        head = fh.readline()
    return b'"rawContent"' in head and b'"yearMonth"' in head


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value)]


def read_cn_collection(path: Path, dataset: str = DATASET) -> ParsedPostings:
    """Read ``postings.jsonl`` (a folder holding it, or the file itself)."""
    target = path / FILE_NAME if path.is_dir() else path
    where = str(target)
    try:
        raw = target.read_bytes()
    except OSError as exc:
        raise BadInputError(where, f"cannot read file: {exc.strerror}") from None
    sha = sha256_bytes(raw)
    file_key = f"{dataset}/{target.name}"
    postings: dict[str, Posting] = {}
    lines = raw.split(b"\n")
    records = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        records += 1
        try:
            rec = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BadInputError(where, f"line {i + 1} is not valid JSON: {exc}", i + 1) from None
        if not isinstance(rec, dict):
            raise BadInputError(where, "record is not an object", i + 1)
        item = rec.get("id")
        text = rec.get("rawContent")
        if not isinstance(item, str | int) or str(item).strip() == "":
            raise BadInputError(where, "record without an 'id'", i + 1)
        if not isinstance(text, str):
            raise BadInputError(where, f"id {item}: no 'rawContent' text", i + 1)
        try:
            month = check_month(rec.get("yearMonth"))
        except ValueError as exc:
            raise BadInputError(where, f"id {item}: {exc}", i + 1) from None
        positions = rec.get("positions") or []
        if not isinstance(positions, list):
            raise BadInputError(where, f"id {item}: 'positions' is not a list", i + 1)
        titles = [
            str(p.get("title")).strip() for p in positions if isinstance(p, dict) and p.get("title")
        ]
        categories = [
            str(p.get("category")) for p in positions if isinstance(p, dict) and p.get("category")
        ]
        locations = _strings(rec.get("location"))
        labels = {
            "company_type": rec.get("companyType"),
            "position_categories": categories,
            "is_overseas": rec.get("isOverseas"),
            "experience": rec.get("experienceReq"),
            "education": rec.get("educationReq"),
        }
        postings[str(item)] = Posting(
            dataset=dataset,
            posting_id=str(item),
            month=month,
            company=(str(rec["company"]).strip() or None) if rec.get("company") else None,
            title=" / ".join(titles) or None,
            location=", ".join(locations) or None,
            remote=bool(rec.get("isRemote")) if rec.get("isRemote") is not None else None,
            text=text.replace("\r\n", "\n").strip(),
            skills=_strings(rec.get("techStack")),
            source_labels=json.dumps(labels, ensure_ascii=False, sort_keys=True),
            parse_basis="source_fields_llm",
            file_key=file_key,
            file_sha256=sha,
            record_index=i,
        )
    if not postings:
        raise BadInputError(where, "no postings")
    files = [JobFile(file_key, where, sha, records)]
    return ParsedPostings(
        dataset, files, list(postings.values()), duplicates_dropped=records - len(postings)
    )
