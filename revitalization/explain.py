"""Why a unit got its result: contributions, obstacle degree, strengths, change breakdown.

Everything here reads an :class:`~revitalization.engine.Assessment`; nothing is recomputed,
so what is explained is exactly what was scored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from revitalization.config import IndicatorSystem
from revitalization.engine import IMPUTE_LABELS, Assessment


def _indicator_frame(config: IndicatorSystem, codes: list[str]) -> pd.DataFrame:
    names = {g.code: g.name for g in config.groups}
    rows = [{"code": c, "name": config.indicator(c).name, "group": config.indicator(c).group,
             "group_name": names[config.indicator(c).group]} for c in codes]
    return pd.DataFrame(rows).set_index("code")


def contributions(assessment: Assessment, config: IndicatorSystem, adcode: str,
                  year: int) -> pd.DataFrame:
    """Each scored indicator's value, score (0–100), weight and points in the composite.

    The ``points`` column adds up to the composite before gate deductions.
    """
    key = (adcode, year)
    codes = assessment.contributions.columns.tolist()
    out = _indicator_frame(config, codes)
    out["value"] = assessment.values.loc[key, codes]
    out["display"] = [config.indicator(c).format_value(v) for c, v in out["value"].items()]
    out["imputed"] = assessment.imputed.loc[key, codes].map(lambda m: IMPUTE_LABELS.get(m, ""))
    out["score"] = assessment.normalised.loc[key, codes]
    out["weight"] = assessment.weights[codes]
    out["points"] = assessment.contributions.loc[key, codes]
    return out


def obstacles(assessment: Assessment, config: IndicatorSystem, adcode: str,
              year: int) -> pd.DataFrame:
    """Obstacle degree O_j = w_j(1 − y_j/100) / Σ w(1 − y/100), largest first.

    The share of the unit's total shortfall from a perfect score that each indicator
    accounts for (0–1; sums to 1 unless the unit scores 100 everywhere).
    """
    out = contributions(assessment, config, adcode, year)
    gap = out["weight"] * (1.0 - out["score"] / 100.0)
    total = gap.sum()
    out["obstacle"] = gap / total if total > 0 else 0.0
    out["points_lost"] = 100.0 * gap  # composite points short of the maximum
    return out.sort_values("obstacle", ascending=False)


def strengths(assessment: Assessment, config: IndicatorSystem, adcode: str,
              year: int) -> pd.DataFrame:
    """Indicators where the unit beats its class median most (score points above it)."""
    out = contributions(assessment, config, adcode, year)
    rows = assessment.year(year)
    cls = rows.loc[adcode, "assessment_class"]
    peers = rows.index[(rows["assessment_class"] == cls) & rows["assessed"]]
    if not len(peers):  # a non-assessed unit: compare with all assessed units
        peers = rows.index[rows["assessed"]]
    scores = assessment.normalised.xs(year, level="year").loc[peers, out.index]
    out["class_median"] = scores.median()
    out["advantage"] = out["score"] - out["class_median"]
    return out.sort_values(["advantage", "score"], ascending=False)


@dataclass(frozen=True)
class ChangeBreakdown:
    """The composite change from ``year - 1`` to ``year``, split exactly.

    total = by_group.sum() − deduction_change = by_indicator["delta"].sum() − deduction_change
    """

    year: int
    total: float
    by_group: pd.Series  # points, indexed by group code
    by_indicator: pd.DataFrame  # code → name, group, before, after, delta (points)
    deduction_change: float  # more gate deductions lower the score


def change_breakdown(assessment: Assessment, config: IndicatorSystem, adcode: str,
                     year: int) -> ChangeBreakdown | None:
    """Split the composite change since last year into groups and indicators.

    None when the unit has no result for the previous year.
    """
    before_key, after_key = (adcode, year - 1), (adcode, year)
    if before_key not in assessment.contributions.index:
        return None
    codes = assessment.contributions.columns.tolist()
    frame = _indicator_frame(config, codes)
    frame["before"] = assessment.contributions.loc[before_key, codes].fillna(0.0)
    frame["after"] = assessment.contributions.loc[after_key, codes].fillna(0.0)
    frame["delta"] = frame["after"] - frame["before"]
    by_group = frame.groupby("group")["delta"].sum().reindex([g.code for g in config.groups])
    scores = assessment.scores.set_index(["adcode", "year"])
    deduction = scores.loc[after_key, "deduction"] - scores.loc[before_key, "deduction"]
    total = scores.loc[after_key, "composite"] - scores.loc[before_key, "composite"]
    return ChangeBreakdown(year=year, total=float(total), by_group=by_group.fillna(0.0),
                           by_indicator=frame.sort_values("delta", key=np.abs, ascending=False),
                           deduction_change=float(deduction))
