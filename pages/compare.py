"""年度对比: two assessment years side by side — who moved up, who slipped."""

import streamlit as st

from components import cached
from components.layout import chart, ensure_router, header
from revitalization import views
from revitalization.figures import change_bars

ensure_router()

assessment = cached.assessment()
years = assessment.years
header("年度对比", "两个考核年度均按现行方法和固定阈值计算，得分可直接比较")
c1, c2, c3 = st.columns([1, 1, 2])
year_a = c1.selectbox("对比年度 A", years, index=len(years) - 2, format_func=lambda y: f"{y} 年")
year_b = c2.selectbox("对比年度 B", years, index=len(years) - 1, format_func=lambda y: f"{y} 年")
top_n = c3.slider("显示进步 / 退步最大的单位数", 5, 20, 10)
if year_a >= year_b:
    st.warning("请让年度 A 早于年度 B。")
    st.stop()

table = views.movers(assessment, year_a, year_b)
shown = views.biggest_movers(table, top_n)
ups, downs = int((shown["得分变化"] > 0).sum()), int((shown["得分变化"] < 0).sum())
chart(change_bars(shown["县（市、区）"].tolist(), shown["得分变化"].tolist(),
                  title=f"综合得分变化最大的单位（{year_a}→{year_b} 年度）",
                  subtitle=f"进步最大的 {ups} 个与退步的 {downs} 个"
                  + ("" if downs == top_n else f"（仅 {downs} 个单位得分下降）")),
      key="compare_movers")
st.subheader("全部单位")
st.dataframe(table, hide_index=True, width="stretch", column_config={
    c: st.column_config.NumberColumn(format="%.1f") for c in table.columns if "得分" in c})
