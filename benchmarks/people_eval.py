"""Person resolution against known ids on the real mirror (B-cubed), with a threshold sweep.

Hides the OpenReview ids (and, separately, ICRA's IEEE author ids), resolves the slots that
carry them, and scores the clustering against the ids, beside the baseline "same name
string = same person". Prints Markdown for benchmarks/RESULTS.md.

Settings of the second pass were chosen on the "dev" half of the OpenReview names (a CRC32
of the name key is even) and are reported on the "test" half beside the whole set. ICRA
was used for one choice only, the family-name cut of the initials rule
(``--initials-cuts``), on its "dev" half of family names (CRC32 of the family name even);
its "test" half was not looked at when choosing. B-cubed decomposes over name keys (a
cluster never spans two keys except through name variants; ICRA's halves go by family
name, which initials do not change), so the halves are two independent samples of people.

    python3 -m uv run python benchmarks/people_eval.py --db /tmp/people.duckdb
"""

from __future__ import annotations

import argparse
import json
import os
import time
import zlib
from pathlib import Path
from typing import Any

from talentflow.graph.store import open_store
from talentflow.resolve.people.cluster import cluster_slots
from talentflow.resolve.people.evaluate import bcubed, worst_false_merges
from talentflow.resolve.people.features import (
    build_features,
    given_names,
    load_slots,
    org_years,
)
from talentflow.resolve.people.linkage import LinkageSettings, score_pairs
from talentflow.resolve.people.pooled import PooledEvidence, PooledSettings
from talentflow.resolve.profile_links import ProfileLink, researcher_groups

THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999)
DEFAULT = 0.99


def halves(keys: list[str | None]) -> dict[str, list[int]]:
    """Row numbers of the dev and test halves (by a hash of the name key)."""
    out: dict[str, list[int]] = {"dev": [], "test": []}
    for i, k in enumerate(keys):
        out["dev" if zlib.crc32((k or "").encode()) % 2 == 0 else "test"].append(i)
    return out


def linked_ids(store: Any) -> dict[str, str]:
    """OpenReview id -> its group's first id, for the profiles the store's identity keys
    link (``profile_links``): an answer key in which one researcher with two profiles is
    one person. The resolver never sees these keys while the ids are hidden."""
    if not store.scalar("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'profile_links'"):
        return {}
    rows = store.query("SELECT profile_a, profile_b, kind, key FROM profile_links")
    groups = researcher_groups(ProfileLink(**r) for r in rows)
    return {p: min(g) for g in groups for p in g}


def scores(roots: list[int], gold: list[Any], parts: dict[str, list[int]]) -> dict[str, Any]:
    out: dict[str, Any] = {"all": bcubed(roots, gold).as_dict()}
    for part, rows in parts.items():
        out[part] = bcubed([roots[i] for i in rows], [gold[i] for i in rows]).as_dict()
    return out


def run(
    db: Path,
    gold_kind: str,
    where: str,
    params: list[Any],
    linkage: LinkageSettings,
    split_on: str = "key_concat",
    initials_cuts: tuple[int, ...] = (),
    context: bool = False,
    variants: tuple[tuple[str, float], ...] = (),
) -> dict[str, Any]:
    """Resolve and score against the ``gold_kind`` ids of the slots ``where`` selects.

    With ``context`` the whole store is resolved (those ids hidden everywhere), as
    ``talentflow build`` does, and only the selected slots are scored; otherwise only the
    selected slots are resolved.
    """
    with open_store(db, read_only=True) as store:
        slots = load_slots(store, "" if context else where, [] if context else params)
        labelled = store.query(
            "SELECT a.paper_key, a.author_index, a.profile_id FROM authorships a " + where,
            params,
        )
        links = linked_ids(store) if gold_kind == "openreview" else {}
    gold_of = {(r["paper_key"], r["author_index"]): r["profile_id"] for r in labelled}
    wall, cpu = time.perf_counter(), time.process_time()
    feats = build_features(slots, hide_kinds=frozenset({gold_kind}))
    scored = score_pairs(feats.table, linkage, min_probability=min(THRESHOLDS))
    fit_wall, fit_cpu = time.perf_counter() - wall, time.process_time() - cpu
    t = feats.table
    keys = list(zip(slots["paper_key"], slots["author_index"], strict=True))
    rows = [i for i, k in enumerate(keys) if k in gold_of]
    gold = [gold_of[keys[i]] for i in rows]
    all_names = t["name"].to_pylist()
    names = [all_names[i] for i in rows]
    p = scored.pairs
    triples = list(
        zip(
            p["unique_id_l"].to_pylist(),
            p["unique_id_r"].to_pylist(),
            p["match_probability"].to_pylist(),
            range(p.num_rows),
            strict=True,
        )
    )
    seen = org_years(t)
    given = given_names(t)
    split_values = t[split_on].to_pylist()
    parts = halves([split_values[i] for i in rows])
    paper_keys = t["paper_key"].to_pylist()

    def cluster(threshold: float, pooled: PooledEvidence | None) -> list[int]:
        roots, _ = cluster_slots(
            n=feats.n,
            paper_keys=paper_keys,
            strong_ids=[None] * feats.n,
            pairs=triples,
            threshold=threshold,
            presorted=True,
            org_years=seen,
            given_names=given,
            pooled=pooled,
        )
        return [roots[i] for i in rows]

    pooled = PooledEvidence(t, PooledSettings())
    sweep = []
    worst: list[dict[str, Any]] = []
    for thr in THRESHOLDS:
        for second in (False, True):
            if not second and thr != DEFAULT:
                continue
            roots = cluster(thr, pooled if second else None)
            sweep.append({"threshold": thr, "pooled": second, **scores(roots, gold, parts)})
            if thr == DEFAULT and second:
                worst = worst_false_merges(roots, gold, names, 12)
                if links:
                    united = [links.get(g, g) for g in gold]
                    sweep.append(
                        {"threshold": thr, "pooled": True, "gold": "ids united by key links"}
                        | scores(roots, united, parts)
                    )
    for cut in initials_cuts:
        roots = cluster(DEFAULT, PooledEvidence(t, PooledSettings(initials_max_family_names=cut)))
        sweep.append(
            {"threshold": DEFAULT, "pooled": True, "initials_cut": cut} | scores(roots, gold, parts)
        )
    for name, value in variants:
        roots = cluster(DEFAULT, PooledEvidence(t, PooledSettings(**{name: value})))
        sweep.append(
            {"threshold": DEFAULT, "pooled": True, "variant": f"{name}={value}"}
            | scores(roots, gold, parts)
        )
    baseline = scores([n or f"#{i}" for i, n in enumerate(names)], gold, parts)
    return {
        "gold": gold_kind,
        "context": "whole store resolved" if context else "labelled slots only",
        "resolved_slots": feats.n,
        "split_on": split_on,
        "slots": len(rows),
        "true_people": len(set(gold)),
        "venues": sorted({f"{slots['venue'][i]}{slots['year'][i]}" for i in rows}),
        "baseline": baseline,
        "ids_united_by_key_links": sum(1 for g in set(gold) if g in links),
        "sweep": sweep,
        "worst_at_0.99": worst,
        "fit_and_score_wall_s": round(fit_wall, 1),
        "fit_and_score_cpu_s": round(fit_cpu, 1),
        "pairs_scored_at_least_0.5": p.num_rows,
    }


def markdown(result: dict[str, Any]) -> str:
    def cells(r: dict[str, Any]) -> str:
        return " | ".join(
            f"{r[part]['precision']:.4f} / {r[part]['recall']:.4f} / {r[part]['f1']:.4f}"
            for part in ("all", "dev", "test")
        )

    lines = [
        f"**{result['gold']}** ({result['context']}, {result['resolved_slots']:,} slots "
        f"resolved): {result['slots']:,} slots scored, {result['true_people']:,} ids "
        f"({result['ids_united_by_key_links']:,} in groups linked by identity keys); "
        f"{len(result['venues'])} venue-years; fit+score {result['fit_and_score_cpu_s']} s CPU "
        f"({result['fit_and_score_wall_s']} s wall); halves by a hash of "
        f"`{result['split_on']}`",
        "",
        "| method | threshold | all: P / R / F1 | dev half | test half |",
        "|---|---|---|---|---|",
        f"| same name string | - | {cells(result['baseline'])} |",
    ]
    for s in result["sweep"]:
        label = "resolver" if s["pooled"] else "first pass only"
        if "initials_cut" in s:
            label += f", initials family cut {s['initials_cut']}"
        if "variant" in s:
            label += f", {s['variant']}"
        if "gold" in s:
            label += f", scored against {s['gold']}"
        lines.append(f"| {label} | {s['threshold']} | {cells(s)} |")
    lines += ["", "Worst false merges at 0.99 (names; slots; distinct ids; wrong pairs):", ""]
    for w in result["worst_at_0.99"]:
        lines.append(
            f"- {' / '.join(w['names'])}: {w['slots']} slots, {w['true_people']} ids "
            f"({', '.join(w['ids'][:3])}), {w['wrong_pairs']} wrong pairs"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("talentflow.duckdb"))
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--only", choices=["openreview", "ieee"], default=None)
    ap.add_argument(
        "--max-full-block",
        type=int,
        default=LinkageSettings().max_full_block,
        help="names with more slots pair only within a year or organisation (0: no cap)",
    )
    ap.add_argument(
        "--initials-cuts",
        default="",
        help="comma-separated initials_max_family_names values to compare on ICRA",
    )
    ap.add_argument(
        "--vary",
        action="append",
        default=[],
        metavar="SETTING=V1,V2",
        help="second-pass setting (PooledSettings field) values to compare; repeatable",
    )
    ap.add_argument(
        "--context",
        action="store_true",
        help="resolve the whole store (ids hidden everywhere) and score the labelled slots",
    )
    args = ap.parse_args()
    cuts = tuple(int(x) for x in args.initials_cuts.split(",") if x)
    variants = tuple(
        (name, float(v))
        for name, values in (x.split("=", 1) for x in args.vary)
        for v in values.split(",")
    )
    linkage = LinkageSettings(max_full_block=args.max_full_block or None)
    results = []
    if args.only in (None, "openreview"):
        results.append(
            run(
                args.db,
                "openreview",
                "WHERE a.profile_kind = ? AND a.profile_id IS NOT NULL",
                ["openreview"],
                linkage,
                context=args.context,
                variants=variants,
            )
        )
    if args.only in (None, "ieee"):
        results.append(
            run(
                args.db,
                "ieee",
                "WHERE a.profile_kind = ? AND a.profile_id IS NOT NULL AND a.venue = 'icra' "
                "AND a.year BETWEEN 2000 AND 2023",
                ["ieee"],
                linkage,
                split_on="family",
                initials_cuts=cuts,
                context=args.context,
                variants=variants,
            )
        )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for r in results:
        print(markdown(r))
        print()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
