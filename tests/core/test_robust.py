"""Robust ranks: seeded Monte Carlo over weights, normalisation and aggregation."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revitalization.robust import robust_label, robust_ranks


def test_without_variation_the_draws_reproduce_the_result(assessment, config):
    result = robust_ranks(assessment, config, 2025, draws=20, spread=0.0,
                          normalisations=("goalposts",), aggregations=("arithmetic",),
                          imputations=("carry_forward",), data_error=0.0,
                          cutoff_spread=0.0).table
    assert (result["class_median"] == result["rank_class"]).all()
    assert (result["province_p05"] == result["rank_province"]).all()
    assert (result["province_p95"] == result["rank_province"]).all()
    assert ((result["flag_share"] == 1.0) == result["flagged"]).all()
    assert set(result["flag_share"]) <= {0.0, 1.0}


def test_seeded_and_deterministic(assessment, config):
    one = robust_ranks(assessment, config, 2025, draws=200, seed=7).table
    two = robust_ranks(assessment, config, 2025, draws=200, seed=7).table
    other = robust_ranks(assessment, config, 2025, draws=200, seed=8).table
    pd.testing.assert_frame_equal(one, two)
    assert not one["flag_share"].equals(other["flag_share"]) or \
        not one["province_median"].equals(other["province_median"])


def test_ranges_are_consistent(assessment, config):
    rr = robust_ranks(assessment, config, 2025, draws=300)
    t = rr.table
    assert len(t) == int(assessment.year(2025)["assessed"].sum())
    assert (t["class_p05"] <= t["class_median"]).all() and (t["class_median"] <= t["class_p95"]).all()
    sizes = assessment.year(2025).loc[t.index, "class_size"]
    assert (t["class_p05"] >= 1).all() and (t["class_p95"] <= sizes).all()
    assert (t["province_p95"] <= len(t)).all()
    assert t["flag_share"].between(0, 1).all()
    assert (t.loc[t["flag_robust"], "flagged"]).all()
    assert (t.loc[t["flag_robust"], "flag_share"] >= config.method.robust_share).all()
    text = rr.describe()
    assert "300 次蒙特卡洛抽样" in text and "±20%" in text
    for covered in ("插补方法", "数据误差", "分数线", "不在检验范围内"):
        assert covered in text


def test_the_decline_rule_is_evaluated_in_every_draw(assessment, config):
    """随县 falls 6.7 and 7.7 points (far beyond the noise): the declines rule alone keeps
    it flagged in every draw, whatever the normalisation used for ranking."""
    from dataclasses import replace

    only_declines = replace(config, method=replace(
        config.method, flag_bottom_share=0.0, flag_province_bottom_share=1.0,
        flag_composite_below=0, flag_group_below=0, flag_on_gate_failure=False))
    t = robust_ranks(assessment, only_declines, 2025, draws=200).table
    assert t.at["421321", "flag_share"] == 1.0
    # a unit whose scores rose is never flagged by it
    assert t.at["422827", "flag_share"] == 0.0


def test_score_noise_justifies_the_minimum_decline(assessment, config):
    """The default minimum decline (1.0) is the one-sided 95 % bound of a change made of
    two years' data noise: 1.645 · √2 · σ, σ the median composite noise."""
    from revitalization.robust import score_noise

    sigma = score_noise(assessment, config, 2025).median()
    assert 0.2 < sigma < 1.0
    assert abs(1.645 * 2 ** 0.5 * sigma - config.method.flag_decline_min) < 0.25


def test_gate_failure_flag_holds_in_every_draw(assessment, config):
    # 阳新县's planted refuse-system gate failure (93.4 % against 98 %) is a rule, not a
    # weight, and far beyond the gate's data error: flagged in every draw.
    t = robust_ranks(assessment, config, 2025, draws=200).table
    assert t.at["420222", "flag_share"] == 1.0
    assert t.at["420222", "flag_robust"]
    assert robust_label(t.loc["420222"], 0.8).startswith("稳健")


def test_weight_noise_moves_middle_ranks(assessment, config):
    t = robust_ranks(assessment, config, 2025, draws=300).table
    assert (t["province_p95"] - t["province_p05"]).max() > 0
    assert np.isfinite(t[["class_median", "province_median"]].to_numpy()).all()


def test_robust_label_for_a_fragile_flag():
    row = pd.Series({"flagged": True, "flag_share": 0.55})
    assert robust_label(row, 0.8) == "不稳健（仅 55% 的抽样中被预警，结果取决于方法选择或数据误差）"
    assert robust_label(pd.Series({"flagged": False, "flag_share": 0.9}), 0.8) == ""
