"""E-mail and web domains: cleaning, e-mail providers, registrable suffixes, ccTLD countries.

A domain as the sources give it may be an address (``jane@cs.mit.edu``), carry
``www.`` or upper case, or be several joined by ``+``. ``clean_domain`` returns
the bare lower-case host or None; ``is_email_provider`` says whether it is a
web-mail domain (gmail.com, 163.com, qq.com, ...) that must never stand for an
organisation; ``suffixes`` lists the host and its parents down to the
registrable domain (``cs.stanford.edu`` -> ``cs.stanford.edu``, ``stanford.edu``);
``cctld_country`` reads the country of a country-code domain (``.ac.kr`` -> KR).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import pycountry

from talentflow.normalise.reference import word_list

# Second-level labels under a country code that are registries, not organisations
# ("ac.uk", "edu.cn", "co.jp", "go.kr", ...).
_SECOND_LEVEL = frozenset(word_list("talentflow.resolve.data", "registry_second_levels.txt"))
# Country codes sold as generic names: they say nothing about a location.
_VANITY_CCTLDS = frozenset(word_list("talentflow.resolve.data", "vanity_cctlds.txt"))
# Generic top-level domains reserved to one country.
_GENERIC_COUNTRY = {"edu": "US", "gov": "US", "mil": "US", "cat": "ES", "uk": "GB"}
_HOST_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


def clean_domain(value: str | None) -> str | None:
    """The bare lower-case host of a domain or e-mail address, or None if it is not one.

    >>> clean_domain(" Jane@CS.MIT.EDU "), clean_domain("www.google.com."), clean_domain("n/a")
    ('cs.mit.edu', 'google.com', None)
    """
    if not value:
        return None
    text = value.strip().lower()
    if "@" in text:
        text = text.rsplit("@", 1)[1]
    text = re.sub(r"^[a-z]+://", "", text).split("/", 1)[0].strip(". ")
    if text.startswith("www."):
        text = text[4:]
    if len(text) > 253 or not _HOST_RE.match(text):
        return None
    return text


def split_domains(value: str | None) -> list[str | None]:
    """Several domains joined by '+' (Paper Copilot's multi-affiliation form), cleaned."""
    if not value:
        return []
    return [clean_domain(p) for p in value.split("+")]


@cache
def _providers() -> frozenset[str]:
    text = resources.files("talentflow.resolve.data").joinpath("email_providers.txt")
    lines = text.read_text("utf-8").splitlines()
    return frozenset(s.strip() for s in lines if s.strip() and not s.startswith("#"))


def is_email_provider(domain: str | None) -> bool:
    """True for a web-mail domain (or a subdomain of one): gmail.com, 163.com, qq.com, ..."""
    if not domain:
        return False
    providers = _providers()
    return any(s in providers for s in suffixes(domain, registrable_only=False))


def registrable(domain: str) -> str:
    """The registrable domain: 'cs.stanford.edu' -> 'stanford.edu', 'a.b.ac.uk' -> 'b.ac.uk'."""
    labels = domain.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def suffixes(domain: str, registrable_only: bool = True) -> list[str]:
    """The host and its parent domains, longest first, down to the registrable domain."""
    labels = domain.split(".")
    out = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    if registrable_only:
        floor = registrable(domain)
        out = out[: out.index(floor) + 1] if floor in out else out
    return out


@cache
def _cctlds() -> frozenset[str]:
    return frozenset(c.alpha_2.lower() for c in pycountry.countries)


def cctld_country(domain: str | None) -> str | None:
    """The country a domain's top-level label names, or None ('.ac.kr' -> KR, '.edu' -> US).

    Vanity country codes sold as generic names (.io, .ai, .co, .me, ...) name no country.
    """
    if not domain:
        return None
    tld = domain.rsplit(".", 1)[-1]
    if tld in _GENERIC_COUNTRY:
        return _GENERIC_COUNTRY[tld]
    if tld in _VANITY_CCTLDS or tld not in _cctlds():
        return None
    return tld.upper()


def subdomain_country(domain: str | None) -> str | None:
    """A country named by a company's regional subdomain: 'us.bosch.com' -> US, 'uk.x.com' -> GB.

    Only the label just left of the registrable domain counts, and
    only a real, non-vanity country code ('ai.meta.com' names no country).
    """
    if not domain:
        return None
    floor = registrable(domain)
    if floor == domain:
        return None
    label = domain[: -len(floor) - 1].rsplit(".", 1)[-1]  # 'cw.jp.nec.com' -> 'jp'
    if label == "uk":
        return "GB"
    if len(label) != 2 or label in _VANITY_CCTLDS or label not in _cctlds():
        return None
    return label.upper()
