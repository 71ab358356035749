"""Checks of the organisation resolver on real data (issue 3).

- ``label_agreement``: on slots carrying Paper Copilot's own country labels,
  resolve with those labels hidden and compare.
- ``coverage``: share of slots with an affiliation that get a country / an organisation.

Paper Copilot files Hong Kong, Macau and Taiwan under "China"; ISO 3166 (and
talentflow) gives them their own codes. The comparison maps our HK/MO/TW to CN
before comparing, and counts those cases apart (``convention``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from talentflow.graph.store import Store
from talentflow.normalise.countries import country_code
from talentflow.resolve.orgs import Resolver

_PC_CHINA = {"HK": "CN", "MO": "CN", "TW": "CN"}


@dataclass
class Agreement:
    """Agreement of resolved countries with the source's own (hidden) labels."""

    labelled_slots: int = 0
    covered: int = 0
    agree: int = 0
    convention: int = 0
    by_basis: Counter[str] = field(default_factory=Counter)
    disagree_by_basis: Counter[str] = field(default_factory=Counter)
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.covered / self.labelled_slots if self.labelled_slots else 0.0

    @property
    def agreement(self) -> float:
        return self.agree / self.covered if self.covered else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "labelled_slots": self.labelled_slots,
            "covered": self.covered,
            "coverage": round(self.coverage, 4),
            "agree": self.agree,
            "agreement": round(self.agreement, 4),
            "convention_hk_mo_tw": self.convention,
            "by_basis": dict(self.by_basis),
            "disagree_by_basis": dict(self.disagree_by_basis),
        }


_LABELLED_SQL = """
SELECT affiliation, aff_domain, source_orgs, source_countries, count(*) AS slots
FROM authorships
WHERE source_countries IS NOT NULL AND len(source_countries) > 0
GROUP BY ALL
"""


def label_agreement(
    store: Store, resolver: Resolver, show_source_orgs: bool = True, keep: int = 400
) -> Agreement:
    """Resolve every labelled slot with its country labels hidden and compare.

    A slot is labelled when at least one of its labels is a country (not 'Unknown').
    It agrees when our country (HK/MO/TW read as CN) is one of its labels.
    With ``show_source_orgs=False`` the source's organisation labels are hidden too.
    """
    result = Agreement()
    for aff, dom, s_orgs, s_countries, slots in store.con.sql(_LABELLED_SQL).fetchall():
        labels = {c for c in (country_code(x) for x in s_countries) if c}
        if not labels:
            continue
        result.labelled_slots += slots
        res = resolver.resolve(aff, dom, s_orgs if show_source_orgs else None)
        if not res.country:
            continue
        result.covered += slots
        result.by_basis[res.country_basis or ""] += slots
        ours = _PC_CHINA.get(res.country, res.country)
        if ours in labels:
            result.agree += slots
            if ours != res.country:
                result.convention += slots
            continue
        result.disagree_by_basis[res.country_basis or ""] += slots
        if len(result.disagreements) < keep:
            result.disagreements.append(
                {
                    "affiliation": aff,
                    "domain": dom,
                    "source_orgs": s_orgs,
                    "labels": sorted(labels),
                    "ours": res.country,
                    "basis": res.country_basis,
                    "org": res.org,
                    "slots": slots,
                }
            )
    result.disagreements.sort(key=lambda d: -int(d["slots"]))
    return result


_COVERAGE_SQL = """
SELECT affiliation, aff_domain, source_orgs, source_countries, count(*) AS slots
FROM authorships
WHERE venue = ? AND year = ? AND affiliation IS NOT NULL AND trim(affiliation) <> ''
GROUP BY ALL
"""


def coverage(
    store: Store, resolver: Resolver, venue: str, year: int, use_source_labels: bool = False
) -> dict[str, Any]:
    """Share of a venue-year's slots with an affiliation that get a country / organisation."""
    slots = with_country = with_org = with_registry_org = 0
    basis: Counter[str] = Counter()
    for aff, dom, s_orgs, s_countries, n in store.con.sql(
        _COVERAGE_SQL, params=[venue, year]
    ).fetchall():
        res = (
            resolver.resolve(aff, dom, s_orgs, s_countries)
            if use_source_labels
            else resolver.resolve(aff, dom)
        )
        slots += n
        if res.country:
            with_country += n
            basis[res.country_basis or ""] += n
        if res.org_id:
            with_org += n
            if res.org_basis != "text":
                with_registry_org += n
    return {
        "venue": venue,
        "year": year,
        "slots_with_affiliation": slots,
        "country_coverage": round(with_country / slots, 4) if slots else 0.0,
        "org_coverage": round(with_org / slots, 4) if slots else 0.0,
        "registry_org_coverage": round(with_registry_org / slots, 4) if slots else 0.0,
        "by_basis": dict(basis),
    }
