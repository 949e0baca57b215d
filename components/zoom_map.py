"""Show the zoomable Leaflet map (streamlit-folium) without rerunning on pan and zoom."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from revitalization.classes import Classes
from revitalization.figures import legend_items
from revitalization.zoom import tile_settings, zoom_map


def show_zoom_map(frame: pd.DataFrame, classes: Classes, *, legend_title: str, key: str,
                  highlight: str | None = None, height: int = 560) -> None:
    tiles = tile_settings()
    m = zoom_map(frame, classes, highlight=highlight, tiles=tiles)
    # returned_objects=[]: panning and zooming stay in the browser and never rerun the app.
    st_folium(m, key=key, height=height, use_container_width=True, returned_objects=[])
    swatches = "".join(
        f"<span style='display:inline-flex;align-items:center;margin-right:14px'>"
        f"<span style='width:14px;height:14px;background:{color};border:1px solid #5f6b7a;"
        f"display:inline-block;margin-right:5px'></span>{html.escape(label)}</span>"
        for color, label in legend_items(frame, classes))
    st.html(f"<div style='font-size:14px'><b>{html.escape(legend_title)}</b>：{swatches}</div>")
    st.caption("滚轮缩放、拖动平移；缩放和平移不会刷新页面。"
               + (f"底图：{tiles[1]}。" if tiles else
                  "未配置底图（离线默认）；如需底图，请设置环境变量 REVITALIZATION_TILE_URL 指向本单位瓦片服务。"))
