"""How things are said: the one number formatter, the labels shared by every view and
export, and escaping of user and data text for Streamlit Markdown."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd

DEMO = "示例数据"
UNGRADED = "不评定"  # an assessed unit with no grade (too many imputed values)
NOT_ASSESSED = "未纳入考核"
NOT_ASSESSED_NOTE = "未纳入考核（中心城区，不评分、不排名）"
MISSING = "数据缺失"
NO_VALUE = "—"
ESCALATED = "约谈预警（连续两年）"
FLAGGED = "约谈预警"
NOT_FLAGGED = "未预警"

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:<>])")


JOIN = "\u2060"  # WORD JOINER: invisible, breaks a pattern without allowing a line break
# What Streamlit's Markdown turns into links or icons even when escaped: web and mail
# addresses (GFM autolinks) and :material/…: icon codes.
_LIVE = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)(?=\S)|(?<=:)(?=material/)")


def md(text: object) -> str:
    """Text from users or data files, made safe to place inside Streamlit Markdown: every
    Markdown / directive character is escaped, line breaks become spaces, and addresses and
    icon codes are broken by an invisible joiner so they stay plain text (no outside links)."""
    text = _LIVE.sub(JOIN, str(text))
    return _MARKDOWN.sub(r"\\\1", text).replace("\r", " ").replace("\n", " ")


def format_value(value: float | None, unit: str, decimals: int = 1) -> str:
    """A number with its unit for display ('—' when missing); 比值 carries no unit."""
    if value is None or value != value:  # NaN
        return NO_VALUE
    text = f"{value:,.{decimals}f}"
    if unit in ("%", "比值", ""):
        return text + ("%" if unit == "%" else "")
    return f"{text} {unit}"


def unit_suffix(unit: str) -> str:
    """How a unit follows a number in a legend: ``%`` attached, others after a space."""
    if unit in ("", "比值"):
        return ""
    return unit if unit == "%" else f" {unit}"


def grade_label(grade: object) -> str:
    """The grade of an assessed unit as shown: the grade, or 不评定."""
    return grade if isinstance(grade, str) else UNGRADED


def grade_labels(grades: pd.Series) -> pd.Series:
    return grades.fillna(UNGRADED)


def grade_title(within_class_only: bool) -> str:
    """The heading of a grade column: a pure within-class grade says so."""
    return "等次（类内）" if within_class_only else "等次"


def data_note(imputed_count: object, data_check: object = False) -> str:
    """What a result rests on: "含 3 项插补值", "数据待核实", both, or ""."""
    parts = []
    if pd.notna(imputed_count) and imputed_count > 0:
        parts.append(f"含 {int(imputed_count)} 项插补值")
    if pd.notna(data_check) and bool(data_check):
        parts.append("数据待核实")
    return "，".join(parts)


def data_notes(rows: pd.DataFrame) -> pd.Series:
    check = rows["data_check"] if "data_check" in rows else pd.Series(False, index=rows.index)
    return pd.Series([data_note(n, c) for n, c in zip(rows["imputed_count"], check.fillna(False),
                                                      strict=True)], index=rows.index)


def arrow(change: float) -> str:
    """↑ 3 / ↓ 2 / → 0 / — (no comparison)."""
    if change is None or change != change:
        return NO_VALUE
    if change > 0:
        return f"↑ {int(change)}"
    if change < 0:
        return f"↓ {int(-change)}"
    return "→ 0"


def year_label(year: int) -> str:
    return f"{year} 年"


BEIJING = timezone(timedelta(hours=8))  # China has one time zone and no daylight saving


def beijing(stamp: str) -> datetime:
    """A stored UTC timestamp (``audit.now()``) in Beijing time; a stamp without a zone is
    taken as UTC, as stored."""
    moment = datetime.fromisoformat(stamp)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(BEIJING)


def shown_time(stamp: str | None, *, seconds: bool = False) -> str:
    """A stored UTC timestamp as people read it: Beijing time, ``2026-04-01 07:00``; empty
    for none (a stamp without a zone is taken as UTC, as ``audit.now()`` writes)."""
    if not stamp or not isinstance(stamp, str):
        return ""
    return f"{beijing(stamp):%Y-%m-%d %H:%M{':%S' if seconds else ''}}"


def _now() -> datetime:
    return datetime.now(UTC)


def now() -> datetime:
    """The time in Beijing, whatever the server's own time zone (a server kept on UTC would
    otherwise date documents, and turn deadlines overdue, eight hours late)."""
    return _now().astimezone(BEIJING)


def utc(beijing_time: datetime) -> datetime:
    """A Beijing wall-clock time (``now()`` without its zone, as files print it) in UTC without
    a zone: what Word and PowerPoint store as a file's creation time."""
    return beijing_time.replace(tzinfo=BEIJING).astimezone(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date in Beijing: deadlines, overdue tasks and the dates on exports."""
    return now().date()


def date_text(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"  # 公文 dates: no spaces


def subtitle(demo: bool, text: str = "") -> str:
    """A figure's subtitle: 示例数据 first for demo data."""
    return " · ".join(p for p in ((DEMO if demo else ""), text) if p)


# The audit trail's tables and actions, as the audit page names them.
AUDIT_ENTITIES = {"observation": "指标数据", "import_batch": "导入批次", "county_note": "工作备注",
                  "interview": "约谈记录", "rectification_task": "整改任务",
                  "method_version": "指标体系版本", "publication": "结果发布", "account": "账号",
                  "data_round": "年度填报", "submission": "县级填报", "briefing": "简报版头",
                  "correction_request": "更正申请",
                  "city_observation": "市级指标数据", "department_duty": "部门责任落实",
                  "support_relation": "帮扶协作记录", "inspection_round": "督查轮次",
                  "inspection_finding": "督查发现", "finding_task": "督查整改任务",
                  "report_round": "年度报告布置", "annual_report": "年度报告",
                  "report_followup": "报告跟进事项", "followup_task": "落实任务"}
ACCESS_ACTIONS = {"login": "登录", "login_failed": "登录失败", "logout": "退出登录", "download": "下载"}
AUDIT_ACTIONS = {"create": "新建", "update": "修改", "status": "状态推进", "delete": "删除",
                 "restore": "恢复", "complete": "完成", "reopen": "重新打开", "import": "新建",
                 "rollback": "撤销", "publish": "发布", "login_failed": "登录失败",
                 "open": "发起", "close": "截止", "reopen_round": "重新开放", "save": "保存草稿",
                 "submit": "提交", "return": "退回修改", "forward": "市州审核通过", "accept": "省级确认",
                 "confirm": "省级确认并写入",
                 "escalate": "升级为约谈", "resubmit": "重新报送",
                 "password": "设置密码", "disable": "停用", "enable": "启用"}
