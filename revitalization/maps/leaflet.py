"""The zoomable (folium / Leaflet) county map: same bins and colours as the plotly map.

Offline by design: Leaflet is loaded from the app's own static folder, the CDN scripts
folium adds by default (jQuery, Bootstrap, awesome-markers) are dropped, and there is no
basemap unless the office configures its own tile server:

    REVITALIZATION_TILE_URL          e.g. http://10.0.0.5/tiles/{z}/{x}/{y}.png
    REVITALIZATION_TILE_ATTRIBUTION  e.g. 省自然资源厅（审图号 …）

The boundaries are GCJ-02 (Amap) coordinates; use a tile server in the same datum, or the
outlines will sit a few hundred metres off the basemap.
"""

from __future__ import annotations

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from revitalization.maps.bins import MISSING, Bins
from revitalization.maps.choropleth import HUBEI_LAT, HUBEI_LON, bin_index, palette
from revitalization.maps.layers import map_geojson
from revitalization.settings import setting
from revitalization.style import BORDER, CITY_BORDER, LABEL, OUTLINE, WARNING

LEAFLET_JS = "/app/static/vendor/leaflet/leaflet.js"
LEAFLET_CSS = "/app/static/vendor/leaflet/leaflet.css"


class MetricScale(MacroElement):
    """A Leaflet scale bar in metres and kilometres only (no "mi")."""

    _template = Template("""{% macro script(this, kwargs) %}
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
    {% endmacro %}""")


def tile_settings() -> tuple[str, str] | None:
    """The configured basemap (URL template, attribution), or None for no basemap."""
    url = setting("REVITALIZATION_TILE_URL").strip()
    if not url:
        return None
    return url, setting("REVITALIZATION_TILE_ATTRIBUTION").strip() or "自定义底图"


def bin_colors(frame: pd.DataFrame, bins: Bins) -> dict[str, str]:
    """Fill colour per adcode, exactly as on the plotly map."""
    colors = palette(bins)
    return {a: colors[z] for a, z in zip(frame["adcode"], bin_index(frame, bins),
                                         strict=True)}


def zoom_map(frame: pd.DataFrame, bins: Bins, *, highlight: str | None = None,
             tiles: tuple[str, str] | None = None) -> folium.Map:
    """A Leaflet map of the counties coloured by ``bins``; tooltips from ``frame.hover``.

    ``highlight`` outlines one county (and fits the view to it and its neighbours).
    """
    m = folium.Map(location=[sum(HUBEI_LAT) / 2, sum(HUBEI_LON) / 2], zoom_start=7,
                   tiles=None, control_scale=False, prefer_canvas=False,
                   attribution_control=tiles is not None)
    MetricScale().add_to(m)  # folium's own scale bar also shows miles
    m.default_js = [("leaflet", LEAFLET_JS)]
    m.default_css = [("leaflet_css", LEAFLET_CSS)]
    if tiles:
        folium.TileLayer(tiles=tiles[0], attr=tiles[1], name="底图").add_to(m)
    colors = bin_colors(frame, bins)
    hover = dict(zip(frame["adcode"], frame["hover"], strict=True))
    geojson = map_geojson("county")
    features = [{**f, "properties": {"adcode": f["properties"]["adcode"],
                                     "tooltip": hover.get(f["properties"]["adcode"], "")}}
                for f in geojson["features"]]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features}, name="县域",
        style_function=lambda f: {
            "fillColor": colors.get(f["properties"]["adcode"], MISSING[1]), "fillOpacity": 0.85,
            "color": BORDER, "weight": 0.6},
        highlight_function=lambda f: {"weight": 2.5, "color": LABEL},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    ).add_to(m)
    flagged = set(frame.loc[frame["flagged"], "adcode"]) if "flagged" in frame else set()
    if flagged:  # 约谈 units stand out on every measure: a thick orange outline
        folium.GeoJson(
            {"type": "FeatureCollection",
             "features": [f for f in geojson["features"] if f["properties"]["adcode"] in flagged]},
            name="约谈预警", interactive=False,
            style_function=lambda f: {"fill": False, "color": WARNING, "weight": 3},
        ).add_to(m)
    folium.GeoJson(map_geojson("city"), name="市州界", interactive=False,
                   style_function=lambda f: {"fill": False, "color": CITY_BORDER, "weight": 1.6},
                   ).add_to(m)
    if highlight:
        target = [f for f in geojson["features"] if f["properties"]["adcode"] == highlight]
        if target:
            layer = folium.GeoJson(
                {"type": "FeatureCollection", "features": target}, name="本县", interactive=False,
                style_function=lambda f: {"fill": False, "color": OUTLINE, "weight": 4})
            layer.add_to(m)
            bounds = layer.get_bounds()
            pad = 0.35  # degrees around the county: its neighbours stay in view
            m.fit_bounds([[bounds[0][0] - pad, bounds[0][1] - pad],
                          [bounds[1][0] + pad, bounds[1][1] + pad]])
    else:
        m.fit_bounds([[HUBEI_LAT[0], HUBEI_LON[0]], [HUBEI_LAT[1], HUBEI_LON[1]]])
    return m
