"""Build or refresh the store from the Paper Copilot paper lists.

Files are parsed (by worker processes for a local mirror) while the changed ones
are written, all in one transaction. A bad file stops the build (naming the file
and record) and rolls the transaction back, leaving the store as it was, unless
``skip_bad`` is set, in which case every good file is ingested and the bad ones
are reported.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
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
    other_edition: int = 0
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
            "other_edition": self.other_edition,
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
        other_edition=parsed.other_edition,
    )


def parse_iter(
    files: Sequence[PaperListFile],
    fetcher: CachedFetcher | None,
    on_file: ProgressCallback | None = None,
    workers: int = 1,
) -> Iterator[tuple[PaperListFile, ParsedFile | BadInputError]]:
    """Read and parse every file in order; errors come in place of their file's result.

    Local files are parsed by ``workers`` processes while the caller consumes the
    results, so writing to the store overlaps with parsing.
    """
    local = all(not f.location.startswith(("http://", "https://")) for f in files)
    if local and workers > 1 and len(files) > 1:
        context = multiprocessing.get_context("forkserver")  # no fork of a threaded process
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        try:
            for f, res in zip(files, pool.map(_parse_local, files, chunksize=2), strict=True):
                if on_file:
                    on_file(f)
                yield f, res
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    for f in files:
        one: ParsedFile | BadInputError
        try:
            raw = read_bytes(f, fetcher)
            one = parse_file_bytes(raw, path=f.location, venue=f.venue, year=f.year)
        except BadInputError as exc:
            one = exc
        if on_file:
            on_file(f)
        yield f, one


def build_paperlists(
    store: Store,
    files: Sequence[PaperListFile],
    fetcher: CachedFetcher | None = None,
    skip_bad: bool = False,
    on_file: ProgressCallback | None = None,
    settings: dict[str, object] | None = None,
    workers: int = 1,
) -> BuildResult:
    """Ingest ``files`` into ``store``: all-or-nothing unless ``skip_bad``.

    Parsed files are written as they arrive, inside one transaction; the first bad
    file (without ``skip_bad``) rolls everything back and is raised.
    """
    if not files:
        raise TalentflowError("no paper-list files matched the requested venues and years")
    bad: list[BadInputError] = []
    counts: Counter[str] = Counter()  # the tables themselves are not kept once written
    with store.ingest_run(SOURCE_NAME, dict(settings or {})) as run:
        for f, res in parse_iter(files, fetcher, on_file, workers):
            if isinstance(res, BadInputError):
                if not skip_bad:
                    raise res
                bad.append(res)
                continue
            counts["ingested"] += run.add(_to_batch(f, res))
            counts.update(
                good=1,
                records=res.records,
                listed=res.author_slots_listed,
                slots=res.author_slots,
                doubled=res.doubled_lists,
                dropped=sum(res.dropped.values()),
                other_edition=res.other_edition,
            )
        run_id = run.finish(files_seen=len(files), files_bad=len(bad))
    return BuildResult(
        run_id=run_id,
        files_seen=len(files),
        files_ingested=counts["ingested"],
        files_unchanged=counts["good"] - counts["ingested"],
        records=counts["records"],
        author_slots_listed=counts["listed"],
        author_slots=counts["slots"],
        doubled_lists=counts["doubled"],
        dropped_fields=counts["dropped"],
        other_edition=counts["other_edition"],
        bad_files=[str(e) for e in bad],
    )
