"""指标体系: weights, goalposts and gate thresholds — edited, previewed as ranking changes,
saved as kept versions over ``data/indicators.yaml``."""

import json

import streamlit as st

from components import cached
from components.layout import header
from components.login import current_user
from components.state import show_flash
from components.writes import write_button
from revitalization import methods, rulebook, tables
from revitalization.access import refusal
from revitalization.config import ConfigError, apply_overrides
from revitalization.wording import md, year_label

EDITORS = ("edit_groups", "edit_indicators", "method_note")

config = cached.config()
actor = current_user()
header("指标体系", "方法说明、有效权重；修改权重、阈值和门槛值")
show_flash()
latest = cached.assessment().years[-1]
explained, weights, edit = st.tabs(["方法说明", "有效权重", "修改权重和阈值"])
with explained:
    st.caption(f"以下每条规则及其数字都取自现行配置（{config.source_path}），与计算程序一致。")
    for heading, paragraphs in rulebook.sections(config, noise=cached.noise(latest)):
        st.markdown(f"##### {md(heading)}\n" + "\n".join(f"- {md(p)}" for p in paragraphs))
with weights:
    table = rulebook.effective_weights(config, cached.assessment().weights)
    st.caption("有效权重：每项指标在综合得分中的实际占比（= 振兴权重占比 × 组内权重占比），合计 100%。"
               "振兴类别内指标越多，单项指标的有效权重越小。门槛指标不计分，不在表中。")
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"有效权重": st.column_config.ProgressColumn(
                     "有效权重（%）", min_value=0.0, max_value=float(table["有效权重"].max()),
                     format="%.2f%%")})
with edit:
    st.caption(f"现行方法：{config.source_path} · 指标体系指纹 {config.fingerprint()}"
               "（侧栏的方法指纹还包含数据）。可在下表中修改权重、上下阈值和门槛值（灰色列不可改）；"
               "先预览对排名的影响，再填写说明保存为新版本，历次版本均保留。")
    group_table, indicator_table = tables.method_tables(config)
    number = st.column_config.NumberColumn
    edited_groups = st.data_editor(
        group_table, key="edit_groups", disabled=["振兴"], width="content",
        column_config={"weight": number("振兴权重", min_value=0.0, step=0.1)})
    edited = st.data_editor(
        indicator_table, key="edit_indicators", width="stretch", num_rows="fixed",
        disabled=["指标", "振兴类别", "单位", "方向", "口径", "来源"],
        column_config={"weight": number("组内权重", min_value=0.0, step=0.1),
                       "lower": number("下阈值"), "upper": number("上阈值"),
                       "gate_threshold": number("门槛值", help="仅门槛指标有效")})
    extra = methods.overrides_from(config, edited_groups, edited)


    def clear_editors(_=None) -> None:
        """After saving, the editors show the new method in force, not the edits."""
        for key in EDITORS:
            st.session_state.pop(key, None)


    if extra["groups"] or extra["indicators"]:
        in_force = methods.latest(cached.engine())
        proposed = methods.merge(json.loads(in_force.overrides) if in_force else {}, extra)
        raw, file_name = cached.raw_config()
        try:
            new_config = apply_overrides(raw, proposed, "修改后的指标体系")
        except ConfigError as exc:
            st.error(f"修改有误，不能保存：{exc}", icon=":material/block:")
        else:
            p_year = st.selectbox("预览年度", cached.assessment().years[::-1], format_func=year_label,
                                  key="method_preview_year")
            changes = methods.preview(cached.fresh_assessment(), cached.proposed_assessment(new_config),
                                      p_year)
            st.markdown(f"**预览**：按修改后的方法，{p_year} 年有 {len(changes)} 个单位的得分、类内名次、"
                        "等次或预警发生变化（尚未保存）。")
            st.dataframe(changes, hide_index=True, width="stretch")
            note = st.text_input("修改说明（必填，如依据的文件号）", key="method_note")
            write_button("保存为新版本", lambda: methods.save(cached.engine(), raw, file_name, proposed,
                                                         actor=actor, note=note),
                         done=lambda n: f"已保存为方法版本 {n}，考核结果已按新方法重新计算。",
                         refusal=refusal(actor, "method"), after=clear_editors, key="method_save",
                         type="primary", icon=":material/save:")
    history = methods.versions(cached.engine())
    if not history.empty:
        with st.expander(f"方法版本记录（{len(history)} 个）"):
            st.dataframe(tables.method_versions_table(history), hide_index=True, width="stretch")
