"""约谈预警: the units flagged for a formal interview, with every rule that fired."""

import streamlit as st

from components import cached
from components.layout import ensure_router, header, selected_year
from revitalization import views
from revitalization.robust import robust_label

ensure_router()

config = cached.config()
assessment = cached.assessment()
year = selected_year()
m = config.method
header("约谈预警", f"{year} 年度 · 触发任一规则即列入预警")

with st.expander("预警规则（可在指标配置文件 method 部分修改）"):
    st.markdown(
        f"- 类内排名倒数 {m.flag_bottom_n} 位\n"
        f"- 综合得分低于 {m.flag_composite_below:g} 分\n"
        f"- 任一振兴得分低于 {m.flag_group_below:g} 分\n"
        f"- 综合得分连续 {m.flag_declines_running} 年下降\n"
        "- 门槛指标未达标\n"
        "- 连续两年列入预警的单位升级处理")

table = views.flagged_table(assessment, year)
if table.empty:
    st.success(f"{year} 年度没有单位触发约谈预警规则。")
else:
    st.markdown(f"**{len(table)} 个单位**列入约谈预警，"
                f"其中 {int((table['连续两年预警'] != '否').sum())} 个连续两年预警。")
    robust = cached.robust(year)
    table["稳健性"] = [robust_label(robust.table.loc[a], m.robust_share) for a in table.index]
    table["排名区间（5%–95%）"] = [
        f"类内 {int(robust.table.at[a, 'class_p05'])}–{int(robust.table.at[a, 'class_p95'])} 名"
        for a in table.index]
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"预警原因": st.column_config.TextColumn(width="large")})
    st.caption(robust.describe())
    st.subheader("逐一说明")
    reasons = assessment.year(year)["flag_reasons"]
    for adcode, row in table.iterrows():
        escalated = "（连续两年预警，升级处理）" if row["连续两年预警"] != "否" else ""
        st.markdown(f"**{row['县（市、区）']}**（{row['市州']}，综合得分 {row['综合得分']:.1f} 分，"
                    f"类内排名 {row['类内排名']}）{escalated}\n\n"
                    + "\n".join(f"- {reason}" for reason in reasons[adcode])
                    + f"\n- 稳健性：{row['稳健性']}")
