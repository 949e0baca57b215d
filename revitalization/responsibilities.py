"""The 15 responsibilities of city, county and township governments (各级责任) as scorecards.

Each indicator is tagged in the configuration with the responsibilities it evidences. A unit's
sub-score for a responsibility is the weighted mean of the 0–100 scores of its tagged, scored
indicators, with each indicator's effective weight in the composite (so a sub-score reads on
the same scale as the composite). Gates evidence a responsibility as met / not met and carry no
points. A responsibility with no indicator is reported as 未设指标, never hidden.

For a 市州 the sub-score combines its counties (their sub-scores averaged with the city tier's
county weights) and its own city-level indicators tagged with it, in the city formula's
proportions (``city_tier.own_share``); with only one of the two, that one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from revitalization.cities import CityAssessment
from revitalization.config import IndicatorSystem
from revitalization.engine import KEY, Assessment, rank_desc

NO_INDICATOR = "未设指标"
GATES_ONLY = "仅门槛指标"
LOW = 60.0  # a sub-score below this counts as lagging in the province view


def _weighted(normalised: pd.DataFrame, weights: dict[str, float], codes: list[str]) -> np.ndarray:
    y = normalised[codes].to_numpy(float)
    w = np.array([weights[c] for c in codes])
    present = ~np.isnan(y)
    total = (present * w).sum(axis=1)
    return np.where(total > 0, np.nansum(np.nan_to_num(y) * w, axis=1) / np.where(total > 0, total, 1),
                    np.nan)


def tagged(config: IndicatorSystem, code: str, *, city: bool = False) -> list:
    """The indicators tagged with a responsibility (county ones, and the city's if ``city``)."""
    pool = (*config.indicators, *config.city.indicators) if city else config.indicators
    return [i for i in pool if code in i.responsibilities]


def county_scores(assessment: Assessment, config: IndicatorSystem) -> pd.DataFrame:
    """Every unit-year's sub-score per responsibility (NaN where none is computable), with its
    rank among the assessed units of the year and its change from the previous year."""
    weights = assessment.weights.to_dict()
    out = pd.DataFrame(index=assessment.normalised.index)
    for r in config.responsibilities:
        codes = [i.code for i in tagged(config, r.code) if i.code in weights]
        out[r.code] = _weighted(assessment.normalised, weights, codes) if codes else np.nan
    return _ranked(out, assessment.scores)


def city_scores(cities: CityAssessment, counties: pd.DataFrame, config: IndicatorSystem
                ) -> pd.DataFrame:
    """Every city-year's sub-score per responsibility (see the module note); ``counties``:
    ``county_scores``."""
    codes = [r.code for r in config.responsibilities]
    wide = counties.pivot_table(index=KEY, columns="responsibility", values="score",
                                dropna=False).reindex(columns=codes)
    wide = wide[wide.index.get_level_values("adcode").isin(cities.county_weights.index)]
    adcodes = wide.index.get_level_values("adcode")
    w = adcodes.map(cities.county_weights).to_numpy()
    part = wide.mul(w, axis=0).groupby([adcodes.map(cities.county_city),
                                        wide.index.get_level_values("year")]).sum(min_count=1)
    index = pd.MultiIndex.from_product([sorted(cities.scores["adcode"].unique()),
                                        sorted(cities.scores["year"].unique())], names=KEY)
    part = part.set_axis(part.index.set_names(KEY)).reindex(index)
    own_weights = {i.code: i.weight for i in config.city.indicators if i.weight > 0}
    share = config.city.own_share
    out = pd.DataFrame(index=index)
    for r in config.responsibilities:
        own_codes = [i.code for i in tagged(config, r.code, city=True)
                     if i.code in own_weights and i.code in cities.normalised.columns]
        county_part = part[r.code].to_numpy(float)
        if own_codes and share > 0:
            own = _weighted(cities.normalised.reindex(index), own_weights, own_codes)
            both = ~np.isnan(county_part) & ~np.isnan(own)
            out[r.code] = np.where(both, (1 - share) * county_part + share * own,
                                   np.where(np.isnan(county_part), own, county_part))
        else:
            out[r.code] = county_part
    return _ranked(out, cities.scores)


def _ranked(scores: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Long form with rank among the year's assessed units and the change on the year."""
    assessed = units.set_index(KEY)["assessed"].reindex(scores.index).fillna(False).astype(bool)
    long = scores.rename_axis(columns="responsibility").stack(future_stack=True).rename("score")
    long = long.reset_index()
    a = long.set_index(KEY).index.map(assessed).to_numpy(bool)
    ranked = long["score"].where(a)
    long["rank"] = rank_desc(ranked, [long["year"], long["responsibility"]])
    long["size"] = ranked.groupby([long["year"], long["responsibility"]]).transform("count")
    long = long.sort_values(["adcode", "responsibility", "year"])
    prev = long.groupby(["adcode", "responsibility"])[["score", "year"]].shift(1)
    long["change"] = (long["score"] - prev["score"]).where(prev["year"] == long["year"] - 1)
    return long.reset_index(drop=True)


def scorecard(long: pd.DataFrame, config: IndicatorSystem, adcode: str, year: int, *,
              values: pd.DataFrame | None = None, city: bool = False) -> pd.DataFrame:
    """One unit's 15 responsibilities for display: indicators behind each, sub-score, rank,
    change, status (未设指标 where no indicator evidences it). ``values``: the unit's gate
    values (wide, index (adcode, year)) to state each gate as met or not."""
    rows = long[(long["adcode"] == adcode) & (long["year"] == year)].set_index("responsibility")
    out = []
    for r in config.responsibilities:
        inds = tagged(config, r.code, city=city)
        names = []
        for i in inds:
            if i.gate:
                state = ""
                if values is not None and (adcode, year) in values.index and i.code in values.columns:
                    v = values.loc[(adcode, year), i.code]
                    state = "，达标" if v == v and i.passes_gate(v) else "，未达标" if v == v else ""
                names.append(f"{i.name}（门槛{state}）")
            else:
                names.append(i.name + ("（市级）" if i in config.city.indicators else ""))
        got = rows.loc[r.code] if r.code in rows.index else None
        score = np.nan if got is None else float(got["score"])
        if not inds:
            status = NO_INDICATOR
        elif score != score:
            status = GATES_ONLY if all(i.gate for i in inds) else "无数据"
        elif score < LOW:
            status = f"偏弱（<{LOW:.0f} 分）"
        else:
            status = ""
        rank = ("" if score != score or got["rank"] != got["rank"]
                else f"{int(got['rank'])}/{int(got['size'])}")
        change = "" if got is None or got["change"] != got["change"] else f"{got['change']:+.1f}"
        out.append({"责任": r.name, "简称": r.short, "状态": status, "得分": score, "排名": rank,
                    "较上年（分）": change, "依据指标": "、".join(names) if names else NO_INDICATOR})
    return pd.DataFrame(out)


def province_view(long: pd.DataFrame, config: IndicatorSystem, year: int,
                  names: pd.Series) -> pd.DataFrame:
    """Which responsibilities lag across the province in ``year`` (weakest median first):
    median, 10th percentile, units below ``LOW``, median change, the weakest three units."""
    rows = long[(long["year"] == year) & long["rank"].notna()]
    out = []
    for r in config.responsibilities:
        sub = rows[rows["responsibility"] == r.code].sort_values("score")
        inds = tagged(config, r.code)
        if sub.empty:
            out.append({"代码": r.code, "责任": r.name, "简称": r.short, "指标数": len(inds),
                        "中位数": None, "P10": None, "低于60分": None, "单位数": 0,
                        "中位数较上年": None,
                        "最弱单位": NO_INDICATOR if not inds else GATES_ONLY})
            continue
        weakest = "、".join(f"{names.get(a, a)} {s:.1f}" for a, s in
                           zip(sub["adcode"][:3], sub["score"][:3], strict=True))
        out.append({"代码": r.code, "责任": r.name, "简称": r.short, "指标数": len(inds),
                    "中位数": float(sub["score"].median()),
                    "P10": float(sub["score"].quantile(0.10)),
                    "低于60分": int((sub["score"] < LOW).sum()), "单位数": len(sub),
                    "中位数较上年": (float(sub["change"].median())
                                  if sub["change"].notna().any() else None),
                    "最弱单位": weakest})
    table = pd.DataFrame(out)
    return table.sort_values("中位数", na_position="last", kind="stable").reset_index(drop=True)
