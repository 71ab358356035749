"""Checking the posting parser and the role classifier against hand-made labels.

Two label files (CSV, written by hand by reading postings; ids and short
snippets only, never whole postings):

- a parse check for the HN collection: ``posting_id, split, is_posting, company,
  role, location, roles, snippet``. ``company``/``role``/``location`` hold what a
  reader finds in the posting; a parsed role or location is right when it contains
  that text (case-insensitive), a parsed company when, bracketed parts and
  punctuation aside, it starts with it and adds at most 12 characters ("Pelairo
  Inc" for "Pelairo"); ``-`` means the posting does not state it, and the parsed value
  must then be empty; ``A || B`` lists several acceptable answers (e.g. each of the
  roles a posting advertises), any one of which makes the field right.
  ``is_posting = 0`` marks comments that are not job ads (job seekers, meta
  comments): they are counted, not scored.
- role labels for either collection: ``dataset, posting_id, roles`` (``;``-separated
  role ids of ``roles.json``; empty when the posting names no role).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from talentflow.errors import BadInputError


def read_labels(path: Path) -> list[dict[str, str]]:
    """A label CSV as rows of strings."""
    from talentflow.sources.user_csv import read_user_csv

    return [row for _, row in read_user_csv(path).records]


def _company_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", re.sub(r"\([^)]*\)?", "", text.lower()))


def _field_ok(expected: str, parsed: str | None, company: bool = False) -> bool:
    expected = expected.strip()
    if " || " in expected:  # several acceptable answers (``-`` among them): any one will do
        return any(_field_ok(alt, parsed, company) for alt in expected.split(" || "))
    if expected == "-":
        return not parsed
    if not parsed:
        return False
    if company:
        # "Mercor (YC W23)" and "Pelairo Inc" name "Mercor" and "Pelairo";
        # "Maiven is hiring again! *Maiven" does not name "Maiven" cleanly
        want, got = _company_key(expected), _company_key(parsed)
        return got.startswith(want) and len(got) - len(want) <= 12
    return expected.lower() in parsed.lower()


@dataclass
class ParseCheck:
    """How many hand-checked postings were parsed right, per field and overall."""

    checked: int
    not_postings: int
    company_ok: int
    role_ok: int
    location_ok: int
    all_ok: int
    failures: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        n = self.checked or 1
        return {
            "checked_postings": self.checked,
            "not_postings": self.not_postings,
            "company_rate": self.company_ok / n,
            "role_rate": self.role_ok / n,
            "location_rate": self.location_ok / n,
            "all_three_rate": self.all_ok / n,
            "failures": self.failures,
        }


def parse_check(
    parsed: Mapping[str, Mapping[str, Any]], labels: Iterable[Mapping[str, str]]
) -> ParseCheck:
    """Compare parsed company/title/location (by posting id) with the hand labels."""
    checked = not_postings = c_ok = r_ok = l_ok = all_ok = 0
    failures: list[dict[str, Any]] = []
    for lab in labels:
        if lab["is_posting"].strip() == "0":
            not_postings += 1
            continue
        row = parsed.get(lab["posting_id"])
        if row is None:
            raise BadInputError("labels", f"posting {lab['posting_id']} is not in the collection")
        checked += 1
        ok_c = _field_ok(lab["company"], row.get("company"), company=True)
        ok_r = _field_ok(lab["role"], row.get("title"))
        ok_l = _field_ok(lab["location"], row.get("location"))
        c_ok += ok_c
        r_ok += ok_r
        l_ok += ok_l
        if ok_c and ok_r and ok_l:
            all_ok += 1
        else:
            failures.append(
                {
                    "posting_id": lab["posting_id"],
                    "expected": [lab["company"], lab["role"], lab["location"]],
                    "parsed": [row.get("company"), row.get("title"), row.get("location")],
                }
            )
    return ParseCheck(checked, not_postings, c_ok, r_ok, l_ok, all_ok, failures)


def split_roles(text: str | None) -> set[str]:
    return {r.strip() for r in (text or "").split(";") if r.strip()}


def role_scores(
    predicted: Mapping[str, set[str]], gold: Mapping[str, set[str]], roles: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Per role: precision, recall, F1, support and the counts behind them (multi-label)."""
    out: dict[str, dict[str, Any]] = {}
    for role in roles:
        tp = fp = fn = 0
        for key, g in gold.items():
            p = predicted.get(key, set())
            if role in p and role in g:
                tp += 1
            elif role in p:
                fp += 1
            elif role in g:
                fn += 1
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else None
        )
        out[role] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": tp + fn,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }
    return out


def evaluate_store_roles(store: Any, labels_path: Path) -> dict[str, Any]:
    """Stored role decisions (``posting_roles``) against a role-label CSV."""
    from talentflow.resolve.roles import taxonomy

    labels = read_labels(labels_path)
    for col in ("dataset", "posting_id", "roles"):
        if labels and col not in labels[0]:
            raise BadInputError(str(labels_path), f"missing column '{col}'")
    rows = store.query(
        "SELECT p.dataset, p.posting_id, r.role FROM job_postings p "
        "LEFT JOIN posting_roles r ON r.posting_key = p.posting_key"
    )
    predicted: dict[str, set[str]] = {}
    for r in rows:
        key = f"{r['dataset']}#{r['posting_id']}"
        predicted.setdefault(key, set())
        if r["role"]:
            predicted[key].add(str(r["role"]))
    gold: dict[str, set[str]] = {}
    missing = []
    for lab in labels:
        key = f"{lab['dataset']}#{lab['posting_id']}"
        if key not in predicted:
            missing.append(key)
            continue
        gold[key] = split_roles(lab["roles"])
    if missing and not gold:
        raise BadInputError(
            str(labels_path), f"none of the labelled postings is in the store (e.g. {missing[0]})"
        )
    ids = taxonomy().ids
    return {
        "n": len(gold),
        "not_in_store": len(missing),
        "per_role": role_scores(predicted, gold, ids),
        "exact_match": sum(1 for k, g in gold.items() if predicted.get(k, set()) == g)
        / (len(gold) or 1),
    }
