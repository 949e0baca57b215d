"""Every display table: assessment rows shaped with Chinese column names, for the screen,
the spreadsheets and the documents alike."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pandas as pd

from revitalization import reports
from revitalization.config import DIRECTIONS, IndicatorSystem
from revitalization.engine import Assessment
from revitalization.maps.measures import display_value, measure_values
from revitalization.regions import city_short_name
from revitalization.style import GRID
from revitalization.wording import (
    ACCESS_ACTIONS,
    AUDIT_ACTIONS,
    AUDIT_ENTITIES,
    arrow,
    data_notes,
    grade_labels,
    grade_title,
    shown_time,
    year_label,
)


def html_table(table: pd.DataFrame, formats: dict[str, str] | None = None, *,
               title: str = "", numeric: tuple[str, ...] = ()) -> str:
    """A small table as plain HTML (for ``st.html``), every cell escaped: names come from
    data files. Much lighter for the browser than a Markdown table or a data grid."""
    formats = formats or {}
    cell = f"padding:4px 10px;border-bottom:1px solid {GRID};"

    def td(col: str, value: object, tag: str = "td") -> str:
        text = formats[col].format(value) if col in formats and tag == "td" else str(value)
        align = "right" if col in numeric else "left"
        return f"<{tag} style='{cell}text-align:{align}'>{html.escape(text)}</{tag}>"

    head = "".join(td(c, c, "th") for c in table.columns)
    rows = "".join("<tr>" + "".join(td(c, r[c]) for c in table.columns) + "</tr>"
                   for _, r in table.iterrows())
    caption = f"<div style='font-weight:600;margin:0 0 6px'>{html.escape(title)}</div>" if title else ""
    return (f"<div style='font-size:14px'>{caption}<table style='border-collapse:collapse;"
            f"width:100%'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def measure_table(assessment: Assessment, measure, year: int) -> pd.DataFrame:
    """What the overview map shows, as a table (all 103 units): the measure's value as
    displayed, grade and 约谈; numbers largest first, categories in ranking order (the
    accessible alternative to the map)."""
    rows = assessment.year(year)
    values = measure_values(assessment, measure.key, year).reindex(rows.index)
    table = pd.DataFrame({
        "县（市、区）": rows["name"], "市州": rows["city_name"],
        measure.option(): [display_value(v, measure) for v in values],
        "全省排名": rows["rank_province"].astype("Int64"),
        "等次": grade_labels(rows["grade"]).where(rows["assessed"], "未纳入考核"),
        "约谈预警": np.where(rows["flagged"], "是", ""), "数据说明": data_notes(rows)})
    if measure.kind == "category":
        order = rows["rank_province"].fillna(999)
    else:
        order = -pd.to_numeric(values, errors="coerce").fillna(-np.inf)
    return table.assign(_o=order.to_numpy()).sort_values(["_o", "县（市、区）"]).drop(columns="_o")


def kpi_cards(k: dict) -> str:
    """The overview's KPI cards as compact HTML (``summary.kpis``); 约谈预警 in the warning
    colour (with its word, not colour alone)."""
    change = "" if k["mean_change"] is None else f"较上年 {k['mean_change']:+.1f} 分"
    cards = [("纳入考核单位", f"{k['assessed']} 个", "中心城区不纳入考核", ""),
             ("平均综合得分", f"{k['mean']:.1f} 分", change, ""),
             ("优秀", f"{k['grades'].get('优秀', 0)} 个", "", ""),
             ("进步明显", f"{k['progress']} 个", "", ""),
             ("约谈预警", f"{k['flagged']} 个", f"其中连续两年 {k['escalated']} 个", "warn")]
    body = "".join(
        f"<div class='kpi {cls}'><div class='label'>{html.escape(label)}</div>"
        f"<div class='value'>{html.escape(value)}</div>"
        + (f"<div class='delta'>{html.escape(delta)}</div>" if delta else "") + "</div>"
        for label, value, delta, cls in cards)
    return f"<div class='kpi-stack'>{body}</div>"


def top_bottom(assessment: Assessment, year: int, n: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The n best and n lowest assessed units by composite (province rank)."""
    rows = assessment.year(year)
    rows = rows[rows["assessed"]].sort_values(["rank_province", "name"])
    table = pd.DataFrame({"全省排名": rows["rank_province"].astype(int), "县（市、区）": rows["name"],
                          "市州": rows["city_name"].map(city_short_name),
                          "综合得分": rows["composite"].round(1),
                          "等次": grade_labels(rows["grade"])}, index=rows.index)
    return table.head(n), table.tail(n).iloc[::-1]


def ranking_table(assessment: Assessment, config: IndicatorSystem, year: int) -> pd.DataFrame:
    """All assessed units of a year, best first, with Chinese column names."""
    rows = assessment.year(year)
    rows = rows[rows["assessed"]].sort_values(["rank_province", "name"])
    table = pd.DataFrame({
        "全省排名": rows["rank_province"].astype(int),
        "类内排名": rows["rank_class"].astype(int).astype(str) + "/"
        + rows["class_size"].astype(int).astype(str),
        "县（市、区）": rows["name"],
        "市州": rows["city_name"],
        "考核类别": rows["assessment_class"],
        "综合得分": rows["composite"].round(1),
    })
    for g in config.groups:
        table[g.short] = rows[g.code].round(1)
    table[grade_title(config.method.within_class_only)] = grade_labels(rows["grade"])
    table["名次变化"] = rows["rank_change"].map(arrow)
    table["约谈预警"] = np.where(rows["flagged"], "是", "")
    table["数据说明"] = data_notes(rows)
    table.index = rows.index
    return table


def flagged_table(assessment: Assessment, year: int) -> pd.DataFrame:
    """Units flagged for 约谈 in a year, lowest composite first, each reason on its own line."""
    rows = assessment.year(year)
    rows = rows[rows["assessed"] & rows["flagged"]].sort_values("composite")
    return pd.DataFrame({
        "县（市、区）": rows["name"],
        "市州": rows["city_name"],
        "考核类别": rows["assessment_class"],
        "综合得分": rows["composite"].round(1),
        "类内排名": rows["rank_class"].astype(int).astype(str) + "/"
        + rows["class_size"].astype(int).astype(str),
        "预警原因": rows["flag_reasons"].map("；".join),
        "连续两年预警": np.where(rows["escalated"], "是（升级处理）", "否"),
        "数据说明": data_notes(rows),
    }, index=rows.index)


def praise_list(assessment: Assessment, year: int) -> pd.DataFrame:
    """优秀 and 进步明显 units of a year, each with the reason (best rank first)."""
    rows = assessment.year(year)
    rows = rows[rows["assessed"]].sort_values("rank_province")
    notes = data_notes(rows)
    out = [{"adcode": a, "表扬类别": "优秀", "县（市、区）": r["name"], "市州": r["city_name"],
            "考核类别": r["assessment_class"], "综合得分": round(r["composite"], 1),
            "理由": r["grade_reason"], "数据说明": notes[a]}
           for a, r in rows[rows["grade"] == "优秀"].iterrows()]
    out += [{"adcode": a, "表扬类别": "进步明显", "县（市、区）": r["name"], "市州": r["city_name"],
             "考核类别": r["assessment_class"], "综合得分": round(r["composite"], 1),
             "理由": r["progress_reason"], "数据说明": notes[a]}
            for a, r in rows[rows["progress"]].iterrows()]
    columns = ["adcode", "表扬类别", "县（市、区）", "市州", "考核类别", "综合得分", "理由", "数据说明"]
    return pd.DataFrame(out, columns=columns).set_index("adcode")




def changed_fields(before: str, after: str) -> str:
    """Only the fields that changed, as ``字段: 前 → 后`` (timestamps of the edit left out)."""
    b, a = (json.loads(before) if before else {}), (json.loads(after) if after else {})
    keys = [k for k in dict.fromkeys([*b, *a]) if b.get(k) != a.get(k) and k != "updated_at"]
    return "；".join(f"{k}: {b.get(k, '')} → {a.get(k, '')}" for k in keys)


AUDIT_VALUES_SHOWN = 20  # an import's values written out in its audit sentence
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")

# Record fields as staff name them; bookkeeping fields (versions, ids, times) are left out.
FIELD_LABELS = {
    "status": "状态", "state": "状态", "interview_date": "约谈日期", "level": "约谈层级",
    "interviewees": "被约谈人", "issues": "指出的问题", "description": "任务内容", "owner": "责任人",
    "deadline": "期限", "done": "已完成", "deleted": "已删除", "text": "内容", "value": "数值",
    "values": "填报数值", "explanations": "填报说明", "comments": "审核意见", "reason": "原因",
    "note": "说明", "year": "年度", "revision": "版本", "file_name": "文件", "rows_new": "新增数值",
    "rows_changed": "修改数值", "rolled_back_at": "撤销时间", "display": "姓名", "role": "角色",
    "scope": "范围", "active": "启用", "consistency": "一致性检查", "closed_at": "截止时间",
    "name": "名称", "unit": "编发单位", "issue": "期号", "send_to": "报送", "copy_to": "抄送",
    "category": "问题类别", "severity": "严重程度", "responsibility": "涉及的责任",
    "evidence": "依据", "teams": "督查组", "kind": "类型", "supporter": "帮扶单位",
    "projects": "项目", "funds": "资金（万元）", "start_year": "开始年度", "end_year": "结束年度",
    "matter": "跟进事项", "returned_reason": "退回原因", "size": "文件大小（字节）",
    "submitted_by": "报送人", "changes": "修改的数值",
}
QUIET = {"version", "updated_at", "updated_by", "id", "created_at", "created_by", "at",
         "file_hash", "batch_id", "round_id", "submission_id", "password_hash", "done_at",
         "published_at", "opened_at", "rows_unchanged", "published_by", "fingerprint",
         "published_years", "user", "interview_id", "failed_logins", "locked_until",
         "report_id", "followup_id", "finding_id", "content_type", "submitted_at"}


def _shown(value: object) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value in (None, "", [], {}):
        return "（空）"
    if isinstance(value, list):
        return "、".join(str(v.get("text", v)) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return f"{len(value)} 项"
    if isinstance(value, str) and STAMP.fullmatch(value):  # rolled_back_at, closed_at …
        return shown_time(value)
    return str(value)


def audit_sentence(action: str, entity: str, before: str, after: str,
                   names: dict[str, str]) -> str:
    """One audit row as a sentence: what was done to which record of which county, and what
    changed, in the words staff use (``names``: adcode → county name)."""
    b, a = (json.loads(before) if before else {}), (json.loads(after) if after else {})
    county = names.get(str(a.get("adcode") or b.get("adcode") or a.get("unit") or b.get("unit")
                           or ""), "")
    year = a.get("year") or b.get("year")
    subject = (f"{county}" if county else "") + (f" {year} 年" if year and county else "")
    what = f"{AUDIT_ACTIONS.get(action, action)}{AUDIT_ENTITIES.get(entity, entity)}"
    changes = [f"{FIELD_LABELS.get(k, k)}由“{_shown(b.get(k))}”改为“{_shown(a.get(k))}”"
               for k in dict.fromkeys([*b, *a]) if k not in QUIET and b and b.get(k) != a.get(k)]
    if not b:  # a new record: say what it holds
        changes = [f"{FIELD_LABELS[k]}“{_shown(a[k])}”"
                   for k in ("text", "description", "matter", "supporter", "file_name", "name")
                   if a.get(k)]
    if a.get("changes"):  # an import: every value it wrote, old → new
        lines = [c["text"] for c in a["changes"]]
        changes.append(f"{len(lines)} 个数值：" + "；".join(lines[:AUDIT_VALUES_SHOWN])
                       + (f"；等（共 {len(lines)} 个，见原始字段）" if len(lines) > AUDIT_VALUES_SHOWN else ""))
    text = (f"{subject}：" if subject else "") + what
    return text + ("，" + "；".join(changes) if changes else "") + "。"


def audit_table(log: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Audit rows (``audit.audit_rows``) for reading, newest first: each entry as a sentence a
    staff member understands, plus the raw changes for checking."""
    names = names or {}
    return pd.DataFrame({
        "时间（北京时间）": log["at"].map(lambda t: shown_time(t, seconds=True)), "操作人": log["user"],
        "对象": log["entity"].map(lambda e: AUDIT_ENTITIES.get(e, e)), "编号": log["entity_id"],
        "说明": [audit_sentence(*r, names) for r in zip(log["action"], log["entity"], log["before"],
                                                       log["after"], strict=True)],
        "变化": [changed_fields(b, a) for b, a in zip(log["before"], log["after"], strict=True)],
    }).iloc[::-1]


def access_table(log: pd.DataFrame) -> pd.DataFrame:
    """The access log (``audit.access_rows``, newest first) for reading."""
    return pd.DataFrame({"时间（北京时间）": log["at"].map(lambda t: shown_time(t, seconds=True)),
                         "用户": log["user"], "操作": log["action"].map(lambda a: ACCESS_ACTIONS.get(a, a)),
                         "说明": log["detail"]})


def task_progress(todo: pd.DataFrame) -> tuple[str, str]:
    """(整改任务 ``done/all 项完成``, 逾期 ``n 项`` or "") for one interview's tasks."""
    overdue = int(todo["overdue"].sum())
    return f"{int(todo['done'].sum())}/{len(todo)} 项完成", f"{overdue} 项" if overdue else ""


def finding_overview(found: pd.DataFrame, todo: pd.DataFrame, names: dict[str, str],
                     duties: dict[str, str]) -> pd.DataFrame:
    """One row per inspection finding: unit, category, severity, responsibility, finding,
    status, task progress and whether it was escalated to a 约谈 (``todo``: their tasks)."""
    return pd.DataFrame({
        "县（市、区）": found["adcode"].map(names), "问题类别": found["category"],
        "严重程度": found["severity"], "涉及的责任": found["responsibility"].map(duties).fillna(""),
        "问题描述": found["description"], "状态": found["status"],
        "整改任务": [task_progress(todo[todo["finding_id"] == f])[0] for f in found["id"]],
        "约谈": [f"已升级（约谈记录 {int(i)}）" if i == i and i is not None else ""
               for i in found["interview_id"]],
    }, index=found.index)


def interview_overview(records: pd.DataFrame, todo: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """One row per interview record: unit, status, date, level, task progress and overdue
    count (``todo``: the tasks of all these records, from one ``interviews.tasks`` query)."""
    rows = []
    for r in records.itertuples():
        done, late = task_progress(todo[todo["interview_id"] == r.id])
        rows.append({"编号": r.id, "县（市、区）": names.get(r.adcode, r.adcode), "状态": r.status,
                     "约谈日期": r.interview_date or "—", "层级": r.level or "—",
                     "整改任务": done, "逾期": late})
    return pd.DataFrame(rows, columns=["编号", "县（市、区）", "状态", "约谈日期", "层级", "整改任务", "逾期"])


OVERDUE = "逾期未完成"


def task_table(todo: pd.DataFrame, deadline: str = "整改期限") -> pd.DataFrame:
    """One case's tasks for reading (``deadline``: the kind's word for the deadline column);
    状态 is 已完成 / 逾期未完成 / 进行中."""
    return pd.DataFrame({"任务": todo["description"], "责任人": todo["owner"],
                         deadline: todo["deadline"],
                         "状态": ["已完成" if d else OVERDUE if o else "进行中"
                                for d, o in zip(todo["done"], todo["overdue"], strict=True)]})


def report_board(board: pd.DataFrame, followups: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """The 年度报告 board for reading (``reports.board`` rows, ``reports.followups`` of the
    year): what staff act on first — late, returned, not yet in — then the reported ones."""
    open_matters = followups.loc[followups["status"] != reports.FOLLOWUP_STATUSES[-1], "adcode"]
    cities = dict(zip(regions["city_adcode"], regions["city_name"], strict=True))
    order = {reports.OVERDUE: 0, reports.RETURNED: 1, reports.UNSUBMITTED: 2, reports.SUBMITTED: 3}
    shown = pd.DataFrame({
        "单位": board["name"], "类别": board["kind"], "所属市州": board["city"].map(cities),
        "状态": board["状态"], "时限": board["时限"], "报送时间（北京时间）": board["报送时间"],
        "文件": board["文件"],
        "未办结跟进事项": open_matters.value_counts().reindex(board.index, fill_value=0).astype(int)})
    return shown.sort_values("状态", key=lambda s: s.map(order), kind="stable")


# 数据管理 ------------------------------------------------------------------------------

def coverage_table(observations: pd.DataFrame, regions: pd.DataFrame,
                   config: IndicatorSystem) -> pd.DataFrame:
    """Observations and missing values per assessment year."""
    expected = len(regions) * len(config.indicators)
    out = observations.groupby("year").size().rename("观测值").to_frame()
    out["缺失"] = expected - out["观测值"]
    out.index = out.index.map(year_label).rename("考核年度")
    return out


def import_preview(preview: pd.DataFrame, regions: pd.DataFrame,
                   config: IndicatorSystem, sheet: str = "") -> pd.DataFrame:
    """The values an import adds or changes (``importer.diff`` minus the unchanged), old →
    new as text at the indicator's decimals, a blank where there was no value; with the cell
    each came from (``2025年!D7``) and what that cell showed, to check against the file."""
    names = regions.set_index("adcode")["name"]
    shown = preview[preview["status"] != "不变"]

    def text(values: pd.Series) -> list[str]:
        return ["" if pd.isna(v) else f"{float(v):,.{config.indicator(c).decimals}f}"
                for v, c in zip(values, shown["indicator"], strict=True)]

    frame = pd.DataFrame({
        "行": shown["row"], "县（市、区）": shown["adcode"].map(names), "年度": shown["year"],
        "指标": shown["indicator"].map(lambda c: f"{config.indicator(c).name}（{config.indicator(c).unit}）"),
        "原值": text(shown["old"]), "新值": text(shown["value"]), "变化": shown["status"]})
    if "cell" in shown:  # a checked file (not a round's or a correction's values)
        frame.insert(1, "单元格", [f"{sheet}!{c}" if sheet else c for c in shown["cell"]])
        frame.insert(len(frame.columns) - 1, "文件中显示", shown["shown"])
    return frame


def batch_table(history: pd.DataFrame) -> pd.DataFrame:
    """The import batches (``importer.batches``) with Chinese column names."""
    history = history.assign(at=history["at"].map(shown_time),
                             rolled_back_at=history["rolled_back_at"].map(shown_time))
    return history.rename(columns={
        "id": "批次", "file_name": "文件", "user": "导入人", "at": "时间（北京时间）", "rows_new": "新增",
        "rows_changed": "修改", "rows_unchanged": "不变", "published_years": "更正已发布年度",
        "reason": "更正原因", "rolled_back_at": "撤销时间"}).drop(columns="file_hash")


def correction_lines(values: dict, previous: dict, config: IndicatorSystem) -> list[str]:
    """Each value a correction request asks for, beside the value stored when it was filed."""
    lines = []
    for code, value in values.items():
        ind = config.indicator(code)
        old = previous.get(code)
        lines.append(f"{ind.name}：{'无' if old is None else f'{old:g}'} → {value:g} {ind.unit}")
    return lines


def correction_table(requests: pd.DataFrame, regions: pd.DataFrame, config: IndicatorSystem) -> pd.DataFrame:
    """Correction requests (``corrections.requests``) as shown: each value asked for beside the
    value stored when the request was filed, with the unit."""
    columns = ["编号", "县（市、区）", "考核年度", "更正内容", "更正原因", "状态", "审核意见", "提出人",
               "提出时间（北京时间）"]
    if requests.empty:
        return pd.DataFrame(columns=columns)
    names = dict(zip(regions["adcode"], regions["name"], strict=True))

    def change(row) -> str:
        return "；".join(correction_lines(row["values"], row["previous"], config))

    return pd.DataFrame({
        "编号": requests["id"], "县（市、区）": requests["adcode"].map(names),
        "考核年度": requests["year"].map(year_label), "更正内容": requests.apply(change, axis=1),
        "更正原因": requests["reason"], "状态": requests["state"], "审核意见": requests["note"],
        "提出人": requests["created_by"], "提出时间（北京时间）": requests["created_at"].map(shown_time),
    }, columns=columns)


def region_table(regions: pd.DataFrame) -> pd.DataFrame:
    """The region registry as shown."""
    return regions.rename(columns={
        "adcode": "区划代码", "name": "名称", "short_name": "简称", "city_name": "市州",
        "kind": "类型", "assessed": "纳入考核", "assessment_class": "考核类别"})[
        ["区划代码", "名称", "简称", "市州", "类型", "纳入考核", "考核类别"]]


def publication_status(years: list[int], frozen: dict, fingerprint: str) -> pd.DataFrame:
    """Each year: published (which revision, when, by whom, fingerprint) or not."""
    return pd.DataFrame([{
        "考核年度": year_label(y),
        "状态": f"已发布（第 {frozen[y].revision} 版）" if y in frozen else "未发布",
        "发布时间（北京时间）": shown_time(frozen[y].published_at) if y in frozen else "",
        "发布人": frozen[y].published_by if y in frozen else "",
        "方法指纹": frozen[y].fingerprint if y in frozen else fingerprint,
    } for y in years])


def method_tables(config: IndicatorSystem) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(groups, indicators) of the method in force, indexed by code, for editing."""
    groups = pd.DataFrame([{"code": g.code, "振兴": g.name, "weight": g.weight}
                           for g in config.groups]).set_index("code").rename_axis("代码")
    indicators = pd.DataFrame([{
        "code": i.code, "指标": i.name, "振兴类别": config.group(i.group).short, "单位": i.unit,
        "方向": DIRECTIONS[i.direction], "weight": i.weight, "lower": i.lower, "upper": i.upper,
        "gate_threshold": i.gate_threshold, "口径": i.definition, "来源": i.source,
    } for i in config.indicators]).set_index("code").rename_axis("代码")
    return groups, indicators


def method_versions_table(history: pd.DataFrame) -> pd.DataFrame:
    history = history.assign(at=history["at"].map(shown_time))
    return history.rename(columns={"id": "版本", "at": "时间（北京时间）", "user": "修改人", "note": "说明",
                                   "overrides": "修改内容", "fingerprint": "方法指纹"})


def account_table(listing: pd.DataFrame) -> pd.DataFrame:
    """Accounts (``accounts.accounts``: no password hashes) with Chinese column names."""
    listing = listing.assign(created_at=listing["created_at"].map(shown_time),
                             locked_until=listing["locked_until"].map(shown_time))
    return listing.rename(columns={
        "username": "用户名", "display": "姓名 / 单位", "role": "角色", "scope": "区划代码",
        "created_at": "创建时间", "disabled": "停用", "failures": "连续失败", "locked_until": "锁定至"})
