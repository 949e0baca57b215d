"""Aggregates of a year's results and the Chinese sentences that state them."""

from __future__ import annotations

import pandas as pd

from revitalization.config import GRADES, IndicatorSystem
from revitalization.engine import Assessment
from revitalization.tables import praise_list


def kpis(assessment: Assessment, year: int) -> dict:
    """Headline figures for a year: counts, mean composite and its change, grade counts."""
    now = assessment.year(year)
    now = now[now["assessed"]]
    prev_year = year - 1
    mean_prev = None
    if prev_year in assessment.years:
        prev = assessment.year(prev_year)
        mean_prev = float(prev.loc[prev["assessed"], "composite"].mean())
    mean_now = float(now["composite"].mean())
    return {
        "assessed": int(len(now)),
        "mean": mean_now,
        "mean_change": None if mean_prev is None else mean_now - mean_prev,
        "grades": {g: n for g in GRADES  # 较差 is used only when configured
                   if (n := int((now["grade"] == g).sum())) or g != "较差"},
        "ungraded": int(now["grade"].isna().sum()),
        "flagged": int(now["flagged"].sum()),
        "escalated": int(now["escalated"].sum()),
        "progress": int(now["progress"].sum()),
    }


def praise_text(assessment: Assessment, year: int) -> str:
    """Ready-to-paste text for the 通报表扬 list."""
    table = praise_list(assessment, year)
    excellent = table[table["表扬类别"] == "优秀"]
    progress = table[table["表扬类别"] == "进步明显"]

    def names(part: pd.DataFrame) -> str:
        return "、".join(part["县（市、区）"]) or "无"

    return (f"根据 {year} 年度乡村振兴实绩考核结果，对以下县（市、区）予以通报表扬：\n\n"
            f"一、考核等次为优秀的县（市、区）（{len(excellent)} 个）：{names(excellent)}。\n\n"
            f"二、进步明显的县（市、区）（{len(progress)} 个）：{names(progress)}。"
            + ("".join(f"\n{r['县（市、区）']}：{r['理由'].removeprefix('进步明显：')}。"
                       for _, r in progress.iterrows()))
            + "".join(f"\n\n（注：{r['县（市、区）']}的结果{r['数据说明']}，印发前请核实。）"
                      for _, r in table.drop_duplicates("县（市、区）").iterrows() if r["数据说明"]))


def briefing_summary(assessment: Assessment, config: IndicatorSystem, year: int) -> str:
    """A short Chinese summary paragraph of a year's results, for pasting into a 简报."""
    k = kpis(assessment, year)
    rows = assessment.year(year)
    rows = rows[rows["assessed"]]
    best = rows.sort_values("composite", ascending=False).head(3)["name"].tolist()
    group_means = {g.name: rows[g.code].mean() for g in config.groups}
    strongest = max(group_means, key=group_means.get)
    weakest = min(group_means, key=group_means.get)
    change = ("" if k["mean_change"] is None
              else f"，较上年{'提高' if k['mean_change'] >= 0 else '下降'} {abs(k['mean_change']):.1f} 分")
    excellent = "、".join(rows.loc[rows["grade"] == "优秀", "name"]) or "无"
    progress = "、".join(rows.loc[rows["progress"], "name"]) or "无"
    flagged = "、".join(rows.loc[rows["flagged"], "name"]) or "无"
    return (
        f"{year} 年度，全省 {k['assessed']} 个县（市、区）纳入乡村振兴实绩考核，"
        f"平均综合得分 {k['mean']:.1f} 分{change}。综合得分居前三位的是{'、'.join(best)}。"
        f"五大振兴中，{strongest}平均得分最高（{group_means[strongest]:.1f} 分），"
        f"{weakest}相对薄弱（{group_means[weakest]:.1f} 分）。\n\n"
        f"评定为优秀等次的 {k['grades']['优秀']} 个：{excellent}。\n\n"
        f"进步明显的 {k['progress']} 个：{progress}。\n\n"
        f"列入约谈预警的 {k['flagged']} 个：{flagged}。"
    )
