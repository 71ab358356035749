"""Every section of a command's JSON has a visible counterpart in its table view.

Run over the commands on the whole-mirror store: what ``--format json`` gives, the table
view (standard output and the method note on standard error) must show too: every plain
value under its key, every mapping's keys, the text of the first records of every list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import require_shared
from talentflow.cli import app

runner = CliRunner()

#: Records of a list section whose text is checked (its first ones).
FIRST = 3


def _people_show(db: Path) -> list[str]:
    found = runner.invoke(app, ["people", "search", "Schmidhuber", "--db", str(db), "-f", "json"])
    assert found.exit_code == 0, found.output
    return ["people", "show", json.loads(found.stdout)["people"][0]["person_id"]]


def _demand(db: Path) -> list[str]:
    postings = require_shared("hn-jobs-gantryops")
    return ["demand", "--postings", str(postings), "--period", "all", "--region", "ALL,US"]


COMMANDS: dict[str, Any] = {
    "stats": ["stats"],
    "pipeline": ["pipeline", "--venue", "nips", "--year", "2021", "--top", "5"],
    "migration": ["migration", "--from", "2019", "--to", "2021", "--country", "KR"],
    "orgflows": ["orgflows", "--from", "2020", "--to", "2021", "--top", "5"],
    "pedigree": ["pedigree", "--org", "Google", "--year", "2021", "--earlier", "Stanford"],
    "country": ["country", "KR", "--from", "2018", "--to", "2021", "--top", "5"],
    "orgs top": ["orgs", "top", "--venue", "nips", "--year", "2021", "--limit", "5"],
    "people search": ["people", "search", "Bengio", "--limit", "3"],
    "people show": _people_show,
    "census": ["census", "--venue", "iclr", "--year", "2021", "--bootstrap", "50"],
    "demand": _demand,
    "founders pedigree": [
        *("founders", "pedigree", "--cohort-orgs", "Google DeepMind,OpenAI"),
        *("--earlier", "Tsinghua University"),
    ],
}


def _words(text: str) -> str:
    return " ".join(text.split())


def expected_texts(key: str, value: object) -> Iterator[str]:
    """What the table view must show of one JSON section: text as written, the key of
    every number or flag, every mapping's keys, the text of a list's first records."""
    if isinstance(value, dict):
        for sub, inner in list(value.items())[:8]:
            if inner not in (None, {}, []):
                yield str(sub)
            yield from (t for t in expected_texts(str(sub), inner) if t != str(sub))
    elif isinstance(value, list):
        for item in value[:FIRST]:
            if isinstance(item, dict):
                for v in item.values():
                    if isinstance(v, str) and v:
                        yield v
            elif isinstance(item, str):
                yield item
    elif isinstance(value, str):
        yield value  # a note may stand without its key
    elif value is not None:
        yield key


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_json_section_is_visible_in_the_table_view(
    name: str, mirror_store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "4000")  # wide enough that no cell is folded
    db = mirror_store_path
    command = COMMANDS[name]
    args = [*(command(db) if callable(command) else command), "--db", str(db)]
    as_json = runner.invoke(app, [*args, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    table = runner.invoke(app, [*args, "--format", "table"])
    assert table.exit_code == 0, table.output
    shown = _words(table.output)
    assert not re.search(r"[{\[]'", shown), "a Python dict or list printed as is"
    missing = {
        key: text
        for key, value in data.items()
        for text in expected_texts(key, value)
        if _words(text) not in shown
    }
    assert not missing, f"JSON sections not in the table view: {missing}"
