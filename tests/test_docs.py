"""Docs kept honest: every command documented with an example; the reference is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from talentflow.cli.docs import command_paths, help_text, render_reference

ROOT = Path(__file__).resolve().parents[1]


def test_command_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text()
    assert current == render_reference(), (
        "docs/cli.md is stale: regenerate it with `python -m talentflow.cli.docs`"
    )


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p))
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    text = help_text(path)
    assert "Usage: talentflow" in text
    assert "Example" in text, f"'talentflow {' '.join(path)} --help' shows no example"


def test_interface_commands_exist() -> None:
    """The commands INTERFACE.md names as the foundation are all present."""
    paths = {" ".join(p) for p in command_paths()}
    for name in ("build", "stats", "export authorships"):
        assert name in paths
