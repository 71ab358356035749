"""Indicator results in exactly the JSON shapes of INTERFACE.md, for testing the views.

The report and the dashboard read indicators only through ``talentflow.report.data``;
``use_fixture_indicators`` points that adapter at these fixtures, so the views can be
tested while (or regardless of whether) the real indicators are installed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from talentflow.report import data

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "indicators"
NAMES = ("pipeline", "migration", "orgflows", "census", "country")


def fixture(name: str) -> dict[str, Any]:
    """The fixture JSON of indicator ``name``."""
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    return loaded


def use_fixture_indicators(
    monkeypatch: pytest.MonkeyPatch, overrides: dict[str, dict[str, Any]] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Make every indicator return its fixture; return the log of (name, arguments) calls."""
    calls: list[tuple[str, dict[str, Any]]] = []
    results = {n: fixture(n) for n in NAMES} | (overrides or {})

    def make(name: str) -> Callable[..., dict[str, Any]]:
        def indicator(store: object, **kwargs: Any) -> dict[str, Any]:
            calls.append((name, kwargs))
            return results[name]

        return indicator

    fakes = {n: make(n) for n in NAMES}
    monkeypatch.setattr(data, "_find", lambda name: fakes.get(name))
    return calls


def build_small_store(mirror_dir: Path, path: Path) -> Path:
    """A store of a few real venue-years (NeurIPS 2023-2024, ICML 2024), derived like a build."""
    from talentflow.build import DERIVE_STEPS
    from talentflow.graph.build import build_paperlists
    from talentflow.graph.store import open_store
    from talentflow.sources.paperlists import mirror_files

    files = [
        f
        for f in mirror_files(mirror_dir, {"nips", "icml"}, {2023, 2024})
        if (f.venue, f.year) != ("icml", 2023)
    ]
    with open_store(path) as store:
        build_paperlists(store, files, workers=1)
        for _, step in DERIVE_STEPS:
            step(store)
    return path
