"""Developer tools that are not shipped in the talentflow package.

- ``devtools.synthetic``: synthetic talent graphs drawn with known answers (tests,
  benchmarks).
- ``devtools.build_origin_tables``: the training script that builds the name-origin
  estimator's shipped tables (``python -m devtools.build_origin_tables``, see
  docs/origin.md).

Importable from a clone: pytest puts the repository root on its path (``pythonpath`` in
pyproject.toml) and the editable install does too (hatch ``dev-mode-dirs``), so
``python benchmarks/<name>.py`` finds it.
"""
