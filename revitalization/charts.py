"""The standard charts of the dashboard: assessment + choices → a titled plotly figure.

Pages show them and the briefing pack exports them, so both always carry the same
figure (same bins, colours, titles). Titles say the assessment year; a demo subtitle
marks demo data.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from revitalization import compare, explain
from revitalization.cities import CityAssessment
from revitalization.config import IndicatorSystem
from revitalization.engine import Assessment
from revitalization.figures import (
    dumbbell,
    obstacle_bars,
    radar,
    transition_heatmap,
    trend_with_rank,
    waterfall,
)
from revitalization.maps.bins import category_bins, diverging_bins, fixed_score_bins
from revitalization.maps.choropleth import animated_choropleth, choropleth, locator_map, small_multiples
from revitalization.maps.layers import city_bounds
from revitalization.maps.measures import Measure, city_map_frame, map_frame, measure_bins, measures
from revitalization.profile import group_table
from revitalization.style import LABEL, REFERENCE, ROUND_COLORS, UNIT, base_layout
from revitalization.wording import NOT_ASSESSED, grade_label
from revitalization.wording import subtitle as _sub


def province_map(assessment: Assessment, config: IndicatorSystem, year: int, *,
                 measure: str = "composite", scheme: str | None = None, labels: bool = False,
                 demo: bool = False, inline: bool = False, legend_below: bool = False
                 ) -> go.Figure:
    """The county choropleth of one measure in one year (``legend_below``: the legend under
    the map instead of over its north-east corner, for a screen of any width)."""
    m = next(x for x in measures(config) if x.key == measure)
    frame = map_frame(assessment, m, year)
    bins = measure_bins(m, frame.loc[frame["assessed"], "value"], scheme)
    return choropleth(frame, bins, title=f"湖北省县域{m.label}（{year} 年度）",
                      subtitle=_sub(demo), legend_title=m.legend_title(),
                      show_labels=labels, inline=inline, legend_below=legend_below)


def province_play(assessment: Assessment, config: IndicatorSystem, year: int, *,
                  measure: str = "composite", scheme: str | None = None,
                  demo: bool = False) -> go.Figure:
    """The county choropleth of one measure over every assessment year, to play or slide
    through; the bins are made from all years together, so a colour means the same in each."""
    m = next(x for x in measures(config) if x.key == measure)
    years = assessment.years
    frames = [(y, map_frame(assessment, m, y)) for y in years]
    pooled = pd.concat([f.loc[f["assessed"], "value"] for _, f in frames])
    bins = measure_bins(m, pooled, scheme)
    return animated_choropleth(frames, bins, year, title=f"湖北省县域{m.label}（{{year}} 年度）",
                               subtitle=_sub(demo, "各年份颜色分段相同，可直接比较"),
                               legend_title=m.legend_title())


def group_multiples(assessment: Assessment, config: IndicatorSystem, year: int, *,
                    demo: bool = False, inline: bool = False) -> go.Figure:
    """Five small maps, one per revitalization, with the same fixed bins."""
    score_measures = {m.key: m for m in measures(config)}
    frames = [(g.name, map_frame(assessment, score_measures[g.code], year))
              for g in config.groups]
    return small_multiples(frames, fixed_score_bins(),
                           title=f"湖北省县域五大振兴得分（{year} 年度）",
                           subtitle=_sub(demo, "五幅地图的分数段相同（60/75/85 分，不是等次），可直接比较"),
                           legend_title="得分（分）", inline=inline)


def round_map(board: pd.DataFrame, regions: pd.DataFrame, year: int, *, deadline: str,
              inline: bool = False) -> go.Figure:
    """The data round's progress: each county coloured by the state of its submission,
    overdue ones (未填报 or 草稿 after the deadline) in orange."""
    state = board["状态"].where(~board["逾期"], "逾期未交") if len(board) else pd.Series(dtype=object)
    hover = []
    for r in regions.itertuples():
        parts = [f"<b>{html.escape(r.name)}</b>（{html.escape(r.city_name)}）"]
        if r.adcode in board.index:
            row = board.loc[r.adcode]
            parts += [f"状态：{state[r.adcode]}", f"已填指标：{row['已填指标']}",
                      f"最后修改：{row['最后修改'] or '—'}"]
        else:
            parts.append("不参加本年度填报（未纳入考核）")
        hover.append("<br>".join(parts))
    frame = pd.DataFrame({"adcode": regions["adcode"], "value": regions["adcode"].map(state),
                          "assessed": regions["adcode"].isin(board.index),
                          "label": regions["short_name"], "hover": hover})
    return choropleth(frame, category_bins(ROUND_COLORS), title=f"{year} 年度填报进度",
                      subtitle=f"截止日期 {deadline} · 橙色为逾期未交", legend_title="填报状态",
                      inline=inline)


def city_map(cities: CityAssessment, config: IndicatorSystem, year: int, *,
             measure: str = "composite", demo: bool = False, inline: bool = False) -> go.Figure:
    """The 17 市州 coloured by their own result (the 市州 tier), flagged cities outlined."""
    m = next(x for x in measures(config) if x.key == measure)
    frame = city_map_frame(cities.year(year), m)
    return choropleth(frame, fixed_score_bins(), title=f"湖北省市州{m.label}（{year} 年度）",
                      subtitle=_sub(demo, "市州层级考核结果：辖区县加权平均与市级指标合成"),
                      legend_title=m.legend_title(), show_labels=True, level="city",
                      inline=inline, legend_below=True)


def city_counties_map(assessment: Assessment, config: IndicatorSystem, city: str, year: int, *,
                      measure: str = "composite", demo: bool = False, inline: bool = False
                      ) -> go.Figure:
    """One 市州's counties, zoomed to the city, coloured by ``measure``, laggards outlined."""
    m = next(x for x in measures(config) if x.key == measure)
    frame = map_frame(assessment, m, year)
    rows = assessment.year(year)
    frame = frame[(frame["adcode"].map(rows["city_adcode"]) == city).to_numpy()].copy()
    frame.loc[~frame["assessed"], "label"] = ""  # central districts: small, unscored, unnamed
    name = rows.loc[rows["city_adcode"] == city, "city_name"].iloc[0]
    fig = choropleth(frame, fixed_score_bins() if m.is_score else
                     measure_bins(m, frame.loc[frame["assessed"], "value"], None),
                     title=f"{name}各县（市、区）{m.label}（{year} 年度）",
                     subtitle=_sub(demo, "灰色为未纳入考核的市辖区"), legend_title=m.legend_title(),
                     show_labels=True, height=480, inline=inline, legend_below=True)
    lon, lat = city_bounds(city)
    fig.update_geos(lonaxis_range=list(lon), lataxis_range=list(lat))
    return fig


def year_maps(assessment: Assessment, config: IndicatorSystem, year_a: int, year_b: int, *,
              score: str = "composite", scheme: str | None = None, demo: bool = False,
              inline: bool = False) -> tuple[go.Figure, go.Figure]:
    """Two years' maps with the same bins (computed over both years together)."""
    label = compare.score_columns(config)[score]
    measure = Measure(score, label, "分", 1)
    frames = [map_frame(assessment, measure, y) for y in (year_a, year_b)]
    pooled = pd.concat([f.loc[f["assessed"], "value"] for f in frames])
    bins = measure_bins(measure, pooled, scheme)
    return tuple(choropleth(f, bins, title=f"{label}（{y} 年度）", subtitle=_sub(demo),
                            legend_title=measure.legend_title(), height=520, legend_below=True,
                            inline=inline)
                 for f, y in zip(frames, (year_a, year_b), strict=True))


def change_map(assessment: Assessment, config: IndicatorSystem, year_a: int, year_b: int, *,
               score: str = "composite", kind: str = "score", demo: bool = False,
               inline: bool = False) -> go.Figure:
    """Score (or class-rank) change between two years, diverging around 0."""
    label = compare.score_columns(config)[score]
    frame = compare.changes(assessment, year_a, year_b, score)
    data = map_frame(assessment, Measure(score, label, "分", 1), year_b)
    column = "change" if kind == "score" else "rank_change"
    data["value"] = frame[column].reindex(data["adcode"]).to_numpy()
    if kind == "score":
        bins = diverging_bins(frame["change"], 1, "分")
        legend = "得分变化（↑ 进步 / ↓ 退步）"
    else:
        bins = diverging_bins(frame["rank_change"], 0, "位", up="上升", down="下降")
        legend = "类内名次变化（↑ 上升 / ↓ 下降）"
    return choropleth(data, bins, title=f"{label}变化（{year_a}→{year_b} 年度）",
                      subtitle=_sub(demo, "以 0 为中心的发散配色：紫色进步，橙褐色退步"),
                      legend_title=legend, inline=inline, legend_below=True)  # not over the east


def movers(assessment: Assessment, config: IndicatorSystem, year_a: int, year_b: int, *,
           score: str = "composite", n: int = 10, demo: bool = False) -> go.Figure:
    label = compare.score_columns(config)[score]
    shown = compare.biggest(compare.changes(assessment, year_a, year_b, score), n)
    ups, downs = int((shown["change"] > 0).sum()), int((shown["change"] < 0).sum())
    note = f"进步最大的 {ups} 个与退步的 {downs} 个" + ("" if downs == n else
                                                   f"（仅 {downs} 个单位得分下降）")
    return dumbbell(shown["name"].tolist(), shown["score_a"].tolist(), shown["score_b"].tolist(),
                    label_a=f"{year_a} 年", label_b=f"{year_b} 年",
                    title=f"{label}变化最大的单位（{year_a}→{year_b} 年度）",
                    subtitle=_sub(demo, note))


def transitions(assessment: Assessment, year_a: int, year_b: int, *, demo: bool = False
                ) -> go.Figure:
    matrix = compare.grade_transitions(compare.changes(assessment, year_a, year_b))
    return transition_heatmap(matrix, title=f"等次变化（{year_a}→{year_b} 年度）",
                              subtitle=_sub(demo, f"行：{year_a} 年度等次；列：{year_b} 年度等次"),
                              label_a=f"{year_a} 年", label_b=f"{year_b} 年")


# County charts ---------------------------------------------------------------------------

def county_radar(assessment: Assessment, config: IndicatorSystem, adcode: str, year: int, *,
                 demo: bool = False) -> go.Figure:
    row = assessment.year(year).loc[adcode]
    table = group_table(assessment, config, adcode, year)
    ref = f"{row['assessment_class']}平均" if row["assessed"] else "纳入考核单位平均"
    return radar([g.short for g in config.groups],
                 {row["name"]: table["得分"].tolist(), ref: table["同类平均"].tolist(),
                  "全省平均": table["全省平均"].tolist()},
                 title=f"{row['name']}五大振兴得分",
                 subtitle=_sub(demo, f"{year} 年度 · 与{ref}、全省平均比较"))


def county_trend(assessment: Assessment, config: IndicatorSystem, adcode: str, *,
                 demo: bool = False, composite_only: bool = False) -> go.Figure:
    """Scores and class rank over the years; ``composite_only``: the composite alone, each
    point labelled (the one-page card)."""
    hist = assessment.scores[assessment.scores["adcode"] == adcode]
    if composite_only:
        return trend_with_rank(hist[["year", "composite"]].rename(columns={"composite": "综合"}),
                               title=f"{hist['name'].iloc[0]}综合得分走势",
                               subtitle=_sub(demo, "各考核年度"), value_labels=True)
    groups = list(config.groups)
    trend = hist[["year", "composite"] + [g.code for g in groups] + ["rank_class"]].rename(
        columns={"composite": "综合", "rank_class": "类内排名",
                 **{g.code: g.short for g in groups}})
    if not hist["assessed"].any():
        trend = trend.drop(columns="类内排名")
    return trend_with_rank(trend, title=f"{hist['name'].iloc[0]}得分与排名走势",
                           subtitle=_sub(demo, "各考核年度"))


def county_waterfall(assessment: Assessment, config: IndicatorSystem, adcode: str, year: int,
                     *, demo: bool = False) -> go.Figure | None:
    """The change since last year split into the five revitalizations (None without one)."""
    breakdown = explain.change_breakdown(assessment, config, adcode, year)
    if breakdown is None:
        return None
    steps = [(g.short, float(breakdown.by_group[g.code])) for g in config.groups]
    if abs(breakdown.deduction_change) > 1e-9:
        steps.append(("门槛扣分", -breakdown.deduction_change))
    hist = assessment.scores[assessment.scores["adcode"] == adcode].set_index("year")
    before = float(hist.at[year - 1, "composite"])
    return waterfall(steps, start=(f"{year - 1} 年", before),
                     end=(f"{year} 年", before + breakdown.total),
                     title=f"{hist['name'].iloc[0]}得分变化分解",
                     subtitle=_sub(demo, f"{year - 1}→{year} 年度，按五大振兴"))


def county_obstacles(assessment: Assessment, config: IndicatorSystem, adcode: str, year: int,
                     *, n: int = 6, demo: bool = False) -> go.Figure:
    top = explain.obstacles(assessment, config, adcode, year).head(n)
    name = assessment.year(year).at[adcode, "name"]
    return obstacle_bars(top["name"].tolist(), top["obstacle"].tolist(),
                         title=f"{name}短板：障碍度最高的指标",
                         subtitle=_sub(demo, f"{year} 年度 · 障碍度 = 该指标失分占全部失分的比重"))


def county_pair(assessment: Assessment, config: IndicatorSystem, adcode: str, other: str,
                year: int) -> go.Figure:
    """Two units' five revitalization scores on one radar."""
    rows = assessment.year(year)
    a, b = rows.loc[adcode], rows.loc[other]
    return radar([g.short for g in config.groups],
                 {a["name"]: [float(a[g.code]) for g in config.groups],
                  b["name"]: [float(b[g.code]) for g in config.groups]},
                 title=f"{a['name']}与{b['name']}", subtitle=f"{year} 年度五大振兴得分")


def county_locator(assessment: Assessment, adcode: str, year: int) -> go.Figure:
    row = assessment.year(year).loc[adcode]
    return locator_map(adcode, title=f"{row['name']}在全省的位置",
                       subtitle=f"深蓝为本县，浅蓝为{row['city_name']}其他县（市、区）")


def county_facts(row: pd.Series) -> str:
    """The one line of key figures under a county's title (grade, ranks, flag or progress)."""
    if not row["assessed"]:
        return f"{NOT_ASSESSED}（中心城区）· 综合得分 {row['composite']:.1f} 分，仅供参考"
    facts = (f"综合得分 {row['composite']:.1f} 分 · 全省第 {int(row['rank_province'])} 名 · "
             f"{row['assessment_class']}第 {int(row['rank_class'])}/{int(row['class_size'])} 名 · "
             f"等次 {grade_label(row['grade'])}")
    if row["flagged"]:
        facts += "<br>约谈预警：" + "；".join(row["flag_reasons"])
    elif row["progress"]:
        facts += "<br>" + row["progress_reason"]
    return facts


def county_card(assessment: Assessment, config: IndicatorSystem, adcode: str, year: int, *,
                demo: bool = False) -> go.Figure:
    """The county profile on one page (A4 portrait): key figures, the five revitalizations
    against the class, the score over the years, and the weakest indicators — the traces of
    the profile's own radar, trend and obstacle figures, composed on one page."""
    from plotly.subplots import make_subplots

    row = assessment.year(year).loc[adcode]
    parts = [county_radar(assessment, config, adcode, year, demo=demo),
             county_trend(assessment, config, adcode, demo=demo, composite_only=True),
             county_obstacles(assessment, config, adcode, year, demo=demo)]
    fig = make_subplots(rows=3, cols=1, row_heights=[0.36, 0.3, 0.34], vertical_spacing=0.12,
                        specs=[[{"type": "polar"}], [{"type": "xy"}], [{"type": "xy"}]],
                        subplot_titles=["五大振兴得分", "综合得分历年走势", "短板：障碍度最高的指标"])
    radar_traces = parts[0].data[:2]  # the unit and its class (the province line is left out)
    for n, traces in enumerate((radar_traces, parts[1].data, parts[2].data), start=1):
        for trace in traces:
            if n == 2:
                trace.update(line={"color": UNIT, "width": 3})
            fig.add_trace(trace.update(showlegend=n == 1), row=n, col=1)
    title = f"{row['name']}乡村振兴实绩考核画像（{year} 年度）"
    base_layout(fig, title, _sub(demo, f"{row['city_name']} · {county_facts(row)}"), height=1300)
    fig.update_layout(margin={"l": 230, "r": 60, "t": 150, "b": 40},
                      polar={k: v for k, v in parts[0].layout.polar.to_plotly_json().items()
                             if k != "domain"},  # the profile's radar axes, in its row
                      legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": 0.66})
    lo, hi = fig.layout.polar.domain.y  # the radar's labels inside its row, off its title
    fig.update_layout(polar_domain_y=[lo + 0.02, hi - 0.035])
    fig.update_yaxes(autorange="reversed", row=3, col=1)
    fig.update_xaxes(dtick=1, row=2, col=1)
    scores = [v for t in parts[1].data for v in t.y if v is not None]
    fig.update_yaxes(title="得分（分）", row=2, col=1,  # room for the value labels over points
                     range=[min(scores) - 3, max(scores) + 4] if scores else None)
    fig.update_xaxes(title="障碍度（%）", range=parts[2].layout.xaxis.range, row=3, col=1)
    return fig


def responsibility_bars(view: pd.DataFrame, year: int, *, demo: bool = False) -> go.Figure:
    """The 15 responsibilities across the province: median sub-score (bar) and the tenth
    percentile (marker), weakest at the top; those without an indicator are named as such."""
    rows = view.iloc[::-1]  # plotly draws the first category at the bottom
    labels = rows["简称"].tolist()
    scored = rows["中位数"].notna().to_numpy()
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=labels, x=rows["中位数"].fillna(0), orientation="h", marker_color=REFERENCE, name="中位数",
        text=[f"{v:.1f}" if s else "未设指标" for v, s in zip(rows["中位数"], scored, strict=True)],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}：中位数 %{x:.1f} 分<extra></extra>"))
    fig.add_trace(go.Scatter(
        y=[lab for lab, s in zip(labels, scored, strict=True) if s], x=rows.loc[scored, "P10"],
        mode="markers", name="第 10 百分位（最弱的一成单位）",
        marker={"symbol": "line-ns", "size": 18, "line": {"width": 3, "color": LABEL}},
        hovertemplate="%{y}：P10 %{x:.1f} 分<extra></extra>"))
    base_layout(fig, f"全省各项责任落实得分（{year} 年度）",
                _sub(demo, "纳入考核县（市、区）的责任得分中位数；最上方的责任全省最弱"),
                height=max(420, 34 * len(labels) + 170))
    fig.update_layout(xaxis={"range": [0, 105], "title": "责任得分（分）"},
                      legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
                      margin={"l": 90, "b": 110})
    return fig


SUPPORT_COLORS = {"无记录": "#fdae6b", "1 项": "#9ecae1", "2 项及以上": "#2171b5"}


def support_map(cover: pd.DataFrame, links: pd.DataFrame, regions: pd.DataFrame, year: int, *,
                demo: bool = False, inline: bool = False) -> go.Figure:
    """社会动员: each assessed county by the number of its supporters in ``year`` (none in
    orange: a gap to look at), and a line for each 区域协作 pair between two counties."""
    from revitalization.maps.choropleth import county_label_points

    counts = cover[["定点帮扶", "区域协作"]].sum(axis=1)
    state = counts.map(lambda n: "无记录" if n == 0 else "1 项" if n == 1 else "2 项及以上")
    hover = []
    for r in regions.itertuples():
        parts = [f"<b>{html.escape(r.name)}</b>（{html.escape(r.city_name)}）"]
        if r.adcode in cover.index:
            row = cover.loc[r.adcode]
            for kind in ("定点帮扶", "区域协作"):
                parts.append(f"{kind}：{html.escape(row[f'{kind}单位'] or '无')}")
            if row["资金（万元）"] == row["资金（万元）"]:
                parts.append(f"资金：{row['资金（万元）']:,.0f} 万元")
        else:
            parts.append(NOT_ASSESSED)
        hover.append("<br>".join(parts))
    frame = pd.DataFrame({"adcode": regions["adcode"], "value": regions["adcode"].map(state),
                          "assessed": regions["adcode"].isin(cover.index),
                          "label": regions["short_name"], "hover": hover})
    fig = choropleth(frame, category_bins(SUPPORT_COLORS),
                     title=f"定点帮扶与区域协作（{year} 年度）",
                     subtitle=_sub(demo, "按帮扶协作记录数着色，浅橙色为没有记录的县；连线为区域协作双方"),
                     legend_title="帮扶协作记录", inline=inline, legend_below=True)
    points = county_label_points().set_index("adcode")
    lons, lats = [], []
    for a, b in zip(links["adcode"], links["partner"], strict=True):
        if a in points.index and b in points.index:
            lons += [points.at[b, "lon"], points.at[a, "lon"], None]
            lats += [points.at[b, "lat"], points.at[a, "lat"], None]
    if lons:
        fig.add_trace(go.Scattergeo(lon=lons, lat=lats, mode="lines", name="区域协作",
                                    line={"color": UNIT, "width": 1.8}, hoverinfo="skip"))
    return fig
