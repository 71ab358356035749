"""Where a whole-mirror build spends its time, without and with the OpenReview archive.

Builds the paper-list mirror into two new stores (the archive read into the second) and
prints, per phase (paper-list ingest, archive ingest, each derive step), wall and CPU
seconds (user + sys of this process's threads and its worker processes): the profile behind
``benchmarks/build_archive.py``'s total.

    python benchmarks/build_steps.py --out /tmp/tf-steps
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from talentflow.build.steps import DERIVE_STEPS
from talentflow.graph.archive_ingest import ingest_archive
from talentflow.graph.build import build_paperlists
from talentflow.graph.store import open_store
from talentflow.progress import SILENT
from talentflow.sources import papercopilot_openreview as archive_source
from talentflow.sources.paperlists import mirror_files

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@contextmanager
def timed(phases: dict[str, tuple[float, float]], name: str) -> Iterator[None]:
    wall, cpu = time.perf_counter(), _cpu()
    yield
    phases[name] = (time.perf_counter() - wall, _cpu() - cpu)


def profile(db: Path, mirror: Path, archive: Path | None) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds per phase of one build from scratch."""
    db.unlink(missing_ok=True)
    phases: dict[str, tuple[float, float]] = {}
    with open_store(db) as store:
        with timed(phases, "paper-list ingest"):
            build_paperlists(store, mirror_files(mirror), workers=2)
        if archive is not None:
            with timed(phases, "archive ingest"):
                files = archive_source.mirror_files(archive, None, None)
                ingest_archive(store, files, None, {"mirror": str(archive)})
        for name, run in DERIVE_STEPS:
            with timed(phases, name):
                run(store, SILENT)
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="Folder for the stores (/tmp).")
    parser.add_argument("--mirror", type=Path, default=SHARED / "paperlists")
    parser.add_argument("--archive", type=Path, default=SHARED / "papercopilot-openreview")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    without = profile(args.out / "without.duckdb", args.mirror, None)
    with_ = profile(args.out / "with.duckdb", args.mirror, args.archive)
    print(
        f"{'phase':<20} {'wall without':>12} {'wall with':>10} {'CPU without':>12} {'CPU with':>9}"
    )
    for name in with_:
        w0, c0 = without.get(name, (0.0, 0.0))
        w1, c1 = with_[name]
        print(f"{name:<20} {w0:>12.1f} {w1:>10.1f} {c0:>12.1f} {c1:>9.1f}")
    total0 = [sum(v[i] for v in without.values()) for i in range(2)]
    total1 = [sum(v[i] for v in with_.values()) for i in range(2)]
    print(
        f"{'total':<20} {total0[0]:>12.1f} {total1[0]:>10.1f} {total0[1]:>12.1f} {total1[1]:>9.1f}"
    )


if __name__ == "__main__":
    main()
