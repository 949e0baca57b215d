"""Generic figure builders: data + options → plotly figures (no assessment, no maps).

``charts`` turns an assessment into titled figures with these; pages show them and exports
render them, so both carry the same figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from revitalization.style import (
    CONNECTOR,
    GAIN,
    GAIN_BAR,
    GRID,
    LABEL,
    LOSS,
    LOSS_BAR,
    MUTED,
    PROVINCE,
    REFERENCE,
    UNIT,
    UNIT_FILL,
    base_layout,
)


def dumbbell(names: list[str], before: list[float], after: list[float], *, label_a: str,
             label_b: str, title: str, subtitle: str = "", unit: str = "分") -> go.Figure:
    """Each unit's score in two years joined by a line; gains purple, declines orange-brown
    (ColorBrewer PuOr), and the direction written beside each pair (↑ / ↓)."""
    a, b = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    up = b >= a
    fig = go.Figure()
    xs, ys = [], []
    for name, x0, x1 in zip(names, a, b, strict=True):
        xs += [x0, x1, None]
        ys += [name, name, None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": CONNECTOR, "width": 3},
                             hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=a, y=names, mode="markers", name=label_a,
                             marker={"size": 11, "color": "white",
                                     "line": {"color": MUTED, "width": 2}},
                             hovertemplate="%{y}：%{x:.1f} " + unit + f"<extra>{label_a}</extra>"))
    for mask, color, word in ((up, GAIN, "↑ 进步"), (~up, LOSS, "↓ 退步")):
        if not mask.any():
            continue
        change = b[mask] - a[mask]
        fig.add_trace(go.Scatter(
            x=b[mask], y=np.asarray(names)[mask], mode="markers+text", name=f"{label_b}（{word}）",
            marker={"size": 12, "color": color, "symbol": "circle" if word.startswith("↑") else "diamond"},
            text=[f"{'↑' if c >= 0 else '↓'} {abs(c):.1f}" for c in change],
            textposition="middle right" if word.startswith("↑") else "middle left",
            textfont={"color": color},
            hovertemplate="%{y}：%{x:.1f} " + unit + f"<extra>{label_b}</extra>"))
    base_layout(fig, title, subtitle, height=max(360, 30 * len(names) + 140))
    longest = max((sum(1.0 if ord(c) > 0x2E7F else 0.55 for c in n) for n in names), default=4)
    fig.update_layout(margin={"l": max(120, int(14 * longest) + 24), "r": 40, "t": 90, "b": 60},
                      legend={"orientation": "h", "y": -0.08, "x": 0, "yanchor": "top"})
    fig.update_xaxes(title=f"得分（{unit}）", gridcolor=GRID)
    fig.update_yaxes(autorange="reversed", categoryorder="array", categoryarray=names)
    return fig


def transition_heatmap(table: pd.DataFrame, *, title: str, subtitle: str = "",
                       label_a: str, label_b: str) -> go.Figure:
    """A grade-transition matrix: rows the grade in year A, columns the grade in year B."""
    z = table.to_numpy()
    fig = go.Figure(go.Heatmap(
        z=z, x=table.columns.tolist(), y=table.index.tolist(), colorscale="Blues",
        showscale=False, text=z, texttemplate="%{text}", textfont={"size": 15},
        hovertemplate=f"{label_a} %{{y}} → {label_b} %{{x}}：%{{z}} 个<extra></extra>"))
    base_layout(fig, title, subtitle, height=420)
    fig.update_layout(margin={"l": 90, "r": 20, "t": 100, "b": 60})
    fig.update_xaxes(title=f"{label_b}等次", side="bottom")
    fig.update_yaxes(title=f"{label_a}等次", autorange="reversed")
    return fig


def radar(labels: list[str], series: dict[str, list[float]], *, title: str, subtitle: str = ""
          ) -> go.Figure:
    """Five revitalization scores of a unit against references (class and province means)."""
    styles = [(UNIT, "solid", 3), (REFERENCE, "dash", 2), (PROVINCE, "dot", 2)]
    fig = go.Figure()
    for (name, values), (color, dash, width) in zip(series.items(), styles, strict=False):
        fig.add_trace(go.Scatterpolar(
            r=list(values) + [values[0]], theta=labels + [labels[0]], name=name,
            line={"color": color, "dash": dash, "width": width},
            fill="toself" if dash == "solid" else None, fillcolor=UNIT_FILL,
            hovertemplate="%{theta}：%{r:.1f} 分<extra>" + name + "</extra>"))
    base_layout(fig, title, subtitle, height=420)
    # Rings at 20/40/60/80 without labels (hover gives the values); the axis labels outside
    # the circle get room inside the plot area (the domain), off the subtitle and the legend.
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "showticklabels": False,
                                            "tickvals": [20, 40, 60, 80]},
                             "domain": {"y": [0.1, 0.9]}},
                      legend={"orientation": "h", "y": -0.08, "x": 0.5, "xanchor": "center"},
                      margin={"l": 40, "r": 40, "t": 90, "b": 60})
    return fig


def waterfall(steps: list[tuple[str, float]], *, start: tuple[str, float],
              end: tuple[str, float], title: str, subtitle: str = "") -> go.Figure:
    """A score change split into steps (e.g. the five revitalizations and gate deductions)."""
    names = [start[0]] + [s[0] for s in steps] + [end[0]]
    values = [start[1]] + [s[1] for s in steps] + [end[1]]
    measures = ["absolute"] + ["relative"] * len(steps) + ["total"]
    text = [f"{start[1]:.1f}"] + [f"{'↑' if v >= 0 else '↓'} {abs(v):.1f}" for _, v in steps] \
        + [f"{end[1]:.1f}"]
    fig = go.Figure(go.Waterfall(
        x=names, y=values, measure=measures, text=text, textposition="outside",
        increasing={"marker": {"color": GAIN_BAR}}, decreasing={"marker": {"color": LOSS_BAR}},
        totals={"marker": {"color": UNIT}}, connector={"line": {"color": CONNECTOR}},
        hovertemplate="%{x}：%{text}<extra></extra>"))
    lo = min(np.cumsum(values[:-1]).min(), end[1], start[1])
    hi = max(np.cumsum(values[:-1]).max(), end[1], start[1])
    pad = max(2.0, (hi - lo) * 0.25)
    floor = float(np.floor(lo - pad))
    # The axis does not start at 0 (the steps would vanish): said in the subtitle and on the
    # axis, so the first and last bars are not read as proportional.
    note = f"纵轴自 {floor:.0f} 分起（非 0），首尾两柱的高度差只表示得分变化"
    base_layout(fig, title, f"{subtitle} · {note}" if subtitle else note, height=400)
    fig.update_layout(margin={"l": 60, "r": 20, "t": 90, "b": 60}, showlegend=False)
    fig.update_yaxes(range=[floor, hi + pad], title=f"综合得分（分，自 {floor:.0f} 分起；↑ 增加 / ↓ 减少）",
                     gridcolor=GRID)
    return fig


def trend_with_rank(frame: pd.DataFrame, *, title: str, subtitle: str = "",
                    value_labels: bool = False) -> go.Figure:
    """Composite and group scores across years, and the class rank on a reversed axis
    (``value_labels``: each point's score written above it)."""
    from plotly.subplots import make_subplots

    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for col in [c for c in frame.columns if c not in ("year", "类内排名")]:
        width = 3.5 if col == "综合" else 1.6
        fig.add_trace(go.Scatter(x=frame["year"], y=frame[col], name=col,
                                 mode="lines+markers+text" if value_labels else "lines+markers",
                                 text=[f"{v:.1f}" for v in frame[col]] if value_labels else None,
                                 textposition="top center", line={"width": width},
                                 hovertemplate="%{x} 年：%{y:.1f} 分<extra>" + col + "</extra>"),
                      secondary_y=False)
    if "类内排名" in frame and frame["类内排名"].notna().any():
        fig.add_trace(go.Scatter(x=frame["year"], y=frame["类内排名"], name="类内排名（右轴）",
                                 mode="lines+markers", line={"color": LABEL, "dash": "dot"},
                                 hovertemplate="%{x} 年：类内第 %{y} 名<extra></extra>"),
                      secondary_y=True)
        fig.update_yaxes(title="类内排名（第 n 名，越上越好）", autorange="reversed",
                         secondary_y=True, showgrid=False, tickformat="d", rangemode="tozero")
    base_layout(fig, title, subtitle, height=460)
    fig.update_layout(margin={"l": 60, "r": 70, "t": 90, "b": 120},
                      legend={"orientation": "h", "y": -0.22, "x": 0, "yanchor": "top"})
    fig.update_xaxes(title="考核年度", dtick=1)
    fig.update_yaxes(title="得分（分）", gridcolor=GRID, secondary_y=False)
    return fig


def obstacle_bars(names: list[str], shares: list[float], *, title: str, subtitle: str = ""
                  ) -> go.Figure:
    """Obstacle degree of the indicators holding a unit back, largest first."""
    fig = go.Figure(go.Bar(y=names, x=[100 * s for s in shares], orientation="h",
                           marker_color=LOSS_BAR, text=[f"{100 * s:.1f}%" for s in shares],
                           textposition="outside",
                           hovertemplate="%{y}：障碍度 %{x:.1f}%<extra></extra>"))
    base_layout(fig, title, subtitle, height=max(300, 34 * len(names) + 130))
    fig.update_layout(margin={"l": 230, "r": 50, "t": 90, "b": 50})
    fig.update_xaxes(title="障碍度（%，占全部失分的比重）", gridcolor=GRID,
                     range=[0, 125 * max(shares, default=0.01)])
    fig.update_yaxes(autorange="reversed")
    return fig


