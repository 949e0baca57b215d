"""Map classes, the map figures and the zoomable map: correct, shared, small and offline."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revitalization import tables
from revitalization.maps import measures as views
from revitalization.maps.bins import (
    diverging_bins,
    equal_interval_bins,
    fixed_score_bins,
    jenks_breaks,
    make_bins,
    quantile_bins,
)
from revitalization.maps.choropleth import choropleth, legend_items, small_multiples
from revitalization.maps.leaflet import bin_colors, zoom_map


def test_jenks_finds_the_obvious_groups():
    assert jenks_breaks(np.array([1, 2, 3, 10, 11, 12, 30, 31]), 3) == [1.0, 6.5, 21.0, 31.0]


def test_equal_interval_and_fixed_bands():
    c = equal_interval_bins(pd.Series([0, 10, 20, 50]), 5, 1)
    assert c.edges == (0.0, 10.0, 20.0, 30.0, 40.0, 50.0)
    assert c.labels[0] == "< 10.0" and c.labels[-1] == "≥ 40.0"
    f = fixed_score_bins()
    assert f.assign(np.array([59.9, 60.0, 74.9, 85.0, 100.0, np.nan])).tolist() == [0, 1, 1, 3, 3, -1]


def test_diverging_bins_are_centred_on_zero_and_say_the_direction():
    c = diverging_bins(pd.Series([-8, -3, 0, 1, 2, 5, 9]))
    inner = np.array(c.edges[1:-1])
    assert np.allclose(inner, -inner[::-1])
    assert c.assign(np.array([0.0]))[0] == 3
    assert c.labels[0].startswith("↓") and c.labels[-1].startswith("↑")
    assert "基本持平" in c.labels[3]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=80),
       st.sampled_from(["quantile", "jenks", "equal"]))
def test_every_value_gets_a_class_in_order(values, scheme):
    v = pd.Series(values)
    c = make_bins(scheme, v, is_score=False, decimals=2)
    idx = c.assign(v)
    assert ((idx >= 0) & (idx < len(c.colors))).all()
    order = np.argsort(v.to_numpy(), kind="stable")
    assert (np.diff(idx[order]) >= 0).all()  # larger values never fall in a lower class
    assert len(c.labels) == len(c.colors)


def test_same_measure_same_classes_everywhere(assessment, config):
    m = views.measures(config)
    indicator = next(x for x in m if x.key == "labour_productivity")
    values = views.measure_values(assessment, indicator.key, 2025)
    assert views.measure_bins(indicator, values) == views.measure_bins(indicator, values)
    assert views.measure_bins(m[0], values) == fixed_score_bins()
    frame = views.map_frame(assessment, indicator, 2025)
    classes = quantile_bins(frame.loc[frame["assessed"], "value"], 5, indicator.decimals,
                               indicator.unit)
    fig = choropleth(frame, classes, title="t")
    colors = bin_colors(frame, classes)
    trace = fig.data[0]
    scale = {round(k): c for k, c in ((s[0] * (len(classes.colors) + 2), s[1])
                                      for s in trace.colorscale[::2])}
    for adcode, z in zip(trace.locations, trace.z, strict=True):
        assert scale[int(z)] == colors[adcode]  # Leaflet map and plotly map agree


def test_map_payload_is_small(assessment, config):
    m = views.measures(config)[0]
    fig = choropleth(views.map_frame(assessment, m, 2025), fixed_score_bins(), title="t",
                     show_labels=True)
    assert len(fig.to_json()) <= 500 * 1024
    assert sum(t.type == "choropleth" for t in fig.data) == 1  # one copy of the geometry


def test_small_multiples_share_one_legend(assessment, config):
    frames = [(g.name, views.map_frame(assessment, views.measures(config)[n + 1], 2025))
              for n, g in enumerate(config.groups)]
    fig = small_multiples(frames, fixed_score_bins(), title="t")
    assert sum(t.type == "choropleth" for t in fig.data) == 5
    assert len(fig.to_json()) <= 700 * 1024


def test_legend_counts_units(assessment, config):
    frame = views.map_frame(assessment, views.measures(config)[0], 2025)
    items = legend_items(frame, fixed_score_bins())
    counts = [int(label.rsplit("（", 1)[1].rstrip("）")) for _, label in items]
    assert sum(counts) == 103
    assert items[-1][1] == "未纳入考核（21）"


def test_zoom_map_is_offline_and_escapes_names(assessment, config):
    frame = views.map_frame(assessment, views.measures(config)[0], 2025)
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
    frame = views.map_frame(assessment, views.measures(config)[0], 2025)
    html = zoom_map(frame, fixed_score_bins(), tiles=tiles).get_root().render()
    assert "http://10.0.0.5/tiles/{z}/{x}/{y}.png" in html
    monkeypatch.delenv("REVITALIZATION_TILE_URL")
    assert tile_settings() is None


@pytest.mark.parametrize("key", ["grade", "flag"])
def test_categorical_measures(assessment, config, key):
    measure = next(m for m in views.measures(config) if m.key == key)
    values = views.measure_values(assessment, key, 2025)
    classes = views.measure_bins(measure, values)
    idx = classes.assign(values)
    assessed = assessment.year(2025)["assessed"].to_numpy()
    assert (idx[assessed] >= 0).all() and (idx[~assessed] == -1).all()


def test_static_map_layers_match_the_geometry():
    """The layers the browser fetches are exactly what ``map_geojson`` builds (no drift)."""
    import json

    from revitalization.maps.layers import MAP_LAYERS, STATIC_GEO_DIR, map_geojson

    for (level, coarse), name in MAP_LAYERS.items():
        on_disk = json.loads((STATIC_GEO_DIR / name).read_text(encoding="utf-8"))
        assert on_disk == json.loads(json.dumps(map_geojson(level, coarse))), name


def test_no_value_sits_on_a_class_edge():
    values = np.arange(1, 11, dtype=float)
    c = make_bins("jenks", pd.Series(values), is_score=False, decimals=1)
    idx = c.assign(values)
    assert idx[0] == 0 and idx[-1] == len(c.colors) - 1
    ranks = diverging_bins(pd.Series([-3, -1, 0, 1, 3]), 0, "位", up="上升", down="下降")
    got = dict(zip([-1, 0, 1], ranks.assign(np.array([-1.0, 0.0, 1.0])), strict=True))
    assert got[0] == 3 and got[-1] == 2 and got[1] == 4  # symmetric around 0
    assert ranks.labels[3] == "不变" and ranks.labels[4].startswith("↑ 上升 1")
    same = quantile_bins(pd.Series([5.0, 5.0, 5.0]), 5, 1)
    assert same.labels == ("5.0（全部相同）",) and (same.assign(np.array([5.0])) == 0).all()


def test_tooltip_gives_no_score_to_units_not_assessed(assessment, config):
    by_key = {m.key: m for m in views.measures(config)}
    composite = views.map_frame(assessment, by_key["composite"], 2025).set_index("adcode")
    rows = assessment.year(2025)
    urban = rows.index[~rows["assessed"]][0]
    assert composite.at[urban, "hover"].endswith("未纳入考核（中心城区，不评分、不排名）")
    assert "综合得分" not in composite.at[urban, "hover"]
    assessed = rows.index[rows["assessed"]][0]
    assert f"综合得分：{rows.at[assessed, 'composite']:.1f} 分" in composite.at[assessed, "hover"]
    # An indicator is a measured value, shown for every unit that has one.
    indicator = next(m for m in by_key.values() if m.kind == "indicator")
    frame = views.map_frame(assessment, indicator, 2025).set_index("adcode")
    assert f"{indicator.label}：" in frame.at[urban, "hover"]


def test_html_table_escapes_every_cell_and_formats_numbers():
    table = pd.DataFrame({"县（市、区）": ["<script>alert(1)</script>", "A & B"], "综合得分": [91.26, 7.0]})
    out = tables.html_table(table, {"综合得分": "{:.1f} 分"}, title="前 <2> 名", numeric=("综合得分",))
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "A &amp; B" in out and "前 &lt;2&gt; 名" in out
    assert "91.3 分" in out
    assert out.count("<tr>") == 3  # header + two rows
    assert "text-align:right'>7.0 分" in out
