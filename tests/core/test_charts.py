"""The standard charts pages show and packs export."""

from __future__ import annotations

import pandas as pd

from revitalization import charts
from revitalization.exports import images as export
from revitalization.maps.measures import map_frame, measure, measure_bins


def test_county_card_is_one_page_with_the_key_facts(assessment, config):
    fig = charts.county_card(assessment, config, "421321", 2025, demo=True)
    title = fig.layout.title.text
    assert "随县乡村振兴实绩考核画像（2025 年度）" in title and "约谈预警" in title
    assert {t.type for t in fig.data} == {"scatterpolar", "scatter", "bar"}
    urban = charts.county_card(assessment, config, "420102", 2025)
    assert "未纳入考核" in urban.layout.title.text


def test_the_played_map_has_every_year_in_shared_colours(assessment, config):
    fig = charts.province_play(assessment, config, 2023, measure="labour_productivity",
                               demo=True)
    years = assessment.years
    assert [f.name for f in fig.frames] == [str(y) for y in years]
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == [str(y) for y in years]
    assert slider.steps[slider.active].label == "2023"  # opens on the chosen year
    assert "2023 年度" in fig.layout.title.text
    assert "2019 年度" in fig.frames[0].layout.title.text
    assert [b.label for b in fig.layout.updatemenus[0].buttons] == ["▶ 播放", "❚❚ 暂停"]
    # One set of bins over all years: a county's colour in 2019 is its 2019 value's bin
    # among every year's values (hand-made here from the same pooled values).
    m = measure(config, "labour_productivity")
    frames = {y: map_frame(assessment, m, y) for y in years}
    pooled = [f.loc[f["assessed"], "value"] for f in frames.values()]
    bins = measure_bins(m, pd.concat(pooled))
    first = frames[years[0]].set_index("adcode")
    trace = fig.frames[0].data[0]
    z = dict(zip(trace.locations, trace.z, strict=True))
    for adcode in first.index[first["assessed"]][:20]:
        assert z[adcode] == bins.assign(pd.Series([first.loc[adcode, "value"]]))[0]
    # Legend: the bins without one year's counts
    names = [t.name for t in fig.data if t.type == "scattergeo" and t.showlegend]
    assert names and not any("（" in n for n in names if not n.startswith("橙色"))


def test_a_played_map_exports_the_year_it_shows_without_its_player(assessment, config):
    played = charts.province_play(assessment, config, 2025)
    still = charts.province_map(assessment, config, 2025, legend_below=True)
    spec = export.prepare(played, preset="slide", footer="x")
    assert "frames" not in spec and "sliders" not in spec["layout"]
    assert "updatemenus" not in spec["layout"]
    assert spec["layout"]["margin"]["b"] == export.prepare(still, preset="slide", footer="x")["layout"]["margin"]["b"]
