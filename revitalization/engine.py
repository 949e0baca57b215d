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

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from revitalization.config import IndicatorSystem, Method
from revitalization.wording import NOT_ASSESSED, UNGRADED

KEY = ["adcode", "year"]
IMPUTE_LABELS = {"carried_forward": "沿用上年数据", "interpolate": "相邻年度插值",
                 "class_median": "采用同类单位中位数"}


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


IMPUTATIONS = {"carry_forward": "沿用上年数据（默认）", "interpolate": "相邻年度线性插值",
               "class_median": "同类单位当年中位数"}


def impute(panel: pd.DataFrame, classes: pd.Series, method: str = "carry_forward"
           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill gaps, then fall back on the class median of the same year.

    carry_forward (the published rule): the unit's last reported year;
    interpolate: linear between the unit's reported years, nearest year at the ends;
    class_median: the median of the unit's class in that year.
    Returns the filled panel and a same-shaped frame naming the method per imputed cell.
    """
    if not panel.isna().to_numpy().any():  # nothing to fill (the usual case for small tiers)
        return panel.copy(), pd.DataFrame("", index=panel.index, columns=panel.columns)
    if method == "carry_forward":
        own = panel.groupby(level="adcode").ffill()
    elif method == "interpolate":
        own = _interpolate(panel)
    elif method == "class_median":
        own = panel.copy()
    else:
        raise ValueError(f"unknown imputation {method!r}")
    cls = panel.index.get_level_values("adcode").map(classes).to_numpy()
    years = panel.index.get_level_values("year").to_numpy()
    medians = panel.groupby([cls, years]).transform("median")
    filled = own.fillna(medians)
    how = pd.DataFrame("", index=panel.index, columns=panel.columns)
    missing = panel.isna()
    label = "carried_forward" if method == "carry_forward" else method
    how[missing & own.notna()] = label
    how[missing & own.isna() & filled.notna()] = "class_median"
    return filled, how


def _interpolate(panel: pd.DataFrame) -> pd.DataFrame:
    """Linear interpolation along the years of each unit (the nearest reported year at the
    ends), vectorised over the unit × year grid (rows missing from it count as gaps)."""
    units = panel.index.get_level_values("adcode").unique().sort_values()
    years = panel.index.get_level_values("year").unique().sort_values()
    grid = pd.MultiIndex.from_product([units, years], names=KEY)
    x = panel.reindex(grid).to_numpy(float).reshape(len(units), len(years), -1)
    year = np.asarray(years, dtype=float)
    t = year[None, :, None]
    position = np.arange(len(years))[None, :, None]
    valid = ~np.isnan(x)
    before = np.maximum.accumulate(np.where(valid, position, -1), axis=1)
    after = np.flip(np.minimum.accumulate(np.flip(np.where(valid, position, len(years)), axis=1),
                                          axis=1), axis=1)
    has_before, has_after = before >= 0, after < len(years)
    b = np.clip(before, 0, len(years) - 1)
    a = np.clip(after, 0, len(years) - 1)
    xb, xa = np.take_along_axis(x, b, axis=1), np.take_along_axis(x, a, axis=1)
    tb, ta = year[b], year[a]
    with np.errstate(invalid="ignore", divide="ignore"):
        linear = xb + (xa - xb) * (t - tb) / np.where(ta > tb, ta - tb, 1.0)
    out = np.where(valid, x, np.where(has_before & has_after, linear,
                                      np.where(has_before, xb, np.where(has_after, xa, np.nan))))
    full = pd.DataFrame(out.reshape(len(grid), -1), index=grid, columns=panel.columns)
    return full.reindex(panel.index)


def normalise(values: pd.DataFrame, config: IndicatorSystem, method: str,
              reference: pd.Series | None = None) -> pd.DataFrame:
    """Indicator values → 0–100 scores, aware of direction.

    goalposts: fixed lower/upper from the configuration (comparable across years);
    minmax / zscore: per year over the ``reference`` units (default all), for robustness.
    """
    inds = [config.any_indicator(c) for c in values.columns]
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
    """Run the assessment over every year of the observations.

    When values are imputed, the whole assessment is also run under the other reasonable
    imputations; a unit-year whose grade, 约谈 flag or 进步明显 changes under one of them
    is marked ``data_check`` (数据待核实) with the alternative result in ``data_check_reason``.
    """
    regions = regions.set_index("adcode")
    years = sorted(years or observations["year"].unique().tolist())
    codes = [i.code for i in config.indicators]
    panel = to_panel(observations, regions.index.tolist(), years, codes)
    result = _assess_panel(panel, regions, config, "carry_forward")
    scores = result.scores
    scores["data_check"] = False
    scores["data_check_reason"] = ""
    if (result.imputed != "").to_numpy().any():
        for method in ("interpolate", "class_median"):
            _compare_imputation(scores, _assess_panel(panel, regions, config, method).scores,
                                method)
    fp = hashlib.sha256(f"{config.fingerprint()}:{data_version(observations)}".encode())
    return dataclasses.replace(result, fingerprint=fp.hexdigest()[:12])


def _assess_panel(panel: pd.DataFrame, regions: pd.DataFrame, config: IndicatorSystem,
                  imputation: str) -> Assessment:
    scored = [i.code for i in config.scored]
    # Impute within assessed classes; non-assessed units form their own pool.
    pools = regions["assessment_class"].where(regions["assessed"], NOT_ASSESSED)
    values, how = impute(panel, pools, imputation)
    assessed = pd.Series(values.index.get_level_values("adcode").map(regions["assessed"]),
                         index=values.index).astype(bool)
    normalised = normalise(values[scored], config, config.method.normalisation,
                           reference=assessed)
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
    changes(scores)
    decide(scores, config, texts=imputation == "carry_forward")
    return Assessment(scores=scores, values=values, imputed=how, normalised=normalised,
                      contributions=contributions, weights=cw, fingerprint="")


def decide(scores: pd.DataFrame, config: IndicatorSystem, texts: bool = True) -> None:
    """约谈 flags, grades and 进步明显 from scores, ranks and year-on-year changes.

    The one place the rules are applied, in this order: flags do not depend on grades;
    a flagged unit is never 优秀 and never 进步明显 (a unit is not praised and summoned in
    the same year). Rows must be sorted by unit and year. Used again after published
    years are swapped in (see ``publish.relink``).
    """
    _flags(scores, config, texts)
    _grades(scores, config.method, texts)
    _progress(scores, config.method)


def _compare_imputation(scores: pd.DataFrame, other: pd.DataFrame, method: str) -> None:
    """Mark the unit-years whose decisions differ under the ``other`` imputation."""
    label = IMPUTATIONS[method]
    grade = scores["grade"].fillna(UNGRADED).to_numpy(object)
    other_grade = other["grade"].fillna(UNGRADED).to_numpy(object)
    flagged, other_flagged = scores["flagged"].to_numpy(bool), other["flagged"].to_numpy(bool)
    progress, other_progress = scores["progress"].to_numpy(bool), other["progress"].to_numpy(bool)
    differs = (grade != other_grade) | (flagged != other_flagged) | (progress != other_progress)
    own = scores["imputed_count"].to_numpy() > 0
    composite = other["composite"].to_numpy()
    reasons = scores["data_check_reason"].to_numpy(object)
    for k in np.flatnonzero(differs & scores["assessed"].to_numpy(bool)):
        parts = []
        if grade[k] != other_grade[k]:
            parts.append(f"等次为{other_grade[k]}")
        if flagged[k] != other_flagged[k]:
            parts.append("触发约谈预警" if other_flagged[k] else "不触发约谈预警")
        if progress[k] != other_progress[k]:
            parts.append("认定进步明显" if other_progress[k] else "不认定进步明显")
        whose = "本单位" if own[k] else "其他单位"
        text = f"{whose}的插补值改用{label}时，综合得分 {composite[k]:.1f} 分，" + "，".join(parts)
        reasons[k] = f"{reasons[k]}；{text}" if reasons[k] else f"数据待核实：{text}"
    scores["data_check_reason"] = reasons
    scores["data_check"] = scores["data_check"].to_numpy(bool) | (
        differs & scores["assessed"].to_numpy(bool))


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
    """Ranks among the assessed units of a year: in the province, the class and the city.
    Ties share the better rank; every rank text and table uses these (one denominator)."""
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


def cut(share: float, n: pd.Series | np.ndarray | float) -> np.ndarray:
    """How many places a share of ``n`` gives: rounded down, so a quota is a cap."""
    return np.floor(share * np.asarray(n, dtype=float) + 1e-9)


def bottom_places(method: Method, class_size) -> np.ndarray:
    """Places at the bottom of a class that count as 排名落后 (at least one; none when
    the share is 0, which switches the rule off)."""
    if method.flag_bottom_share <= 0:
        return np.zeros_like(np.asarray(class_size, dtype=float))
    return np.maximum(1.0, cut(method.flag_bottom_share, class_size))


def province_places(share: float, size) -> np.ndarray:
    """Places of the province's upper (or lower) ``share`` (at least one)."""
    return np.maximum(1.0, cut(share, size))


def quota_places(method: Method, class_size) -> dict[str, np.ndarray]:
    """The last class place of each quota grade, from the top (caps, rounded down);
    较差, when configured, counts its places from the bottom."""
    n = np.asarray(class_size, dtype=float)
    out, cum = {}, 0.0
    for g, share in method.grade_quotas:
        cum += share
        out[g] = n if cum >= 1 - 1e-9 else cut(cum, n)
    if "较差" in out:
        named = [g for g, _ in method.grade_quotas]
        out[named[-2]] = n - cut(dict(method.grade_quotas)["较差"], n)
        out["较差"] = n
    return out


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _grades(scores: pd.DataFrame, method: Method, texts: bool = True) -> None:
    gradable = (scores["assessed"] & (scores["imputed_share"] <= method.max_imputed_share)
                ).to_numpy(bool)
    grade = np.full(len(scores), None, dtype=object)
    reason = np.full(len(scores), "", dtype=object)
    rank, n = scores["rank_class"].to_numpy(), scores["class_size"].to_numpy()
    prank, pn = scores["rank_province"].to_numpy(), scores["province_size"].to_numpy()
    comp = scores["composite"].to_numpy()
    if method.grade_mode == "quota":
        places = quota_places(method, n)
        named = [g for g, _ in method.grade_quotas]
        start = np.zeros(len(scores))
        for g in named:
            hit = gradable & (grade == None) & (rank <= places[g])  # noqa: E711
            for k in np.flatnonzero(hit) if texts else ():
                band = (f"，{g}为类内第 {int(start[k]) + 1}–{int(places[g][k])} 名"
                        if places[g][k] < n[k] or g == "较差" else "")
                reason[k] = f"{g}：类内第 {int(rank[k])}/{int(n[k])} 名{band}"
            grade[hit] = g
            start = np.maximum(start, places[g])
        top = method.excellent_province_top_share
        if top < 1:
            limit = province_places(top, pn)
            held = (grade == "优秀") & (prank > limit)
            second = named[1]
            for k in np.flatnonzero(held) if texts else ():
                reason[k] = (f"{second}：类内第 {int(rank[k])}/{int(n[k])} 名，位于类内前列，但全省第 "
                             f"{int(prank[k])}/{int(pn[k])} 名，未进入全省前 {_pct(top)}（评为优秀须同时满足）")
            grade[held] = second
    else:
        thresholds = dict(method.grade_thresholds)
        last = method.grades[-1]
        for g in method.grades:
            hit = gradable & (grade == None)  # noqa: E711
            if g != last:
                hit &= comp >= thresholds[g]
                reason[hit] = f"{g}：综合得分不低于 {thresholds[g]:g} 分"
            else:
                reason[hit] = f"{g}：综合得分低于 {min(thresholds.values()):g} 分"
            grade[hit] = g
    flagged = scores["flagged"].to_numpy(bool)
    gate = scores["gate_failed"].to_numpy(bool)
    best = method.grades[1]
    capped = (grade == "优秀") & (flagged | (gate & method.gate_cap_grade))
    for k in np.flatnonzero(capped) if texts else ():
        why = "触发约谈预警" if flagged[k] else "门槛指标未达标"
        reason[k] = f"{best}：按排名应为优秀，因{why}，等次最高为{best}（同一年度不既表扬又约谈）"
    grade[capped] = best
    assessed = scores["assessed"].to_numpy(bool)
    too_much = assessed & ~gradable
    count = scores["imputed_count"].to_numpy()
    for k in np.flatnonzero(too_much) if texts else ():
        reason[k] = (f"不评定等次：{int(count[k])} 项指标为插补值，超过计分指标的 "
                     f"{method.max_imputed_share:.0%}（仍计入排名）")
    reason[~assessed] = NOT_ASSESSED
    scores["grade"] = pd.Series(grade, index=scores.index, dtype=object).where(
        pd.notna(grade), pd.NA)
    scores["grade_reason"] = reason


def changes(scores: pd.DataFrame) -> None:
    """Score and class-rank change from the previous year (rows sorted by unit, year)."""
    prev = scores.groupby("adcode")[["composite", "rank_class", "year"]].shift(1)
    consecutive = prev["year"] == scores["year"] - 1
    scores["score_change"] = (scores["composite"] - prev["composite"]).where(consecutive)
    scores["rank_change"] = (prev["rank_class"] - scores["rank_class"]).where(consecutive)


def _progress(scores: pd.DataFrame, method: Method) -> None:
    """进步明显: a gain among the top ``progress_top_share`` of the class's gains that
    year (at least one place), of at least ``progress_min_score_gain`` points, with the
    class rank up by ``progress_min_rank_gain``; not for units already 优秀 or flagged."""
    gain = scores["score_change"].where(scores["assessed"])
    keys = [scores["year"], scores["assessment_class"]]
    gain_rank = gain.groupby(keys).rank(ascending=False, method="min")
    places = province_places(method.progress_top_share, scores["class_size"].fillna(0))
    eligible = (scores["assessed"] & (gain_rank <= places)
                & (gain >= method.progress_min_score_gain)
                & (scores["rank_change"] >= method.progress_min_rank_gain))
    marked = eligible & (scores["grade"] != "优秀").fillna(True) & ~scores["flagged"]
    scores["progress"] = marked.fillna(False).astype(bool)
    scores["progress_reason"] = ""
    rows = scores["progress"]
    if not rows.any():
        return
    t = scores[rows]
    scores.loc[rows, "progress_reason"] = [
        f"进步明显：综合得分提高 {g:.1f} 分，增幅居{c}第 {int(r)}/{int(n)} 位"
        f"（前 {_pct(method.progress_top_share)}），类内名次上升 {int(rc)} 位"
        for g, c, r, n, rc in zip(t["score_change"], t["assessment_class"], gain_rank[rows],
                                  t["class_size"], t["rank_change"], strict=True)]


def decline_streak(scores: pd.DataFrame, minimum: float) -> pd.Series:
    """Running count of consecutive years whose score fell by at least ``minimum``."""
    down = scores["score_change"] <= -minimum
    return down.astype(int).groupby([scores["adcode"], (~down).cumsum()]).cumsum()


def _flags(scores: pd.DataFrame, config: IndicatorSystem, texts: bool = True) -> None:
    m = config.method
    reasons: list[list[str]] = [[] for _ in range(len(scores))]
    a = scores["assessed"].to_numpy(bool)
    fired = np.zeros(len(scores), dtype=bool)

    def add(mask: np.ndarray, text: Callable[[int], str]) -> None:
        """Append ``text(k)`` to the reasons of every assessed row k where ``mask`` holds
        (only the flag itself when ``texts`` is off: the imputation re-runs)."""
        hit = np.asarray(mask, dtype=bool) & a
        fired[hit] = True
        if texts:
            for k in np.flatnonzero(hit):
                reasons[k].append(text(k))

    col = {c: scores[c].to_numpy() for c in ("assessment_class", "class_size", "composite",
                                              "rank_class", "rank_province", "province_size",
                                              "score_change")}
    rank, cls, size = col["rank_class"], col["assessment_class"], col["class_size"]
    prank, psize = col["rank_province"], col["province_size"]
    k_bottom = bottom_places(m, size)
    in_bottom = rank > size - k_bottom
    if m.flag_province_bottom_share < 1:
        in_bottom &= prank > psize - province_places(m.flag_province_bottom_share, psize)
        add(in_bottom, lambda k: (
            f"排名落后：类内第 {int(rank[k])}/{int(size[k])} 名（{cls[k]}末 {int(k_bottom[k])} 名），"
            f"且全省第 {int(prank[k])}/{int(psize[k])} 名（后 {_pct(m.flag_province_bottom_share)}）"))
    else:
        add(in_bottom, lambda k: (
            f"排名落后：类内第 {int(rank[k])}/{int(size[k])} 名（{cls[k]}末 {int(k_bottom[k])} 名）"))
    comp = col["composite"]
    add(comp < m.flag_composite_below,
        lambda k: f"综合得分 {comp[k]:.1f} 分，低于 {m.flag_composite_below:g} 分")
    for g in config.groups:
        value = scores[g.code].to_numpy()
        add(value < m.flag_group_below,
            lambda k, g=g, value=value: f"{g.name}得分 {value[k]:.1f} 分，低于 {m.flag_group_below:g} 分")
    if m.flag_declines_running > 0:
        change = col["score_change"]
        streak = decline_streak(scores, m.flag_decline_min).to_numpy()
        run = m.flag_declines_running

        def declines(k: int) -> str:
            each = "、".join(f"{change[j]:+.1f}" for j in range(k - run + 1, k + 1))
            return (f"综合得分连续 {run} 年下降，每年降幅均不小于 {m.flag_decline_min:g} 分"
                    f"（依次 {each} 分）")
        add(streak >= run, declines)
    if m.flag_on_gate_failure:
        gate = scores["gate_failed"].to_numpy(bool) & a
        fired |= gate
        for k in np.flatnonzero(gate) if texts else ():
            reasons[k].extend(scores["gate_failures"].iat[k])
    scores["flag_reasons"] = reasons
    scores["flagged"] = fired
    prev = scores.groupby("adcode")[["flagged", "year"]].shift(1)
    was = (prev["flagged"] == True) & (prev["year"] == scores["year"] - 1)  # noqa: E712
    scores["escalated"] = (scores["flagged"] & was).astype(bool)
