"""Researcher identity keys, normalised once for every source: ORCID, DBLP, Google
Scholar, homepage and LinkedIn.

Each ``normalise_*`` takes the text a source gave (a bare id or any of the URL forms
seen in OpenReview profiles) and returns one canonical key, or None when the text
is not a key of that kind (an ORCID with a bad check digit, a Scholar link without
``user=``, a homepage that is not a URL).

>>> normalise_orcid("https://orcid.org/0000-0002-1825-0097")
'0000-0002-1825-0097'
>>> normalise_dblp("https://dblp.org/pid/87/7578.html")
'87/7578'
>>> normalise_scholar("https://scholar.google.com/citations?user=prj0heYAAAAJ&hl=en")
'prj0heYAAAAJ'
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

KEY_KINDS = ("orcid", "dblp", "google_scholar", "homepage", "linkedin")

_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])(?![\dX])", re.IGNORECASE)
_SCHOLAR_ID = re.compile(r"^[A-Za-z0-9_-]{12}$")
_DBLP_HOSTS = ("dblp.org", "dblp.uni-trier.de", "dblp.dagstuhl.de", "dblp2.uni-trier.de")
_DBLP_KEY = re.compile(r"^(?:[0-9]+/[0-9]+(?:-[0-9]+)?|[a-z]/[^/\s]+)$")
_TRACKING_PARAMS = frozenset({"hl", "gl", "oi", "authuser", "view_op", "lang"})


def orcid_check_digit(base15: str) -> str:
    """The ISO 7064 11,2 check character of the first 15 ORCID digits."""
    total = 0
    for ch in base15:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str | None) -> str | None:
    """The bare ORCID (``0000-0002-1825-0097``) from an id or a URL; None unless the
    check digit is right."""
    if not value:
        return None
    m = _ORCID.search(value.replace(" ", ""))
    if m is None:
        return None
    digits = "".join(m.groups()).upper()
    if orcid_check_digit(digits[:15]) != digits[15]:
        return None
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def _url_parts(value: str) -> tuple[str, str, str]:
    """(host without www., path, query) of a URL written with or without a scheme."""
    text = value.strip()
    if "://" not in text:
        text = "//" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    host = host.removeprefix("www.")
    return host, unquote(parts.path), parts.query


def normalise_dblp(value: str | None) -> str | None:
    """One DBLP person key from a pid (``87/7578``), a page name (``177/8902.html``) or
    any dblp URL (``/pid/87/7578.html``, ``/pers/hd/a/Arbour:David``): the pid when the
    source gave one, else the name key (``a/Arbour:David``)."""
    if not value:
        return None
    text = value.strip()
    if "dblp" in text.lower():
        host, path, _ = _url_parts(text)
        if not host.endswith(_DBLP_HOSTS):
            return None
        text = path
    text = unquote(text.split("?", 1)[0]).strip().strip("/")
    text = re.sub(r"\.(html?|xml|bib|rdf)$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"^(?:pid|pers/(?:hd|xx|xml|tb2)|pers)/", "", text)
    if not _DBLP_KEY.match(text):
        return None
    return text


def normalise_scholar(value: str | None) -> str | None:
    """The Google Scholar profile id (the ``user=`` parameter) from an id or a URL."""
    if not value:
        return None
    text = value.strip()
    if "user=" in text or "/" in text or "?" in text:
        query = text.split("?", 1)[1] if "?" in text else text
        users = parse_qs(query.replace("&amp;", "&")).get("user")
        if not users:
            return None
        text = users[0].strip()
    return text if _SCHOLAR_ID.match(text) else None


def normalise_homepage(value: str | None) -> str | None:
    """A canonical homepage URL: ``host/path`` lower-case host without ``www.``, no
    scheme, fragment, trailing slash, ``index.html`` or tracking/language parameters."""
    if not value:
        return None
    text = value.strip()
    if not text or " " in text:
        return None
    host, path, query = _url_parts(text)
    if "." not in host:
        return None
    path = re.sub(r"/index\.(?:html?|php)$", "", path, flags=re.IGNORECASE).rstrip("/")
    kept = sorted(
        f"{k}={v}"
        for k, vs in parse_qs(query).items()
        if k.lower() not in _TRACKING_PARAMS and not k.lower().startswith("utm_")
        for v in vs
    )
    return host + path + ("?" + "&".join(kept) if kept else "")


def normalise_linkedin(value: str | None) -> str | None:
    """The LinkedIn member handle (``david-arbour``) from a handle or a profile URL."""
    if not value:
        return None
    text = value.strip()
    if "linkedin." in text.lower():
        _, path, _ = _url_parts(text)
        m = re.search(r"/in/([^/]+)", path)
        if m is None:
            return None
        text = m.group(1)
    text = unquote(text.split("?", 1)[0]).strip("/").split("/", 1)[0].lower()
    if not text or " " in text or ":" in text:
        return None
    return text


NORMALISERS = {
    "orcid": normalise_orcid,
    "dblp": normalise_dblp,
    "google_scholar": normalise_scholar,
    "homepage": normalise_homepage,
    "linkedin": normalise_linkedin,
}


def identity_keys(raw: dict[str, str | None]) -> list[tuple[str, str]]:
    """(kind, key) for every field of ``raw`` (kind -> source text) that normalises."""
    out: list[tuple[str, str]] = []
    for kind in KEY_KINDS:
        key = NORMALISERS[kind](raw.get(kind))
        if key:
            out.append((kind, key))
    return out
