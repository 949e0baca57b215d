"""督查: the year's inspection rounds and teams, findings per county, their rectification
tracked to 销号 (the case core, as for 约谈), and escalation of a finding into a 约谈."""

import streamlit as st

from components import cached
from components.cases import case_actions
from components.layout import header, selected_year
from components.login import current_user
from components.pages import page_path
from components.state import VersionedEdit, show_flash
from components.writes import submit_write, write_button
from revitalization import inspections as insp
from revitalization import profile, tables
from revitalization.access import refusal, visible_counties
from revitalization.wording import md

config = cached.config()
regions = cached.regions()
engine = cached.engine()
user = current_user()
year = selected_year()
header("督查", f"{year} 年度督查：督查组和督查对象、督查发现与整改销号；发现可升级为约谈")
show_flash()
names = dict(zip(regions["adcode"], regions["name"], strict=True))
duties = {r.code: r.short for r in config.responsibilities}

with st.expander("开启督查轮次", icon=":material/add:", expanded=insp.rounds(engine, year).empty):
    with st.form("inspection_round"):
        round_name = st.text_input("督查名称", value=f"{year} 年度乡村振兴督查", key="round_name")
        teams = st.text_area("督查组与督查对象（每组一行）", key="round_teams",
                             placeholder="第一组：武汉市、鄂州市、黄冈市\n第二组：十堰市、襄阳市")
        submit_write("开启", lambda: insp.open_round(engine, year=year, name=round_name, teams=teams,
                                                   actor=user),
                     done="督查轮次已开启。", refusal=refusal(user, "inspection"),
                     icon=":material/flag:", clears=("round_teams",))

rounds = insp.rounds(engine, year)
if rounds.empty:
    st.info(f"{year} 年度还没有督查轮次。")
    st.stop()
by_round = rounds.set_index("id")
round_id = st.selectbox("督查轮次", rounds["id"].tolist(), key="inspection_round_pick",
                        format_func=lambda i: by_round.at[i, "name"])
if by_round.at[round_id, "teams"]:
    st.caption(md(by_round.at[round_id, "teams"]).replace("\n", "；"))

codes = visible_counties(user, regions)
options = profile.search_options(regions)
with st.form("finding_new"):
    st.markdown("**记录督查发现**")
    c1, c2, c3 = st.columns([2, 1, 1])
    county = c1.selectbox("县（市、区）", codes, format_func=options.get, key="finding_county")
    category = c2.selectbox("问题类别", insp.CATEGORIES, key="finding_category")
    severity = c3.selectbox("严重程度", insp.SEVERITIES, key="finding_severity")
    duty = st.selectbox("涉及的责任（《实施细则》15 个方面）", ["", *duties], key="finding_duty",
                        format_func=lambda c: duties.get(c, "（不指定）"))
    description = st.text_area("问题描述", key="finding_description", max_chars=insp.MAX_TEXT)
    evidence = st.text_input("依据（材料、数据、走访记录等）", key="finding_evidence")
    submit_write("保存发现", lambda: insp.record_finding(
        engine, config, round_id=round_id, adcode=county, category=category, severity=severity,
        responsibility=duty, description=description, evidence=evidence, actor=user),
        done="督查发现已记录。", refusal=refusal(user, "inspection", county,
                                          regions.set_index("adcode").at[county, "city_adcode"]),
        icon=":material/note_add:", clears=("finding_description", "finding_evidence"))

found = insp.findings(engine, round_id=round_id, actor=user)
if found.empty:
    st.caption("本轮督查还没有记录发现。")
    st.stop()
todo_all = insp.tasks(engine, found["id"].tolist(), actor=user)
st.dataframe(tables.finding_overview(found, todo_all, names, duties), hide_index=True,
             width="stretch")

by_id = found.set_index("id")
chosen = st.selectbox("查看和处理", found["id"].tolist(), key="finding_pick",
                      format_func=lambda i: f"{names[by_id.at[i, 'adcode']]}：{by_id.at[i, 'description'][:20]}"
                                            f"（{by_id.at[i, 'status']}）")
record = by_id.loc[chosen]
refused = refusal(user, "inspection", record["adcode"],
                  regions.set_index("adcode").at[record["adcode"], "city_adcode"])
edit = VersionedEdit("finding", chosen, record["version"])
if edit.stale:
    st.warning("此发现已被他人更新，直接保存会被拒绝。", icon=":material/sync_problem:")
    if st.button("载入最新版本", key=f"finding_reload_{chosen}", icon=":material/refresh:"):
        edit.reload()
        st.rerun()
st.markdown(f"**{md(names[record['adcode']])}** · {record['category']} · {record['severity']} · "
            f"当前状态：**{record['status']}** · 第 {record['version']} 版"
            + (f"\n\n依据：{md(record['evidence'])}" if record["evidence"] else ""))
todo = todo_all[todo_all["finding_id"] == chosen]


def escalation() -> None:
    if record["interview_id"] != record["interview_id"] or record["interview_id"] is None:
        write_button("升级为约谈", lambda: insp.escalate(engine, chosen, version=edit.read, actor=user),
                     done=lambda i: f"已升级为约谈（约谈记录 {i}），可在“约谈预警”页处理。",
                     refusal=refused, refresh=False, after=edit.catch_up,
                     key=f"finding_escalate_{chosen}", icon=":material/campaign:")
    else:
        st.page_link(page_path("laggards"), label="查看约谈记录", icon=":material/open_in_new:",
                     query_params={"year": str(year)})


case_actions(insp.KIND, record, todo, edit, refusal=refused, key=f"finding_{chosen}",
             add_task=lambda what, owner, due: insp.add_task(engine, chosen, description=what,
                                                             owner=owner, deadline=due, actor=user),
             complete=lambda task: insp.complete_task(engine, task, actor=user),
             step=lambda target: insp.save_finding(engine, chosen, version=edit.read, actor=user,
                                                   status=target),
             delete=lambda: insp.set_deleted(engine, chosen, deleted=True, actor=user,
                                             version=edit.read),
             extra=escalation)
