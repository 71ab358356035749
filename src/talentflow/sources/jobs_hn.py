"""Hacker News "Who is hiring" postings, as collected by ``gantryops/hn-jobs-data``.

Layout: ``DIR/runs/<date>/raw.json`` (``{"jobs": [{"id", "source", "by", "time",
"text"}]}``, text in HN's comment HTML) and, beside each, ``classified.json``
(the collection author's LLM-derived labels: role, technologies, ...). Several
runs re-collect the same thread, so postings are de-duplicated by HN item id;
the newest run's text is kept and ``first_seen``/``last_seen`` say which runs saw it.

The collection has no company/title/location fields: they are parsed from the
posting's first line, by convention ``Company | Role | Location | ...``. Each
``|``-separated segment is classified (URL, employment type, salary, visa,
location, role, company); when the first line names no role, the body is searched
for "hiring/looking for ... <role noun>".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from talentflow.errors import BadInputError
from talentflow.labour.places import countries_in, is_remote
from talentflow.sources.jobs_records import (
    JobFile,
    ParsedPostings,
    Posting,
    html_to_text,
    sha256_bytes,
)

DATASET = "hn-jobs-gantryops"

_ROLE_NOUNS = (
    r"engineers?|engineering|developers?|dev|devs|scientists?|designers?|managers?|"
    r"architects?|researchers?|analysts?|swes?|mles?|sres?|devops|leads?|head of|"
    r"directors?|interns?|internships?|roles?|positions?|technical staff|specialists?|"
    r"consultants?|recruiters?|sales|marketing|account executives?|operators?|"
    r"technicians?|cto|vp|chief|officers?|founding|generalists?|writers?|"
    r"administrators?|associates?|representatives?|partners?|programmers?|"
    r"hackers?|physicists?|mathematicians?|economists?|pm|pms|support|"
    r"product|scientist|staff|principal|cofounder|co-founder|tpm|openings?|jobs?|"
    r"members? of|quant|traders?|coordinators?|advocates?|experts?|marketers?|"
    r"business development|bizdev|growth|gtm|account execs?|eng|consulting|ops|"
    r"faculty|professors?|postdocs?|fellows?"
)
_ROLE_RE = re.compile(rf"\b(?:{_ROLE_NOUNS})\b", re.IGNORECASE)
_LOCATION_WORDS = re.compile(
    r"\b(remote|onsite|on-site|on site|hybrid|in-person|in person|in office|in-office|"
    r"relocation|anywhere|worldwide|global|timezones?|utc|gmt|est|pst|emea|apac|latam|"
    r"europe|eu|americas|north america|latam|latin america|bay area|area|locations?)\b",
    re.IGNORECASE,
)
_URL_RE = re.compile(
    r"^\s*(?:https?://\S+|(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|io|ai|co|org|net|dev|app|"
    r"xyz|tech|so|health|us|uk|de|fr|nl|ca|gov|run|sh|inc|eu|me|bio|info|jobs|careers|"
    r"engineering|page|media|games|studio|systems)(?:/\S*)?)\s*$",
    re.IGNORECASE,
)
_EMPLOYMENT_RE = re.compile(
    r"^\W*(full[\s-]?time|part[\s-]?time|contract(or|ors)?|freelance|permanent|ft|pt|"
    r"full[\s-]?time\s*(\+|&|and|/|,)\s*\w+.*|contract(-to-hire| to hire)?.*|"
    r"interns?(hips?)?|internships?\b.*|w2|1099|temp(orary)?|salaried|employee)\W*$",
    re.IGNORECASE,
)
_SALARY_RE = re.compile(
    r"[$€£¥₹]|\b\d+\s*[kK]\b|\bUSD\b|\bEUR\b|\bGBP\b|\bequity\b|\bsalary\b|\bcomp(ensation)?\b"
    r"|\bper (hour|year|annum)\b|\b\d{2,3}[,.]\d{3}\b",
    re.IGNORECASE,
)
_MISC_RE = re.compile(
    r"\b(visa|sponsorship|citizen(ship)?|clearance|yc [swfx]\d\d|series [a-e]|funded|"
    r"seed|startup|we're hiring|english|e-verify|w-2|h1b|h-1b|no agencies)\b",
    re.IGNORECASE,
)
_HIRING_RE = re.compile(
    r"^(?P<company>.{2,80}?)\s+(?:is|are)\s+(?:hiring|looking for|seeking)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_BODY_ROLE_RE = re.compile(
    r"\b(?:hiring|looking for|seeking|searching for|need|openings? for:?|roles? for:?)\s+"
    r"(?:for\s+|an?\s+|our\s+|several\s+|multiple\s+|two\s+|three\s+|\d+\s+|a few\s+|"
    r"experienced\s+|talented\s+|strong\s+)*"
    r"(?P<role>(?:[A-Za-z][\w/+&().,' -]{0,70}?\s)?(?:engineers?|developers?|scientists?|"
    r"designers?|managers?|architects?|researchers?|analysts?|SREs?|MLEs?|interns?|"
    r"generalists?|leads?|specialists?|technicians?|programmers?|directors?|writers?|"
    r"marketers?|heads? of [a-z]+))\b",
    re.IGNORECASE,
)


_BODY_LOCATION_RE = re.compile(
    r"(?:^\W*(?:location|based in|office|onsite|remote|where)s?\s*[:\-]|(?<=\s)locations?:)"
    r"\s*([^;\n]{2,120}?)(?:;|\s{2}|$)",
    re.IGNORECASE | re.MULTILINE,
)
_SPECIFIC_ROLE_RE = re.compile(
    r"\b(?:engineers?|developers?|scientists?|designers?|managers?|architects?|researchers?|"
    r"analysts?|SREs?|MLEs?|SWEs?|interns?|generalists?|leads?|specialists?|technicians?|"
    r"programmers?|head of|director|chief of staff|account executives?|FDEs?|"
    r"member of technical staff|MTS|(?:platform|production|infrastructure|data|backend|frontend|"
    r"ml|security|software) engineering)\b",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[.!?]\s|\b(we|our|you|your|is|are|i'm|i’m|i am|my|me)\b", re.IGNORECASE)


def _body_role(body: str) -> str | None:
    """A role named in the body: a short heading line naming a role, else "hiring ... X"."""
    return _body_heading_role(body) or _body_sentence_role(body)


_BODY_COMPANY_RE = re.compile(
    r"^(?:\w+:[ ]*)?(?P<c>[A-Z][\w.&'-]*(?:[ ][A-Z][\w.&'-]*){0,3})(?:[ ]\([^)]*\))?[ ]+"
    r"(?:is|are|builds|helps|provides|makes|was founded)\b",
    re.MULTILINE,
)


_WE_ARE_RE = re.compile(
    r"\bWe(?: are|'re|’re) (?P<c>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3})(?=[,.]| and | -)"
)


def _body_company(body: str) -> str | None:
    """ "Dimensional is the agentic operating system ..." -> Dimensional."""
    we = _WE_ARE_RE.search(body[:1000])
    if we and we.group("c").split()[0] not in {"A", "An", "The", "Hiring", "Looking"}:
        return we.group("c")
    m = _BODY_COMPANY_RE.search(body[:2000])
    stop = {"We", "Our", "This", "The", "It", "You", "I", "Overview", "About", "Company", "Role"}
    if not m or m.group("c").split()[0] in stop:
        return None
    return m.group("c")


def _body_sentence_role(body: str) -> str | None:
    bm = _BODY_ROLE_RE.search(body[:3000])
    return _clean(bm.group("role")) if bm else None


def _body_heading_role(body: str) -> str | None:
    for line in body.split("\n")[:25]:
        line = re.split(r":?\s*https?://", line, maxsplit=1)[0]
        line = _clean(
            re.sub(
                r"^\W*(?:roles?|positions?|title|open roles?|hiring|now hiring)\s*:\s*",
                "",
                line,
                flags=re.IGNORECASE,
            )
        )
        line = _clean(re.split(r"\s[*•]\s|;\s", line, maxsplit=1)[0])
        if "|" in line:
            line = _clean(line.split("|")[0])
        line = _clean(re.split(r"\s[-–—]\s|:\s|(?<=[a-z)])\.\s", line, maxsplit=1)[0])
        if not (3 <= len(line) <= 90) or _SENTENCE_RE.search(line):
            continue
        if line.lower().startswith(("no ", "apply", "email", "contact")):
            continue
        if _SPECIFIC_ROLE_RE.search(line) and not _URL_RE.match(line):
            return line
    return None


@dataclass(frozen=True)
class FirstLine:
    """What the first line of an HN posting says."""

    company: str | None
    role: str | None
    location: str | None
    remote: bool
    basis: str


def _clean(seg: str) -> str:
    seg = re.sub(r"\s+", " ", seg).strip(" \t-–—:;,.*[]>•#")
    return seg


def _split_segments(line: str) -> list[str]:
    if "|" in line:
        line = re.sub(r"^.{0,60}?\bis hiring(?: again)?[!.:]*\s*", "", line, flags=re.IGNORECASE)
        line = re.sub(r"\s*\[\s*|\s*\]\s*", " | ", line)
        first, sep, rest = line.partition("|")
        if " - " in first:  # "40GRID - Full-time Remote | Program Manager"
            line = first.replace(" - ", " | ", 1) + sep + rest
        parts = line.split("|")
    elif re.search(r"\s[–—]\s|\s--\s| \u2022 |\s·\s", line):
        parts = re.split(r"\s[–—]\s|\s--\s|\s\u2022\s|\s·\s", line)
    elif line.count("/ ") >= 2:
        parts = line.split("/ ")
    elif line.count(" - ") >= 1:
        parts = line.split(" - ")
    elif line.count(";") >= 2:
        parts = line.split(";")
    else:
        parts = [line]
    out = []
    for part in parts:
        no_url = re.sub(r"\s*https?://[^\s)]+\s*", " ", part)
        no_url = re.sub(r"\(\s*\)|\(\s*$", "", no_url)
        seg = _clean(no_url) or _clean(part)
        if len(seg) > 100:
            seg = _clean(_PROSE_START.split(seg, maxsplit=1)[0])
            if len(seg) > 220:
                continue
        if seg:
            out.append(seg)
    return out


_PROSE_START = re.compile(
    r"(?<=[a-z0-9)])\.\s|\s(?=(?:We|We're|We’re|Our|I'm|I’m|I)\s)|"
    r"\s(?=[A-Z][\w.]+ (?:is|are|was|has|processes|builds|helps|makes|provides)\b)"
)


def _place_sentence(text: str) -> str | None:
    """The first short sentence of a prose posting that names a country or city."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text[:3000]):
        if len(sentence) <= 200 and countries_in(sentence):
            return _clean(sentence)
    return None


def _is_location(seg: str) -> bool:
    if _LOCATION_WORDS.search(seg):
        return True
    return bool(countries_in(seg))


def _kind(seg: str, index: int) -> str:
    """url, employment, salary, misc, location, role or other."""
    if _URL_RE.match(seg):
        return "url"
    if _EMPLOYMENT_RE.match(seg) and not _LOCATION_WORDS.search(seg):
        return "employment"
    has_role = bool(_ROLE_RE.search(seg))
    has_loc = _is_location(seg)
    if _SALARY_RE.search(seg) and not has_role and not has_loc:
        return "salary"
    if has_role and has_loc:
        # "Software Engineer (Remote)" is a role; "Full time in New York, NY (ONSITE)" and
        # "Remote (US) or Pittsburgh, PA" are places: decide on the words before any bracket.
        head = re.split(r"[(\[]", seg, maxsplit=1)[0]
        if _ROLE_RE.search(head) and not _LOCATION_WORDS.match(head.strip()):
            if countries_in(head) and len(_ROLE_RE.findall(head)) == 1 and "," in head:
                return "location"
            return "role"
        return "location"
    if has_role:
        return "role"
    if has_loc:
        return "location"
    if _MISC_RE.search(seg):
        return "misc"
    if _SALARY_RE.search(seg):
        return "salary"
    return "other"


def _strip_company(seg: str) -> str:
    # "Company (https://...)" / "Company (YC W24)" -> keep the name, drop bracketed URL/batch
    seg = re.sub(r"\((?:https?://)?[\w.-]+\.[a-z]{2,}[^)]*\)", "", seg)
    seg = re.sub(r"https?://\S+", "", seg)
    return _clean(seg)


def parse_first_line(line: str, body: str = "") -> FirstLine:
    """Company, role and location from an HN posting's first line (and body for the role).

    >>> p = parse_first_line("Hatchet | Founding Engineer | NYC or REMOTE (US and EU) | Full-time")
    >>> (p.company, p.role, p.location)
    ('Hatchet', 'Founding Engineer', 'NYC or REMOTE (US and EU)')
    """
    line = line.strip()
    line = re.sub(r"\s+(?:is|are)\s+hiring[!.:]*$", "", line, flags=re.IGNORECASE)
    line = re.sub(r"^(?:company|employer)\s*:\s*", "", line, flags=re.IGNORECASE)
    sentence_start = re.match(r"^(?:We|We're|We’re|Our|I|I'm|I’m|Hi|Hello|Hey)\b", line)
    if "|" not in line and (len(line) > 100 or sentence_start) and not _HIRING_RE.match(line[:160]):
        # a prose opening: no first-line fields; the body may still name role and place
        pm = re.match(
            r"^(?:At\s+)?(?P<c>[A-Z][\w.&'-]*(?:\s(?:of|and|for|the|de|[A-Z][\w.&'-]*)){0,4})"
            r"(?:\s?\([^)]*\))?(?:,|\s+(?:is|are)\s|\s*[-–—]\s)",
            line,
        )
        hiring_at = re.match(
            r"^We(?: are|'re|’re) hiring at (?P<c>[A-Z][\w.&' -]{1,40}?)[!.,]", line
        )
        if hiring_at:
            pm = hiring_at
        role = _body_sentence_role(line) or (_body_role(body) if body else None)
        lm = _BODY_LOCATION_RE.search(body[:3000]) if body else None
        tail = re.search(r"\(([^()]+)\)\s*\.?$", line)
        if tail and _is_location(tail.group(1)):
            place: str | None = _clean(tail.group(1))
        else:
            place = _clean(lm.group(1)) if lm else _place_sentence(line + "\n" + body)
        prose_company = _clean(pm.group("c")) if pm and not sentence_start else None
        if prose_company is None and body:
            prose_company = _body_company(body)
        return FirstLine(
            prose_company,
            role,
            place,
            bool(re.search(r"\bremote\b", line + body[:3000], re.IGNORECASE)),
            "prose+body",
        )
    we_at = re.match(
        r"^We(?: are|'re|’re) hiring (?:at|for) (?P<c>[A-Z][\w.&' -]{1,40}?)[!.,]", line
    )
    if we_at and "|" not in line:
        lm = _BODY_LOCATION_RE.search(body[:3000]) if body else None
        return FirstLine(
            _clean(we_at.group("c")),
            _body_role(body) if body else None,
            _clean(lm.group(1)) if lm else _place_sentence(body),
            bool(re.search(r"\bremote\b", line + body[:3000], re.IGNORECASE)),
            "first_line:we_are_hiring",
        )
    m = _HIRING_RE.match(line)
    if m and "|" not in line:
        rest = _PROSE_START.split(m.group("rest"), maxsplit=1)[0]
        rest = re.sub(r"^(?:for\s+)?(?:an?\s+|the\s+)?", "", rest, flags=re.IGNORECASE)
        loc_m = re.search(r"\b(?:in|at)\s+(.+)$|\s[-–—]\s(.+)$", rest)
        role = rest[: loc_m.start()] if loc_m else rest
        location = _clean(loc_m.group(1) or loc_m.group(2)) if loc_m else None
        tail_word = re.search(r"\s(worldwide|globally|remote(?:ly)?)\W*$", role, re.IGNORECASE)
        if location is None and tail_word:
            location = tail_word.group(1)
            role = role[: tail_word.start()]
        return FirstLine(
            _clean(re.split(r"\s+(?:is|are|was)\s|\.\s", m.group("company"), maxsplit=1)[0]),
            _clean(role) or None,
            location,
            is_remote(line),
            "first_line:hiring_sentence",
        )
    segs = _split_segments(line)
    kinds = [_kind(s, i) for i, s in enumerate(segs)]
    company: str | None = None
    role_parts: list[str] = []
    loc_parts: list[str] = []
    for i, (seg, kind) in enumerate(zip(segs, kinds, strict=True)):
        if i == 0 and kind in {"other", "misc", "url", "salary"}:
            company = _strip_company(seg) or seg
            continue
        if i == 0 and kind == "role":
            at = re.match(
                r"^(?P<role>.+?)\s+(?:@|at)\s+(?P<company>[^()]+)(?:\((?P<loc>.+)\))?$", seg
            )
            if at:
                company = _clean(at.group("company"))
                role_parts.append(_clean(at.group("role")))
                if at.group("loc"):
                    loc_parts.append(_clean(at.group("loc")))
                continue
            # a first segment naming both a company and a product word, e.g. "Product Hunt":
            if len(segs) > 1 and kinds[1] == "role":
                company = _strip_company(seg)
                continue
        named = re.match(r"^(?P<name>[^()]+?)\s*\((?P<loc>[^()]+)\)$", seg)
        if i == 0 and kind == "location" and named and not _is_location(named.group("name")):
            company = _clean(named.group("name"))
            loc_parts.append(_clean(named.group("loc")))
            continue
        if (
            i == 0
            and kind == "location"
            and len(segs) > 1
            and not _LOCATION_WORDS.search(seg)
            and "," not in seg
        ):
            # "Paris Saint-Germain | ..." style names are rare; a first segment is a company
            company = _strip_company(seg)
            continue
        if kind == "role":
            role_parts.append(seg)
        elif kind == "location":
            loc_parts.append(seg)
    basis = "first_line"
    heading = _body_heading_role(body) if not role_parts and body else None
    if heading:
        role_parts.append(heading)
        basis = "first_line+body_role"
    if not role_parts:
        # "Company | Growth Marketer | Remote": an unclassified second segment is the role
        others = [
            seg
            for i, (seg, k) in enumerate(zip(segs, kinds, strict=True))
            if i >= 1 and k == "other" and len(seg) <= 60 and seg.count(",") < 2
        ]
        if others and company is not None:
            role_parts.append(others[0])
            basis = "first_line:unlabelled_segment"
    role = " / ".join(role_parts) if role_parts else None
    if role is None and body:
        role = _body_sentence_role(body)
        if role:
            basis = "first_line+body_role"
    location = "; ".join(loc_parts) if loc_parts else None
    if location is None:
        # a role segment that also names the place: "Multiple positions in United States"
        for part in role_parts:
            if _is_location(part):
                location = part
                break
    if location is None and role:
        tail = re.search(r"\(([^()]+)\)\s*$", role)
        if tail and _is_location(tail.group(1)):
            location = _clean(tail.group(1))
    if location is None and body:
        lm = _BODY_LOCATION_RE.search(body[:3000])
        if lm:
            location = _clean(lm.group(1))
            basis += "+body_location"
    if company is None and body:
        company = _body_company(body)
        if company:
            basis += "+body_company"
    remote = is_remote(location or "") or bool(re.search(r"\bremote\b", line, re.IGNORECASE))
    return FirstLine(company or None, role, location, remote, basis)


def _load_json(path: Path) -> tuple[Any, bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInputError(str(path), f"cannot read file: {exc.strerror}") from None
    try:
        return json.loads(raw), raw
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(str(path), f"not valid JSON: {exc}") from None


def _labels(path: Path) -> dict[int, dict[str, Any]]:
    """classified.json beside a raw.json: item id -> LLM-derived labels (may be absent)."""
    if not path.exists():
        return {}
    data, _ = _load_json(path)
    jobs = data.get("jobs") if isinstance(data, dict) else None
    if not isinstance(jobs, list):
        raise BadInputError(str(path), "no 'jobs' list")
    out: dict[int, dict[str, Any]] = {}
    for i, job in enumerate(jobs):
        if not isinstance(job, dict) or not isinstance(job.get("id"), int):
            raise BadInputError(str(path), "job without an integer 'id'", i)
        out[job["id"]] = {k: v for k, v in job.items() if k != "id"}
    return out


def is_hn_collection(path: Path) -> bool:
    return path.is_dir() and any(path.glob("runs/*/raw.json"))


def read_hn_collection(root: Path, dataset: str = DATASET) -> ParsedPostings:
    """Every run of the collection, de-duplicated by HN item id (newest run's text kept)."""
    runs = sorted(root.glob("runs/*/raw.json"))
    if not runs:
        raise BadInputError(str(root), "no runs/<date>/raw.json files")
    files: list[JobFile] = []
    by_id: dict[int, Posting] = {}
    total = 0
    for raw_path in runs:
        data, raw = _load_json(raw_path)
        where = str(raw_path)
        jobs = data.get("jobs") if isinstance(data, dict) else None
        if not isinstance(jobs, list):
            raise BadInputError(where, "no 'jobs' list")
        run = raw_path.parent.name
        file_key = f"{dataset}/{raw_path.relative_to(root).as_posix()}"
        sha = sha256_bytes(raw)
        labels = _labels(raw_path.parent / "classified.json")
        files.append(JobFile(file_key, where, sha, len(jobs)))
        for i, job in enumerate(jobs):
            total += 1
            if not isinstance(job, dict):
                raise BadInputError(where, "job is not an object", i)
            item = job.get("id")
            text_html = job.get("text")
            when = job.get("time")
            if not isinstance(item, int):
                raise BadInputError(where, "job without an integer 'id'", i)
            if not isinstance(text_html, str) or not text_html.strip():
                raise BadInputError(where, f"item {item}: no text", i)
            if not isinstance(when, int):
                raise BadInputError(where, f"item {item}: no integer 'time'", i)
            text = html_to_text(text_html)
            first, _, body = text.partition("\n")
            parsed = parse_first_line(first, body)
            posted = datetime.fromtimestamp(when, UTC).replace(tzinfo=None)
            label = labels.get(item)
            source_labels = {"by": job.get("by"), "hn_source": job.get("source")}
            if label is not None:
                source_labels["llm_labels"] = label
            previous = by_id.get(item)
            posting = Posting(
                dataset=dataset,
                posting_id=str(item),
                month=posted.strftime("%Y-%m"),
                posted_at=posted,
                company=parsed.company,
                title=parsed.role,
                location=parsed.location,
                remote=parsed.remote,
                text=text,
                skills=[str(t) for t in (label or {}).get("technologies") or []],
                source_labels=json.dumps(source_labels, ensure_ascii=False, sort_keys=True),
                parse_basis=parsed.basis,
                first_seen=previous.first_seen if previous else run,
                last_seen=run,
                file_key=file_key,
                file_sha256=sha,
                record_index=i,
            )
            by_id[item] = posting
    postings = sorted(by_id.values(), key=lambda p: int(p.posting_id))
    return ParsedPostings(dataset, files, postings, duplicates_dropped=total - len(postings))
