"""Robust ranks: how much a unit's rank and 约谈 flag depend on method choices.

A seeded Monte Carlo over the choices a reasonable analyst could have made (OECD/JRC
Handbook, uncertainty analysis). Each draw picks

- a normalisation: fixed goalposts, annual min–max or annual z-score (equally likely);
- an aggregation: arithmetic or geometric mean, at both levels (equally likely;
  geometric means floor scores at 1 point so a zero does not wipe out a unit);
- every indicator weight and every group weight multiplied by U(1 − s, 1 + s), s = ±20 %.

Gate deductions and gate failures are kept as they are (they are rules, not weights).
On the relative scales (min–max, z-score) the points thresholds of the 约谈 rules are
applied at the percentile they fall at in the published result, and the two-declines
rule keeps its published outcome (relative scales are not comparable across years).
Per unit: median rank and the 5–95 % range, in province and in class, and the share of
draws in which the rank- and score-based 约谈 rules fire. A flag is robust when it holds
in at least ``robust_share`` of draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from revitalization.config import NORMALISATIONS, IndicatorSystem
from revitalization.engine import Assessment, normalise

AGGREGATIONS = {"arithmetic": "算术平均", "geometric": "几何平均"}
GEOMETRIC_FLOOR = 1.0
CHUNK = 100


@dataclass(frozen=True)
class RobustRanks:
    year: int
    draws: int
    seed: int
    table: pd.DataFrame  # indexed by adcode (assessed units)

    def describe(self) -> str:
        """One Chinese sentence saying what was varied."""
        return (f"{self.year} 年度结果的稳健性检验：{self.draws} 次蒙特卡洛抽样（随机种子 {self.seed}），"
                "每次随机选择归一化方法（固定阈值 / 年度极差 / 年度标准分）、汇总方式（算术 / 几何平均），"
                f"并在 ±{self.spread:.0%} 范围内扰动各指标和各振兴权重。")

    @property
    def spread(self) -> float:
        return float(self.table.attrs.get("spread", 0.0))


def _rank_desc(values: np.ndarray) -> np.ndarray:
    """Competition ranks per row of a (draws, units) array: 1 + number strictly better."""
    return 1 + (values[:, None, :] > values[:, :, None]).sum(axis=2)


def _rank_asc(values: np.ndarray) -> np.ndarray:
    return 1 + (values[:, None, :] < values[:, :, None]).sum(axis=2)


def _below(values: np.ndarray, threshold: float, baseline: np.ndarray,
           relative: np.ndarray) -> np.ndarray:
    """Whether each (draw, unit) is below a score threshold (see the comment at the call)."""
    values = np.nan_to_num(values, nan=np.inf)
    count = int((np.nan_to_num(baseline, nan=np.inf) < threshold).sum())
    lowest = _rank_asc(values) <= count
    return np.where(relative, lowest, values < threshold)


def robust_ranks(assessment: Assessment, config: IndicatorSystem, year: int, *,
                 draws: int | None = None, seed: int | None = None,
                 spread: float | None = None,
                 normalisations: tuple[str, ...] = tuple(NORMALISATIONS),
                 aggregations: tuple[str, ...] = tuple(AGGREGATIONS)) -> RobustRanks:
    """Monte Carlo ranks and flag shares of the assessed units in one year."""
    m = config.method
    draws = m.robust_draws if draws is None else draws
    seed = m.robust_seed if seed is None else seed
    spread = m.robust_weight_spread if spread is None else spread
    scores = assessment.scores
    current = scores[(scores["year"] == year) & scores["assessed"]].set_index("adcode")
    units = current.index.tolist()
    if not units:
        raise ValueError(f"{year} 年没有纳入考核的单位")
    k = m.flag_declines_running
    years = [y for y in range(year - k, year + 1) if y in assessment.years]
    codes = assessment.weights.index.tolist()
    groups = [g.code for g in config.groups]
    member = np.array([[config.indicator(c).group == g for g in groups] for c in codes], float)
    cw = assessment.weights.to_numpy()
    base_w = cw  # within-group weights are proportional to composite weights
    base_group = cw @ member  # group weights, proportional to the configured ones

    grid = pd.MultiIndex.from_product([units, years], names=["adcode", "year"])
    adcodes = assessment.values.index.get_level_values("adcode")
    reference = pd.Series(adcodes.isin(scores.loc[scores["assessed"], "adcode"].unique()),
                          index=assessment.values.index)
    variants = np.stack([
        normalise(assessment.values[codes], config, v, reference=reference).loc[grid].to_numpy()
        for v in normalisations])  # (V, R, J)
    present = ~np.isnan(variants)
    filled = np.nan_to_num(variants)
    logs = np.log(np.maximum(filled, GEOMETRIC_FLOOR))
    deduction = (scores.set_index(["adcode", "year"])["deduction"].loc[grid].to_numpy())

    rng = np.random.default_rng(seed)
    pick_norm = rng.integers(len(normalisations), size=draws)
    pick_geo = rng.integers(len(aggregations), size=draws)
    geo_index = aggregations.index("geometric") if "geometric" in aggregations else -1
    w = base_w * rng.uniform(1 - spread, 1 + spread, size=(draws, len(codes)))
    gw = base_group * rng.uniform(1 - spread, 1 + spread, size=(draws, len(groups)))

    n_units, n_years = len(units), len(years)
    composite = np.empty((draws, n_units, n_years))
    group_now = np.empty((draws, n_units, len(groups)))
    for start in range(0, draws, CHUNK):
        sl = slice(start, min(start + CHUNK, draws))
        v = pick_norm[sl]
        wd = w[sl][:, None, :]  # (c, 1, J)
        denom = (present[v] * wd) @ member  # (c, R, G)
        safe = np.where(denom > 0, denom, np.nan)
        arith = ((filled[v] * wd) @ member) / safe
        geo = np.exp(((logs[v] * present[v] * wd) @ member) / safe)
        is_geo = (pick_geo[sl] == geo_index)[:, None, None]
        s = np.where(is_geo, geo, arith)  # (c, R, G)
        g = gw[sl][:, None, :]
        ok = ~np.isnan(s)
        gsum = (ok * g).sum(axis=2)
        a_comp = np.nansum(s * g, axis=2) / gsum
        g_comp = np.exp(np.nansum(np.log(np.maximum(s, GEOMETRIC_FLOOR)) * g, axis=2) / gsum)
        comp = np.where(is_geo[:, :, 0], g_comp, a_comp) - deduction
        composite[sl] = np.maximum(comp, 0.0).reshape(-1, n_units, n_years)
        group_now[sl] = s.reshape(-1, n_units, n_years, len(groups))[:, :, -1, :]

    now = composite[:, :, -1]
    classes = current["assessment_class"].to_numpy()
    rank_class = np.empty_like(now, dtype=int)
    from_bottom = np.empty_like(now, dtype=int)
    for cls in np.unique(classes):
        cols = np.flatnonzero(classes == cls)
        rank_class[:, cols] = _rank_desc(now[:, cols])
        from_bottom[:, cols] = _rank_asc(now[:, cols])
    rank_province = _rank_desc(now)

    # Score thresholds (composite < 60, a group < 50) are points on the goalpost scale.
    # Min–max and z-scores are relative scales, so there a threshold is applied at the
    # same percentile it falls at in the published result: if 5 of 82 units are below 60,
    # the 5 lowest units of such a draw fire the rule.
    relative = np.array([normalisations[i] != "goalposts" for i in pick_norm])[:, None]
    fired = from_bottom <= m.flag_bottom_n
    fired |= _below(now, m.flag_composite_below,
                    current["composite"].to_numpy(float), relative)
    for j, code in enumerate(groups):
        fired |= _below(group_now[:, :, j], m.flag_group_below,
                        current[code].to_numpy(float), relative)
    if k > 0 and n_years == k + 1:
        # Relative scales cannot say whether a score fell from one year to the next, so
        # there the declines rule keeps its published outcome.
        change = scores.set_index(["adcode", "year"])["score_change"].loc[grid]
        published = (change.to_numpy().reshape(n_units, n_years)[:, 1:] < 0).all(axis=1)
        drawn = (np.diff(composite, axis=2) < 0).all(axis=2)
        fired |= np.where(relative, published[None, :], drawn)
    if m.flag_on_gate_failure:
        fired |= current["gate_failed"].to_numpy(bool)[None, :]

    def pct(a: np.ndarray, q: float) -> np.ndarray:
        return np.percentile(a, q, axis=0, method="inverted_cdf")

    table = pd.DataFrame({
        "name": current["name"], "assessment_class": current["assessment_class"],
        "rank_class": current["rank_class"], "rank_province": current["rank_province"],
        "class_median": np.median(rank_class, axis=0),
        "class_p05": pct(rank_class, 5), "class_p95": pct(rank_class, 95),
        "province_median": np.median(rank_province, axis=0),
        "province_p05": pct(rank_province, 5), "province_p95": pct(rank_province, 95),
        "bottom_share": (from_bottom <= m.flag_bottom_n).mean(axis=0),
        "flag_share": fired.mean(axis=0),
        "flagged": current["flagged"].astype(bool),
    }, index=pd.Index(units, name="adcode"))
    table["flag_robust"] = table["flagged"] & (table["flag_share"] >= m.robust_share)
    table.attrs["spread"] = spread
    return RobustRanks(year=year, draws=draws, seed=seed, table=table)


def robust_label(row: pd.Series, share: float) -> str:
    """How to say a flag's robustness in Chinese."""
    if not row["flagged"]:
        return ""
    pct = f"{row['flag_share']:.0%}"
    if row["flag_share"] >= share:
        return f"稳健（{pct} 的抽样中仍被预警）"
    return f"不稳健（仅 {pct} 的抽样中被预警，结果取决于方法选择）"
