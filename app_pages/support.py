"""社会动员: who supports which county (省直定点帮扶, 省内区域协作), on a province map with the
counties that have none in view, and the records kept for each county."""

import streamlit as st

from components import cached
from components.layout import chart, header, is_demo, selected_year
from components.login import current_user, download
from components.state import show_flash, url_widget
from components.uploads import checked_upload
from components.writes import submit_write, write_button
from revitalization import charts, profile, support
from revitalization import support_import as importer
from revitalization.access import refusal, refusal_in_scope, visible_counties
from revitalization.exports import spreadsheets
from revitalization.wording import md

regions = cached.regions()
engine = cached.engine()
actor = current_user()
year = selected_year()
header("社会动员", f"省直定点帮扶与省内区域协作 · {year} 年度（按起止年度统计当年在帮的记录）")

codes = visible_counties(actor, regions)
# the records read are the account's scope, so the counties counted and drawn are too: a 市州
# user must not see every other county as one "without records"
area = regions[regions["adcode"].isin(codes)]
records = support.relations(engine, actor=actor)
cover = support.coverage(records, area, year)
left, right = st.columns([3, 2])
with left:
    chart(charts.support_map(cover, support.pairs(records, area, year), area, year,
                             demo=is_demo()), key="support_map")
with right:
    missing = cover[cover["状态"] == support.NONE]
    st.metric("没有帮扶协作记录的县", f"{len(missing)} 个", help="纳入考核的县（市、区）中，当年没有在帮记录的")
    if len(missing):
        st.warning("**没有帮扶协作记录**：" + "、".join(md(n) for n in missing["县（市、区）"]),
                   icon=":material/report:")
    st.metric("当年在帮记录", f"{int(cover[['定点帮扶', '区域协作']].to_numpy().sum())} 项")
    funds = cover["资金（万元）"].sum()
    st.metric("记录的帮扶资金", f"{funds:,.0f} 万元")
shown = cover.drop(columns=["状态"]).assign(**{"资金（万元）": [
    "—" if v != v else f"{v:,.0f}" for v in cover["资金（万元）"]]})  # — : no amount recorded
st.dataframe(shown, hide_index=True, width="stretch",
             column_config={"定点帮扶单位": st.column_config.TextColumn(width="medium"),
                            "区域协作单位": st.column_config.TextColumn(width="medium")})

# One county's records: add, change, delete (restorable) ----------------------------------
st.subheader("单个县的帮扶协作记录")
options = profile.search_options(regions)
adcode = url_widget("county", "support_county", codes, codes[0], lambda: st.selectbox(
    "县（市、区）", codes, key="support_county", format_func=options.get))
city = regions.set_index("adcode").at[adcode, "city_adcode"]
refused = refusal(actor, "support", adcode, city, options[adcode])
show_flash()
mine = support.relations(engine, adcode, include_deleted=True, actor=actor)
if mine.empty:
    st.caption("暂无记录。")
for r in mine.itertuples():
    until = f"{r.end_year} 年" if r.end_year == r.end_year and r.end_year else "至今"
    money = f"，资金 {r.funds:,.0f} 万元" if r.funds == r.funds and r.funds is not None else ""
    line = (f"**{r.kind}**：{md(r.supporter)}（{r.start_year} 年—{until}）{money}"
            + (f"；项目：{md(r.projects)}" if r.projects else ""))
    c1, c2 = st.columns([6, 1])
    c1.markdown(f"~~{line}~~（已删除）" if r.deleted else line)
    with c2:
        write_button("恢复" if r.deleted else "删除", lambda r=r: support.save_relation(
            engine, r.id, version=r.version, actor=actor, deleted=not r.deleted),
            done="记录已恢复。" if r.deleted else "记录已删除（可恢复）。", refusal=refused,
            key=f"support_toggle_{r.id}")
with st.form("support_add"):
    f1, f2 = st.columns([1, 3])
    kind = f1.selectbox("类型", support.KINDS, key="support_kind")
    supporter = f2.text_input("帮扶单位 / 协作方", key="support_supporter",
                              placeholder="如：省农业农村厅；区域协作写协作方全称，如“武汉市江岸区”")
    g1, g2, g3 = st.columns(3)
    start = g1.number_input("开始年度", 2000, 2100, year, key="support_start")
    end = g2.number_input("结束年度（不填为至今）", 2000, 2100, None, key="support_end")
    funds = g3.number_input("资金（万元）", 0.0, None, None, key="support_funds")
    projects = st.text_area("项目", max_chars=support.MAX_TEXT, key="support_projects")
    submit_write("添加记录", lambda: support.add_relation(
        engine, adcode=adcode, kind=kind, supporter=supporter, start_year=start, end_year=end,
        projects=projects, funds=funds, actor=actor),
        done="帮扶协作记录已保存。", refusal=refused, icon=":material/add:",
        clears=("support_supporter", "support_projects", "support_funds", "support_end"))

# Many records at once: the office's spreadsheet, checked row by row before anything is written
with st.expander("从表格导入帮扶协作记录", icon=":material/upload_file:"):
    st.caption("每行一条记录：区划代码或县（市、区）名称、类型（定点帮扶 / 区域协作）、帮扶单位或协作方、"
               "开始年度和结束年度（或一列“起止年度”，如 2021—2025、2021年至今）、项目、资金（万元，"
               "也可写 500万元、0.12亿）。表头上方的标题行、合计行可以保留。先检查，全部无误后确认才写入；"
               "已有的记录（同一县、类型、帮扶单位和开始年度）跳过，同一文件导入两次不会重复。")
    download("下载导入模板（Excel）", lambda: spreadsheets.xlsx_bytes(importer.template(), "帮扶协作"),
             file_name="帮扶协作记录导入模板.xlsx", icon=":material/download:", key="support_template",
             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    may_import = refusal_in_scope(actor, "support")
    uploads = st.session_state.setdefault("support_uploads", 0)  # a new key empties the uploader
    sheet = None if may_import else st.file_uploader(  # a read-only account: no upload box
        "选择文件（.xlsx / .csv）", type=["xlsx", "csv", "txt"], key=f"support_upload_{uploads}")
    if may_import:
        st.caption(may_import)
    if sheet is not None:
        plan = checked_upload("support_check", sheet, importer.read, regions,
                              support.relations(engine, actor=actor), actor=actor)
        if plan.problems:
            st.error(f"发现 {len(plan.problems)} 处问题，未导入任何记录。请修改后重新上传：\n\n"
                     + "\n".join(f"- {md(str(p))}" for p in plan.problems[:30])
                     + ("\n- ……" if len(plan.problems) > 30 else ""), icon=":material/error:")
        if plan.sheets:
            st.caption("读取的工作表：" + "、".join(md(n) for n in plan.sheets))
        if plan.notes:
            st.info("按现行区划换算：\n\n" + "\n".join(f"- {md(n)}" for n in plan.notes[:20]),
                    icon=":material/info:")
        if plan.known:
            st.info(f"{len(plan.known)} 行已有记录，将跳过（{'、'.join(plan.known[:20])}"
                    + ("等" if len(plan.known) > 20 else "") + "）。", icon=":material/info:")
        if plan.rows:
            st.dataframe(plan.preview(dict(zip(regions["adcode"], regions["name"], strict=True))),
                         hide_index=True, width="stretch")
        if plan.ok:
            write_button(f"确认导入 {len(plan.rows)} 条记录", lambda: importer.commit(engine, plan, actor=actor),
                         done=lambda n: f"已导入 {n} 条帮扶协作记录。", refusal=may_import,
                         after=lambda n: st.session_state.update(support_uploads=uploads + 1),
                         key="support_import", icon=":material/check:")
