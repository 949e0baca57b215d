"""The 市州 tier: the 17 city-level units assessed as units of their own.

A city's result is made from two parts (configuration ``city_tier``):

- its counties: the weighted mean of the composite and the five revitalization scores of its
  *assessed* counties (weights ``simple`` = equal, ``population`` / ``rural_population`` =
  the registry's columns of those names, 万人), after the county assessment (imputation,
  gate deductions and all);
- its own city-level indicators (以市带县, city funding shares …): normalised with the same
  goalposts rule and averaged with their weights.

composite = (1 − own_share) · county part + own_share · own part. The five revitalization
scores are the county part's (the city-level indicators are not within one revitalization).
Ranks, grades, 进步明显 and 约谈预警 then follow the county rules (``engine.decide``), among
the assessed cities of the year: one class, so the province guards of the county rules (which
compare a class with the province) coincide with the class and are switched off here.

省直管市 (仙桃, 潜江, 天门) and 神农架林区 are their own city with one county: their county part
is their county result. ``direct_units: rank`` ranks them among the 17 as well (the default:
the 细则 assesses 市县 leadership teams, and these units' teams are both); ``county_only``
lists them in the city table without a city rank or grade.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from revitalization import engine
from revitalization.config import WEIGHTINGS, IndicatorSystem
from revitalization.engine import KEY, Assessment
from revitalization.wording import NOT_ASSESSED, arrow, grade_labels, year_label

CITY_CLASS = "市州"
DIRECT_KINDS = ("县级市", "林区")  # a city of one county whose adcode is its own


@dataclass(frozen=True)
class CityAssessment:
    """One row per city and year (``scores``, with the county engine's decision columns),
    the city-level indicators (values after imputation, imputation labels, normalised), and
    each assessed county's weight within its city."""

    scores: pd.DataFrame
    values: pd.DataFrame
    imputed: pd.DataFrame
    normalised: pd.DataFrame
    county_weights: pd.Series  # assessed county adcode → weight within its city (1 per city)
    county_city: pd.Series  # assessed county adcode → its city's adcode

    def year(self, year: int) -> pd.DataFrame:
        return self.scores[self.scores["year"] == year].set_index("adcode")


def city_frame(regions: pd.DataFrame, config: IndicatorSystem) -> pd.DataFrame:
    """The 17 city-level units: adcode, names, counties, assessed counties, direct, assessed."""
    rows: dict[str, dict] = {}
    for r in regions.itertuples():
        city = rows.setdefault(r.city_adcode, {"adcode": r.city_adcode, "name": r.city_name,
                                               "short_name": r.city_short_name, "counties": 0,
                                               "assessed_counties": 0, "direct": False})
        city["counties"] += 1
        city["assessed_counties"] += int(r.assessed)
        city["direct"] |= r.adcode == r.city_adcode
    frame = pd.DataFrame(sorted(rows.values(), key=lambda c: c["adcode"]))
    frame["assessed"] = (frame["assessed_counties"] > 0) & (
        ~frame["direct"] | (config.city.direct_units == "rank"))
    return frame


def county_weights(regions: pd.DataFrame, weighting: str) -> pd.Series:
    """Each assessed county's weight within its city (summing to 1 per city)."""
    counties = regions[regions["assessed"]].set_index("adcode")
    if weighting == "simple":
        raw = pd.Series(1.0, index=counties.index)
    else:
        if weighting not in counties.columns:
            raise ValueError(f"regions.csv 没有 {weighting} 列，无法按人口加权（city_tier.weighting）")
        raw = counties[weighting].astype(float)
    return raw / raw.groupby(counties["city_adcode"]).transform("sum")


def assess_cities(county: Assessment, observations: pd.DataFrame, regions: pd.DataFrame,
                  config: IndicatorSystem) -> CityAssessment:
    """The 市州 tier for every year of the county assessment."""
    tier = config.city
    cities = city_frame(regions, config)
    years = county.years
    groups = [g.code for g in config.groups]
    weights = county_weights(regions, tier.weighting)

    # County part: weighted means of the assessed counties' results, on the city × year grid
    # (numpy: the tier is small and pandas' per-call cost would dominate).
    c = county.scores[county.scores["assessed"]]
    city_pos = pd.Index(cities["adcode"]).get_indexer(c["city_adcode"])
    year_pos = pd.Index(years).get_indexer(c["year"])
    cell = city_pos * len(years) + year_pos
    size = len(cities) * len(years)
    w = c["adcode"].map(weights).to_numpy(float)
    counted = np.bincount(cell, minlength=size)
    has = counted > 0

    def total(values: np.ndarray, weighted: bool = True) -> np.ndarray:
        out = np.bincount(cell, weights=values * w if weighted else values, minlength=size)
        return np.where(has, out, np.nan)

    grid = {column: total(c[column].to_numpy(float))
            for column in [*groups, "composite", "imputed_share"]}
    grid["imputed_counties"] = total(c["imputed_count"].to_numpy(float), weighted=False)
    grid["flagged_counties"] = total(c["flagged"].to_numpy(float), weighted=False)
    composite = c["composite"].to_numpy(float)
    best, worst = np.full(size, -np.inf), np.full(size, np.inf)
    np.maximum.at(best, cell, composite)
    np.minimum.at(worst, cell, composite)
    grid["best"] = np.where(has, best, np.nan)
    grid["worst"] = np.where(has, worst, np.nan)
    grid["spread"] = grid["best"] - grid["worst"]

    # Own part: the city-level indicators, imputed and normalised like the county ones.
    codes = [i.code for i in tier.indicators]
    panel = engine.to_panel(observations, cities["adcode"].tolist(), years, codes)
    values, how = engine.impute(panel, pd.Series(CITY_CLASS, index=cities["adcode"]))
    scored = [i.code for i in tier.indicators if i.weight > 0]
    normalised = engine.normalise(values[scored], config, "goalposts") if scored else values[[]]
    w = np.array([config.any_indicator(code).weight for code in scored])
    y = normalised.to_numpy()
    present = ~np.isnan(y)
    wsum = (present * w).sum(axis=1)
    own = pd.Series(np.where(wsum > 0, np.nansum(np.nan_to_num(y) * w, axis=1) / np.where(
        wsum > 0, wsum, 1), np.nan), index=normalised.index)
    own_imputed = (how[scored] != "").sum(axis=1) if scored else pd.Series(0, index=values.index)

    index = pd.MultiIndex.from_product([cities["adcode"], years], names=KEY)
    s = pd.DataFrame(grid, index=index)
    s["own"] = own.reindex(index).to_numpy()
    share = tier.own_share if scored else 0.0
    has_own = s["own"].notna() & (share > 0)
    s = s.rename(columns={"composite": "county_part"})
    s["composite_raw"] = np.where(has_own, (1 - share) * s["county_part"] + share * s["own"],
                                  s["county_part"])
    own_weight = np.where(has_own, share, 0.0)
    s["imputed_share"] = ((1 - own_weight) * s["imputed_share"].fillna(0)
                          + own_weight * own_imputed.reindex(index).to_numpy() / max(len(scored), 1))
    s["imputed_count"] = s["imputed_counties"].fillna(0) + own_imputed.reindex(index).to_numpy()
    s = s.reset_index()
    s = s.merge(cities[["adcode", "name", "short_name", "direct", "assessed", "counties",
                        "assessed_counties"]], on="adcode", how="left")
    s["city_adcode"], s["city_name"] = s["adcode"], s["name"]
    s["assessment_class"] = np.where(s["assessed"], CITY_CLASS, "")
    s["assessed"] = s["assessed"] & s["composite_raw"].notna()
    s["gate_failures"] = [[] for _ in range(len(s))]
    s["gate_failed"] = False
    s["deduction"] = 0.0
    s["composite"] = s["composite_raw"]
    s["data_check"] = False
    s["data_check_reason"] = ""
    engine._ranks(s)
    s = s.sort_values(KEY).reset_index(drop=True)
    engine.changes(s)
    engine.decide(s, city_rules(config))
    for column in ("grade_reason", "progress_reason"):
        s[column] = s[column].map(_city_words)
    s["flag_reasons"] = s["flag_reasons"].map(lambda rs: [_city_words(r) for r in rs])
    city_of = regions.loc[regions["assessed"]].set_index("adcode")["city_adcode"]
    return CityAssessment(scores=s, values=values, imputed=how, normalised=normalised,
                          county_weights=weights, county_city=city_of)


def city_rules(config: IndicatorSystem) -> IndicatorSystem:
    """The county rules for one class of cities: no province guard (it would be the class)."""
    method = dataclasses.replace(config.method, excellent_province_top_share=1.0,
                                 flag_province_bottom_share=1.0)
    return dataclasses.replace(config, method=method)


def _city_words(text: str) -> str:
    """The engine's reasons speak of a class (类内, 本类别); for cities the class is 市州."""
    return (text.replace("类内", "全省市州中").replace(f"（{CITY_CLASS}末", "（末")
            .replace(f"增幅居{CITY_CLASS}第", "增幅居全省市州第"))


def own_part_text(config: IndicatorSystem) -> str:
    """The city formula in words, with the configured numbers."""
    share = config.city.own_share if config.city.indicators else 0.0
    names = "、".join(i.name for i in config.city.indicators if i.weight > 0)
    county = f"辖区内参加考核的县（市、区）综合得分{WEIGHTINGS[config.city.weighting]}平均"
    if share <= 0:
        return f"市州综合得分 = {county}。"
    return (f"市州综合得分 = {county} × {1 - share:.0%} + 市级指标得分 × {share:.0%}"
            f"（市级指标：{names}）；五大振兴得分为辖区县的{WEIGHTINGS[config.city.weighting]}平均。")


def ranking_table(cities: CityAssessment, config: IndicatorSystem, year: int) -> pd.DataFrame:
    """All 17 市州 of a year (ranked ones first), with Chinese column names; indexed by adcode."""
    rows = cities.year(year).sort_values(["assessed", "rank_province", "name"],
                                         ascending=[False, True, True])
    table = pd.DataFrame({
        "市州排名": rows["rank_province"].astype("Int64"),
        "市州": rows["name"],
        "综合得分": rows["composite"].round(1),
        "等次": grade_labels(rows["grade"]).where(rows["assessed"], "只参加县级考核"),
        "约谈预警": np.where(rows["flagged"], np.where(rows["escalated"], "是（连续两年）", "是"), ""),
        "名次变化": rows["rank_change"].map(arrow),
        "县级部分": rows["county_part"].round(1),
        "市级指标": rows["own"].round(1),
    }, index=rows.index)
    for g in config.groups:
        table[g.short] = rows[g.code].round(1)
    table["纳入考核县"] = rows["assessed_counties"].astype(int)
    table["县约谈预警"] = rows["flagged_counties"].fillna(0).astype(int)
    table["县间差距"] = rows["spread"].round(1)
    table["进步明显"] = np.where(rows["progress"], "是", "")
    table["原因"] = [("；".join(f) if f else "") or p or g
                   for f, p, g in zip(rows["flag_reasons"], rows["progress_reason"],
                                      rows["grade_reason"], strict=True)]
    return table


def counties_table(assessment: Assessment, config: IndicatorSystem, city: str, year: int
                   ) -> pd.DataFrame:
    """A city's counties in a year: their result, province and class rank, grade and flag."""
    rows = assessment.year(year)
    rows = rows[rows["city_adcode"] == city].sort_values(["assessed", "composite"],
                                                         ascending=[False, False])
    table = pd.DataFrame({
        "县（市、区）": rows["name"],
        "综合得分": rows["composite"].round(1),
        "全省排名": [f"{int(r)}" if a else "—" for r, a in
                 zip(rows["rank_province"].fillna(0), rows["assessed"], strict=True)],
        "类内排名": [f"{int(r)}/{int(n)}" if a else "" for r, n, a in
                 zip(rows["rank_class"].fillna(0), rows["class_size"].fillna(0), rows["assessed"],
                     strict=True)],
        "考核类别": rows["assessment_class"].where(rows["assessed"], NOT_ASSESSED),
        "等次": grade_labels(rows["grade"]).where(rows["assessed"], NOT_ASSESSED),
        "约谈预警": np.where(rows["flagged"], "是", ""),
        "进步明显": np.where(rows["progress"], "是", ""),
    }, index=rows.index)
    for g in config.groups:
        table[g.short] = rows[g.code].round(1)
    return table


def spread_sentence(assessment: Assessment, city: str, year: int, *, name=str, strong=str) -> str:
    """The sentence on a city's assessed counties: the spread between its best and weakest
    (from the exact scores, as the tier's ``spread``), and its 约谈预警 counties. ``name``
    escapes a county name and ``strong`` emphasises a figure (Markdown on screen, plain in a
    Word file). Empty for a city with fewer than two assessed counties."""
    rows = assessment.year(year)
    rows = rows[(rows["city_adcode"] == city) & rows["assessed"]]
    if len(rows) < 2:
        return ""
    best, worst = rows["composite"].idxmax(), rows["composite"].idxmin()
    spread = rows.at[best, "composite"] - rows.at[worst, "composite"]
    laggards = rows.sort_values("composite", ascending=False)
    laggards = laggards.loc[laggards["flagged"], "name"]
    return (f"辖区县间差距 {strong(f'{spread:.1f} 分')}：最高为{name(rows.at[best, 'name'])} "
            f"{rows.at[best, 'composite']:.1f} 分，最低为{name(rows.at[worst, 'name'])} "
            f"{rows.at[worst, 'composite']:.1f} 分。"
            + (f"约谈预警县：{strong('、'.join(name(n) for n in laggards))}。"
               if len(laggards) else "辖区没有约谈预警县。"))


def history(cities: CityAssessment, adcode: str) -> pd.DataFrame:
    """A city's result in every year: score, rank, grade, praise and 约谈 with reasons."""
    rows = cities.scores[cities.scores["adcode"] == adcode].set_index("year")
    table = pd.DataFrame({
        "综合得分": rows["composite"].round(1),
        "市州排名": [f"{int(r)}/{int(n)}" if r == r else "" for r, n in
                 zip(rows["rank_province"], rows["province_size"], strict=True)],
        "等次": grade_labels(rows["grade"]).where(rows["assessed"], "只参加县级考核"),
        "进步明显": np.where(rows["progress"], "是", ""),
        "约谈预警": [("是（连续两年）" if e else "是") if f else "" for f, e in
                 zip(rows["flagged"], rows["escalated"], strict=True)],
        "原因": [("；".join(f) if f else "") or p for f, p in
               zip(rows["flag_reasons"], rows["progress_reason"], strict=True)],
        "约谈预警县": rows["flagged_counties"].fillna(0).astype(int),
    }, index=rows.index)
    table.index = pd.Index([year_label(y) for y in rows.index], name="考核年度")
    return table
