"""Pipeline: where a venue-year's authors come from, trained, and work.

The Global AI Talent Tracker (MacroPolo) followed samples of NeurIPS 2019 and 2022 authors
from undergraduate country (origin) through graduate school (training) to their current
employer (work); ``indicators/tracker.py`` holds its published figures. This indicator
does the same for every accepted author of any venue-year:

- **work**: the country the author published from at that venue-year (the country of most
  of their slots there). ``--basis location`` uses where the author is; ``--basis hq`` the
  country of the employer's headquarters (the Tracker's convention: a Google researcher in
  Zurich counts for the US); slots whose organisation is unresolved keep their location.
- **training**: the country of the author's PhD stint (else masters), from any evidence.
- **origin**: the country of the author's undergraduate stint, from any evidence.

Shares are over the authors whose stage could be determined (``coverage`` says how many),
with Wilson 95% intervals. A person is a resolved person; a slot no person decision covers
counts by its OpenReview id, else by its name string (``coverage.people_unresolved``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from talentflow.careers.education import (
    ORIGIN_SQL,
    TARGETS,
    TRAINING_SQL,
    Context,
    Person,
    bootstrap_flows,
    bootstrap_shares,
    fit_models,
)
from talentflow.engines import Engine
from talentflow.errors import TalentflowError
from talentflow.graph.store import Store
from talentflow.indicators.common import (
    BEST_STINTS,
    IndicatorResult,
    best_evidence,
    engine_for,
    in_list,
)
from talentflow.indicators.people_cohort import PERSON_KEY
from talentflow.indicators.regions import region_of
from talentflow.indicators.stats import share_cell, shares
from talentflow.indicators.tracker import comparison_note, comparison_rows

BASES = ("location", "hq")
# Origin and training rows of the table view: countries of at least this combined share
# (the JSON has every country).
TABLE_MIN_SHARE = 0.005

_PIPELINE_TEMPLATE = f"""
WITH slot_all AS (
  SELECT {PERSON_KEY} AS person_id, a.year, a.paper_key,
         CASE WHEN sp.person_id IS NULL THEN 1 ELSE 0 END AS unresolved,
         so.org_id, o.name AS org_name, coalesce(o.kind, 'unknown') AS kind,
         CASE WHEN :basis = 'hq' AND so.org_id IS NOT NULL
              THEN coalesce(so.hq_country, o.hq_country, so.country, o.country)
              ELSE coalesce(so.country, o.country) END AS country
  FROM authorships a
  JOIN papers p ON p.paper_key = a.paper_key
  LEFT JOIN slot_people sp ON sp.paper_key = a.paper_key AND sp.author_index = a.author_index
  LEFT JOIN slot_orgs so ON so.paper_key = a.paper_key AND so.author_index = a.author_index
  LEFT JOIN organisations o ON o.org_id = so.org_id
  WHERE a.accepted AND {{slot_filter}}
),
slot AS (
  SELECT * FROM (
    SELECT *, max(year) OVER (PARTITION BY person_id) AS latest FROM slot_all
  ) slot_years WHERE year = latest
),
slot_groups AS (
  SELECT person_id, year, country, org_id, org_name, kind, count(*) AS n,
         max(unresolved) AS unresolved
  FROM slot GROUP BY person_id, year, country, org_id, org_name, kind
),
work AS (
  SELECT person_id, year, country, org_id, org_name, kind, unresolved FROM (
    SELECT person_id, year, country, org_id, org_name, kind,
           max(unresolved) OVER (PARTITION BY person_id) AS unresolved,
           row_number() OVER (
             PARTITION BY person_id
             ORDER BY CASE WHEN country IS NULL THEN 1 ELSE 0 END,
                      CASE WHEN org_id IS NULL THEN 1 ELSE 0 END, n DESC,
                      coalesce(country, ''), coalesce(org_id, '')
           ) AS rk
    FROM slot_groups
  ) ranked_work WHERE rk = 1
),
training AS (
  SELECT t.* FROM ({TRAINING_SQL}) t JOIN work w ON w.person_id = t.person_id
),
origin AS (
  SELECT g.* FROM ({ORIGIN_SQL}) g JOIN work w ON w.person_id = g.person_id
),
stage_now AS (
  SELECT s.person_id,
         coalesce(min(CASE WHEN s.stage <> 'unknown' THEN s.stage END), 'unknown') AS stage
  FROM best_stints s JOIN work w ON w.person_id = s.person_id
  WHERE s.first_year <= w.year AND coalesce(s.last_year, s.first_year) >= w.year
    AND (s.org_id = w.org_id OR s.country = w.country)
  GROUP BY s.person_id
),
elsewhere AS (
  SELECT person_id, org_id, country, stage FROM (
    SELECT s.person_id, s.org_id, s.country, coalesce(s.stage, 'unknown') AS stage,
           row_number() OVER (
             PARTITION BY s.person_id
             ORDER BY coalesce(s.last_year, s.first_year, 0) DESC, s.country,
                      coalesce(s.org_id, '')
           ) AS rk
    FROM best_stints s JOIN work w ON w.person_id = s.person_id
    WHERE s.country IS NOT NULL AND w.country IS NULL
  ) ranked_elsewhere WHERE rk = 1
),
coauthors AS (
  SELECT person_id, country FROM (
    SELECT me.person_id, co.country,
           row_number() OVER (
             PARTITION BY me.person_id ORDER BY count(*) DESC, co.country
           ) AS rk
    FROM slot me JOIN slot co ON co.paper_key = me.paper_key AND co.person_id <> me.person_id
    WHERE co.country IS NOT NULL
      AND me.person_id IN (SELECT person_id FROM work WHERE country IS NULL)
    GROUP BY me.person_id, co.country
  ) ranked_coauthors WHERE rk = 1
)
SELECT w.person_id, w.unresolved, w.country AS work_country, w.org_id AS work_org_id,
       w.org_name AS work_org, w.kind AS work_kind,
       t.country AS training_country, t.evidence AS training_evidence,
       g.country AS origin_country, g.evidence AS origin_evidence,
       coalesce(n.stage, 'unknown') AS work_stage,
       CASE WHEN w.country IS NOT NULL THEN 'work' WHEN e.country IS NOT NULL THEN 'elsewhere'
            WHEN c.country IS NOT NULL THEN 'coauthors' END AS context_source,
       CASE WHEN w.country IS NOT NULL THEN w.org_id ELSE e.org_id END AS context_org_id,
       coalesce(w.country, e.country, c.country) AS context_country,
       CASE WHEN w.country IS NOT NULL THEN w.kind ELSE coalesce(eo.kind, 'unknown') END
         AS context_kind,
       CASE WHEN w.country IS NOT NULL THEN coalesce(n.stage, 'unknown')
            ELSE coalesce(e.stage, 'unknown') END AS context_stage
FROM work w
LEFT JOIN training t ON t.person_id = w.person_id
LEFT JOIN origin g ON g.person_id = w.person_id
LEFT JOIN stage_now n ON n.person_id = w.person_id
LEFT JOIN elsewhere e ON e.person_id = w.person_id
LEFT JOIN organisations eo ON eo.org_id = e.org_id
LEFT JOIN coauthors c ON c.person_id = w.person_id
"""

# A venue-year's accepted authors; the accepted authors among a list of people (by the
# person keys above), each at the latest year they published.
PIPELINE_SQL = _PIPELINE_TEMPLATE.format(
    slot_filter="a.venue = :venue AND a.year = :year AND (p.is_oral OR NOT :elite)"
)
PEOPLE_PIPELINE_SQL = _PIPELINE_TEMPLATE.format(slot_filter=f"{PERSON_KEY} IN :people")


@dataclass
class PipelineResult(IndicatorResult):
    """Origin, training and work shares for one venue-year's accepted authors."""

    venue: str
    year: int
    basis: str
    elite: bool
    n: int
    coverage: dict[str, int]
    origin: dict[str, dict[str, Any]]
    training: dict[str, dict[str, Any]]
    work: dict[str, dict[str, Any]]
    work_regions: dict[str, dict[str, Any]]
    work_by_origin: dict[str, dict[str, dict[str, Any]]]
    origin_by_work: dict[str, dict[str, dict[str, Any]]]
    work_by_training: dict[str, dict[str, dict[str, Any]]]
    sector: dict[str, dict[str, Any]]
    top_institutions: list[dict[str, Any]]
    evidence: dict[str, dict[str, int]]
    comparison: list[dict[str, Any]] = field(default_factory=list)
    education: dict[str, Any] = field(default_factory=dict)
    people_file: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "venue": self.venue,
            "year": self.year,
            "basis": self.basis,
            "elite": self.elite,
            "n": self.n,
            "coverage": self.coverage,
            "origin": self.origin,
            "training": self.training,
            "work": self.work,
            "work_regions": self.work_regions,
            "work_by_origin": self.work_by_origin,
            "origin_by_work": self.origin_by_work,
            "work_by_training": self.work_by_training,
            "sector": self.sector,
            "top_institutions": self.top_institutions,
            "evidence": self.evidence,
            "comparison": self.comparison,
            "education": self.education,
            **({"people_file": self.people_file} if self.people_file else {}),
            "method": self.method,
        }

    def table_rows(self) -> list[dict[str, Any]]:
        """One row per (stage, country) share: origin and training combined (observed and
        estimated people; beside it the share among the observed, ``obs``, and among the
        estimated, ``est``; ``n`` the observed people), then work."""
        out: list[dict[str, Any]] = []
        for stage in TARGETS[::-1]:
            edu = self.education.get(stage, {})
            if "combined" not in edu:
                out.extend({"stage": stage, "country": cc, **c} for cc, c in self.cells(stage))
                continue
            observed = edu["observed"]["shares"]
            estimated = edu["estimated"]["shares"]
            for cc, cell in edu["combined"]["shares"].items():
                if cell["share"] < TABLE_MIN_SHARE:
                    continue
                out.append(
                    {
                        "stage": stage,
                        "country": cc,
                        **cell,
                        "obs": observed.get(cc, {}).get("share", 0.0),
                        "est": estimated.get(cc, {}).get("share", 0.0),
                        "n": self.cells_n(stage, cc),
                    }
                )
        out.extend({"stage": "work", "country": cc, **c} for cc, c in self.work.items())
        return out

    def education_rows(self) -> list[dict[str, Any]]:
        """Per stage: people observed, estimated and determined (observed or estimated from
        a known context), with their shares of the cohort."""
        out: list[dict[str, Any]] = []
        for stage in TARGETS[::-1]:
            edu = self.education.get(stage, {})
            if "combined" not in edu:
                continue
            n = edu["combined"]["n"]
            out.append(
                {
                    "stage": stage,
                    "people": n,
                    "observed": edu["observed"]["n"],
                    "estimated": edu["estimated"]["n"],
                    "determined": edu["combined"]["determined"],
                    "share determined": edu["combined"]["coverage"],
                    "model": edu["model"]["chain"],
                }
            )
        return out

    def model_rows(self) -> list[dict[str, Any]]:
        """Per stage: the education model's settings, development log losses and where the
        estimated authors' contexts came from."""
        out: list[dict[str, Any]] = []
        for stage in TARGETS[::-1]:
            edu = self.education.get(stage, {})
            if "combined" not in edu:
                continue
            combined = edu["combined"]
            settings = {
                **edu["model"],
                "contexts": edu.get("contexts", {}),
                "from_context": edu["estimated"]["from_context"],
                "combined": f"determined {combined['determined']} of {combined['n']}",
            }
            for key, value in settings.items():
                if isinstance(value, dict):
                    value = "; ".join(f"{k}: {v}" for k, v in value.items())
                out.append({"stage": stage, "setting": key, "value": str(value)})
        return out

    def origin_by_work_rows(self, works: int = 5, origins: int = 5) -> list[dict[str, Any]]:
        """Combined origin shares of the largest work countries' authors (top ones)."""
        by_work = self.education.get("origin", {}).get("by_work", {})
        out: list[dict[str, Any]] = []
        for work in [w for w in self.work if w in by_work][:works]:
            for origin, cell in list(by_work[work].items())[:origins]:
                out.append({"work": work, "origin": origin, **cell})
        return out

    def cells(self, stage: str) -> list[tuple[str, dict[str, Any]]]:
        """The observed share cells of ``origin`` or ``training``."""
        return list((self.origin if stage == "origin" else self.training).items())

    def cells_n(self, stage: str, country: str) -> int:
        """Observed people of ``stage`` in ``country``."""
        cell = dict(self.cells(stage)).get(country)
        return int(cell["n"]) if cell else 0


def _matrix(pairs: list[tuple[str, str]]) -> dict[str, dict[str, dict[str, Any]]]:
    by_first: dict[str, Counter[str]] = defaultdict(Counter)
    for a, b in pairs:
        by_first[a][b] += 1
    ordered = sorted(by_first.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    return {a: shares(dict(c), sum(c.values())) for a, c in ordered}


def pipeline(
    source: Store | Engine,
    venue: str,
    year: int,
    basis: str = "location",
    elite: bool = False,
    top: int = 20,
    estimate: bool = True,
    replicates: int = 200,
    people_ids: Sequence[str] | None = None,
) -> PipelineResult:
    """Origin -> training -> work for the accepted authors of ``venue`` ``year`` or, with
    ``people_ids``, for those people, each at the latest year they published (``venue``
    and ``year`` then only label the result).

    >>> # pipeline(store, "nips", 2018, basis="hq").work["US"]["share"]
    """
    if basis not in BASES:
        raise TalentflowError(f"--basis must be one of {', '.join(BASES)}, got '{basis}'")
    engine = engine_for(source)
    with best_evidence(engine, (BEST_STINTS,)):
        if people_ids is None:
            query = PIPELINE_SQL
            params: dict[str, Any] = {"venue": venue, "year": int(year), "elite": bool(elite)}
        else:
            query, params = PEOPLE_PIPELINE_SQL, {"people": in_list(people_ids)}
        people = engine.sql(query, {**params, "basis": basis}).to_pylist()
    n = len(people)
    work = [p for p in people if p["work_country"]]
    training = [p for p in people if p["training_country"]]
    origin = [p for p in people if p["origin_country"]]
    work_counts = Counter(str(p["work_country"]) for p in work)
    regions = Counter(region_of(str(p["work_country"])) for p in work)
    kinds = Counter(str(p["work_kind"]) for p in people if p["work_org_id"])
    orgs: Counter[tuple[str, str, str]] = Counter(
        (
            str(p["work_org_id"]),
            str(p["work_org"] or p["work_org_id"]),
            str(p["work_country"] or ""),
        )
        for p in people
        if p["work_org_id"]
    )
    with_org = sum(kinds.values())
    top_institutions = [
        {"org_id": oid, "org": name, "country": cc or None, **share_cell(k, with_org)}
        for (oid, name, cc), k in sorted(orgs.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    ]
    result = PipelineResult(
        venue=venue,
        year=int(year),
        basis=basis,
        elite=bool(elite),
        n=n,
        coverage={
            "people": n,
            "people_unresolved": sum(1 for p in people if p["unresolved"]),
            "work": len(work),
            "training": len(training),
            "origin": len(origin),
            "organisation": with_org,
        },
        origin=shares(dict(Counter(str(p["origin_country"]) for p in origin)), len(origin)),
        training=shares(dict(Counter(str(p["training_country"]) for p in training)), len(training)),
        work=shares(dict(work_counts), len(work)),
        work_regions=shares(dict(regions), len(work)),
        work_by_origin=_matrix(
            [
                (str(p["origin_country"]), str(p["work_country"]))
                for p in origin
                if p["work_country"]
            ]
        ),
        origin_by_work=_matrix(
            [
                (str(p["work_country"]), str(p["origin_country"]))
                for p in origin
                if p["work_country"]
            ]
        ),
        work_by_training=_matrix(
            [
                (str(p["training_country"]), str(p["work_country"]))
                for p in training
                if p["work_country"]
            ]
        ),
        sector=shares(dict(kinds), with_org),
        top_institutions=top_institutions,
        evidence={
            "work": {"paper": len(work)} if work else {},
            "training": dict(
                sorted(Counter(str(p["training_evidence"]) for p in training).items())
            ),
            "origin": dict(sorted(Counter(str(p["origin_evidence"]) for p in origin).items())),
        },
    )
    result.comparison = comparison_rows(
        venue,
        result.year,
        result.elite,
        {"work": result.work, "origin": result.origin},
        result.coverage,
    )
    if estimate:
        result.education = education(engine, people, replicates)
    result.method = method_note(result)
    return result


FIRST_DEGREE_HISTORIES_SQL = """
SELECT count(DISTINCT person_id) AS n FROM stints
WHERE stage = 'undergraduate' AND evidence <> 'paper' AND country IS NOT NULL
"""
"""People whose first degree a career history states (a CSV such as advisorStudent.csv, a
profile): without them the origin model learns only from undergraduates who publish, who
study at home, and reads "first degree = where the author is" (docs/education-estimates.md)."""


def education(
    engine: Engine, people: list[dict[str, Any]], replicates: int = 200
) -> dict[str, dict[str, Any]]:
    """Origin and training of the pipeline's ``people``: observed, estimated (the education
    model, :mod:`talentflow.careers.education`) and combined, with bootstrap intervals."""
    cohort = [
        Person(
            person_id=str(p["person_id"]),
            context=Context(
                stage=str(p["context_stage"]),
                org_id=p["context_org_id"],
                country=str(p["context_country"] or ""),
                kind=str(p["context_kind"]),
            ),
            training=p["training_country"],
            origin=p["origin_country"],
            work=p["work_country"],
        )
        for p in sorted(people, key=lambda p: str(p["person_id"]))  # reproducible draws
    ]
    sources = Counter(str(p["context_source"]) for p in people if p["context_source"])
    out: dict[str, Any] = {}
    models = fit_models(engine)
    histories = int(engine.sql(FIRST_DEGREE_HISTORIES_SQL).column("n")[0].as_py())
    for target, (choice, model) in models.items():
        if not model.n_people:
            out[target] = {"model": None, "note": "no person with an observed " + target}
            continue
        got = bootstrap_shares(model, cohort, target, replicates=replicates)
        out[target] = {
            **got.as_json(),
            "model": {
                "chain": choice.candidate.chain,
                "concentration": choice.candidate.concentration,
                "fitted_people": model.n_people,
                "dev_log_loss": choice.dev_log_loss,
                "replicates": replicates,
                **({"first_degree_histories": histories} if target == "origin" else {}),
            },
            "contexts": {
                source: sum(
                    1
                    for p in people
                    if p["context_source"] == source and p[f"{target}_country"] is None
                )
                for source in sorted(sources)
            },
        }
    if all(m.n_people for _, m in models.values()):
        out["flows"] = bootstrap_flows(
            {t: m for t, (_, m) in models.items()}, cohort, replicates=replicates
        )
    return out


def education_note(education: dict[str, dict[str, Any]]) -> str:
    """How origin and training were estimated for the authors whose education is not stated."""
    parts = []
    for stage in TARGETS[::-1]:
        edu = education.get(stage, {})
        if "combined" in edu:
            c = edu["combined"]
            parts.append(
                f"{stage} observed for {edu['observed']['n']}, estimated for "
                f"{edu['estimated']['n']}, determined (observed, or estimated from a known work "
                f"or stint country) for {c['determined']} of {c['n']}"
            )
    if not parts:
        return "Origin and training were not estimated (no person with a stated education)."
    model = next(e["model"] for e in education.values() if "combined" in e)
    caveat = ""
    origin_model = education.get("origin", {}).get("model") or {}
    if "combined" in education.get("origin", {}) and not origin_model.get("first_degree_histories"):
        caveat = (
            " Origin estimates are biased towards the work country: no career history in "
            "the store states a first degree, so the model learnt from undergraduates who "
            "publish, nearly all studying at home (on North American graduate students it "
            "gave 77% US origin against a true 41%); load one, e.g. `talentflow careers load "
            "--kind advisor-student`, before reading them."
        )
    return (
        "'education' (and the table's origin and training rows) combine the observed with "
        "estimates from a model fitted on the people whose education is stated (a "
        "Dirichlet-smoothed back-off from organisation to country to all; "
        "docs/education-estimates.md): " + "; ".join(parts) + ". Their 95% intervals are "
        f"percentiles of {model['replicates']} bootstrap replicates that refit the model on "
        "resampled fitting people, resample the authors and draw each estimated author's "
        "country; 'origin' and 'training' above them are the observed alone (Wilson)." + caveat
    )


def method_note(result: PipelineResult) -> str:
    """How the figures were made, and what they can be compared with."""
    c = result.coverage
    basis = "employer headquarters" if result.basis == "hq" else "where the author is"
    note = (
        f"{result.n} accepted authors of {result.venue}"
        f"{f' {result.year}' if result.year else ' (each at the latest year they published)'}"
        f"{' (oral papers only)' if result.elite else ''}. Work = the country each author "
        f"published from there ({basis} basis), determined for {c['work']} of {result.n}; "
        "training = country of the PhD "
        f"(else masters) stint, determined for {c['training']}; origin = country of the "
        f"undergraduate stint, determined for {c['origin']}. Shares are over authors with the "
        "stage determined; 95% Wilson intervals. Training and origin rest on the evidence "
        f"counted in 'evidence' (paper-derived stints show only what authors published while "
        f"students, so those two stages are thin until profile histories are loaded). "
        f"{c['people_unresolved']} authors had no person decision and were counted by "
        "OpenReview id or name string."
    )
    note += " " + education_note(result.education)
    if result.comparison:
        note += " " + comparison_note(
            result.comparison, result.year, result.elite, result.basis, result.n
        )
    return note
