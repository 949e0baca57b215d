"""排名: every assessed unit of a year, ranked; the praise list; spreadsheet downloads."""

import streamlit as st

from components import cached
from components.layout import header, is_demo, selected_year
from components.login import download
from components.pages import page_path
from components.state import url_flag, url_widget
from revitalization import cities, rulebook, summary, tables
from revitalization.exports import images, spreadsheets
from revitalization.wording import UNGRADED, grade_title, md

config = cached.config()
assessment = cached.assessment()
year = selected_year()
header("考核排名", f"{year} 年度 · 按综合得分排序；得分相同者名次并列（1、2、2、4）")
TIERS = {"county": "县（市、区）", "city": "市州"}
tier = url_widget("tier", "ranking_tier", list(TIERS), "county", lambda: st.segmented_control(
    "考核层级", list(TIERS), format_func=TIERS.get, key="ranking_tier"))
footer = images.source_line(demo=is_demo(), fingerprint=assessment.fingerprint)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

if tier == "city":
    city_table = cities.ranking_table(cached.city_assessment(), config, year)
    picked = st.dataframe(city_table, hide_index=True, width="stretch", key="ranking_cities",
                          on_select="rerun", selection_mode="single-row",
                          height=35 * (len(city_table) + 1) + 3,
                          column_config={c: st.column_config.NumberColumn(format="%.1f")
                                         for c in ("综合得分", "县级部分", "市级指标", "县间差距",
                                                   *(g.short for g in config.groups))}
                          | {"原因": st.column_config.TextColumn(width="large"),
                             "市州": st.column_config.TextColumn(width="medium"),
                             "约谈预警": st.column_config.TextColumn(width="medium")})
    if picked.selection.rows:
        st.switch_page(page_path("city"), query_params={
            "city": city_table.index[picked.selection.rows[0]], "year": str(year)})
    st.caption("点选一行打开市州画像。" + md(cities.own_part_text(config))
               + " 排名、等次和约谈预警与县级相同的规则，在参加排名的市州之间比较；县间差距为辖区纳入考核县"
               "综合得分的最高与最低之差。")
    d1 = d2 = st.container(horizontal=True)  # buttons at their own width
    download("下载 Excel（XLSX）", lambda: spreadsheets.xlsx_bytes(city_table, f"{year}年度市州排名", footer),
             mime=XLSX, icon=":material/table_view:", file_name=f"乡村振兴实绩考核市州排名_{year}年度.xlsx", where=d1)
    download("下载 CSV", lambda: spreadsheets.csv_bytes(city_table),
             file_name=f"乡村振兴实绩考核市州排名_{year}年度.csv", mime="text/csv", icon=":material/download:",
             where=d2)
    excellent = city_table[city_table["等次"] == "优秀"]["市州"].tolist()
    st.subheader("通报表扬名单（市州）")
    st.markdown(f"考核等次为优秀的市州（{len(excellent)} 个）：{md('、'.join(excellent) or '无')}。"
                "按《实施细则》，进步明显的通报表扬对象为县（市、区），见“县（市、区）”层级。")
    st.stop()

table = tables.ranking_table(assessment, config, year)
rows = assessment.year(year)
c1, c2, c3, c4 = st.columns([1, 1, 1, 2])
city = c1.selectbox("市州", ["全部"] + sorted(table["市州"].unique().tolist()))
cls = c2.selectbox("考核类别", ["全部"] + sorted(table["考核类别"].unique().tolist()))
grade = c3.selectbox("等次", ["全部", *config.method.grades, UNGRADED])
search = c4.text_input("搜索县（市、区）", placeholder="输入全称或简称，如“随县”“恩施”")
progress = url_widget("progress", "ranking_progress", [False, True], False,
                      lambda: st.toggle("只看进步明显的单位", key="ranking_progress"), encode=url_flag)
shown = table
if city != "全部":
    shown = shown[shown["市州"] == city]
if cls != "全部":
    shown = shown[shown["考核类别"] == cls]
if grade != "全部":
    shown = shown[shown[grade_title(config.method.within_class_only)] == grade]
if search.strip():
    word = search.strip()
    short = rows.loc[shown.index, "short_name"]
    shown = shown[shown["县（市、区）"].str.contains(word, regex=False)
                  | short.str.contains(word, regex=False)]
if progress:
    shown = shown[rows.loc[shown.index, "progress"].astype(bool)]

score_columns = {g.short: st.column_config.ProgressColumn(g.short, min_value=0, max_value=100,
                                                          format="%.1f")
                 for g in config.groups}
# The columns staff act on first (grade, 约谈, change), then the ranks and the scores.
grade_column = grade_title(config.method.within_class_only)
first = ["全省排名", "县（市、区）", "综合得分", grade_column, "约谈预警", "名次变化", "类内排名",
         "数据说明"]
order = first + [c for c in shown.columns if c not in first]
picked = st.dataframe(shown, hide_index=True, width="stretch", column_order=order,
                      height=min(35 * (len(shown) + 1) + 3, 760), key="ranking_table",
                      on_select="rerun", selection_mode="single-row",
                      column_config={"综合得分": st.column_config.NumberColumn(format="%.1f"),
                                     "名次变化": st.column_config.TextColumn(
                                         help="类内名次较上年（↑ 上升 / ↓ 下降）"),
                                     **score_columns})
if picked.selection.rows:  # a row chosen: open that county's profile
    st.switch_page(page_path("county"), query_params={
        "county": shown.index[picked.selection.rows[0]], "year": str(year)})
st.caption(f"共 {len(shown)} 个单位。点选一行打开该县的县域画像；名次变化为类内名次较上年的变化"
           "（↑ 上升 / ↓ 下降）；五大振兴得分条为 0–100 分。点击列名可排序。")
d1 = d2 = st.container(horizontal=True)  # buttons at their own width
download("下载 Excel（XLSX）", lambda: spreadsheets.xlsx_bytes(shown, f"{year}年度排名", footer),
         file_name=f"乡村振兴实绩考核排名_{year}年度.xlsx", mime=XLSX, icon=":material/table_view:", where=d1)
download("下载 CSV", lambda: spreadsheets.csv_bytes(shown), file_name=f"乡村振兴实绩考核排名_{year}年度.csv",
         mime="text/csv", icon=":material/download:", where=d2)

st.subheader("通报表扬名单")
praise = tables.praise_list(assessment, year)
st.dataframe(praise, hide_index=True, width="stretch",
             column_config={"综合得分": st.column_config.NumberColumn(format="%.1f"),
                            "理由": st.column_config.TextColumn(width="large")})
with st.expander("评定规则（完整说明见“指标体系”页）"):
    st.markdown("\n".join(f"- {md(line)}" for line in
                          [*rulebook.grade_rules(config.method), rulebook.progress_rule(config.method)]))
st.text_area("通报表扬文字（可直接粘贴）", summary.praise_text(assessment, year), height=200)
