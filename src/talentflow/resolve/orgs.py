"""Affiliation text + e-mail domain -> organisation, kind and country.

Evidence, strongest first (see issue 3 and ``docs``):

1. a country, state or city stated in the affiliation text        -> basis ``stated``
2. the organisation named in the text, matched against the curated
   tables and the registries (exact segment, then longest word run) -> basis ``registry``
3. the e-mail domain (as given, then canonicalised with OpenReview's
   duplicate domains) matched against curated and university domains -> basis ``domain``
4. the domain's country code (.ac.kr, .edu.cn, .de, .edu)          -> basis ``domain``
5. the source's own country label, where one is given and allowed -> basis ``source``
6. last, the organisation's headquarters                           -> basis ``hq``

Both conventions reach the store: ``country`` is where the person is (the
first basis that applies), ``hq_country`` is the employer's headquarters.
Nothing is guessed silently: an affiliation with no organisation match gets
``org_id`` None (or an ``affiliation-text`` organisation named after the text
when it plainly names an institution, with a low confidence), and every
result says how it was reached in ``org_basis`` / ``country_basis`` / ``notes``.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any

from talentflow.normalise.countries import country_code
from talentflow.normalise.reference import word_list
from talentflow.resolve.countries import stated_country
from talentflow.resolve.domains import (
    cctld_country,
    clean_domain,
    is_email_provider,
    registrable,
    split_domains,
    subdomain_country,
    suffixes,
)
from talentflow.resolve.reference import ReferenceData
from talentflow.resolve.text import (
    CleanText,
    clean_affiliation,
    drop_asides,
    name_key,
    split_parts,
)

KINDS = ("academia", "industry", "government", "nonprofit", "unknown")
BASES = ("stated", "registry", "domain", "source", "hq")

_COUNTRY_CONFIDENCE = {"stated": 0.95, "registry": 0.9, "domain": 0.85, "source": 0.8, "hq": 0.6}
_ORG_CONFIDENCE = {"segment": 0.95, "words": 0.85, "domain": 0.85, "source": 0.8, "text": 0.5}
_MAX_WINDOW = 3
_MAX_WORDS = 12

_ACADEMIC_WORDS = re.compile(
    r"\b(universit|universidad|universidade|universita|college|school|polytechnic|politecnico"
    r"|hochschule|ecole|école|faculty|academy|institut[eo]? of technology|iit|kolleg|campus)",
    re.IGNORECASE,
)
_INDUSTRY_WORDS = re.compile(
    r"\b(inc|ltd|llc|gmbh|corp|corporation|company|co\.|limited|plc|s\.a\.|ag|technologies"
    r"|technology co|labs?|ai)\b",
    re.IGNORECASE,
)
_GOVERNMENT_WORDS = re.compile(
    r"\b(national laboratory|ministry|government|federal|agency|army|navy|air force"
    r"|national institute)\b",
    re.IGNORECASE,
)
_INSTITUTION_WORDS = re.compile(
    r"\b(universit\w*|universidad|universidade|college|institut\w*|laborator\w*|lab|labs"
    r"|research|centre|center|school|academy|hospital|inc|ltd|llc|gmbh|corp\w*|company"
    r"|foundation|polytechnic|politecnico|hochschule|ecole|technologies|group)\b",
    re.IGNORECASE,
)
# Registry names made only of these words ('National University', 'School of Management')
# are matched only as a whole segment, never inside a longer name.
_GENERIC_WORDS = frozenset(word_list("talentflow.resolve.data", "generic_org_words.txt"))
_RANK = {"curated": 0, "csrankings": 1, "hipo": 2, "affiliation-text": 3}

_DEPARTMENT = re.compile(
    r"^(dept|department|school|faculty|division|college|institute|lab|laboratory|center|centre"
    r"|program|graduate school|key lab)\b.*\b(of|for)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Org:
    """An organisation the resolver knows."""

    org_id: str
    name: str
    kind: str
    country: str | None  # where it sits, when it sits in one country
    hq_country: str | None
    parent_org_id: str | None
    registry: str


@dataclass(frozen=True)
class Resolution:
    """The decision for one (affiliation, domain) input."""

    org_id: str | None
    org: str | None
    org_kind: str | None
    country: str | None
    country_basis: str | None
    hq_country: str | None
    confidence: float
    org_basis: str | None = None
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["notes"] = ";".join(self.notes)
        return out


UNRESOLVED = Resolution(None, None, None, None, None, None, 0.0)


def _data_rows(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("talentflow.resolve.data").joinpath(name).read_text("utf-8")
    yield from csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))


def alias_targets(text: str) -> set[str]:
    """The organisation names the curated alias tables give ``text`` (lower case).

    >>> sorted(alias_targets("Tsinghua"))
    ['tsinghua university']
    """
    key = name_key(text)
    out = {
        row["target"].lower()
        for row in _data_rows("academic_aliases.csv")
        if name_key(row["alias"]) == key
    }
    for row in _data_rows("ai_orgs.csv"):
        aliases = [*row["aliases"].split("|"), *row["segment_aliases"].split("|")]
        if any(a and name_key(a) == key for a in aliases):
            out.add(row["name"].lower())
    return out


def curated_version() -> str:
    """Version of the curated tables: the VERSION file plus a hash of their content."""
    root = resources.files("talentflow.resolve.data")
    files = {
        name: root.joinpath(name)
        for name in ("ai_orgs.csv", "academic_aliases.csv", "places.csv", "email_providers.txt")
    }
    files["country_aliases.csv"] = resources.files("talentflow.normalise.data").joinpath(
        "country_aliases.csv"
    )
    h = hashlib.sha256()
    for name in sorted(files):
        h.update(files[name].read_bytes())
    return f"{root.joinpath('VERSION').read_text().strip()}-{h.hexdigest()[:8]}"


def _put(ids: list[str], org_id: str, first: bool) -> None:
    if first and org_id in ids:
        ids.remove(org_id)
    if org_id not in ids:
        ids.insert(0 if first else len(ids), org_id)


def _org_ref(parent: str) -> str | None:
    """A parent column value: a curated id ('cas') or a full organisation id ('uni:...')."""
    if not parent:
        return None
    return parent if ":" in parent else f"tf:{parent}"


def _slug(text: str) -> str:
    return name_key(text).replace(" ", "-")[:60] or hashlib.sha1(text.encode()).hexdigest()[:10]


@dataclass
class _Index:
    orgs: dict[str, Org] = field(default_factory=dict)
    # name key -> org ids in priority order (several when a name is ambiguous)
    segment: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    words: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    domains: dict[str, str] = field(default_factory=dict)
    max_words: int = 1

    def add_org(self, org: Org) -> None:
        self.orgs.setdefault(org.org_id, org)

    def add_name(self, name: str, org_id: str, anywhere: bool, first: bool = False) -> None:
        """Index a name of ``org_id``; ``first`` puts it ahead of other holders of the name."""
        key = name_key(name)
        if not key:
            return
        if anywhere and not org_id.startswith("tf:") and set(key.split()) <= _GENERIC_WORDS:
            anywhere = False  # 'University of Technology' only as a whole segment
        _put(self.segment[key], org_id, first)
        if anywhere:
            _put(self.words[key], org_id, first)
            self.max_words = max(self.max_words, min(key.count(" ") + 1, _MAX_WORDS))

    def add_domain(self, domain: str, org_id: str, claim: bool = False) -> None:
        """Index a domain of ``org_id``: the first holder keeps it, unless ``claim``."""
        d = clean_domain(domain)
        if d and not is_email_provider(d):
            if claim:
                self.domains[d] = org_id
            else:
                self.domains.setdefault(d, org_id)


class Resolver:
    """Resolves affiliations; build once (indexes the registries), call many times.

    >>> r = Resolver(ReferenceData.empty())
    >>> r.resolve("Google DeepMind, London, UK", "deepmind.com").org
    'Google DeepMind'
    """

    def __init__(self, reference: ReferenceData | None = None) -> None:
        self.reference = reference if reference is not None else ReferenceData.empty()
        self.version = f"orgs-{curated_version()}+ref-{self.reference.digest or 'none'}"
        self._ix = _Index()
        self._build()
        self._cache: dict[tuple[Any, ...], Resolution] = {}

    # ---- building the indexes ------------------------------------------------------------
    def _build(self) -> None:
        ix = self._ix
        ref = self.reference
        for row in _data_rows("ai_orgs.csv"):
            org = Org(
                org_id=f"tf:{row['org_id']}",
                name=row["name"],
                kind=row["kind"] if row["kind"] in KINDS else "unknown",
                country=country_code(row["country"]),
                hq_country=country_code(row["hq_country"]),
                parent_org_id=_org_ref(row["parent"]),
                registry="curated",
            )
            ix.add_org(org)
            ix.add_name(org.name, org.org_id, anywhere=True)
            for alias in filter(None, row["aliases"].split("|")):
                ix.add_name(alias, org.org_id, anywhere=True)
            for alias in filter(None, row["segment_aliases"].split("|")):
                ix.add_name(alias, org.org_id, anywhere=False)
            for d in filter(None, row["domains"].split("|")):
                ix.add_domain(d, org.org_id)
        # Universities with their domains. The registry lists some universities twice
        # (Shanghai Jiao Tong / Jiaotong University, one domain each): records with the
        # same name, spaces aside, in the same country are one organisation.
        by_name_country: dict[tuple[str, str | None], str] = {}
        by_squashed: dict[tuple[str, str | None], str] = {}
        for u in ref.universities:
            first = u.domains[0] if u.domains else _slug(u.name)
            org_id = f"uni:{first}"
            if org_id in ix.orgs:
                continue
            squashed = (name_key(u.name).replace(" ", ""), u.country)
            org_id = by_squashed.setdefault(squashed, org_id)
            if org_id not in ix.orgs:
                ix.add_org(Org(org_id, u.name, "academia", u.country, u.country, None, "hipo"))
            ix.add_name(u.name, org_id, anywhere=True)
            by_name_country[(name_key(u.name), u.country)] = org_id
            for d in u.domains:
                ix.add_domain(d, org_id)
        # CSRankings institutions: merged into a university record by name or homepage domain.
        homepage_domains: dict[str, Counter[str]] = defaultdict(Counter)
        for inst, url in ref.csrankings_homepages:
            host = clean_domain(url)
            if host:
                homepage_domains[inst][registrable(host)] += 1
        for inst in ref.csrankings_institutions:
            csr_cc = ref.csrankings_countries.get(inst, "US")
            csr_id = by_name_country.get((name_key(inst), csr_cc))
            top = homepage_domains[inst].most_common(1)
            dom = top[0][0] if top and top[0][1] >= 2 else None
            if csr_id is None and dom:
                candidate = ix.domains.get(dom)
                if candidate and ix.orgs[candidate].country == csr_cc:
                    csr_id = candidate
            if csr_id is None:
                csr_id = f"csr:{_slug(inst)}"
                ix.add_org(Org(csr_id, inst, "academia", csr_cc, csr_cc, None, "csrankings"))
            ix.add_name(inst, csr_id, anywhere=True)
            by_name_country.setdefault((name_key(inst), csr_cc), csr_id)
            if dom:
                ix.add_domain(dom, csr_id)
        # OpenAlex names -> CSRankings names (cspicks).
        csr_ids = {
            name_key(i): by_name_country.get((name_key(i), ref.csrankings_countries.get(i, "US")))
            for i in ref.csrankings_institutions
        }
        for alias, target in ref.school_aliases.items():
            alias_id = csr_ids.get(name_key(target)) if target else None
            if alias_id:
                ix.add_name(alias, alias_id, anywhere=True)
        # Curated academic abbreviations, pointing at registry names (or standing alone);
        # they take precedence over a registry record of the same name ("KU Leuven", a
        # student-mail record). A target's domains find its registry record when the
        # registry spells the name differently ("EPFL - EPF Lausanne"), and belong to the
        # curated organisation (cuhk.edu.cn, filed under Hong Kong, is CUHK-Shenzhen's).
        for row in _data_rows("academic_aliases.csv"):
            cc = country_code(row["country"])
            key = name_key(row["target"])
            domains = [d for d in (row.get("domains") or "").split("|") if d]
            found = [i for i in ix.segment.get(key, []) if ix.orgs[i].country in (cc, None)]
            found += [
                i
                for d in domains
                if (i := ix.domains.get(d)) and ix.orgs[i].country == cc and i not in found
            ]
            if found:
                org_id = found[0]
            else:
                org_id = f"tf:{_slug(row['target'])}"
                ix.add_org(Org(org_id, row["target"], "academia", cc, cc, None, "curated"))
            ix.add_name(row["target"], org_id, anywhere=True, first=True)
            for d in domains:
                ix.add_domain(d, org_id, claim=True)
            ix.add_name(row["alias"], org_id, anywhere=" " in name_key(row["alias"]), first=True)
        # A parent that is not known (a registry absent) is dropped, so parents always resolve.
        for org_id, org in list(ix.orgs.items()):
            if org.parent_org_id and org.parent_org_id not in ix.orgs:
                ix.orgs[org_id] = replace(org, parent_org_id=None)

    # ---- public API ----------------------------------------------------------------------
    @property
    def organisations(self) -> dict[str, Org]:
        """Every organisation the resolver knows, by id."""
        return self._ix.orgs

    def org(self, org_id: str | None) -> Org | None:
        return self._ix.orgs.get(org_id) if org_id else None

    def resolve(
        self,
        affiliation: str | None,
        domain: str | None = None,
        source_orgs: Iterable[str | None] | None = None,
        source_countries: Iterable[str | None] | None = None,
    ) -> Resolution:
        """Resolve one affiliation (with its domain and the source's own labels, if any)."""
        key = (
            affiliation,
            domain,
            tuple(source_orgs) if source_orgs else None,
            tuple(source_countries) if source_countries else None,
        )
        hit = self._cache.get(key)
        if hit is None:
            hit = self._resolve(affiliation, domain, key[2], key[3])
            self._cache[key] = hit
        return hit

    # ---- the decision --------------------------------------------------------------------
    def _resolve(
        self,
        affiliation: str | None,
        domain: str | None,
        source_orgs: tuple[str | None, ...] | None,
        source_countries: tuple[str | None, ...] | None,
    ) -> Resolution:
        clean: CleanText = clean_affiliation(affiliation)
        parts = split_parts(clean.text) if clean.text else []
        domains = split_domains(domain)
        notes = list(clean.problems)
        if domain and not any(domains):
            notes.append("bad-domain")
        if not parts and not any(domains) and not source_orgs and not source_countries:
            return Resolution(None, None, None, None, None, None, 0.0, None, tuple(notes))
        n = max(len(parts), len(domains), 1)
        first: Resolution | None = None
        for i in range(n):
            part = parts[i] if i < len(parts) else ""
            dom = (
                domains[i]
                if i < len(domains)
                else (domains[0] if len(parts) <= 1 and domains else None)
            )
            s_org = _aligned(source_orgs, i, n)
            s_cty = _aligned(source_countries, i, n)
            res = self._resolve_part(part, dom, s_org, s_cty, notes)
            if first is None:
                first = res
            if res.org_id or res.country:
                if i > 0:
                    res = Resolution(**{**res.__dict__, "notes": (*res.notes, f"from-part-{i}")})
                return res
        assert first is not None
        return first

    def _resolve_part(
        self,
        part: str,
        domain: str | None,
        source_org: str | None,
        source_country: str | None,
        notes_in: list[str],
    ) -> Resolution:
        notes = list(notes_in)
        text = drop_asides(part) if part else ""
        stated = stated_country(text) if text else None
        domain_org: str | None = None
        dom_country: str | None = None
        if domain:
            if is_email_provider(domain):
                notes.append("email-provider")
                domain = None
            else:
                domain_org = self._match_domain(domain)
                dom_country = cctld_country(domain)
        site_org = self.org(domain_org)
        domain_site = site_org.country if site_org else None
        if site_org is not None and domain_site is None and site_org.kind == "industry":
            domain_site = subdomain_country(domain)  # 'us.bosch.com': Bosch's US site
        hint = stated or domain_site or dom_country
        org_id, org_basis, ambiguous = self._match_name(text, hint) if text else (None, None, False)
        if ambiguous:
            notes.append("ambiguous-name")
        if org_id is None and domain_org is not None:
            org_id, org_basis = domain_org, "domain"
        if org_id is None and source_org:
            org_id, _, _ = self._match_name(source_org, hint)
            org_basis = "source" if org_id else None
        if org_id is None and text:
            org_id = self._text_org(text, stated or dom_country)
            org_basis = "text" if org_id else None
        org = self.org(org_id)
        # Country, strongest evidence first.
        country, basis = None, None
        src_country = country_code(source_country) if source_country else None
        hq = self._hq(org)
        if (
            org_basis == "words"
            and domain_org is not None
            and domain_site
            and org is not None
            and not self._related(org.org_id, domain_org)
        ):
            # A name found inside a longer text is weaker evidence than the domain.
            org_id, org_basis, org = domain_org, "domain", self.org(domain_org)
            notes.append("domain-over-partial-name")
        if org is not None and domain_org is not None and not self._related(org.org_id, domain_org):
            # The domain belongs to another organisation (a student's university address
            # beside a company name): it says nothing about where this organisation is.
            domain_site = dom_country = None
            notes.append("domain-of-other-org")
        for candidate, why in (
            (stated, "stated"),
            (
                org.country if org and org_basis in ("segment", "words", "source") else None,
                "registry",
            ),
            (domain_site, "domain"),
            (org.country if org and org_basis in ("domain", "text") else None, "domain"),
            (dom_country, "domain"),
            (src_country, "source"),
            (hq, "hq"),
        ):
            if candidate:
                country, basis = candidate, why
                break
        if country is None and text and not org_id:
            notes.append("unresolved")
        conf = 0.0
        if basis:
            conf = _COUNTRY_CONFIDENCE[basis]
        if org_basis:
            conf = conf * _ORG_CONFIDENCE[org_basis] if basis else _ORG_CONFIDENCE[org_basis] * 0.5
        elif basis:
            conf *= 0.8
        if ambiguous:
            conf *= 0.8
        return Resolution(
            org_id=org.org_id if org else None,
            org=org.name if org else None,
            org_kind=org.kind if org else None,
            country=country,
            country_basis=basis,
            hq_country=hq,
            confidence=round(conf, 3),
            org_basis=("name" if org_basis in ("segment", "words") else org_basis),
            notes=tuple(notes),
        )

    def _related(self, a: str, b: str) -> bool:
        """Same organisation, or one is an ancestor of the other."""
        return a == b or b in self._ancestors(a) or a in self._ancestors(b)

    def _ancestors(self, org_id: str) -> set[str]:
        out: set[str] = set()
        org = self.org(org_id)
        while org is not None and org.parent_org_id and org.parent_org_id not in out:
            out.add(org.parent_org_id)
            org = self.org(org.parent_org_id)
        return out

    def _hq(self, org: Org | None) -> str | None:
        seen = 0
        while org is not None and seen < 5:
            if org.hq_country:
                return org.hq_country
            org = self.org(org.parent_org_id)
            seen += 1
        return None

    def _pick(self, ids: list[str], hint: str | None) -> tuple[str, bool]:
        """First candidate, or the one in the hinted country when a name is ambiguous."""
        if len(ids) == 1:
            return ids[0], False
        countries = {self._ix.orgs[i].country for i in ids}
        if len(countries) == 1:
            return ids[0], False
        if hint:
            for i in ids:
                if self._ix.orgs[i].country == hint:
                    return i, False
        # No hint: the curated entry, else the CSRankings one, else the first listed.
        best = min(ids, key=lambda i: _RANK.get(self._ix.orgs[i].registry, 9))
        return best, True

    def _match_name(self, text: str, hint: str | None) -> tuple[str | None, str | None, bool]:
        """Organisation named in ``text``: a whole segment (or run of segments), then words."""
        return _match_name_cached(self, text, hint)

    def _match_domain(self, domain: str) -> str | None:
        ix = self._ix
        for s in suffixes(domain):
            if s in ix.domains:
                return ix.domains[s]
        dup = self.reference.duplicate_domains
        for s in suffixes(domain):
            canon = dup.get(s)
            if canon and canon in ix.domains:
                return ix.domains[canon]
        return None

    def _text_org(self, text: str, country: str | None) -> str | None:
        """An organisation named after the text, when the text plainly names an institution."""
        segments = [s.strip() for s in text.split(",") if s.strip()]
        chosen = None
        for s in segments:
            if _INSTITUTION_WORDS.search(s) and not _DEPARTMENT.match(s):
                chosen = s
                break
        if chosen is None:
            return None
        key = name_key(chosen)
        if len(key) < 4 or (stated_country(chosen) and len(key.split()) <= 2):
            return None
        kind = "unknown"
        if _ACADEMIC_WORDS.search(chosen):
            kind = "academia"
        elif _GOVERNMENT_WORDS.search(chosen):
            kind = "government"
        elif _INDUSTRY_WORDS.search(chosen):
            kind = "industry"
        org_id = "aff:" + hashlib.sha1(f"{key}|{country or ''}".encode()).hexdigest()[:12]
        if org_id not in self._ix.orgs:
            self._ix.orgs[org_id] = Org(
                org_id, chosen, kind, country, country, None, "affiliation-text"
            )
        return org_id


def _aligned(values: tuple[str | None, ...] | None, i: int, n: int) -> str | None:
    if not values:
        return None
    if len(values) == n and i < len(values):
        return values[i]
    return values[0] if i == 0 else None


def _segments(text: str) -> list[str]:
    segs = [name_key(s) for s in re.split(r"\s*[,/]\s*|\s+-\s+|\s*\(\s*|\s*\)\s*", text)]
    return [s for s in segs if s]


@lru_cache(maxsize=131072)
def _match_name_cached(
    resolver: Resolver, text: str, hint: str | None
) -> tuple[str | None, str | None, bool]:
    ix = resolver._ix
    segs = _segments(text)
    # 1. a segment or a run of up to three segments, leftmost first, longest first
    for i in range(len(segs)):
        for w in range(min(_MAX_WINDOW, len(segs) - i), 0, -1):
            key = " ".join(segs[i : i + w])
            ids = ix.segment.get(key)
            if ids:
                org_id, ambiguous = resolver._pick(ids, hint)
                return org_id, "segment", ambiguous
    # 2. the longest run of words naming an organisation anywhere in the text
    best: tuple[int, int, list[str]] | None = None
    for seg in segs:
        tokens = seg.split()
        for n in range(min(ix.max_words, len(tokens)), 0, -1):
            if best is not None and n <= best[0]:
                break
            for start in range(len(tokens) - n + 1):
                ids = ix.words.get(" ".join(tokens[start : start + n]))
                if ids:
                    best = (n, start, ids)
                    break
        if best is not None and best[0] >= 2:
            break
    if best is not None:
        org_id, ambiguous = resolver._pick(best[2], hint)
        return org_id, "words", ambiguous
    return None, None, False
