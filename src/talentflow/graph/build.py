"""Build or refresh the store from the Paper Copilot paper lists.

Every file is read and parsed before the store is touched; the changed files are
then written in one transaction. A bad file stops the build (naming the file and
record) and leaves the store as it was, unless ``skip_bad`` is set, in which case
every good file is ingested and the bad ones are reported.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from talentflow.errors import BadInputError, TalentflowError
from talentflow.graph.store import FileBatch, Store
from talentflow.sources.http_cache import CachedFetcher
from talentflow.sources.paperlists import PaperListFile, read_bytes
from talentflow.sources.paperlists_parse import SOURCE_NAME, ParsedFile, parse_file_bytes

ProgressCallback = Callable[[PaperListFile], None]


@dataclass
class BuildResult:
    """What a build did."""

    run_id: str | None
    files_seen: int
    files_ingested: int
    files_unchanged: int
    records: int
    author_slots_listed: int
    author_slots: int
    doubled_lists: int
    dropped_fields: int
    bad_files: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "files_seen": self.files_seen,
            "files_ingested": self.files_ingested,
            "files_unchanged": self.files_unchanged,
            "records": self.records,
            "author_slots_listed": self.author_slots_listed,
            "author_slots": self.author_slots,
            "doubled_lists": self.doubled_lists,
            "dropped_fields": self.dropped_fields,
            "bad_files": self.bad_files,
        }


def _parse_local(f: PaperListFile) -> ParsedFile | BadInputError:
    try:
        return parse_file_bytes(read_bytes(f, None), path=f.location, venue=f.venue, year=f.year)
    except BadInputError as exc:
        return exc


def _to_batch(f: PaperListFile, parsed: ParsedFile) -> FileBatch:
    return FileBatch(
        file_key=parsed.file_key,
        source=SOURCE_NAME,
        venue=parsed.venue,
        year=parsed.year,
        location=f.location,
        sha256=parsed.sha256,
        papers=parsed.papers,
        authorships=parsed.authorships,
        records=parsed.records,
        author_slots_listed=parsed.author_slots_listed,
        doubled_lists=parsed.doubled_lists,
        dropped_fields=sum(parsed.dropped.values()),
    )


def parse_all(
    files: Sequence[PaperListFile],
    fetcher: CachedFetcher | None,
    on_file: ProgressCallback | None = None,
    workers: int = 1,
) -> list[tuple[PaperListFile, ParsedFile | BadInputError]]:
    """Read and parse every file; errors are returned in place of their file's result."""
    results: list[tuple[PaperListFile, ParsedFile | BadInputError]] = []
    local = all(not f.location.startswith(("http://", "https://")) for f in files)
    if local and workers > 1 and len(files) > 1:
        context = multiprocessing.get_context("forkserver")  # no fork of a threaded process
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for f, res in zip(files, pool.map(_parse_local, files, chunksize=4), strict=True):
                results.append((f, res))
                if on_file:
                    on_file(f)
        return results
    for f in files:
        one: ParsedFile | BadInputError
        try:
            raw = read_bytes(f, fetcher)
            one = parse_file_bytes(raw, path=f.location, venue=f.venue, year=f.year)
        except BadInputError as exc:
            one = exc
        results.append((f, one))
        if on_file:
            on_file(f)
    return results


def build_paperlists(
    store: Store,
    files: Sequence[PaperListFile],
    fetcher: CachedFetcher | None = None,
    skip_bad: bool = False,
    on_file: ProgressCallback | None = None,
    settings: dict[str, object] | None = None,
    workers: int = 1,
) -> BuildResult:
    """Ingest ``files`` into ``store``: all-or-nothing unless ``skip_bad``."""
    if not files:
        raise TalentflowError("no paper-list files matched the requested venues and years")
    parsed = parse_all(files, fetcher, on_file, workers)
    bad = [res for _, res in parsed if isinstance(res, BadInputError)]
    if bad and not skip_bad:
        raise bad[0]
    good = [(f, res) for f, res in parsed if isinstance(res, ParsedFile)]
    batches = [_to_batch(f, p) for f, p in good]
    stored = store.stored_hashes(SOURCE_NAME)
    changed = [b for b in batches if stored.get(b.file_key) != b.sha256]
    run_id = store.ingest(
        SOURCE_NAME, batches, settings or {}, files_seen=len(files), files_bad=len(bad)
    )
    return BuildResult(
        run_id=run_id,
        files_seen=len(files),
        files_ingested=len(changed),
        files_unchanged=len(batches) - len(changed),
        records=sum(p.records for _, p in good),
        author_slots_listed=sum(p.author_slots_listed for _, p in good),
        author_slots=sum(p.author_slots for _, p in good),
        doubled_lists=sum(p.doubled_lists for _, p in good),
        dropped_fields=sum(sum(p.dropped.values()) for _, p in good),
        bad_files=[str(e) for e in bad],
    )
