"""The Paper Copilot OpenReview archive source: files, lines, alignment on or_profile."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from conftest import require_shared
from talentflow.errors import BadInputError, FetchError
from talentflow.sources.http_cache import CachedFetcher, RetryPolicy
from talentflow.sources.papercopilot_openreview import (
    LIVE_BASE,
    LIVE_TREE,
    MIRROR_ENV,
    ArchiveAuthor,
    ArchiveFile,
    ArchiveRecord,
    VenuePaper,
    align_profiles,
    live_files,
    mirror_files,
    paper_status,
    read_archive_file,
    resolve_mirror,
    venue_file_tables,
)

GENDER = "Nonbinary-7f3a"  # a value that must never reach a record


def author_line(**fields: Any) -> dict[str, Any]:
    base = {
        "id": "f1",
        "author": "Ada Lovelace;Alan Turing",
        "authorids": "~Ada_Lovelace1;~Alan_Turing1",
        "or_profile": "~Alan_Turing1;~Ada_Lovelace1",
        "aff": "Google;University of Cambridge",
        "aff_domain": "google.com;cam.ac.uk",
        "position": "Researcher;PhD student",
        "homepage": ";https://ada.example.org/",
        "dblp": "12/345;",
        "google_scholar": ";prj0heYAAAAJ",
        "orcid": ";https://orcid.org/0000-0002-1825-0097",
        "linkedin": "alan-turing/;",
        "gender": f"{GENDER};{GENDER}",
    }
    base.update(fields)
    return base


def write_jsonl(path: Path, lines: list[Any], gz: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def one_file(tmp_path: Path, lines: list[Any], gz: bool = True) -> ArchiveFile:
    suffix = ".jsonl.gz" if gz else ".jsonl"
    path = write_jsonl(tmp_path / "authors" / "nips" / f"nips2023{suffix}", lines, gz)
    return ArchiveFile("authors", "nips", 2023, str(path))


def records(f: ArchiveFile) -> list[ArchiveRecord]:
    out = read_archive_file(f).records
    assert all(isinstance(r, ArchiveRecord) for r in out)
    return out  # type: ignore[return-value]


def test_values_follow_or_profile_not_author_order(tmp_path: Path) -> None:
    (rec,) = records(one_file(tmp_path, [author_line()]))
    by_index = {a.author_index: a for a in rec.authors}
    ada, alan = by_index[0], by_index[1]
    assert (ada.profile_id, ada.affiliation, ada.position) == (
        "~Ada_Lovelace1",
        "University of Cambridge",
        "PhD student",
    )
    assert ada.identity_keys() == [
        ("orcid", "0000-0002-1825-0097"),
        ("google_scholar", "prj0heYAAAAJ"),
        ("homepage", "ada.example.org"),
    ]
    assert (alan.affiliation, alan.identity_keys()) == (
        "Google",
        [("dblp", "12/345"), ("linkedin", "alan-turing")],
    )


def test_gender_never_reaches_a_record(tmp_path: Path) -> None:
    f = one_file(tmp_path, [author_line()])
    (rec,) = records(f)
    assert GENDER not in repr(rec)
    classes = (ArchiveRecord, ArchiveAuthor, VenuePaper)
    field_names = {x.name for cls in classes for x in dataclasses.fields(cls)}
    assert "gender" not in field_names
    venue = write_jsonl(tmp_path / "venues" / "nips" / "nips2023.jsonl.gz", [author_line()])
    (paper,) = read_archive_file(ArchiveFile("venues", "nips", 2023, str(venue))).records
    assert isinstance(paper, VenuePaper)
    assert GENDER not in repr(paper)


@pytest.mark.parametrize("gz", [True, False])
def test_bad_line_is_named_by_number(tmp_path: Path, gz: bool) -> None:
    good = author_line()
    f = one_file(tmp_path, [good, author_line(id="f2"), '{"id": "f3", "author": '], gz)
    with pytest.raises(BadInputError, match=r"nips2023\.jsonl(\.gz)?: line 3: malformed JSON"):
        read_archive_file(f)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ([1, 2], r"line 2: a list, not an object"),
        ({"id": "f2", "aff": ["x"]}, r"line 2: field 'aff' should be text, got list"),
        ({"author": "X"}, r"line 2: no forum id"),
        (author_line(), r"line 2: forum id f1 already on line 1"),
    ],
)
def test_bad_record_is_named_by_line(tmp_path: Path, line: Any, reason: str) -> None:
    f = one_file(tmp_path, [author_line(), line])
    with pytest.raises(BadInputError, match=reason):
        read_archive_file(f)


def test_truncated_gzip_is_named(tmp_path: Path) -> None:
    f = one_file(tmp_path, [author_line(id=f"f{i}") for i in range(200)])
    path = Path(f.location)
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(BadInputError, match=r"nips2023\.jsonl\.gz: truncated gzip"):
        read_archive_file(f)


def test_blank_lines_are_skipped_and_counted_in_the_hash(tmp_path: Path) -> None:
    f = one_file(tmp_path, [author_line(), "", author_line(id="f2")], gz=False)
    content = read_archive_file(f)
    assert [(r.forum_id, r.line) for r in content.records] == [("f1", 1), ("f2", 3)]
    assert content.sha256 == hashlib.sha256(Path(f.location).read_bytes()).hexdigest()


def test_list_of_another_length_is_dropped_not_shifted(tmp_path: Path) -> None:
    (rec,) = records(one_file(tmp_path, [author_line(aff="Google;Cambridge;Extra")]))
    assert rec.dropped_fields == ("aff",)
    assert all(a.affiliation is None for a in rec.authors)
    assert {a.position for a in rec.authors} == {"Researcher", "PhD student"}


def test_align_profiles_renamed_and_variant_ids() -> None:
    ids = ["~Mehrdad_Ghadiri2", "~David_Arbour1", "~Ruslan_Salakhutdinov1", "x@y.org"]
    names = ["Mehrdad Ghadiri", "David Arbour", "Ruslan Salakhutdinov", "Someone Else"]
    profiles = ["~David_Arbour1", "~Russ_Salakhutdinov1", "~Mehrdad_Ghadiri1", ""]
    assert align_profiles(profiles, ids, names) == [
        (1, "same_id"),
        (2, "surname"),
        (0, "id_variant"),
        None,
    ]


def test_align_profiles_never_guesses_between_namesakes() -> None:
    ids = ["~Wei_Wang1", "~Hao_Wang2"]
    names = ["Wei Wang", "Hao Wang"]
    # Both authors are Wangs and a profile is blank: the renamed profile stays unplaced.
    assert align_profiles(["~W_Wang7", ""], ids, names) == [None, None]
    # Once the other Wang is placed, the surname is unique; with nobody else left, the last
    # profile takes the last author even when its name differs.
    assert align_profiles(["~Hao_Wang2", "~W_Wang7"], ids, names)[1] == (0, "surname")
    assert align_profiles(["~Hao_Wang2", "~Wei_Wong7"], ids, names) == [
        (1, "same_id"),
        (0, "last_left"),
    ]


def test_unplaced_profile_values_are_dropped_and_counted(tmp_path: Path) -> None:
    line = author_line(
        author="Wei Wang;Hao Wang;Li Na",
        authorids="~Wei_Wang1;~Hao_Wang2;li@x.org",
        or_profile="~W_Wang7;~H_Wang9;~Li_Na1",
        aff="A;B;C",
        aff_domain="",
        position="",
        homepage="",
        dblp="",
        google_scholar="",
        orcid="",
        linkedin="",
    )
    (rec,) = records(one_file(tmp_path, [line]))
    # Two renamed Wangs for two Wang slots: neither is guessed; Li Na is placed by surname.
    assert [(a.author_index, a.affiliation) for a in rec.authors] == [(2, "C")]
    assert rec.unplaced_profiles == 2


def test_mirror_listing_prefers_gz_and_filters(tmp_path: Path, monkeypatch: Any) -> None:
    root = tmp_path / "archive"
    write_jsonl(root / "authors" / "nips" / "nips2023.jsonl.gz", [author_line()])
    write_jsonl(root / "authors" / "nips" / "nips2023.jsonl", [author_line()], gz=False)
    write_jsonl(root / "venues" / "alt" / "alt2026.jsonl.gz", [author_line()])
    write_jsonl(root / "other" / "alt" / "alt2026.jsonl.gz", [author_line()])
    write_jsonl(root / "authors" / "icml" / "nips2023.jsonl.gz", [author_line()])  # misfiled
    files = mirror_files(root)
    assert [(f.file_key, f.location.endswith(".gz")) for f in files] == [
        ("venues/alt/alt2026", True),
        ("authors/nips/nips2023", True),
    ]
    assert [f.file_key for f in mirror_files(root, venues={"alt"})] == ["venues/alt/alt2026"]
    assert mirror_files(root, years={2024}) == []
    monkeypatch.setenv(MIRROR_ENV, str(root))
    assert resolve_mirror(None) == root
    assert resolve_mirror(tmp_path) == tmp_path


def _fetcher(tmp_path: Path) -> CachedFetcher:
    return CachedFetcher(
        tmp_path / "cache",
        client=httpx.Client(),
        retry=RetryPolicy(max_attempts=2, backoff_seconds=0.0),
        sleep=lambda _: None,
    )


AUTHORS_URL = f"{LIVE_BASE}/authors/nips/nips2023.jsonl"
TREE = {
    "truncated": False,
    "tree": [
        {"path": "authors/nips/nips2023.jsonl", "type": "blob"},
        {"path": "venues/alt/alt2026.jsonl", "type": "blob"},
        {"path": "authors/nips", "type": "tree"},
        {"path": "README.md", "type": "blob"},
        {"path": "tools/authors/x2023.jsonl", "type": "blob"},
    ],
}


@respx.mock
def test_live_listing_download_and_conditional_request(tmp_path: Path) -> None:
    body = "\n".join(json.dumps(author_line(id=f"f{i}")) for i in range(3)) + "\n"
    respx.get(LIVE_TREE).mock(return_value=httpx.Response(200, json=TREE))
    route = respx.get(AUTHORS_URL)
    route.side_effect = [
        httpx.Response(200, text=body, headers={"ETag": '"v1"'}),
        httpx.Response(304),
    ]
    fetcher = _fetcher(tmp_path)
    files = live_files(fetcher)
    assert [f.file_key for f in files] == ["venues/alt/alt2026", "authors/nips/nips2023"]
    authors = files[1]
    first = read_archive_file(authors, fetcher)
    second = read_archive_file(authors, fetcher)
    assert [r.forum_id for r in second.records] == ["f0", "f1", "f2"]
    assert first.sha256 == second.sha256 == hashlib.sha256(body.encode()).hexdigest()
    assert route.calls[1].request.headers["If-None-Match"] == '"v1"'
    assert GENDER not in repr(second.records)


@respx.mock
def test_live_truncated_download_is_never_cached(tmp_path: Path) -> None:
    body = "\n".join(json.dumps(author_line(id=f"f{i}")) for i in range(3))
    respx.get(AUTHORS_URL).mock(return_value=httpx.Response(200, text=body[:-25]))
    fetcher = _fetcher(tmp_path)
    f = ArchiveFile("authors", "nips", 2023, AUTHORS_URL)
    with pytest.raises(FetchError, match=r"unusable body: download: line 3: malformed JSON"):
        read_archive_file(f, fetcher)
    assert fetcher.cached(AUTHORS_URL) is None


# --- the real mirror -------------------------------------------------------------------


def _manifest(root: Path) -> dict[str, dict[str, Any]]:
    return {e["file"]: e for e in json.loads((root / "MANIFEST.json").read_text())}


def test_real_mirror_every_file_reads_whole(tmp_path: Path) -> None:
    root = require_shared("papercopilot-openreview")
    manifest = _manifest(root)
    files = mirror_files(root)
    assert len(files) == len(manifest)
    for f in files:
        content = read_archive_file(f)
        entry = manifest[f"{f.file_key}.jsonl.gz"]
        assert len(content.records) == entry["records"], f.file_key
        assert content.sha256 == entry["sha256_staged_uncompressed"], f.file_key
        for rec in content.records:
            if not isinstance(rec, ArchiveRecord):
                continue
            slots = [a.author_index for a in rec.authors]
            assert len(slots) == len(set(slots)), (f.file_key, rec.forum_id)
            assert all(0 <= s < len(rec.author_ids) for s in slots), (f.file_key, rec.forum_id)


def test_real_neurips_2023_record_with_reordered_profiles() -> None:
    root = require_shared("papercopilot-openreview")
    path = root / "authors" / "nips" / "nips2023.jsonl.gz"
    with gzip.open(path, "rt") as fh:
        raw = next(json.loads(x) for x in fh if '"009LK0vLcY"' in x)
    profiles = raw["or_profile"].split(";")
    affs = raw["aff"].split(";")
    names = raw["author"].split(";")
    assert raw["authorids"].split(";") != profiles  # the case the issue names
    f = ArchiveFile("authors", "nips", 2023, str(path))
    (rec,) = [r for r in records(f) if r.forum_id == "009LK0vLcY"]
    assert rec.names == tuple(names)
    by_index = {a.author_index: a for a in rec.authors}
    assert len(by_index) == len(names)
    for a in rec.authors:
        # Each author gets the values of the or_profile entry that names them ...
        assert a.affiliation == affs[profiles.index(a.profile_id)]
        stem = a.profile_id.lstrip("~").rstrip("0123456789").replace("_", " ")
        assert stem == names[a.author_index]
    # ... which for the first author is the last entry, not the first.
    assert by_index[0].profile_id == profiles[-1]
    assert by_index[0].affiliation != affs[0]


def test_paper_status_drops_the_venue_year_prefix() -> None:
    assert paper_status("AISTATS 2026 Spotlight", "aistats", 2026) == "Spotlight"
    assert paper_status("AI4X-AC 2026 Oral", "ai4x", 2026) == "Oral"
    assert paper_status("ALT 2026", "alt", 2026) == "ALT 2026"
    assert paper_status("CauScale 2026", "aistats", 2026) == "CauScale 2026"
    assert paper_status("Poster", "aistats", 2025) == "Poster"


def test_venue_file_becomes_store_tables_with_provenance(tmp_path: Path) -> None:
    lines = [
        {
            "id": "v1",
            "title": "T1",
            "status": "AISTATS 2026 Oral",
            "track": "main",
            "author": "Ada Lovelace;Alan Turing",
            "authorids": "~Ada_Lovelace1;~Alan_Turing1",
            "gender": GENDER,
        },
        {
            "id": "v2",
            "title": "T2",
            "status": "AISTATS 2026 Poster",
            "track": "main",
            "author": "Grace Hopper",
            "authorids": "~Grace_Hopper1",
        },
    ]
    path = write_jsonl(tmp_path / "venues" / "aistats" / "aistats2026.jsonl.gz", lines)
    content = read_archive_file(ArchiveFile("venues", "aistats", 2026, str(path)))
    parsed = venue_file_tables(content)
    papers = parsed.papers.to_pylist()
    assert [(p["paper_key"], p["paper_id"], p["status"], p["is_oral"]) for p in papers] == [
        ("venues/aistats/aistats2026#0", "v1", "Oral", True),
        ("venues/aistats/aistats2026#1", "v2", "Poster", False),
    ]
    assert {p["source"] for p in papers} == {"papercopilot_openreview"}
    slots = parsed.authorships.to_pylist()
    assert [(s["name"], s["profile_id"]) for s in slots] == [
        ("Ada Lovelace", "~Ada_Lovelace1"),
        ("Alan Turing", "~Alan_Turing1"),
        ("Grace Hopper", "~Grace_Hopper1"),
    ]
    assert {(s["source"], s["file_sha256"]) for s in slots} == {
        ("papercopilot_openreview", content.sha256)
    }
    assert GENDER not in repr(parsed.papers.to_pydict()) + repr(parsed.authorships.to_pydict())
