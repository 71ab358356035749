"""Careers: author slots (and user files) -> stints with stages -> moves.

- :func:`talentflow.careers.derive.derive_careers`: the build's derive step (evidence
  ``paper``), registered in ``talentflow.build.steps.DERIVE_STEPS``;
- :mod:`talentflow.careers.stages`: the position vocabulary mapped to stages;
- :mod:`talentflow.careers.csv_loader`: careers from a CSV (evidence ``csv``) and adapters
  for public career datasets.
"""
