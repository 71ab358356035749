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
from talentflow.normalise.places import countries_in, is_remote
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
    r"europe|eu|americas|north america|latam|latin america|bay area|area|locations?|"
    r"south america|asia|africa|middle east|oceania|nordics?|scandinavia|dach|benelux|mena|"
    r"work from home|wfh)\b",
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
    r"interns?(hips?)?|internships?\b.*|w2|1099|temp(orary)?|salaried|employee|"
    r"volunteer(?:ing)?\b.*|unpaid\b.*)\W*$",
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
    r"^(?!(?:who|what|which|anyone|everyone|nobody|somebody)\b)"
    r"(?P<company>.{2,80}?)\s+(?:(?:is|are)\s+(?:hiring|looking for|seeking)|needs|seeks)"
    r"(?:\s*[-–—:]\s*|\s+)"
    r"(?P<rest>.+)$",
    re.IGNORECASE,
)
# "Hey HN! ", "Hi HN — ", "Hello everyone, ": a greeting before the first line's content
_GREETING_RE = re.compile(
    r"^(?:hey|hi|hello)(?:\s+(?:hn|there|all|everyone|folks|hackers))?\s*(?:[!,.:]+|\s[-–—])\s*",
    re.IGNORECASE,
)
# "a Munich-based start-up", "U.S.-based": a place named as where the company is based
_BASED_RE = re.compile(r"\b((?:[A-Z][\w.]*[ ]){0,2}[A-Z][\w.]*)-based\b")
# "As a Software Engineer, you will ...": the role the body describes
_AS_ROLE_RE = re.compile(
    r"\bAs (?:an?|our) (?P<role>(?:[\w/+&-]+ ){0,5}?(?:[Ee]ngineer|[Dd]eveloper|[Ss]cientist|"
    r"[Dd]esigner|[Mm]anager|[Aa]rchitect|[Rr]esearcher|[Aa]nalyst|[Ll]ead|[Ii]ntern|"
    r"(?:[Mm]ember of )?[Tt]echnical [Ss]taff))"
    r"(?: at [A-Z][\w.]*)?,"
)
_BODY_ROLE_NOUNS = (
    r"engineers?|developers?|scientists?|designers?|managers?|architects?|researchers?|"
    r"analysts?|SREs?|MLEs?|interns?|generalists?|leads?|specialists?|technicians?|"
    r"programmers?|directors?|writers?|marketers?|heads? of [a-z]+|advocates?|strategists?|"
    r"co-?founders?|CTO|partners?"
)
_BODY_ROLE_RE = re.compile(
    r"\b(?:hiring|looking for|looking to (?:add|hire|bring on)|seeking|searching for|need|"
    r"want|expanding (?:our|the) [\w ]{0,30}?team with|openings? for:?|roles? for:?|"
    r"(?:role|position|opening) open(?: on (?:my|our) team)?:)\s+"
    r"(?:for\s+|an?\s+|our\s+|both\s+|[•*:]\s*|several\s+|multiple\s+|two\s+|three\s+|"
    r"\d+\s+|a few\s+|additional\s+|experienced\s+|talented\s+|strong\s+)*"
    rf"(?P<role>(?:[A-Za-z][\w/+&().,' -]{{0,70}}?\s)?(?:{_BODY_ROLE_NOUNS}))\b",
    re.IGNORECASE,
)
# "a senior developer content advocate": a title that runs on past its first role noun
_ROLE_RUN_ON_RE = re.compile(
    rf"(?:[ ](?!(?:to|for|in|on|at|with|who|that|of)\b)[a-z]+){{0,2}}?[ ](?:{_BODY_ROLE_NOUNS})\b"
)


_BODY_LOCATION_RE = re.compile(
    r"(?:^\W*(?P<key>location|based in|office|onsite|remote|where)s?\s*[:\-]|"
    r"(?<=\s)(?P<key2>location)s?:)"
    r"\s*(?P<value>[^;\n]{2,250}?)(?:;|\s{2}|$)",
    re.IGNORECASE | re.MULTILINE,
)


def _body_location_field(body: str) -> str | None:
    """A "Location: ..." line of the body (a "Remote: Yes" line only when none names the place)."""
    found = [
        ((m.group("key") or m.group("key2") or "").lower(), m.group("value"))
        for m in _BODY_LOCATION_RE.finditer(body[:3000])
    ]
    for key, value in sorted(found, key=lambda kv: kv[0] in {"remote", "onsite"}):
        value = _clean(value)
        if key in {"remote", "onsite"} and re.match(r"(?:yes|y|true|ok|sure)\b", value, re.I):
            return f"{key.capitalize()} ({value})" if len(value) > 4 else key.capitalize()
        if key in {"remote", "onsite"} and re.match(r"no\b", value, re.I):
            continue
        if len(value) > 120:  # a long line: its opening names the place
            value = _clean(value[:120].rsplit(" ", 1)[0])
        return value or None
    return None


_PERSON_NOUNS = (
    r"engineers?|developers?|scientists?|designers?|managers?|architects?|researchers?|"
    r"analysts?|SREs?|MLEs?|SWEs?|interns?|generalists?|leads?|specialists?|technicians?|"
    r"programmers?|head of|director|chief of staff|account executives?|FDEs?|strategists?|"
    r"advocates?|co-?founders?|cofounders?|member of technical staff|MTS"
)
# a title naming a person's job ("Backend Engineer"), not only a field ("Engineering")
_PERSON_ROLE_RE = re.compile(rf"\b(?:{_PERSON_NOUNS})\b", re.IGNORECASE)
_SPECIFIC_ROLE_RE = re.compile(
    rf"\b(?:{_PERSON_NOUNS}|(?:platform|production|infrastructure|data|backend|frontend|"
    r"ml|security|software) engineering)\b",
    re.IGNORECASE,
)
# "Architect Financial Technologies", "Acme Labs Inc.": a company's legal or usual suffix
_ORG_SUFFIX_RE = re.compile(
    r"\b(?:Inc|LLC|Ltd|GmbH|Corp|Corporation|Technologies|Labs|Laboratories|University|"
    r"Institute|Foundation|AG|SAS|BV|PBC)\.?(?:\s*\([^)]*\))?$"
)
# "Dev Shop", "Core Team", "engineering team": a description of the company, not an opening
_ORG_WORD_END_RE = re.compile(
    r"\b(?:shop|agency|studio|firm|company|team|consultancy|start-?up|collective)\W*$",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[.!?]\s|\b(we|our|you|your|is|are|i'm|i’m|i am|my|me)\b", re.IGNORECASE)


def _body_role(body: str) -> str | None:
    """A role named in the body: a pasted job-board page's opening, a short heading line
    naming a role, else "hiring ... X"."""
    return _job_board_role(body) or _body_heading_role(body) or _body_sentence_role(body)


_BODY_COMPANY_RE = re.compile(
    r"^(?:\w+:[ ]*)?(?P<c>[A-Z][\w.&'-]*(?:[ ][A-Z][\w.&'-]*){0,3})(?:[ ]\([^)]*\))?[ ]+"
    r"(?:is|are|builds|helps|provides|makes|was founded)\b",
    re.MULTILINE,
)


_WE_ARE_RE = re.compile(
    r"\bWe(?: are|'re|’re) (?P<c>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3}|"
    r"[a-z][\w.&'-]* (?:GmbH|Inc|LLC|Ltd|AG|SAS|BV|Corp))(?=[,.]| and | -)"  # "vysr GmbH"
)
# "As a Senior ML Engineer at warmwind your work ...": the employer after the role
_AS_AT_RE = re.compile(
    r"\bAs (?:an?|our) [^,.\n]{3,60}? at (?P<c>\w[\w.&'-]*(?: [A-Z][\w.&'-]*){0,2})"
    r"(?=[,.]|\s(?:you|your|we|I)\b)"
)


# "I'm building ActorDo, an AI work assistant": the name before its description
_BUILDING_RE = re.compile(
    r"\b(?:I(?:'m|’m| am)|We(?:'re|’re| are)) building "
    r"(?P<c>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,2})(?:,| [-–—] )"
)
# "Backed by Sequoia Capital, Peregrine is ...": an introductory phrase before the name
_INTRO_PHRASE_RE = re.compile(
    r"^(?:Back(?:ed)?|Funded|Founded|Based|Headquartered|Trusted|Powered) (?:by|in) "
    r"[^,\n]{2,60},\s+",
    re.MULTILINE,
)


# words that open a sentence without naming anyone ("These are ...", "Here is ...")
_NOT_A_NAME = frozenset(
    re.findall(
        r"\w+",
        "We Our Us This These Those That The It Its They Their There Here You Your I He She "
        "Some Most Many All Each Every Any No One Both Such What Which Who Why How When Where "
        "Overview About Company Role Stack Pay Salary Compensation Location Team Everyone "
        "Everything Nothing Something Everybody Nobody Someone Anyone If As At In On For",
    )
)


def _body_company(body: str) -> str | None:
    """ "Dimensional is the agentic operating system ..." -> Dimensional (at the start of a
    line or of a sentence)."""
    we = (
        _WE_ARE_RE.search(body[:1000])
        or _BUILDING_RE.search(body[:1000])
        or _AS_AT_RE.search(body[:1000])
    )
    if we and we.group("c").split()[0] not in {"A", "An", "The", "Hiring", "Looking"}:
        return we.group("c")
    text = _INTRO_PHRASE_RE.sub("", body[:2000])
    # "The job of a developer is changing. HackerRank is helping ...": a sentence's start
    text = re.sub(r"(?<=[a-z0-9)][.!?])[ ]+(?=[A-Z])", "\n", text)
    m = _BODY_COMPANY_RE.search(text)
    if not m or m.group("c").split()[0] in _NOT_A_NAME:
        return None  # the first such sentence decides: "These are ..." names no one
    return m.group("c")


# "Full Time and Part Time roles Distark is hiring, ...": a name before "is hiring"
_NAME_IS_HIRING_RE = re.compile(
    r"(?:^|(?<=[a-z0-9,;:)] ))(?P<c>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,2})(?: \([^)]*\))?"
    r" (?:is|are) (?:hiring|looking for|seeking)\b"
)


def _named_as_hiring(line: str) -> str | None:
    m = _NAME_IS_HIRING_RE.search(line[:300])
    if not m or m.group("c").split()[0] in {"We", "Our", "I", "This", "The", "It", "Who"}:
        return None
    return _clean(m.group("c"))


# "The role of the FDE will be to ...": the opening named in a sentence about it
_ROLE_OF_RE = re.compile(
    r"\b[Tt]he role of (?:an?|the|our) (?P<role>[A-Z][\w/&+-]*(?: [A-Z][\w/&+-]*){0,4})"
)


def _body_sentence_role(body: str) -> str | None:
    for bm in _BODY_ROLE_RE.finditer(body[:3000]):
        role = bm.group("role")
        # "developer hiring over the last 15 years, with 30m+ developers" names no opening
        if re.match(r"(?:over|with|on|from|the last|into|to|at)\b", role, re.IGNORECASE):
            continue
        run_on = _ROLE_RUN_ON_RE.match(body, bm.end())
        if run_on:
            role += run_on.group(0)
        return _clean(role)
    am = _AS_ROLE_RE.search(body[:3000]) or _ROLE_OF_RE.search(body[:3000])
    return _clean(am.group("role")) if am else None


_ROLES_IN_RE = re.compile(
    r"\b(?:roles?|positions?|openings?) (?:in|for|including|such as|like|across):?\s+"
    r"(?P<role>[A-Za-z][^.\n:]{2,120})",
    re.IGNORECASE,
)


def _collective_role(body: str) -> str | None:
    """ "Hiring across Engineering (Go, Rust)": openings named only collectively."""
    cm = re.search(
        r"\bhiring (?:across|for|in) (?:the board in )?"
        r"(?P<role>[A-Za-z][\w ,&/-]{2,60}?)(?=[.(\n]|$)",
        body[:3000],
        re.IGNORECASE,
    )
    if cm and not re.search(r"\b(?:roles?|positions?|openings?|jobs?)\b", cm.group("role")):
        return _clean(cm.group("role")) if _ROLE_RE.search(cm.group("role")) else None
    # "roles in Engineering Leadership, Senior Cybersecurity Analyst, and several more roles"
    lm = _ROLES_IN_RE.search(body[:3000])
    if lm:
        role = re.sub(
            r",?\s+(?:and|&|or)\s+(?:several|many|other|more|a few)\b.*$"
            r"|,?\s+(?:and more|etc)\b.*$",
            "",
            lm.group("role"),
        )
        if _ROLE_RE.search(role) and not _SENTENCE_RE.search(role):
            return _clean(role)
    # "looking to fill a number of software engineering roles"
    fm = re.search(
        r"\b(?:fill|filling|hire for|hiring for|open|opening)\s+(?:a number of |several |many |"
        r"multiple |a few |some |\d+ )?(?P<role>[A-Za-z][\w ,&/-]{2,60}?) (?:roles|positions)\b",
        body[:3000],
        re.IGNORECASE,
    )
    if fm and _ROLE_RE.search(fm.group("role")) and not _SENTENCE_RE.search(fm.group("role")):
        return _clean(fm.group("role")) + " roles"
    return None


_WORK_PLACE_RE = re.compile(
    r"\b(?:on-?site|in[- ]office|in[- ]person|hybrid|remote|based|located|headquartered|"
    r"offices?|HQ|relocat\w*|start\w*|work\w*|join\w*|roles?|positions?)\b"
    r"[^.!?\n]{0,40}?\b(?:in|at)\s+(?:our\s+|the\s+)?"
    r"(?P<place>[A-Z][\w.'-]*(?:,?[ ][A-Z][\w.'-]*){0,3})"
)
_MODE_LINE_RE = re.compile(
    r"^\W*(?P<mode>remote|on-?site|hybrid|in[- ]office|in[- ]person)\b(?!\s*[:-]?\s*not?\b)",
    re.IGNORECASE,
)
# remote work offered in the body ("fully remote", "These positions are REMOTE")
_REMOTE_OFFER_RE = re.compile(
    r"(?i:\b(?:fully|100%|completely|entirely|all|distributed,?)[ ]remote(?:ly)?\b|"
    r"\bremote[- ](?:first|friendly|only|ok|okay|possible|available|role|roles|position|"
    r"positions|team|company|work|job|jobs)\b|\bwork(?:ing)?[ ]remotely\b|"
    r"\b(?:is|are|be|can be)[ ](?:fully[ ])?remote\b|\(remote\b)|(?<!NO )(?<!NOT )\bREMOTE\b"
)


def _body_place(body: str, remote: bool = True) -> str | None:
    """Where the job is, from the body when no field says it: the place on a listed role's
    line ("Tech Lead - San Francisco HQ"), a sentence placing the work ("ONSITE in London",
    "to start ASAP in SF"), a line opening with the work mode ("REMOTE mostly, ..."), or a
    remote offer ("These positions are REMOTE")."""
    lines = body.split("\n")
    for line in lines[:40]:
        line = re.sub(r"\s*https?://\S+", " ", line).strip()
        head, *rest = [_clean(x) for x in _split_top(line, r"\s[-–—]\s|\|")]
        if len(head) > 90 or not _SPECIFIC_ROLE_RE.search(head) or _SENTENCE_RE.search(head):
            continue
        for piece in rest[:3]:  # "Tech Lead - San Francisco HQ", "Designer | REMOTE (USA)"
            if piece and _is_location(piece) and not _ROLE_RE.search(piece):
                return piece
        for bracket in re.findall(r"\(([^()]{2,60})\)", head):  # "Engineer (Remote EU)"
            if _is_location(bracket):
                return _clean(bracket)
    for m in _WORK_PLACE_RE.finditer(body[:4000]):
        words = m.group("place").split()
        for n in range(len(words), 0, -1):  # the longest leading run the gazetteer knows
            place, shorter = _clean(" ".join(words[:n])), " ".join(words[: n - 1])
            if countries_in(place) and (
                n == 1
                or countries_in(place) != countries_in(shorter)
                or re.fullmatch(r"[A-Z]{2}", words[n - 1])  # "Sunnyvale, CA"
            ):
                return place
    for line in lines[:60]:  # "San Francisco (SF), Hybrid/Onsite 3 days/week" after a list
        lead = re.match(r"^\W*([A-Z][\w.'-]*(?:,? [A-Z][\w.'-]*){0,3})", line)
        if (
            lead
            and len(line) <= 100
            and countries_in(lead.group(1))
            and re.search(r"\b(?:hybrid|on-?site|in[- ]office|in[- ]person)\b", line, re.I)
            and not _SENTENCE_RE.search(line)
        ):
            return _clean(line)
    for line in lines[:3]:
        mode = _MODE_LINE_RE.match(line)
        if mode:
            return mode.group("mode")
    return "Remote" if remote and _REMOTE_OFFER_RE.search(body[:4000]) else None


def _based_place(text: str) -> str | None:
    """ "DQC is a Munich-based AI startup" -> Munich (only a place the gazetteer knows)."""
    for m in _BASED_RE.finditer(text[:3000]):
        if countries_in(m.group(1)):
            return _clean(m.group(1)) if not m.group(1).endswith(".") else m.group(1)
    return None


_GENERIC_ROLES = r"(?:multiple|several|various|many|open) (?:roles|positions)"
_QUESTION_WORDS = r"(?:what|why|how|who|where|when|which|do|does|did|can|could|would|should)\b"


# a line that only announces a list of openings: "Open Roles", "We're hiring for:"
_ROLES_HEADING = re.compile(
    r"^\W*(?:open roles|roles|positions|open positions|openings|current openings|"
    r"we(?:'re|’re| are) hiring(?: for)?(?: the following roles)?|hiring|"
    r"we(?:'re|’re| are) hiring for (?:many|several|multiple|a few|these|\w+) "
    r"(?:roles|positions))\s*:?\s*$",
    re.IGNORECASE,
)


def _body_heading_role(body: str) -> str | None:
    after_heading = False
    for line in body.split("\n")[:25]:
        bulleted = bool(re.match(r"^\s*(?:[-*•+]|\d{1,2}[.)/])\s*\w", line))
        line = re.split(r":?\s*https?://", line, maxsplit=1)[0]
        line = re.sub(r"\s*\(\s*$", "", line)  # "Product Engineer (<link>)"
        prefix = re.compile(
            r"^\W*(?:roles?|positions?|title|open roles?|open positions?|hiring|now hiring|"
            r"looking for)\s*(?:\([^()]{0,80}\)\s*)?:\s*",  # "Open Roles (all need 6+ yrs):"
            re.IGNORECASE,
        )
        labelled = bool(prefix.match(line)) or after_heading  # "Hiring: Executive Assistant"
        after_heading = bool(_ROLES_HEADING.match(line)) or (
            labelled and not bulleted and line.rstrip().endswith(":") and len(line) < 60
        )
        if after_heading:
            continue  # "Open Positions: <link>" / "Highlights:": the list follows
        line = _clean(prefix.sub("", line))
        head, _, more = line.partition("; ")
        # "Hiring: Multiple roles; backend developer (Kotlin), ...": the generic piece
        # names no role, the next one does
        pieces = [head]
        if re.fullmatch(_GENERIC_ROLES, head, re.IGNORECASE):
            pieces.append(_split_top(more, r",\s")[0])
        for piece in pieces:
            piece = re.sub(r"^\W*(?:\d{1,2}[.)/]\s*)?\+*\s*", "", piece)  # "++ ", "1) ", "- "
            piece = re.split(r"\s\[", piece, maxsplit=1)[0]  # "[Tech Stack: ...]"
            piece = _clean(re.split(r"\s[*•]\s", piece, maxsplit=1)[0])
            if re.fullmatch(_GENERIC_ROLES, piece, re.IGNORECASE):
                continue
            if "|" in piece:
                piece = _clean(piece.split("|")[0])
            label, colon, after = piece.partition(": ")
            if bulleted and colon and not _ROLE_RE.search(label) and _ROLE_RE.search(after):
                piece = after  # "All Levels: AI Platform and Product Engineers"
            piece = _clean(re.split(r"\s[-–—]\s|:\s|(?<=[a-z)])\.\s", piece, maxsplit=1)[0])
            if (bulleted or labelled) and _SENTENCE_RE.search(piece):
                # "1/ Engineers for our product team, which ...": the item's leading phrase
                lead = re.split(r",\s|\s(?:for|to|who|with|that|which|in)\s", piece, maxsplit=1)[0]
                if (
                    _SPECIFIC_ROLE_RE.search(lead)
                    and not _SENTENCE_RE.search(lead)
                    and not re.match(r"\W*(?:as|at|if|when|while|this|the)\b", lead, re.I)
                ):
                    piece = _clean(re.sub(r"^(?:an?|the)\s+", "", lead, flags=re.IGNORECASE))
            if not (3 <= len(piece) <= 90) or _SENTENCE_RE.search(piece):
                continue
            if re.match(_QUESTION_WORDS, piece, re.IGNORECASE):
                continue  # "What makes it interesting for an engineer: ..." asks, names none
            if piece.lower().startswith(
                (
                    "no ",
                    "apply",
                    "email",
                    "contact",
                    "founded",
                    "backed",
                    "looking for ",
                    "seeking ",
                )
            ):
                continue
            if re.search(
                r"\d\+?\s*(?:years?|yrs)\b|\byears? of\b|\bexperience (?:in|with|as)\b|"
                r"\brequirements?\b|\bdegree\b",
                piece,
                re.IGNORECASE,
            ):
                continue  # "3+ Years of Experience as Infra Engineer" is a requirement
            if (labelled or _SPECIFIC_ROLE_RE.search(piece)) and not _URL_RE.match(piece):
                return piece
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
    seg = re.sub(r"\s+", " ", seg)
    out = seg.strip(" \t-–—:;,*[]>•#").rstrip(".")
    out = re.sub(r"^\.+(?![A-Za-z0-9])", "", out).strip()  # ".NET Engineer" keeps its dot
    # keep the final stop of an abbreviation: "Anywhere in the U.S." names the U.S.
    if re.search(r"(?:\b[A-Z]\.){2,}$", seg.rstrip(" \t-–—:;,*[]>•#")) and out:
        out += "."
    return out


def _split_top(text: str, sep: str) -> list[str]:
    """Split at the separator only outside brackets: "Dev (Node.js / React) / NYC" -> 2 parts."""
    parts: list[str] = []
    start = 0
    for m in re.finditer(sep, text):
        if text.count("(", 0, m.start()) <= text.count(")", 0, m.start()):
            parts.append(text[start : m.start()])
            start = m.end()
    parts.append(text[start:])
    return parts


def _split_location_pieces(parts: list[str]) -> list[str]:
    """ "B2B Content Lead / Remote" -> the role and the place as two segments; a first
    segment "SafetyWing / Partnerships Manager" -> the company and the role."""
    out: list[str] = []
    for i, part in enumerate(parts):
        subs = _split_top(part, r"\s/\s") if " / " in part else [part]
        pure = [bool(_is_location(x) and not _ROLE_RE.search(x)) for x in subs]
        company_then_role = (
            i == 0
            and len(subs) == 2
            and not _ROLE_RE.search(subs[0])
            and not pure[0]
            and bool(_ROLE_RE.search(subs[1]))
        )
        # split only when every piece is a place or a role, so no text is lost
        place_or_role = all(p or _ROLE_RE.search(x) for p, x in zip(pure, subs, strict=True))
        if len(subs) > 1 and ((any(pure) and not all(pure) and place_or_role) or company_then_role):
            out.extend(subs)
        else:
            out.append(part)
    return out


def _split_segments(line: str) -> list[str]:
    if "|" in line:
        line = re.sub(r"^.{0,60}?\bis hiring(?: again)?[!.:]*\s*", "", line, flags=re.IGNORECASE)
        # "[Platform | Security | Frontend] Engineer": alternatives of one title
        line = re.sub(
            r"\[([^\[\]|]+(?:\|[^\[\]|]+)+)\]\s*(?=[A-Za-z])",
            lambda m: "/".join(x.strip() for x in m.group(1).split("|")) + " ",
            line,
        )
        line = re.sub(r"\s*\[\s*|\s*\]\s*", " | ", line)
        first, sep, rest = line.partition("|")
        first_parts = _split_top(first, r" - ")
        if len(first_parts) > 1:  # "40GRID - Full-time Remote | Program Manager"
            line = first_parts[0] + " | " + " - ".join(first_parts[1:]) + sep + rest
        parts = _split_location_pieces(line.split("|"))
    elif len(_split_top(line, r"\s[–—]\s|\s--\s| \u2022 |\s·\s")) > 1:
        parts = _split_top(line, r"\s[–—]\s|\s--\s|\s\u2022\s|\s·\s")
    elif len(_split_top(line, r"/ ")) >= 3:
        parts = _split_top(line, r"/ ")
    elif len(_split_top(line, r" - ")) >= 2:
        parts = _split_top(line, r" - ")
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
        if len(sentence) > 200 or not countries_in(sentence):
            continue
        if _COMPANY_SENTENCE_RE.match(sentence) and not re.search(
            r"\b(?:based|headquartered|offices?|located|hiring|remote|on-?site|hybrid)\b",
            sentence,
            re.IGNORECASE,
        ):
            continue  # "Zippy is a fintech company ... in the U.S." says what, not where
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
    if has_role and (
        _COMPANY_SENTENCE_RE.match(seg)
        or (_ORG_WORD_END_RE.search(seg) and not _PERSON_ROLE_RE.search(seg))
        or (index == 0 and _ORG_SUFFIX_RE.search(seg))
    ):
        # "Zed is a company for developers, by developers" / "Dev Shop" describe the company
        return "other"
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


_NOT_A_COMPANY = re.compile(
    r"^(?:(?:we(?:'re| are)\s+|now\s+)?hiring|jobs?|job posting|remote|onsite|full[- ]?time|"
    r"various|multiple|we|we are|i|us|our team|flagged|dead|deleted)$",
    re.IGNORECASE,
)
_COMPANY_SENTENCE_RE = re.compile(
    r"^(?!(?:We|Our|I|They|This|It|You|He|She|There|Here|Who)\b)"
    r"(?P<c>[A-Z0-9][\w.&'-]*(?:[ ][A-Z0-9][\w.&'-]*){0,3}(?:[ ]\([^)]*\))?)[ ]+"
    r"(?:is|are|was|builds|helps|provides|makes|creates|develops)\b"
)
_JOB_BOARD_DOMAINS = re.compile(
    r"ashbyhq|greenhouse|lever\.co|workable|ycombinator|linkedin|notion|google|forms\.gle|"
    r"wellfound|angel\.co|bamboohr|recruitee|breezy|rippling|gusto|workday|smartrecruiters|"
    r"teamtailor|personio|jobvite|icims|github|gitlab|news\.ycombinator|typeform|airtable|"
    r"calendly|docs\.|dropbox|tally\.so|hn\.|x\.com|twitter|medium|substack|welcometothejungle|"
    r"youtube|youtu\.be|vimeo|loom\.com|whoishiring|hnhiring",
    re.IGNORECASE,
)


_POSTER_RE = re.compile(
    r"\b(?:co-?founder|founder|CEO|CTO|VP [A-Za-z]+|head of [a-z]+|recruiter|engineer|"
    r"manager)\s+(?:at|of|@)\s+(?P<c>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3})",
    re.IGNORECASE,
)


def _company_of_poster(line: str) -> str | None:
    """ "Hey HN, this is Louis, co-founder at SightlineOS." -> SightlineOS."""
    m = _POSTER_RE.search(line)
    # a name starts with a capital or is written in camel case ("founder of xFigura")
    if not m or not re.match(r"[A-Z]|[a-z]+[A-Z]", m.group("c")):
        return None
    # the name ends at a stop or at the first word that is not capitalised
    words = re.split(r"[.,;:!?](?:\s|$)", m.group("c"), maxsplit=1)[0].split(" ")
    n = next((i for i, w in enumerate(words) if i and not w[:1].isupper()), len(words))
    return _clean(" ".join(words[:n]))


_HIRING_AT_RE = re.compile(
    r"\b(?i:hiring)\b[^.!?|]{0,80}?\s(?:at|@)\s*"
    r"(?P<c>[A-Z0-9][\w.&'-]*(?:[ ][A-Z][\w.&'-]*){0,3})"
)
_JOIN_RE = re.compile(r"\b(?i:join)\s+(?P<c>[A-Z][\w.&'-]*(?:[ ][A-Z][\w.&'-]*){0,3})")


def _hiring_at_company(line: str) -> str | None:
    """ "We're hiring for a Founding GTM Lead at Skyfall AI." -> Skyfall AI."""
    m = _HIRING_AT_RE.search(line)
    if not m or _is_location(m.group("c")):
        return None
    return _clean(m.group("c"))


def _join_company(body: str) -> str | None:
    """ "... join Reef Technologies and tackle ..." -> Reef Technologies."""
    for m in _JOIN_RE.finditer(body[:3000]):
        name = _clean(m.group("c"))
        if (
            name.split()[0] not in {"Us", "Our", "The", "A", "An", "Me", "We", "Them", "This"}
            and not _is_location(name)
            and not _ROLE_RE.search(name)
        ):
            return name
    return None


def _comma_company(line: str) -> str | None:
    """ "Docker Inc, Remote (62 positions available)" -> Docker Inc."""
    if "|" in line:
        return None
    m = re.match(r"^(?P<c>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3}), (?P<rest>.+)$", line)
    if m and _is_location(m.group("rest")) and not _is_location(m.group("c")):
        return m.group("c")
    return None


def _place_word_in_name(seg: str) -> bool:
    """ "Global Partners": a capitalised name that starts with a word such as "Global"
    and names no place (not "Remote First", "Remote US", "Remote Engineers")."""
    words = seg.split()
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() for w in words)
        and bool(_LOCATION_WORDS.match(seg))
        and not _LOCATION_WORDS.search(" ".join(words[1:]))
        and not countries_in(seg)
        and not _PERSON_ROLE_RE.search(seg)
        and not re.search(r"\b(?:first|only|friendly|ok|possible|preferred|optional)\b", seg, re.I)
    )


def _only_a_place(line: str) -> bool:
    """ "Remote or Netherlands": a short first line naming a place and nothing else."""
    return (
        len(line) <= 60
        and _is_location(line)
        and not _ROLE_RE.search(line)
        and "|" not in line
        and not _SENTENCE_RE.search(line)
    )


def _body_company_field(body: str) -> str | None:
    """A "Company: Remitly" line near the top of the body."""
    m = re.search(r"^\W*(?:company|employer)\s*:\s*(.{2,60})$", body[:1500], re.I | re.M)
    return _strip_company(m.group(1)) or None if m else None


_YC_PLACE_RE = re.compile(
    r"\b((?:[A-Z][a-z]+ )?[A-Z][a-z]+, (?:[A-Z]{2}, )?(?:US|United States|Canada|UK|"
    r"United Kingdom|India|Germany|France)\b(?: / Remote(?: \([^)]*\))?)?)"
)


def _job_board_place(body: str) -> str | None:
    """The place on a job-board page pasted as the body (YC's "Work at a Startup")."""
    if "Y Combinator" not in body[:400]:
        return None
    # "... $45K - $75K • 0.5% - 1% • Remote (US) Job type Full-time": the field after the pay
    pay = re.search(
        r"\$[\d.,]+K?\s*-\s*\$[\d.,]+K?[^•$]{0,30}•\s*(?:[\d.]+%\s*-\s*[\d.]+%\s*•\s*)?"
        r"(?P<place>[^•$]{2,80}?)\s+Job type\b",
        body[:4000],
    )
    if pay and _is_location(pay.group("place")):
        return pay.group("place")
    m = _YC_PLACE_RE.search(body[:4000])
    return m.group(1) if m else None


def _job_board_role(body: str) -> str | None:
    """The opening on a YC job-board page pasted as the body: "<Role> at <Company> | Y
    Combinator ..." or a company's list "Jobs at <Company> ... Jobs at <Company> <Role>
    <Place> $..." (the first listed opening)."""
    if "Y Combinator" not in body[:400]:
        return None
    m = re.match(r"(?P<role>[^|]{3,100}?) (?:at|@) [^|]{1,60}?\s*\|\s*Y Combinator", body)
    if m and not m.group("role").startswith("Jobs"):
        return _clean(re.split(r":\s", m.group("role"), maxsplit=1)[0])
    m = re.match(r"Jobs at (?P<c>[^|]{1,60}?)\s*\|\s*Y Combinator", body)
    if not m:
        return None
    second = body.find(f"Jobs at {m.group('c')} ", m.end())
    if second < 0:
        return None
    start = second + len(f"Jobs at {m.group('c')} ")
    place = _YC_PLACE_RE.search(body, start, start + 200)
    role = body[start : place.start()] if place else ""
    return _clean(role) if 3 <= len(role) <= 100 and _ROLE_RE.search(role) else None


def _stitched_header(line: str, body: str) -> str | None:
    """The first line joined with the short field lines right after it, or None."""
    nxt0 = body.split("\n", 1)[0].strip() if body else ""
    if "|" in line and (nxt0.startswith("|") or line.rstrip().endswith("|")):
        # "Farmgirl Flowers | https://..." / "| Remote (US or EU) | Senior Software Engineer"
        return line.rstrip(" |") + " | " + nxt0.lstrip(" |")
    if _SENTENCE_RE.search(line) or not body:
        return None
    if len(line) > 60:
        # a long title line, then the fields: "€160.000+ | Full-Time | ONSITE"
        if nxt0.count("|") >= 2 and len(nxt0) <= 120 and not _SENTENCE_RE.search(nxt0):
            return line + " | " + nxt0
        return None
    parts = [line]
    for nxt in body.split("\n")[:3]:
        nxt = nxt.strip()
        if not nxt or len(nxt) > 120 or re.search(r"(?<!\b[A-Z])[.!?](?:\s|$)|https?://", nxt):
            break
        if re.match(r"^[\w ]{2,20}:\s", nxt):  # "Location: ..." key-value layouts
            break
        if "|" not in nxt and (len(nxt) > 60 or _SENTENCE_RE.search(nxt)):
            break
        parts.append(nxt)
    return " | ".join(parts) if len(parts) > 1 else None


# "PetsApp – The future of pet care", "P2P.org, the largest staking provider": a name,
# then a tagline or a description of it
_TAGLINE_RE = re.compile(
    r"^(?P<c>[^,–—()]{2,50}?(?:\s*\([^()]*\))?)(?:\s+[-–—]\s+|,\s+)"
    r"(?:(?i:the|an?|your|our|where|making|building|helping|powering)\b|[a-z])"
)
# "AI x Healthcare Startup", "Small prop-trading firm": a description of an unnamed employer
_DESCRIPTION_RE = re.compile(
    r"\b(?i:start-?ups?|saas)\b|\b(?:firm|fund|company|agency|consultancy|business|studio|"
    r"shop|non-?profit|organi[sz]ation)\b"
)
# "Goji Labs back in the house": a name, then a remark in lower case
_NAME_THEN_REMARK_RE = re.compile(
    r"^(?P<c>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*)*)(?P<tail>(?: [a-z][\w'-]*){2,})$"
)


def _name_of(company: str) -> str | None:
    """The employer's name in a company field, or None when the field names none: a
    tagline after the name is dropped; a description ("AI x Healthcare Startup", unless
    the posting calls itself stealth), a question or an exclamation names no one."""
    tag = _TAGLINE_RE.match(company)
    if tag and not _SENTENCE_RE.search(tag.group("c")):
        company = _clean(tag.group("c"))
    bare = re.sub(r"\([^)]*\)", "", company)
    if _DESCRIPTION_RE.search(bare) and not re.search(r"stealth", company, re.IGNORECASE):
        return None
    if _INTRO_PHRASE_RE.match(company + ", "):
        return None  # "Backed by Sequoia Capital": the name follows the phrase
    if company.endswith("?") or (company.endswith("!") and " " in company):
        return None  # "Do you want to work on ...?", "Crypto bros needed!"
    remark = _NAME_THEN_REMARK_RE.match(company)
    if remark and (
        " " in remark.group("c")
        or re.match(r" (?:back|now|is|are|hiring|again)\b", remark.group("tail"))
    ):
        company = remark.group("c")
    return company


# an applicant-tracking page names its employer: jobs.ashbyhq.com/<name>/...,
# job-boards.greenhouse.io/<name>, jobs.lever.co/<name>, <name>.recruitee.com, ...
_BOARD_RE = re.compile(
    r"https?://(?:(?:jobs|job-boards|boards|apply)\.(?:eu\.)?"
    r"(?:ashbyhq\.com|greenhouse\.io|lever\.co|workable\.com)/(?:embed/job_app\?for=)?"
    r"(?P<a>[A-Za-z][\w.-]{1,40})|(?P<b>[a-z][\w-]{1,40})\."
    r"(?:recruitee\.com|breezy\.hr|bamboohr\.com|jobs\.personio\.(?:com|de)|workable\.com)\b|"
    r"(?:www\.)?(?:ycombinator\.com/companies|wellfound\.com/company)/(?P<c>[a-z][\w-]{1,40}))",
)


def _board_company(text: str) -> str | None:
    """The employer in the first link to an applicant-tracking page, if any."""
    for m in _BOARD_RE.finditer(text[:4000]):
        name = (m.group("a") or m.group("b") or m.group("c")).rstrip(".-")
        if name.lower() not in {"embed", "jobs", "careers", "job", "apply", "www", "app"}:
            return name
    return None


def _link_line(body: str) -> str:
    """The body's first line when it is a link line; from prose only links to a careers
    page (a sentence may cite some other site: "Simon's definition: https://...")."""
    first = body.split("\n", 1)[0]
    if not _SENTENCE_RE.search(re.sub(r"https?://\S+", "", first)):
        return first
    careers = r"https?://\S+/\S*(?:careers?|jobs?|join|apply|hiring|positions?)\b\S*"
    return " ".join(re.findall(careers, first, re.IGNORECASE))


def _domain_company(line: str) -> str | None:
    """ "... | https://fetlife.com/jobs/..." -> fetlife (not a job board's domain)."""
    for m in re.finditer(r"(?:https?://|\bwww\.)([a-z0-9.-]+)\.([a-z]{2,})\b", line):
        if not _JOB_BOARD_DOMAINS.search(m.group(0)):
            return m.group(1).split(".")[-1]  # hi.telli.com -> telli
    return None


def parse_first_line(line: str, body: str = "") -> FirstLine:
    """Company, role and location from an HN posting's first line (and the body as fallback).

    >>> p = parse_first_line("Hatchet | Founding Engineer | NYC or REMOTE (US and EU) | Full-time")
    >>> (p.company, p.role, p.location)
    ('Hatchet', 'Founding Engineer', 'NYC or REMOTE (US and EU)')
    >>> p = parse_first_line("Hey HN! Acme (https://acme.dev) is hiring.", "Backend Engineer")
    >>> (p.company, p.role)
    ('Acme', 'Backend Engineer')
    """
    line = _GREETING_RE.sub("", line.strip())
    fields = _parse_fields(line, body)
    header0 = body.split("\n", 1)[0] if body else ""
    status_or_prose = "|" not in line and (
        re.match(r"^\W*(?:closed|filled|update[d]?|edit)\b", line, re.IGNORECASE)
        or (fields.company is None and fields.role is None and header0.count("|") >= 2)
        # "Hacker News Post - Who is hiring?" names the thread, the header follows
        or (re.search(r"\bwho(?:'s| is) hiring\b", line, re.IGNORECASE) and header0.count("|") >= 2)
    )
    if status_or_prose:
        # "CLOSED - thanks ..." / "I have adapted our pitch ..." then "Acme | Role | Place"
        header, _, rest = body.partition("\n")
        sub = _parse_fields(header.strip(), rest)
        if sub.company or sub.role:
            fields, line = sub, header.strip()
    elif fields.company is None and fields.role is None and body and _only_a_place(line):
        # "Remote or Netherlands" / "Topliner - Founding Engineer - Remote - $80k": the
        # first line is the place, the header follows
        header, _, rest = body.partition("\n")
        sub = _parse_fields(header.strip(), rest)
        if sub.company or sub.role:
            fields = FirstLine(
                sub.company, sub.role, line, fields.remote, sub.basis + "+place_line"
            )
    elif fields.role is None or fields.location is None:
        # a header broken over lines: "SafetyWing" / "Partnerships Manager | ..." / "Remote"
        head = _stitched_header(line, body)
        if head is not None:
            stitched = _parse_fields(head, body)
            filled = sum(x is not None for x in (stitched.role, stitched.location))
            if filled > sum(x is not None for x in (fields.role, fields.location)):
                fields, line = stitched, head
    company, role, location, basis = fields.company, fields.role, fields.location, fields.basis
    if company is not None:
        company = re.sub(r"^(?:We at|We(?:'re|’re| are) hiring (?:at|for))\s+", "", company)
        # "deepset, makers of Haystack": the name before its description
        company = re.sub(
            r",\s+(?:the\s+)?(?:makers?|creators?|builders?|authors?|home) of\b.*$", "", company
        )
        # "Glitch is building the AI agent for Advertising": the name before the verb
        sm = _COMPANY_SENTENCE_RE.match(company)
        if sm and len(company) > len(sm.group("c")) + 12:
            company = _clean(sm.group("c"))
        if _NOT_A_COMPANY.match(company):
            company = None
        elif re.match(r"^(?:now\s+)?(?:hiring|seeking|looking for)\s", company, re.IGNORECASE):
            # "Hiring Tech Lead and SRE – REMOTE LATAM - ...", "SEEKING GROWTH PARTNER": a
            # role statement, no company
            role = role or _clean(
                re.sub(r"^(?:now\s+)?(?:hiring|seeking|looking for)\s", "", company, flags=re.I)
            )
            company = None
        else:
            company = _name_of(company)
    if company is None:
        found = (
            _body_company_field(body)
            or _company_of_poster(line)
            or _hiring_at_company(line)
            or _comma_company(line)
            or _body_company(line + "\n" + body)
            or _join_company(line + "\n" + body)
            or _domain_company(line + " " + _link_line(body))
            or _board_company(line + "\n" + body)
        )
        if found:
            company = found
            basis += "+body_company"
    if role:
        role = re.sub(r"^(?:now\s+)?hiring\s+(?:for\s+)?", "", role, flags=re.IGNORECASE) or None
    if role is None and body:
        role = _body_role(body) or _collective_role(line + "\n" + body)
        if role:
            basis += "+body_role"
    if location is None:
        # a bracketed place anywhere in the first line: "... sales. [On-Site, Berlin]",
        # a place the company is "based" in, or a remote offer with no place
        for bracket in re.findall(r"[(\[]([^()\[\]]{2,80})[)\]]", line):
            if countries_in(bracket) or re.search(r"\bremote\b", bracket, re.IGNORECASE):
                location = _clean(bracket)
                break
        else:
            location = _based_place(line + "\n" + body) or _job_board_place(body)
            if location is None and re.search(r"\bremote(?:ly)?\b", line, re.IGNORECASE):
                location = "Remote"
            if location is None and body:
                location = _body_place(body)
        if location is not None:
            basis += "+location_fallback"
    return FirstLine(company, role, location, fields.remote, basis)


def _parse_fields(line: str, body: str) -> FirstLine:
    line = re.sub(r"\s+(?:is|are)\s+hiring[!.:]*$", "", line, flags=re.IGNORECASE)
    # "Acme (YC W23): Founding Engineer ..." / "Acme (YC W21) Hiring: Strategist"
    line = re.sub(
        r"^(?P<c>[A-Z][^|:()]{1,50}?\s*\((?:YC|Y Combinator)\b[^)]*\))\s*(?i:hiring)?\s*:\s+",
        r"\g<c> | ",
        line,
    )
    line = re.sub(r"^(?:company|employer)\s*:\s*", "", line, flags=re.IGNORECASE)
    sentence_start = re.match(
        r"^(?:We|We're|We’re|Our|I|I'm|I’m|Hi|Hello|Hey|(?i:this is|my name))\b", line
    )
    segs_if_fields = _split_segments(line)
    short_fields = (
        not sentence_start
        and len(segs_if_fields) >= 3
        and all(len(seg) <= 80 for seg in segs_if_fields)
    )
    if (
        "|" not in line
        and (len(line) > 100 or sentence_start)
        and not short_fields
        and not _HIRING_RE.match(line[:160])
    ):
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
        field = _body_location_field(body) if body else None
        tail = re.search(r"\(([^()]+)\)\s*\.?$", line)
        if tail and _is_location(tail.group(1)):
            place: str | None = _clean(tail.group(1))
        else:
            place = (
                field
                or (_body_place(body, remote=False) if body else None)
                or _place_sentence(line + "\n" + body)
            )
        opening = re.split(r"[.;!?]\s", line, maxsplit=1)[0]
        # "Redmond, WA US onsite/hybrid. We're hiring ...": a place, not a name
        if pm and not sentence_start and not _only_a_place(opening):
            prose_company: str | None = _clean(pm.group("c"))
        else:
            prose_company = _named_as_hiring(line)
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
        field = _body_location_field(body) if body else None
        return FirstLine(
            _clean(we_at.group("c")),
            _body_role(body) if body else None,
            field or _place_sentence(body),
            bool(re.search(r"\bremote\b", line + body[:3000], re.IGNORECASE)),
            "first_line:we_are_hiring",
        )
    m = _HIRING_RE.match(line)
    if m and "|" not in line:
        rest = _PROSE_START.split(m.group("rest"), maxsplit=1)[0]
        rest = re.sub(r"^(?:for\s+)?(?:an?\s+|the\s+)?", "", rest, flags=re.IGNORECASE)
        loc_m = re.search(r"\b(?:in|at)\s+(.+)$|\s[-–—]\s(.+)$", rest)
        if loc_m and loc_m.group(2) and not _is_location(loc_m.group(2)):
            # "... Engineers (Remote, Global) — AI-First Systems": a dash clause that
            # names no place is part of the role; "- https://..." is a link
            rest = rest[: loc_m.start()]
            loc_m = None
        role = rest[: loc_m.start()] if loc_m else rest
        role = re.sub(r"\s+to\s+(?:join|work|help|lead|build)\b.*$", "", role)
        location = _clean(loc_m.group(1) or loc_m.group(2)) if loc_m else None
        tail_word = re.search(r"\s(worldwide|globally|remote(?:ly)?)\W*$", role, re.IGNORECASE)
        if location is None and tail_word:
            location = tail_word.group(1)
            role = role[: tail_word.start()]
        if re.match(r"to\s", role) or (
            re.match(r"[A-Z][a-z]+ing\b", role) and not _ROLE_RE.search(role)
        ):
            role = ""  # "Zep AI Is Hiring – Building the Agent Context Layer" names none
        return FirstLine(
            _clean(
                re.split(
                    r"\s+(?:is|are|was)\s|\.\s|\s[-–—|]\s|\s*https?://",
                    m.group("company"),
                    maxsplit=1,
                )[0]
            ),
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
        if i == 0 and kind == "url" and re.match(r"(?:https?://|www\.)|\S+/\S", seg):
            company = _domain_company(seg if "://" in seg else "https://" + seg)
            continue  # "https://www.hockeystack.com/engineering": the site's name
        if i == 0 and kind in {"other", "misc", "url", "salary"}:
            company = _strip_company(seg) or seg
            continue
        if i == 0 and kind == "role":
            at = re.match(
                r"^(?P<role>.+?)\s+(?:@\s*|at\s+)(?P<company>[^()]+?)"
                r"(?:\s+in\s+(?P<loc2>[^()]+))?(?:\s*\((?P<loc>.+)\))?$",
                seg,
            )
            if at:
                company = _clean(at.group("company"))
                role_parts.append(_clean(at.group("role")))
                for group in ("loc2", "loc"):
                    if at.group(group):
                        loc_parts.append(_clean(at.group(group)))
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
            and (not _LOCATION_WORDS.search(seg) or _place_word_in_name(seg))
            and "," not in seg
        ):
            # "Paris Saint-Germain | ..." style names are rare; a first segment is a company
            company = _strip_company(seg)
            continue
        if kind == "role":
            role_parts.append(seg)
        elif kind == "location":
            tail = re.match(r"^(?P<place>.*\))\s+(?P<role>[^()]+)$", seg)
            if (
                tail
                and _ROLE_RE.search(tail.group("role"))
                and not _is_location(tail.group("role"))
                and len(tail.group("role").split()) <= 5
                and not re.search(
                    r"\b(?:looking|seeking|hiring|we|our)\b", tail.group("role"), re.I
                )
            ):
                loc_parts.append(tail.group("place"))
                role_parts.append(_clean(tail.group("role")))
            else:
                loc_parts.append(seg)
    basis = "first_line"
    if company is None and kinds and kinds[0] in {"role", "location"}:
        # "Lead Full-Stack Engineer | Marker Learning | Remote": a short unclassified
        # segment after a leading role is the company
        names = [
            seg
            for i, (seg, k) in enumerate(zip(segs, kinds, strict=True))
            if i == 1 and k == "other" and len(seg.split()) <= 4 and not re.search(r"[,?/]", seg)
        ]
        if names:
            company = re.sub(
                r"^(?:company|employer)\s*:\s*", "", _strip_company(names[0]), flags=re.I
            )
    heading = _body_role(body) if not role_parts and body else None
    if heading:
        # a role the body names (a heading line, then "we're looking for ... engineers")
        # beats a first-line segment that names none ("Dev Shop", "B2B SaaS / AI for AEC")
        role_parts.append(heading)
        basis = "first_line+body_role"
    if not role_parts:
        # "Company | Growth Marketer | Remote": an unclassified second segment is the role
        others = [
            seg
            for i, (seg, k) in enumerate(zip(segs, kinds, strict=True))
            if i >= 1
            and k == "other"
            and len(seg) <= 60
            and seg.count(",") < 2
            and not _COMPANY_SENTENCE_RE.match(seg)
            and not _ORG_WORD_END_RE.search(seg)
        ]
        if others and company is not None:
            role_parts.append(others[0])
            basis = "first_line:unlabelled_segment"
    role = " / ".join(role_parts) if role_parts else None
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
        location = _body_location_field(body)
        if location:
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
            raise BadInputError(str(path), "job without an integer 'id'", i + 1)
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
                raise BadInputError(where, "job is not an object", i + 1)
            item = job.get("id")
            text_html = job.get("text")
            when = job.get("time")
            if not isinstance(item, int):
                raise BadInputError(where, "job without an integer 'id'", i + 1)
            if not isinstance(text_html, str) or not text_html.strip():
                raise BadInputError(where, f"item {item}: no text", i + 1)
            if not isinstance(when, int):
                raise BadInputError(where, f"item {item}: no integer 'time'", i + 1)
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
