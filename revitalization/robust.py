"""Robustness: how much a unit's rank, grade and 约谈 flag depend on choices and data error.

A seeded Monte Carlo over what a reasonable analyst could have chosen and over what the
data could have been (OECD/JRC Handbook, uncertainty analysis). Each draw picks

- a normalisation for the ranking: fixed goalposts, annual min–max or annual z-score;
- an aggregation: arithmetic or geometric mean, at both levels (geometric means floor
  scores at 1 point so a zero does not wipe out a unit);
- every indicator weight and every group weight multiplied by U(1 − s, 1 + s);
- an imputation of the missing values: carried forward, interpolated or class median;
- data error: every value multiplied by 1 + e·N(0, 1), e the indicator's relative error
  (``error`` in the configuration, else ``robust_data_error``); gates are re-checked;
- the cut-offs: the composite and group thresholds each moved by U(−c, c) points and the
  minimum decline by U(−c/2, c/2).

Every rule is evaluated honestly in every draw. Ranks (排名落后, grades) come from the
draw's normalisation; the points rules (composite and group thresholds, two declines)
are defined on the goalpost scale, so they are evaluated on the draw's goalpost scores
(with its weights, aggregation, imputation and data error) over the years they read.
Per unit: median rank and the 5–95 % range, in province and in class, the share of draws
in which it is flagged, and the share in which it keeps its grade. A flag is robust when
it holds in at least ``robust_share`` of draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from revitalization.config import NORMALISATIONS, IndicatorSystem
from revitalization.engine import (
    IMPUTATIONS,
    Assessment,
    bottom_places,
    impute,
    province_places,
    quota_places,
)
from revitalization.wording import NOT_ASSESSED

AGGREGATIONS = {"arithmetic": "算术平均", "geometric": "几何平均"}
GEOMETRIC_FLOOR = 1.0
CHUNK = 50


@dataclass(frozen=True)
class RobustRanks:
    year: int
    draws: int
    seed: int
    table: pd.DataFrame  # indexed by adcode (assessed units)
    covers: tuple[str, ...] = ()  # what was varied, in Chinese

    def describe(self) -> str:
        """One Chinese sentence saying what was varied (and so what 稳健 covers)."""
        return (f"{self.year} 年度结果的稳健性检验：{self.draws} 次蒙特卡洛抽样（随机种子 {self.seed}），"
                f"每次同时改变{'、'.join(self.covers)}。“稳健”只针对这些因素；"
                "指标体系本身的取舍和考核类别划分不在检验范围内。")


def _rank_desc(values: np.ndarray) -> np.ndarray:
    """Competition ranks per row of a (draws, units) array: 1 + number strictly better."""
    return 1 + (values[:, None, :] > values[:, :, None]).sum(axis=2)


def _normalise(x: np.ndarray, how: str, lo: np.ndarray, hi: np.ndarray,
               higher: np.ndarray) -> np.ndarray:
    """Normalise a (draws, units, years, indicators) array like ``engine.normalise``
    (relative scales per draw and year over the units, who are all assessed)."""
    if how == "goalposts":
        y = (x - lo) / (hi - lo)
        return 100.0 * np.clip(np.where(higher, y, 1.0 - y), 0.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore", all="ignore"):
        if how == "minmax":
            low, high = np.nanmin(x, axis=1, keepdims=True), np.nanmax(x, axis=1, keepdims=True)
            span = np.where(high - low > 0, high - low, np.nan)
            y = (x - low) / span
            y = 100.0 * np.clip(np.where(higher, y, 1.0 - y), 0.0, 1.0)
        else:
            mean = np.nanmean(x, axis=1, keepdims=True)
            std = np.nanstd(x, axis=1, keepdims=True)
            z = (x - mean) / np.where(std > 0, std, np.nan)
            y = np.clip(50.0 + 15.0 * np.where(higher, z, -z), 0.0, 100.0)
    return np.where(np.isnan(y) & ~np.isnan(x), 50.0, y)


def _aggregate(y: np.ndarray, w: np.ndarray, gw: np.ndarray, member: np.ndarray,
               geometric: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group scores (c, R, G) and composites (c, R) of normalised scores y (c, R, J)."""
    present = ~np.isnan(y)
    filled = np.nan_to_num(y)
    wd = w[:, None, :]
    denom = (present * wd) @ member
    safe = np.where(denom > 0, denom, np.nan)
    arith = ((filled * wd) @ member) / safe
    logs = np.log(np.maximum(filled, GEOMETRIC_FLOOR)) * present
    geo = np.exp(((logs * wd) @ member) / safe)
    s = np.where(geometric[:, None, None], geo, arith)
    g = gw[:, None, :]
    gsum = (~np.isnan(s) * g).sum(axis=2)
    a_comp = np.nansum(s * g, axis=2) / gsum
    g_comp = np.exp(np.nansum(np.log(np.maximum(s, GEOMETRIC_FLOOR)) * g, axis=2) / gsum)
    return s, np.where(geometric[:, None], g_comp, a_comp)


def robust_ranks(assessment: Assessment, config: IndicatorSystem, year: int, *,
                 draws: int | None = None, seed: int | None = None,
                 spread: float | None = None,
                 normalisations: tuple[str, ...] = tuple(NORMALISATIONS),
                 aggregations: tuple[str, ...] = tuple(AGGREGATIONS),
                 imputations: tuple[str, ...] = tuple(IMPUTATIONS),
                 data_error: float | None = None,
                 cutoff_spread: float | None = None) -> RobustRanks:
    """Monte Carlo ranks, flag shares and grade shares of the assessed units in one year.

    ``data_error`` scales every indicator's relative error (None: as configured; 0: none).
    """
    m = config.method
    draws = m.robust_draws if draws is None else draws
    seed = m.robust_seed if seed is None else seed
    spread = m.robust_weight_spread if spread is None else spread
    cutoff = m.robust_cutoff_spread if cutoff_spread is None else cutoff_spread
    scores = assessment.scores
    current = scores[(scores["year"] == year) & scores["assessed"]].set_index("adcode")
    units = current.index.tolist()
    if not units:
        raise ValueError(f"{year} 年没有纳入考核的单位")
    run = m.flag_declines_running
    years = [y for y in range(year - run, year + 1) if y in assessment.years]
    scored = assessment.weights.index.tolist()
    gates = [i for i in config.gates if i.code in assessment.values.columns]
    codes = scored + [g.code for g in gates if g.code not in scored]
    inds = [config.indicator(c) for c in codes]
    groups = [g.code for g in config.groups]
    member = np.array([[config.indicator(c).group == g for g in groups] for c in scored], float)
    base_w = assessment.weights.to_numpy()  # within-group weights ∝ composite weights
    base_group = base_w @ member  # ∝ the configured group weights
    if data_error is None:
        error = np.array([m.robust_data_error if i.error is None else i.error for i in inds])
    else:
        error = np.full(len(codes), float(data_error))

    # The grid's values under each imputation (reported values are the same in all).
    grid = pd.MultiIndex.from_product([units, years], names=["adcode", "year"])
    raw = assessment.values[codes].where(assessment.imputed[codes] == "")
    unit_rows = scores.drop_duplicates("adcode").set_index("adcode")
    pools = unit_rows["assessment_class"].where(unit_rows["assessed"], NOT_ASSESSED)
    panels = np.stack([impute(raw, pools, how)[0].loc[grid].to_numpy()
                       if (assessment.imputed[codes] != "").to_numpy().any()
                       else assessment.values[codes].loc[grid].to_numpy()
                       for how in imputations])  # (I, R, J)
    n_units, n_years, n_codes = len(units), len(years), len(codes)
    lo = np.array([i.lower for i in inds])[:len(scored)]
    hi = np.array([i.upper for i in inds])[:len(scored)]
    higher = np.array([i.higher_is_better for i in inds])[:len(scored)]
    gate_cols = [codes.index(g.code) for g in gates]
    gate_thr = np.array([g.gate_threshold for g in gates], float)
    gate_higher = np.array([g.higher_is_better for g in gates])

    rng = np.random.default_rng(seed)
    pick_norm = rng.integers(len(normalisations), size=draws)
    pick_geo = rng.integers(len(aggregations), size=draws)
    pick_imp = rng.integers(len(imputations), size=draws)
    geometric = pick_geo == (aggregations.index("geometric") if "geometric" in aggregations else -1)
    w = base_w * rng.uniform(1 - spread, 1 + spread, size=(draws, len(scored)))
    gw = base_group * rng.uniform(1 - spread, 1 + spread, size=(draws, len(groups)))
    shift_comp = rng.uniform(-cutoff, cutoff, size=draws)
    shift_group = rng.uniform(-cutoff, cutoff, size=draws)
    shift_decline = rng.uniform(-cutoff / 2, cutoff / 2, size=draws)
    noise = rng.standard_normal((draws, n_units * n_years, n_codes))

    ranked = np.empty((draws, n_units))  # composite on the draw's ranking scale, this year
    points = np.empty((draws, n_units, n_years))  # composite on the goalpost scale
    group_now = np.empty((draws, n_units, len(groups)))  # goalpost group scores, this year
    gate_now = np.zeros((draws, n_units), dtype=bool)  # a gate failed this year
    for start in range(0, draws, CHUNK):
        sl = slice(start, min(start + CHUNK, draws))
        c = sl.stop - sl.start
        x = panels[pick_imp[sl]] * (1.0 + error * noise[sl])  # (c, R, J)
        failed = np.zeros(x.shape[:2])
        for j, thr, up in zip(gate_cols, gate_thr, gate_higher, strict=True):
            v = x[:, :, j]
            failed += np.where(np.isnan(v), False, (v < thr) if up else (v > thr))
        deduction = failed * m.gate_deduction
        gate_now[sl] = failed.reshape(c, n_units, n_years)[:, :, -1] > 0
        x4 = x[:, :, :len(scored)].reshape(c, n_units, n_years, len(scored))
        goal = _normalise(x4, "goalposts", lo, hi, higher).reshape(c, -1, len(scored))
        s, comp = _aggregate(goal, w[sl], gw[sl], member, geometric[sl])
        comp = np.maximum(comp - deduction, 0.0).reshape(c, n_units, n_years)
        points[sl] = comp
        group_now[sl] = s.reshape(c, n_units, n_years, len(groups))[:, :, -1, :]
        now = comp[:, :, -1].copy()
        for v, how in enumerate(normalisations):
            rows = np.flatnonzero(pick_norm[sl] == v)
            if how == "goalposts" or not len(rows):
                continue
            y = _normalise(x4[rows], how, lo, hi, higher).reshape(len(rows), -1, len(scored))
            _, other = _aggregate(y, w[sl][rows], gw[sl][rows], member, geometric[sl][rows])
            other = np.maximum(other - deduction[rows], 0.0).reshape(len(rows), n_units, n_years)
            now[rows] = other[:, :, -1]
        ranked[sl] = now

    classes = current["assessment_class"].to_numpy()
    rank_class = np.empty_like(ranked, dtype=int)
    for cls in np.unique(classes):
        cols = np.flatnonzero(classes == cls)
        rank_class[:, cols] = _rank_desc(ranked[:, cols])
    rank_province = _rank_desc(ranked)
    size = current["class_size"].to_numpy(float)
    n_prov = float(n_units)

    bottom = rank_class > size - bottom_places(m, size)
    if m.flag_province_bottom_share < 1:
        bottom &= rank_province > n_prov - province_places(m.flag_province_bottom_share, n_prov)
    fired = bottom.copy()
    fired |= points[:, :, -1] < (m.flag_composite_below + shift_comp)[:, None]
    fired |= (group_now < (m.flag_group_below + shift_group)[:, None, None]).any(axis=2)
    if run > 0 and n_years == run + 1:
        minimum = np.maximum(m.flag_decline_min + shift_decline, 0.0)[:, None, None]
        fired |= (np.diff(points, axis=2) <= -minimum).all(axis=2)
    if m.flag_on_gate_failure:
        fired |= gate_now

    grade = _draw_grades(m, rank_class, rank_province, size, n_prov, points[:, :, -1], fired)
    published = current["grade"].to_numpy(object)
    graded = np.array([isinstance(g, str) for g in published])
    keeps = (grade == np.where(graded, published, "")[None, :]).mean(axis=0)

    def pct(a: np.ndarray, q: float) -> np.ndarray:
        return np.percentile(a, q, axis=0, method="inverted_cdf")

    table = pd.DataFrame({
        "name": current["name"], "assessment_class": current["assessment_class"],
        "rank_class": current["rank_class"], "rank_province": current["rank_province"],
        "class_median": np.median(rank_class, axis=0),
        "class_p05": pct(rank_class, 5), "class_p95": pct(rank_class, 95),
        "province_median": np.median(rank_province, axis=0),
        "province_p05": pct(rank_province, 5), "province_p95": pct(rank_province, 95),
        "bottom_share": bottom.mean(axis=0),
        "flag_share": fired.mean(axis=0),
        "flagged": current["flagged"].astype(bool),
        "grade": current["grade"],
        "grade_share": np.where(graded, keeps, np.nan),
    }, index=pd.Index(units, name="adcode"))
    table["flag_robust"] = table["flagged"] & (table["flag_share"] >= m.robust_share)
    covers = []
    if len(normalisations) > 1:
        covers.append("归一化方法（" + " / ".join(NORMALISATIONS[n] for n in normalisations) + "）")
    if len(aggregations) > 1:
        covers.append("汇总方式（算术 / 几何平均）")
    if spread > 0:
        covers.append(f"各指标和各振兴权重（±{spread:.0%}）")
    if len(imputations) > 1:
        covers.append("缺失值插补方法（" + " / ".join(IMPUTATIONS[i].replace("（默认）", "")
                                              for i in imputations) + "）")
    if error.max() > 0:
        covers.append(f"指标数据误差（相对误差 {error.min() * 100:g}%–{error.max() * 100:g}%）"
                      if error.min() != error.max() else f"指标数据误差（±{error.max() * 100:g}%）")
    if cutoff > 0:
        covers.append(f"分数线（60 分、50 分线 ±{cutoff:g} 分，降幅下限 ±{cutoff / 2:g} 分）")
    return RobustRanks(year=year, draws=draws, seed=seed, table=table, covers=tuple(covers))


def _draw_grades(m, rank_class: np.ndarray, rank_province: np.ndarray, size: np.ndarray,
                 n_prov: float, points: np.ndarray, fired: np.ndarray) -> np.ndarray:
    """Each draw's grade of each unit under the configured grade rule (the engine's rules,
    on the draw's ranks and scores)."""
    grade = np.full(rank_class.shape, "", dtype=object)
    if m.grade_mode == "quota":
        places = quota_places(m, size)
        for g, _ in m.grade_quotas:
            grade[(grade == "") & (rank_class <= places[g])] = g
        if m.excellent_province_top_share < 1:
            held = (grade == "优秀") & (rank_province > province_places(
                m.excellent_province_top_share, n_prov))
            grade[held] = m.grades[1]
    else:
        for g, threshold in m.grade_thresholds:
            grade[(grade == "") & (points >= threshold)] = g
        grade[grade == ""] = m.grades[-1]
    grade[(grade == "优秀") & fired] = m.grades[1]
    return grade


def robust_label(row: pd.Series, share: float) -> str:
    """How to say a flag's robustness in Chinese."""
    if not row["flagged"]:
        return ""
    pct = f"{row['flag_share']:.0%}"
    if row["flag_share"] >= share:
        return f"稳健（{pct} 的抽样中仍被预警）"
    return f"不稳健（仅 {pct} 的抽样中被预警，结果取决于方法选择或数据误差）"


def score_noise(assessment: Assessment, config: IndicatorSystem, year: int, *,
                draws: int = 400, seed: int | None = None) -> pd.Series:
    """Each assessed unit's composite standard deviation (points) under the configured
    data error alone: the measured noise a decline must exceed to mean anything."""
    m = config.method
    rng = np.random.default_rng(m.robust_seed if seed is None else seed)
    current = assessment.year(year)
    units = current.index[current["assessed"]]
    scored = assessment.weights.index.tolist()
    inds = [config.indicator(c) for c in scored]
    error = np.array([m.robust_data_error if i.error is None else i.error for i in inds])
    x = assessment.values.xs(year, level="year").loc[units, scored].to_numpy()
    lo, hi = np.array([i.lower for i in inds]), np.array([i.upper for i in inds])
    higher = np.array([i.higher_is_better for i in inds])
    noisy = x[None] * (1.0 + error * rng.standard_normal((draws, *x.shape)))
    y = _normalise(noisy[:, :, None, :], "goalposts", lo, hi, higher)[:, :, 0, :]
    comp = np.nansum(y * assessment.weights.to_numpy(), axis=2)
    return pd.Series(comp.std(axis=0), index=units)
