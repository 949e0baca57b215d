"""Figure builders: data + options → plotly figures. Shown on screen and exported alike.

Maps use plotly's geo traces with the county GeoJSON (GCJ-02). They need plotly's world
topojson file, which the app serves locally (see ``TOPOJSON_URL``), never from a CDN.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from shapely.geometry import shape

from revitalization.classes import MISSING, NOT_ASSESSED, PUOR, Classes
from revitalization.geo import load_city_geojson, load_county_geojson, map_geojson, map_layer_url

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
TOPOJSON_URL = "/app/static/vendor/topojson/"
BORDER = "#5f6b7a"
CITY_BORDER = "#1f2937"
HUBEI_LON = (108.3, 116.2)  # framing of the provincial map (GCJ-02 degrees)
HUBEI_LAT = (29.0, 33.3)


def base_layout(fig: go.Figure, title: str, subtitle: str = "", height: int = 560) -> go.Figure:
    """Common title, font and margins for every figure."""
    text = f"<b>{title}</b>" + (f"<br><span style='font-size:13px;color:#555'>{subtitle}</span>"
                                if subtitle else "")
    fig.update_layout(
        title={"text": text, "x": 0.01, "xanchor": "left", "y": 0.97},
        font={"family": FONT, "size": 13, "color": "#1f2937"},
        margin={"l": 10, "r": 10, "t": 70 if subtitle else 50, "b": 10},
        height=height, paper_bgcolor="white", plot_bgcolor="white",
    )
    return fig


@lru_cache(maxsize=1)
def _city_lines() -> tuple[np.ndarray, np.ndarray]:
    """Every city boundary drawn once (shared borders are not doubled), as lon/lat arrays
    with lines separated by NaN (a gap in the line), rounded to 4 decimals (≈ 10 m)."""
    boundaries = [shape(f["geometry"]).boundary for f in load_city_geojson()["features"]]
    network = shapely.line_merge(shapely.union_all(boundaries))
    parts = []
    for line in getattr(network, "geoms", [network]):
        parts += [np.round(np.asarray(line.coords), 4), np.full((1, 2), np.nan)]
    coords = np.concatenate(parts).astype(np.float32)  # ≈ 1 m resolution, half the bytes
    return coords[:, 0], coords[:, 1]


def _label_points(collection: dict) -> pd.DataFrame:
    rows = []
    for feature in collection["features"]:
        pt = shapely.point_on_surface(shape(feature["geometry"]))
        rows.append((feature["properties"]["adcode"], pt.x, pt.y))
    return pd.DataFrame(rows, columns=["adcode", "lon", "lat"])


@lru_cache(maxsize=1)
def county_label_points() -> pd.DataFrame:
    """A point inside each county (for name labels): adcode, lon, lat."""
    return _label_points(load_county_geojson())


@lru_cache(maxsize=1)
def city_label_points() -> pd.DataFrame:
    """A point inside each city-level unit: adcode, lon, lat."""
    return _label_points(load_city_geojson())


def _stepped(colors: list[str]) -> list[list]:
    """A colourscale mapping integer z = 0 … n−1 to ``colors`` exactly (zmin −0.5, zmax n−0.5)."""
    n = len(colors)
    scale = []
    for k, c in enumerate(colors):
        scale += [[k / n, c], [(k + 1) / n, c]]
    return scale


def _legend_entry(color: str, name: str, geo: str = "geo", group: str = "") -> go.Scattergeo:
    """A legend swatch (a trace with no points), so one choropleth trace can carry the map."""
    return go.Scattergeo(lon=[None], lat=[None], mode="markers", name=name, geo=geo,
                         marker={"symbol": "square", "size": 13, "color": color,
                                 "line": {"color": BORDER, "width": 0.6}},
                         hoverinfo="skip", showlegend=True, legendgroup=group or name)


def class_index(frame: pd.DataFrame, classes: Classes) -> np.ndarray:
    """Colour index per unit: 0 … k−1 the classes, k 数据缺失, k+1 未纳入考核."""
    idx = np.asarray(classes.assign(frame["value"]))
    k = len(classes.colors)
    return np.where(frame["assessed"].to_numpy(bool), np.where(idx < 0, k, idx), k + 1)


def palette(classes: Classes) -> list[str]:
    """The colours ``class_index`` points into."""
    return list(classes.colors) + [MISSING[1], NOT_ASSESSED[1]]


def legend_items(frame: pd.DataFrame, classes: Classes) -> list[tuple[str, str]]:
    """(colour, label with unit count): classes best first, then 数据缺失 / 未纳入考核 if any."""
    z = class_index(frame, classes)
    k = len(classes.colors)
    order = range(k) if classes.categories else range(k - 1, -1, -1)  # numbers: best first
    items = [(classes.colors[j], f"{classes.labels[j]}（{int((z == j).sum())}）") for j in order]
    for j, (label, color) in ((k, MISSING), (k + 1, NOT_ASSESSED)):
        if (z == j).any():
            items.append((color, f"{label}（{int((z == j).sum())}）"))
    return items


def _map_trace(frame: pd.DataFrame, classes: Classes, geojson: dict | str, geo: str = "geo"
               ) -> go.Choropleth:
    """One choropleth trace for all units (the legend is drawn by ``_legend_entry`` swatches)."""
    colors = palette(classes)
    return go.Choropleth(
        geojson=geojson, featureidkey="properties.adcode", locations=frame["adcode"],
        z=class_index(frame, classes), zmin=-0.5, zmax=len(colors) - 0.5,
        colorscale=_stepped(colors), showscale=False,
        marker={"line": {"color": BORDER, "width": 0.5}}, geo=geo, showlegend=False,
        customdata=frame[["label"]].to_numpy(), text=frame["hover"],
        hovertemplate="%{text}<extra></extra>", name="",
    )


def choropleth(frame: pd.DataFrame, classes: Classes, *, title: str, subtitle: str = "",
               legend_title: str = "", show_labels: bool = False, show_cities: bool = True,
               level: str = "county", height: int = 620, inline: bool = False,
               legend_below: bool = False) -> go.Figure:
    """A choropleth with discrete classes and a legend that counts units per class.

    ``frame`` has one row per unit: ``adcode``, ``value`` (NaN = missing; a string for a
    categorical measure), ``assessed`` (bool), ``label`` (short name) and ``hover`` (HTML
    tooltip text, already escaped). ``level`` is ``county`` or ``city``. ``inline`` embeds
    the geometry (for exports); on screen it is fetched once from the static layer URL.
    """
    geometry = map_geojson(level) if inline else map_layer_url(level)
    fig = go.Figure(_map_trace(frame, classes, geometry))
    for color, name in legend_items(frame, classes):
        fig.add_trace(_legend_entry(color, name))
    if show_cities:
        lons, lats = _city_lines()
        fig.add_trace(go.Scattergeo(lon=lons, lat=lats, mode="lines", hoverinfo="skip",
                                    line={"color": CITY_BORDER, "width": 1.4},
                                    name="市州界", showlegend=level == "county"))
    if show_labels:
        points = county_label_points() if level == "county" else city_label_points()
        pts = points.merge(frame[["adcode", "label"]], on="adcode")
        fig.add_trace(go.Scattergeo(lon=pts["lon"], lat=pts["lat"], text=pts["label"],
                                    mode="text", hoverinfo="skip", showlegend=False,
                                    textfont={"size": 9 if level == "county" else 12,
                                              "color": "#111827"}))
    _frame_geo(fig)
    base_layout(fig, title, subtitle, height=height)
    legend = {"title": {"text": legend_title}, "bgcolor": "rgba(255,255,255,0.85)",
              "itemclick": False, "itemdoubleclick": False}
    if legend_below:  # narrow maps (side by side): the legend must not cover the map
        legend.update(orientation="h", x=0, xanchor="left", y=0, yanchor="top",
                      title={"text": legend_title, "side": "top"})
        fig.update_layout(margin={"b": 110})
    else:
        legend.update(x=1.0, xanchor="right", y=1.0, yanchor="top")
    fig.update_layout(legend=legend, clickmode="event+select", dragmode=False)
    return fig


def _frame_geo(fig: go.Figure) -> None:
    fig.update_geos(visible=False, projection_type="mercator", bgcolor="white",
                    lonaxis_range=list(HUBEI_LON), lataxis_range=list(HUBEI_LAT))


def small_multiples(frames: list[tuple[str, pd.DataFrame]], classes: Classes, *, title: str,
                    subtitle: str = "", legend_title: str = "", height: int = 640,
                    inline: bool = False) -> go.Figure:
    """Several county maps with the same classes, in a grid of three columns.

    Uses the coarse county layer: a thumbnail needs no 10 m detail, and the figure stays
    small enough to send and to export.
    """
    from plotly.subplots import make_subplots

    cols = 3
    rows = (len(frames) + cols - 1) // cols
    fig = make_subplots(rows=rows, cols=cols, specs=[[{"type": "geo"}] * cols] * rows,
                        subplot_titles=[t for t, _ in frames], horizontal_spacing=0.01,
                        vertical_spacing=0.06)
    geojson = map_geojson("county", coarse=True) if inline else map_layer_url("county", coarse=True)
    for n, (_, frame) in enumerate(frames):
        geo = "geo" if n == 0 else f"geo{n + 1}"
        fig.add_trace(_map_trace(frame, classes, geojson, geo=geo))
    # The shared legend: the classes (counts differ per map, so they are left out).
    for color, label in zip(classes.colors[::-1], classes.labels[::-1], strict=True):
        fig.add_trace(_legend_entry(color, label))
    fig.add_trace(_legend_entry(NOT_ASSESSED[1], NOT_ASSESSED[0]))
    _frame_geo(fig)
    base_layout(fig, title, subtitle, height=height)
    fig.update_layout(margin={"t": 110})
    fig.update_layout(legend={"title": {"text": legend_title}, "x": 0.99, "xanchor": "right",
                              "y": 0.05, "yanchor": "bottom", "itemclick": False,
                              "itemdoubleclick": False}, dragmode=False)
    return fig


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
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"color": "#9ca3af", "width": 3},
                             hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=a, y=names, mode="markers", name=label_a,
                             marker={"size": 11, "color": "white",
                                     "line": {"color": "#4b5563", "width": 2}},
                             hovertemplate="%{y}：%{x:.1f} " + unit + f"<extra>{label_a}</extra>"))
    for mask, color, word in ((up, PUOR[-1], "↑ 进步"), (~up, PUOR[0], "↓ 退步")):
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
    fig.update_layout(margin={"l": 120, "r": 40, "t": 90, "b": 60},
                      legend={"orientation": "h", "y": -0.08, "x": 0, "yanchor": "top"})
    fig.update_xaxes(title=f"得分（{unit}）", gridcolor="#e5e7eb")
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
    styles = [("#225ea8", "solid", 3), ("#41b6c4", "dash", 2), ("#6b7280", "dot", 2)]
    fig = go.Figure()
    for (name, values), (color, dash, width) in zip(series.items(), styles, strict=False):
        fig.add_trace(go.Scatterpolar(
            r=list(values) + [values[0]], theta=labels + [labels[0]], name=name,
            line={"color": color, "dash": dash, "width": width},
            fill="toself" if dash == "solid" else None, fillcolor="rgba(34,94,168,0.12)",
            hovertemplate="%{theta}：%{r:.1f} 分<extra>" + name + "</extra>"))
    base_layout(fig, title, subtitle, height=420)
    fig.update_layout(polar={"radialaxis": {"range": [0, 100], "ticksuffix": "", "angle": 90,
                                            "tickfont": {"size": 10}}},
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
        increasing={"marker": {"color": PUOR[-2]}}, decreasing={"marker": {"color": PUOR[1]}},
        totals={"marker": {"color": "#225ea8"}}, connector={"line": {"color": "#9ca3af"}},
        hovertemplate="%{x}：%{text}<extra></extra>"))
    lo = min(np.cumsum(values[:-1]).min(), end[1], start[1])
    hi = max(np.cumsum(values[:-1]).max(), end[1], start[1])
    pad = max(2.0, (hi - lo) * 0.25)
    base_layout(fig, title, subtitle, height=400)
    fig.update_layout(margin={"l": 60, "r": 20, "t": 90, "b": 60}, showlegend=False)
    fig.update_yaxes(range=[lo - pad, hi + pad], title="综合得分（分；↑ 增加 / ↓ 减少）",
                     gridcolor="#e5e7eb")
    return fig


def trend_with_rank(frame: pd.DataFrame, *, title: str, subtitle: str = "") -> go.Figure:
    """Composite and group scores across years, and the class rank on a reversed axis."""
    from plotly.subplots import make_subplots

    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for col in [c for c in frame.columns if c not in ("year", "类内排名")]:
        width = 3.5 if col == "综合" else 1.6
        fig.add_trace(go.Scatter(x=frame["year"], y=frame[col], name=col, mode="lines+markers",
                                 line={"width": width},
                                 hovertemplate="%{x} 年：%{y:.1f} 分<extra>" + col + "</extra>"),
                      secondary_y=False)
    if "类内排名" in frame and frame["类内排名"].notna().any():
        fig.add_trace(go.Scatter(x=frame["year"], y=frame["类内排名"], name="类内排名（右轴）",
                                 mode="lines+markers", line={"color": "#111827", "dash": "dot"},
                                 hovertemplate="%{x} 年：类内第 %{y} 名<extra></extra>"),
                      secondary_y=True)
        fig.update_yaxes(title="类内排名（第 n 名，越上越好）", autorange="reversed",
                         secondary_y=True, showgrid=False, tickformat="d", rangemode="tozero")
    base_layout(fig, title, subtitle, height=460)
    fig.update_layout(margin={"l": 60, "r": 70, "t": 90, "b": 120},
                      legend={"orientation": "h", "y": -0.22, "x": 0, "yanchor": "top"})
    fig.update_xaxes(title="考核年度", dtick=1)
    fig.update_yaxes(title="得分（分）", gridcolor="#e5e7eb", secondary_y=False)
    return fig


def obstacle_bars(names: list[str], shares: list[float], *, title: str, subtitle: str = ""
                  ) -> go.Figure:
    """Obstacle degree of the indicators holding a unit back, largest first."""
    fig = go.Figure(go.Bar(y=names, x=[100 * s for s in shares], orientation="h",
                           marker_color=PUOR[1], text=[f"{100 * s:.1f}%" for s in shares],
                           textposition="outside",
                           hovertemplate="%{y}：障碍度 %{x:.1f}%<extra></extra>"))
    base_layout(fig, title, subtitle, height=max(300, 34 * len(names) + 130))
    fig.update_layout(margin={"l": 230, "r": 50, "t": 90, "b": 50})
    fig.update_xaxes(title="障碍度（%，占全部失分的比重）", gridcolor="#e5e7eb",
                     range=[0, 125 * max(shares, default=0.01)])
    fig.update_yaxes(autorange="reversed")
    return fig


def locator_map(adcode: str, *, title: str, subtitle: str = "", inline: bool = False
                ) -> go.Figure:
    """The province with one county highlighted: dark blue, its city light blue (orange and
    red are kept for flags and warnings)."""
    from revitalization.geo import load_county_geojson

    features = load_county_geojson()["features"]
    city = next(f["properties"]["city_adcode"] for f in features
                if f["properties"]["adcode"] == adcode)
    codes = [f["properties"]["adcode"] for f in features]
    z = [2 if c == adcode else 1 if f["properties"]["city_adcode"] == city else 0
         for c, f in zip(codes, features, strict=True)]
    names = [f["properties"]["name"] for f in features]
    fig = go.Figure(go.Choropleth(
        geojson=map_geojson("county") if inline else map_layer_url("county"),
        featureidkey="properties.adcode", locations=codes, z=z, zmin=-0.5, zmax=2.5,
        colorscale=_stepped(["#f3f4f6", "#c6dbef", "#08306b"]), showscale=False,
        marker={"line": {"color": BORDER, "width": 0.4}}, text=names,
        hovertemplate="%{text}<extra></extra>"))
    lons, lats = _city_lines()
    fig.add_trace(go.Scattergeo(lon=lons, lat=lats, mode="lines", hoverinfo="skip",
                                line={"color": CITY_BORDER, "width": 1.0}, showlegend=False))
    _frame_geo(fig)
    base_layout(fig, title, subtitle, height=340)
    fig.update_layout(dragmode=False, showlegend=False, margin={"l": 5, "r": 5, "t": 70, "b": 5})
    return fig
