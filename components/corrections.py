"""The 更正申请 section of 数据管理: a county asks to correct a closed year's values; its 市州
passes the request on or returns it; the province confirms (the values are written as one
import batch) or returns it. Every check is in ``revitalization.corrections``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import cached
from components.writes import submit_write, write_button
from revitalization import corrections, tables
from revitalization.access import Actor, allowed
from revitalization.rounds import open_years
from revitalization.wording import md, shown_time, year_label


def correction_section(actor: Actor, regions: pd.DataFrame, obs: pd.DataFrame) -> None:
    """Filing (a county clerk, for its own county), the requests the actor may read, and the
    next step on those the actor may take."""
    config = cached.config()
    engine = cached.engine()
    mine = actor.role == "county"
    pending = corrections.requests(engine, actor=actor)
    waiting = pending[pending["state"].isin(corrections.PENDING)]
    count = f"，待处理 {len(waiting)} 件" if len(waiting) else ""
    title = f"更正申请（已结束年度的数据更正{count}）"
    with st.expander(title, icon=":material/edit_note:", expanded=mine or bool(len(waiting))):
        st.caption("县级单位发现已报送数据有误时，在这里提出更正申请：所属市州审核，省级确认后写入考核数据"
                   "（作为一个导入批次，可撤销）。填报开放期间的年度请在“年度填报”中修改。")
        if mine:
            _file(actor, regions, obs, config, engine)
        if pending.empty:
            st.caption("暂无更正申请。")
            return
        st.dataframe(tables.correction_table(pending, regions, config), hide_index=True, width="stretch")
        _act(actor, waiting, regions, engine)


def _file(actor: Actor, regions: pd.DataFrame, obs: pd.DataFrame, config, engine) -> None:
    own = obs[obs["adcode"] == actor.scope]
    running = open_years(engine)
    years = sorted(set(own["year"]) - running, reverse=True)
    if not years:
        st.info("本县还没有已结束年度的考核数据，无需更正。")
        return
    year = st.selectbox("更正哪一年度的数据", years, format_func=year_label, key="correction_year")
    current = own[own["year"] == year].set_index("indicator")["value"]
    table = pd.DataFrame({
        "code": [i.code for i in config.indicators],
        "指标": [i.name for i in config.indicators],
        "单位": [i.unit for i in config.indicators],
        "现有数值": [current.get(i.code) for i in config.indicators],
        "更正为": ["" for _ in config.indicators],
    })
    with st.form("correction_form"):
        edited = st.data_editor(
            table, key=f"correction_values_{year}", hide_index=True, width="stretch",
            disabled=["code", "指标", "单位", "现有数值"], column_order=["指标", "单位", "现有数值", "更正为"],
            column_config={"更正为": st.column_config.TextColumn("更正为（只填要改的，可带单位）"),
                           "现有数值": st.column_config.NumberColumn(format="%g")})
        reason = st.text_area("更正原因和依据（必填）", key="correction_reason",
                              placeholder="如：农村居民收入按县统计局 2025 年 3 月公布的修订数更正")
        texts = dict(zip(edited["code"], edited["更正为"].fillna(""), strict=True))
        submit_write("提交更正申请", lambda: corrections.file_request(
            engine, actor.scope, year, texts, reason, config=config, existing=obs,
            open_years=running, actor=actor),
            done=lambda rid: f"已提交更正申请（编号 {rid}），等待市州审核。",
            clears=("correction_reason", f"correction_values_{year}"), icon=":material/send:")


def _act(actor: Actor, waiting: pd.DataFrame, regions: pd.DataFrame, engine) -> None:
    """The next step on a pending request: 审核通过 / 退回 (市州, or the province), 确认写入
    (the province)."""
    names = dict(zip(regions["adcode"], regions["name"], strict=True))
    cities = dict(zip(regions["adcode"], regions["city_adcode"], strict=True))
    mine = waiting[[allowed(actor, "review", a, cities.get(a)) for a in waiting["adcode"]]] \
        if len(waiting) else waiting
    if mine.empty:
        return
    mine = mine.set_index("id")
    rid = st.selectbox("处理更正申请", mine.index.tolist(), key="correction_pick",
                       format_func=lambda i: f"编号 {i}：{names[mine.at[i, 'adcode']]}（{mine.at[i, 'state']}）")
    row = mine.loc[rid]
    version = int(row["version"])
    lines = tables.correction_lines(row["values"], row["previous"], cached.config())
    st.markdown(f"**{md(names[row['adcode']])} {year_label(row['year'])}**（{md(row['created_by'])}提出，"
                f"{shown_time(row['created_at'])}）\n\n" + "\n".join(f"- {md(line)}" for line in lines)
                + f"\n\n更正原因：{md(row['reason'])}" + (f"\n\n审核意见：{md(row['note'])}" if row["note"] else ""))
    note = st.text_input("审核意见（退回时必填）", key=f"correction_note_{rid}")
    with st.container(horizontal=True):
        if row["state"] == "已提交":
            write_button("审核通过", lambda: corrections.forward(engine, rid, version=version, actor=actor,
                                                              note=note),
                         done=f"编号 {rid} 已审核通过，报省级确认。", key=f"correction_forward_{rid}",
                         icon=":material/check:")
        if row["state"] == "市州已审" and allowed(actor, "round"):
            write_button("确认并写入考核数据", lambda: corrections.confirm(
                engine, rid, version=version, actor=actor, existing=cached.observations(),
                published_years=set(cached.published())),
                done=f"编号 {rid} 已确认，数值已写入考核数据（可在导入记录中撤销）。",
                key=f"correction_confirm_{rid}", type="primary", icon=":material/done_all:")
        if row["state"] == "已提交" or allowed(actor, "round"):
            write_button("退回", lambda: corrections.send_back(engine, rid, note, version=version, actor=actor),
                         done=f"编号 {rid} 已退回。", key=f"correction_return_{rid}", icon=":material/undo:")
