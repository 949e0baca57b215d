"""约谈预警: the units flagged for a formal interview, with every rule that fired."""

import datetime as dt

import streamlit as st

from components import cached
from components.cases import task_form, task_list
from components.layout import header, selected_year
from components.login import current_user
from components.state import VersionedEdit, show_flash
from components.writes import submit_write, write_button
from revitalization import inspections as insp
from revitalization import rulebook, tables
from revitalization.access import refusal
from revitalization.gap import gap
from revitalization.interviews import (
    INTERVIEWEES,
    KIND,
    LEVELS,
    STATUSES,
    add_task,
    complete_task,
    interviews,
    open_interview,
    outcome,
    save_interview,
    set_deleted,
    tasks,
)
from revitalization.robust import robust_label
from revitalization.wording import md, today

config = cached.config()
assessment = cached.assessment()
year = selected_year()
m = config.method
header("约谈预警", f"{year} 年度 · 触发任一规则即列入预警")

with st.expander("预警规则（可在指标配置文件 method 部分修改；完整说明见“指标体系”页）"):
    st.markdown("\n".join(f"- {md(line)}" for line in rulebook.flag_rules(m)))

table = tables.flagged_table(assessment, year)
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
    rows = assessment.year(year)
    for adcode, row in table.iterrows():
        escalated = "（连续两年预警，升级处理）" if row["连续两年预警"] != "否" else ""
        data = f"\n- 数据说明：{md(row['数据说明'])}" if row["数据说明"] else ""
        if rows.at[adcode, "data_check"]:
            data += f"（{md(rows.at[adcode, 'data_check_reason'])}）"
        st.markdown(f"**{md(row['县（市、区）'])}**（{md(row['市州'])}，综合得分 {row['综合得分']:.1f} 分，"
                    f"类内排名 {row['类内排名']}）{escalated}\n\n"
                    + "\n".join(f"- {md(reason)}" for reason in rows.at[adcode, "flag_reasons"])
                    + f"\n- 稳健性：{row['稳健性']}" + data)
        needed = gap(assessment, config, adcode, year)
        if needed is not None:
            lines = needed.lines()
            with st.expander(f"差距测算：{md(lines[0])}"):
                st.markdown("\n".join(f"- {md(t)}" for t in lines[1:]))

# The 约谈 workflow -----------------------------------------------------------------------
st.subheader("约谈与整改记录")
st.caption("流程：" + " → ".join(STATUSES) + "。每次修改都记入审计日志；两人同时修改同一记录时，"
           "后保存者会被提示刷新；删除可撤销。")
show_flash()
engine = cached.engine()
user = current_user()
rows_year = assessment.year(year)
names = rows_year["name"]
records = interviews(engine, year=year, include_deleted=True, actor=user)
live = records[~records["deleted"].astype(bool)]


def may(adcode: str) -> str:
    """Why this user may not change this unit's interview record ("" when they may)."""
    return refusal(user, "interview", adcode, rows_year.at[adcode, "city_adcode"], names.get(adcode, ""))


waiting = [a for a in table.index if a not in set(live["adcode"]) and not may(a)]
if waiting:
    c1, c2 = st.columns([3, 1])
    pick = c1.selectbox("为预警单位发起约谈", waiting, format_func=names.get, key="open_interview")
    with c2:
        write_button("发起约谈", lambda: open_interview(engine, assessment, pick, year, actor=user),
                     done=f"已为{names[pick]}建立约谈记录（待约谈）。", refresh=False,
                     key="open_interview_button", icon=":material/add:")

if not live.empty:
    todo_all = tasks(engine, live["id"], actor=user)
    st.dataframe(tables.interview_overview(live, todo_all, names), hide_index=True, width="stretch")
    by_id = live.set_index("id")
    chosen = st.selectbox("查看和处理", live["id"].tolist(), key="interview_pick",
                          format_func=lambda i: f"{names.get(by_id.at[i, 'adcode'])}（{by_id.at[i, 'status']}）")
    record = by_id.loc[chosen]
    name = names.get(record["adcode"])
    refused = may(record["adcode"])
    st.markdown(f"**{md(name)}** · {year} 年度结果引发的约谈 · 当前状态：**{record['status']}** · "
                f"第 {record['version']} 版")
    raised = insp.findings(engine, interview_id=int(chosen), actor=user)
    if not raised.empty:
        st.caption("由督查发现升级而来：" + "；".join(md(d) for d in raised["description"])
                   + "（见“督查”页）")
    result = outcome(assessment, record["adcode"], year)
    if result:
        st.info(result.text(), icon=":material/published_with_changes:")
    # The version this user read is kept until they save or reload: a save over someone
    # else's newer version is refused with a message, never silently lost or overwritten.
    edit = VersionedEdit("interview", chosen, record["version"])
    if edit.stale:
        st.warning(f"此记录已被他人更新为第 {record['version']} 版（您正在编辑第 {edit.read} 版），"
                   "直接保存会被拒绝。", icon=":material/sync_problem:")
        if st.button("载入最新版本", key=f"reload_{chosen}", icon=":material/refresh:"):
            edit.reload()
            st.rerun()
    closed = record["status"] == STATUSES[-1]
    if closed:
        st.success("该约谈已整改销号，记录只读。", icon=":material/task_alt:")
    with st.form(f"interview_{chosen}"):
        held = record["interview_date"]
        c1, c2 = st.columns(2)
        when = c1.date_input("约谈日期", value=dt.date.fromisoformat(held) if held else None,
                             max_value=today(), format="YYYY-MM-DD", key=edit.key("date"))
        level = c2.radio("约谈层级", LEVELS, horizontal=True, key=edit.key("level"),
                         index=LEVELS.index(record["level"]) if record["level"] in LEVELS else 0)
        who = st.text_input("被约谈人", value=record["interviewees"], key=edit.key("who"),
                            placeholder="、".join(INTERVIEWEES[:2]))
        issues_text = st.text_area("约谈指出的问题（每行一条）", value="\n".join(record["issues"]),
                                   key=edit.key("issues"))
        step = KIND.next(record["status"])
        steps = [record["status"]] + ([step] if step else [])
        target = st.selectbox("状态", steps, key=edit.key("status"),
                              format_func=lambda s: s if s == record["status"] else f"推进到：{s}")
        submit_write("保存", lambda: save_interview(
            engine, chosen, version=edit.read, actor=user, interview_date=when or "", level=level,
            interviewees=who, issues=issues_text.splitlines(), status=target),
            done=f"{name}的约谈记录已保存。",
            refusal=refused or ("已整改销号的约谈记录不能再修改" if closed else ""), refresh=False,
            after=lambda saved: edit.adopt(saved, reset=("status",)), icon=":material/save:")

    todo = todo_all[todo_all["interview_id"] == chosen]
    task_list(todo, complete=lambda task: complete_task(engine, task, actor=user), refusal=refused,
              after=edit.catch_up, key="task_done")
    if record["status"] != "已整改/销号":
        task_form(f"task_{chosen}", lambda what, owner, due: add_task(
            engine, chosen, description=what, owner=owner, deadline=due, actor=user),
            refusal=refused, after=edit.catch_up)
    write_button("删除该约谈记录", lambda: set_deleted(engine, chosen, deleted=True, actor=user,
                                                   version=edit.read),
                 done=f"{name}的约谈记录已删除（可撤销）。", refusal=refused, refresh=False,
                 after=edit.catch_up, key=f"delete_{chosen}", icon=":material/delete:")
for r in records[records["deleted"].astype(bool)].itertuples():
    c1, c2 = st.columns([4, 1])
    c1.caption(f"已删除：{names.get(r.adcode, r.adcode)}的约谈记录（编号 {r.id}，{r.status}）")
    with c2:
        write_button("撤销删除", lambda r=r: set_deleted(engine, r.id, deleted=False, actor=user),
                     done="已恢复约谈记录。", refusal=may(r.adcode), refresh=False,
                     after=VersionedEdit("interview", r.id, r.version).catch_up,
                     key=f"restore_{r.id}", icon=":material/undo:")
