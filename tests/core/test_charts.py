"""The standard charts pages show and packs export."""

from __future__ import annotations

from revitalization import charts


def test_county_card_is_one_page_with_the_key_facts(assessment, config):
    fig = charts.county_card(assessment, config, "421321", 2025, demo=True)
    title = fig.layout.title.text
    assert "随县乡村振兴实绩考核画像（2025 年度）" in title and "约谈预警" in title
    assert {t.type for t in fig.data} == {"scatterpolar", "scatter", "bar"}
    urban = charts.county_card(assessment, config, "420102", 2025)
    assert "未纳入考核" in urban.layout.title.text
