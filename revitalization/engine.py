"""The annual performance assessment (实绩考核): scores, ranks, grades, progress and flags.

One pure, vectorised computation over a panel of units × years × indicators. Every view
of the dashboard (maps, rankings, laggards, profiles) reads its result. Rules and
thresholds come from the configuration's ``method`` section.

Conventions, stated once:
- Scores are 0–100. Normalisation defaults to fixed goalposts, so years are comparable.
- Missing values are imputed (last year carried forward, else the class median of that
  year) and always flagged; a unit with more than ``max_imputed_share`` of its scored
  indicators imputed gets a score but no grade.
- Ties: equal composites (compared at full precision) share the best rank (1, 2, 2, 4).
- Only assessed units are ranked, graded and flagged; the others are scored for display.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from revitalization.config import GRADES, IndicatorSystem, Method
from revitalization.wording import NOT_ASSESSED

KEY = ["adcode", "year"]
IMPUTE_LABELS = {"carried_forward": "沿用上年数据", "class_median": "采用同类单位中位数"}


@dataclass(frozen=True)
class Assessment:
    """The result of one assessment run over all years of a panel."""

    scores: pd.DataFrame  # one row per unit-year: scores, ranks, grade, progress, flags
    values: pd.DataFrame  # wide, index (adcode, year): values after imputation
    imputed: pd.DataFrame  # wide, same shape: "" or an imputation method
    normalised: pd.DataFrame  # wide: indicator scores 0–100
    contributions: pd.DataFrame  # wide: points each indicator adds to the composite
    weights: pd.Series  # effective composite weight of each scored indicator (sums to 1)
    fingerprint: str  # hash of configuration and data
    published: dict[int, str] = field(default_factory=dict)  # frozen years → their label

    def year(self, year: int) -> pd.DataFrame:
        """Score rows of one assessment year, indexed by adcode."""
        return self.scores[self.scores["year"] == year].set_index("adcode")

    @property
    def years(self) -> list[int]:
        return sorted(self.scores["year"].unique().tolist())


def data_version(observations: pd.DataFrame) -> str:
    """A short hash of the observation data (independent of row order)."""
    rows = pd.util.hash_pandas_object(observations[["adcode", "year", "indicator", "value"]],
                                      index=False).to_numpy()
    return hashlib.sha256(np.sort(rows).tobytes()).hexdigest()[:12]


def to_panel(observations: pd.DataFrame, adcodes: list[str], years: list[int],
             codes: list[str]) -> pd.DataFrame:
    """Long observations → a full wide grid (every unit × year), NaN where missing.

    Rows for units, years or indicators outside the grid are ignored. (Each unit, year
    and indicator has at most one value: the store's unique key guarantees it.)
    """
    units, years, codes = sorted(adcodes), sorted(years), list(codes)
    def position(column: str, categories: list) -> np.ndarray:  # −1 when outside
        codes, uniques = pd.factorize(observations[column])
        where = pd.Index(categories).get_indexer(uniques)
        return np.where(codes >= 0, where[codes], -1)

    u, y, c = position("adcode", units), position("year", years), position("indicator", codes)
    keep = (u >= 0) & (y >= 0) & (c >= 0)
    grid = np.full((len(units) * len(years), len(codes)), np.nan)
    grid[(u * len(years) + y)[keep], c[keep]] = observations["value"].to_numpy(float)[keep]
    index = pd.MultiIndex.from_product([units, years], names=KEY)
    return pd.DataFrame(grid, index=index, columns=pd.Index(codes, name="indicator"))


def impute(panel: pd.DataFrame, classes: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill gaps: last reported year first, else the class median of the same year.

    Returns the filled panel and a same-shaped frame naming the method per imputed cell.
    """
    carried = panel.groupby(level="adcode").ffill()
    cls = panel.index.get_level_values("adcode").map(classes).to_numpy()
    years = panel.index.get_level_values("year").to_numpy()
    medians = panel.groupby([cls, years]).transform("median")
    filled = carried.fillna(medians)
    how = pd.DataFrame("", index=panel.index, columns=panel.columns)
    missing = panel.isna()
    how[missing & carried.notna()] = "carried_forward"
    how[missing & carried.isna() & filled.notna()] = "class_median"
    return filled, how


def normalise(values: pd.DataFrame, config: IndicatorSystem, method: str,
              reference: pd.Series | None = None) -> pd.DataFrame:
    """Indicator values → 0–100 scores, aware of direction.

    goalposts: fixed lower/upper from the configuration (comparable across years);
    minmax / zscore: per year over the ``reference`` units (default all), for robustness.
    """
    inds = [config.indicator(c) for c in values.columns]
    higher = np.array([i.higher_is_better for i in inds])
    if method == "goalposts":
        lo = np.array([i.lower for i in inds])
        hi = np.array([i.upper for i in inds])
        y = (values.to_numpy() - lo) / (hi - lo)
        y = np.where(higher, y, 1.0 - y)
        return pd.DataFrame(100.0 * np.clip(y, 0.0, 1.0), index=values.index,
                            columns=values.columns)
    ref = values if reference is None else values[reference.reindex(values.index).to_numpy()]
    by_year = ref.groupby(level="year")
    years = values.index.get_level_values("year")
    if method == "minmax":
        lo = by_year.min().reindex(years).to_numpy()
        hi = by_year.max().reindex(years).to_numpy()
        span = np.where(hi - lo > 0, hi - lo, np.nan)
        y = (values.to_numpy() - lo) / span
        y = np.where(higher, y, 1.0 - y)
        y = 100.0 * np.clip(y, 0.0, 1.0)
    elif method == "zscore":
        mean = by_year.mean().reindex(years).to_numpy()
        std = by_year.std(ddof=0).reindex(years).to_numpy()
        z = (values.to_numpy() - mean) / np.where(std > 0, std, np.nan)
        z = np.where(higher, z, -z)
        y = np.clip(50.0 + 15.0 * z, 0.0, 100.0)
    else:
        raise ValueError(f"unknown normalisation {method!r}")
    y = np.where(np.isnan(y) & ~np.isnan(values.to_numpy()), 50.0, y)  # constant column
    return pd.DataFrame(y, index=values.index, columns=values.columns)


def entropy_weights(normalised: pd.DataFrame) -> pd.Series:
    """Entropy weights over a pooled panel: columns with more spread weigh more.

    p_ij = z_ij / Σ_i z_ij, e_j = −(1/ln n) Σ_i p_ij ln p_ij, d_j = 1 − e_j, w_j = d_j / Σ d_j.
    """
    z = normalised.dropna(how="any").to_numpy() + 1e-9
    n = z.shape[0]
    p = z / z.sum(axis=0)
    e = -(p * np.log(p)).sum(axis=0) / np.log(n)
    d = 1.0 - e
    return pd.Series(d / d.sum(), index=normalised.columns)


def indicator_weights(config: IndicatorSystem, normalised: pd.DataFrame | None = None
                      ) -> pd.Series:
    """Within-group weights of scored indicators (policy or frozen entropy weights)."""
    codes = [i.code for i in config.scored]
    if config.method.weighting == "entropy":
        if normalised is None:
            raise ValueError("entropy weighting needs the normalised base panel")
        years = normalised.index.get_level_values("year")
        base = normalised[years.isin(config.method.entropy_base_years)][codes]
        return entropy_weights(base)
    return pd.Series({i.code: i.weight for i in config.scored})[codes]


def composite_weights(config: IndicatorSystem, within: pd.Series) -> pd.Series:
    """Effective composite weight of each scored indicator: W_group/ΣW × w/Σw_group."""
    total = sum(g.weight for g in config.groups)
    out = {}
    for g in config.groups:
        codes = [i.code for i in config.in_group(g.code) if i.code in within.index]
        group_sum = within[codes].sum()
        for c in codes:
            out[c] = g.weight / total * within[c] / group_sum if group_sum > 0 else 0.0
    return pd.Series(out)[within.index]


def group_scores(normalised: pd.DataFrame, config: IndicatorSystem,
                 within: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each revitalization's score S = Σ w·y / Σ w over the indicators present, and each
    indicator's share of it, w·y / Σ w (so a group's shares add up to its score)."""
    out = {}
    shares = []
    for g in config.groups:
        codes = [i.code for i in config.in_group(g.code) if i.code in within.index]
        y = normalised[codes].to_numpy()
        w = within[codes].to_numpy()
        present = ~np.isnan(y)
        wsum = (present * w).sum(axis=1)
        safe = np.where(wsum > 0, wsum, np.nan)[:, None]
        share = y * w / safe
        shares.append(pd.DataFrame(share, index=normalised.index, columns=codes))
        out[g.code] = np.where(wsum > 0, np.nansum(share, axis=1), np.nan)
    share = pd.concat(shares, axis=1)[[c for c in normalised.columns if c in within.index]]
    return pd.DataFrame(out, index=normalised.index), share


def rank_desc(scores: pd.Series, by: list[pd.Series] | None = None) -> pd.Series:
    """Competition ranks (1 = best; ties share the best rank), within ``by`` groups."""
    if by is None:
        return scores.rank(ascending=False, method="min")
    return scores.groupby(by).rank(ascending=False, method="min")


def assess(observations: pd.DataFrame, regions: pd.DataFrame, config: IndicatorSystem,
           years: list[int] | None = None) -> Assessment:
    """Run the assessment over every year of the observations."""
    method = config.method
    regions = regions.set_index("adcode")
    years = sorted(years or observations["year"].unique().tolist())
    codes = [i.code for i in config.indicators]
    scored = [i.code for i in config.scored]
    panel = to_panel(observations, regions.index.tolist(), years, codes)
    # Impute within assessed classes; non-assessed units form their own pool.
    pools = regions["assessment_class"].where(regions["assessed"], NOT_ASSESSED)
    values, how = impute(panel, pools)
    assessed = pd.Series(values.index.get_level_values("adcode").map(regions["assessed"]),
                         index=values.index).astype(bool)
    normalised = normalise(values[scored], config, method.normalisation, reference=assessed)
    within = indicator_weights(config, normalised)
    cw = composite_weights(config, within)
    groups, shares = group_scores(normalised, config, within)
    gweights = pd.Series({g.code: g.weight for g in config.groups})
    composite_raw = (groups * gweights).sum(axis=1, min_count=1) / gweights.sum()
    # Points each indicator adds to the composite before gate deductions; they add up
    # exactly to composite_raw (a missing indicator's weight goes to its group-mates).
    group_of = pd.Series({i.code: i.group for i in config.scored})[shares.columns]
    contributions = shares * (group_of.map(gweights) / gweights.sum()).to_numpy()

    scores = groups.reset_index()
    scores["composite_raw"] = composite_raw.to_numpy()
    scores = scores.merge(
        regions[["name", "short_name", "city_adcode", "city_name", "assessed",
                 "assessment_class"]].reset_index(), on="adcode", how="left")
    scores["imputed_count"] = (how[scored] != "").sum(axis=1).to_numpy()
    scores["imputed_share"] = scores["imputed_count"] / len(scored)
    _gates(scores, values, config)
    scores["composite"] = (scores["composite_raw"] - scores["deduction"]).clip(lower=0.0)
    _ranks(scores)
    scores = scores.sort_values(KEY).reset_index(drop=True)
    _grades(scores, method)
    progress(scores, method)
    _flags(scores, config)
    fp = hashlib.sha256(f"{config.fingerprint()}:{data_version(observations)}".encode())
    return Assessment(
        scores=scores,
        values=values, imputed=how, normalised=normalised,
        contributions=contributions, weights=cw, fingerprint=fp.hexdigest()[:12],
    )


def _gates(scores: pd.DataFrame, values: pd.DataFrame, config: IndicatorSystem) -> None:
    failed: list[list[str]] = [[] for _ in range(len(scores))]
    for ind in config.gates:
        col = values[ind.code].to_numpy()
        thr = ind.gate_threshold
        bad = (col < thr) if ind.higher_is_better else (col > thr)
        for k in np.flatnonzero(bad & ~np.isnan(col)):
            failed[k].append(
                f"门槛指标未达标：{ind.name} {ind.format_value(col[k])}"
                f"（门槛 {ind.format_value(thr)}）")
    scores["gate_failures"] = failed
    scores["gate_failed"] = scores["gate_failures"].map(bool)
    per_gate = config.method.gate_deduction
    scores["deduction"] = scores["gate_failures"].map(len) * per_gate


def _ranks(scores: pd.DataFrame) -> None:
    a = scores["assessed"]
    comp = scores["composite"].where(a)
    scores["rank_province"] = rank_desc(comp, [scores["year"]])
    scores["rank_class"] = rank_desc(comp, [scores["year"], scores["assessment_class"]])
    scores["rank_city"] = rank_desc(comp, [scores["year"], scores["city_adcode"]])
    keys = [scores["year"], scores["assessment_class"]]
    scores["class_size"] = comp.groupby(keys).transform("count").where(a)
    scores["province_size"] = comp.groupby(scores["year"]).transform("count").where(a)
    scores["city_size"] = comp.groupby([scores["year"], scores["city_adcode"]]
                                       ).transform("count").where(a)
    scores["rank_class_from_bottom"] = comp.groupby(keys).rank(ascending=True, method="min")


def _grades(scores: pd.DataFrame, method: Method) -> None:
    gradable = scores["assessed"] & (scores["imputed_share"] <= method.max_imputed_share)
    grade = pd.Series(pd.NA, index=scores.index, dtype="object")
    reason = pd.Series("", index=scores.index, dtype="object")
    if method.grade_mode == "quota":
        comp = scores["composite"].where(gradable)
        keys = [scores["year"], scores["assessment_class"]]
        rank = comp.groupby(keys).rank(ascending=False, method="min")
        n = comp.groupby(keys).transform("count")
        cum = 0.0
        for g, share in method.grade_quotas:
            lower = np.floor(cum * n + 0.5)
            cum += share
            upper = np.floor(cum * n + 0.5)
            hit = gradable & (rank > lower) & (rank <= upper) & grade.isna()
            grade[hit] = g
            reason[hit] = (f"{g}：类内第 " + rank[hit].astype(int).astype(str) + "/"
                           + n[hit].astype(int).astype(str) + f" 名，位于{_quota_text(cum - share, cum)}")
        grade[gradable & grade.isna()] = GRADES[-1]
    else:
        thresholds = dict(method.grade_thresholds)
        for g in GRADES:
            if g in thresholds:
                hit = gradable & grade.isna() & (scores["composite"] >= thresholds[g])
                reason[hit] = f"{g}：综合得分不低于 {thresholds[g]:g} 分"
            else:
                hit = gradable & grade.isna()
                reason[hit] = f"{g}：综合得分低于 {min(thresholds.values()):g} 分"
            grade[hit] = g
    if method.gate_cap_grade:
        capped = (grade == "优秀") & scores["gate_failed"]
        grade[capped] = "良好"
        reason[capped] = "按排名应为优秀，因门槛指标未达标，等次最高为良好"
    too_much = scores["assessed"] & ~gradable
    reason[too_much] = (
        "不评定等次：" + scores.loc[too_much, "imputed_count"].astype(str)
        + f" 项指标为插补值，超过计分指标的 {method.max_imputed_share:.0%}")
    reason[~scores["assessed"]] = NOT_ASSESSED
    scores["grade"] = grade
    scores["grade_reason"] = reason


def _quota_text(start: float, end: float) -> str:
    if start <= 0:
        return f"前 {end:.0%}"
    if end >= 1 - 1e-9:
        return f"后 {1 - start:.0%}"
    return f"前 {start:.0%}–{end:.0%} 区间"


def progress(scores: pd.DataFrame, method: Method) -> None:
    """Score and class-rank change from the previous year (rows sorted by unit, year)."""
    prev = scores.groupby("adcode")[["composite", "rank_class", "year"]].shift(1)
    consecutive = prev["year"] == scores["year"] - 1
    scores["score_change"] = (scores["composite"] - prev["composite"]).where(consecutive)
    scores["rank_change"] = (prev["rank_class"] - scores["rank_class"]).where(consecutive)
    need = np.maximum(method.progress_min_rank_gain,
                      np.ceil(method.progress_rank_gain_share * scores["class_size"]))
    marked = (scores["assessed"] & (scores["rank_change"] >= need)
              & (scores["score_change"] >= method.progress_min_score_gain)
              & (scores["grade"] != "优秀"))
    scores["progress"] = marked.fillna(False).astype(bool)
    scores["progress_reason"] = ""
    rows = scores["progress"]
    if not rows.any():
        return
    scores.loc[rows, "progress_reason"] = (
        "进步明显：类内名次上升 " + scores.loc[rows, "rank_change"].astype(int).astype(str)
        + " 位，综合得分提高 " + scores.loc[rows, "score_change"].map("{:.1f}".format) + " 分")


def _flags(scores: pd.DataFrame, config: IndicatorSystem) -> None:
    m = config.method
    reasons: list[list[str]] = [[] for _ in range(len(scores))]
    a = scores["assessed"].to_numpy(bool)

    def add(mask: np.ndarray, text: Callable[[int], str]) -> None:
        """Append ``text(k)`` to the reasons of every assessed row k where ``mask`` holds."""
        for k in np.flatnonzero(np.asarray(mask, dtype=bool) & a):
            reasons[k].append(text(k))

    col = {c: scores[c].to_numpy() for c in ("assessment_class", "class_size", "composite",
                                              "rank_class_from_bottom", "score_change")}
    bottom, cls, size = col["rank_class_from_bottom"], col["assessment_class"], col["class_size"]
    add(bottom <= m.flag_bottom_n,
        lambda k: f"排名落后：类内倒数第 {int(bottom[k])} 位（{cls[k]} 共 {int(size[k])} 个单位）")
    comp = col["composite"]
    add(comp < m.flag_composite_below,
        lambda k: f"综合得分 {comp[k]:.1f} 分，低于 {m.flag_composite_below:g} 分")
    for g in config.groups:
        value = scores[g.code].to_numpy()
        add(value < m.flag_group_below,
            lambda k, g=g, value=value: f"{g.name}得分 {value[k]:.1f} 分，低于 {m.flag_group_below:g} 分")
    if m.flag_declines_running > 0:
        change = col["score_change"]
        down = scores["score_change"] < 0
        streak = down.astype(int).groupby([scores["adcode"], (~down).cumsum()]).cumsum()
        add(streak.to_numpy() >= m.flag_declines_running,
            lambda k: f"综合得分连续 {m.flag_declines_running} 年下降（本年 {change[k]:+.1f} 分）")
    if m.flag_on_gate_failure:
        for k, failures in enumerate(scores["gate_failures"]):
            if a[k]:
                reasons[k].extend(failures)
    scores["flag_reasons"] = reasons
    scores["flagged"] = [bool(r) for r in reasons]
    prev = scores.groupby("adcode")[["flagged", "year"]].shift(1)
    was = (prev["flagged"] == True) & (prev["year"] == scores["year"] - 1)  # noqa: E712
    scores["escalated"] = (scores["flagged"] & was).astype(bool)
