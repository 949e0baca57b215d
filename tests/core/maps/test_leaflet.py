"""The zoomable (folium/Leaflet) map: offline, escaped, on a configured tile server only."""

from __future__ import annotations

import re

from revitalization.maps import measures as views
from revitalization.maps.bins import (
    fixed_score_bins,
)
from revitalization.maps.leaflet import zoom_map


def test_zoom_map_is_offline_and_escapes_names(assessment, config):
    frame = views.map_frame(assessment, views.measure(config, "composite"), 2025)
    frame.loc[0, "hover"] = "&lt;script&gt;alert(1)&lt;/script&gt;"
    html = zoom_map(frame, fixed_score_bins(), highlight="421321").get_root().render()
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert not urls, urls  # Leaflet comes from /app/static; no basemap unless configured
    assert "cdn.jsdelivr" not in html and "code.jquery" not in html
    assert "<script>alert(1)" not in html


def test_zoom_map_uses_the_configured_tile_server(monkeypatch, assessment, config):
    from revitalization.maps.leaflet import tile_settings

    monkeypatch.setenv("REVITALIZATION_TILE_URL", "http://10.0.0.5/tiles/{z}/{x}/{y}.png")
    tiles = tile_settings()
    frame = views.map_frame(assessment, views.measure(config, "composite"), 2025)
    html = zoom_map(frame, fixed_score_bins(), tiles=tiles).get_root().render()
    assert "http://10.0.0.5/tiles/{z}/{x}/{y}.png" in html
    monkeypatch.delenv("REVITALIZATION_TILE_URL")
    assert tile_settings() is None
