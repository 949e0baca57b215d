"""县域画像: everything about one county, shaped for display. Pure and testable."""

from __future__ import annotations

import numpy as np
import pandas as pd

from revitalization.config import IndicatorSystem
from revitalization.engine import IMPUTE_LABELS, Assessment
from revitalization.wording import NOT_ASSESSED, data_notes, grade_labels, year_label


def search_options(regions: pd.DataFrame) -> dict[str, str]:
    """adcode → the picker's label: full name, city and short name, so either name finds it."""
    return {r.adcode: f"{r.name}（{r.city_name}）" + (f" · {r.short_name}" if r.short_name != r.name
                                                       else "")
            for r in regions.itertuples()}


def peer_pool(assessment: Assessment, adcode: str, year: int) -> pd.DataFrame:
    """The units a county is compared with: its assessment class, or all assessed units for a
    non-assessed district."""
    rows = assessment.year(year)
    row = rows.loc[adcode]
    if row["assessed"]:
        return rows[rows["assessed"] & (rows["assessment_class"] == row["assessment_class"])]
    return rows[rows["assessed"]]


def group_table(assessment: Assessment, config: IndicatorSystem, adcode: str, year: int
                ) -> pd.DataFrame:
    """Five group scores with class rank, class average and province average."""
    rows = assessment.year(year)
    pool = peer_pool(assessment, adcode, year)
    province = rows[rows["assessed"]]
    out = []
    for g in config.groups:
        value = rows.at[adcode, g.code]
        rank = int((pool[g.code] > value).sum()) + 1
        out.append({"code": g.code, "振兴": g.name, "得分": value,
                    "类内排名": f"{rank}/{len(pool)}" if rows.at[adcode, "assessed"] else "—",
                    "同类平均": pool[g.code].mean(), "全省平均": province[g.code].mean()})
    return pd.DataFrame(out).set_index("code")


def indicator_table(assessment: Assessment, config: IndicatorSystem, adcode: str, year: int
                    ) -> pd.DataFrame:
    """Every indicator: value with unit, score, rank in class, change, history, gate, imputation."""
    key = (adcode, year)
    values = assessment.values.xs(year, level="year")
    pool = peer_pool(assessment, adcode, year).index
    history = assessment.values.xs(adcode, level="adcode")
    prev = (adcode, year - 1) if (adcode, year - 1) in assessment.values.index else None
    norm = assessment.normalised
    rows = []
    for ind in config.indicators:
        v = values.at[adcode, ind.code]
        peers = values.loc[pool, ind.code]
        better = (peers > v) if ind.higher_is_better else (peers < v)
        change = None if prev is None else v - assessment.values.at[prev, ind.code]
        if ind.gate:
            status = (f"门槛{'达标' if ind.passes_gate(v) else '未达标'}"
                      f"（{'≥' if ind.higher_is_better else '≤'} {ind.format_value(ind.gate_threshold)}）")
            score = np.nan
        else:
            target = ind.upper if ind.higher_is_better else ind.lower
            reached = (v >= target) if ind.higher_is_better else (v <= target)
            status = f"{'已达' if reached else '未达'}目标值 {ind.format_value(target)}"
            score = norm.at[key, ind.code] if ind.code in norm.columns else np.nan
        how = assessment.imputed.at[key, ind.code]
        rows.append({
            "振兴": config.group(ind.group).short, "指标": ind.name, "数值": ind.format_value(v),
            "标准化得分": score,
            "类内排名": f"{int(better.sum()) + 1}/{len(pool)}" if not np.isnan(v) else "—",
            "较上年": "—" if change is None or np.isnan(change) else _change(change, ind),
            "历年": [None if np.isnan(x) else float(x) for x in history[ind.code].to_numpy()],
            "目标 / 门槛": status,
            "方向": "越高越好" if ind.higher_is_better else "越低越好",
            "插补": IMPUTE_LABELS.get(how, ""),
        })
    return pd.DataFrame(rows)


def _change(change: float, ind) -> str:
    """The change since last year with its direction and whether it is better or worse
    (for an indicator where lower is better, a fall is an improvement)."""
    shown = f"{abs(change):,.{ind.decimals}f}"
    if float(shown.replace(",", "")) == 0:
        return "→ 持平"
    better = (change > 0) == ind.higher_is_better
    return f"{'↑' if change > 0 else '↓'} {shown}（{'向好' if better else '变差'}）"


def history(assessment: Assessment, adcode: str) -> pd.DataFrame:
    """The county's result in every year: score, ranks, grade, progress and flags."""
    rows = assessment.scores[assessment.scores["adcode"] == adcode].set_index("year")
    table = pd.DataFrame({
        "综合得分": rows["composite"].round(1),
        "全省排名": rows["rank_province"].astype("Int64"),
        "类内排名": rows["rank_class"].astype("Int64"),
        "等次": grade_labels(rows["grade"].where(rows["assessed"], NOT_ASSESSED)),
        "进步明显": np.where(rows["progress"], "是", ""),
        "约谈预警": [("是（连续两年）" if e else "是") if f else "" for f, e in
                 zip(rows["flagged"], rows["escalated"], strict=True)],
        "预警原因": rows["flag_reasons"].map("；".join),
        "数据说明": data_notes(rows),
    }, index=rows.index)  # built on the rows' own index (years), then labelled: no misalignment
    table.index = pd.Index([year_label(y) for y in rows.index], name="考核年度")
    return table


def nearest_peers(assessment: Assessment, config: IndicatorSystem, adcode: str, year: int,
                  n: int = 5) -> pd.DataFrame:
    """The n units of the same class whose five group scores are closest (Euclidean)."""
    pool = peer_pool(assessment, adcode, year)
    codes = [g.code for g in config.groups]
    me = assessment.year(year).loc[adcode, codes].to_numpy(float)
    others = pool.drop(index=adcode, errors="ignore")
    distance = np.sqrt(((others[codes].to_numpy(float) - me) ** 2).sum(axis=1))
    out = others.assign(distance=distance).nsmallest(n, "distance")
    return out[["name", "city_name", "composite", "rank_class", "grade", "distance", *codes]]
