"""Sweep every CLI command (and every web route, when there is a web app) for per-person
name-origin estimates.

A small store is built from a planted paper list whose authors have known,
distinctive names. Every command the Typer app has -- discovered by walking the
app, so commands added later are swept too -- is run with arguments synthesised
from its parameters (explicit invocations below take precedence); everything it
prints and every file it writes is scanned. A leak is a planted author's name
with an origin-group label close to it. If ``talentflow.web`` exposes a FastAPI
app (``app`` or ``create_app``), every GET route is called and scanned the same way.
"""

from __future__ import annotations

import csv
import enum
import gzip
import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from talentflow.cli import app
from talentflow.errors import MissingExtraError
from talentflow.origin.groups import GROUPS

VENUE, YEAR = "nips", 2024
# Distinctive labels only ("other", "greek" and "romance" are ordinary words elsewhere).
LABELS = [g for g in GROUPS if g not in {"other", "greek", "romance"}]
LABEL_RE = re.compile(r"\b(" + "|".join(LABELS) + r")\b", re.IGNORECASE)
WINDOW = 160

PLANTED = [
    "Qiaoxuan Zhangsun",
    "Wenjie Oyangfei",
    "Seungjoo Kwonhwa",
    "Jaemin Parkyoon",
    "Hiroyuki Takamatsuda",
    "Thi Thuy Nguyenvan",
    "Raghavendra Subramanyamurthy",
    "Mohammadreza Hosseinzadegan",
    "Abdulrahman Alqahtaniyy",
    "Mustafa Yilmazoglu",
    "Yehuda Ben-Shaharov",
    "Bartholomew Whitcombeley",
    "Friedhelm Oberschmidtke",
    "Gianfranco Bartolomeucci",
    "Joaquin Fernandez-Rivadeneira",
    "Wladyslaw Przybyszewski",
    "Panagiotis Papadimitrakopoulos",
    "Olufemi Adebayo-Okonkwo",
]
# Each planted name appears on many papers so every group clears the suppression floor.
PER_NAME_PAPERS = 12


def _write_mirror(root: Path) -> Path:
    mirror = root / "mirror"
    folder = mirror / VENUE
    folder.mkdir(parents=True)
    records = []
    for i in range(PER_NAME_PAPERS * 3):
        authors = [PLANTED[(i + k) % len(PLANTED)] for k in range(6)]
        records.append(
            {
                "id": f"paper{i}",
                "title": f"Paper {i}",
                "status": "Poster",
                "track": "main",
                "author": ";".join(authors),
                "aff": ";".join(["Example University"] * len(authors)),
            }
        )
    (folder / f"{VENUE}{YEAR}.json.gz").write_bytes(gzip.compress(json.dumps(records).encode()))
    return mirror


def find_leaks(text: str, names: list[str] = PLANTED) -> list[str]:
    """Snippets where a planted name has an origin-group label within ``WINDOW`` characters."""
    leaks = []
    lowered = text.lower()
    for name in names:
        for token in {name.lower(), name.split()[-1].lower()}:
            for m in re.finditer(re.escape(token), lowered):
                window = text[max(0, m.start() - WINDOW) : m.end() + WINDOW]
                if LABEL_RE.search(window):
                    leaks.append(window.replace("\n", " "))
    return leaks


def test_the_detector_catches_a_leak() -> None:
    """The sweep can fail: a per-person output of any usual shape is caught."""
    name = PLANTED[0]
    assert find_leaks(f"name,group\n{name},chinese\n")
    assert find_leaks(json.dumps([{"name": name, "origin": {"chinese": 0.97}}]))
    assert find_leaks(f"<tr><td>{name}</td><td>0.97</td><td>Chinese</td></tr>")
    assert not find_leaks(f"name,org\n{name},Example University\n")
    assert not find_leaks(json.dumps({"shares": {"chinese": {"estimate": 0.4}}}))


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("leak")
    mirror = _write_mirror(root)
    db = root / "store.duckdb"
    result = CliRunner().invoke(app, ["build", "--mirror", str(mirror), "--db", str(db)])
    assert result.exit_code == 0, result.output
    names_csv = root / "names.csv"
    labelled_csv = root / "labelled.csv"
    with names_csv.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "affiliation"])
        for _ in range(PER_NAME_PAPERS):
            w.writerows([n, "Example University"] for n in PLANTED)
    with labelled_csv.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "group"])
        w.writerows([n, "other"] for n in PLANTED)
    return {"root": root, "mirror": mirror, "db": db, "names": names_csv, "labelled": labelled_csv}


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every leaf command under ``group`` (duck-typed: Typer vendors its own click)."""
    for name, cmd in sorted((getattr(group, "commands", None) or {}).items()):
        if getattr(cmd, "commands", None) is not None:
            yield from _commands(cmd, (*prefix, name))
        else:
            yield (*prefix, name), cmd


# Commands that must be invoked in a particular way (a command path -> its arguments).
INVOCATIONS: dict[tuple[str, ...], list[str]] = {
    ("build",): ["--mirror", "{mirror}", "--db", "{root}/rebuild.duckdb"],
    ("census",): ["--venue", VENUE, "--year", str(YEAR), "--db", "{db}", "--bootstrap", "50"],
    ("origin", "shares"): ["--input", "{names}", "--bootstrap", "50"],
    ("origin", "evaluate"): ["--labeled", "{labelled}"],
}
# Long-running servers are swept through their app instead (see test_web_routes).
NOT_RUN = {("serve",)}

_VALUES = {
    "venue": VENUE,
    "venues": VENUE,
    "year": str(YEAR),
    "years": str(YEAR),
    "from": str(YEAR),
    "year_from": str(YEAR),
    "year_to": str(YEAR),
    "to": str(YEAR),
    "from_year": str(YEAR),
    "to_year": str(YEAR),
    "country": "US",
    "cc": "US",
    "org": "Example University",
    "lang": "en",
}


def _annotation(param: Any) -> Any:
    """The Python type Typer built a parameter from (``type_descriptor``), or its click type."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        return descriptor.annotation
    return getattr(param, "type", None)


def _value(param: Any, paths: dict[str, Path]) -> str:
    name = (param.name or "").lower()
    if name in _VALUES:
        return _VALUES[name]
    if name in {"input", "input_csv", "names", "file"}:
        return str(paths["names"])
    if name in {"labeled", "labelled"}:
        return str(paths["labelled"])
    if name in {"db"}:
        return str(paths["db"])
    if name in {"mirror"}:
        return str(paths["mirror"])
    if name in {"out", "output", "out_dir", "outdir", "path"}:
        return str(paths["root"] / "out" / f"{name}.csv")
    annotation = _annotation(param)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return str(next(iter(annotation)).value)
    if annotation in (int, float) or annotation == int | None or annotation == float | None:
        return str(YEAR)
    return VENUE


def _synthesise(path: tuple[str, ...], cmd: Any, paths: dict[str, Path]) -> list[str]:
    if path in INVOCATIONS:
        return [a.format(**{k: str(v) for k, v in paths.items()}) for a in INVOCATIONS[path]]
    args: list[str] = []
    for param in cmd.params:
        if param.param_type_name == "argument":
            args.append(_value(param, paths))
        elif param.param_type_name == "option":
            flag = max(param.opts, key=len)
            if param.name == "db" or param.name == "fmt" or param.required:
                if param.name == "fmt":
                    args += [flag, "json"]
                elif not param.is_flag:
                    args += [flag, _value(param, paths)]
    return args


def _scan_outputs(root: Path) -> str:
    texts = []
    for file in sorted((root / "out").rglob("*")) if (root / "out").exists() else []:
        if file.is_file() and file.suffix in {".csv", ".json", ".html", ".txt", ".md", ".tsv"}:
            texts.append(file.read_text(encoding="utf-8", errors="replace"))
        elif file.is_file() and file.suffix == ".parquet":
            import pyarrow.parquet as pq

            texts.append(str(pq.read_table(file).to_pylist()))
    return "\n".join(texts)


@pytest.mark.slow
def test_every_cli_command_is_swept_and_leaks_nothing(
    planted: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No network: any attempt goes to a closed local port and fails fast.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")
    monkeypatch.setenv("TALENTFLOW_DB", str(planted["db"]))
    monkeypatch.setenv("TALENTFLOW_PAPERLISTS_MIRROR", str(planted["mirror"]))
    commands = dict(_commands(typer.main.get_command(app)))
    assert ("census",) in commands and ("origin", "shares") in commands
    runner = CliRunner()
    ran: dict[str, int] = {}
    unusable: list[str] = []
    leaks: dict[str, list[str]] = {}
    for path, cmd in sorted(commands.items()):
        if path in NOT_RUN:
            continue
        (planted["root"] / "out").mkdir(exist_ok=True)
        args = _synthesise(path, cmd, planted)
        result = runner.invoke(app, [*path, *args])
        if result.exit_code == 2 and "Usage:" in result.output:
            unusable.append(f"{' '.join(path)} {' '.join(args)}: {result.output[-300:]}")
            continue
        ran[" ".join(path)] = result.exit_code
        text = result.stdout + (result.stderr or "") + _scan_outputs(planted["root"])
        found = find_leaks(text)
        if found:
            leaks[" ".join(path)] = found[:3]
    assert not leaks, f"per-person origin estimates in outputs: {leaks}"
    # The origin commands themselves ran to completion on the planted data.
    assert ran["census"] == ran["origin shares"] == ran["origin evaluate"] == 0, ran
    assert not unusable, (
        "the leak sweep could not run these commands; add an invocation to INVOCATIONS in "
        f"tests/test_origin_leak_sweep.py: {unusable}"
    )


def _web_app(db: Path) -> Any:
    """The FastAPI app of ``talentflow.web`` (``create_app(db)`` or ``app``), if there is one."""
    import importlib

    for module_name in ("talentflow.web", "talentflow.web.app"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        factory = getattr(module, "create_app", None)
        if callable(factory):
            try:
                return factory(db) if inspect.signature(factory).parameters else factory()
            except MissingExtraError:  # the web extra (FastAPI) is not installed
                return None
        if hasattr(getattr(module, "app", None), "routes"):
            return module.app
    return None


def test_every_web_route_leaks_nothing(
    planted: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALENTFLOW_DB", str(planted["db"]))
    web_app = _web_app(planted["db"])
    if web_app is None or not hasattr(web_app, "routes"):
        pytest.skip("talentflow.web exposes no web app yet (app or create_app)")
    import asyncio

    import httpx

    async def sweep() -> dict[str, list[str]]:
        leaks: dict[str, list[str]] = {}
        transport = httpx.ASGITransport(app=web_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            for route in web_app.routes:
                methods = getattr(route, "methods", None) or set()
                if "GET" not in methods:
                    continue
                url = route.path
                for param in re.findall(r"{(\w+)(?::\w+)?}", url):
                    value = _VALUES.get(param.lower(), VENUE)
                    url = re.sub(r"{" + param + r"(?::\w+)?}", value, url)
                response = await client.get(url, params={"venue": VENUE, "year": YEAR})
                found = find_leaks(response.text)
                if found:
                    leaks[url] = found[:3]
        return leaks

    leaks = asyncio.run(sweep())
    assert not leaks, f"per-person origin estimates served: {leaks}"


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_origin_shares_refuses_one_name_repeated(tmp_path: Path) -> None:
    """A name repeated (in any spelling) is one person: no share is published for it."""
    target = PLANTED[0]
    variants = [target, target.upper(), ", ".join(reversed(target.split()))]
    path = _write_csv(tmp_path / "repeated.csv", ["name"], [[v] for v in variants * 8])
    result = CliRunner().invoke(
        app, ["origin", "shares", "--input", str(path), "--format", "json", "--bootstrap", "50"]
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "1 distinct name(s) (24 rows)" in result.stderr
    assert not LABEL_RE.search(result.stderr)


def test_origin_evaluate_refuses_inputs_below_the_minimum(tmp_path: Path) -> None:
    one = _write_csv(tmp_path / "one.csv", ["name", "group"], [[PLANTED[0], "chinese"]])
    result = CliRunner().invoke(app, ["origin", "evaluate", "--labeled", str(one)])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "1 distinct name(s)" in result.stderr


def test_origin_evaluate_suppresses_a_group_resting_on_one_name(tmp_path: Path) -> None:
    """Ten distinct names clear the floor, but the one name labelled 'chinese' (repeated
    twenty times) is still one person: its group's metrics would reveal its prediction."""
    rows = [[n, "other"] for n in PLANTED[5:15]] + [[PLANTED[0], "chinese"]] * 20
    path = _write_csv(tmp_path / "labelled.csv", ["name", "group"], rows)
    result = CliRunner().invoke(
        app, ["origin", "evaluate", "--labeled", str(path), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    per_group = json.loads(result.stdout)["per_group"]
    assert per_group["chinese"]["suppressed"] is True
    assert per_group["chinese"]["recall"] is None
    assert all(m["suppressed"] for m in per_group.values())


@pytest.mark.parametrize("prior", ["adjusted", "em"])
def test_origin_shares_hides_a_group_resting_on_one_repeated_name(
    tmp_path: Path, prior: str
) -> None:
    """Ten other distinct people clear the floor; one Chinese name written thirty times is
    still one person, so no share of any group that rests on it is published."""
    others = ["John Smith", "Emma Williams", "Oliver Brown", "Sophie Taylor", "Harry Wilson"]
    others += ["Grace Davies", "Jack Evans", "Lucy Thomas", "George Roberts", "Alice Walker"]
    rows = [[n] for n in others] + [["Wei Zhang"]] * 30
    path = _write_csv(tmp_path / "mixed.csv", ["name"], rows)
    result = CliRunner().invoke(
        app,
        ["origin", "shares", "--input", str(path), "--format", "json", "--prior", prior],
    )
    assert result.exit_code == 0, result.output
    shares = json.loads(result.stdout)["shares"]
    assert shares["chinese"]["suppressed"] is True
    assert shares["chinese"]["estimate"] is None
