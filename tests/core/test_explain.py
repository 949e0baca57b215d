"""Explanations: contributions, obstacle degree, strengths and the change breakdown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from revitalization import explain
from revitalization.engine import assess

from .small import long, small_config, small_regions

ROW = {"a": 80, "b": 12, "c": 100, "d": 5, "e": 1, "f": 1}


def small_assessment():
    data = {
        "420001": ROW,
        "420002": {"a": 20, "b": 20, "c": 170, "d": 10, "e": 0, "f": 0},
        "420003": {"a": 50, "b": 15, "c": 50, "d": 0, "e": 0.5, "f": 0.5},
    }
    before = {**data, "420001": {**ROW, "a": 40}}
    obs = pd.concat([long(before, 2024), long(data, 2025)])
    return assess(obs, small_regions(3), small_config())


def test_obstacle_degree_by_hand():
    # Composite weights: a 2/4·1/4, b 2/4·3/4, c 1/4, d 1/4 (ecology, organization weigh 0).
    # Unit 420001 scores a 80, b 80, c 50, d 50 → shortfalls .025, .075, .125, .125 (Σ .35).
    result = explain.obstacles(small_assessment(), small_config(), "420001", 2025)
    expected = {"a": 0.025 / 0.35, "b": 0.075 / 0.35, "c": 0.125 / 0.35, "d": 0.125 / 0.35,
                "e": 0.0, "f": 0.0}
    for code, share in expected.items():
        assert result.at[code, "obstacle"] == pytest.approx(share, abs=1e-9)
    assert result.index[0] in ("c", "d")  # the largest obstacles come first
    assert result["points"].sum() == pytest.approx(65.0, abs=1e-9)


def test_change_breakdown_by_hand():
    # Only indicator a moved (40 → 80): 40 score points × composite weight 1/8 = 5 points.
    result = explain.change_breakdown(small_assessment(), small_config(), "420001", 2025)
    assert result.total == pytest.approx(5.0, abs=1e-9)
    assert result.by_group["industry"] == pytest.approx(5.0, abs=1e-9)
    assert result.by_indicator.index[0] == "a"
    assert result.by_indicator.loc[["b", "c", "d"], "delta"].abs().max() < 1e-12
    assert explain.change_breakdown(small_assessment(), small_config(), "420001", 2024) is None


def test_contributions_add_up_to_the_composite(assessment):
    raw = assessment.scores.set_index(["adcode", "year"])["composite_raw"]
    total = assessment.contributions.sum(axis=1).reindex(raw.index)
    assert np.allclose(total, raw, atol=1e-9)


def test_change_breakdown_is_exact_for_every_unit(assessment, config):
    for adcode in assessment.scores["adcode"].unique()[::7]:
        for year in assessment.years[1:]:
            b = explain.change_breakdown(assessment, config, adcode, year)
            assert b.by_group.sum() - b.deduction_change == pytest.approx(b.total, abs=1e-9)
            assert b.by_indicator["delta"].sum() == pytest.approx(b.by_group.sum(), abs=1e-9)


def test_planted_slider_decline_is_explained(assessment, config):
    # 随县 declines in 2025 (planted): the breakdown says where the points went.
    b = explain.change_breakdown(assessment, config, "421321", 2025)
    assert b.total < 0
    assert (b.by_group < 0).sum() >= 3


def test_obstacles_and_strengths_of_a_unit(assessment, config):
    obs = explain.obstacles(assessment, config, "421321", 2025)
    assert obs["obstacle"].sum() == pytest.approx(1.0)
    assert (obs["obstacle"].diff().dropna() <= 1e-12).all()
    strong = explain.strengths(assessment, config, "422827", 2025)
    assert strong["advantage"].iloc[0] > 0
    assert (strong["advantage"].diff().dropna() <= 1e-12).all()
