"""The 约谈 workflow: interviews of flagged counties and their rectification tasks.

Status moves only forward along 待约谈 → 已约谈 → 整改中 → 已整改/销号. The workflow itself —
versions, steps, tasks, soft delete, audit — is the case core (``revitalization.cases``); this
module adds what is particular to an interview: who may be opened (a flagged unit, one live
record per unit-year), its fields (date, level, interviewees, issues) and their checks, and
the outcome a year later.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from revitalization import cases, wording
from revitalization.access import Actor, require_for
from revitalization.audit import audit, now
from revitalization.cases import CaseError, CaseKind, ConcurrentCaseEdit
from revitalization.engine import Assessment
from revitalization.store import Interview, RectificationTask, Region

STATUSES = ("待约谈", "已约谈", "整改中", "已整改/销号")
LEVELS = ("省", "市")
INTERVIEWEES = ("县委书记", "县长", "分管副县长", "县委农办主任", "县农业农村局局长")


class InterviewError(CaseError):
    """Refused input or transition; the message names the field, in Chinese."""


class ConcurrentEditError(InterviewError, ConcurrentCaseEdit):
    """Someone else saved the record after it was read."""


KIND = CaseKind(model=Interview, task_model=RectificationTask, task_fk="interview_id",
                statuses=STATUSES, noun="约谈记录", action="interview", task_noun="整改任务",
                deadline_field="整改期限", closed_words="已整改销号", close_verb="销号",
                error=InterviewError, concurrent=ConcurrentEditError)


def open_interview(engine: Engine, assessment: Assessment, adcode: str, year: int, *,
                   actor: Actor) -> int:
    """Open a 待约谈 record for a unit flagged in ``year`` (one open record per unit-year)."""
    rows = assessment.year(year) if year in assessment.years else None
    if rows is None or adcode not in rows.index:
        raise InterviewError(f"区划代码：{adcode} 在 {year} 年没有考核结果")
    if not rows.at[adcode, "flagged"]:
        raise InterviewError(f"{rows.at[adcode, 'name']}在 {year} 年未列入约谈预警，不能发起约谈")
    with Session(engine) as session:
        if session.get(Region, adcode) is None:
            raise InterviewError(f"区划代码：未知的区划代码 {adcode}")
        require_for(session, actor, "interview", adcode)
        existing = live_interview(session, adcode, year)
        if existing is not None:
            raise InterviewError(f"{rows.at[adcode, 'name']} {year} 年度已有约谈记录（编号 {existing.id}）")
        record = create_interview(session, adcode, year, actor, name=rows.at[adcode, "name"])
        session.commit()
        return record.id


def live_interview(session: Session, adcode: str, year: int) -> Interview | None:
    """The unit-year's live (not deleted) 约谈 record, if any."""
    return session.exec(select(Interview).where(
        Interview.adcode == adcode, Interview.year == year,
        Interview.deleted == False)).first()  # noqa: E712


def create_interview(session: Session, adcode: str, year: int, actor: Actor, *, name: str
                     ) -> Interview:
    """A 待约谈 record, audited, in the caller's transaction (the caller checks who may and
    why: a 约谈预警, or an escalated inspection finding)."""
    record = Interview(adcode=adcode, year=year, created_by=str(actor), created_at=now(),
                       updated_at=now())
    session.add(record)
    try:
        session.flush()
    except IntegrityError:  # someone opened one at the same moment
        session.rollback()
        raise InterviewError(f"{name} {year} 年度已有约谈记录") from None
    audit(session, actor.signature, "interview", record.id, "create", None, record.model_dump())
    return record


def _validate(record: Interview, tasks: list[RectificationTask], target: str,
              today: date) -> None:
    held = STATUSES.index(target) >= STATUSES.index("已约谈")
    when = cases.parse_date(record.interview_date, "约谈日期", InterviewError)
    if held:
        if when is None:
            raise InterviewError("约谈日期：已约谈的记录必须填写约谈日期")
        if when > today:
            raise InterviewError(f"约谈日期：{when:%Y-%m-%d} 晚于今天，已举行的约谈不能是将来的日期")
        if record.level not in LEVELS:
            raise InterviewError("约谈层级：应为“省”或“市”")
        if not record.interviewees.strip():
            raise InterviewError("被约谈人：至少填写一人（如 县委书记、县长）")
        if not json.loads(record.issues or "[]"):
            raise InterviewError("约谈指出的问题：至少填写一条")
    if target in ("整改中", "已整改/销号") and not [t for t in tasks if not t.deleted]:
        raise InterviewError("整改任务：进入整改前至少布置一项整改任务")


def save_interview(engine: Engine, interview_id: int, *, version: int, actor: Actor,
                   interview_date: str | date | None = None, level: str | None = None,
                   interviewees: str | None = None, issues: list[str] | None = None,
                   status: str | None = None, today: date | None = None) -> int:
    """Save fields and/or move the status one step on; returns the new version.

    ``version`` is the version the user read: a save over a newer version is refused.
    """
    today = today or wording.today()

    def edit(record: Interview) -> None:
        if interview_date is not None:
            parsed = cases.parse_date(interview_date, "约谈日期", InterviewError)
            record.interview_date = parsed.isoformat() if parsed else ""
        if level is not None:
            record.level = level
        if interviewees is not None:
            record.interviewees = interviewees.strip()
        if issues is not None:
            record.issues = json.dumps([i.strip() for i in issues if i.strip()], ensure_ascii=False)

    return cases.save(engine, KIND, interview_id, version=version, actor=actor, edit=edit,
                      status=status, check=lambda record, tasks, target: _validate(
                          record, tasks, target, today))


def add_task(engine: Engine, interview_id: int, *, description: str, owner: str,
             deadline: str | date, actor: Actor) -> int:
    def held_before(record: Interview, due: date) -> None:
        held = cases.parse_date(record.interview_date, "约谈日期", InterviewError)
        if held is None:
            raise InterviewError("整改期限：请先填写约谈日期，再布置整改任务")
        if due < held:
            raise InterviewError(f"整改期限：{due:%Y-%m-%d} 早于约谈日期 {held:%Y-%m-%d}")

    return cases.add_task(engine, KIND, interview_id, description=description, owner=owner,
                          deadline=deadline, actor=actor, check=held_before)


def complete_task(engine: Engine, task_id: int, *, actor: Actor, done: bool = True) -> None:
    cases.complete_task(engine, KIND, task_id, actor=actor, done=done)


def set_deleted(engine: Engine, interview_id: int, *, deleted: bool, actor: Actor,
                version: int | None = None) -> None:
    """Soft delete (or undo it); the record and its tasks are kept. ``version`` is the version
    the user read: deleting a record someone has changed since is refused."""
    def one_live(session: Session, record: Interview) -> None:
        live = session.exec(select(Interview).where(
            Interview.adcode == record.adcode, Interview.year == record.year,
            Interview.deleted == False, Interview.id != record.id)).first()  # noqa: E712
        if live:
            raise InterviewError(f"同一单位同一年度已有约谈记录（编号 {live.id}），不能恢复")

    cases.set_deleted(engine, KIND, interview_id, deleted=deleted, actor=actor, version=version,
                      may_restore=one_live)


def interviews(engine: Engine, *, actor: Actor, year: int | None = None,
               adcode: str | None = None, include_deleted: bool = False) -> pd.DataFrame:
    """The 约谈 records ``actor`` may read (of one year, of one unit), newest year first."""
    frame = cases.records(engine, KIND, actor=actor, include_deleted=include_deleted,
                          order=(Interview.year.desc(),), year=year, adcode=adcode)
    frame["issues"] = frame["issues"].map(lambda s: json.loads(s or "[]"))
    return frame


def tasks(engine: Engine, interview_ids: int | Iterable[int], *, actor: Actor,
          today: date | None = None) -> pd.DataFrame:
    """The tasks of one interview or of many (one query), with ``overdue`` set for unfinished
    tasks past their deadline."""
    return cases.tasks(engine, KIND, interview_ids, actor=actor, today=today)


@dataclass(frozen=True)
class Outcome:
    """Closing the loop: the year after an interview, did the county improve?"""

    year: int
    next_year: int
    score_change: float
    rank_change: float
    flagged_again: bool

    def text(self) -> str:
        direction = "提高" if self.score_change > 0 else "下降" if self.score_change < 0 else "持平"
        rank = ("类内名次上升 " + str(int(self.rank_change)) + " 位" if self.rank_change > 0 else
                "类内名次下降 " + str(int(-self.rank_change)) + " 位" if self.rank_change < 0 else
                "类内名次不变")
        again = "仍列入约谈预警" if self.flagged_again else "已不在约谈预警名单"
        return (f"约谈后 {self.next_year} 年：综合得分{direction} {abs(self.score_change):.1f} 分，"
                f"{rank}，{again}。")


def outcome(assessment: Assessment, adcode: str, year: int) -> Outcome | None:
    """The next year's result for a county interviewed on ``year``'s result (None if not yet)."""
    if year + 1 not in assessment.years:
        return None
    before, after = assessment.year(year).loc[adcode], assessment.year(year + 1).loc[adcode]
    if not (before["assessed"] and after["assessed"]):
        return None
    return Outcome(year, year + 1, float(after["composite"] - before["composite"]),
                   float(before["rank_class"] - after["rank_class"]), bool(after["flagged"]))
