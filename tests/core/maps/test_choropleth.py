"""The plotly map figures: small payloads, one shared legend, counted classes."""

from __future__ import annotations

from revitalization.maps import measures as views
from revitalization.maps.bins import (
    fixed_score_bins,
)
from revitalization.maps.choropleth import choropleth, legend_items, small_multiples


def test_map_payload_is_small(assessment, config):
    m = views.measure(config, "composite")
    fig = choropleth(views.map_frame(assessment, m, 2025), fixed_score_bins(), title="t",
                     show_labels=True)
    assert len(fig.to_json()) <= 500 * 1024
    assert sum(t.type == "choropleth" for t in fig.data) == 1  # one copy of the geometry


def test_small_multiples_share_one_legend(assessment, config):
    frames = [(g.name, views.map_frame(assessment, views.measure(config, g.code), 2025))
              for g in config.groups]
    fig = small_multiples(frames, fixed_score_bins(), title="t")
    assert sum(t.type == "choropleth" for t in fig.data) == 5
    for trace in (t for t in fig.data if t.type == "choropleth"):  # the flagged outlined
        assert "#c2410c" in trace.marker.line.color
    assert len(fig.to_json()) <= 700 * 1024


def test_legend_counts_units(assessment, config):
    frame = views.map_frame(assessment, views.measure(config, "composite"), 2025)
    items = legend_items(frame, fixed_score_bins())
    counts = [int(label.rsplit("（", 1)[1].rstrip("）")) for _, label in items]
    assert sum(counts) == 103
    assert items[-1][1] == "未纳入考核（21）"
