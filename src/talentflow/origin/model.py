"""The name-origin estimator at run time: numpy and the shipped tables, nothing else.

A name's score is the sum of its tokens' scores (hashed character n-grams and
syllable-inventory flags, see ``features``) plus shape features and a bias,
divided by a temperature fitted on held-out names, then a softmax over
``GROUPS``. A name whose only full token is its family name (``X. Sun``,
``Sun, X.``) is read by the family-name table instead: the same features, with
weights learned from the training names' family names alone (the whole-name model
also learns ``sun`` from Korean given names written apart, ``Sun Young Park``).
Token scores are cached, so a census of tens of thousands of names costs a
dictionary look-up per token.

Probabilities for single names are internal: they feed the aggregate functions
(``shares``) and the evaluation on labelled names, and are never printed,
exported or served per person.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from talentflow.errors import TalentflowError
from talentflow.origin.features import bucket, bucket_cache, shape_features, token_features
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
        # A name with one usable token (a family name with initials) says less: its own cut.
        self.abstain_single_below = float(
            tables.get("abstain_single_below", tables["abstain_below"])
        )
        self.train_prior = np.asarray(tables["train_prior"], dtype=np.float64)
        self.meta: dict[str, Any] = json.loads(str(tables["meta"]))
        self.inventories = {
            str(k): frozenset(str(v).split())
            for k, v in zip(tables["inventory_names"], tables["inventories"], strict=True)
        }
        self.family_weights = np.asarray(tables["family_weights"], dtype=np.float32)
        self.family_bias = np.asarray(tables["family_bias"], dtype=np.float32)
        self.family_temperature = float(tables["family_temperature"])
        self._family: dict[str, np.ndarray] = {}
        width = len(GROUPS)
        self._rows = np.zeros((1024, width), dtype=np.float32)
        self._index: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- token cache ---------------------------------------------------------------------

    def _features(self, key: str) -> list[str]:
        if key.startswith("#"):
            n_tokens, n_initials = (int(x) for x in key[1:].split(","))
            return shape_features(n_tokens, n_initials)
        return token_features(key, self.inventories)

    def _fill(self, keys: list[str], first: int) -> None:
        """Score new cache keys in one vectorised gather (rows ``first`` onwards)."""
        idx: list[int] = []
        starts: list[int] = []
        known = bucket_cache().get
        append = idx.append
        for key in keys:
            starts.append(len(idx))
            for feature in self._features(key):
                b = known(feature)
                append(b if b is not None else bucket(feature))
        vectors = np.add.reduceat(
            self.weights[np.array(idx, dtype=np.intp)], np.array(starts, dtype=np.intp), axis=0
        )
        end = first + len(keys)
        if end > self._rows.shape[0]:
            grown = np.zeros((max(end, 2 * self._rows.shape[0]), len(GROUPS)), dtype=np.float32)
            grown[:first] = self._rows[:first]
            self._rows = grown
        self._rows[first:end] = vectors

    def _family_logits(self, key: str) -> np.ndarray:
        """Calibrated logits of one token read as a family name (cached)."""
        row = self._family.get(key)
        if row is None:
            features = token_features(key, self.inventories)
            idx = np.array([bucket(f) for f in features], dtype=np.intp)
            total = self.family_weights[idx].sum(axis=0) + self.family_bias
            row = self._family[key] = total.astype(np.float64) / self.family_temperature
        return row

    # -- scoring -------------------------------------------------------------------------

    def _posterior(self, names: list[str]) -> Posterior:
        """Probabilities and abstentions for ``names`` (internal: never shown per person)."""
        with self._lock:  # the token cache is shared (e.g. by a web server's threads)
            return self._posterior_unlocked(names)

    def _posterior_unlocked(self, names: list[str]) -> Posterior:
        rows: list[int] = []
        starts: list[int] = []
        n = len(names)
        usable = np.ones(n, dtype=bool)
        single = np.zeros(n, dtype=bool)
        family_only: dict[int, str] = {}  # names whose one full token is the family name
        index = self._index
        get = index.get
        first = len(index)
        pending: list[str] = []
        shape_keys = [[f"#{t},{i}" for i in range(3)] for t in range(5)]
        append = rows.append
        for i, name in enumerate(names):
            keys, initials = token_keys(name)
            starts.append(len(rows))
            if not keys:
                usable[i] = False
            single[i] = len(keys) == 1
            if single[i] and initials:
                family_only[i] = keys[0]
            keys.append(shape_keys[min(len(keys), 4)][min(initials, 2)])
            for key in keys:
                r = get(key)
                if r is None:
                    r = index[key] = first + len(pending)
                    pending.append(key)
                append(r)
        if pending:
            self._fill(pending, first)
        if n == 0:
            return Posterior(np.zeros((0, len(GROUPS))), np.zeros(0, dtype=bool))
        table = self._rows
        logits = np.add.reduceat(table[np.array(rows, dtype=np.intp)], np.array(starts), axis=0)
        logits = (logits + self.bias).astype(np.float64) / self.temperature
        for i, key in family_only.items():
            logits[i] = self._family_logits(key)
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        top = probs.max(axis=1)
        unsure = (top < self.abstain_below) | (single & (top < self.abstain_single_below))
        abstained = ~usable | unsure
        probs[abstained] = np.nan
        return Posterior(probs, abstained)


@lru_cache(maxsize=1)
def load_tables() -> dict[str, Any]:
    """The arrays of the shipped model file (``talentflow/origin/data/origin_model.npz``)."""
    ref = resources.files("talentflow.origin").joinpath("data", MODEL_FILE)
    try:
        with resources.as_file(ref) as path, np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise TalentflowError(
            f"origin model tables missing ({MODEL_FILE}); rebuild them with "
            "'python -m devtools.build_origin_tables' (see docs/origin.md)"
        ) from None


@lru_cache(maxsize=1)
def load_estimator() -> OriginEstimator:
    """The estimator built from the tables shipped in ``talentflow/origin/data``."""
    return OriginEstimator(load_tables())
