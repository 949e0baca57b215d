"""市州画像: one 市州's own result (the 市州 tier), its counties, their spread and laggards,
its responsibility scorecard and its praise and 约谈 history."""

import streamlit as st

from components import cached
from components.layout import chart, header, is_demo, scorecard_table, selected_year
from components.pages import page_path
from components.state import url_widget
from revitalization import charts, cities, responsibilities
from revitalization.config import DIRECT_UNITS
from revitalization.wording import grade_label, md

config = cached.config()
assessment = cached.assessment()
tier = cached.city_assessment()
year = selected_year()
rows = tier.year(year)
names = rows["name"].to_dict()
codes = sorted(names, key=lambda a: (not rows.loc[a, "assessed"], rows.loc[a, "rank_province"]))
adcode = url_widget("city", "city_pick", codes, codes[0],
                    lambda: st.selectbox("查找市州", codes, key="city_pick", format_func=names.get,
                                         help="按市州排名排列；可输入名称搜索"))
row = rows.loc[adcode]
kind = "省直管市、林区（同时参加县级考核）" if row["direct"] else "市州"
header(row["name"], f"{kind} · 辖区纳入考核县（市、区）{int(row['assessed_counties'])} 个 · {year} 年度")

# Result -----------------------------------------------------------------------------------
if not row["assessed"]:
    st.info(f"{row['name']}按配置只参加县级考核（city_tier.direct_units: "
            f"{config.city.direct_units}，{DIRECT_UNITS[config.city.direct_units]}），"
            "不参加市州排名、不评定市州等次。以下得分仅供参考。")
c = st.columns(3)  # three cards: their values fit beside an open menu at 1024 px
c[0].metric("市州综合得分", f"{row['composite']:.1f} 分",
            None if row["score_change"] != row["score_change"]
            else f"{row['score_change']:+.1f} 分（较上年）")
if row["assessed"]:
    c[1].metric("市州排名", f"{int(row['rank_province'])}/{int(row['province_size'])}")
    c[2].metric("等次", grade_label(row["grade"]))
share = config.city.own_share
parts = (f"县级部分 **{row['county_part']:.1f} 分**（辖区纳入考核县的平均）"
         + ("" if row["own"] != row["own"] or share <= 0 else
            f" × {1 - share:.0%} + 市级指标 **{row['own']:.1f} 分** × {share:.0%}"))
st.markdown(f"本市得分：{parts}")
st.caption(md(cities.own_part_text(config)))
if row["assessed"]:
    st.markdown(f"**等次依据：** {md(row['grade_reason'])}")
if row["progress"]:
    st.success(md(row["progress_reason"]), icon=":material/trending_up:")
if row["flagged"]:
    st.warning("**市州约谈预警**" + ("（连续两年，升级处理）" if row["escalated"] else "")
               + "\n\n" + "\n".join(f"- {md(t)}" for t in row["flag_reasons"]),
               icon=":material/warning:")

counties_tab, duties_tab, history_tab = st.tabs(["辖区各县", "责任清单", "历年表扬与约谈"])

with counties_tab:
    table = cities.counties_table(assessment, config, adcode, year)
    spread = cities.spread_sentence(assessment, adcode, year, name=md,
                                    strong=lambda text: f"**{text}**")
    if spread:
        st.markdown(spread)
    left, right = st.columns(2)
    with left:
        chart(charts.city_counties_map(assessment, config, adcode, year, demo=is_demo()),
              key="city_counties_map", export_name=f"{row['name']}各县综合得分_{year}年度")
    with right:
        st.caption("点选一行打开该县的县域画像。")
        picked = st.dataframe(table, hide_index=True, width="stretch", key="city_counties",
                              on_select="rerun", selection_mode="single-row",
                              column_order=["县（市、区）", "综合得分", "全省排名", "等次",
                                            "约谈预警", "进步明显", "类内排名", "考核类别"],
                              column_config={"综合得分": st.column_config.NumberColumn(
                                  format="%.1f")})
        if picked.selection.rows:
            st.switch_page(page_path("county"), query_params={
                "county": table.index[picked.selection.rows[0]], "year": str(year)})

with duties_tab:
    st.caption("《实施细则》明确的 15 个方面责任：每项责任的得分为标注了该责任的指标得分的加权平均"
               "（县级指标取辖区县的平均，市级指标取本市数值）；没有指标的责任显示“未设指标”。")
    card = responsibilities.scorecard(cached.duty_scores()[1], config, adcode, year, city=True)
    scorecard_table(card)

with history_tab:
    st.dataframe(cities.history(tier, adcode), width="stretch",
                 column_config={"综合得分": st.column_config.NumberColumn(format="%.1f"),
                                "原因": st.column_config.TextColumn(width="large")})
