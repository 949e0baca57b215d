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

from revitalization.classes import MISSING, NOT_ASSESSED, Classes
from revitalization.geo import load_city_geojson, load_county_geojson

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
def _city_lines() -> tuple[list[float | None], list[float | None]]:
    """Longitudes and latitudes of every city boundary ring, rings separated by None."""
    lons: list[float | None] = []
    lats: list[float | None] = []
    for feature in load_city_geojson()["features"]:
        geom = shape(feature["geometry"])
        for poly in getattr(geom, "geoms", [geom]):
            ring = np.asarray(poly.exterior.coords)
            lons.extend(ring[:, 0].tolist() + [None])
            lats.extend(ring[:, 1].tolist() + [None])
    return lons, lats


@lru_cache(maxsize=1)
def county_label_points() -> pd.DataFrame:
    """A point inside each county (for name labels): adcode, lon, lat."""
    rows = []
    for feature in load_county_geojson()["features"]:
        pt = shapely.point_on_surface(shape(feature["geometry"]))
        rows.append((feature["properties"]["adcode"], pt.x, pt.y))
    return pd.DataFrame(rows, columns=["adcode", "lon", "lat"])


def choropleth(frame: pd.DataFrame, classes: Classes, *, title: str, subtitle: str = "",
               legend_title: str = "", show_labels: bool = False,
               show_cities: bool = True, height: int = 620) -> go.Figure:
    """A county choropleth with discrete classes and a legend that counts units per class.

    ``frame`` has one row per county: ``adcode``, ``value`` (NaN = missing), ``assessed``
    (bool), ``label`` (short name) and ``hover`` (HTML tooltip text).
    """
    geojson = load_county_geojson()
    data = frame.copy()
    data["cls"] = classes.assign(data["value"])
    fig = go.Figure()

    def layer(rows: pd.DataFrame, color: str, name: str) -> None:
        fig.add_trace(go.Choropleth(
            geojson=geojson, featureidkey="properties.adcode",
            locations=rows["adcode"], z=np.zeros(len(rows)),
            colorscale=[[0, color], [1, color]], showscale=False,
            marker={"line": {"color": BORDER, "width": 0.5}},
            name=f"{name}（{len(rows)}）", showlegend=True,
            customdata=rows[["label"]].to_numpy(), text=rows["hover"],
            hovertemplate="%{text}<extra></extra>",
        ))

    assessed = data[data["assessed"]]
    for k in range(len(classes.colors) - 1, -1, -1):  # legend: best class first
        layer(assessed[assessed["cls"] == k], classes.colors[k], classes.labels[k])
    missing = assessed[assessed["cls"] < 0]
    if len(missing):
        layer(missing, MISSING[1], MISSING[0])
    others = data[~data["assessed"]]
    if len(others):
        layer(others, NOT_ASSESSED[1], NOT_ASSESSED[0])

    if show_cities:
        lons, lats = _city_lines()
        fig.add_trace(go.Scattergeo(lon=lons, lat=lats, mode="lines", hoverinfo="skip",
                                    line={"color": CITY_BORDER, "width": 1.4},
                                    name="市州界", showlegend=True))
    if show_labels:
        pts = county_label_points().merge(data[["adcode", "label"]], on="adcode")
        fig.add_trace(go.Scattergeo(lon=pts["lon"], lat=pts["lat"], text=pts["label"],
                                    mode="text", hoverinfo="skip", showlegend=False,
                                    textfont={"size": 9, "color": "#111827"}))
    fig.update_geos(visible=False, projection_type="mercator", bgcolor="white",
                    lonaxis_range=list(HUBEI_LON), lataxis_range=list(HUBEI_LAT))
    base_layout(fig, title, subtitle, height=height)
    fig.update_layout(
        legend={"title": {"text": legend_title}, "x": 1.0, "xanchor": "right",
                "y": 1.0, "yanchor": "top", "bgcolor": "rgba(255,255,255,0.85)",
                "itemclick": False, "itemdoubleclick": False},
        clickmode="event+select", dragmode=False,
    )
    return fig


def group_bars(labels: list[str], values: list[float], reference: list[float], *,
               title: str, subtitle: str = "", reference_name: str = "全省平均") -> go.Figure:
    """A unit's five revitalization scores against a reference (e.g. the province mean)."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=labels, y=values, name="本单位", marker_color="#225ea8",
                         text=[f"{v:.1f}" for v in values], textposition="outside",
                         hovertemplate="%{x}：%{y:.1f} 分<extra></extra>"))
    fig.add_trace(go.Scatter(x=labels, y=reference, name=reference_name, mode="markers",
                             marker={"symbol": "line-ew-open", "size": 34, "color": "#111827",
                                     "line": {"width": 3}},
                             hovertemplate="%{x}：%{y:.1f} 分<extra>" + reference_name
                             + "</extra>"))
    base_layout(fig, title, subtitle, height=380)
    fig.update_layout(margin={"l": 60, "r": 20, "t": 90, "b": 50})
    fig.update_yaxes(range=[0, 105], title="得分（分）", gridcolor="#e5e7eb")
    fig.update_layout(legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right",
                              "yanchor": "bottom"})
    return fig


def trend_lines(frame: pd.DataFrame, *, title: str, subtitle: str = "") -> go.Figure:
    """Scores across assessment years: ``frame`` has ``year`` and one column per series."""
    fig = go.Figure()
    for col in frame.columns.drop("year"):
        fig.add_trace(go.Scatter(x=frame["year"], y=frame[col], name=col, mode="lines+markers",
                                 hovertemplate="%{x} 年：%{y:.1f} 分<extra>" + col + "</extra>"))
    base_layout(fig, title, subtitle, height=380)
    fig.update_layout(margin={"l": 60, "r": 20, "t": 90, "b": 50})
    fig.update_xaxes(title="考核年度", dtick=1)
    fig.update_yaxes(title="得分（分）", gridcolor="#e5e7eb")
    return fig


def change_bars(names: list[str], changes: list[float], *, title: str,
                subtitle: str = "") -> go.Figure:
    """Horizontal bars of score changes; direction is written, not only coloured."""
    arr = np.asarray(changes, dtype=float)
    colors = np.where(arr >= 0, "#2166ac", "#b2182b")  # diverging, blue ↑ / red-brown ↓
    text = [f"{'↑' if c > 0 else '↓' if c < 0 else '→'} {abs(c):.1f}" for c in arr]
    fig = go.Figure(go.Bar(y=names, x=arr, orientation="h", marker_color=colors, text=text,
                           textposition="outside",
                           hovertemplate="%{y}：%{x:+.1f} 分<extra></extra>"))
    base_layout(fig, title, subtitle, height=max(320, 28 * len(names) + 120))
    fig.update_layout(margin={"l": 110, "r": 40, "t": 90, "b": 60})
    fig.update_xaxes(title="综合得分变化（分；↑ 进步 / ↓ 退步）", zeroline=True,
                     zerolinecolor="#111827", gridcolor="#e5e7eb")
    fig.update_yaxes(autorange="reversed")
    return fig
