"""Plotly maps: the county (or city) choropleth with counted legend, small multiples and the
county locator. Shown on screen and exported alike.

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

from revitalization.maps.bins import MISSING, NOT_ASSESSED, Bins
from revitalization.maps.layers import load_city_geojson, load_county_geojson, map_geojson, map_layer_url
from revitalization.style import BORDER, CITY_BORDER, LABEL, LEGEND_BG, LOCATOR, WARNING, base_layout

TOPOJSON_URL = "/app/static/vendor/topojson/"
HUBEI_LON = (108.3, 116.2)  # framing of the provincial map (GCJ-02 degrees)
HUBEI_LAT = (29.0, 33.3)
FLAG_OUTLINE_WIDTH = 2.6  # px: thick enough to see on every fill colour
PLAYER_HEIGHT = 60  # px below the legend for the year slider and the 播放 buttons


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


def bin_index(frame: pd.DataFrame, bins: Bins) -> np.ndarray:
    """Colour index per unit: 0 … k−1 the bins, k 数据缺失, k+1 未纳入考核."""
    idx = np.asarray(bins.assign(frame["value"]))
    k = len(bins.colors)
    return np.where(frame["assessed"].to_numpy(bool), np.where(idx < 0, k, idx), k + 1)


def palette(bins: Bins) -> list[str]:
    """The colours ``class_index`` points into."""
    return list(bins.colors) + [MISSING[1], NOT_ASSESSED[1]]


def legend_items(frame: pd.DataFrame, bins: Bins) -> list[tuple[str, str]]:
    """(colour, label with unit count): bins best first, then 数据缺失 / 未纳入考核 if any."""
    z = bin_index(frame, bins)
    k = len(bins.colors)
    order = range(k) if bins.categories else range(k - 1, -1, -1)  # numbers: best first
    items = [(bins.colors[j], f"{bins.labels[j]}（{int((z == j).sum())}）") for j in order]
    for j, (label, color) in ((k, MISSING), (k + 1, NOT_ASSESSED)):
        if (z == j).any():
            items.append((color, f"{label}（{int((z == j).sum())}）"))
    return items


def _map_trace(frame: pd.DataFrame, bins: Bins, geojson: dict | str, geo: str = "geo",
               outline: float = 1.0) -> go.Choropleth:
    """One choropleth trace for all units (the legend is drawn by ``_legend_entry`` swatches).

    Flagged units (a ``flagged`` column) get a thick orange border, whatever the measure:
    drawn last, so neighbours' thin borders do not cover it, in the same trace, so the
    geometry is sent once. ``outline`` scales that border (thumbnails: thinner).
    """
    colors = palette(bins)
    line = {"color": BORDER, "width": 0.5}
    if "flagged" in frame and frame["flagged"].any():
        frame = frame.sort_values("flagged", kind="stable")
        flagged = frame["flagged"].to_numpy(bool)
        line = {"color": np.where(flagged, WARNING, BORDER).tolist(),
                "width": np.where(flagged, FLAG_OUTLINE_WIDTH * outline, 0.5).tolist()}
    return go.Choropleth(
        geojson=geojson, featureidkey="properties.adcode", locations=frame["adcode"],
        z=bin_index(frame, bins), zmin=-0.5, zmax=len(colors) - 0.5,
        colorscale=_stepped(colors), showscale=False,
        marker={"line": line}, geo=geo, showlegend=False,
        customdata=frame[["label"]].to_numpy(), text=frame["hover"],
        hovertemplate="%{text}<extra></extra>", name="",
    )


def _flag_legend(count: int | None = None) -> go.Scattergeo:
    name = "橙色粗边框为约谈预警" + (f"（{count}）" if count is not None else "")
    return go.Scattergeo(lon=[None], lat=[None], mode="markers", geo="geo", name=name,
                         showlegend=True, hoverinfo="skip",
                         marker={"symbol": "square-open", "size": 13, "color": WARNING,
                                 "line": {"width": 3, "color": WARNING}})


def choropleth(frame: pd.DataFrame, bins: Bins, *, title: str, subtitle: str = "",
               legend_title: str = "", show_labels: bool = False, show_cities: bool = True,
               level: str = "county", height: int = 620, inline: bool = False,
               legend_below: bool = False) -> go.Figure:
    """A choropleth with discrete bins and a legend that counts units per bin.

    ``frame`` has one row per unit: ``adcode``, ``value`` (NaN = missing; a string for a
    categorical measure), ``assessed`` (bool), ``label`` (short name) and ``hover`` (HTML
    tooltip text, already escaped). ``level`` is ``county`` or ``city``. ``inline`` embeds
    the geometry (for exports); on screen it is fetched once from the static layer URL.
    """
    geometry = map_geojson(level) if inline else map_layer_url(level)
    fig = go.Figure(_map_trace(frame, bins, geometry))
    for color, name in legend_items(frame, bins):
        fig.add_trace(_legend_entry(color, name))
    if "flagged" in frame and frame["flagged"].any():
        fig.add_trace(_flag_legend(int(frame["flagged"].sum())))
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
                                              "color": LABEL}))
    _frame_geo(fig)
    base_layout(fig, title, subtitle, height=height)
    legend = {"title": {"text": legend_title}, "bgcolor": LEGEND_BG,
              "itemclick": False, "itemdoubleclick": False}
    if legend_below:  # narrow maps (side by side): the legend must not cover the map
        legend.update(orientation="h", x=0, xanchor="left", y=0, yanchor="top",
                      title={"text": legend_title, "side": "top"})
        fig.update_layout(margin={"b": 110})
    else:
        legend.update(x=1.0, xanchor="right", y=1.0, yanchor="top")
    fig.update_layout(legend=legend, clickmode="event+select", dragmode=False)
    return fig


def animated_choropleth(frames: list[tuple[int, pd.DataFrame]], bins: Bins, start: int, *,
                        title: str, subtitle: str = "", legend_title: str = "",
                        height: int = 660) -> go.Figure:
    """The county choropleth year by year, with a year slider and 播放/暂停 buttons (plotly
    animation frames, played in the browser). ``frames`` is one ``(year, map frame)`` per
    year, all coloured by the same ``bins``; ``title`` has a ``{year}`` field; the map opens
    on ``start``. The legend lists the bins without counts (counts change with the year)."""
    years = [y for y, _ in frames]
    by_year = dict(frames)
    first = by_year[start]
    fig = choropleth(first, bins, title=title.format(year=start), subtitle=subtitle,
                     legend_title=legend_title, height=height, legend_below=True)
    for trace in fig.data:  # swatch names without the year's counts
        if trace.type == "scattergeo" and trace.name and "（" in trace.name:
            trace.name = trace.name.split("（")[0]
    head = fig.layout.title.text
    fig.frames = [go.Frame(
        name=str(y), traces=[0], data=[_map_trace(by_year[y], bins, map_layer_url("county"))],
        layout={"title": {"text": head.replace(f"{start} 年度", f"{y} 年度")}}) for y in years]
    play = {"frame": {"duration": 1200, "redraw": True}, "transition": {"duration": 0},
            "fromcurrent": True, "mode": "immediate"}
    fig.update_layout(
        margin={"b": fig.layout.margin.b + PLAYER_HEIGHT},
        updatemenus=[{"type": "buttons", "direction": "left", "showactive": False,
                      "x": 0, "xanchor": "left", "y": -0.22, "yanchor": "top",
                      "pad": {"r": 10, "t": 10},
                      "buttons": [{"label": "▶ 播放", "method": "animate", "args": [None, play]},
                                  {"label": "❚❚ 暂停", "method": "animate",
                                   "args": [[None], {"mode": "immediate", "frame": {"duration": 0},
                                                     "transition": {"duration": 0}}]}]}],
        sliders=[{"active": years.index(start), "x": 0.2, "len": 0.8, "y": -0.2,
                  "yanchor": "top", "pad": {"t": 10},
                  "currentvalue": {"prefix": "考核年度：", "suffix": " 年度"},
                  "steps": [{"label": str(y), "method": "animate",
                             "args": [[str(y)], {"mode": "immediate", "transition": {"duration": 0},
                                                 "frame": {"duration": 0, "redraw": True}}]}
                            for y in years]}])
    return fig


def _frame_geo(fig: go.Figure) -> None:
    fig.update_geos(visible=False, projection_type="mercator", bgcolor="white",
                    lonaxis_range=list(HUBEI_LON), lataxis_range=list(HUBEI_LAT))


def small_multiples(frames: list[tuple[str, pd.DataFrame]], bins: Bins, *, title: str,
                    subtitle: str = "", legend_title: str = "", height: int = 640,
                    inline: bool = False) -> go.Figure:
    """Several county maps with the same bins, in a grid of three columns.

    Uses the coarse county layer: a thumbnail needs no 10 m detail, and the figure stays
    small enough to send and to export.
    """
    from plotly.subplots import make_subplots

    cols = 3
    rows = (len(frames) + cols - 1) // cols
    fig = make_subplots(rows=rows, cols=cols, specs=[[{"type": "geo"}] * cols] * rows,
                        subplot_titles=[t for t, _ in frames], horizontal_spacing=0.01,
                        vertical_spacing=0.1)
    geojson = map_geojson("county", coarse=True) if inline else map_layer_url("county", coarse=True)
    for n, (_, frame) in enumerate(frames):
        geo = "geo" if n == 0 else f"geo{n + 1}"
        fig.add_trace(_map_trace(frame, bins, geojson, geo=geo, outline=0.6))
    # The shared legend: the bins (counts differ per map, so they are left out).
    for color, label in zip(bins.colors[::-1], bins.labels[::-1], strict=True):
        fig.add_trace(_legend_entry(color, label))
    fig.add_trace(_legend_entry(NOT_ASSESSED[1], NOT_ASSESSED[0]))
    if any("flagged" in f and f["flagged"].any() for _, f in frames):
        fig.add_trace(_flag_legend())
    _frame_geo(fig)
    base_layout(fig, title, subtitle, height=height)
    fig.update_layout(margin={"t": 110})
    fig.update_layout(legend={"title": {"text": legend_title, "side": "top"}, "orientation": "h",
                              "x": 0, "xanchor": "left", "y": 0, "yanchor": "top",
                              "itemclick": False, "itemdoubleclick": False},
                      margin={"b": 90}, dragmode=False)  # the legend under the maps, any width
    return fig


def locator_map(adcode: str, *, title: str, subtitle: str = "", inline: bool = False
                ) -> go.Figure:
    """The province with one county highlighted: dark blue, its city light blue (orange and
    red are kept for flags and warnings)."""
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
        colorscale=_stepped(list(LOCATOR)), showscale=False,
        marker={"line": {"color": BORDER, "width": 0.4}}, text=names,
        hovertemplate="%{text}<extra></extra>"))
    lons, lats = _city_lines()
    fig.add_trace(go.Scattergeo(lon=lons, lat=lats, mode="lines", hoverinfo="skip",
                                line={"color": CITY_BORDER, "width": 1.0}, showlegend=False))
    _frame_geo(fig)
    base_layout(fig, title, subtitle, height=340)
    fig.update_layout(dragmode=False, showlegend=False, margin={"l": 5, "r": 5, "t": 70, "b": 5})
    return fig
