"""Harder evaluation of the name-origin estimator: held-out names with unseen tokens.

    python3 -m uv run python benchmarks/origin_eval_unseen.py [build/origin/names.csv.gz]

Needs the labelled names that ``python -m devtools.build_origin_tables`` writes to its
work folder (not shipped). Evaluates held-out names with at least one token, and with
no token, that never occurs in the training split (at most 1,000 per group).
Prints JSON (aggregate metrics only).
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from talentflow.origin.evaluate import evaluate
from talentflow.origin.normalise import token_keys


def _tokens(name: str) -> list[str]:
    return [k.rstrip("-") for k in token_keys(name)[0]]


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "build/origin/names.csv.gz")
    seen: set[str] = set()
    held: list[tuple[str, str]] = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["split"] == "train":
                seen.update(_tokens(row["name"]))
            elif row["split"] == "heldout":
                held.append((row["name"], row["group"]))
    cuts: dict[str, Callable[[list[str]], bool]] = {
        "some_token_unseen": lambda ks: bool(ks) and any(k not in seen for k in ks),
        "no_token_seen": lambda ks: bool(ks) and not any(k in seen for k in ks),
    }
    out = {}
    for label, pick in cuts.items():
        per: dict[str, list[str]] = defaultdict(list)
        for name, group in held:
            if len(per[group]) < 1000 and pick(_tokens(name)):
                per[group].append(name)
        names = [n for g in per for n in per[g]]
        groups = [g for g in per for _ in per[g]]
        result = evaluate(names, groups)
        result.pop("statement")
        out[label] = result
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
