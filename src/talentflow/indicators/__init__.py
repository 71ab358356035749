"""Indicators, one module per question; each returns a typed result with n, coverage,
95% intervals and a method note, and its JSON per INTERFACE.md (``.as_json()``).

- :func:`talentflow.indicators.pipeline.pipeline`: origin -> training -> work of a venue-year;
- :func:`talentflow.indicators.migration.migration`: net migration per 10,000 per country-year;
- :func:`talentflow.indicators.orgflows.orgflows`: org -> org moves and group moves;
- :func:`talentflow.indicators.pedigree.pedigree`: a cohort's earlier organisations;
- :func:`talentflow.indicators.country.country_profile`: one country's profile.

Every query is portable SQL run through :mod:`talentflow.engines` (DuckDB or Spark); the
intervals (:mod:`talentflow.indicators.stats`) are computed in Python for both engines.
"""
