"""Results a county cannot argue with (issue 15): the default method on the demo data,
property tests of its rules, the consistency check and 差距测算 re-assessed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from revitalization import tables
from revitalization.consistency import KINDS, check
from revitalization.engine import assess, quota_places
from revitalization.gap import gap, gaps

from .small import long, small_config, small_regions

GRADE_ORDER = {"优秀": 0, "良好": 1, "一般": 2, "较差": 3}


# The default method on the demo data, every year --------------------------------------

def test_no_flag_from_declines_below_the_minimum(assessment, config):
    s = assessment.scores.set_index(["adcode", "year"])
    run, minimum = config.method.flag_declines_running, config.method.flag_decline_min
    fired = 0
    for (adcode, year), row in s[s["flagged"]].iterrows():
        if any("连续" in r and "下降" in r for r in row["flag_reasons"]):
            fired += 1
            for y in range(year - run + 1, year + 1):
                assert s.at[(adcode, y), "score_change"] <= -minimum
    assert fired >= 1  # the planted slider (随县, 2025) still is


def test_tiny_declines_no_longer_flag(assessment):
    # 兴山县 fell 0.57 and 0.44 points (2021, 2022) and 浠水县 0.17 and 0.15 (2023, 2024):
    # within the data noise, so not "连续两年下降".
    s = assessment.scores.set_index(["adcode", "year"])
    for key in (("420526", 2022), ("421125", 2024)):
        assert not any("连续" in r for r in s.at[key, "flag_reasons"])


def test_nobody_is_praised_and_flagged_in_the_same_year(assessment):
    s = assessment.scores
    praised = (s["grade"] == "优秀").fillna(False) | s["progress"]
    assert not (praised & s["flagged"]).any()
    # the rule is stated where it bites: a capped unit's grade reason says so
    capped = s[s["grade_reason"].str.contains("等次最高为", regex=False)]
    assert len(capped) and (capped["grade"] == "良好").all()


def test_every_flag_resting_on_imputed_values_says_so(assessment):
    for year in assessment.years:
        table = tables.flagged_table(assessment, year)
        rows = assessment.year(year).loc[table.index]
        imputed = rows["imputed_count"] > 0
        assert table.loc[imputed, "数据说明"].str.contains("插补值").all()
        assert (table.loc[~imputed & ~rows["data_check"], "数据说明"] == "").all()
    # 钟祥市 2022: flagged on 8 carried-forward values; its praise-free result is marked
    zhongxiang = tables.flagged_table(assessment, 2022).loc["420881"]
    assert zhongxiang["数据说明"].startswith("含 8 项插补值")


def test_progress_is_attainable_in_every_class(assessment):
    s = assessment.scores
    classes = set(s.loc[s["assessed"], "assessment_class"])
    assert set(s.loc[s["progress"], "assessment_class"]) == classes


def test_quotas_are_caps_and_ranks_have_one_denominator(assessment, config):
    s = assessment.scores[assessment.scores["assessed"]]
    for (_, _), group in s.groupby(["year", "assessment_class"]):
        n = len(group)
        cap = int(quota_places(config.method, np.array([n]))["优秀"][0])
        assert (group["grade"] == "优秀").sum() <= cap
        assert (group["class_size"] == n).all()
    assert "较差" not in set(s["grade"].dropna())  # not configured, so not used
    table = tables.ranking_table(assessment, config, 2025)
    rows = assessment.year(2025).loc[table.index]
    for adcode, reason in rows["grade_reason"].items():
        if reason.startswith(("优秀", "良好", "一般")) and "类内第" in reason:
            assert reason.split("类内第 ")[1].split(" 名")[0] == table.at[adcode, "类内排名"]


def test_rank_flags_need_both_class_and_province_positions(assessment):
    # 2025: 东宝区 is 16th of 17 城郊型 but 31st of 82 in the province: not 排名落后.
    dongbao = assessment.year(2025).loc["420802"]
    assert dongbao["rank_province"] <= 41
    assert not any(r.startswith("排名落后") for r in dongbao["flag_reasons"])
    for _, row in assessment.scores[assessment.scores["flagged"]].iterrows():
        if any(r.startswith("排名落后") for r in row["flag_reasons"]):
            assert row["rank_province"] > row["province_size"] / 2


def test_the_check_lists_the_remaining_findings_of_each_year(assessment, config):
    for year in assessment.years:
        findings = check(assessment.scores, config, year)
        kinds = {f.kind for f in findings}
        assert "praise_and_flag" not in kinds and "small_decline" not in kinds
        assert "across_classes" in kinds  # stated, by design
        for f in findings:
            assert f.title == KINDS[f.kind] and f.text


def test_gap_improvements_really_lift_the_flagged_units_out(assessment, observations, regions,
                                                            config):
    found = gaps(assessment, config, 2025)
    assert set(found) == set(assessment.year(2025).query("flagged").index)
    for adcode, needed in found.items():
        assert needed.feasible and needed.steps
        improved = apply(observations, adcode, 2025, needed.targets())
        after = assess(improved, regions, config).year(2025).loc[adcode]
        assert not after["flagged"], (adcode, after["flag_reasons"])
        for step in needed.steps:  # within the class's best value (or the gate threshold)
            ind = config.indicator(step.code)
            assert (step.target <= step.best) if ind.higher_is_better else (step.target >= step.best)


def apply(observations: pd.DataFrame, adcode: str, year: int, targets: dict[str, float]
          ) -> pd.DataFrame:
    obs = observations.copy()
    for code, value in targets.items():
        hit = (obs["adcode"] == adcode) & (obs["year"] == year) & (obs["indicator"] == code)
        if hit.any():
            obs.loc[hit, "value"] = value
        else:
            obs = pd.concat([obs, pd.DataFrame([{"adcode": adcode, "year": year,
                                                 "indicator": code, "value": value}])])
    return obs


# Properties on the small system --------------------------------------------------------

UNITS = 8
values = st.floats(min_value=0, max_value=100, allow_nan=False)
rows8 = st.lists(st.tuples(values, values, values, values), min_size=UNITS, max_size=UNITS)


def small_data(rows) -> dict[str, dict[str, float]]:
    regions = small_regions(UNITS)
    return {u: {"a": r[0], "b": 10 + r[1] / 10, "c": 50 + r[2], "d": r[3] / 10, "e": 1, "f": 1}
            for u, r in zip(regions["adcode"], rows, strict=True)}


def method_config():
    """The small system with the default grading and flag rules switched on."""
    config = small_config()
    return replace(config, method=replace(config.method, flag_province_bottom_share=0.5,
                                          excellent_province_top_share=0.5,
                                          flag_declines_running=2))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows8, st.integers(0, UNITS - 1), st.sampled_from(["a", "b", "c", "d"]),
       st.floats(0.5, 60))
def test_raising_an_indicator_never_lowers_composite_rank_or_grade(rows, unit, code, step):
    regions, config = small_regions(UNITS), method_config()
    data = small_data(rows)
    before = assess(long(data), regions, config).year(2025)
    target = regions["adcode"][unit]
    data[target] = {**data[target], code: data[target][code] + (-step / 10 if code == "b" else step)}
    after = assess(long(data), regions, config).year(2025)
    assert after.at[target, "composite"] >= before.at[target, "composite"] - 1e-9
    assert after.at[target, "rank_class"] <= before.at[target, "rank_class"]
    assert GRADE_ORDER[after.at[target, "grade"]] <= GRADE_ORDER[before.at[target, "grade"]]
    if before.at[target, "flagged"] and not after.at[target, "flagged"]:
        return
    assert len(after.at[target, "flag_reasons"]) <= len(before.at[target, "flag_reasons"])


def consistent_scores(gaps_between: list[float]) -> pd.DataFrame:
    """One class, one year, every unit's indicators all at one level, levels well apart."""
    regions = small_regions(len(gaps_between))
    levels = np.cumsum(gaps_between)
    data = {u: {"a": lv, "b": 20 - lv / 10, "c": 50 + lv, "d": lv / 10, "e": 1, "f": 1}
            for u, lv in zip(regions["adcode"], levels, strict=True)}
    return assess(long(data), regions, method_config()).scores


spacings = st.lists(st.floats(2.0, 12.0), min_size=UNITS, max_size=UNITS)


@settings(max_examples=25, deadline=None)
@given(spacings)
def test_the_check_is_empty_on_consistent_data(spacing):
    assume(sum(spacing) <= 100)
    scores = consistent_scores(spacing)
    assert check(scores, method_config(), 2025) == []


PLANTS = {
    "praise_and_flag": lambda s, top, low: s.__setitem__("progress", s.index == low),
    "imputed": lambda s, top, low: s.__setitem__("imputed_count", np.where(s.index == low, 2, 0)),
    "data_check": lambda s, top, low: s.__setitem__("data_check", s.index == top),
    "inversion": lambda s, top, low: s.__setitem__("grade", np.where(s.index == top, "一般", s["grade"])),
    "quota": lambda s, top, low: s.__setitem__("grade", np.where(s.index != low, "优秀", s["grade"])),
}


@settings(max_examples=15, deadline=None)
@given(spacings, st.sampled_from(sorted(PLANTS)))
def test_the_check_finds_each_planted_paradox(spacing, kind):
    assume(sum(spacing) <= 100)
    scores = consistent_scores(spacing).copy()
    top = scores["composite"].idxmax()
    low = scores["composite"].idxmin()  # flagged: bottom of the class and the province
    assert scores.at[low, "flagged"]
    PLANTS[kind](scores, top, low)
    assert kind in {f.kind for f in check(scores, method_config(), 2025)}


def test_the_check_finds_small_declines_ties_and_shaky_grades():
    scores = consistent_scores([5.0] * UNITS)
    two = pd.concat([scores.assign(year=2024), scores], ignore_index=True)
    low = scores["composite"].idxmin()
    adcode = scores.at[low, "adcode"]
    two.loc[two["adcode"] == adcode, "score_change"] = -0.2  # both years: a tiny fall
    row = two.index[(two["adcode"] == adcode) & (two["year"] == 2025)][0]
    two.at[row, "flag_reasons"] = [*two.at[row, "flag_reasons"], "综合得分连续 2 年下降"]
    assert "small_decline" in {f.kind for f in check(two, method_config(), 2025)}

    tied = scores.copy()
    first, second = tied.sort_values("composite").index[-2:]
    tied.at[first, "composite"] = tied.at[second, "composite"] - 0.01  # same to one decimal
    tied.at[first, "grade"] = "良好"
    tied.at[second, "grade"] = "优秀"
    assert "tie" in {f.kind for f in check(tied, method_config(), 2025)}

    robust = pd.DataFrame({"grade_share": 0.5, "class_p05": 1, "class_p95": 3},
                          index=scores["adcode"])
    findings = check(scores, method_config(), 2025, robust)
    assert "grade_flip" in {f.kind for f in findings}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows8)
def test_gap_proposals_applied_to_the_data_lift_the_unit_out(rows):
    regions, config = small_regions(UNITS), method_config()
    data = small_data(rows)
    result = assess(long(data), regions, config)
    flagged = result.year(2025).query("flagged").index
    for adcode in flagged:
        needed = gap(result, config, adcode, 2025)
        assert needed is not None
        if not needed.feasible:
            continue
        improved = {**data, adcode: {**data[adcode], **needed.targets()}}
        after = assess(long(improved), regions, config).year(2025).loc[adcode]
        assert not after["flagged"], (needed.summary(), after["flag_reasons"])


def test_gap_is_none_for_units_in_good_standing(assessment, config):
    best = assessment.year(2025)["composite"].idxmax()
    assert gap(assessment, config, best, 2025) is None


@pytest.mark.parametrize("share", [1.0])
def test_pure_within_class_grades_say_so(assessment, config, share):
    within = replace(config, method=replace(config.method, excellent_province_top_share=share,
                                            flag_province_bottom_share=share))
    assert within.method.within_class_only
    table = tables.ranking_table(assessment, within, 2025)
    assert "等次（类内）" in table.columns
