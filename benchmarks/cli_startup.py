"""Start-up time of the command line: ``talentflow --help`` and ``talentflow stats --help``.

    python3 -m uv run python benchmarks/cli_startup.py [--runs 7]

Runs each command in a fresh interpreter ``--runs`` times (wall clock, median and best),
then lists the talentflow modules whose import costs most (``python -X importtime``,
cumulative microseconds), which is where lazy imports would save time. The target of
issue 21 is under 0.3 s for both. Prints one JSON object; figures go to
benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time

COMMANDS = (["--help"], ["stats", "--help"])
ENTRY = "from talentflow.cli import main; main()"


def wall_times(args: list[str], runs: int) -> list[float]:
    """Seconds per run of ``talentflow ARGS`` in a new interpreter."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", ENTRY, *args], check=True, capture_output=True, text=True
        )
        out.append(time.perf_counter() - start)
    return out


def heaviest_imports(top: int = 12) -> list[dict[str, object]]:
    """The imports with the largest cumulative time when the CLI module loads."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import talentflow.cli"],
        check=True,
        capture_output=True,
        text=True,
    )
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        rows.append({"module": parts[2].strip(), "cumulative_ms": int(parts[1]) / 1000})
    rows.sort(key=lambda r: -float(str(r["cumulative_ms"])))
    return rows[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    result: dict[str, object] = {"python": platform.python_version(), "runs": runs}
    bare = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)
    result["bare_interpreter_median_s"] = round(statistics.median(bare), 3)
    for args in COMMANDS:
        times = wall_times(args, runs)
        result["talentflow " + " ".join(args)] = {
            "median_s": round(statistics.median(times), 3),
            "best_s": round(min(times), 3),
        }
    result["heaviest_imports"] = heaviest_imports()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
