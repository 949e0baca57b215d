"""数据管理: what is in the store, the indicator system and the region registry."""

import pandas as pd
import streamlit as st

from components import cached
from components.layout import ensure_router, header
from revitalization.config import DIRECTIONS

ensure_router()

config = cached.config()
regions = cached.regions()
obs = cached.observations()
meta = cached.meta()
header("数据管理", "数据集概况、指标体系与区划名录")

c = st.columns(4)
c[0].metric("观测值", f"{len(obs):,} 条")
c[1].metric("考核年度", f"{obs['year'].min()}–{obs['year'].max()} 年")
c[2].metric("指标", f"{len(config.indicators)} 项（门槛 {len(config.gates)} 项）")
c[3].metric("县级单位", f"{len(regions)} 个（纳入考核 {int(regions['assessed'].sum())} 个）")
if meta.get("demo") == "true":
    st.info(f"当前为示例数据：由固定随机种子 {meta.get('demo_seed', '')} 生成，"
            f"入库时间 {meta.get('seeded_at', '')}（UTC）。")

expected = len(regions) * len(config.indicators)
coverage = obs.groupby("year").size().rename("观测值").to_frame()
coverage["缺失"] = expected - coverage["观测值"]
coverage.index = coverage.index.map(lambda y: f"{y} 年")
st.subheader("各年度数据完整性")
st.dataframe(coverage, width="content")

st.subheader("指标体系")
st.caption(f"配置文件：{config.source_path} · 版本 {config.version} · 指纹 {config.fingerprint()}")
st.dataframe(pd.DataFrame([{
    "代码": i.code, "指标": i.name, "振兴类别": config.group(i.group).short, "单位": i.unit,
    "方向": DIRECTIONS[i.direction], "权重": i.weight, "下阈值": i.lower, "上阈值": i.upper,
    "门槛": f"{i.gate_threshold:g}" if i.gate else "", "口径": i.definition, "来源": i.source,
} for i in config.indicators]), hide_index=True, width="stretch")

st.subheader("区划名录")
st.dataframe(regions.rename(columns={
    "adcode": "区划代码", "name": "名称", "short_name": "简称", "city_name": "市州",
    "kind": "类型", "assessed": "纳入考核", "assessment_class": "考核类别"})[
    ["区划代码", "名称", "简称", "市州", "类型", "纳入考核", "考核类别"]],
    hide_index=True, width="stretch")
st.download_button("下载全部观测值（长表 CSV）", obs.to_csv(index=False).encode("utf-8-sig"),
                   file_name="乡村振兴观测值.csv", mime="text/csv", icon=":material/download:")
