"""年度对比: two assessment years side by side — who moved up, who slipped, where gaps closed."""

import streamlit as st

from components import cached
from components.layout import chart, header, is_demo
from components.state import url_widget
from revitalization import charts, compare
from revitalization.maps.bins import SCHEMES
from revitalization.publish import DIFF_LABELS, recompute_diff
from revitalization.wording import md, year_label

config = cached.config()
fresh = cached.fresh_assessment()  # like with like: every year rescored with today's method
frozen = cached.published()
years = fresh.years
header("年度对比", "两个考核年度并列比较：谁进步了、谁退步了、差距在哪里缩小")

scores = compare.score_columns(config)
if len(years) < 2:
    st.info("只有一个考核年度的数据，无法进行年度对比。导入更多年度的数据后再来。")
    st.stop()
c1, c2, c3, c4 = st.columns([1, 1, 2, 2])
year_a = url_widget("a", "compare_a", years, years[-2], lambda: c1.selectbox(
    "基期年度", years, key="compare_a", format_func=year_label))
year_b = url_widget("b", "compare_b", years, years[-1], lambda: c2.selectbox(
    "对比年度", years, key="compare_b", format_func=year_label))
score = url_widget("score", "compare_score", list(scores), "composite", lambda: c3.selectbox(
    "比较内容", list(scores), key="compare_score", format_func=scores.get,
    help="综合得分或五大振兴之一；名次为该得分的类内名次"))
scheme = c4.selectbox("地图分级方式", list(SCHEMES), format_func=SCHEMES.get,
                      key="compare_classes")
if year_a >= year_b:
    st.warning("请让基期年度早于对比年度。")
    st.stop()
label = scores[score]
st.info(f"{year_a} 年和 {year_b} 年均按**现行指标体系、方法和固定阈值**重新计算，得分可直接比较；"
        "得分变化即真实变化，不含方法调整的影响。", icon=":material/balance:")
for y in (year_a, year_b):
    if y in frozen:
        diff = recompute_diff(frozen[y], fresh)
        if diff.empty:
            st.caption(f":material/lock: {md(frozen[y].label())}；与按现行方法重新计算的结果一致。")
        else:
            with st.expander(f":material/lock: {y} 年已发布结果与重新计算结果有 {len(diff)} 处不同"
                             "（这部分差异来自数据更正或方法调整，不是真实变化）"):
                st.dataframe(diff.rename(columns=DIFF_LABELS), hide_index=True, width="stretch")

TIERS = {"county": "县（市、区）", "city": "市州"}
tier = url_widget("tier", "compare_tier", list(TIERS), "county", lambda: st.segmented_control(
    "考核层级", list(TIERS), format_func=TIERS.get, key="compare_tier"))
if tier == "city":  # the 市州 tier, rescored like the counties
    cities = cached.fresh_city_assessment()
    frame = compare.changes(cities, year_a, year_b, score)
    st.subheader("两年市州地图（同一分数段、同一配色）")
    left, right = st.columns(2)
    for column, y in ((left, year_a), (right, year_b)):
        with column:
            chart(charts.city_map(cities, config, y, measure=score, demo=is_demo()),
                  key=f"compare_city_map_{y}")
    st.subheader("进步与退步最大的市州")
    chart(charts.movers(cities, config, year_a, year_b, score=score, n=8, demo=is_demo()),
          key="compare_city_movers")
    st.dataframe(compare.movers_table(frame, year_a, year_b, cities=True), hide_index=True,
                 width="stretch", key="compare_city_table",
                 column_config={c: st.column_config.NumberColumn(format="%.1f")
                                for c in frame.columns if "得分" in c})
    st.caption(f"{len(frame)} 个参加排名的市州；名次为{label}在市州中的名次（↑ 上升 / ↓ 下降）。"
               "市州得分由辖区县的结果和市级指标合成，见“市州画像”。")
    st.subheader("市州等次变化")
    chart(charts.transitions(cities, year_a, year_b, demo=is_demo()), key="compare_city_transitions")
    st.stop()

frame = compare.changes(fresh, year_a, year_b, score)

# Two maps with the same classes, then the change ----------------------------------------
st.subheader("两年地图（同一分级、同一配色）")
map_a, map_b = charts.year_maps(fresh, config, year_a, year_b, score=score, scheme=scheme,
                                demo=is_demo())
left, right = st.columns(2)
with left:
    chart(map_a, key=f"compare_map_{year_a}")
with right:
    chart(map_b, key=f"compare_map_{year_b}")
kind = st.segmented_control("变化图显示", ["score", "rank"], default="score",
                            format_func={"score": "得分变化", "rank": "类内名次变化"}.get,
                            key="compare_change_kind") or "score"
chart(charts.change_map(fresh, config, year_a, year_b, score=score, kind=kind, demo=is_demo()),
      key="compare_change_map")

# Movers ----------------------------------------------------------------------------------
st.subheader("进步与退步最大的单位")
top_n = st.slider("显示进步 / 退步最大的单位数", 5, 20, 10, key="compare_top_n")
chart(charts.movers(fresh, config, year_a, year_b, score=score, n=top_n, demo=is_demo()),
      key="compare_movers")
table = compare.movers_table(frame, year_a, year_b)
f1, f2 = st.columns(2)
city = f1.selectbox("市州", ["全部"] + sorted(table["市州"].unique()), key="compare_city")
cls = f2.selectbox("考核类别", ["全部"] + sorted(table["考核类别"].unique()), key="compare_cls")
if city != "全部":
    table = table[table["市州"] == city]
if cls != "全部":
    table = table[table["考核类别"] == cls]
st.dataframe(table, hide_index=True, width="stretch", key="compare_table",
             column_config={c: st.column_config.NumberColumn(format="%.1f")
                            for c in table.columns if "得分" in c})
st.caption(f"共 {len(table)} 个单位。名次为{label}的类内名次（↑ 上升 / ↓ 下降）。")

# Grade transitions -----------------------------------------------------------------------
st.subheader("等次变化")
matrix = compare.grade_transitions(frame)
left, right = st.columns([3, 2])
with left:
    chart(charts.transitions(fresh, year_a, year_b, demo=is_demo()), key="compare_transitions")
with right:
    shown_matrix = matrix.rename_axis(index=f"{year_a} 年 ＼ {year_b} 年").reset_index()
    event = st.dataframe(shown_matrix, hide_index=True, on_select="rerun",
                         selection_mode="single-cell", key="compare_matrix")
    cells = event.selection.cells if event else []
    if cells:
        row, col = cells[0]
        grade_a = shown_matrix.iloc[row, 0]
        if col in compare.GRADE_ORDER:
            units = compare.units_in_transition(frame, grade_a, col)
            st.markdown(f"**{year_a} 年{grade_a} → {year_b} 年{col}**：{len(units)} 个")
            st.markdown("、".join(map(md, units["name"])) or "（无）")
    else:
        st.caption("点击表中的数字，列出这些单位。")

# Trajectories over a range of years ----------------------------------------------------
st.subheader("多年走势")
first, last = st.select_slider("年度范围", options=years, value=(years[0], years[-1]),
                               key="compare_range", format_func=lambda y: f"{y} 年")
span = [y for y in years if first <= y <= last]
if len(span) < 2:
    st.caption("请选择至少两个年度。")
else:
    traj = compare.trajectories(fresh, span, score)
    st.dataframe(traj, hide_index=True, width="stretch", column_config={
        "走势": st.column_config.LineChartColumn(f"{label}走势（{first}–{last} 年）"),
        "累计变化": st.column_config.NumberColumn(format="%+.1f")})
