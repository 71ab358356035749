"""Realism on the real mirror: the indicators on every derive step's output.

The injected-truth tests (test_indicators_synthetic.py) check correctness; these check that
the real data gives plausible, documented figures beside published ones.
"""

from __future__ import annotations

import pytest

from talentflow.build import DERIVE_STEPS
from talentflow.graph.store import Store
from talentflow.indicators.country import country_profile
from talentflow.indicators.migration import migration
from talentflow.indicators.orgflows import orgflows
from talentflow.indicators.pipeline import pipeline
from talentflow.indicators.tracker import tracker_figures

pytestmark = pytest.mark.slow


@pytest.fixture()
def store(mirror_store: Store) -> Store:
    if not mirror_store.scalar("SELECT count(*) FROM slot_orgs"):
        steps = [name for name, _ in DERIVE_STEPS]
        pytest.skip(f"no organisation decisions: the derive steps registered are {steps}")
    return mirror_store


def test_pipeline_neurips_2018_beside_the_talent_tracker(store: Store) -> None:
    location = pipeline(store, "nips", 2018, basis="location")
    hq = pipeline(store, "nips", 2018, basis="hq")
    assert location.n == hq.n > 2000
    for result in (location, hq):
        assert result.coverage["work"] >= 0.85 * result.n
        top = next(iter(result.work))
        assert top == "US"
        assert 0.45 <= result.work["US"]["share"] <= 0.75
        assert 0.05 <= result.work["CN"]["share"] <= 0.20
        # NeurIPS 2018 is compared with the nearest edition, the Tracker's NeurIPS 2019.
        published = [
            f.country
            for f in tracker_figures()
            if (f.year, f.sample, f.stage) == (2019, "top-tier", "work")
        ]
        assert [c["country"] for c in result.comparison if c["stage"] == "work"] == published
        assert {c["tracker_year"] for c in result.comparison} == {2019}
        assert "Global AI Talent Tracker" in result.method
        for cell in result.work.values():
            assert cell["low"] <= cell["share"] <= cell["high"]
    # Employer headquarters pull researchers at foreign labs (Google Zurich, MSR Asia, ...)
    # to the company's home country, mostly the US.
    assert hq.work["US"]["share"] >= location.work["US"]["share"]


def test_migration_2013_2025_has_rows_and_korea_has_intervals(store: Store) -> None:
    result = migration(store, 2013, 2025)
    countries = {r["country"] for r in result.rows}
    assert len(countries) >= 20 and {"US", "CN", "KR"} <= countries
    assert result.flows and result.n > 100
    kr = [r for r in result.rows if r["country"] == "KR"]
    assert len(kr) >= 5
    for r in kr:
        assert r["low"] is not None and r["high"] is not None
        assert r["low"] <= r["net_per_10k"] <= r["high"]
    assert migration(store, 2013, 2025, country="KR").rows == kr


def test_orgflows_2013_2025_has_rows(store: Store) -> None:
    result = orgflows(store, 2013, 2025)
    assert result.n > 100
    assert result.top_hirers and result.top_losers
    assert all(r["from_org_id"] != r["to_org_id"] for r in result.rows)
    assert result.coverage["share_between_known_orgs"] > 0.5


def test_country_profile_korea(store: Store) -> None:
    kr = country_profile(store, "KR")
    assert kr.trains["people"] > 0
    assert kr.employs["people"] > 0
    assert kr.top_institutions
    assert kr.trend == migration(store, 2013, 2025, country="KR").rows
