"""The 市州 tier: membership, a hand-checked small example, weighting, the direct units, the
same rules and reasons as the counties, and the planted city stories of the demo."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd
import pytest

from revitalization import cities as tier
from revitalization.config import ConfigError, parse_config
from revitalization.demo import CITY_PLANTED
from revitalization.engine import assess

from .small import SMALL, long


def test_every_county_belongs_to_exactly_one_of_the_17_cities(regions, config):
    frame = tier.city_frame(regions, config)
    assert len(frame) == 17 and frame["adcode"].is_unique
    assert regions["adcode"].is_unique
    assert set(regions["city_adcode"]) == set(frame["adcode"])
    assert frame["counties"].sum() == len(regions) == 103
    # the four province-administered units are cities of one county, their own adcode
    direct = frame.loc[frame["direct"], "adcode"].tolist()
    assert direct == ["429004", "429005", "429006", "429021"]
    assert (frame.loc[frame["direct"], "counties"] == 1).all()


CITY_SMALL = {
    "responsibilities": [{"code": "grain", "short": "粮食", "name": "粮食安全"},
                         {"code": "resources", "short": "要素", "name": "要素配置"}],
    "city_tier": {"weighting": "simple", "own_share": 0.25, "direct_units": "rank",
                  "indicators": [{"code": "own", "name": "市级", "name_en": "own", "group": "industry",
                                  "unit": "%", "direction": "higher", "weight": 1, "lower": 0,
                                  "upper": 100, "valid_min": 0, "valid_max": 100,
                                  "definition": "-", "source": "-",
                                  "responsibilities": ["resources"]}]},
}


def small_world():
    raw = copy.deepcopy(SMALL) | copy.deepcopy(CITY_SMALL)
    for ind in raw["indicators"]:
        ind["responsibilities"] = ["grain"] if ind["code"] in ("a", "c") else []
    config = parse_config(raw, "small.yaml")
    regions = pd.DataFrame({
        "adcode": ["420101", "420102", "420103", "420201"],
        "name": ["甲一", "甲二", "甲三", "乙一"], "short_name": ["甲一", "甲二", "甲三", "乙一"],
        "city_adcode": ["420100", "420100", "420100", "420201"],
        "city_name": ["甲市", "甲市", "甲市", "乙区"], "city_short_name": ["甲", "甲", "甲", "乙区"],
        "kind": ["县", "县", "市辖区", "林区"], "assessed": [True, True, False, True],
        "assessment_class": ["平原型", "平原型", "", "平原型"],
        "population": [30.0, 10.0, 50.0, 8.0], "rural_population": [20.0, 5.0, 1.0, 6.0]})
    values = {"a": 80, "b": 12, "c": 100, "d": 5, "e": 0.5, "f": 0.5}
    obs = long({"420101": values, "420102": {**values, "a": 40, "b": 16},
                "420103": values, "420201": {**values, "a": 60, "c": 150}})
    city_obs = long({"420100": {"own": 40}, "420201": {"own": 90}})
    return config, regions, obs, city_obs


def test_city_scores_reproduce_by_hand():
    config, regions, obs, city_obs = small_world()
    counties = assess(obs, regions, config)
    result = tier.assess_cities(counties, city_obs, regions, config).year(2025)
    c = counties.year(2025)["composite"]
    # 甲市: its two assessed counties, equal weights (the central district 甲三 is left out)
    county_part = (c["420101"] + c["420102"]) / 2
    assert result.loc["420100", "county_part"] == pytest.approx(county_part)
    assert result.loc["420100", "composite"] == pytest.approx(0.75 * county_part + 0.25 * 40)
    assert result.loc["420201", "composite"] == pytest.approx(0.75 * c["420201"] + 0.25 * 90)
    # by hand, from the goalposts: 甲一 = (2·(1·80 + 3·80)/4 + 50 + 50) / 4 = 65
    assert c["420101"] == pytest.approx(65.0)
    assert result.loc["420100", "industry"] == pytest.approx(
        (counties.year(2025).loc["420101", "industry"] + counties.year(2025).loc["420102", "industry"]) / 2)
    ranked = result.sort_values("rank_province")
    assert ranked.index.tolist() == ["420201", "420100"]  # 乙区 ahead
    assert result.loc["420100", "spread"] == pytest.approx(abs(c["420101"] - c["420102"]))


def test_population_weighting_uses_the_registry_columns():
    config, regions, obs, city_obs = small_world()
    counties = assess(obs, regions, config)
    for column, (w1, w2) in (("population", (30, 10)), ("rural_population", (20, 5))):
        cfg = dataclasses.replace(config, city=dataclasses.replace(config.city, weighting=column))
        result = tier.assess_cities(counties, city_obs, regions, cfg).year(2025)
        c = counties.year(2025)["composite"]
        assert result.loc["420100", "county_part"] == pytest.approx(
            (w1 * c["420101"] + w2 * c["420102"]) / (w1 + w2))


def test_weighting_by_a_missing_column_is_refused_plainly():
    config, regions, obs, city_obs = small_world()
    cfg = dataclasses.replace(config, city=dataclasses.replace(config.city, weighting="population"))
    with pytest.raises(ValueError, match="regions.csv 没有 population 列"):
        tier.assess_cities(assess(obs, regions.drop(columns="population"), config), city_obs,
                           regions.drop(columns="population"), cfg)


def test_direct_units_can_be_left_to_the_county_tier(assessment, city_observations, regions, config):
    cfg = dataclasses.replace(config, city=dataclasses.replace(config.city, direct_units="county_only"))
    result = tier.assess_cities(assessment, city_observations, regions, cfg).year(2025)
    direct = ["429004", "429005", "429006", "429021"]
    assert not result.loc[direct, "assessed"].any()
    assert result.loc[direct, "rank_province"].isna().all()
    assert result.loc[direct, "grade"].isna().all()
    assert result["province_size"].max() == 13


def test_a_direct_units_county_part_is_its_county_result(cities, assessment):
    rows, counties = cities.year(2025), assessment.year(2025)
    for adcode in ("429004", "429005", "429006", "429021"):
        assert rows.loc[adcode, "county_part"] == pytest.approx(counties.loc[adcode, "composite"])


def test_cities_follow_the_county_rules_with_city_words(cities, config):
    for year in cities.scores["year"].unique():
        rows = cities.year(int(year))
        ranked = rows[rows["assessed"]]
        n = len(ranked)
        assert n == 17
        # quota caps: 优秀 at most floor(15 % of 17) = 2, never also flagged
        assert (ranked["grade"] == "优秀").sum() <= int(np.floor(0.15 * n))
        assert not (ranked["flagged"] & ((ranked["grade"] == "优秀") | ranked["progress"])).any()
        reasons = " ".join(" ".join(r) for r in ranked["flag_reasons"]) + " ".join(ranked["grade_reason"])
        assert "类内" not in reasons
    worst = cities.year(2025).sort_values("rank_province").iloc[-1]
    assert any(r.startswith("排名落后：全省市州中第 17/17 名") for r in worst["flag_reasons"])


def test_the_planted_city_stories(cities):
    cut, jump = CITY_PLANTED["city_cut"], CITY_PLANTED["city_jump"]
    scores = cities.scores.set_index(["adcode", "year"])
    assert scores.loc[(cut["adcode"], 2024), "flagged"]
    assert scores.loc[(cut["adcode"], 2025), "escalated"]  # two years running: 升级处理
    assert scores.loc[(jump["adcode"], 2025), "progress"]
    assert "进步明显" in scores.loc[(jump["adcode"], 2025), "progress_reason"]


@pytest.mark.parametrize("patch, message", [
    ({"city_tier": {"own_share": 1.2}}, "city_tier.own_share"),
    ({"city_tier": {"weighting": "area"}}, "city_tier.weighting"),
    ({"city_tier": {"direct_units": "maybe"}}, "city_tier.direct_units"),
    ({"city_tier": {"colour": 1}}, "未知的设置项 colour"),
])
def test_bad_city_settings_name_the_key(patch, message):
    raw = copy.deepcopy(SMALL) | copy.deepcopy(CITY_SMALL)
    raw["city_tier"].update(patch["city_tier"])
    with pytest.raises(ConfigError, match=message):
        parse_config(raw, "small.yaml")


def test_a_gate_at_city_level_and_an_unknown_responsibility_are_refused():
    raw = copy.deepcopy(SMALL) | copy.deepcopy(CITY_SMALL)
    raw["city_tier"]["indicators"][0].update(gate=True, gate_threshold=50)
    with pytest.raises(ConfigError, match="市级指标不设门槛"):
        parse_config(raw, "small.yaml")
    raw = copy.deepcopy(SMALL) | copy.deepcopy(CITY_SMALL)
    raw["indicators"][0]["responsibilities"] = ["grain", "weather"]
    with pytest.raises(ConfigError, match=r"indicators\[0\]\(a\).responsibilities: 未知的责任代码 'weather'"):
        parse_config(raw, "small.yaml")
