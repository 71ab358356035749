"""Draw a fresh HN parse-check sample (issue 10) reproducibly.

A sample is ``SIZE`` HN item ids (``SIZES`` for a split drawn at another size; all of
the unused postings when fewer remain) drawn with ``random.Random(seed)`` from the collection's
postings that no earlier hand check used: the parse samples labelled before it (in the
order of ``SAMPLES``; rows of ``tests/fixtures/labour/hn_handcheck.csv``) and the HN role
labels of ``role_labels.csv``. Each sample was drawn before the parser version it
measures was frozen but not looked at until then; its labels are written from the raw
text and committed before the parser is run on it.

Usage: python benchmarks/labour_sample.py --split holdout6 [--shared ../shared/data]
[--check] (``--check`` verifies that the recorded ids file is this draw).
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
SIZE = 160
SIZES = {"holdout10": 300, "holdout11": 10**6}  # splits drawn at another size (11: all left)
# split -> (seed, recorded ids); earlier splits are excluded from later draws
SAMPLES = {
    "holdout5": (20261123, ROOT / "benchmarks" / "data" / "hn_parse_sample5_ids.txt"),
    "holdout6": (20261124, ROOT / "benchmarks" / "data" / "hn_parse_sample6_ids.txt"),
    "holdout7": (20261125, ROOT / "benchmarks" / "data" / "hn_parse_sample7_ids.txt"),
    "holdout8": (20261126, ROOT / "benchmarks" / "data" / "hn_parse_sample8_ids.txt"),
    "holdout9": (20261127, ROOT / "benchmarks" / "data" / "hn_parse_sample9_ids.txt"),
    "holdout10": (20261128, ROOT / "benchmarks" / "data" / "hn_parse_sample10_ids.txt"),
    "holdout11": (20261129, ROOT / "benchmarks" / "data" / "hn_parse_sample11_ids.txt"),
}
EARLIER = ["dev", "holdout", "holdout2", "holdout3", "holdout4", *SAMPLES]


def draw(shared: Path, split: str) -> list[str]:
    seed, _ = SAMPLES[split]
    before = set(EARLIER[: EARLIER.index(split)])
    hn = read_hn_collection(shared / "hn-jobs-gantryops")
    with (FIX / "hn_handcheck.csv").open(encoding="utf-8") as fh:
        used = {r["posting_id"] for r in csv.DictReader(fh) if r["split"] in before}
    with (FIX / "role_labels.csv").open(encoding="utf-8") as fh:
        used |= {r["posting_id"] for r in csv.DictReader(fh) if r["dataset"].startswith("hn")}
    pool = sorted((p.posting_id for p in hn.postings if p.posting_id not in used), key=int)
    size = min(SIZES.get(split, SIZE), len(pool))
    return sorted(random.Random(seed).sample(pool, size), key=int)


def recorded(split: str) -> list[str]:
    text = SAMPLES[split][1].read_text(encoding="utf-8")
    return [x for x in text.splitlines() if x and not x.startswith("#")]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=sorted(SAMPLES), required=True)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    ids = draw(args.shared, args.split)
    if args.check:
        same = recorded(args.split) == ids
        print("same draw" if same else "DIFFERENT draw")
        sys.exit(0 if same else 1)
    print("\n".join(ids))


if __name__ == "__main__":
    main()
