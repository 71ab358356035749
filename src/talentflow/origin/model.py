"""The name-origin estimator at run time: numpy and the shipped tables, nothing else.

A name's score is the sum of its tokens' scores (hashed character n-grams and
syllable-inventory flags, see ``features``) plus shape features and a bias,
divided by a temperature fitted on held-out names, then a softmax over
``GROUPS``. Token scores are cached, so a census of tens of thousands of names
costs a dictionary look-up per token.

Probabilities for single names are internal: they feed the aggregate functions
(``shares``) and the evaluation on labelled names, and are never printed,
exported or served per person.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from talentflow.errors import TalentflowError
from talentflow.origin.features import bucket, shape_features, token_features
from talentflow.origin.groups import GROUPS
from talentflow.origin.normalise import token_keys

MODEL_FILE = "origin_model.npz"


@dataclass(frozen=True)
class Posterior:
    """Calibrated probabilities for a batch of names (rows in input order; internal use)."""

    probs: np.ndarray  # (n, len(GROUPS)); rows of abstained names are NaN
    abstained: np.ndarray  # (n,) bool

    @property
    def n(self) -> int:
        return int(self.probs.shape[0])


class OriginEstimator:
    """Calibrated, abstaining name-origin probabilities from the shipped tables."""

    def __init__(self, tables: dict[str, Any]) -> None:
        groups = tuple(str(g) for g in tables["groups"])
        if groups != GROUPS:
            raise TalentflowError(f"origin model groups {groups} differ from {GROUPS}")
        self.weights = np.asarray(tables["weights"], dtype=np.float32)
        self.bias = np.asarray(tables["bias"], dtype=np.float32)
        self.temperature = float(tables["temperature"])
        self.abstain_below = float(tables["abstain_below"])
        self.train_prior = np.asarray(tables["train_prior"], dtype=np.float64)
        self.meta: dict[str, Any] = json.loads(str(tables["meta"]))
        self.inventories = {
            str(k): frozenset(str(v).split())
            for k, v in zip(tables["inventory_names"], tables["inventories"], strict=True)
        }
        width = len(GROUPS)
        self._rows = np.zeros((1024, width), dtype=np.float32)
        self._index: dict[str, int] = {}

    # -- token cache ---------------------------------------------------------------------

    def _row(self, key: str) -> int:
        """Row of the cache holding the summed weights of ``key``'s features."""
        row = self._index.get(key)
        if row is not None:
            return row
        if key.startswith("#"):
            n_tokens, n_initials = (int(x) for x in key[1:].split(","))
            feats = shape_features(n_tokens, n_initials)
        else:
            feats = token_features(key, self.inventories)
        vector = self.weights[[bucket(f) for f in feats]].sum(axis=0)
        row = len(self._index)
        if row >= self._rows.shape[0]:
            self._rows = np.concatenate([self._rows, np.zeros_like(self._rows)])
        self._rows[row] = vector
        self._index[key] = row
        return row

    # -- scoring -------------------------------------------------------------------------

    def _posterior(self, names: list[str]) -> Posterior:
        """Probabilities and abstentions for ``names`` (internal: never shown per person)."""
        rows: list[int] = []
        starts: list[int] = []
        usable = np.ones(len(names), dtype=bool)
        row_of = self._row
        index = self._index
        for i, name in enumerate(names):
            keys, initials = token_keys(name)
            if not keys:
                usable[i] = False
                keys = []
            starts.append(len(rows))
            shape = f"#{min(len(keys), 4)},{min(initials, 2)}"
            for key in (*keys, shape):
                r = index.get(key)
                rows.append(r if r is not None else row_of(key))
        n = len(names)
        if n == 0:
            return Posterior(np.zeros((0, len(GROUPS))), np.zeros(0, dtype=bool))
        logits = np.add.reduceat(self._rows[np.asarray(rows)], np.asarray(starts), axis=0)
        logits = (logits + self.bias).astype(np.float64) / self.temperature
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        abstained = ~usable | (probs.max(axis=1) < self.abstain_below)
        probs[abstained] = np.nan
        return Posterior(probs, abstained)


@lru_cache(maxsize=1)
def load_estimator() -> OriginEstimator:
    """The estimator built from the tables shipped in ``talentflow/origin/data``."""
    ref = resources.files("talentflow.origin").joinpath("data", MODEL_FILE)
    try:
        with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as npz:
            tables = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise TalentflowError(
            f"origin model tables missing ({MODEL_FILE}); rebuild them with "
            "'python -m talentflow.origin.build_tables' (see docs/origin.md)"
        ) from None
    return OriginEstimator(tables)
