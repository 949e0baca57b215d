"""What a map can be coloured by (measures), their values per unit and their bins, and the
map frame every renderer draws from: one row per unit with value, label and tooltip."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import pandas as pd

from revitalization import wording
from revitalization.config import IndicatorSystem
from revitalization.engine import Assessment
from revitalization.maps.bins import Bins, category_bins, make_bins
from revitalization.regions import city_short_name
from revitalization.style import FLAG_COLORS, GRADE_COLORS, WARNING
from revitalization.wording import format_value, grade_label


@dataclass(frozen=True)
class Measure:
    """Something a map can be coloured by."""

    key: str  # "composite", a group code, "grade", "flag" or an indicator code
    label: str
    unit: str
    decimals: int
    kind: str = "score"  # score | indicator | category
    categories: tuple[str, ...] = ()  # a categorical measure's categories in use, in order

    @property
    def is_score(self) -> bool:
        return self.kind == "score"

    def option(self) -> str:
        """How the measure is named in a picker."""
        return self.label + (f"（{self.unit}）" if self.unit else "")

    def legend_title(self) -> str:
        return self.option()


DEFAULT_MEASURE = "grade"  # what leaders act on; 约谈 units are outlined on every measure
FLAG_MEASURE = Measure("flag", "约谈预警状态", "", 0, "category")


def measures(config: IndicatorSystem) -> list[Measure]:
    """Grade, flag status, the composite, the five revitalizations, then every indicator."""
    label = "考核等次（类内）" if config.method.within_class_only else "考核等次"
    grade = Measure("grade", label, "", 0, "category", (*config.method.grades, wording.UNGRADED))
    out = [grade, FLAG_MEASURE, Measure("composite", "综合得分", "分", 1)]
    out += [Measure(g.code, f"{g.name}得分", "分", 1) for g in config.groups]
    out += [Measure(i.code, i.name, i.unit, i.decimals, "indicator") for i in config.indicators]
    return out


def measure(config: IndicatorSystem, key: str) -> Measure:
    """The measure of that key (KeyError when there is none)."""
    for m in measures(config):
        if m.key == key:
            return m
    raise KeyError(key)


def flag_status(rows: pd.DataFrame) -> pd.Series:
    """约谈预警（连续两年） / 约谈预警 / 未预警 for assessed units; NaN for the others."""
    status = np.where(rows["escalated"], wording.ESCALATED,
                      np.where(rows["flagged"], wording.FLAGGED, wording.NOT_FLAGGED))
    return pd.Series(status, index=rows.index, dtype=object).where(rows["assessed"])


def measure_values(assessment: Assessment, measure: str, year: int) -> pd.Series:
    """Values of a measure for every unit in a year, indexed by adcode."""
    rows = assessment.year(year)
    if measure == "grade":
        return wording.grade_labels(rows["grade"]).astype(object).where(rows["assessed"])
    if measure == "flag":
        return flag_status(rows)
    if measure in assessment.scores.columns:
        return rows[measure].astype(float)
    return assessment.values[measure].xs(year, level="year").astype(float)


def default_scheme(measure: Measure) -> str:
    return "fixed" if measure.is_score else "quantile"


def measure_bins(measure: Measure, values: pd.Series, scheme: str | None = None) -> Bins:
    """The one way a measure's bins are made (``values``: the assessed units' values;
    pass several years' values together to share bins between years)."""
    if measure.key == "grade":
        return category_bins({g: GRADE_COLORS[g] for g in measure.categories or GRADE_COLORS})
    if measure.key == "flag":
        return category_bins(FLAG_COLORS)
    return make_bins(scheme or default_scheme(measure), values, is_score=measure.is_score,
                        decimals=measure.decimals, unit=measure.unit)


def display_value(value: object, measure: Measure) -> str:
    if measure.kind == "category":
        return value if isinstance(value, str) else wording.NO_VALUE
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
            if measure.key != "grade":  # the grade map already said it in its own line
                parts.append(f"等次：{grade_label(r['grade'])}")
            if r["flagged"]:
                reasons = "<br>".join("· " + html.escape(t) for t in r["flag_reasons"])
                parts.append(f"<span style='color:{WARNING}'>约谈预警：</span><br>{reasons}")
        else:
            parts.append(wording.NOT_ASSESSED_NOTE)
        hover.append("<br>".join(parts))
    return pd.DataFrame({
        "adcode": rows.index, "value": values.to_numpy(),
        "assessed": rows["assessed"].to_numpy(), "label": rows["short_name"].to_numpy(),
        "hover": hover, "flagged": (rows["assessed"] & rows["flagged"]).to_numpy(bool),
    })


def city_map_frame(cities: pd.DataFrame, measure: Measure) -> pd.DataFrame:
    """A map frame for the city layer from one year of the 市州 tier (``CityAssessment.year``):
    the city's own result, its rank among the cities and why it is flagged."""
    hover = []
    for _, r in cities.iterrows():
        parts = [f"<b>{html.escape(str(r['name']))}</b>",
                 f"{html.escape(measure.label)}：{format_value(r[measure.key], '分', 1)}"]
        if r["assessed"]:
            parts.append(f"市州排名：{int(r['rank_province'])}/{int(r['province_size'])} · "
                         f"等次：{grade_label(r['grade'])}")
        else:
            parts.append("只参加县级考核（不参加市州排名）")
        parts.append(f"辖区纳入考核县 {int(r['assessed_counties'])} 个，其中约谈预警 "
                     f"{int(r['flagged_counties']) if r['flagged_counties'] == r['flagged_counties'] else 0} 个")
        if r["flagged"]:
            parts += ["<b>约谈预警</b>"] + [html.escape(t) for t in r["flag_reasons"]]
        if r["progress"]:
            parts.append("进步明显")
        hover.append("<br>".join(parts))
    return pd.DataFrame({"adcode": cities.index, "value": cities[measure.key].to_numpy(),
                         "assessed": cities["assessed"].to_numpy(bool),
                         "flagged": cities["flagged"].to_numpy(bool),
                         "label": cities["name"].map(city_short_name).to_numpy(),
                         "hover": hover})


