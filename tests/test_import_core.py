"""`import talentflow` works with the core dependencies only."""

from __future__ import annotations

import subprocess
import sys
import textwrap

OPTIONAL = [
    "plotly",
    "fastapi",
    "uvicorn",
    "playwright",
    "pyspark",
    "splink",
    "openreview",
    "pyalex",
    "names_dataset",
    "pypinyin",
    "sklearn",
    "ibis",
    "ethnicolr",
    "sinonym",
]

_BLOCKER = textwrap.dedent(
    """
    import sys
    BLOCKED = set(sys.argv[1].split(","))

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is blocked for this test")
            return None

    sys.meta_path.insert(0, Block())
    import talentflow
    from talentflow.cli import app
    from typer.testing import CliRunner
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0, result.output
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    assert not loaded, loaded
    print("ok", talentflow.__version__)
    """
)


def test_import_and_cli_help_without_optional_dependencies() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _BLOCKER, ",".join(OPTIONAL)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok")


def test_the_command_line_starts_without_the_data_libraries() -> None:
    """``talentflow --help`` loads Typer and rich only: DuckDB, pyarrow, sqlglot and numpy
    load when a command needs them (start-up time: benchmarks/cli_startup.py)."""
    heavy = ("duckdb", "pyarrow", "sqlglot", "numpy")
    code = f"import sys, talentflow.cli\nprint(','.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
    # and the lazily exported names still resolve
    code = "import talentflow, talentflow.engines as e; print(talentflow.Store, e.DuckDBEngine)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "graph.store.Store" in done.stdout and "engines.duckdb.DuckDBEngine" in done.stdout
