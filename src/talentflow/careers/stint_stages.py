"""Every stint's career-stage distribution, observed where a position is stated, else inferred.

A stint whose stage is stated (an OpenReview ``position`` on the person's papers, from the
paper list or the OpenReview archive's ``slot_values``; a profile or CSV history's role) keeps
it as observed, probability 1. Every other stint gets a distribution over the seven stages of
:data:`talentflow.careers.stages.STAGES` from a calibrated classifier fitted on the stints
whose stage is stated, using features that never read the person's own positions:

* the stint: evidence, organisation kind, country, first year, length;
* the person's career: years since the first paper, years to the last, number of papers,
  the stint's rank among the person's stints and how many follow it;
* authorship: share of first- and last-author slots, mean team size, papers per year;
* co-authors: how many of the stint's co-author slots state a stage, and the share of each.

The features are one SQL query (:data:`FEATURES_SQL`); people in ``stage_hidden`` have every
stated position hidden, their own and as others' co-authors, so an evaluation on held-out
people (:func:`evaluate_stage_model`) sees what the model sees for people who state nothing.
``unknown`` is given (probability 1) only where no model can be fitted (a store with too few
stated stints). docs/education.md gives the figures and what the model assumes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from talentflow.careers.derive import SLOT_PERSON_SQL
from talentflow.careers.stages import STAGES, stage_case_sql
from talentflow.careers.store import conform
from talentflow.graph.schema import STINT_STAGES
from talentflow.graph.store import Store
from talentflow.progress import SILENT, Reporter
from talentflow.resolve.archive_derive import SLOT_VALUES_SQL

MODEL_STAGES: tuple[str, ...] = tuple(s for s in STAGES if s != "unknown")
MODEL_FAMILY = "stages-1"
MIN_LABELLED_PEOPLE = 50
"""Below this many people with a stated stage no model is fitted (every unstated stint:
``unknown``)."""

STINT_ID_SQL = (
    "md5(concat_ws('|', s.person_id, s.evidence, coalesce(s.org_id, ''), "
    "coalesce(s.country, ''), coalesce(CAST(s.first_year AS VARCHAR), ''), "
    "coalesce(CAST(s.last_year AS VARCHAR), ''), coalesce(s.stage, '')))"
)
"""A stint's id: a digest of its row (``stints`` has no key of its own; identical rows are
one stint)."""

_CATEGORICAL = ("evidence", "org_kind", "country")
_NUMERIC = (
    "first_year",
    "length",
    "years_since_first_paper",
    "years_to_last_paper",
    "career_years",
    "n_papers",
    "stint_rank",
    "stints_after",
    "n_slots",
    "slots_per_year",
    "first_author_share",
    "last_author_share",
    "mean_authors",
    "co_known",
    *(f"co_{stage}" for stage in MODEL_STAGES),
    "co_seniority_mean",
    "co_seniority_max",
)

_CO_COUNTS = ", ".join(
    f"sum(CASE WHEN c.stage = '{s}' THEN 1 ELSE 0 END) AS n_{s}" for s in MODEL_STAGES
)
_CO_SHARES = ", ".join(
    f"CAST(co.n_{s} AS DOUBLE) / nullif(co.co_known, 0) AS co_{s}" for s in MODEL_STAGES
)

FEATURES_SQL = f"""
WITH slot_raw AS (
  SELECT {SLOT_PERSON_SQL} AS person_id, a.paper_key, a.author_index, a.year,
         coalesce(sv.position, '') AS position,
         coalesce(o.kind, 'unknown') AS kind
  FROM authorships a
  JOIN {SLOT_VALUES_SQL} sv ON sv.paper_key = a.paper_key AND sv.author_index = a.author_index
  LEFT JOIN slot_people sp ON sp.paper_key = a.paper_key AND sp.author_index = a.author_index
  LEFT JOIN (
    SELECT paper_key, author_index, min(org_id) AS org_id FROM slot_orgs
    GROUP BY paper_key, author_index
  ) so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
  LEFT JOIN organisations o ON o.org_id = so.org_id
  WHERE a.accepted
),
position_stage AS (
  SELECT position, kind, {stage_case_sql("position", "kind")} AS stage
  FROM (SELECT DISTINCT position, kind FROM slot_raw) distinct_positions
),
paper_size AS (
  SELECT paper_key, max(author_index) AS last_index, count(*) AS n_authors
  FROM authorships GROUP BY paper_key
),
slot AS (
  SELECT r.person_id, r.paper_key, r.author_index, r.year,
         CASE WHEN h.person_id IS NULL THEN ps.stage ELSE 'unknown' END AS stage
  FROM slot_raw r
  JOIN position_stage ps ON ps.position = r.position AND ps.kind = r.kind
  LEFT JOIN stage_hidden h ON h.person_id = r.person_id
),
person AS (
  SELECT person_id, min(year) AS first_paper, max(year) AS last_paper,
         count(DISTINCT paper_key) AS n_papers
  FROM slot WHERE person_id IS NOT NULL GROUP BY person_id
),
st AS (
  SELECT stint_id, person_id, org_id, country, stage, first_year, last_year, evidence,
         org_kind,
         row_number() OVER (PARTITION BY person_id
                            ORDER BY first_year NULLS LAST, last_year, stint_id) AS stint_rank,
         count(*) OVER (PARTITION BY person_id) AS person_stints
  FROM (
    SELECT DISTINCT {STINT_ID_SQL} AS stint_id, s.person_id, s.org_id, s.country,
           coalesce(s.stage, 'unknown') AS stage, s.first_year,
           coalesce(s.last_year, s.first_year) AS last_year, s.evidence,
           coalesce(o.kind, 'unknown') AS org_kind
    FROM stints s LEFT JOIN organisations o ON o.org_id = s.org_id
  ) distinct_stints
),
stint_slot AS (
  SELECT st.stint_id, sl.paper_key, sl.author_index, sl.year
  FROM st JOIN slot sl ON sl.person_id = st.person_id
   AND sl.year BETWEEN st.first_year AND st.last_year
),
own AS (
  SELECT ss.stint_id, count(*) AS n_slots,
         avg(CASE WHEN ss.author_index = 0 THEN 1.0 ELSE 0.0 END) AS first_author_share,
         avg(CASE WHEN ss.author_index = p.last_index AND p.n_authors > 1 THEN 1.0 ELSE 0.0 END)
           AS last_author_share,
         avg(p.n_authors) AS mean_authors
  FROM stint_slot ss JOIN paper_size p ON p.paper_key = ss.paper_key
  GROUP BY ss.stint_id
),
co AS (
  SELECT ss.stint_id,
         CAST(sum(CASE WHEN c.stage <> 'unknown' THEN 1 ELSE 0 END) AS BIGINT) AS co_known,
         {_CO_COUNTS},
         avg(ss.year - cp.first_paper) AS co_seniority_mean,
         max(ss.year - cp.first_paper) AS co_seniority_max
  FROM stint_slot ss
  JOIN st ON st.stint_id = ss.stint_id
  JOIN slot c ON c.paper_key = ss.paper_key AND c.author_index <> ss.author_index
   AND (c.person_id IS NULL OR c.person_id <> st.person_id)
  LEFT JOIN person cp ON cp.person_id = c.person_id
  GROUP BY ss.stint_id
)
SELECT st.stint_id, st.person_id, st.evidence, st.org_kind, st.country,
       st.stage AS stated_stage, h.person_id IS NOT NULL AS hidden,
       st.first_year, st.last_year - st.first_year + 1 AS length,
       st.first_year - pe.first_paper AS years_since_first_paper,
       pe.last_paper - st.last_year AS years_to_last_paper,
       pe.last_paper - pe.first_paper AS career_years, pe.n_papers,
       st.stint_rank, st.person_stints - st.stint_rank AS stints_after,
       coalesce(own.n_slots, 0) AS n_slots,
       coalesce(own.n_slots, 0) / (st.last_year - st.first_year + 1.0) AS slots_per_year,
       own.first_author_share, own.last_author_share, own.mean_authors,
       coalesce(co.co_known, 0) AS co_known,
       {_CO_SHARES}, co.co_seniority_mean, co.co_seniority_max
FROM st
LEFT JOIN person pe ON pe.person_id = st.person_id
LEFT JOIN own ON own.stint_id = st.stint_id
LEFT JOIN co ON co.stint_id = st.stint_id
LEFT JOIN stage_hidden h ON h.person_id = st.person_id
ORDER BY st.stint_id
"""


def stint_features(store: Store, hidden: Sequence[str] = ()) -> pa.Table:
    """One row per stint: its id, person, stated stage and the model's features.

    The stated positions of the people in ``hidden`` are hidden everywhere (their own and as
    co-authors); their ``stated_stage`` column still holds the truth, for evaluation.
    """
    people = pa.table({"person_id": pa.array(sorted(set(hidden)), pa.string())})
    store.con.register("stage_hidden", people)
    try:
        return store.con.sql(FEATURES_SQL).to_arrow_table()
    finally:
        store.con.unregister("stage_hidden")


@dataclass(frozen=True)
class Encoding:
    """How the feature table becomes a matrix: the categories seen when fitting."""

    categories: dict[str, tuple[str, ...]]

    @classmethod
    def fit(cls, features: pa.Table) -> Encoding:
        """The values of each categorical column seen at least 20 times (sorted)."""
        cats: dict[str, tuple[str, ...]] = {}
        for name in _CATEGORICAL:
            counts = pc.value_counts(features.column(name).fill_null(""))
            frequent = counts.filter(pc.greater_equal(counts.field("counts"), 20))
            cats[name] = tuple(sorted(str(v) for v in frequent.field("values").to_pylist()))
        return cls(cats)

    def matrix(self, features: pa.Table) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The feature matrix: categorical columns first (codes; unseen values missing)."""
        columns: list[np.ndarray[Any, np.dtype[np.float64]]] = []
        for name in _CATEGORICAL:
            known = pa.array(self.categories[name], pa.string())
            codes = pc.index_in(features.column(name).fill_null(""), value_set=known)
            columns.append(_floats(codes))
        columns.extend(_floats(features.column(name)) for name in _NUMERIC)
        return np.column_stack(columns)


def _floats(values: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A numeric Arrow column as floats, nulls as NaN."""
    filled = pc.fill_null(values.cast(pa.float64()), float("nan"))
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=np.float64)


@dataclass(frozen=True)
class Candidate:
    """One model the selection may choose: a name and its settings."""

    name: str
    settings: dict[str, float | int]


CANDIDATES: tuple[Candidate, ...] = (
    Candidate("gbm", {"learning_rate": 0.1, "max_leaf_nodes": 31, "max_iter": 100}),
    Candidate(
        "gbm",
        {"learning_rate": 0.05, "max_leaf_nodes": 31, "max_iter": 300, "l2_regularization": 1.0},
    ),
    Candidate("logistic", {"C": 1.0}),
)


def _one_thread() -> Any:
    """Native thread pools limited to one thread: on a shared two-core machine OpenMP's
    spinning threads cost ten times the CPU of one thread (benchmarks/RESULTS.md)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _estimator(candidate: Candidate, n_categorical: int) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    if candidate.name == "gbm":
        return HistGradientBoostingClassifier(
            categorical_features=list(range(n_categorical)),
            early_stopping=False,
            random_state=0,
            **candidate.settings,
        )
    categorical = list(range(n_categorical))
    encode = ColumnTransformer(
        [
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value=-1.0),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                categorical,
            )
        ],
        remainder=make_pipeline(
            SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            StandardScaler(),
        ),
    )
    return make_pipeline(encode, LogisticRegression(max_iter=2000, **candidate.settings))


def _person_folds(people: np.ndarray[Any, Any], folds: int) -> list[tuple[Any, Any]]:
    from sklearn.model_selection import GroupKFold

    index = np.arange(len(people))
    return list(GroupKFold(n_splits=folds).split(index, groups=people))


def _log_loss(truth: np.ndarray[Any, Any], proba: np.ndarray[Any, Any]) -> float:
    picked = proba[np.arange(len(truth)), truth]
    return float(-np.mean(np.log(np.clip(picked, 1e-12, 1.0))))


@dataclass
class StageModel:
    """A calibrated stage classifier and the encoding of its features."""

    encoding: Encoding
    estimator: Any
    candidate: Candidate
    validation_log_loss: float
    labelled_people: int
    labelled_stints: int
    version: str = field(default="")

    def predict(self, features: pa.Table) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Probabilities over :data:`MODEL_STAGES`, one row per feature row."""
        with _one_thread():
            proba = np.asarray(self.estimator.predict_proba(self.encoding.matrix(features)))
        out = np.zeros((features.num_rows, len(MODEL_STAGES)))
        for column, label in enumerate(self.estimator.classes_):
            out[:, int(label)] = proba[:, column]
        return out


def stage_labels(features: pa.Table) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The index in :data:`MODEL_STAGES` of each row's stated stage (-1: none stated)."""
    index = pc.index_in(features.column("stated_stage"), value_set=pa.array(MODEL_STAGES))
    return np.asarray(pc.fill_null(index, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def fit_stage_model(features: pa.Table, folds: int = 3) -> StageModel | None:
    """Fit each of :data:`CANDIDATES` on the stints with a stated stage of two thirds of their
    people, choose by log loss on the other third's, and calibrate the chosen one there
    (temperature scaling: one-vs-rest isotonic calibration, renormalised, left the model
    underconfident, ECE 0.09 on held-out people). Each model is fitted once, so the build
    step stays short.

    None when fewer than :data:`MIN_LABELLED_PEOPLE` people have a stated stage."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator

    labels = stage_labels(features)
    labelled = labels >= 0
    train = features.filter(pa.array(labelled))
    y = labels[labelled]
    people = np.array(train.column("person_id").to_pylist(), dtype=object)
    if len(set(people)) < MIN_LABELLED_PEOPLE or len(set(y.tolist())) < 2:
        return None
    encoding = Encoding.fit(train)
    x = encoding.matrix(train)
    fit_index, check_index = _person_folds(people, folds)[0]
    with _one_thread():
        fitted, scores = [], []
        for candidate in CANDIDATES:
            estimator = _estimator(candidate, len(_CATEGORICAL))
            estimator.fit(x[fit_index], y[fit_index])
            proba = np.zeros((len(check_index), len(MODEL_STAGES)))
            proba[:, estimator.classes_] = estimator.predict_proba(x[check_index])
            fitted.append(estimator)
            scores.append(_log_loss(y[check_index], proba))
        best = int(np.argmin(scores))
        chosen = CANDIDATES[best]
        calibrated = CalibratedClassifierCV(FrozenEstimator(fitted[best]), method="temperature")
        calibrated.fit(x[check_index], y[check_index])
    model = StageModel(
        encoding, calibrated, chosen, scores[best], len(set(people)), int(labelled.sum())
    )
    digest = hashlib.sha256(
        json.dumps(
            [chosen.name, chosen.settings, encoding.categories, len(y)], sort_keys=True
        ).encode()
    ).hexdigest()[:8]
    model.version = f"{MODEL_FAMILY}-{chosen.name}-{digest}"
    return model


@dataclass(frozen=True)
class StintStagesResult:
    """What :func:`derive_stint_stages` wrote."""

    stints: int
    observed: int
    inferred: int
    model_version: str


def derive_stint_stages(store: Store, reporter: Reporter = SILENT) -> StintStagesResult:
    """Replace ``stint_stages``: the stated stage of every stint that has one, the fitted
    model's distribution for every other stint (``unknown`` when no model can be fitted)."""
    features = stint_features(store)
    reporter.note(f"stage model: {features.num_rows:,} stints")
    model = fit_stage_model(features)
    labels = stage_labels(features)
    observed = labels >= 0
    version = model.version if model is not None else f"{MODEL_FAMILY}-none"
    ids = np.array(features.column("stint_id").to_pylist(), dtype=object)
    persons = np.array(features.column("person_id").to_pylist(), dtype=object)
    evidence = np.array(features.column("evidence").to_pylist(), dtype=object)
    parts: list[pa.Table] = []
    obs_idx = np.flatnonzero(observed)
    parts.append(
        _rows(
            ids[obs_idx],
            persons[obs_idx],
            evidence[obs_idx],
            np.array(MODEL_STAGES, dtype=object)[labels[obs_idx]],
            np.ones(len(obs_idx)),
            True,
            version,
        )
    )
    rest = np.flatnonzero(~observed)
    if model is None:
        stage = np.full(len(rest), "unknown", dtype=object)
        parts.append(
            _rows(
                ids[rest], persons[rest], evidence[rest], stage, np.ones(len(rest)), False, version
            )
        )
    elif len(rest):
        proba = model.predict(features.take(pa.array(rest)))
        for k, stage_name in enumerate(MODEL_STAGES):
            parts.append(
                _rows(
                    ids[rest],
                    persons[rest],
                    evidence[rest],
                    np.full(len(rest), stage_name, dtype=object),
                    proba[:, k],
                    False,
                    version,
                )
            )
    table = pa.concat_tables(parts)
    with store.transaction() as con:
        con.execute("DELETE FROM stint_stages")
        store.append_arrow(STINT_STAGES, conform(table, STINT_STAGES.arrow_schema()))
    return StintStagesResult(features.num_rows, len(obs_idx), len(rest), version)


def _rows(
    ids: np.ndarray[Any, Any],
    persons: np.ndarray[Any, Any],
    evidence: np.ndarray[Any, Any],
    stages: np.ndarray[Any, Any],
    probability: np.ndarray[Any, Any],
    observed: bool,
    version: str,
) -> pa.Table:
    n = len(ids)
    return pa.table(
        {
            "stint_id": pa.array(ids.tolist(), pa.string()),
            "person_id": pa.array(persons.tolist(), pa.string()),
            "evidence": pa.array(evidence.tolist(), pa.string()),
            "stage": pa.array(stages.tolist(), pa.string()),
            "probability": pa.array(probability, pa.float64()),
            "observed": pa.array(np.full(n, observed), pa.bool_()),
            "model_version": pa.array([version] * n, pa.string()),
        }
    )
