"""What the command line loads to start, and that every command's help survives the lazy
imports (the start-up time itself is measured by benchmarks/cli_startup.py, not here)."""

from __future__ import annotations

import importlib.metadata
import inspect
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import typer.main

from talentflow.cli import app
from talentflow.cli.docs import command_paths, help_text

#: Libraries a command loads when it runs, never to print help.
HEAVY = (
    "duckdb",
    "pyarrow",
    "numpy",
    "pandas",
    "polars",
    "plotly",
    "sklearn",
    "scipy",
    "splink",
    "pyspark",
    "sqlglot",
    "ibis",
    "httpx",
    "fastapi",
    "uvicorn",
    "pydantic",  # Typer coerces a running command's options with it
)
#: The talentflow modules help needs: the commands' declarations and what they import
#: at the top. The rest (the version, which reads importlib.metadata; the store, engines,
#: indicators, report, resolution, sources) loads inside the command that uses it.
AT_START = ("talentflow", "talentflow.errors", "talentflow.engines", "talentflow.engines.defaults")

_PROBE = """
import atexit, sys
heavy = sys.argv[1].split(",")
def report():
    loaded = [m for m in sys.modules if m.split(".")[0] in heavy or m.startswith("talentflow")]
    sys.stderr.write("LOADED:" + ",".join(sorted(loaded)) + "\\n")
atexit.register(report)
sys.argv = ["talentflow", *sys.argv[2:]]
from talentflow.cli import main
main()
"""


@pytest.mark.parametrize("args", [["--help"], ["stats", "--help"]], ids=" ".join)
def test_help_loads_no_data_library(args: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, ",".join(HEAVY), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Usage: talentflow" in proc.stdout
    loaded = proc.stderr.rsplit("LOADED:", 1)[1].split()[0].split(",")
    assert "talentflow.cli.indicators" in loaded  # the probe sees what the CLI imports
    late = sorted(
        {
            m if m.startswith("talentflow") else m.split(".")[0]
            for m in loaded
            if m not in AT_START and not m.startswith("talentflow.cli")
        }
    )
    assert not late, f"'talentflow {' '.join(args)}' loaded {late}"


_EVERY_HELP = """
import contextlib, io, sys
from talentflow.cli import main
from talentflow.cli.docs import command_paths
paths = {p[:n] for p in command_paths() for n in range(1, len(p) + 1)}
for path in sorted(paths):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        main([*path, "--help"])
print(len(paths), "pydantic" in sys.modules)
"""


def test_no_help_of_any_command_or_group_loads_pydantic() -> None:
    """Each group's absent --help flag reads False (``GROUP_SETTINGS``): Typer would
    import pydantic to coerce a None."""
    out = subprocess.run(
        [sys.executable, "-c", _EVERY_HELP], capture_output=True, text=True, check=True
    ).stdout.split()
    paths = {p[:n] for p in command_paths() for n in range(1, len(p) + 1)}
    assert len(paths) > len(command_paths())  # the groups are among them
    assert out == [str(len(paths)), "False"]


def test_the_version_is_the_installed_one_and_loads_on_first_use() -> None:
    code = (
        "import sys, talentflow\n"
        "before = 'talentflow.version' in sys.modules\n"
        "from talentflow import __version__\n"
        "print(before, __version__, talentflow.__version__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    installed = importlib.metadata.version("talentflow")
    assert out == ["False", installed, installed]


def _options(path: tuple[str, ...]) -> list[str]:
    cmd = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]  # type: ignore[attr-defined]
    return [max(p.opts, key=len) for p in cmd.params if p.opts[0].startswith("-")]


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_help_lists_its_options(path: tuple[str, ...]) -> None:
    text = help_text(path)
    assert "Usage: talentflow " + " ".join(path) + " [OPTIONS]" in text
    missing = [opt for opt in _options(path) if opt not in text]
    assert not missing, f"'talentflow {' '.join(path)} --help' does not list {missing}"


def _callbacks(group: typer.Typer) -> list[Callable[..., Any]]:
    out = [c.callback for c in group.registered_commands if c.callback is not None]
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            out += _callbacks(sub.typer_instance)
    return out


def test_command_annotations_are_objects_not_strings() -> None:
    """Typer reads every command's signature at each start; string annotations (``from
    __future__ import annotations`` in a command module) make it eval each one again."""
    callbacks = _callbacks(app)
    assert len(callbacks) == len(command_paths())
    stringly = [
        f"{fn.__module__}.{fn.__name__}"
        for fn in callbacks
        if any(isinstance(a, str) for a in inspect.get_annotations(fn).values())
    ]
    assert not stringly, stringly
