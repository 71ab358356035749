"""Views: the single-file HTML report, and the charts and sections the dashboard shares.

``talentflow report --out FILE.html`` writes the report (:mod:`talentflow.report.page`);
charts are built once in :mod:`talentflow.report.charts`; every indicator is read through
:mod:`talentflow.report.data`. Plotly is needed only to embed Plotly.js (extra ``web``).
"""
