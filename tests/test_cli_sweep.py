"""Every command refuses arguments that cannot mean anything, before any work.

Table-driven: each row is one invalid invocation and a fragment of the one-line reason.
Every row must exit non-zero without a traceback, print nothing on standard output, leave
the store byte-for-byte as it was and write no file anywhere in the working folder or
beside the store. Every command of the app has at least one row (commands added later
must add theirs).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from devtools.synthetic import SyntheticSpec, generate
from talentflow.careers.derive import derive_careers
from talentflow.cli import app
from talentflow.graph.store import open_store

runner = CliRunner()

# (command path, arguments, fragment of the error; None: a usage error of the parser, exit 2)
CASES: list[tuple[str, list[str], str | None]] = [
    ("build", ["--workers", "0", "--mirror", "{tmp}/nomirror"], "--workers: must be 1 or more"),
    ("careers load", ["{careers}", "--dataset", "x", "--db", "{csv}"], "not a talentflow store"),
    ("careers load", ["{header_only}", "--dataset", "mine"], "the input holds no rows"),
    ("careers load", ["{careers}", "--dataset", "mine"], "holds 3 rows and this load has 1"),
    ("careers load", ["{latin1}", "--dataset", "y"], "not UTF-8 text (byte 0xfc on line 2)"),
    ("careers load", ["{unterminated}", "--dataset", "y"], "line 3 is never closed"),
    ("census", ["--venue", "nosuch", "--year", "2020"], "no venue 'nosuch'"),
    ("census", ["--venue", "synt", "--year", "2020"], "did you mean synth?"),
    ("census", ["--venue", "synth", "--year", "1900"], "no synth papers of 1900"),
    ("census", ["--venue", "synth", "--year", "2020", "--prior", "{bad_prior}"], "negative"),
    ("country", ["ZZ"], "'ZZ' is not an ISO 3166-1 alpha-2"),
    ("country", ["KR", "--top", "-3"], "--top: must be 1 or more"),
    ("country", ["KR", "--from", "2024", "--to", "2019"], "--from 2024 is after --to 2019"),
    ("demand", ["--region", "ZZ"], "--region: 'ZZ' is not"),
    ("demand", ["--roles", "nosuch"], "--roles: unknown nosuch"),
    ("demand", ["--window", "-2"], "--window: must be 1 or more"),
    ("export authorships", ["--out", "{tmp}/a.csv", "--db", "{csv}"], "not a talentflow store"),
    ("export tables", ["--out", "{full}"], "holds no previous export"),
    ("founders pedigree", ["--earlier", "X", "--db", "{csv}"], "exactly one of"),
    ("jobs evaluate", ["--labels", "{tmp}/none.csv"], "cannot read file"),
    ("jobs evaluate", ["--labels", "{latin1}"], "not UTF-8 text"),
    ("jobs load", ["{careers}", "--db", "{csv}"], "not a talentflow store"),
    ("jobs roles", ["--format", "xml"], None),
    ("migration", ["--from", "2020", "--to", "2021", "--country", "ZZ"], "'ZZ' is not"),
    ("migration", ["--from", "2024", "--to", "2019"], "after"),
    ("orgflows", ["--from", "2000", "--to", "2030", "--org", "_"], "no organisation matches '_'"),
    ("orgflows", ["--from", "2000", "--to", "2030", "--org", "%"], "no organisation matches '%'"),
    ("orgflows", ["--from", "2000", "--to", "2030", "--window", "-2"], "--window: must be 1"),
    ("orgflows", ["--from", "2000", "--to", "2030", "--top", "-1"], "--top: must be 1"),
    ("orgflows", ["--from", "2024", "--to", "2019"], "after"),
    ("orgs resolve", ["--input", "{careers}", "--reference-dir", "{tmp}/none"], "not a folder"),
    ("orgs top", ["--venue", "nosuch", "--year", "2020"], "no venue 'nosuch'"),
    ("orgs top", ["--venue", "synth", "--year", "2020", "--limit", "-1"], None),
    ("origin evaluate", ["--labeled", "{one_label}"], "1 distinct name(s)"),
    ("origin shares", ["--input", "{repeated}"], "1 distinct name(s) (20 rows)"),
    ("origin shares", ["--input", "{unterminated}"], "(record 2): a quote opened"),
    ("pedigree", ["--earlier", "X", "--cohort-country", "ZZ", "--year", "2020"], "'ZZ' is not"),
    ("pedigree", ["--earlier", "syn-org0", "--cohort", "{latin1}"], "not UTF-8 text"),
    ("people forget", ["nope", "nope2"], "no override"),
    ("people link", ["nope", "nope2"], "'nope' is no author slot"),
    ("people resolve", ["--threshold", "2"], "--threshold: must be above 0 and at most 1"),
    ("people resolve", ["--overrides", "{bad_overrides}"], "overrides.csv: 'nope' is no author"),
    ("people resolve", ["--overrides", "{latin1}"], "not UTF-8 text (byte 0xfc on line 2)"),
    ("people search", ["wang", "--limit", "-1"], "--limit: must be 1 or more"),
    ("people show", ["nope"], "no person 'nope'"),
    ("people unlink", ["nope", "nope2"], "'nope' is no author slot"),
    ("pipeline", ["--venue", "neurps", "--year", "2020"], "no venue 'neurps'"),
    ("pipeline", ["--venue", "synth", "--year", "1900"], "no synth papers of 1900"),
    ("pipeline", ["--venue", "synth", "--year", "2020", "--top", "-1"], "--top: must be 1"),
    ("report", ["--out", "{tmp}/r.html", "--venue", "nosuch"], "no venue 'nosuch'"),
    ("report", ["--out", "{tmp}/r.html", "--country", "ZZ"], "'ZZ' is not"),
    ("schema", ["extra"], None),
    ("serve", ["--port", "99999"], "--port: must be between 1 and 65535"),
    ("sources", ["--mirror", "{tmp}/none"], "--mirror: "),
    ("stats", ["--db", "{csv}"], "not a talentflow store"),
]
NO_DB = {"orgs resolve", "origin evaluate", "origin shares", "schema", "sources", "jobs roles"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sweep")
    store_dir = root / "store"
    store_dir.mkdir()
    db = store_dir / "synthetic.duckdb"
    with open_store(db) as store:
        generate(SyntheticSpec(people=200, orgs=12, seed=5)).write(store)
        derive_careers(store)
    inputs = root / "inputs"
    inputs.mkdir()
    header = "person,organisation,country,role,start,end\n"
    careers = inputs / "careers.csv"
    careers.write_text(header + "a,MIT,US,PhD student,2015,2019\n")
    two = inputs / "two.csv"
    two.write_text(header + "a,MIT,US,PhD student,2015,2019\na,KAIST,KR,Professor,2020,\n")
    result = runner.invoke(app, ["careers", "load", str(two), "--dataset", "mine", "--db", str(db)])
    assert result.exit_code == 0, result.output  # 2 stints and 1 move
    header_only = inputs / "header_only.csv"
    header_only.write_text(header)
    latin1 = inputs / "latin1.csv"
    latin1.write_bytes((header + "J\xfcrgen,TU M\xfcnchen,DE,PhD,2015,2019\n").encode("latin-1"))
    unterminated = inputs / "unterminated.csv"
    unterminated.write_text(header + 'a,MIT,US,PhD,2015,2019\n"b,ETH,CH,PhD,2016,2020\n')
    csv_db = inputs / "some.csv"
    csv_db.write_text("person,organisation\na,MIT\n")
    bad_prior = inputs / "prior.json"
    bad_prior.write_text('{"chinese": -1, "anglo": 2}')
    one_label = inputs / "one.csv"
    one_label.write_text("name,group\nWei Zhang,chinese\n")
    repeated = inputs / "repeated.csv"
    repeated.write_text("name\n" + "Wei Zhang\n" * 20)
    bad_overrides = inputs / "overrides.csv"
    bad_overrides.write_text("# wrong refs\nmust-link,nope,nope2\n")
    full = inputs / "full"
    full.mkdir()
    (full / "keep.txt").write_text("not an export")
    return {
        "db": db,
        "careers": careers,
        "header_only": header_only,
        "bad_overrides": bad_overrides,
        "latin1": latin1,
        "unterminated": unterminated,
        "csv": csv_db,
        "bad_prior": bad_prior,
        "one_label": one_label,
        "repeated": repeated,
        "full": full,
    }


def _leaf_commands(group: object, prefix: tuple[str, ...] = ()) -> set[str]:
    out: set[str] = set()
    for name, cmd in (getattr(group, "commands", None) or {}).items():
        if getattr(cmd, "commands", None) is not None:
            out |= _leaf_commands(cmd, (*prefix, name))
        else:
            out.add(" ".join((*prefix, name)))
    return out


def test_every_command_has_an_invalid_case() -> None:
    missing = _leaf_commands(typer.main.get_command(app)) - {c for c, _, _ in CASES}
    assert not missing, f"add invalid-argument rows to CASES for: {sorted(missing)}"


@pytest.mark.parametrize(
    ("command", "args", "message"), CASES, ids=[f"{c} {' '.join(a)}" for c, a, _ in CASES]
)
def test_invalid_arguments_are_refused(
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    args: list[str],
    message: str | None,
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("TALENTFLOW_DB", str(files["db"]))
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(var, "http://127.0.0.1:9")  # no network, whatever a bug tries
    values = {k: str(v) for k, v in files.items()} | {"tmp": str(work)}
    argv = [*command.split(), *(a.format(**values) for a in args)]
    if command not in NO_DB and "--db" not in args:
        argv += ["--db", str(files["db"])]
    watched = [files["db"], files["csv"]]
    before = [_sha(p) for p in watched]
    beside_store = _listing(files["db"].parent)
    inputs = _listing(files["csv"].parent)

    result = runner.invoke(app, argv)

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{argv}: {result.exception!r}"
    )
    assert "Traceback" not in result.output
    assert result.stdout == ""
    if message is None:
        assert result.exit_code == 2, result.output
    else:
        assert result.exit_code == 1, result.output
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert [_sha(p) for p in watched] == before
    assert _listing(files["db"].parent) == beside_store
    assert _listing(files["csv"].parent) == inputs
    assert _listing(work) == []
