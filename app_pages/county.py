"""县域画像: one county's result, the reasons behind it, its peers, maps, history and notes."""

import streamlit as st

from components import cached
from components.layout import chart, export_controls, header, is_demo, scorecard_table, selected_year
from components.login import current_user, login_on
from components.maps import show_zoom_map
from components.pages import page_path
from components.state import show_flash, url_widget
from components.writes import submit_write, write_button
from revitalization import charts, explain, inspections, profile, reports, responsibilities, support, tables
from revitalization.access import page_allowed, refusal, visible_counties
from revitalization.gap import gap
from revitalization.interviews import interviews, outcome, tasks
from revitalization.maps.bins import fixed_score_bins
from revitalization.maps.measures import map_frame, measure
from revitalization.notes import add_note, delete_note, list_notes, restore_note
from revitalization.robust import robust_label
from revitalization.wording import data_note, grade_label, grade_title, md, shown_time

config = cached.config()
assessment = cached.assessment()
regions = cached.regions()
year = selected_year()
groups = list(config.groups)
labels = [g.short for g in groups]

options = profile.search_options(regions)
actor = current_user()
codes = visible_counties(actor, regions)  # 市州用户 and 县级填报员: their own counties only
assessed = set(regions.loc[regions["assessed"], "adcode"])
adcode = url_widget("county", "county_pick", codes, next((c for c in codes if c in assessed), codes[0]),
                    lambda: st.selectbox("查找县（市、区）", codes, key="county_pick", format_func=options.get,
                                         help="输入全称或简称即可搜索，如“随县”“恩施”"))
row = assessment.year(year).loc[adcode]
region = regions.set_index("adcode").loc[adcode]
cls_text = f" · {row['assessment_class']}" if row["assessed"] else ""
header(row["name"], f"{row['city_name']} · {region['kind']}{cls_text} · {year} 年度")

# Header -------------------------------------------------------------------------------
if not row["assessed"]:
    st.info(f"{row['name']}为中心城区，**未纳入乡村振兴实绩考核**（可在区划名录中调整）。"
            "以下得分仅供参考，不参与排名、评定等次和约谈预警；比较对象为全省纳入考核单位。")
else:
    with st.container(horizontal=True, gap="medium"):  # cards wrap rather than cut "89.8…"
        st.metric("综合得分", f"{row['composite']:.1f} 分",
                  None if row["score_change"] != row["score_change"]
                  else f"{row['score_change']:+.1f} 分（较上年）", width="content")
        st.metric("全省排名", f"{int(row['rank_province'])}/{int(row['province_size'])}",
                  width="content")
        st.metric(f"类内排名（{row['assessment_class']}）",
                  f"{int(row['rank_class'])}/{int(row['class_size'])}", width="content")
        st.metric("市州内排名", f"{int(row['rank_city'])}/{int(row['city_size'])}", width="content")
        st.metric(grade_title(config.method.within_class_only), grade_label(row["grade"]),
                  width="content")
    rr = cached.robust(year).table.loc[adcode]
    city = cached.city_assessment().year(year).loc[region["city_adcode"]]
    city_text = (f"第 {int(city['rank_province'])}/{int(city['province_size'])} 名，"
                 f"{grade_label(city['grade'])}" if city["assessed"] else "只参加县级考核")
    city_line = (f"所属市州{city['name']}：市州综合得分 {city['composite']:.1f} 分，{city_text}"
                 + ("，市州约谈预警" if city["flagged"] else ""))
    if page_allowed(actor, "city", login_on=login_on()):
        st.page_link(page_path("city"), icon=":material/apartment:", label=city_line + " →",
                     query_params={"city": region["city_adcode"], "year": str(year)})
    else:  # a county clerk: the city's result, without the city pages
        st.markdown(f":material/apartment: {md(city_line)}")
    st.markdown(f"**等次依据：** {row['grade_reason']}\n\n"
                "**稳健排名：** 方法、权重、插补方法、数据误差和分数线变化下，"
                f"类内排名中位数第 {rr['class_median']:.0f} 名，"
                f"90% 的情形落在第 {int(rr['class_p05'])}–{int(rr['class_p95'])} 名"
                f"（全省第 {int(rr['province_p05'])}–{int(rr['province_p95'])} 名）。")
    if row["progress"]:
        st.success(row["progress_reason"], icon=":material/trending_up:")
    if row["flagged"]:
        st.warning("**约谈预警**" + ("（连续两年，升级处理）" if row["escalated"] else "")
                   + "\n\n" + "\n".join(f"- {t}" for t in row["flag_reasons"])
                   + f"\n- 稳健性：{robust_label(rr, config.method.robust_share)}",
                   icon=":material/warning:")
    note = data_note(row["imputed_count"], row.get("data_check", False))
    if note:
        st.info(f"**数据说明：{note}**" + (f"\n\n{md(row['data_check_reason'])}"
                                          if row.get("data_check", False) else
                                          "。结果中用到的插补值见下方“指标明细”的“插补”列。"),
                icon=":material/info:")
    needed = gap(assessment, config, adcode, year)
    if needed is not None:
        with st.container(border=True):
            st.markdown("**差距测算：怎样走出预警**（每项改进不超过本类别当年最好水平，假定其他单位结果不变）")
            lines = needed.lines()
            st.markdown(md(lines[0]) + "\n" + "\n".join(f"- {md(t)}" for t in lines[1:]))

with st.expander("导出一页画像（图片 / Word）", icon=":material/picture_as_pdf:"):
    st.caption("一页图：关键指标、五大振兴、历年走势和短板，按 A4 竖版一页排版；"
               "Word 版另含指标明细和工作备注，可在“简报导出”页下载。")
    demo = is_demo()  # read now: the builder runs later, on the click
    export_controls(lambda: charts.county_card(assessment, config, adcode, year, demo=demo),
                    f"{row['name']}县域画像_{year}年度", "county_card",
                    presets=("a4",))  # a one-page card: A4 portrait

# The profile in tabs: the header, flags and 差距测算 above stay on the first screen;
# the indicator table (the most used) is the first tab.
(indicators_tab, groups_tab, duties_tab, trends_tab, peers_tab, place_tab, history_tab,
 notes_tab) = st.tabs(["指标明细", "五大振兴", "责任清单", "走势与原因", "同类比较", "位置", "历年与约谈",
                       "工作备注"])

with indicators_tab:  # 指标明细
    indicators = profile.indicator_table(assessment, config, adcode, year)
    first, last = assessment.years[0], assessment.years[-1]
    st.dataframe(indicators, hide_index=True, width="stretch", height=35 * (len(indicators) + 1) + 3,
                 column_config={
                     "标准化得分": st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                               format="%.1f"),
                     "历年": st.column_config.LineChartColumn(f"历年数值（{first}–{last}）"),
                     "指标": st.column_config.TextColumn(width="medium")})
    if row["imputed_count"]:
        st.caption(f"{int(row['imputed_count'])} 项指标为插补值（见“插补”列），插补值不会被静默使用。")

with groups_tab:  # 五大振兴
    table = profile.group_table(assessment, config, adcode, year)
    ref = f"{row['assessment_class']}平均" if row["assessed"] else "纳入考核单位平均"
    left, right = st.columns([3, 2])
    with left:
        chart(charts.county_radar(assessment, config, adcode, year, demo=is_demo()), key="county_radar")
    with right:
        st.dataframe(table.rename(columns={"同类平均": ref}), hide_index=True, width="stretch",
                     column_config={c: st.column_config.NumberColumn(format="%.1f")
                                    for c in ("得分", ref, "全省平均")})

with duties_tab:  # 责任清单
    st.caption("《实施细则》15 个方面责任：每项责任的得分为标注了该责任的计分指标得分的加权平均，"
               "排名为全省纳入考核单位中的名次；没有指标的责任显示“未设指标”。")
    card = responsibilities.scorecard(cached.duty_scores()[0], config, adcode, year,
                                      values=assessment.values)
    scorecard_table(card)

with trends_tab:  # 走势与原因
    left, right = st.columns(2)
    with left:
        chart(charts.county_trend(assessment, config, adcode, demo=is_demo()), key="county_trend")
    breakdown = explain.change_breakdown(assessment, config, adcode, year)
    with right:
        fig = charts.county_waterfall(assessment, config, adcode, year, demo=is_demo())
        if fig is None:
            st.info(f"{year - 1} 年没有数据，无法分解得分变化。")
        else:
            chart(fig, key="county_waterfall")
    if breakdown is not None:
        with st.expander("按指标分解（变化最大的 10 项）"):
            top = breakdown.by_indicator.head(10)
            st.dataframe(top.rename(columns={"name": "指标", "group_name": "振兴", "before": "上年贡献",
                                             "after": "本年贡献", "delta": "变化"})[
                ["振兴", "指标", "上年贡献", "本年贡献", "变化"]], hide_index=True, width="stretch",
                column_config={c: st.column_config.NumberColumn(format="%+.2f 分" if c == "变化"
                                                                else "%.2f 分")
                               for c in ("上年贡献", "本年贡献", "变化")})
    strengths = explain.strengths(assessment, config, adcode, year)
    strengths = strengths[strengths["advantage"] > 0].head(5)
    left, right = st.columns(2)
    with left:
        chart(charts.county_obstacles(assessment, config, adcode, year, demo=is_demo()),
              key="county_obstacles")
    with right:
        st.markdown("**优势：高出同类中位数最多的指标**")
        if strengths.empty:
            st.caption("没有高于同类中位数的指标。")
        for _, s in strengths.iterrows():
            st.markdown(f"- {md(s['name'])}：{md(s['display'])}，标准化得分 {s['score']:.1f}，"
                        f"高出同类中位数 {s['advantage']:.1f}")

with peers_tab:  # 同类比较
    peers = profile.nearest_peers(assessment, config, adcode, year)
    st.caption("五大振兴得分结构最接近的同类单位（按五项得分的欧氏距离）。")
    st.dataframe(peers.rename(columns={"name": "县（市、区）", "city_name": "市州", "composite": "综合得分",
                                       "rank_class": "类内排名", "grade": "等次", "distance": "差距",
                                       **{g.code: g.short for g in groups}}),
                 hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.1f")
                                for c in ["综合得分", "差距"] + labels})
    other = st.selectbox("选择另一个县（市、区）对比", [c for c in codes if c != adcode],
                         index=None, format_func=options.get, key="county_other",
                         placeholder="可输入全称或简称")
    if other:
        chart(charts.county_pair(assessment, config, adcode, other, year), key="county_vs")

with place_tab:  # 位置
    left, right = st.columns([2, 3])
    with left:
        chart(charts.county_locator(assessment, adcode, year), key="county_locator")
    with right:
        frame = map_frame(assessment, measure(config, "composite"), year)
        show_zoom_map(frame, fixed_score_bins(), legend_title="综合得分（分）", key="county_zoom",
                      highlight=adcode, height=380)

with history_tab:  # 历年与约谈
    st.dataframe(profile.history(assessment, adcode), width="stretch",
                 column_config={"综合得分": st.column_config.NumberColumn(format="%.1f")})

    engine = cached.engine()
    records = interviews(engine, adcode=adcode, actor=actor)
    todo_all = tasks(engine, records["id"], actor=actor)
    if records.empty:
        st.caption("暂无约谈记录。")
    for r in records.itertuples():
        todo = todo_all[todo_all["interview_id"] == r.id]
        done, late = tables.task_progress(todo)
        result = outcome(assessment, adcode, r.year)
        st.markdown(
            f"**{r.year} 年度结果引发的约谈**：{r.status}"
            + (f"，{r.interview_date}，{r.level}级约谈{md(r.interviewees)}" if r.interview_date else "")
            + (f"；指出问题：{md('；'.join(r.issues))}" if r.issues else "")
            + (f"；整改任务 {done}" if len(todo) else "")
            + (f"，**{late}逾期**" if late else "")
            + (f"。{result.text()}" if result else "。"))

    found = inspections.findings(engine, adcode=adcode, actor=actor)
    if not found.empty:
        st.markdown("**督查发现**")
        for f in found.itertuples():
            st.markdown(f"- {f.category}（{f.severity}）：{md(f.description)} —— {f.status}"
                        + ("，已升级为约谈" if f.interview_id == f.interview_id and f.interview_id
                           else ""))
    st.markdown("**年度报告**")
    sent = reports.board(engine, regions, year, units=[adcode], actor=actor)
    if adcode in sent.index and sent.attrs["deadline"]:
        mine = sent.loc[adcode]
        matters = reports.followups(engine, adcode=adcode, year=year, actor=actor)
        still = int((matters["status"] != reports.FOLLOWUP_STATUSES[-1]).sum())
        st.markdown(f"{year} 年度报告（截止 {sent.attrs['deadline']}）：{mine['状态']}"
                    + (f"，{mine['报送时间']}报送" if mine["报送时间"] else "")
                    + (f"；退回原因：{md(mine['退回原因'])}" if mine["退回原因"] else "")
                    + (f"；跟进事项 {len(matters)} 项，未办结 {still} 项" if len(matters) else ""))
        if page_allowed(actor, "reports", login_on=login_on()):
            st.page_link(page_path("reports"), label="查看或报送年度报告", icon=":material/summarize:",
                         query_params={"unit": adcode, "year": str(year)})
    else:
        st.caption(f"{year} 年度报告尚未布置" if adcode in sent.index else "未纳入考核，不报送年度报告。")
    st.markdown("**定点帮扶与区域协作**")
    helpers = support.active(support.relations(engine, adcode, actor=actor), year)
    if helpers.empty:
        st.caption(f"{year} 年没有帮扶协作记录。")
    for h in helpers.itertuples():
        st.markdown(f"- {h.kind}：{md(h.supporter)}（{h.start_year} 年起）"
                    + (f"，项目：{md(h.projects)}" if h.projects else ""))
    if page_allowed(actor, "support", login_on=login_on()):
        st.page_link(page_path("support"), label="查看或修改帮扶协作记录", icon=":material/handshake:",
                     query_params={"county": adcode, "year": str(year)})

with notes_tab:  # 工作备注
    st.caption("记录影响得分的情况（如“2024 年洪灾影响生态得分”），随县域画像一同导出。删除后可恢复。")
    show_flash()
    refused = refusal(actor, "note", adcode, region["city_adcode"], row["name"])
    notes = list_notes(engine, adcode, include_deleted=True, actor=actor)
    for note in notes.itertuples():
        cols = st.columns([6, 1])
        text = md(note.text)
        if note.deleted:
            cols[0].markdown(f"~~{note.year} 年：{text}~~ （已删除）")
            with cols[1]:
                write_button("恢复", lambda n=note.id: restore_note(engine, n, actor=actor),
                             done="备注已恢复。", refusal=refused, refresh=False, key=f"restore_{note.id}")
        else:
            cols[0].markdown(f"**{note.year} 年**：{text}  \n"
                             f":gray[{md(note.author)} · {shown_time(note.created_at)}]")
            with cols[1]:
                write_button("删除", lambda n=note.id: delete_note(engine, n, actor=actor),
                             done="备注已删除（可恢复）。", refusal=refused, refresh=False,
                             key=f"delete_{note.id}")
    with st.form("add_note"):
        note_year = st.selectbox("考核年度", assessment.years, index=assessment.years.index(year),
                                 format_func=lambda y: f"{y} 年")
        note_text = st.text_area("备注内容", max_chars=2000, key="note_text")
        submit_write("添加备注", lambda: add_note(engine, adcode, note_year, note_text, actor=actor),
                     done="备注已保存。", refusal=refused, refresh=False, icon=":material/note_add:",
                     clears=("note_text",))
