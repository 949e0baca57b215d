"""约谈预警: the units flagged for a formal interview, with every rule that fired."""

import datetime as dt

import pandas as pd
import streamlit as st

from components import cached
from components.layout import current_user, ensure_router, header, selected_year
from revitalization import views
from revitalization.access import PermissionDenied, allowed
from revitalization.interviews import (
    INTERVIEWEES,
    LEVELS,
    NEXT,
    STATUSES,
    InterviewError,
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
from revitalization.views import md

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
        st.markdown(f"**{md(row['县（市、区）'])}**（{md(row['市州'])}，综合得分 {row['综合得分']:.1f} 分，"
                    f"类内排名 {row['类内排名']}）{escalated}\n\n"
                    + "\n".join(f"- {md(reason)}" for reason in reasons[adcode])
                    + f"\n- 稳健性：{row['稳健性']}")

# The 约谈 workflow -----------------------------------------------------------------------
st.subheader("约谈与整改记录")
st.caption("流程：" + " → ".join(STATUSES) + "。每次修改都记入审计日志；两人同时修改同一记录时，"
           "后保存者会被提示刷新；删除可撤销。")
engine = cached.engine()
user = current_user()
records = interviews(engine, year=year, include_deleted=True)
live = records[~records["deleted"].astype(bool)]
if flash := st.session_state.pop("laggards_flash", None):
    st.success(flash)
names = assessment.year(year)["name"]
rows_year = assessment.year(year)
mine = {a for a in rows_year.index if user.covers(a, rows_year.at[a, "city_adcode"])}  # visible
live = live[live["adcode"].isin(mine)]
records = records[records["adcode"].isin(mine)]
waiting = [a for a in table.index if a not in set(live["adcode"])
           and allowed(user, "interview", a, rows_year.at[a, "city_adcode"])]
if waiting:
    c1, c2 = st.columns([3, 1])
    pick = c1.selectbox("为预警单位发起约谈", waiting, format_func=names.get, key="open_interview")
    if c2.button("发起约谈", icon=":material/add:", key="open_interview_button"):
        try:
            open_interview(engine, assessment, pick, year, actor=user)
        except (InterviewError, PermissionDenied) as exc:
            st.error(str(exc))
        else:
            st.session_state["laggards_flash"] = f"已为{names[pick]}建立约谈记录（待约谈）。"
            st.rerun()


def act(action, message: str, reread: int | None = None) -> None:
    """Run a write; show its refusal in Chinese, or rerun with a confirmation. ``reread``:
    the interview this user just changed through a task, whose new version they adopt."""
    try:
        action()
    except (InterviewError, PermissionDenied) as exc:
        st.error(str(exc), icon=":material/block:")
    else:
        if reread is not None:
            st.session_state.pop(f"interview_read_{reread}", None)
        st.session_state["laggards_flash"] = message
        st.rerun()


if not live.empty:
    overview_rows = []
    for r in live.itertuples():
        todo = tasks(engine, r.id)
        overview_rows.append({"编号": r.id, "县（市、区）": names.get(r.adcode, r.adcode), "状态": r.status,
                              "约谈日期": r.interview_date or "—", "层级": r.level or "—",
                              "整改任务": f"{int(todo['done'].sum())}/{len(todo)} 项完成",
                              "逾期": f"{int(todo['overdue'].sum())} 项" if todo["overdue"].any() else ""})
    st.dataframe(pd.DataFrame(overview_rows), hide_index=True, width="stretch")
    chosen = st.selectbox("查看和处理", live["id"].tolist(), key="interview_pick",
                          format_func=lambda i: f"{names.get(live.set_index('id').at[i, 'adcode'])}"
                          f"（{live.set_index('id').at[i, 'status']}）")
    record = live.set_index("id").loc[chosen]
    name = names.get(record["adcode"])
    st.markdown(f"**{md(name)}** · {year} 年度结果引发的约谈 · 当前状态：**{record['status']}** · "
                f"第 {record['version']} 版")
    result = outcome(assessment, record["adcode"], year)
    if result:
        st.info(result.text(), icon=":material/published_with_changes:")
    # The version this user read is kept until they save or reload: a save over someone
    # else's newer version is refused with a message, never silently lost or overwritten.
    read_key = f"interview_read_{chosen}"
    fields = [f"iv_{name}_{chosen}" for name in ("date", "level", "who", "issues", "status")]
    if read_key not in st.session_state:
        st.session_state[read_key] = int(record["version"])
    read_version = st.session_state[read_key]
    if read_version != int(record["version"]):
        st.warning(f"此记录已被他人更新为第 {record['version']} 版（您正在编辑第 {read_version} 版），"
                   "直接保存会被拒绝。", icon=":material/sync_problem:")
        if st.button("载入最新版本", key=f"reload_{chosen}", icon=":material/refresh:"):
            for k in [read_key, *fields]:
                st.session_state.pop(k, None)
            st.rerun()
    with st.form(f"interview_{chosen}"):
        held = record["interview_date"]
        c1, c2 = st.columns(2)
        when = c1.date_input("约谈日期", value=dt.date.fromisoformat(held) if held else None,
                             max_value=dt.date.today(), format="YYYY-MM-DD", key=fields[0])
        level = c2.radio("约谈层级", LEVELS, horizontal=True, key=fields[1],
                         index=LEVELS.index(record["level"]) if record["level"] in LEVELS else 0)
        who = st.text_input("被约谈人", value=record["interviewees"], key=fields[2],
                            placeholder="、".join(INTERVIEWEES[:2]))
        issues_text = st.text_area("约谈指出的问题（每行一条）", value="\n".join(record["issues"]),
                                   key=fields[3])
        steps = [record["status"]] + ([NEXT[record["status"]]] if record["status"] in NEXT else [])
        target = st.selectbox("状态", steps, key=fields[4],
                              format_func=lambda s: s if s == record["status"] else f"推进到：{s}")
        if st.form_submit_button("保存", icon=":material/save:"):
            try:
                saved = save_interview(engine, chosen, version=read_version, actor=user,
                                       interview_date=when or "", level=level, interviewees=who,
                                       issues=issues_text.splitlines(), status=target)
            except (InterviewError, PermissionDenied) as exc:
                st.error(str(exc), icon=":material/block:")
            else:
                st.session_state[read_key] = saved
                st.session_state.pop(fields[4], None)  # the status choices change
                st.session_state["laggards_flash"] = f"{name}的约谈记录已保存。"
                st.rerun()
    todo = tasks(engine, chosen)
    if not todo.empty:
        st.markdown("**整改任务**（逾期未完成的标红）")
        view = pd.DataFrame({"任务": todo["description"], "责任人": todo["owner"],
                             "整改期限": todo["deadline"],
                             "状态": ["已完成" if d else "逾期未完成" if o else "进行中"
                                    for d, o in zip(todo["done"], todo["overdue"], strict=True)]})
        st.dataframe(view.style.map(lambda v: "color:#b30000;font-weight:600"
                                    if v == "逾期未完成" else "", subset=["状态"]),
                     hide_index=True, width="stretch")
        pending = todo[~todo["done"].astype(bool)]
        if not pending.empty:
            c1, c2 = st.columns([3, 1])
            task_pick = c1.selectbox("标记完成", pending["id"].tolist(), key="task_done_pick",
                                     format_func=dict(zip(pending["id"], pending["description"],
                                                          strict=True)).get)
            if c2.button("完成", key="task_done_button", icon=":material/check:"):
                act(lambda: complete_task(engine, task_pick, actor=user), "整改任务已标记完成。",
                    reread=chosen)
    if record["status"] != "已整改/销号":
        with st.form(f"task_{chosen}", clear_on_submit=True):
            st.markdown("**布置整改任务**")
            c1, c2, c3 = st.columns([3, 1, 1])
            what = c1.text_input("任务内容")
            owner = c2.text_input("责任人（单位）")
            due = c3.date_input("整改期限", value=None, format="YYYY-MM-DD")
            if st.form_submit_button("添加任务", icon=":material/add_task:"):
                act(lambda: add_task(engine, chosen, description=what, owner=owner,
                                     deadline=due or "", actor=user), "整改任务已添加。",
                    reread=chosen)
    if st.button("删除该约谈记录", key=f"delete_{chosen}", icon=":material/delete:"):
        act(lambda: set_deleted(engine, chosen, deleted=True, actor=user, version=read_version),
            f"{name}的约谈记录已删除（可撤销）。", reread=chosen)
deleted = records[records["deleted"].astype(bool)]
for r in deleted.itertuples():
    c1, c2 = st.columns([4, 1])
    c1.caption(f"已删除：{names.get(r.adcode, r.adcode)}的约谈记录（编号 {r.id}，{r.status}）")
    if c2.button("撤销删除", key=f"restore_{r.id}", icon=":material/undo:"):
        act(lambda r=r: set_deleted(engine, r.id, deleted=False, actor=user), "已恢复约谈记录。",
            reread=r.id)
