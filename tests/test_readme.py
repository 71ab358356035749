"""The README's quick start runs as written, so it cannot drift from the code."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
FIRST_SCREEN = "\n".join(README.splitlines()[:30])
RUNNER_PREFIX = ["python3", "-m", "uv", "run", "talentflow"]


def test_first_screen_shows_the_two_commands() -> None:
    block = re.search(r"```sh\n(.*?)```", FIRST_SCREEN, re.S)
    assert block, "the README's first screen has no command block"
    commands = [line.split("#")[0].strip() for line in block.group(1).splitlines()]
    assert commands == ["make run", "make test"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "export CI=true" in ci
    assert "export TALENTFLOW_REQUIRE_SHARED_DATA=1" in ci
    assert ci.strip().splitlines()[-1] == "make test"


def main_job_commands(mirror: Path, db: Path, out: Path) -> list[list[str]]:
    """The talentflow commands `make run` executes (from make's dry run)."""
    dry = subprocess.run(
        ["make", "-n", "run", f"MIRROR={mirror}", f"DB={db}", f"OUT={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = []
    for line in dry.splitlines():
        argv = shlex.split(line)
        if argv[: len(RUNNER_PREFIX)] == RUNNER_PREFIX:
            commands.append([sys.executable, "-m", "talentflow", *argv[len(RUNNER_PREFIX) :]])
    return commands


@pytest.mark.slow
def test_main_job_runs_and_shows_what_the_readme_says(mirror_dir: Path, tmp_path: Path) -> None:
    commands = main_job_commands(mirror_dir, tmp_path / "t.duckdb", tmp_path / "out")
    assert commands and commands[0][3] == "build"
    output = ""
    for argv in commands:
        proc = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, f"{argv}: {proc.stderr}"
        output += proc.stdout
    shown = re.search(r"What you see after `make run`.*?```text\n(.*?)```", README, re.S)
    assert shown
    for figure in re.findall(r"\d{1,3}(?:,\d{3})+", shown.group(1)):
        assert figure in output, f"README shows {figure}, the main job printed no such figure"
