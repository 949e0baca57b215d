"""Maps on screen: plotly maps through a light geo component, and the zoomable Leaflet map.

``geo_chart`` shows a plotly map figure with the local plotly.js geo bundle (choropleth +
scattergeo); ``show_zoom_map`` the folium map without rerunning on pan and zoom.

``st.plotly_chart`` loads Streamlit's own 4.7 MB plotly chunk before anything is drawn;
on the page leaders open first that alone took about 3 s on a two-core machine. This
component draws the very same figure JSON with the 1.4 MB geo-only partial bundle of
plotly.js (the version the exporter uses), served from ``static/vendor/plotly``, so the
screen still matches the exported image. Clicks on a county come back as ``clicked``.
"""

from __future__ import annotations

import html
import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit_folium import st_folium

from revitalization.maps.bins import Bins
from revitalization.maps.choropleth import TOPOJSON_URL, legend_items
from revitalization.maps.leaflet import tile_settings, zoom_map
from revitalization.style import BORDER, ERROR_TEXT

BUNDLE = "/app/static/vendor/plotly/plotly-geo.min.js"
WORLD = "world_110m"  # plotly's base layer for scope "world", resolution 110 (our maps)

_JS = """
const BUNDLE = __BUNDLE__;

function plotly() {
  // One script tag per page, shared by every map; retried if it failed to load.
  if (!window.__geoPlotly) {
    window.__geoPlotly = new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = BUNDLE;
      tag.onload = () => resolve(window.Plotly);
      tag.onerror = () => { window.__geoPlotly = null; tag.remove(); reject(new Error(BUNDLE)); };
      document.head.appendChild(tag);
    });
  }
  return window.__geoPlotly;
}

function geometry(url) {
  // Boundary layers are fetched once per page, in parallel with the bundle.
  const cache = window.__geoLayers || (window.__geoLayers = new Map());
  if (!cache.has(url)) {
    cache.set(url, fetch(url).then((r) => {
      if (!r.ok) throw new Error(url);
      return r.json();
    }).catch((error) => { cache.delete(url); throw error; }));
  }
  return cache.get(url);
}

export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  if (data.preload) {
    // Start loading early (mounted in the sidebar before the page draws anything).
    plotly().catch(() => {});
    data.preload.forEach((url) => geometry(url).catch(() => {}));
    return;
  }
  let div = parentElement.querySelector(".geo-chart");
  let note = parentElement.querySelector(".geo-chart-error");
  if (!div) {
    div = document.createElement("div");
    div.className = "geo-chart";
    note = document.createElement("div");
    note.className = "geo-chart-error";
    parentElement.append(div, note);
    // Follow the container's width (sidebar opened or closed, columns reflowing), not
    // only the window's, as st.plotly_chart does.
    div.__resize = new ResizeObserver(() => {
      if (window.Plotly && div._fullLayout) window.Plotly.Plots.resize(div);
    });
  }
  div.__gone = false;  // set by the cleanup; a render means the chart is on the page again
  div.__resize.observe(div);
  div.__trigger = setTriggerValue;  // the newest, used by the click handler bound once
  const generation = (div.__generation || 0) + 1;  // a later update supersedes this one
  div.__generation = generation;
  const figure = JSON.parse(data.figure);
  div.style.height = (figure.layout.height || 560) + "px";
  const layers = figure.data.map((trace) =>
    typeof trace.geojson === "string" ? geometry(trace.geojson) : Promise.resolve(trace.geojson));
  // plotly waits for its world topojson before drawing a geo subplot: fetch it in parallel.
  const world = geometry(data.config.topojsonURL + data.world + ".json").catch(() => null);
  const current = () => !div.__gone && div.__generation === generation;
  Promise.all([plotly(), Promise.all(layers), world]).then(([Plotly, geojson, topojson]) => {
    if (!current()) return null;
    figure.data.forEach((trace, i) => { if (geojson[i]) trace.geojson = geojson[i]; });
    const assets = window.PlotlyGeoAssets;
    if (topojson && assets && assets.topojson[data.world] === undefined) {
      assets.topojson[data.world] = topojson;
    }
    // frames: a map played year by year (its slider and 播放 buttons animate them)
    return Plotly.react(div, {data: figure.data, layout: figure.layout,
                              frames: figure.frames || [], config: data.config}).then(() => {
      if (!current()) return;
      note.textContent = "";
      if (data.clickable && !div.dataset.bound) {
        div.dataset.bound = "1";
        div.on("plotly_click", (event) => {
          const point = (event.points || [])[0];
          if (point && point.location) div.__trigger("clicked", point.location);
        });
      }
    });
  }).catch(() => {
    if (!current()) return;
    if (window.Plotly) window.Plotly.purge(div);
    note.textContent = "地图加载失败，请刷新页面重试。";
  });
  return () => {
    div.__gone = true;  // a draw still waiting for the bundle must not touch a removed chart
    div.__resize.disconnect();
    if (window.Plotly) window.Plotly.purge(div);
  };
}
""".replace("__BUNDLE__", json.dumps(BUNDLE))

_CSS = f".geo-chart {{ width: 100%; }} .geo-chart-error {{ color: {ERROR_TEXT}; }}"

_component = st.components.v2.component("revitalization.geo_chart", js=_JS, css=_CSS,
                                        isolate_styles=False)


def geo_chart(fig: go.Figure, *, key: str, config: dict, clickable: bool = False) -> str | None:
    """Draw ``fig`` (geo traces only). With ``clickable``, a click on a county reruns the
    app and this returns its adcode; other maps never rerun on a click."""
    result = _component(key=key, data={"figure": fig.to_json(), "config": config,
                                       "world": WORLD, "clickable": clickable},
                        on_clicked_change=lambda: None, width="stretch",
                        height=fig.layout.height or 560)
    return result.clicked if clickable else None


def preload_geo_chart(*layers: str) -> None:
    """Start fetching the plotly geo bundle and ``layers`` (URLs) before the page's maps are
    drawn; call it in the sidebar, whose elements reach the browser first."""
    world = f"{TOPOJSON_URL}{WORLD}.json"  # the same URL the map script builds
    _component(key="geo_chart_preload", data={"preload": [*layers, world]}, height=0)


def show_zoom_map(frame: pd.DataFrame, bins: Bins, *, legend_title: str, key: str,
                  highlight: str | None = None, height: int = 560) -> None:
    """The Leaflet map of ``frame`` coloured by ``bins``, with its legend below."""
    tiles = tile_settings()
    m = zoom_map(frame, bins, highlight=highlight, tiles=tiles)
    # returned_objects=[]: panning and zooming stay in the browser and never rerun the app.
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])
    swatches = "".join(
        f"<span style='display:inline-flex;align-items:center;margin-right:14px'>"
        f"<span style='width:14px;height:14px;background:{color};border:1px solid {BORDER};"
        f"display:inline-block;margin-right:5px'></span>{html.escape(label)}</span>"
        for color, label in legend_items(frame, bins))
    st.html(f"<div style='font-size:14px'><b>{html.escape(legend_title)}</b>：{swatches}</div>")
    st.caption("滚轮缩放、拖动平移；缩放和平移不会刷新页面。"
               + (f"底图：{tiles[1]}。" if tiles else
                  "未配置底图（离线默认）；如需底图，请设置环境变量 REVITALIZATION_TILE_URL 指向本单位瓦片服务。"))
