"""Year comparison (年度对比): changes, movers, grade transitions and trajectories.

By default both years come from the same (current) method and goalposts, so a change is a
real change; where a year's published result differs from the rescore, that difference is
reported separately (see ``publish.recompute_diff``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from revitalization.config import GRADES, IndicatorSystem
from revitalization.engine import Assessment
from revitalization.regions import city_short_name
from revitalization.wording import UNGRADED, arrow

GRADE_ORDER = (*GRADES, UNGRADED)


def score_columns(config: IndicatorSystem) -> dict[str, str]:
    """The comparable scores: composite and the five revitalizations, with Chinese names."""
    return {"composite": "综合得分", **{g.code: f"{g.name}得分" for g in config.groups}}


def changes(assessment: Assessment, year_a: int, year_b: int, score: str = "composite"
            ) -> pd.DataFrame:
    """Assessed units' score and class rank in both years (ranks of ``score`` within class).

    Columns: name, short_name, city_name, assessment_class, score_a, score_b, change,
    rank_a, rank_b, rank_change (positive = moved up), grade_a, grade_b.
    """
    a, b = assessment.year(year_a), assessment.year(year_b)
    units = b.index[b["assessed"]]

    def class_rank(rows: pd.DataFrame) -> pd.Series:
        if score == "composite":
            return rows["rank_class"]
        assessed = rows[rows["assessed"]]
        return assessed[score].groupby(assessed["assessment_class"]).rank(
            ascending=False, method="min")

    out = b.loc[units, ["name", "short_name", "city_name", "assessment_class"]].copy()
    out["score_a"] = a[score].reindex(units)
    out["score_b"] = b.loc[units, score]
    out["change"] = out["score_b"] - out["score_a"]
    out["rank_a"] = class_rank(a).reindex(units)
    out["rank_b"] = class_rank(b).reindex(units)
    out["rank_change"] = out["rank_a"] - out["rank_b"]
    out["grade_a"] = a["grade"].reindex(units).fillna(UNGRADED)
    out["grade_b"] = b.loc[units, "grade"].fillna(UNGRADED)
    return out


def movers_table(frame: pd.DataFrame, year_a: int, year_b: int, *, cities: bool = False
                 ) -> pd.DataFrame:
    """The rank-change table for display, biggest gain first, arrows written out (``cities``:
    the 市州 tier, one class: the unit is the 市州 and the rank is among the cities)."""
    unit = {"市州": frame["name"]} if cities else {
        "县（市、区）": frame["name"], "市州": frame["city_name"].map(city_short_name),
        "考核类别": frame["assessment_class"]}
    rank = "市州名次" if cities else "类内名次"
    out = pd.DataFrame({
        **unit,
        f"{year_a} 年得分": frame["score_a"].round(1), f"{year_b} 年得分": frame["score_b"].round(1),
        "得分变化": frame["change"].round(1),
        f"{year_a} 年{rank}": frame["rank_a"].astype("Int64"),
        f"{year_b} 年{rank}": frame["rank_b"].astype("Int64"),
        "名次变化": frame["rank_change"].map(arrow),
    }, index=frame.index)
    return out.sort_values("得分变化", ascending=False)


def biggest(frame: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n largest gains and the n largest real declines (never padded with gains)."""
    gains = frame[frame["change"] > 0].nlargest(n, "change")
    falls = frame[frame["change"] < 0].nsmallest(n, "change")
    return pd.concat([gains, falls.iloc[::-1]])


def grade_transitions(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts of units by grade in year A (rows) and year B (columns)."""
    table = pd.crosstab(frame["grade_a"], frame["grade_b"])
    table = table.reindex(index=list(GRADE_ORDER), columns=list(GRADE_ORDER), fill_value=0)
    if not table.loc["较差"].any() and not table["较差"].any():  # 较差 only when it is used
        table = table.drop(index="较差", columns="较差")
    return table


def units_in_transition(frame: pd.DataFrame, grade_a: str, grade_b: str) -> pd.DataFrame:
    return frame[(frame["grade_a"] == grade_a) & (frame["grade_b"] == grade_b)]


def trajectories(assessment: Assessment, years: list[int], score: str = "composite"
                 ) -> pd.DataFrame:
    """Each assessed unit's score across ``years`` (a list per unit, for sparklines)."""
    rows = assessment.scores[assessment.scores["year"].isin(years) & assessment.scores["assessed"]]
    wide = rows.pivot_table(index="adcode", columns="year", values=score).reindex(columns=years)
    names = rows.drop_duplicates("adcode").set_index("adcode")
    out = pd.DataFrame({
        "县（市、区）": names.loc[wide.index, "name"],
        "市州": names.loc[wide.index, "city_name"].map(city_short_name),
        "走势": [[None if np.isnan(v) else round(float(v), 1) for v in r] for r in wide.to_numpy()],
        f"{years[0]} 年": wide[years[0]].round(1),
        f"{years[-1]} 年": wide[years[-1]].round(1),
        "累计变化": (wide[years[-1]] - wide[years[0]]).round(1),
    }, index=wide.index)
    return out.sort_values("累计变化", ascending=False)
