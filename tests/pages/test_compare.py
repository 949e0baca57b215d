"""年度对比: real declines only, shared classes, transitions."""

from __future__ import annotations

from .helpers import figure, figures, legend, legend_colors, open_page


def test_compare_lists_only_real_declines_as_declines(app):
    at = open_page(app, "compare")
    fig = figure(at, 3)  # maps A, B, change, then the dumbbell
    assert fig["layout"]["title"]["text"].startswith("<b>综合得分变化最大的单位")
    after = {t["name"]: t for t in fig["data"] if t.get("name", "").startswith("2025 年")}
    falls = after["2025 年（↓ 退步）"]["y"]
    assert "随县" in falls  # the planted slider
    assert "来凤县" in after["2025 年（↑ 进步）"]["y"]  # the planted jumper
    assert len(falls) < 10  # 2025 is a year in which few units declined


def test_compare_maps_share_classes_and_transitions_list_units(app):
    at = open_page(app, "compare")
    a, b = figure(at, 0), figure(at, 1)
    assert "（2024 年度）" in a["layout"]["title"]["text"]
    assert "（2025 年度）" in b["layout"]["title"]["text"]
    assert legend_colors(a) == legend_colors(b)
    next(s for s in at.selectbox if s.label == "地图分级方式").set_value("quantile").run()
    a, b = figure(at, 0), figure(at, 1)
    labels_a = [n.rsplit("（", 1)[0] for n in legend(a)]
    assert labels_a == [n.rsplit("（", 1)[0] for n in legend(b)]  # identical class breaks
    assert next(t for t in a["data"] if t["type"] == "choropleth")["colorscale"] == \
        next(t for t in b["data"] if t["type"] == "choropleth")["colorscale"]
    change = figure(at, 2)
    assert any("基本持平" in n for n in legend(change))
    assert change["layout"]["legend"]["title"]["text"] == "得分变化（↑ 进步 / ↓ 退步）"
    # Click the 良好 → 优秀 cell of the transition table.
    at.session_state["compare_matrix"] = {"selection": {"rows": [], "columns": [],
                                                        "cells": [(1, "优秀")]}}
    at.run()
    assert any(m.value.startswith("**2024 年良好 → 2025 年优秀**") for m in at.markdown)
    # Per revitalization: the same page for 生态振兴.
    next(s for s in at.selectbox if s.label == "比较内容").set_value("ecology").run()
    assert "生态振兴得分（2024 年度）" in figure(at, 0)["layout"]["title"]["text"]
    assert at.query_params["score"] == "ecology"


def test_the_comparison_switches_to_the_city_tier(app):
    at = open_page(app, "compare")
    at.query_params.update({"tier": "city", "a": "2023", "b": "2025"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert sum("湖北省市州" in t for t in titles) == 2
    assert any("变化最大的单位" in t for t in titles)
    table = at.dataframe[0].value
    assert len(table) == 17 and "市州" in table.columns and "考核类别" not in table.columns
    jingmen = table[table["市州"] == "荆门市"].iloc[0]
    assert jingmen["得分变化"] < 0 and "2025 年市州名次" in table.columns
