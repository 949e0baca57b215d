"""排名: every assessed unit of a year, ranked, with group scores and grades."""

import streamlit as st

from components import cached
from components.layout import ensure_router, header, selected_year
from revitalization import views

ensure_router()

config = cached.config()
assessment = cached.assessment()
year = selected_year()
header("考核排名", f"{year} 年度 · 按综合得分排序；得分相同者名次并列（1、2、2、4）")

table = views.ranking_table(assessment, config, year)
c1, c2, c3 = st.columns(3)
city = c1.selectbox("市州", ["全部"] + sorted(table["市州"].unique().tolist()))
cls = c2.selectbox("考核类别", ["全部"] + sorted(table["考核类别"].unique().tolist()))
grade = c3.selectbox("等次", ["全部", "优秀", "良好", "一般", "较差", "不评定"])
shown = table
if city != "全部":
    shown = shown[shown["市州"] == city]
if cls != "全部":
    shown = shown[shown["考核类别"] == cls]
if grade != "全部":
    shown = shown[shown["等次"] == grade]
progress = st.toggle("只看进步明显的单位", value=st.query_params.get("progress") == "1")
st.query_params["progress"] = "1" if progress else "0"
if progress:
    marked = assessment.year(year)["progress"]
    shown = shown[marked.reindex(shown.index).fillna(False).astype(bool)]
    for adcode in shown.index:
        st.markdown(f"- **{shown.at[adcode, '县（市、区）']}**："
                    f"{assessment.year(year).at[adcode, 'progress_reason']}")
score_columns = {g.short: st.column_config.ProgressColumn(g.short, min_value=0, max_value=100,
                                                          format="%.1f")
                 for g in config.groups}
st.dataframe(shown, hide_index=True, width="stretch", height=min(38 * len(shown) + 40, 760),
             column_config={"综合得分": st.column_config.NumberColumn(format="%.1f"),
                            **score_columns})
st.caption(f"共 {len(shown)} 个单位。名次变化为类内名次较上年的变化（↑ 上升 / ↓ 下降）。")
