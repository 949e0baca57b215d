"""责任清单: the 15 responsibilities of the 细则 across the province, and one unit's scorecard
(a county or a 市州); responsibilities without an indicator are shown as 未设指标."""

import streamlit as st

from components import cached
from components.layout import chart, header, is_demo, selected_year
from components.state import url_widget
from revitalization import charts, profile, responsibilities
from revitalization.wording import md

config = cached.config()
assessment = cached.assessment()
tier = cached.city_assessment()
regions = cached.regions()
year = selected_year()
header("责任清单", f"《湖北省乡村振兴责任制实施细则》市县乡党委和政府 15 个方面责任 · {year} 年度")

county_long, city_long = cached.duty_scores()
names = regions.set_index("adcode")["short_name"]
view = responsibilities.province_view(county_long, config, year, names)
missing = view.loc[view["指标数"] == 0, "责任"].tolist()

left, right = st.columns([3, 2])
with left:
    chart(charts.responsibility_bars(view, year, demo=is_demo()), key="duties_bars")
with right:
    lagging = view[view["中位数"].notna()].head(3)
    st.markdown("**全省最弱的责任**（纳入考核县的中位数最低）：\n"
                + "\n".join(f"- {md(r['责任'])}：中位数 {r['中位数']:.1f} 分，"
                            f"{int(r['低于60分'])} 个县低于 60 分；最弱：{md(r['最弱单位'])}"
                            for _, r in lagging.iterrows()))
    if missing:
        st.warning("**未设指标的责任**（不评分，不等于已落实）：" + "、".join(md(m) for m in missing)
                   + "。可在 data/indicators.yaml 为指标标注 responsibilities。",
                   icon=":material/report:")
st.dataframe(view.drop(columns=["代码", "简称"]), hide_index=True, width="stretch",
             column_config={"中位数": st.column_config.NumberColumn(format="%.1f"),
                            "P10": st.column_config.NumberColumn("第 10 百分位", format="%.1f"),
                            "低于60分": st.column_config.NumberColumn("低于 60 分的县", format="%d"),
                            "中位数较上年": st.column_config.NumberColumn(format="%+.1f"),
                            "最弱单位": st.column_config.TextColumn("最弱的 3 个县", width="large")})

st.subheader("单位责任清单")
kinds = {"county": "县（市、区）", "city": "市州"}
kind = st.segmented_control("层级", list(kinds), format_func=kinds.get, default="county",
                            key="duties_kind") or "county"
if kind == "county":
    options = profile.search_options(regions)
    assessed = regions.loc[regions["assessed"], "adcode"].tolist()
    unit = url_widget("county", "duties_county", assessed, assessed[0],
                      lambda: st.selectbox("县（市、区）", assessed, key="duties_county",
                                           format_func=options.get))
    card = responsibilities.scorecard(county_long, config, unit, year, values=assessment.values)
else:
    cities = tier.year(year)
    codes = cities.index.tolist()
    unit = url_widget("city", "duties_city", codes, codes[0],
                      lambda: st.selectbox("市州", codes, key="duties_city",
                                           format_func=cities["name"].to_dict().get))
    card = responsibilities.scorecard(city_long, config, unit, year, city=True)
st.dataframe(card.drop(columns=["简称"]), hide_index=True, width="stretch",
             height=35 * (len(card) + 1) + 3,
             column_config={"得分": st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                                  format="%.1f"),
                            "状态": st.column_config.TextColumn(width="small"),
                     "依据指标": st.column_config.TextColumn(width="large")})
st.caption("责任得分 = 标注了该责任的计分指标得分（0–100）按其在综合得分中的权重加权平均；门槛指标只说明"
           "达标与否，不计分。排名为全省纳入考核单位（或市州）中的名次。")
