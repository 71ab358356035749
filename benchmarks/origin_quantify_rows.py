"""Build the misclassification table the adjusted census shares use (``quantify_rows.json``).

    python3 -m uv run python benchmarks/origin_quantify_rows.py [../shared/data]

Rows of ``quantify.INDEPENDENT_ROWS`` groups: cell counts of the development half of
the OpenReview-students source (``origin.independent``); other groups: the shipped
held-out names. Writes aggregate counts only (no names) to talentflow/origin/data/.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from talentflow.origin.evaluate import heldout_path, read_names_csv
from talentflow.origin.groups import GROUPS
from talentflow.origin.independent import student_names
from talentflow.origin.quantify import INDEPENDENT_ROWS, ROWS_FILE, Rows, names_cells

OUT = Path(__file__).resolve().parents[1] / "src" / "talentflow" / "origin" / "data" / ROWS_FILE


def main() -> None:
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    dev = [x for x in student_names(shared / "papercopilot-openreview") if x.split == "dev"]
    held_names, held_groups = read_names_csv(heldout_path(), need_group=True)
    counts = []
    sources: dict[str, str] = {}
    for g in GROUPS:
        if g in INDEPENDENT_ROWS:
            names = [x.name for x in dev if x.group == g]
            sources[g] = "openreview-students-dev"
        else:
            names = [n for n, h in zip(held_names, held_groups, strict=True) if h == g]
            sources[g] = "shipped-heldout-names"
        counts.append(names_cells(names))
    rows = Rows(np.vstack(counts), sources)
    meta = {"built_by": "benchmarks/origin_quantify_rows.py", "source_dev_names": len(dev)}
    OUT.write_text(json.dumps(rows.as_json(meta), indent=1) + "\n", encoding="utf-8")
    print(json.dumps({g: int(c.sum()) for g, c in zip(GROUPS, counts, strict=True)}))


if __name__ == "__main__":
    main()
