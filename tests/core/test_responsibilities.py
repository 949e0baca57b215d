"""Responsibility scorecards: sub-scores by hand, 未设指标 shown, cities combine their counties
and their own indicators, and the province view orders the weakest first."""

from __future__ import annotations

import numpy as np
import pytest

from revitalization import cities as tier
from revitalization import responsibilities as duties
from revitalization.engine import assess

from .test_cities import small_world


def test_a_sub_score_is_the_weighted_mean_of_its_indicators_by_hand():
    config, regions, obs, city_obs = small_world()
    a = assess(obs, regions, config)
    long = duties.county_scores(a, config).set_index(["adcode", "year", "responsibility"])
    # grain ← a (industry, weight 2/4 · 1/4 = 1/8) and c (talent, weight 1/4): 甲一 a = 80, c = 50
    assert long.loc[("420101", 2025, "grain"), "score"] == pytest.approx((80 / 8 + 50 / 4) / (1 / 8 + 1 / 4))
    assert np.isnan(long.loc[("420101", 2025, "resources"), "score"])  # only a city indicator


def test_a_responsibility_without_an_indicator_is_shown_not_hidden(assessment, config):
    long = duties.county_scores(assessment, config)
    card = duties.scorecard(long, config, "421321", 2025, values=assessment.values)
    assert len(card) == len(config.responsibilities) == 15
    empty = card[card["状态"] == duties.NO_INDICATOR]
    assert set(empty["简称"]) == {"组织实施", "要素配置"}
    assert (empty["依据指标"] == duties.NO_INDICATOR).all()
    grain = card.set_index("简称").loc["粮食安全"]
    assert "粮食生产任务完成率（门槛，达标）" in grain["依据指标"]
    assert grain["排名"].endswith("/82")


def test_a_failed_gate_is_named_in_the_scorecard(assessment, config):
    long = duties.county_scores(assessment, config)
    card = duties.scorecard(long, config, "420222", 2025, values=assessment.values).set_index("简称")
    assert "生活垃圾收运处置体系覆盖行政村比例（门槛，未达标）" in card.loc["和美乡村", "依据指标"]


def test_a_city_sub_score_combines_its_counties_and_its_own_indicators():
    config, regions, obs, city_obs = small_world()
    a = assess(obs, regions, config)
    cities = tier.assess_cities(a, city_obs, regions, config)
    county = duties.county_scores(a, config).set_index(["adcode", "year", "responsibility"])
    city = duties.city_scores(cities, county.reset_index(), config).set_index(
        ["adcode", "year", "responsibility"])
    g1, g2 = (county.loc[(c, 2025, "grain"), "score"] for c in ("420101", "420102"))
    assert city.loc[("420100", 2025, "grain"), "score"] == pytest.approx((g1 + g2) / 2)
    # resources: only the city's own indicator (40 on 0–100), no county part
    assert city.loc[("420100", 2025, "resources"), "score"] == pytest.approx(40)
    assert city.loc[("420201", 2025, "resources"), "rank"] == 1


def test_the_province_view_puts_the_weakest_first_and_the_unmeasured_last(assessment, config, regions):
    long = duties.county_scores(assessment, config)
    view = duties.province_view(long, config, 2025, regions.set_index("adcode")["short_name"])
    medians = view["中位数"].dropna().tolist()
    assert medians == sorted(medians)
    assert view.tail(2)["简称"].tolist() == ["组织实施", "要素配置"]
    assert (view["单位数"].iloc[:13] == 82).all()
