"""County profile shapes: search, nearest peers, indicator and group tables."""

from __future__ import annotations

from revitalization import profile


def test_search_finds_full_and_short_names(regions):
    options = profile.search_options(regions)
    assert options["422801"] == "恩施市（恩施土家族苗族自治州） · 恩施"
    assert options["421321"].startswith("随县（随州市）")


def test_nearest_peers_are_in_the_same_class_and_sorted(assessment, config):
    peers = profile.nearest_peers(assessment, config, "421321", 2025)
    rows = assessment.year(2025)
    assert len(peers) == 5 and "421321" not in peers.index
    assert (rows.loc[peers.index, "assessment_class"] == rows.at["421321", "assessment_class"]).all()
    assert peers["distance"].is_monotonic_increasing


def test_indicator_table_ranks_and_gates(assessment, config):
    table = profile.indicator_table(assessment, config, "420222", 2025)  # 阳新县, gate failed
    refuse = table[table["指标"].str.contains("生活垃圾")].iloc[0]
    assert refuse["目标 / 门槛"].startswith("门槛未达标")
    ranks = table["类内排名"].str.split("/").str[0].astype(int)
    assert (ranks >= 1).all()
    assert all(len(h) == len(assessment.years) for h in table["历年"])


def test_group_table_for_a_non_assessed_district(assessment, config):
    table = profile.group_table(assessment, config, "420102", 2025)
    assert (table["类内排名"] == "—").all()
    assert table["同类平均"].equals(table["全省平均"])


def test_history_shows_real_values_every_year(assessment):
    """Regression: the table was built on a relabelled index and showed None everywhere."""
    from revitalization.profile import history

    table = history(assessment, "421321")
    assert table.index.tolist() == [f"{y} 年" for y in assessment.years]
    assert table[["综合得分", "全省排名", "类内排名"]].notna().all().all()
    assert table.at["2025 年", "约谈预警"] == "是（连续两年）" or table.at["2025 年", "约谈预警"] == "是"
    assert table.at["2025 年", "预警原因"].startswith("排名落后")


def test_change_since_last_year_says_better_or_worse(assessment, config):
    """A fall of a lower-is-better indicator is an improvement: the words follow the
    indicator's direction, the arrow the value's movement."""
    from revitalization.profile import indicator_table

    table = indicator_table(assessment, config, "421321", 2025)
    seen = set()
    for _, row in table.iterrows():
        change = row["较上年"]
        if change in ("—", "→ 持平"):
            continue
        up = change.startswith("↑")
        better = change.endswith("（向好）")
        assert better == (up == (row["方向"] == "越高越好")), (row["指标"], change, row["方向"])
        seen.add((row["方向"], up))
    assert ("越低越好", False) in seen or ("越低越好", True) in seen  # lower-is-better covered
