"""县域画像: one county's scores, ranks, grade, flags, indicators and trend."""

import streamlit as st

from components import cached
from components.layout import chart, ensure_router, header, selected_year
from revitalization import views
from revitalization.figures import group_bars, trend_lines

ensure_router()

config = cached.config()
assessment = cached.assessment()
regions = cached.regions()
year = selected_year()

names = dict(zip(regions["adcode"], regions["name"] + "（" + regions["city_name"] + "）",
                 strict=True))
wanted = st.query_params.get("county", "")
codes = list(names)
adcode = st.selectbox("选择县（市、区）", codes, format_func=names.get,
                      index=codes.index(wanted) if wanted in names
                      else int(regions["assessed"].to_numpy().argmax()),
                      help="可输入全称或简称搜索")
st.query_params["county"] = adcode
row = assessment.year(year).loc[adcode]
header(row["name"], f"{row['city_name']} · {regions.set_index('adcode').at[adcode, 'kind']}"
       f" · {year} 年度")

if not row["assessed"]:
    st.info(f"{row['name']}为中心城区，**未纳入乡村振兴实绩考核**（可在区划名录中调整）。"
            "以下得分仅供参考，不参与排名、评定等次和约谈预警。")
else:
    c = st.columns(5)
    c[0].metric("综合得分", f"{row['composite']:.1f} 分",
                None if row["score_change"] != row["score_change"]
                else f"{row['score_change']:+.1f} 分（较上年）")
    c[1].metric("全省排名", f"{int(row['rank_province'])}/{int(row['province_size'])}")
    c[2].metric(f"类内排名（{row['assessment_class']}）",
                f"{int(row['rank_class'])}/{int(row['class_size'])}")
    c[3].metric("市州内排名", f"{int(row['rank_city'])}/{int(row['city_size'])}")
    c[4].metric("等次", row["grade"] if isinstance(row["grade"], str) else "不评定")
    st.markdown(f"**等次依据：** {row['grade_reason']}")
    if row["progress"]:
        st.markdown(f"**{row['progress_reason']}**")
    if row["flagged"]:
        st.warning("**约谈预警**" + ("（连续两年，升级处理）" if row["escalated"] else "")
                   + "\n\n" + "\n".join(f"- {t}" for t in row["flag_reasons"]))

scores_year = assessment.year(year)
assessed = scores_year[scores_year["assessed"]]
same_class = assessed[assessed["assessment_class"] == row["assessment_class"]]
labels = [g.short for g in config.groups]
values = [float(row[g.code]) for g in config.groups]
reference = same_class if row["assessed"] else assessed
ref_name = f"{row['assessment_class']}平均" if row["assessed"] else "全省平均"
left, right = st.columns(2)
with left:
    chart(group_bars(labels, values, [float(reference[g.code].mean()) for g in config.groups],
                     title=f"{row['name']}五大振兴得分", subtitle=f"{year} 年度",
                     reference_name=ref_name), key="county_groups")
history = assessment.scores[assessment.scores["adcode"] == adcode]
trend = history[["year", "composite"] + [g.code for g in config.groups]].rename(
    columns={"composite": "综合", **{g.code: g.short for g in config.groups}})
with right:
    chart(trend_lines(trend, title=f"{row['name']}得分走势", subtitle="各考核年度"),
          key="county_trend")

st.subheader("指标明细")
st.dataframe(views.indicator_table(assessment, config, adcode, year), hide_index=True,
             width="stretch")
if row["imputed_count"]:
    st.caption(f"{int(row['imputed_count'])} 项指标为插补值（见“备注”列），插补值不会被静默使用。")
