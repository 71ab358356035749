"""Write every indicator's JSON for one store into a folder (a restructuring check).

Run it with the code before a change on the store built before it, and with the code after
on the store built after, then compare the folders (``diff -r``): the outputs users see are
unchanged when every file is equal.

    python3 -m uv run python benchmarks/indicator_json.py --db before.duckdb --out ind_before
    diff -r ind_before ind_after && echo "every indicator's JSON equal"
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shlex
import sys
from pathlib import Path

from talentflow.cli import main as talentflow

COMMANDS = (
    "stats",
    "pipeline --venue nips --year 2023",
    "pipeline --venue nips --year 2021 --elite",
    "pipeline --venue icml --year 2024 --basis hq",
    "migration --from 2013 --to 2025",
    "migration --from 2015 --to 2025 --country KR",
    "orgflows --from 2013 --to 2025",
    "orgflows --from 2018 --to 2025 --org Google",
    "country KR",
    "country US",
    "orgs top --venue icml --year 2022",
    "pedigree --org OpenAI --year 2024 --earlier Google",
    "census --venue nips --year 2024",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    failed = 0
    for number, command in enumerate(COMMANDS, 1):
        argv = [*shlex.split(command), "--db", str(args.db), "--format", "json"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            try:
                talentflow(argv)
                code = 0
            except SystemExit as exc:
                code = int(exc.code or 0)
        name = f"{number:02d}-{command.split(' --')[0].replace(' ', '-')}.json"
        (args.out / name).write_text(out.getvalue(), encoding="utf-8")
        failed += code != 0
        print(f"{name:28s} exit {code}  {len(out.getvalue()):>9,} bytes  ({command})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
