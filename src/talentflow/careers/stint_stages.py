"""Every stint's career-stage distribution, observed where a position is stated, else inferred.

A stint whose stage is stated (an OpenReview ``position`` on the person's papers, from the
paper list or the OpenReview archive through ``SLOT_VALUES_SQL``; a profile or CSV history's
role) keeps it as observed, probability 1. Every other stint gets a distribution over the
seven stages of :data:`talentflow.careers.stages.STAGES` from a calibrated classifier fitted
on the stints whose stage is stated, using features that never read the person's own
positions:

* the stint: evidence, organisation kind, country, first year, length;
* the person's career: years since the first paper, years to the last, number of papers,
  the stint's rank among the person's stints and how many follow it; the organisation kind,
  length and distance in years of the stints just before and after it;
* authorship: first- and last-author shares, first-author papers, mean author rank, mean
  team size, papers per year, the share of each venue group;
* co-authors: how many of the stint's co-author slots state a stage, the share of each, their
  seniority; stated faculty (and PhD students) at the stint's organisation, stated faculty
  as last author, and first-author papers under a stated senior last author.

The features are one SQL query (:data:`FEATURES_SQL`); people in ``stage_hidden`` have every
stated position hidden, their own and as others' co-authors, so an evaluation on held-out
people (``careers/stage_evaluation.py``) sees what the model sees for people who state
nothing. A build fits one configuration (``careers/data/stage_model.json``, chosen on the
development split by ``benchmarks/stage_eval.py``); the people commands fit it again on
the re-resolved people. ``unknown`` is given (probability 1) only where no model
can be fitted (a store with too few stated stints). docs/education.md gives the figures and
what the model assumes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
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
MODEL_FAMILY = "stages-2"
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

VENUE_GROUPS: dict[str, tuple[str, ...]] = {
    "vision": ("cvpr", "iccv", "eccv", "wacv", "3dv"),
    "robotics": ("icra", "rss"),
    "language": ("acl", "emnlp", "naacl", "coling"),
    "graphics": ("siggraph", "siggraphasia"),
    "data": ("kdd", "aaai"),
}
"""Venue groups whose share of a stint's papers is a feature (the rest: machine learning)."""

_VENUE_SHARES = ", ".join(
    f"avg(CASE WHEN ss.venue IN ({', '.join(repr(v) for v in venues)}) THEN 1.0 ELSE 0.0 END) "
    f"AS venue_{group}"
    for group, venues in VENUE_GROUPS.items()
)
_VENUE_COLUMNS = ", ".join(f"own.venue_{group}" for group in VENUE_GROUPS)

_CATEGORICAL = ("evidence", "org_kind", "country", "prev_kind", "next_kind")
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
    "gap_before",
    "gap_after",
    "prev_length",
    "next_length",
    "n_first_author",
    "mean_author_rank",
    *(f"venue_{group}" for group in VENUE_GROUPS),
    "co_faculty_same_org",
    "co_phd_same_org",
    "co_last_faculty",
    "first_under_senior",
)

_CO_COUNTS = ", ".join(
    f"sum(CASE WHEN c.stage = '{s}' THEN 1 ELSE 0 END) AS n_{s}" for s in MODEL_STAGES
)
_CO_SHARES = ", ".join(
    f"CAST(co.n_{s} AS DOUBLE) / nullif(co.co_known, 0) AS co_{s}" for s in MODEL_STAGES
)

FEATURES_SQL = f"""
WITH slot_raw AS (
  SELECT {SLOT_PERSON_SQL} AS person_id, a.paper_key, a.author_index, a.year, a.venue,
         so.org_id,
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
  SELECT r.person_id, r.paper_key, r.author_index, r.year, r.venue, r.org_id,
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
         row_number() OVER career AS stint_rank,
         count(*) OVER (PARTITION BY person_id) AS person_stints,
         lag(org_kind) OVER career AS prev_kind, lead(org_kind) OVER career AS next_kind,
         first_year - lag(last_year) OVER career AS gap_before,
         lead(first_year) OVER career - last_year AS gap_after,
         lag(last_year - first_year + 1) OVER career AS prev_length,
         lead(last_year - first_year + 1) OVER career AS next_length
  FROM (
    SELECT DISTINCT {STINT_ID_SQL} AS stint_id, s.person_id, s.org_id, s.country,
           coalesce(s.stage, 'unknown') AS stage, s.first_year,
           coalesce(s.last_year, s.first_year) AS last_year, s.evidence,
           coalesce(o.kind, 'unknown') AS org_kind
    FROM stints s LEFT JOIN organisations o ON o.org_id = s.org_id
  ) distinct_stints
  WINDOW career AS (PARTITION BY person_id ORDER BY first_year NULLS LAST, last_year, stint_id)
),
stint_slot AS (
  SELECT st.stint_id, sl.paper_key, sl.author_index, sl.year, sl.venue
  FROM st JOIN slot sl ON sl.person_id = st.person_id
   AND sl.year BETWEEN st.first_year AND st.last_year
),
own AS (
  SELECT ss.stint_id, count(*) AS n_slots,
         avg(CASE WHEN ss.author_index = 0 THEN 1.0 ELSE 0.0 END) AS first_author_share,
         avg(CASE WHEN ss.author_index = p.last_index AND p.n_authors > 1 THEN 1.0 ELSE 0.0 END)
           AS last_author_share,
         avg(p.n_authors) AS mean_authors,
         CAST(sum(CASE WHEN ss.author_index = 0 THEN 1 ELSE 0 END) AS BIGINT) AS n_first_author,
         avg(ss.author_index / greatest(p.n_authors - 1, 1)) AS mean_author_rank,
         {_VENUE_SHARES}
  FROM stint_slot ss JOIN paper_size p ON p.paper_key = ss.paper_key
  GROUP BY ss.stint_id
),
co AS (
  SELECT ss.stint_id,
         CAST(sum(CASE WHEN c.stage <> 'unknown' THEN 1 ELSE 0 END) AS BIGINT) AS co_known,
         {_CO_COUNTS},
         avg(ss.year - cp.first_paper) AS co_seniority_mean,
         max(ss.year - cp.first_paper) AS co_seniority_max,
         CAST(sum(CASE WHEN c.stage = 'faculty' AND c.org_id = st.org_id THEN 1 ELSE 0 END)
              AS DOUBLE) / count(DISTINCT ss.paper_key) AS co_faculty_same_org,
         CAST(sum(CASE WHEN c.stage = 'phd' AND c.org_id = st.org_id THEN 1 ELSE 0 END)
              AS DOUBLE) / count(DISTINCT ss.paper_key) AS co_phd_same_org,
         CAST(sum(CASE WHEN c.stage = 'faculty' AND c.author_index = p.last_index THEN 1 ELSE 0
                  END) AS DOUBLE) / count(DISTINCT ss.paper_key) AS co_last_faculty,
         CAST(sum(CASE WHEN ss.author_index = 0 AND c.author_index = p.last_index
                        AND c.stage IN ('faculty', 'postdoc') THEN 1 ELSE 0 END)
              AS DOUBLE) / count(DISTINCT ss.paper_key) AS first_under_senior
  FROM stint_slot ss
  JOIN st ON st.stint_id = ss.stint_id
  JOIN paper_size p ON p.paper_key = ss.paper_key
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
       {_CO_SHARES}, co.co_seniority_mean, co.co_seniority_max,
       st.prev_kind, st.next_kind, st.gap_before, st.gap_after, st.prev_length,
       st.next_length, coalesce(own.n_first_author, 0) AS n_first_author, own.mean_author_rank,
       {_VENUE_COLUMNS}, co.co_faculty_same_org, co.co_phd_same_org, co.co_last_faculty,
       co.first_under_senior
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
    """How the feature table becomes a matrix: the categories seen when fitting, and the
    columns that had no value then (0 throughout: a column of missing values cannot be
    binned, and a small store may have one)."""

    categories: dict[str, tuple[str, ...]]
    empty: tuple[str, ...] = ()

    @classmethod
    def fit(cls, features: pa.Table) -> Encoding:
        """The values of each categorical column seen at least 20 times (sorted)."""
        cats: dict[str, tuple[str, ...]] = {}
        for name in _CATEGORICAL:
            counts = pc.value_counts(features.column(name).fill_null(""))
            frequent = counts.filter(pc.greater_equal(counts.field("counts"), 20))
            cats[name] = tuple(sorted(str(v) for v in frequent.field("values").to_pylist()))
        x = cls(cats).matrix(features)
        names = (*_CATEGORICAL, *_NUMERIC)
        return cls(cats, tuple(n for n, col in zip(names, x.T, strict=True) if np.isnan(col).all()))

    def matrix(self, features: pa.Table) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The feature matrix: categorical columns first (codes; unseen values missing)."""
        columns: list[np.ndarray[Any, np.dtype[np.float64]]] = []
        for name in _CATEGORICAL:
            known = pa.array(self.categories[name], pa.string())
            codes = pc.index_in(features.column(name).fill_null(""), value_set=known)
            columns.append(_floats(codes))
        columns.extend(_floats(features.column(name)) for name in _NUMERIC)
        for name in self.empty:
            columns[(*_CATEGORICAL, *_NUMERIC).index(name)] = np.zeros(features.num_rows)
        return np.column_stack(columns)

    def as_json(self) -> str:
        """The encoding as canonical JSON (stored with the fitted model)."""
        return json.dumps({"categories": self.categories, "empty": self.empty}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Encoding:
        """The encoding :meth:`as_json` wrote."""
        data = json.loads(text)
        categories = {k: tuple(v) for k, v in data["categories"].items()}
        return cls(categories, tuple(data["empty"]))


def _floats(values: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A numeric Arrow column as floats, nulls as NaN."""
    filled = pc.fill_null(values.cast(pa.float64()), float("nan"))
    return np.asarray(filled.to_numpy(zero_copy_only=False), dtype=np.float64)


@dataclass(frozen=True)
class Candidate:
    """One model configuration: an estimator's name and its settings."""

    name: str
    settings: dict[str, float | int]

    def as_json(self) -> str:
        """The configuration as canonical JSON (stored with the fitted model)."""
        return json.dumps({"name": self.name, "settings": self.settings}, sort_keys=True)


def _load_configured() -> Candidate:
    """The configuration of ``careers/data/stage_model.json`` (chosen by
    ``benchmarks/stage_eval.py`` on the development split)."""
    raw = resources.files("talentflow.careers").joinpath("data", "stage_model.json")
    data = json.loads(raw.read_text("utf-8"))
    return Candidate(str(data["name"]), dict(data["settings"]))


CONFIGURED: Candidate = _load_configured()
"""The one configuration a build fits."""


def _one_thread() -> Any:
    """Native thread pools limited to one thread: on a shared two-core machine OpenMP's
    spinning threads cost ten times the CPU of one thread (benchmarks/RESULTS.md)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def make_estimator(candidate: Candidate) -> Any:
    """An unfitted scikit-learn estimator for ``candidate`` over :meth:`Encoding.matrix`."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    categorical = list(range(len(_CATEGORICAL)))
    if candidate.name == "gbm":
        return HistGradientBoostingClassifier(
            categorical_features=categorical,
            early_stopping=False,
            random_state=0,
            **candidate.settings,
        )
    if candidate.name != "logistic":
        raise ValueError(f"unknown stage model estimator {candidate.name!r} (gbm, logistic)")
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


def fit_estimator(candidate: Candidate, x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> Any:
    """``candidate`` fitted on ``x``, ``y`` (one thread)."""
    with _one_thread():
        return make_estimator(candidate).fit(x, y)


def stage_probabilities(estimator: Any, x: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Probabilities over :data:`MODEL_STAGES` (columns of stages unseen in fitting: 0)."""
    with _one_thread():
        proba = np.asarray(estimator.predict_proba(x))
    out = np.zeros((len(x), len(MODEL_STAGES)))
    out[:, np.asarray(estimator.classes_, dtype=np.int64)] = proba
    return out


def log_loss(truth: np.ndarray[Any, Any], proba: np.ndarray[Any, Any]) -> float:
    """Mean negative log probability of the true stage."""
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
        return stage_probabilities(self.estimator, self.encoding.matrix(features))


def stage_labels(features: pa.Table) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The index in :data:`MODEL_STAGES` of each row's stated stage (-1: none stated)."""
    index = pc.index_in(features.column("stated_stage"), value_set=pa.array(MODEL_STAGES))
    return np.asarray(pc.fill_null(index, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def fit_stage_model(
    features: pa.Table, candidate: Candidate = CONFIGURED, folds: int = 3
) -> StageModel | None:
    """Fit ``candidate`` on the stints with a stated stage of two thirds of their people and
    calibrate it on the other third's (temperature scaling: one-vs-rest isotonic
    calibration, renormalised, left the model underconfident, ECE 0.09 on held-out people).
    The configuration is not chosen here but by ``benchmarks/stage_eval.py``: a build fits
    one model.

    None when fewer than :data:`MIN_LABELLED_PEOPLE` people have a stated stage."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import GroupKFold

    labels = stage_labels(features)
    labelled = labels >= 0
    train = features.filter(pa.array(labelled))
    y = labels[labelled]
    people = np.array(train.column("person_id").to_pylist(), dtype=object)
    if len(set(people)) < MIN_LABELLED_PEOPLE or len(set(y.tolist())) < 2:
        return None
    encoding = Encoding.fit(train)
    x = encoding.matrix(train)
    fit_index, check_index = next(GroupKFold(n_splits=folds).split(x, groups=people))
    fitted = fit_estimator(candidate, x[fit_index], y[fit_index])
    score = log_loss(y[check_index], stage_probabilities(fitted, x[check_index]))
    with _one_thread():
        calibrated = CalibratedClassifierCV(FrozenEstimator(fitted), method="temperature")
        calibrated.fit(x[check_index], y[check_index])
    digest = hashlib.sha256(
        json.dumps([candidate.as_json(), encoding.as_json(), len(y)]).encode()
    ).hexdigest()[:8]
    return StageModel(
        encoding,
        calibrated,
        candidate,
        score,
        len(set(people)),
        int(labelled.sum()),
        f"{MODEL_FAMILY}-{candidate.name}-{digest}",
    )


@dataclass(frozen=True)
class StintStagesResult:
    """What :func:`derive_stint_stages` wrote."""

    stints: int
    observed: int
    inferred: int
    model_version: str


def derive_stint_stages(store: Store, reporter: Reporter = SILENT) -> StintStagesResult:
    """Replace ``stint_stages``: the stated stage of every stint that has one, the model's
    distribution for every other stint (``unknown`` when no model can be fitted).

    The configured model is fitted afresh each time (the build and ``people
    resolve/link/unlink/forget``): a fitted scikit-learn model can only be kept as a pickle,
    and a store that runs code when it is opened is not one a user can be handed."""
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
