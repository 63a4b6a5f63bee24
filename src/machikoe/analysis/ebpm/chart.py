"""Plotly figure data for one indicator: observations, required path, projection band, target.

Plain dicts (Plotly's JSON schema), so the same figure is drawn by the dashboard's static
script and embedded in the offline council report, without importing plotly here.
Colours meet WCAG contrast on white and each trace also differs by line style / marker,
so the chart does not rely on colour alone.
"""

from __future__ import annotations

from typing import Any

from machikoe.analysis.ebpm.evaluate import Evaluation
from machikoe.analysis.ebpm.types import IndicatorSpec, Observation

OBSERVED = "#0b5d3b"
PATH = "#4a4a4a"
PROJECTION = "#8a5300"
TARGET = "#a4161a"
VISION = "#0645ad"


def figure(
    spec: IndicatorSpec, observations: list[Observation], evaluation: Evaluation
) -> dict[str, Any]:
    """A Plotly figure (data + layout) for the indicator's chart."""
    unit = spec.unit
    data: list[dict[str, Any]] = []
    if observations:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "実績",
                "x": [o.t for o in observations],
                "y": [o.value for o in observations],
                "line": {"color": OBSERVED, "width": 3},
                "marker": {"size": 8, "symbol": "circle"},
                "hovertemplate": "%{x}: %{y}" + unit + "<extra>実績</extra>",
            }
        )
    if evaluation.path:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "必要な道筋（直線）",
                "x": [y for y, _ in evaluation.path],
                "y": [v for _, v in evaluation.path],
                "line": {"color": PATH, "dash": "dash", "width": 2},
                "hovertemplate": "%{x}: %{y:.3~f}" + unit + "<extra>必要な道筋</extra>",
            }
        )
    if evaluation.vision_path:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "長期ビジョンへの道筋",
                "x": [y for y, _ in evaluation.vision_path],
                "y": [v for _, v in evaluation.vision_path],
                "line": {"color": VISION, "dash": "dot", "width": 2},
            }
        )
    proj = evaluation.projection
    if proj is not None and observations:
        first, last = observations[0], observations[-1]
        xs = [last.t, proj.x0]
        # The fitted trend over the observed years and on to the target year, so the
        # projection reads as a fit, not as a continuation of the last point.
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "予測（線形の傾向）",
                "x": [first.t, last.t, proj.x0],
                "y": [proj.at(first.t), proj.at(last.t), proj.value],
                "line": {"color": PROJECTION, "dash": "dashdot", "width": 2},
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "90%予測区間",
                "x": [*xs, *reversed(xs)],
                "y": [proj.at(last.t), proj.high, proj.low, proj.at(last.t)],
                "fill": "toself",
                "fillcolor": "rgba(138,83,0,0.15)",
                "line": {"color": "rgba(138,83,0,0.4)", "width": 1},
                "hoverinfo": "skip",
            }
        )
    if spec.target_year is not None and spec.target_value is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": "目標",
                "x": [spec.target_year],
                "y": [spec.target_value],
                "marker": {"color": TARGET, "size": 14, "symbol": "star"},
            }
        )
    for m in spec.milestones:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"中間目標 {m.year}",
                "x": [m.year],
                "y": [m.value],
                "marker": {"color": TARGET, "size": 10, "symbol": "diamond-open"},
                "showlegend": False,
            }
        )
    layout = {
        "margin": {"l": 60, "r": 20, "t": 30, "b": 40},
        "xaxis": {"title": {"text": "年"}, "tickformat": "d"},
        "yaxis": {"title": {"text": unit}},
        "legend": {"orientation": "h", "y": -0.2},
        "font": {"family": "sans-serif", "size": 13, "color": "#1a1a1a"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
    }
    return {"data": data, "layout": layout}
