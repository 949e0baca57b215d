"""Shapes of the assessment for display: map frames, KPIs, tables. Pure and testable."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from revitalization.config import GRADES, IndicatorSystem, format_value
from revitalization.engine import IMPUTE_LABELS, Assessment


@dataclass(frozen=True)
class Measure:
    """Something a map can be coloured by."""

    key: str  # "composite", a group code or an indicator code
    label: str
    unit: str
    decimals: int


def measures(config: IndicatorSystem) -> list[Measure]:
    """The composite, the five revitalizations, then every indicator."""
    out = [Measure("composite", "综合得分", "分", 1)]
    out += [Measure(g.code, f"{g.name}得分", "分", 1) for g in config.groups]
    out += [Measure(i.code, i.name, i.unit, i.decimals) for i in config.indicators]
    return out


def measure_values(assessment: Assessment, measure: str, year: int) -> pd.Series:
    """Values of a measure for every unit in a year, indexed by adcode."""
    if measure in assessment.scores.columns:
        return assessment.year(year)[measure].astype(float)
    values = assessment.values[measure].xs(year, level="year")
    return values.astype(float)


def map_frame(assessment: Assessment, measure: Measure, year: int) -> pd.DataFrame:
    """One row per county: adcode, value, assessed, label and an escaped HTML tooltip."""
    rows = assessment.year(year)
    values = measure_values(assessment, measure.key, year).reindex(rows.index)
    hover = []
    for adcode, r in rows.iterrows():
        name = html.escape(str(r["name"]))
        city = html.escape(str(r["city_name"]))
        parts = [f"<b>{name}</b>（{city}）",
                 f"{html.escape(measure.label)}：{format_value(values[adcode], measure.unit, measure.decimals)}"]
        if r["assessed"]:
            parts.append(f"类内排名：{int(r['rank_class'])}/{int(r['class_size'])}"
                         f"（{html.escape(r['assessment_class'])}）")
            parts.append(f"等次：{r['grade'] if isinstance(r['grade'], str) else '不评定'}")
            if r["flagged"]:
                reasons = "<br>".join("· " + html.escape(t) for t in r["flag_reasons"])
                parts.append(f"<span style='color:#c2410c'>约谈预警：</span><br>{reasons}")
        else:
            parts.append("未纳入考核")
        hover.append("<br>".join(parts))
    return pd.DataFrame({
        "adcode": rows.index, "value": values.to_numpy(),
        "assessed": rows["assessed"].to_numpy(), "label": rows["short_name"].to_numpy(),
        "hover": hover,
    })


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
        "grades": {g: int((now["grade"] == g).sum()) for g in GRADES},
        "ungraded": int(now["grade"].isna().sum()),
        "flagged": int(now["flagged"].sum()),
        "escalated": int(now["escalated"].sum()),
        "progress": int(now["progress"].sum()),
    }


def ranking_table(assessment: Assessment, config: IndicatorSystem, year: int) -> pd.DataFrame:
    """All assessed units of a year, best first, with Chinese column names."""
    rows = assessment.year(year)
    rows = rows[rows["assessed"]].sort_values(["rank_province", "name"])
    table = pd.DataFrame({
        "全省排名": rows["rank_province"].astype(int),
        "类内排名": rows["rank_class"].astype(int).astype(str) + "/"
        + rows["class_size"].astype(int).astype(str),
        "县（市、区）": rows["name"],
        "市州": rows["city_name"],
        "考核类别": rows["assessment_class"],
        "综合得分": rows["composite"].round(1),
    })
    for g in config.groups:
        table[g.short] = rows[g.code].round(1)
    table["等次"] = rows["grade"].fillna("不评定")
    table["名次变化"] = rows["rank_change"].map(_arrow)
    table["约谈预警"] = np.where(rows["flagged"], "是", "")
    table.index = rows.index
    return table


def _arrow(change: float) -> str:
    if change is None or np.isnan(change):
        return "—"
    if change > 0:
        return f"↑ {int(change)}"
    if change < 0:
        return f"↓ {int(-change)}"
    return "→ 0"


def flagged_table(assessment: Assessment, year: int) -> pd.DataFrame:
    """Units flagged for 约谈 in a year, lowest composite first, each reason on its own line."""
    rows = assessment.year(year)
    rows = rows[rows["assessed"] & rows["flagged"]].sort_values("composite")
    return pd.DataFrame({
        "县（市、区）": rows["name"],
        "市州": rows["city_name"],
        "考核类别": rows["assessment_class"],
        "综合得分": rows["composite"].round(1),
        "类内排名": rows["rank_class"].astype(int).astype(str) + "/"
        + rows["class_size"].astype(int).astype(str),
        "预警原因": rows["flag_reasons"].map("；".join),
        "连续两年预警": np.where(rows["escalated"], "是（升级处理）", "否"),
    }, index=rows.index)


def indicator_table(assessment: Assessment, config: IndicatorSystem, adcode: str,
                    year: int) -> pd.DataFrame:
    """A unit's indicators in a year: value with unit, score, change, gate and imputation."""
    values = assessment.values.loc[(adcode, year)]
    how = assessment.imputed.loc[(adcode, year)]
    prev_key = (adcode, year - 1)
    prev = assessment.values.loc[prev_key] if prev_key in assessment.values.index else None
    norm = (assessment.normalised.loc[(adcode, year)]
            if (adcode, year) in assessment.normalised.index else None)
    rows = []
    for ind in config.indicators:
        v = values[ind.code]
        change = None if prev is None else v - prev[ind.code]
        if ind.gate:
            status = "达标" if ind.passes_gate(v) else "未达标"
            score = "门槛指标"
        else:
            status = ""
            score = f"{norm[ind.code]:.1f}" if norm is not None else "—"
        note = f"插补：{IMPUTE_LABELS[how[ind.code]]}" if how[ind.code] else ""
        rows.append({
            "振兴类别": config.group(ind.group).short,
            "指标": ind.name,
            "数值": ind.format_value(v),
            "较上年": "—" if change is None or np.isnan(change)
            else f"{change:+,.{ind.decimals}f}",
            "标准化得分": score,
            "门槛": status,
            "方向": "越高越好" if ind.higher_is_better else "越低越好",
            "备注": note,
        })
    return pd.DataFrame(rows)


def movers(assessment: Assessment, year_a: int, year_b: int) -> pd.DataFrame:
    """Assessed units' composite and class-rank change from year A to year B."""
    a = assessment.year(year_a)
    b = assessment.year(year_b)
    both = b[b["assessed"]].join(a[["composite", "rank_class"]].add_suffix("_a"))
    return pd.DataFrame({
        "县（市、区）": both["name"],
        "市州": both["city_name"],
        "考核类别": both["assessment_class"],
        f"{year_a} 年得分": both["composite_a"].round(1),
        f"{year_b} 年得分": both["composite"].round(1),
        "得分变化": (both["composite"] - both["composite_a"]).round(1),
        "类内名次变化": (both["rank_class_a"] - both["rank_class"]).map(_arrow),
    }, index=both.index).sort_values("得分变化", ascending=False)


def biggest_movers(table: pd.DataFrame, n: int) -> pd.DataFrame:
    """The n largest gains and the n largest declines of a ``movers`` table.

    Only real declines count as declines: in a year where almost every unit improves,
    the list of decliners is short (or empty) rather than padded with small gains.
    """
    change = table["得分变化"]
    gains = table[change > 0].nlargest(n, "得分变化")
    falls = table[change < 0].nsmallest(n, "得分变化").iloc[::-1]
    return pd.concat([gains, falls])


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
