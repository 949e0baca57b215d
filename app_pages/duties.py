"""责任清单: the 15 responsibilities of the 细则 across the province, and one unit's scorecard
(a county or a 市州), responsibilities without an indicator shown as 未设指标; and the office's
yearly record of the 8 departmental responsibilities (部门责任)."""

import streamlit as st

from components import cached
from components.layout import chart, header, is_demo, scorecard_table, selected_year
from components.login import current_user
from components.state import VersionedEdit, show_flash, url_widget
from components.writes import submit_write
from revitalization import charts, departments, profile, responsibilities
from revitalization.access import refusal
from revitalization.wording import md, shown_time

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
scorecard_table(card)
st.caption("责任得分 = 标注了该责任的计分指标得分（0–100）按其在综合得分中的权重加权平均；门槛指标只说明"
           "达标与否，不计分。排名为全省纳入考核单位（或市州）中的名次。")

# 部门责任 ----------------------------------------------------------------------------------
st.subheader("部门责任（省委、省政府有关部门）")
st.caption("《实施细则》明确的有关部门 8 个方面责任，由省委农办逐年记录落实情况和依据（不计分）。"
           "评为“落实不力”的部门，可按常态化约谈机制由本级党委和政府约谈。")
actor = current_user()
engine = cached.engine()
recorded = departments.records(engine, year)
st.dataframe(departments.board(config, recorded), width="stretch",
             column_config={u.short: st.column_config.TextColumn(u.short, help=u.name)
                            for u in config.department_duties})
weak = departments.weak(config, recorded)
if weak:
    st.warning("**落实不力、可约谈的部门**\n\n" + "\n".join(
        f"- {md(d)}：{md(u)}（{md(e)}）" for d, u, e in weak), icon=":material/warning:")
show_flash()
d1, d2 = st.columns(2)
department = d1.selectbox("部门", [d.code for d in config.departments], key="duty_department",
                          format_func={d.code: d.name for d in config.departments}.get)
duty = d2.selectbox("责任", [u.code for u in config.department_duties], key="duty_code",
                    format_func={u.code: u.name for u in config.department_duties}.get)
current = recorded[(recorded["department"] == department) & (recorded["duty"] == duty)]
now_status = current["status"].iloc[0] if len(current) else None
edit = VersionedEdit("department_duty", f"{department}_{duty}_{year}",
                     int(current["version"].iloc[0]) if len(current) else 0)
if edit.stale:
    st.warning("这条记录已被他人修改，下方显示的是您读取时的内容；请刷新页面后再修改。",
               icon=":material/sync_problem:")
if len(current):
    st.caption(f"当前：{now_status}（{md(current['updated_by'].iloc[0])} "
               f"{shown_time(current['updated_at'].iloc[0])} 记录，第 {edit.current} 版）")
with st.form(f"duty_form_{department}_{duty}_{year}"):
    status = st.radio("落实情况", departments.STATUSES, horizontal=True, key=edit.key("status"),
                      index=departments.STATUSES.index(now_status) if now_status else None)
    evidence = st.text_area("依据（督查发现、报告内容、数据等；评为基本落实或落实不力时必填）",
                            value=current["evidence"].iloc[0] if len(current) else "",
                            max_chars=departments.MAX_EVIDENCE, key=edit.key("evidence"))
    submit_write(f"保存 {year} 年记录", lambda: departments.record_duty(
        engine, config, department=department, year=year, duty=duty, status=status or "",
        evidence=evidence, version=edit.read, actor=actor),
        done="部门责任记录已保存。", refusal=refusal(actor, "department"), refresh=False,
        after=lambda version: edit.adopt(version), icon=":material/save:")
