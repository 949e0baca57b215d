"""结果发布: freeze a year's results; a correction is a new, reasoned revision."""

import streamlit as st

from components import cached
from components.layout import header
from components.login import current_user
from components.state import show_flash
from components.writes import submit_write
from revitalization import tables
from revitalization.access import refusal
from revitalization.consistency import needs_acknowledgement
from revitalization.publish import DIFF_LABELS, publish, recompute_diff
from revitalization.wording import md, year_label

header("结果发布", "发布（冻结）年度考核结果")
show_flash()
st.caption("发布后，该年度的得分、排名、等次和预警即被冻结：此后数据更正不会悄悄改变已发布结果。"
           "更正已发布年度须填写原因，作为新版本发布，旧版本保留。")
actor = current_user()
fresh = cached.fresh_assessment()
frozen = cached.published()
st.dataframe(tables.publication_status(fresh.years, frozen, fresh.fingerprint), hide_index=True,
             width="content")
year = st.selectbox("考核年度", fresh.years, index=len(fresh.years) - 1, key="publish_year",
                    format_func=year_label)
st.subheader(f"发布前一致性检查（{year} 年度）")
findings = cached.findings(year)
confirm = needs_acknowledgement(findings)
if confirm:
    st.warning(f"有 {len(confirm)} 类发现需要在发布前阅读并确认（确认内容记入审计日志）。",
               icon=":material/fact_check:")
else:
    st.success("没有需要确认的发现。", icon=":material/task_alt:")
for finding in findings:
    label = f"{finding.severity} · {finding.title}：{finding.text}"
    with st.expander(md(label), expanded=False):
        if finding.details:
            st.markdown("\n".join(f"- {md(line)}" for line in finding.details))
        else:
            st.caption(md(finding.text))
with st.form("publish"):
    reason = st.text_input("更正原因（仅重新发布已发布年度时填写）")
    acknowledged = st.checkbox(f"已阅读以上 {len(confirm)} 类发现，确认按此结果发布",
                               disabled=not confirm, value=not confirm)
    submit_write("发布该年度结果",
                 lambda: publish(cached.engine(), fresh, year, actor=actor, config=cached.config(),
                                 reason=reason, acknowledged=acknowledged,
                                 city_values=cached.city_observations()[0]),
                 done=lambda revision: f"{year} 年结果已发布（第 {revision} 版）。",
                 refusal=refusal(actor, "publish"), icon=":material/lock:")
if year in frozen:
    diff = recompute_diff(frozen[year], fresh)
    if diff.empty:
        st.success(f"{year} 年：按当前数据和方法重新计算，结果与已发布结果一致。")
    else:
        st.warning(f"{year} 年：按当前数据和方法重新计算，有 {len(diff)} 个单位的结果与已发布结果不同"
                   "（已发布结果保持不变）。")
        st.dataframe(diff.rename(columns=DIFF_LABELS), hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.1f")
                                    for c in ("已发布综合得分", "重新计算综合得分")})
