"""年度填报: the annual data round — the province opens it and accepts, a 市州 reviews its
counties, a county fills in its own form; a board of who is where."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from components import cached
from components.layout import chart, header
from components.login import current_user
from components.state import VersionedEdit, show_flash
from components.uploads import checked_upload
from components.writes import submit_write, write_button
from revitalization import charts, importer, rounds
from revitalization.access import allowed, refusal, visible_counties
from revitalization.wording import md, shown_time, today, year_label

config = cached.config()
regions = cached.regions()
obs = cached.observations()
actor = current_user()
engine = cached.engine()
header("年度填报", "县级填报 → 市州审核 → 省级确认；省级确认后数据才进入考核")
show_flash()
names = regions.set_index("adcode")
history = rounds.rounds(engine)

# Opening a round (省级管理员) -----------------------------------------------------------------
if allowed(actor, "round"):
    with st.expander("发起年度填报", icon=":material/add_task:", expanded=history.empty):
        taken = set(history["year"])
        # the two years after the last assessed one (a new database: the last year and this one)
        last = (cached.assessment().years or [today().year - 2])[-1]
        choices = [y for y in (last + 1, last + 2) if y not in taken]
        with st.form("open_round"):
            o1, o2 = st.columns(2)
            new_year = o1.selectbox("考核年度", choices, format_func=year_label)
            deadline = o2.date_input("截止日期", value=today() + timedelta(days=30),
                                     min_value=today(), format="YYYY-MM-DD")
            st.caption("发起后，每个纳入考核的县（市、区）都有一份“未填报”的填报表；县级填报员填写、提交，"
                       "所属市州审核，省级确认后数值写入考核数据（作为一个导入批次，可撤销）。")
            submit_write("发起填报", lambda: rounds.open_round(engine, new_year, deadline, actor=actor),
                         done=lambda _: f"已发起 {new_year} 年度填报，截止日期 {deadline:%Y-%m-%d}。",
                         refusal=refusal(actor, "round"), icon=":material/send:")
if history.empty:
    st.info("尚未发起年度填报。" + ("" if allowed(actor, "round") else "由省级管理员发起。"))
    st.stop()

year = st.selectbox("填报年度", history["year"].tolist(), key="round_year", format_func=year_label)
the_round = rounds.round_of(engine, year)
is_open = the_round.status == "open"
late = today() > date.fromisoformat(the_round.deadline)
st.markdown(f"截止日期 **{the_round.deadline}**" + ("（已过）" if late else "")
            + f" · {'开放填报中' if is_open else '已截止，县级不能再修改'} · 发起人 {md(the_round.opened_by)}")
if is_open:
    st.caption(f"填报开放期间，{year} 年度不计算考核结果（数据不完整）；省级截止填报后，已确认的数值进入考核，"
               "未确认的县按缺失数据插补并注明。")
if allowed(actor, "round"):
    write_button("截止填报" if is_open else "重新开放填报",
                 lambda: rounds.set_round_open(engine, the_round.id, not is_open, actor=actor),
                 done="已截止填报。" if is_open else "已重新开放填报。",
                 key="round_toggle", icon=":material/lock_clock:" if is_open else ":material/lock_open:")

board = rounds.board(engine, year, regions, config, obs, actor=actor)
mine = [a for a in visible_counties(actor, regions) if a in board.index]
shown = board.loc[mine]

# The board -------------------------------------------------------------------------------
if actor.role != "county":
    counts = shown["状态"].value_counts()
    k = st.columns(6)
    for col, state in zip(k, rounds.STATES, strict=False):
        col.metric(state, f"{int(counts.get(state, 0))} 个")
    k[5].metric("逾期未交", f"{int(shown['逾期'].sum())} 个")
    area = regions if actor.role != "city" else regions[regions["adcode"].isin(mine)]
    chart(charts.round_map(shown, area, year, deadline=the_round.deadline), key="round_map")
    table = shown.drop(columns=["version", "完成度"]).copy()
    table["逾期"] = table["逾期"].map({True: "逾期", False: ""})
    st.dataframe(table.style.apply(lambda row: ["color: #c2410c; font-weight: 600"
                                                if row["逾期"] else "" for _ in row], axis=1),
                 hide_index=True, width="stretch",
                 column_config={"待核实数值": st.column_config.NumberColumn(
                     help="与上年相差 3 倍以上，或超出上年各县取值范围的数值")})
    subs = rounds.submissions(engine, the_round.id, actor=actor)
    with st.expander("各指标填报完成率"):
        st.dataframe(rounds.completeness(subs, config), hide_index=True, width="stretch",
                     column_config={"完成率": st.column_config.ProgressColumn(min_value=0, max_value=1,
                                                                           format="percent")})
    follow = rounds.follow_ups(subs, year, config, obs)
    with st.expander(f"待核实数值（{len(follow)} 个）"):
        if follow.empty:
            st.caption("没有与上年相差 3 倍以上、或超出上年各县取值范围的数值。")
        else:
            follow.insert(0, "县（市、区）", follow["adcode"].map(names["name"]))
            st.dataframe(follow.drop(columns=["adcode", "indicator"]), hide_index=True, width="stretch")

# One county: its form, its review ------------------------------------------------------------
if not mine:
    st.stop()
st.subheader("县级填报")
if len(mine) == 1:
    county = mine[0]
else:
    county = st.selectbox("县（市、区）", mine, key="round_county",
                          format_func=lambda a: f"{names.at[a, 'name']}（{board.at[a, '状态']}）")
e = rounds.entry(engine, the_round.id, county, actor=actor)
edit = VersionedEdit("submission", e.id, e.version)
city = names.at[county, "city_adcode"]
st.markdown(f"**{md(names.at[county, 'name'])}**（{md(names.at[county, 'city_name'])}）· 当前状态："
            f"**{e.state}** · 第 {e.version} 版" + (f" · 最后修改 {shown_time(e.updated_at)}，"
                                                  f"{md(e.updated_by)}" if e.updated_by else ""))
if edit.stale:
    st.warning("这份填报已被他人修改，您看到的不是最新内容。", icon=":material/sync_problem:")
    if st.button("刷新为最新内容", key="round_reload"):
        edit.reload()
        st.rerun()
open_comments = [c for c in e.comments if not c.get("resolved")]
if open_comments:
    st.warning("**退回修改意见**\n" + "\n".join(
        f"- {md(config.indicator(c['indicator']).name) if c['indicator'] else '整份填报'}："
        f"{md(c['text'])}（{md(c['by'])}，{shown_time(c['at'])[:10]}）" for c in open_comments),
        icon=":material/rate_review:")

last = obs[(obs["adcode"] == county) & (obs["year"] == year - 1)].set_index("indicator")["value"]
form = pd.DataFrame([{
    "code": i.code, "指标": f"{i.name}（{i.unit}）", "口径": i.definition,
    "上年数值": "" if i.code not in last.index else i.format_value(last[i.code]),
    "本年数值": "" if i.code not in e.values else f"{e.values[i.code]:g}",
    "说明": e.explanations.get(i.code, "")} for i in config.indicators])
may_fill = allowed(actor, "fill", county, city) and e.state in rounds.FILLABLE and (
    is_open or actor.role == "province_admin")
if may_fill:
    st.caption("在“本年数值”列填写数字（可带单位，如 96.4%、2.51万元，会换算为指标单位）；有特殊情况在“说明”列写明。"
               "可随时保存草稿；全部填完后提交给市州审核。")
    edited = st.data_editor(form, key=edit.key("form"), hide_index=True, width="stretch",
                            disabled=["code", "指标", "口径", "上年数值"], column_order=[
                                "指标", "上年数值", "本年数值", "说明", "口径"],
                            column_config={"指标": st.column_config.TextColumn(width="medium"),
                                           "本年数值": st.column_config.TextColumn(width="small"),
                                           "说明": st.column_config.TextColumn(width="medium"),
                                           "口径": st.column_config.TextColumn(width="large")})
    texts = dict(zip(edited["code"], edited["本年数值"], strict=True))
    notes = dict(zip(edited["code"], edited["说明"], strict=True))

    def save() -> int:
        return rounds.save_draft(engine, the_round.id, county, texts, config=config,
                                 version=edit.read, actor=actor, explanations=notes)

    def save_and_submit() -> int:
        return rounds.submit(engine, the_round.id, county, config=config, version=save(), actor=actor)

    upload = st.file_uploader("或上传本县填报表（.xlsx / .csv，与“数据管理”的导入模板相同，只含本县本年度）",
                              type=["xlsx", "csv", "txt"], key=edit.key("upload"))
    if upload is not None:
        report = checked_upload(edit.key("check"), upload, importer.validate, regions=regions,
                                config=config, existing=obs, actor=actor, default_year=year,
                                choices=(year, county))
        for problem in report.errors[:10] + report.warnings[:10]:
            st.caption(f"{problem.level}：{md(problem.text())}")

        def from_file() -> int:
            filled = {**{c: v for c, v in texts.items() if v}, **rounds.values_from_file(
                report, county, year, config)}
            return rounds.save_draft(engine, the_round.id, county, filled, config=config,
                                     version=edit.read, actor=actor, explanations=notes)

        write_button("把文件中的数值填入草稿", from_file, refresh=False,
                     done=lambda v: f"已把文件中的数值填入草稿（第 {v} 版），请核对后提交。",
                     after=lambda v: edit.adopt(v, reset=("form", "upload")), key="round_from_file",
                     icon=":material/upload_file:")
    b1, b2 = st.columns(2)
    with b1:
        write_button("保存草稿", save, done=lambda v: f"已保存草稿（第 {v} 版）。", refresh=False,
                     after=lambda v: edit.adopt(v, reset=("form",)), key="round_save",
                     icon=":material/save:")
    with b2:
        write_button("提交市州审核", save_and_submit, done="已提交，等待市州审核。", refresh=False,
                     after=lambda v: edit.adopt(v, reset=("form",)), key="round_submit",
                     type="primary", icon=":material/send:")
else:
    if e.state in rounds.FILLABLE and allowed(actor, "fill", county, city) and not is_open:
        st.info("本年度填报已截止，不能再修改；确认写入的数据如需更正，在“数据管理 → 更正申请”中提出。",
                icon=":material/lock:")
    st.dataframe(form.drop(columns=["code"]), hide_index=True, width="stretch",
                 column_config={"口径": st.column_config.TextColumn(width="large")})

# Review: 市州 returns or forwards; the province returns or accepts ---------------------------------
may_review = allowed(actor, "review", county, city)
if may_review and (e.state == "已提交" or (e.state == "市州已审" and actor.role == "province_admin")):
    st.markdown("**审核**")
    codes = [i.code for i in config.indicators]
    with st.form(edit.key("return_form")):
        picked = st.multiselect("有问题的指标（不选则意见针对整份填报）", codes,
                                format_func=lambda c: config.indicator(c).name)
        text = st.text_area("退回意见（写明要核实或修改什么）")
        submit_write("退回修改", lambda: rounds.return_for_changes(
            engine, the_round.id, county, dict.fromkeys(picked, text) or {None: text}, config=config,
            version=edit.read, actor=actor),
            done="已退回县级修改。", refresh=False, after=edit.catch_up, icon=":material/undo:")
    if e.state == "已提交":
        write_button("审核通过，报省级确认", lambda: rounds.forward(engine, the_round.id, county,
                                                            version=edit.read, actor=actor),
                     done="已审核通过，等待省级确认。", refresh=False, after=edit.catch_up,
                     key="round_forward", type="primary", icon=":material/done:")
if e.state == "市州已审" and allowed(actor, "round"):
    write_button("省级确认，写入考核数据",
                 lambda: rounds.accept(engine, the_round.id, county, version=edit.read, actor=actor,
                                       existing=obs, published_years=set(cached.published()),
                                       reason=f"{year} 年度填报确认"),
                 done="已确认，数值已写入考核数据（可在“数据管理”的导入记录中撤销）。",
                 refusal=refusal(actor, "round"), after=edit.catch_up, key="round_accept",
                 type="primary", icon=":material/verified:")
elif e.state == "省级已确认":
    st.success("省级已确认，本年度数值已写入考核数据。", icon=":material/verified:")
