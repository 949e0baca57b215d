"""Measures: one place decides a measure's classes; tooltips say what is and is not scored."""

from __future__ import annotations

import pytest

from revitalization.maps import measures as views
from revitalization.maps.bins import (
    fixed_score_bins,
    quantile_bins,
)
from revitalization.maps.choropleth import choropleth
from revitalization.maps.leaflet import bin_colors

SUIXIAN = "421321"


def test_same_measure_same_classes_everywhere(assessment, config):
    m = views.measures(config)
    indicator = next(x for x in m if x.key == "labour_productivity")
    values = views.measure_values(assessment, indicator.key, 2025)
    assert views.measure_bins(indicator, values) == views.measure_bins(indicator, values)
    assert views.measure_bins(views.measure(config, "composite"), values) == fixed_score_bins()
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


@pytest.mark.parametrize("key", ["grade", "flag"])
def test_categorical_measures(assessment, config, key):
    measure = next(m for m in views.measures(config) if m.key == key)
    values = views.measure_values(assessment, key, 2025)
    classes = views.measure_bins(measure, values)
    idx = classes.assign(values)
    assessed = assessment.year(2025)["assessed"].to_numpy()
    assert (idx[assessed] >= 0).all() and (idx[~assessed] == -1).all()


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


def test_a_script_in_a_name_shows_as_text(observations, config, regions):
    from revitalization.engine import assess
    from revitalization.maps import measures
    from revitalization.wording import md

    evil = regions.copy()
    evil.loc[evil["adcode"] == SUIXIAN, "name"] = "<script>alert(1)</script>随县"
    result = assess(observations, evil, config)
    frame = measures.map_frame(result, measures.measure(config, "composite"), 2025).set_index("adcode")
    assert "<script>" not in frame.at[SUIXIAN, "hover"]
    assert "&lt;script&gt;" in frame.at[SUIXIAN, "hover"]
    assert "<script>" not in md(evil.set_index("adcode").at[SUIXIAN, "name"])


def test_the_grade_map_tooltip_says_the_grade_once(assessment, config):
    from revitalization.maps.measures import map_frame, measure

    frame = map_frame(assessment, measure(config, "grade"), 2025).set_index("adcode")
    hover = frame.at["421321", "hover"]
    assert hover.count("一般") == 1 or hover.count("良好") == 1 or hover.count("优秀") == 1
    assert "考核等次：" in hover and "<br>等次：" not in hover
    other = map_frame(assessment, measure(config, "composite"), 2025).set_index("adcode")
    assert "<br>等次：" in other.at["421321", "hover"]  # other measures still give the grade
