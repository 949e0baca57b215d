"""The demo dataset: deterministic, realistic, complete but for a few gaps, with its stories."""

from __future__ import annotations

import pandas as pd

from revitalization import demo


def test_deterministic(config, regions, observations):
    again = demo.generate(regions, config)
    pd.testing.assert_frame_equal(observations, again)
    other = demo.generate(regions, config, seed=demo.SEED + 1)
    assert not observations["value"].equals(other["value"])


def test_covers_every_unit_year_and_indicator(config, regions, observations):
    full = len(regions) * len(demo.YEARS) * len(config.indicators)
    assert set(observations["year"]) == set(demo.YEARS)
    assert set(observations["adcode"]) == set(regions["adcode"])
    assert set(observations["indicator"]) == {i.code for i in config.indicators}
    missing = full - len(observations)
    assert 0 < missing < 0.01 * full  # a few gaps, never many
    assert not observations.duplicated(["adcode", "year", "indicator"]).any()


def test_values_are_plausible(config, observations):
    for ind in config.indicators:
        v = observations.loc[observations["indicator"] == ind.code, "value"]
        assert v.between(ind.valid_min, ind.valid_max).all(), ind.code


def test_spatial_pattern(regions, observations):
    """Plain counties out-mechanise mountain counties; Wuhan's fringe out-earns both."""
    profile = regions.set_index("adcode").apply(lambda r: demo.terrain_profile(
        {**r.to_dict(), "adcode": r.name}), axis=1)
    y = observations[observations["year"] == 2025].copy()
    y["profile"] = y["adcode"].map(profile)
    means = y.pivot_table(index="profile", columns="indicator", values="value")
    assert means.at["plain", "mechanisation"] > means.at["mountain", "mechanisation"] + 5
    assert means.at["mountain", "surface_water"] > means.at["plain", "surface_water"]
    assert means.at["wuhan_fringe", "rural_income"] > means.at["mountain", "rural_income"] + 4000


def test_gradual_improvement(observations):
    income = observations[observations["indicator"] == "rural_income"]
    by_year = income.groupby("year")["value"].mean()
    assert by_year.is_monotonic_increasing


def test_planted_stories(assessment):
    s = assessment.scores.set_index(["adcode", "year"])
    slider = demo.PLANTED["slider"]["adcode"]
    assert s.at[(slider, 2024), "score_change"] < 0 and s.at[(slider, 2025), "score_change"] < 0
    assert any("连续 2 年下降" in r for r in s.at[(slider, 2025), "flag_reasons"])
    jumper = demo.PLANTED["jumper"]["adcode"]
    assert s.at[(jumper, 2025), "progress"]
    assert s.at[(jumper, 2025), "rank_change"] >= 3
    gate = demo.PLANTED["gate_failure"]
    row = s.loc[(gate["adcode"], gate["year"])]
    assert row["gate_failed"] and row["flagged"] and row["grade"] != "优秀"
    assert any("生活垃圾" in r for r in row["flag_reasons"])
    gap = demo.PLANTED["incomplete"]
    row = s.loc[(gap["adcode"], gap["year"])]
    assert row["imputed_count"] == gap["missing"]
    assert pd.isna(row["grade"]) and "插补" in row["grade_reason"]
