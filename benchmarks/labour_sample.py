"""Draw the fresh HN parse-check sample (issue 10) reproducibly.

The sample is 160 HN item ids drawn with ``random.Random(SEED)`` from the collection's
postings that no earlier hand check used (the parse samples ``dev`` .. ``holdout4`` of
``tests/fixtures/labour/hn_handcheck.csv`` and the HN role labels of
``role_labels.csv``). It was drawn before the parser was last changed but not looked at
until the parser was frozen; its labels are the ``holdout5`` rows of the hand-check file.

Usage: python benchmarks/labour_sample.py [--shared ../shared/data] [--check]
(``--check`` verifies that ``benchmarks/data/hn_parse_sample5_ids.txt`` is this draw).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from talentflow.sources.jobs_hn import read_hn_collection

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "labour"
IDS = ROOT / "benchmarks" / "data" / "hn_parse_sample5_ids.txt"
SEED = 20261123
SIZE = 160
SPLIT = "holdout5"


def draw(shared: Path) -> list[str]:
    hn = read_hn_collection(shared / "hn-jobs-gantryops")
    with (FIX / "hn_handcheck.csv").open(encoding="utf-8") as fh:
        used = {r["posting_id"] for r in csv.DictReader(fh) if r["split"] != SPLIT}
    with (FIX / "role_labels.csv").open(encoding="utf-8") as fh:
        used |= {r["posting_id"] for r in csv.DictReader(fh) if r["dataset"].startswith("hn")}
    pool = sorted((p.posting_id for p in hn.postings if p.posting_id not in used), key=int)
    return sorted(random.Random(SEED).sample(pool, SIZE), key=int)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    ids = draw(args.shared)
    if args.check:
        recorded = [x for x in IDS.read_text().split() if not x.startswith("#")]
        print("same draw" if recorded == ids else "DIFFERENT draw")
        sys.exit(0 if recorded == ids else 1)
    print("\n".join(ids))


if __name__ == "__main__":
    main()
