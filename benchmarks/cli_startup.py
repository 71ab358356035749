"""Start-up time of the command line: ``talentflow --help``, ``talentflow stats --help`` and
``import talentflow.cli``, against the issue-21 goal of 0.3 s.

    python3 -m uv run python benchmarks/cli_startup.py [--runs 21] [--before OLD/src]

Each command runs in a fresh interpreter, ``--runs`` times, rounds interleaved (every
command, condition and variant once per round, so load spikes hit all of them alike). What
a start costs depends mostly on which modules have bytecode, so three conditions, each a
``PYTHONPYCACHEPREFIX`` cut from one warmed cache (whatever the virtual environment holds):

- ``bytecode``: everything compiled (``pip install``, or any run after the first where
  ``__pycache__`` can be written).
- ``libraries``: the standard library and site-packages compiled, talentflow's source not:
  ``uv sync`` with ``compile-bytecode`` (pyproject's ``[tool.uv]``) where
  ``PYTHONDONTWRITEBYTECODE=1`` is set, as on the shared machine (an editable install's
  source is never compiled there).
- ``source``: only the standard library compiled: ``uv sync`` without ``compile-bytecode``
  where ``PYTHONDONTWRITEBYTECODE=1`` is set: Typer, rich and pydantic are compiled from
  source on every start.

``--plain`` adds this tree with Typer's plain help (``TYPER_USE_RICH=0``, no rich panels
or colours), to price giving up rich's help formatting. ``--before DIR`` also times the
``src`` directory DIR (e.g. the previous commit, exported with ``git archive COMMIT src |
tar -x -C /tmp/before``) in the same rounds. Prints the median and best wall time per cell,
the median's ratio to the goal, the median CPU time (less sensitive to other work on the
machine than wall time), and with ``--importtime`` the modules that cost most in one
``--help`` start with cached bytecode.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

GOAL_S = 0.3
HERE = Path(__file__).resolve().parents[1] / "src"
ENTRY = "from talentflow.cli import main; main()"
COMMANDS = {
    "talentflow --help": ["-c", ENTRY, "--help"],
    "talentflow stats --help": ["-c", ENTRY, "stats", "--help"],
    "import talentflow.cli": ["-c", "import talentflow.cli"],
}
CONDITIONS = ("bytecode", "libraries", "source")


def environment(
    src: Path, cache: Path, extra: dict[str, str] | None = None, write: bool = False
) -> dict[str, str]:
    """The environment of one run: which source tree, and which bytecode cache."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "TYPER"))}
    env.update(extra or {})
    env["PYTHONPATH"] = str(src)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    if not write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def cut_caches(warm: Path, sources: list[Path]) -> dict[str, Path]:
    """The three conditions' caches, cut from the warmed one."""
    site = Path(sysconfig.get_paths()["purelib"]).resolve()
    caches = {"bytecode": warm}
    for condition, drop in (("libraries", sources), ("source", [*sources, site])):
        cache = warm.with_name(condition)
        shutil.copytree(warm, cache)
        for path in drop:
            shutil.rmtree(cache / path.resolve().relative_to("/"), ignore_errors=True)
        caches[condition] = cache
    return caches


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one ``python ARGS`` in a new interpreter."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def heaviest_imports(env: dict[str, str], top: int = 15) -> list[tuple[float, str]]:
    """The imports with the largest cumulative time in one ``talentflow --help`` start."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *COMMANDS["talentflow --help"]],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]) / 1000, parts[2].rstrip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--before", type=Path, help="A src directory to time beside this one.")
    parser.add_argument(
        "--conditions", default=",".join(CONDITIONS), help="Some of: " + ", ".join(CONDITIONS)
    )
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="Also time this tree with Typer's plain help (TYPER_USE_RICH=0): what giving "
        "up rich's help formatting would save.",
    )
    opts = parser.parse_args()
    variants: dict[str, tuple[Path, dict[str, str]]] = {"after": (HERE, {})}
    if opts.before is not None:
        variants = {"before": (opts.before, {}), **variants}
    if opts.plain:
        variants["plain"] = (HERE, {"TYPER_USE_RICH": "0"})
    conditions = opts.conditions.split(",")
    times: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="tf-startup-") as tmp:
        warm = Path(tmp) / "bytecode"
        for src, extra in variants.values():
            for args in COMMANDS.values():
                run_once(args, environment(src, warm, extra, write=True))
        caches = cut_caches(warm, [src for src, _ in variants.values()])
        bare = []
        for _ in range(opts.runs):
            bare.append(run_once(["-c", "pass"], environment(HERE, warm))[0])
            for condition in conditions:
                for name, args in COMMANDS.items():
                    for variant, (src, extra) in variants.items():
                        env = environment(src, caches[condition], extra)
                        times.setdefault((condition, name, variant), []).append(run_once(args, env))
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {opts.runs} interleaved "
            f"rounds, load average {os.getloadavg()[0]:.2f} at the end; bare interpreter "
            f"median {statistics.median(bare):.3f} s; goal {GOAL_S} s"
        )
        print("wall and CPU (user + system) seconds per start")
        print(
            f"{'condition':<9} {'command':<24} {'variant':<7} median   best  median/goal"
            "  CPU median"
        )
        for (condition, name, variant), values in times.items():
            median = statistics.median(w for w, _ in values)
            print(
                f"{condition:<9} {name:<24} {variant:<7} {median:6.3f} {min(values)[0]:6.3f}"
                f"  {median / GOAL_S:5.2f}        {statistics.median(c for _, c in values):6.3f}"
            )
        if opts.before is not None:
            for condition in conditions:
                for name in COMMANDS:
                    old = statistics.median(w for w, _ in times[(condition, name, "before")])
                    new = statistics.median(w for w, _ in times[(condition, name, "after")])
                    print(f"after/before {condition:<9} {name:<24} {new / old:5.2f}")
        if opts.importtime:
            print("heaviest imports of one 'talentflow --help' (bytecode), cumulative ms:")
            for ms, module in heaviest_imports(environment(HERE, warm)):
                print(f"{ms:8.1f}  {module}")


if __name__ == "__main__":
    main()
