"""Full build time without and with the OpenReview archive (issue 18: within 20%).

Builds the whole paper-list mirror into new stores, alternating the two modes for
``--rounds`` rounds with the same code (``talentflow build``, only
``$TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR`` differs), and prints each build's wall time and
CPU time (user + sys of the build process and its workers, from ``os.wait4``), then the
medians and their ratio. The last round's two stores are kept for
``benchmarks/archive_indicators.py``.

    python benchmarks/build_archive.py --out /tmp/tf-build [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ARCHIVE_ENV = "TALENTFLOW_OPENREVIEW_ARCHIVE_MIRROR"
MODES = ("without", "with")


def timed_build(db: Path, mirror: Path, archive: Path | None) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + sys, children included) and peak RSS (GB)."""
    env = {k: v for k, v in os.environ.items() if k != ARCHIVE_ENV}
    if archive is not None:
        env[ARCHIVE_ENV] = str(archive)
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "talentflow", "build", "--mirror", str(mirror), "--db", str(db)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed ({db}): {err.decode(errors='replace')[-500:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="Folder for the stores (/tmp).")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mirror", type=Path, default=SHARED / "paperlists")
    parser.add_argument("--archive", type=Path, default=SHARED / "papercopilot-openreview")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    times: dict[str, list[tuple[float, float, float]]] = {m: [] for m in MODES}
    print(f"{'round':>5} {'mode':>8} {'wall s':>8} {'CPU s':>8} {'peak GB':>8}", flush=True)
    for r in range(1, args.rounds + 1):
        for mode in MODES:
            db = args.out / f"{mode}.duckdb"
            wall, cpu, rss = timed_build(db, args.mirror, args.archive if mode == "with" else None)
            times[mode].append((wall, cpu, rss))
            print(f"{r:>5} {mode:>8} {wall:>8.1f} {cpu:>8.1f} {rss:>8.2f}", flush=True)
    med = {m: [statistics.median(t[i] for t in times[m]) for i in range(2)] for m in MODES}
    for m in MODES:
        print(f"median {m:>8} wall {med[m][0]:.1f} s, CPU {med[m][1]:.1f} s")
    print(
        f"ratio with/without: wall {med['with'][0] / med['without'][0]:.3f}, "
        f"CPU {med['with'][1] / med['without'][1]:.3f}"
    )
    print(f"stores of the last round: {', '.join(str(args.out / f'{m}.duckdb') for m in MODES)}")
    print(f"cores: {os.cpu_count()}, load average now: {os.getloadavg()}")


if __name__ == "__main__":
    main()
