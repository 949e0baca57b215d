"""Shapes of the assessment for display: map frames, KPIs, tables. Pure and testable."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from revitalization.classes import (
    FLAG_COLORS,
    GRADE_COLORS,
    Classes,
    category_classes,
    make_classes,
)
from revitalization.compare import arrow
from revitalization.config import GRADES, IndicatorSystem, format_value
from revitalization.engine import Assessment
from revitalization.regions import city_short_name

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:<>])")


def md(text: object) -> str:
    """Text from users or data files, made safe to place inside Streamlit Markdown: every
    Markdown / directive character is escaped and line breaks become spaces."""
    return _MARKDOWN.sub(r"\\\1", str(text)).replace("\r", " ").replace("\n", " ")


@dataclass(frozen=True)
class Measure:
    """Something a map can be coloured by."""

    key: str  # "composite", a group code, "grade", "flag" or an indicator code
    label: str
    unit: str
    decimals: int
    kind: str = "score"  # score | indicator | category

    @property
    def is_score(self) -> bool:
        return self.kind == "score"

    def option(self) -> str:
        """How the measure is named in a picker."""
        return self.label + (f"（{self.unit}）" if self.unit else "")

    def legend_title(self) -> str:
        return self.option()


GRADE_MEASURE = Measure("grade", "考核等次", "", 0, "category")
FLAG_MEASURE = Measure("flag", "约谈预警状态", "", 0, "category")


def measures(config: IndicatorSystem) -> list[Measure]:
    """The composite, the five revitalizations, grade, flag status, then every indicator."""
    out = [Measure("composite", "综合得分", "分", 1)]
    out += [Measure(g.code, f"{g.name}得分", "分", 1) for g in config.groups]
    out += [GRADE_MEASURE, FLAG_MEASURE]
    out += [Measure(i.code, i.name, i.unit, i.decimals, "indicator") for i in config.indicators]
    return out


def flag_status(rows: pd.DataFrame) -> pd.Series:
    """约谈预警（连续两年） / 约谈预警 / 未预警 for assessed units; NaN for the others."""
    status = np.where(rows["escalated"], "约谈预警（连续两年）",
                      np.where(rows["flagged"], "约谈预警", "未预警"))
    return pd.Series(status, index=rows.index, dtype=object).where(rows["assessed"])


def measure_values(assessment: Assessment, measure: str, year: int) -> pd.Series:
    """Values of a measure for every unit in a year, indexed by adcode."""
    rows = assessment.year(year)
    if measure == "grade":
        return rows["grade"].fillna("不评定").astype(object).where(rows["assessed"])
    if measure == "flag":
        return flag_status(rows)
    if measure in assessment.scores.columns:
        return rows[measure].astype(float)
    return assessment.values[measure].xs(year, level="year").astype(float)


def default_scheme(measure: Measure) -> str:
    return "fixed" if measure.is_score else "quantile"


def measure_classes(measure: Measure, values: pd.Series, scheme: str | None = None) -> Classes:
    """The one way a measure's classes are made (``values``: the assessed units' values;
    pass several years' values together to share classes between years)."""
    if measure.key == "grade":
        return category_classes(GRADE_COLORS)
    if measure.key == "flag":
        return category_classes(FLAG_COLORS)
    return make_classes(scheme or default_scheme(measure), values, is_score=measure.is_score,
                        decimals=measure.decimals, unit=measure.unit)


def display_value(value: object, measure: Measure) -> str:
    if measure.kind == "category":
        return value if isinstance(value, str) else "—"
    return format_value(value, measure.unit, measure.decimals)


def map_frame(assessment: Assessment, measure: Measure, year: int) -> pd.DataFrame:
    """One row per county: adcode, value, assessed, label and an escaped HTML tooltip."""
    rows = assessment.year(year)
    values = measure_values(assessment, measure.key, year).reindex(rows.index)
    hover = []
    for adcode, r in rows.iterrows():
        name = html.escape(str(r["name"]))
        city = html.escape(str(r["city_name"]))
        parts = [f"<b>{name}</b>（{city}）"]
        if r["assessed"] or measure.kind == "indicator":  # no score or grade for the others
            value = html.escape(display_value(values[adcode], measure))
            parts.append(f"{html.escape(measure.label)}：{value}")
        if r["assessed"]:
            parts.append(f"综合得分：{r['composite']:.1f} 分")
            parts.append(f"类内排名：{int(r['rank_class'])}/{int(r['class_size'])}"
                         f"（{html.escape(r['assessment_class'])}）")
            parts.append(f"等次：{r['grade'] if isinstance(r['grade'], str) else '不评定'}")
            if r["flagged"]:
                reasons = "<br>".join("· " + html.escape(t) for t in r["flag_reasons"])
                parts.append(f"<span style='color:#c2410c'>约谈预警：</span><br>{reasons}")
        else:
            parts.append("未纳入考核（中心城区，不评分、不排名）")
        hover.append("<br>".join(parts))
    return pd.DataFrame({
        "adcode": rows.index, "value": values.to_numpy(),
        "assessed": rows["assessed"].to_numpy(), "label": rows["short_name"].to_numpy(),
        "hover": hover,
    })


def city_scores(assessment: Assessment, config: IndicatorSystem, year: int) -> pd.DataFrame:
    """The 17 city-level units: the plain mean of their assessed counties' scores.

    Each assessed county counts once (not weighted by population or area); cities'
    non-assessed central districts do not enter the mean.
    """
    rows = assessment.year(year)
    a = rows[rows["assessed"]]
    cols = ["composite"] + [g.code for g in config.groups]
    grouped = a.groupby("city_adcode")
    out = grouped[cols].mean()
    out["assessed"] = grouped.size()
    out["flagged"] = grouped["flagged"].sum().astype(int)
    out["excellent"] = grouped["grade"].apply(lambda g: int((g == "优秀").sum()))
    out["progress"] = grouped["progress"].sum().astype(int)
    names = rows.drop_duplicates("city_adcode").set_index("city_adcode")["city_name"]
    out["name"] = names.reindex(out.index)
    out["rank"] = out["composite"].rank(ascending=False, method="min").astype(int)
    return out.sort_values("rank")


def city_map_frame(cities: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """A map frame for the city layer from ``city_scores``."""
    hover = []
    for _, r in cities.iterrows():
        hover.append("<br>".join([
            f"<b>{html.escape(str(r['name']))}</b>",
            f"{html.escape(measure.label)}：{format_value(r[measure.key], '分', 1)}"
            f"（{int(r['assessed'])} 个纳入考核县的平均）",
            f"市州排名：{int(r['rank'])}/{len(cities)}",
            f"优秀 {int(r['excellent'])} 个 · 进步明显 {int(r['progress'])} 个 · "
            f"约谈预警 {int(r['flagged'])} 个"]))
    return pd.DataFrame({"adcode": cities.index, "value": cities[measure.key].to_numpy(),
                         "assessed": True, "label": cities["name"].map(city_short_name).to_numpy(),
                         "hover": hover})


def html_table(table: pd.DataFrame, formats: dict[str, str] | None = None, *,
               title: str = "", numeric: tuple[str, ...] = ()) -> str:
    """A small table as plain HTML (for ``st.html``), every cell escaped: names come from
    data files. Much lighter for the browser than a Markdown table or a data grid."""
    formats = formats or {}
    cell = "padding:4px 10px;border-bottom:1px solid #e5e7eb;"

    def td(col: str, value: object, tag: str = "td") -> str:
        text = formats[col].format(value) if col in formats and tag == "td" else str(value)
        align = "right" if col in numeric else "left"
        return f"<{tag} style='{cell}text-align:{align}'>{html.escape(text)}</{tag}>"

    head = "".join(td(c, c, "th") for c in table.columns)
    rows = "".join("<tr>" + "".join(td(c, r[c]) for c in table.columns) + "</tr>"
                   for _, r in table.iterrows())
    caption = f"<div style='font-weight:600;margin:0 0 6px'>{html.escape(title)}</div>" if title else ""
    return (f"<div style='font-size:14px'>{caption}<table style='border-collapse:collapse;"
            f"width:100%'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def top_bottom(assessment: Assessment, year: int, n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The n best and n lowest assessed units by composite (province rank)."""
    rows = assessment.year(year)
    rows = rows[rows["assessed"]].sort_values(["rank_province", "name"])
    table = pd.DataFrame({"全省排名": rows["rank_province"].astype(int), "县（市、区）": rows["name"],
                          "市州": rows["city_name"].map(city_short_name),
                          "综合得分": rows["composite"].round(1),
                          "等次": rows["grade"].fillna("不评定")}, index=rows.index)
    return table.head(n), table.tail(n).iloc[::-1]


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
    table["名次变化"] = rows["rank_change"].map(arrow)
    table["约谈预警"] = np.where(rows["flagged"], "是", "")
    table.index = rows.index
    return table


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


def praise_list(assessment: Assessment, year: int) -> pd.DataFrame:
    """优秀 and 进步明显 units of a year, each with the reason (best rank first)."""
    rows = assessment.year(year)
    rows = rows[rows["assessed"]].sort_values("rank_province")
    out = [{"adcode": a, "表扬类别": "优秀", "县（市、区）": r["name"], "市州": r["city_name"],
            "考核类别": r["assessment_class"], "综合得分": round(r["composite"], 1),
            "理由": r["grade_reason"]} for a, r in rows[rows["grade"] == "优秀"].iterrows()]
    out += [{"adcode": a, "表扬类别": "进步明显", "县（市、区）": r["name"], "市州": r["city_name"],
             "考核类别": r["assessment_class"], "综合得分": round(r["composite"], 1),
             "理由": r["progress_reason"]} for a, r in rows[rows["progress"]].iterrows()]
    columns = ["adcode", "表扬类别", "县（市、区）", "市州", "考核类别", "综合得分", "理由"]
    return pd.DataFrame(out, columns=columns).set_index("adcode")


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
                       for _, r in progress.iterrows())))


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
