"""Identity keys as person evidence: two profiles, one researcher, only where sound."""

from __future__ import annotations

from pathlib import Path

from conftest import require_shared
from talentflow.resolve.profile_links import (
    ProfileLink,
    key_holders,
    names_agree,
    profile_links,
    researcher_groups,
    strong_keys,
)
from talentflow.sources.papercopilot_openreview import (
    ArchiveRecord,
    mirror_files,
    read_archive_file,
)


def test_names_agree() -> None:
    assert names_agree("~Tat-Seng_Chua2", "~Tat-seng_Chua1")
    assert names_agree("~An_Bian1", "~Yatao_Bian1")
    assert names_agree("~Donlapark_Ponnoprat1", "~Donlapark_Pornnopparath1")
    assert not names_agree("~Shijie_Wang11", "~Liang_Yan5")
    assert not names_agree("~Donghoon_Lee10", "~Younghwan_Lee1", strict=True)
    assert names_agree("~Yumou_Qiu1", "~Yumou_Qiu2", strict=True)


def test_links_need_two_holders_and_agreeing_names() -> None:
    triples = [
        ("~Jona_Ballé1", "orcid", "0000-0002-1825-0097"),
        ("~Johannes_Ballé1", "orcid", "0000-0002-1825-0097"),
        ("~Johannes_Ballé1", "dblp", "84/4973"),
        ("~Ada_Lovelace1", "dblp", "84/4973"),  # names disagree: no link
        ("~Wei_Wang1", "homepage", "lab.example.edu"),
        ("~Hao_Wang2", "homepage", "lab.example.edu"),  # a group page: first names differ
        ("~A_B1", "homepage", "deepmind.com"),
        ("~A_B2", "homepage", "deepmind.com"),
        ("~A_B3", "homepage", "deepmind.com"),  # three holders: no evidence
        ("~Tam_Nguyen1", "linkedin", "tam-nguyen"),
        ("~Tam_Nguyen2", "linkedin", "tam-nguyen"),  # LinkedIn is not evidence
        ("x@y.org", "orcid", "0000-0001-5109-3700"),
        ("~Grace_Hopper1", "orcid", "0000-0001-5109-3700"),
    ]
    holders = key_holders(triples)
    assert profile_links(holders) == [
        ProfileLink("~Johannes_Ballé1", "~Jona_Ballé1", "orcid", "0000-0002-1825-0097")
    ]
    assert strong_keys(holders) == {("orcid", "0000-0001-5109-3700"): "~Grace_Hopper1"}


def test_groups_are_transitive() -> None:
    links = [ProfileLink("~a1", "~a2", "orcid", "x"), ProfileLink("~a2", "~a3", "dblp", "y")]
    assert researcher_groups(links) == [{"~a1", "~a2", "~a3"}]


def test_real_archive_links_the_two_profiles_of_one_researcher() -> None:
    root = require_shared("papercopilot-openreview")
    triples = []
    for f in mirror_files(Path(root)):
        for rec in read_archive_file(f).records:
            if isinstance(rec, ArchiveRecord):
                triples += [(a.profile_id, k, v) for a in rec.authors for k, v in a.identity_keys()]
    holders = key_holders(triples)
    links = profile_links(holders)
    balle = {(x.kind, x.profile_a, x.profile_b) for x in links if "Ball" in x.profile_a}
    assert ("orcid", "~Johannes_Ballé1", "~Jona_Ballé1") in balle
    assert ("google_scholar", "~Johannes_Ballé1", "~Jona_Ballé1") in balle
    linked_keys = {(x.kind, x.key) for x in links}
    assert all(len(holders[k]) == 2 for k in linked_keys)
    assert ("homepage", "deepmind.com") not in linked_keys  # many DeepMind profiles name it
    assert len(holders[("homepage", "deepmind.com")]) > 2
