"""The 约谈 workflow: interviews of flagged counties and their rectification tasks.

Status moves only forward along 待约谈 → 已约谈 → 整改中 → 已整改/销号. Every change is
audited (who, when, before, after) in the same transaction; a save names the version it
read and is refused if someone else saved in between; deletion is soft and can be undone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from revitalization.access import Actor, require_for
from revitalization.audit import audit, now
from revitalization.engine import Assessment
from revitalization.store import Interview, RectificationTask, Region

STATUSES = ("待约谈", "已约谈", "整改中", "已整改/销号")
NEXT = {"待约谈": "已约谈", "已约谈": "整改中", "整改中": "已整改/销号"}
LEVELS = ("省", "市")
INTERVIEWEES = ("县委书记", "县长", "分管副县长", "县委农办主任", "县农业农村局局长")


class InterviewError(ValueError):
    """Refused input or transition; the message names the field, in Chinese."""


class ConcurrentEditError(InterviewError):
    """Someone else saved the record after it was read."""


def _parse_date(value: str | date | None, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InterviewError(f"{field}：日期格式应为 YYYY-MM-DD，收到 {value!r}") from None


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
        existing = session.exec(select(Interview).where(
            Interview.adcode == adcode, Interview.year == year,
            Interview.deleted == False)).first()  # noqa: E712
        if existing is not None:
            raise InterviewError(f"{rows.at[adcode, 'name']} {year} 年度已有约谈记录（编号 {existing.id}）")
        record = Interview(adcode=adcode, year=year, created_by=str(actor), created_at=now(),
                           updated_at=now())
        session.add(record)
        try:
            session.flush()
        except IntegrityError:  # someone opened one at the same moment
            session.rollback()
            raise InterviewError(f"{rows.at[adcode, 'name']} {year} 年度已有约谈记录") from None
        audit(session, actor.signature, "interview", record.id, "create", None, record.model_dump())
        session.commit()
        return record.id


def _validate(record: Interview, tasks: list[RectificationTask], target: str,
              today: date) -> None:
    held = STATUSES.index(target) >= STATUSES.index("已约谈")
    when = _parse_date(record.interview_date, "约谈日期")
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
    if target == "已整改/销号":
        open_tasks = [t.description for t in tasks if not t.deleted and not t.done]
        if open_tasks:
            raise InterviewError(f"整改任务：尚有 {len(open_tasks)} 项未完成，不能销号（{open_tasks[0]}）")


def save_interview(engine: Engine, interview_id: int, *, version: int, actor: Actor,
                   interview_date: str | date | None = None, level: str | None = None,
                   interviewees: str | None = None, issues: list[str] | None = None,
                   status: str | None = None, today: date | None = None) -> int:
    """Save fields and/or move the status one step on; returns the new version.

    ``version`` is the version the user read: a save over a newer version is refused.
    """
    today = today or date.today()
    with Session(engine) as session:
        record = session.get(Interview, interview_id)
        if record is None or record.deleted:
            raise InterviewError(f"约谈记录：找不到编号 {interview_id}")
        require_for(session, actor, "interview", record.adcode)
        if record.version != version:
            raise ConcurrentEditError(
                f"该约谈记录已被他人修改（您读取的是第 {version} 版，当前为第 {record.version} 版），"
                "您的修改未保存。请刷新页面查看最新内容后再修改。")
        if record.status == STATUSES[-1]:
            raise InterviewError("约谈记录已整改销号，不能再修改；如需更正请删除后重新发起")
        session.expunge(record)  # edited detached: only the version-checked UPDATE writes it
        before = record.model_dump()
        if interview_date is not None:
            parsed = _parse_date(interview_date, "约谈日期")
            record.interview_date = parsed.isoformat() if parsed else ""
        if level is not None:
            record.level = level
        if interviewees is not None:
            record.interviewees = interviewees.strip()
        if issues is not None:
            record.issues = json.dumps([i.strip() for i in issues if i.strip()], ensure_ascii=False)
        target = record.status
        if status is not None and status != record.status:
            if NEXT.get(record.status) != status:
                raise InterviewError(f"状态：不能从“{record.status}”改为“{status}”，"
                                     f"只能按 {' → '.join(STATUSES)} 的顺序推进")
            target = status
        tasks = session.exec(select(RectificationTask).where(
            RectificationTask.interview_id == interview_id)).all()
        _validate(record, list(tasks), target, today)
        record.status = target
        record.updated_at = now()
        # Compare-and-set on the version: a concurrent save in between updates nothing.
        values = {k: v for k, v in record.model_dump().items() if k not in ("id", "version")}
        result = session.execute(update(Interview).where(
            Interview.id == interview_id, Interview.version == version
        ).values(**values, version=version + 1))
        if result.rowcount != 1:
            session.rollback()
            raise ConcurrentEditError("该约谈记录已被他人修改，您的修改未保存。请刷新页面后重试。")
        after = {**values, "id": interview_id, "version": version + 1}
        audit(session, actor.signature, "interview", interview_id,
              "status" if target != before["status"] else "update", before, after)
        session.commit()
        return version + 1


def add_task(engine: Engine, interview_id: int, *, description: str, owner: str,
             deadline: str | date, actor: Actor) -> int:
    description, owner = (description or "").strip(), (owner or "").strip()
    if not description:
        raise InterviewError("整改任务：内容不能为空")
    if not owner:
        raise InterviewError("责任人：不能为空")
    due = _parse_date(deadline, "整改期限")
    if due is None:
        raise InterviewError("整改期限：不能为空")
    with Session(engine) as session:
        record = session.get(Interview, interview_id)
        if record is None or record.deleted:
            raise InterviewError(f"约谈记录：找不到编号 {interview_id}")
        require_for(session, actor, "interview", record.adcode)
        held = _parse_date(record.interview_date, "约谈日期")
        if held is None:
            raise InterviewError("整改期限：请先填写约谈日期，再布置整改任务")
        if due < held:
            raise InterviewError(f"整改期限：{due:%Y-%m-%d} 早于约谈日期 {held:%Y-%m-%d}")
        if record.status == "已整改/销号":
            raise InterviewError("整改任务：已销号的约谈不能再布置任务")
        task = RectificationTask(interview_id=interview_id, description=description, owner=owner,
                                 deadline=due.isoformat())
        session.add(task)
        session.flush()
        audit(session, actor.signature, "rectification_task", task.id, "create", None, task.model_dump())
        _touch(session, record)
        session.commit()
        return task.id


def _touch(session: Session, record: Interview) -> None:
    """A task change is a change of its interview: raise the version, so a status change
    prepared before it (e.g. 销号 with a task now open) is refused and re-checked."""
    record.version += 1
    record.updated_at = now()
    session.add(record)


def complete_task(engine: Engine, task_id: int, *, actor: Actor, done: bool = True) -> None:
    with Session(engine) as session:
        task = session.get(RectificationTask, task_id)
        if task is None or task.deleted:
            raise InterviewError(f"整改任务：找不到编号 {task_id}")
        record = session.get(Interview, task.interview_id)
        require_for(session, actor, "interview", record.adcode)
        if record.status == "已整改/销号":
            raise InterviewError("整改任务：该约谈已销号，任务不能再改动")
        before = task.model_dump()
        task.done, task.done_at = done, now() if done else ""
        session.add(task)
        audit(session, actor.signature, "rectification_task", task_id, "complete" if done else "reopen",
              before, task.model_dump())
        _touch(session, record)
        session.commit()


def set_deleted(engine: Engine, interview_id: int, *, deleted: bool, actor: Actor,
                version: int | None = None) -> None:
    """Soft delete (or undo it); the record and its tasks are kept.

    ``version`` is the version the user read: deleting a record someone has changed since
    is refused. The write itself is a compare-and-set on the version, like ``save_interview``.
    """
    with Session(engine) as session:
        record = session.get(Interview, interview_id)
        if record is None:
            raise InterviewError(f"约谈记录：找不到编号 {interview_id}")
        require_for(session, actor, "interview", record.adcode)
        if not deleted:
            live = session.exec(select(Interview).where(
                Interview.adcode == record.adcode, Interview.year == record.year,
                Interview.deleted == False, Interview.id != interview_id)).first()  # noqa: E712
            if live:
                raise InterviewError(f"同一单位同一年度已有约谈记录（编号 {live.id}），不能恢复")
        if version is not None and record.version != version:
            raise ConcurrentEditError(
                f"该约谈记录已被他人修改（您读取的是第 {version} 版，当前为第 {record.version} 版），"
                "未删除。请刷新页面查看最新内容。")
        before = record.model_dump()
        # An open edit form of this record is stale after the version bump.
        values = {"deleted": deleted, "version": record.version + 1, "updated_at": now()}
        try:
            result = session.execute(update(Interview).where(
                Interview.id == interview_id, Interview.version == record.version).values(**values))
        except IntegrityError:  # a live record for the unit-year appeared meanwhile
            session.rollback()
            raise InterviewError("同一单位同一年度已有约谈记录，不能恢复") from None
        if result.rowcount != 1:
            session.rollback()
            raise ConcurrentEditError("该约谈记录已被他人修改，未删除。请刷新页面后重试。")
        audit(session, actor.signature, "interview", interview_id, "delete" if deleted else "restore",
              before, {**before, **values})
        session.commit()


def interviews(engine: Engine, *, year: int | None = None, adcode: str | None = None,
               include_deleted: bool = False) -> pd.DataFrame:
    with Session(engine) as session:
        query = select(Interview)
        if year is not None:
            query = query.where(Interview.year == year)
        if adcode is not None:
            query = query.where(Interview.adcode == adcode)
        if not include_deleted:
            query = query.where(Interview.deleted == False)  # noqa: E712
        rows = [r.model_dump() for r in session.exec(query.order_by(Interview.year.desc(),
                                                                     Interview.id))]
    frame = pd.DataFrame(rows, columns=list(Interview.model_fields))
    frame["issues"] = frame["issues"].map(lambda s: json.loads(s or "[]"))
    return frame


def tasks(engine: Engine, interview_ids: int | Iterable[int], *, today: date | None = None
          ) -> pd.DataFrame:
    """The tasks of one interview or of many (one query), with ``overdue`` set for unfinished
    tasks past their deadline."""
    today = today or date.today()
    ids = ([int(interview_ids)] if isinstance(interview_ids, int | np.integer)
           else [int(i) for i in interview_ids])
    with Session(engine) as session:
        rows = [t.model_dump() for t in session.exec(select(RectificationTask).where(
            RectificationTask.interview_id.in_(ids),
            RectificationTask.deleted == False).order_by(RectificationTask.deadline))]  # noqa: E712
    frame = pd.DataFrame(rows, columns=list(RectificationTask.model_fields))
    frame["overdue"] = (~frame["done"].astype(bool)) & (frame["deadline"] < today.isoformat())
    return frame


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
