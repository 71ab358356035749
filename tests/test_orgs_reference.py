"""The reference-data loader: local folder, environment, recorded downloads, and nothing.

Downloads are tested with respx-recorded responses (no network).
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx

from talentflow.resolve import reference as refmod
from talentflow.resolve.orgs import Resolver
from talentflow.resolve.reference import REGISTRIES, ReferenceData, load_reference
from talentflow.sources.http_cache import CachedFetcher, RetryPolicy

HIPO = [
    {
        "name": "Universidad de Prueba",
        "domains": ["prueba.edu.ar"],
        "web_pages": ["https://prueba.edu.ar/"],
        "country": "Argentina",
        "alpha_two_code": "AR",
        "state-province": None,
    }
]
DUPLICATES = {"oldprueba.edu.ar": "prueba.edu.ar"}
COUNTRY_INFO = "institution,region,countryabbrv\nUniversidad de Prueba,southamerica,ar\n"
INSTITUTIONS = "institution\nUniversidad de Prueba\n"
FACULTY = "name,affiliation,homepage,scholarid\n"
ALIASES = {"Prueba University": "Universidad de Prueba"}


def _fetcher(tmp_path: Path) -> CachedFetcher:
    return CachedFetcher(
        tmp_path / "cache", retry=RetryPolicy(max_attempts=1), sleep=lambda s: None
    )


def _mount(router: respx.MockRouter) -> None:
    router.get(refmod.HIPO_URL).mock(return_value=httpx.Response(200, json=HIPO))
    router.get(refmod.DUPLICATE_DOMAINS_URL).mock(return_value=httpx.Response(200, json=DUPLICATES))
    router.get(refmod.CSRANKINGS_COUNTRY_URL).mock(
        return_value=httpx.Response(200, text=COUNTRY_INFO)
    )
    router.get(refmod.CSRANKINGS_INSTITUTIONS_URL).mock(
        return_value=httpx.Response(200, text=INSTITUTIONS)
    )
    for i, url in enumerate(refmod.CSRANKINGS_FACULTY_URLS):
        row = f"Prof {i},Universidad de Prueba,https://cs.prueba.edu.ar/~p{i},\n" if i < 3 else ""
        router.get(url).mock(return_value=httpx.Response(200, text=FACULTY + row))
    router.get(refmod.SCHOOL_ALIASES_URL).mock(return_value=httpx.Response(200, json=ALIASES))


def test_missing_registries_are_downloaded_into_the_cache(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=True) as router:
        _mount(router)
        ref = load_reference(tmp_path / "nowhere", download=True, fetcher=_fetcher(tmp_path))
    assert ref.missing == []
    assert set(ref.origin.values()) == {"downloaded"}
    assert [u.name for u in ref.universities] == ["Universidad de Prueba"]
    assert ref.csrankings_countries == {"Universidad de Prueba": "AR"}
    assert len(ref.csrankings_homepages) == 3  # one header kept, 26 files joined
    res = Resolver(ref).resolve("Prueba University")
    assert (res.org, res.country) == ("Universidad de Prueba", "AR")
    res = Resolver(ref).resolve("Facultad de Ingeniería", "oldprueba.edu.ar")
    assert res.org == "Universidad de Prueba"
    # a second load is served from the cache, with no request at all
    with respx.mock(assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(500))
        again = load_reference(tmp_path / "nowhere", download=True, fetcher=_fetcher(tmp_path))
    assert route.call_count == 0
    assert again.digest == ref.digest


def test_failed_downloads_leave_the_resolver_working_and_say_so(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(503))
        ref = load_reference(tmp_path / "nowhere", download=True, fetcher=_fetcher(tmp_path))
    assert route.call_count == 1  # unreachable once: no wait on each of the other files
    assert ref.missing == list(REGISTRIES)
    assert "MISSING" in ref.describe()
    res = Resolver(ref).resolve("Ajou University", "ajou.ac.kr")
    assert (res.country, res.country_basis) == ("KR", "domain")
    assert Resolver(ref).resolve("Google DeepMind").org == "Google DeepMind"


def test_offline_mode_sends_no_request(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(200))
        ref = load_reference(tmp_path / "nowhere", download=False)
    assert route.call_count == 0
    assert ref.missing == list(REGISTRIES)


def test_environment_variable_names_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ref" / "hipo-university-domains"
    folder.mkdir(parents=True)
    (folder / "world_universities_and_domains.json").write_text(json.dumps(HIPO))
    monkeypatch.setenv(refmod.REFERENCE_ENV, str(tmp_path / "ref"))
    ref = load_reference(download=False)
    assert ref.origin == {"hipo-university-domains": str(folder)}
    assert "hipo-university-domains" not in ref.missing
    assert "csrankings" in ref.missing


def test_test_suite_forbids_downloads(tmp_path: Path) -> None:
    """conftest sets $TALENTFLOW_REFERENCE_DOWNLOAD=0: a build in a test never downloads."""
    with respx.mock(assert_all_called=False) as router:
        route = router.route().mock(return_value=httpx.Response(200))
        ref = load_reference(tmp_path / "nowhere")
    assert route.call_count == 0
    assert ref.missing == list(REGISTRIES)


def test_empty_reference_is_explicit() -> None:
    ref = ReferenceData.empty()
    assert ref.missing == list(REGISTRIES)
    assert Resolver(ref).version.endswith("ref-none")
