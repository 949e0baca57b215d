"""年度报告 (报告制度): the year's round and its board of who has reported, each unit's report
(a draft written from the data to download, the upload, the file, 退回补充), and the matters
followed up on a report, tracked to 办结 on the case core."""

from datetime import date, timedelta

import streamlit as st

from components import cached
from components.cases import case_actions
from components.layout import header, is_demo, selected_year
from components.login import current_user, download
from components.state import VersionedEdit, show_flash, url_widget
from components.writes import submit_write, write_button
from revitalization import reports, tables
from revitalization.access import allowed, refusal
from revitalization.exports import documents, drafts
from revitalization.style import ALERT, WARNING
from revitalization.wording import beijing, md, today

DOCX = reports.DOCX
config = cached.config()
regions = cached.regions()
engine = cached.engine()
actor = current_user()
year = selected_year()
header("年度报告", f"{year} 年度报告制度：各县（市、区）和市州向省报告乡村振兴进展 · 报送、退回补充、跟进落实")
show_flash()

mine = reports.board(engine, regions, year, actor=actor)  # the units this account may read
deadline = mine.attrs["deadline"]

if not deadline:
    st.info(f"省级尚未布置 {year} 年度的报告。布置后，纳入考核的各县（市、区）和各市州须在截止日期前报送。",
            icon=":material/event_busy:")
    if allowed(actor, "round"):
        with st.form("report_round"):
            proposed = max(date(year + 1, 3, 31), today() + timedelta(days=30))
            due = st.date_input("截止日期", value=proposed, format="YYYY-MM-DD", key="report_deadline")
            submit_write("布置年度报告", lambda: reports.open_round(engine, year, due, actor=actor),
                         done=f"已布置 {year} 年度报告。", icon=":material/campaign:")
else:
    left = (date.fromisoformat(deadline) - today()).days
    when = f"还有 {left} 天" if left >= 0 else f":red[**已过 {-left} 天**]"
    late_sent = int((mine["时限"] == reports.LATE).sum())
    st.markdown(f":material/event: 报送截止日期 **{deadline}**（{when}）"
                + (f" · 逾期报送 {late_sent} 个" if late_sent else ""))
    if allowed(actor, "round"):
        with st.expander("修改截止日期", icon=":material/edit_calendar:"):
            with st.form("report_deadline_change"):
                moved = st.date_input("新的截止日期", value=date.fromisoformat(deadline), format="YYYY-MM-DD",
                                      key="report_deadline_new")
                submit_write("保存截止日期", lambda: reports.set_deadline(engine, year, moved, actor=actor),
                             done=f"{year} 年度报告的截止日期已改为 {moved}。", icon=":material/save:")
    counts = mine["状态"].value_counts()
    c = st.columns(4)
    c[0].metric("应报送", f"{len(mine)} 个")
    c[1].metric("已报送", f"{counts.get(reports.SUBMITTED, 0)} 个")
    c[2].metric("退回补充", f"{counts.get(reports.RETURNED, 0)} 个")
    c[3].metric("未报送" if left >= 0 else "逾期未报",
                f"{counts.get(reports.UNSUBMITTED, 0) + counts.get(reports.OVERDUE, 0)} 个")

names = dict(zip(mine.index, mine["name"], strict=True))
if deadline:
    shown = tables.report_board(mine, reports.followups(engine, year=year, actor=actor), regions)
    status_filter = st.segmented_control(
        "按状态筛选", [reports.UNSUBMITTED, reports.OVERDUE, reports.RETURNED, reports.SUBMITTED],
        selection_mode="multi", key="report_filter")
    if status_filter:
        shown = shown[shown["状态"].isin(status_filter)]
    colours = {reports.OVERDUE: ALERT, reports.RETURNED: WARNING, reports.LATE: WARNING}
    st.dataframe(shown.style.map(lambda v: f"color:{colours[v]};font-weight:600" if v in colours else "",
                                 subset=["状态", "时限"]),
                 hide_index=True, width="stretch", height=min(38 + 35 * len(shown), 420))

# One unit: the draft, the upload, the file, 退回补充, follow-ups ---------------------------
st.subheader("单位报告")
units = mine.index.tolist()
if not units:
    st.info("您的账号范围内没有应报送年度报告的单位。")
    st.stop()
labels = {u: f"{names[u]}（{mine.at[u, 'kind']}）" for u in units}
unit = url_widget("unit", "report_unit", units, units[0], lambda: st.selectbox(
    "单位", units, key="report_unit", format_func=labels.get))
row = mine.loc[unit]
is_county = row["kind"] != "市州"
may_report = refusal(actor, "report", unit, row["city"], names[unit])

draft, upload = st.columns(2)
with draft:
    st.markdown("**报告草稿**")
    rows = cached.assessment().year(year) if year in cached.assessment().years else None
    city_rows = cached.city_assessment().year(year) if rows is not None else None
    if is_county and rows is not None and unit in rows.index and rows.at[unit, "assessed"]:
        st.caption("按本年度考核数据生成：总体情况、主要成效、问题和不足、差距测算、约谈督查与跟进事项的"
                   "整改情况、指标明细；需由本单位填写的部分以黄色提示标出。下载修改后在右侧报送。")

        def make_draft() -> bytes:
            ctx = documents.Context(cached.assessment(), config, year, is_demo())
            documents.add_records(ctx, engine, unit, actor=actor)
            return drafts.draft_docx(ctx, unit)
    elif not is_county and city_rows is not None and unit in city_rows.index \
            and city_rows.at[unit, "assessed"]:
        st.caption("按本年度市州层级考核结果生成：市州得分的构成和排名、五大振兴与全省市州平均比较、辖区各县"
                   "等次和县间差距、约谈预警县、市级指标，以及本市州和所辖各县的约谈、督查和跟进事项；"
                   "需由本单位填写的部分以黄色提示标出。")

        def make_draft() -> bytes:
            ctx = documents.Context(cached.assessment(), config, year, is_demo(),
                                    cities=cached.city_assessment())
            for member in [unit, *rows.index[rows["city_adcode"] == unit]]:
                documents.add_records(ctx, engine, member, actor=actor)
            return drafts.city_draft_docx(ctx, unit)
    else:
        make_draft = None
        st.caption(f"{names[unit]}没有 {year} 年度的考核结果，不生成草稿。")
    if make_draft is not None:
        download("下载报告草稿（Word）", make_draft, mime=DOCX, icon=":material/edit_document:",
                 file_name=f"{names[unit]}_{year}年度乡村振兴工作报告_草稿.docx", key="report_draft", heavy=True)

with upload:
    edit = VersionedEdit("report", f"{year}_{unit}", int(row["version"]))
    if edit.stale:
        st.warning("这份报告已有更新（他人重新报送或已被退回），请先查看最新情况。", icon=":material/sync_problem:")
        if st.button("载入最新情况", key=f"report_reload_{unit}", icon=":material/refresh:"):
            edit.reload()
            st.rerun()
    timing = f"，{row['时限']}" if row["时限"] == reports.LATE else ""
    st.markdown(f"**报送情况**：{row['状态']}{timing}"
                + (f"（北京时间 {row['报送时间']}，{md(row['文件'])}，第 {row['version']} 版）" if row["文件"] else ""))
    report_id = int(row["id"]) if row["id"] == row["id"] and row["id"] is not None else None
    if report_id is not None:
        if row["退回原因"]:
            st.warning(f"**退回补充**：{md(row['退回原因'])}", icon=":material/assignment_return:")
        download("下载已报送的报告", lambda: reports.file(engine, report_id, actor=actor)[2],
                 file_name=reports.download_name(row["文件"], row["content_type"]), mime=row["content_type"],
                 icon=":material/download:", key="report_file")
        kept = reports.files(engine, report_id, actor=actor)
        if len(kept) > 1:
            with st.expander(f"历次报送（{len(kept)} 份）", icon=":material/history:"):
                for f in kept.iloc[1:].itertuples():
                    download(f"第 {f.version} 版：{md(f.file_name)}（{md(f.submitted_by)}，北京时间 "
                             f"{beijing(f.submitted_at):%Y-%m-%d %H:%M}）",
                             lambda i=int(f.id): reports.earlier_file(engine, i, actor=actor)[2],
                             file_name=reports.download_name(f.file_name, f.content_type), mime=f.content_type,
                             icon=":material/download:", key=f"report_file_{f.id}")
    if deadline and not may_report:  # a read-only account gets no upload box at all
        uploads = st.session_state.setdefault("report_uploads", 0)  # a new key empties it
        sent = st.file_uploader(f"上传报告（Word .docx 或 PDF，不超过 {reports.MAX_BYTES // 2**20} MB）",
                                type=["docx", "pdf"], key=f"report_upload_{unit}_{uploads}")
        if sent is not None:
            def send() -> int:
                return reports.submit(engine, regions, year, unit, file_name=sent.name,
                                      data=sent.getvalue(), actor=actor, version=edit.read)

            def sent_done(version: int) -> None:
                edit.adopt(version)
                st.session_state["report_uploads"] = uploads + 1

            write_button("报送" if not row["文件"] else "重新报送", send,
                         done=lambda v: f"{names[unit]}的年度报告已报送（第 {v} 版）。", refusal=may_report,
                         after=sent_done, key="report_submit", icon=":material/send:")
    elif deadline:
        st.caption(may_report)

if report_id is not None and row["状态"] == reports.SUBMITTED:
    with st.expander("退回补充", icon=":material/assignment_return:"):
        with st.form(f"report_return_{unit}"):
            why = st.text_area("退回原因（写明需补充的内容）", key=f"report_return_reason_{unit}")
            submit_write("退回补充", lambda: reports.return_report(
                engine, report_id, reason=why, version=edit.read, actor=actor),
                done=f"已退回{names[unit]}的报告，请其补充后重新报送。", refusal=refusal(actor, "round"),
                after=edit.adopt, icon=":material/assignment_return:",
                clears=(f"report_return_reason_{unit}",))

# Follow-ups on this unit's report -------------------------------------------------------
st.subheader("报告跟进事项")
st.caption("审阅报告中发现需核实或落实的事项（如报告所述与填报数据不符、承诺事项），布置落实任务，逐项跟进到办结。")
# the core checks a follow-up against the county's 市州; a 市州's own report: the province
may_follow = refusal(actor, "followup", unit, row["city"] if is_county else "", names[unit])
if report_id is not None:
    with st.form(f"followup_new_{unit}"):
        matter = st.text_area("跟进事项", key=f"followup_matter_{unit}", max_chars=reports.MAX_TEXT)
        submit_write("添加跟进事项", lambda: reports.raise_followup(
            engine, report_id, matter=matter, actor=actor), done="跟进事项已添加。",
            refusal=may_follow, icon=":material/add:", clears=(f"followup_matter_{unit}",))
else:
    st.caption("报告报送后可添加跟进事项。")
matters = reports.followups(engine, year=year, adcode=unit, actor=actor)
if matters.empty:
    st.caption("暂无跟进事项。")
    st.stop()
todo_all = reports.followup_tasks(engine, matters["id"].tolist(), actor=actor)
by_id = matters.set_index("id")
chosen = st.selectbox("查看和处理", matters["id"].tolist(), key="followup_pick",
                      format_func=lambda i: f"{by_id.at[i, 'matter'][:30]}（{by_id.at[i, 'status']}）")
record = by_id.loc[chosen]
edit = VersionedEdit("followup", chosen, record["version"])
if edit.stale:
    st.warning("此跟进事项已被他人更新，直接保存会被拒绝。", icon=":material/sync_problem:")
    if st.button("载入最新版本", key=f"followup_reload_{chosen}", icon=":material/refresh:"):
        edit.reload()
        st.rerun()
st.markdown(f"**{md(record['matter'])}** · 当前状态：**{record['status']}** · 第 {record['version']} 版 · "
            f"{md(record['created_by'])}提出")
case_actions(reports.KIND, record, todo_all[todo_all["followup_id"] == chosen], edit,
             refusal=may_follow, key=f"followup_{chosen}",
             add_task=lambda what, owner, due: reports.add_followup_task(
                 engine, chosen, description=what, owner=owner, deadline=due, actor=actor),
             complete=lambda task: reports.complete_followup_task(engine, task, actor=actor),
             step=lambda target: reports.save_followup(engine, chosen, version=edit.read,
                                                       actor=actor, status=target),
             delete=lambda: reports.delete_followup(engine, chosen, deleted=True, actor=actor,
                                                    version=edit.read))
