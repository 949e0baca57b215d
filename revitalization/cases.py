"""The case-management core: a record that moves forward through statuses, carries tasks with
owners and deadlines, and is closed (销号) when its tasks are done.

One implementation for every kind of case (约谈 today; inspection findings and report
follow-ups use the same core): each kind names its tables, statuses, wording and permission
in a ``CaseKind`` and supplies its own field checks; this module does the rest the same way
for all — the status may only move one step forward; a save names the version it read and is a
compare-and-set on it (a save over a newer version is refused, never lost); a task change
raises the case's version (so a 销号 prepared before a task reopened is refused); deletion is
soft and restorable; every change writes an audit row in its transaction; overdue is derived.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from revitalization import wording
from revitalization.access import Actor, require_for, scoped
from revitalization.audit import audit, now


class CaseError(ValueError):
    """Refused input or transition; the message names the field, in Chinese."""


class ConcurrentCaseEdit(CaseError):
    """Someone else saved the record after it was read."""


@dataclass(frozen=True)
class CaseKind:
    """What distinguishes one kind of case: its tables, statuses, words and permission."""

    model: type  # SQLModel table: id, adcode, status, version, deleted, updated_at
    task_model: type  # SQLModel table: id, <case fk>, description, owner, deadline, done, done_at, deleted
    task_fk: str  # the task table's column naming its case, e.g. "interview_id"
    statuses: tuple[str, ...]  # in order; the last is closed (销号)
    noun: str  # 约谈记录
    action: str  # access action, e.g. "interview"
    task_noun: str = "任务"  # 整改任务
    deadline_field: str = "期限"  # 整改期限
    closed_words: str = "已办结"  # 已整改销号: how a closed record is described
    close_verb: str = "办结"  # 销号
    error: type[CaseError] = CaseError
    concurrent: type[ConcurrentCaseEdit] = ConcurrentCaseEdit

    @property
    def entity(self) -> str:
        return self.model.__tablename__

    @property
    def task_entity(self) -> str:
        return self.task_model.__tablename__

    @property
    def closed(self) -> str:
        return self.statuses[-1]

    def next(self, status: str) -> str | None:
        k = self.statuses.index(status)
        return self.statuses[k + 1] if k + 1 < len(self.statuses) else None


def parse_date(value: str | date | None, field: str, error: type[ValueError] = CaseError
               ) -> date | None:
    """An ISO date (or None for nothing entered); ``error`` names the field otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise error(f"{field}：日期格式应为 YYYY-MM-DD，收到 {value!r}") from None


def future_deadline(value: str | date | None, error: type[ValueError], *,
                    today: date | None = None, field: str = "截止日期") -> date:
    """A deadline being set: a date, entered, not already past."""
    due = parse_date(value, field, error)
    if due is None:
        raise error(f"{field}：不能为空")
    if due < (today or wording.today()):
        raise error(f"{field}：{due:%Y-%m-%d} 已经过去")
    return due


def _load(session: Session, kind: CaseKind, case_id: int, actor: Actor, *, live: bool = True):
    record = session.get(kind.model, int(case_id))  # int(): numpy integers are not keys everywhere
    if record is None or (live and record.deleted):
        raise kind.error(f"{kind.noun}：找不到编号 {case_id}")
    require_for(session, actor, kind.action, record.adcode)
    return record


def _stale(kind: CaseKind, version: int, current: int, what: str = "您的修改未保存") -> CaseError:
    return kind.concurrent(f"该{kind.noun}已被他人修改（您读取的是第 {version} 版，当前为第 {current} 版），"
                           f"{what}。请刷新页面查看最新内容后再修改。")


def save(engine: Engine, kind: CaseKind, case_id: int, *, version: int, actor: Actor,
         edit: Callable[[object], None], status: str | None = None,
         check: Callable[[object, list, str], None] | None = None) -> int:
    """Apply ``edit`` to the record and/or move its status one step on; returns the new version.

    ``check(record, tasks, target)`` validates the edited record for the target status (the
    kind's own rules). The write is a compare-and-set on ``version`` (the version read)."""
    with Session(engine) as session:
        record = _load(session, kind, case_id, actor)
        if record.version != version:
            raise _stale(kind, version, record.version)
        if record.status == kind.closed:
            raise kind.error(f"{kind.noun}{kind.closed_words}，不能再修改；如需更正请删除后重新发起")
        session.expunge(record)  # edited detached: only the version-checked UPDATE writes it
        before = record.model_dump()
        edit(record)
        target = record.status
        if status is not None and status != record.status:
            if kind.next(record.status) != status:
                raise kind.error(f"状态：不能从“{record.status}”改为“{status}”，"
                                 f"只能按 {' → '.join(kind.statuses)} 的顺序推进")
            target = status
        fk = getattr(kind.task_model, kind.task_fk)
        tasks = list(session.exec(select(kind.task_model).where(fk == case_id)).all())
        if check is not None:
            check(record, tasks, target)
        if target == kind.closed:
            open_tasks = [t.description for t in tasks if not t.deleted and not t.done]
            if open_tasks:
                raise kind.error(f"{kind.task_noun}：尚有 {len(open_tasks)} 项未完成，"
                                 f"不能{kind.close_verb}（{open_tasks[0]}）")
        record.status = target
        record.updated_at = now()
        values = {k: v for k, v in record.model_dump().items() if k not in ("id", "version")}
        result = session.execute(update(kind.model).where(
            kind.model.id == case_id, kind.model.version == version
        ).values(**values, version=version + 1))
        if result.rowcount != 1:  # a concurrent save in between updated it first
            session.rollback()
            raise kind.concurrent(f"该{kind.noun}已被他人修改，您的修改未保存。请刷新页面后重试。")
        after = {**values, "id": case_id, "version": version + 1}
        audit(session, actor.signature, kind.entity, case_id,
              "status" if target != before["status"] else "update", before, after)
        session.commit()
        return version + 1


def _touch(session: Session, record) -> None:
    """A task change is a change of its case: raise the version, so a status change prepared
    before it (e.g. 销号 with a task now open) is refused and re-checked."""
    record.version += 1
    record.updated_at = now()
    session.add(record)


def add_task(engine: Engine, kind: CaseKind, case_id: int, *, description: str, owner: str,
             deadline: str | date, actor: Actor,
             check: Callable[[object, date], None] | None = None) -> int:
    """A task (what, who, by when) on an open case; ``check(record, deadline)``: the kind's
    own conditions (e.g. a 约谈 must have been held before its deadline)."""
    description, owner = (description or "").strip(), (owner or "").strip()
    if not description:
        raise kind.error(f"{kind.task_noun}：内容不能为空")
    if not owner:
        raise kind.error("责任人：不能为空")
    due = parse_date(deadline, kind.deadline_field, kind.error)
    if due is None:
        raise kind.error(f"{kind.deadline_field}：不能为空")
    with Session(engine) as session:
        record = _load(session, kind, case_id, actor)
        if check is not None:
            check(record, due)
        if record.status == kind.closed:
            raise kind.error(f"{kind.task_noun}：已{kind.close_verb}的{kind.noun}不能再布置任务")
        task = kind.task_model(**{kind.task_fk: case_id}, description=description, owner=owner,
                               deadline=due.isoformat())
        session.add(task)
        session.flush()
        audit(session, actor.signature, kind.task_entity, task.id, "create", None, task.model_dump())
        _touch(session, record)
        session.commit()
        return task.id


def complete_task(engine: Engine, kind: CaseKind, task_id: int, *, actor: Actor,
                  done: bool = True) -> None:
    with Session(engine) as session:
        task = session.get(kind.task_model, task_id)
        if task is None or task.deleted:
            raise kind.error(f"{kind.task_noun}：找不到编号 {task_id}")
        record = _load(session, kind, getattr(task, kind.task_fk), actor, live=False)
        if record.status == kind.closed:
            raise kind.error(f"{kind.task_noun}：该{kind.noun}已{kind.close_verb}，任务不能再改动")
        before = task.model_dump()
        task.done, task.done_at = done, now() if done else ""
        session.add(task)
        audit(session, actor.signature, kind.task_entity, task_id, "complete" if done else "reopen",
              before, task.model_dump())
        _touch(session, record)
        session.commit()


def set_deleted(engine: Engine, kind: CaseKind, case_id: int, *, deleted: bool, actor: Actor,
                version: int | None = None,
                may_restore: Callable[[Session, object], None] | None = None) -> None:
    """Soft delete (or undo it); the record and its tasks are kept. ``version``: the version
    read (a record changed since is not deleted); ``may_restore(session, record)`` raises
    when a restore would break the kind's rules (e.g. a second live record of a unit-year)."""
    with Session(engine) as session:
        record = _load(session, kind, case_id, actor, live=False)
        if not deleted and may_restore is not None:
            may_restore(session, record)
        if version is not None and record.version != version:
            raise _stale(kind, version, record.version, "未删除")
        before = record.model_dump()
        values = {"deleted": deleted, "version": record.version + 1, "updated_at": now()}
        try:
            result = session.execute(update(kind.model).where(
                kind.model.id == case_id, kind.model.version == record.version).values(**values))
        except IntegrityError:  # a unique live record appeared meanwhile
            session.rollback()
            raise kind.error(f"已有同一单位同一年度的{kind.noun}，不能恢复") from None
        if result.rowcount != 1:
            session.rollback()
            raise kind.concurrent(f"该{kind.noun}已被他人修改，未删除。请刷新页面后重试。")
        audit(session, actor.signature, kind.entity, case_id, "delete" if deleted else "restore",
              before, {**before, **values})
        session.commit()


def records(engine: Engine, kind: CaseKind, *, actor: Actor, include_deleted: bool = False,
            order: tuple = (), **where) -> pd.DataFrame:
    """The kind's records matching ``where`` (column=value; None matches all) within what
    ``actor`` may read, oldest first unless ``order`` names the columns; soft-deleted ones
    only with ``include_deleted``."""
    with Session(engine) as session:
        query = scoped(select(kind.model), kind.model.adcode, session, actor)
        for column, value in where.items():
            if value is not None:
                query = query.where(getattr(kind.model, column) == value)
        if not include_deleted:
            query = query.where(kind.model.deleted == False)  # noqa: E712
        rows = [r.model_dump() for r in session.exec(query.order_by(*order, kind.model.id))]
    return pd.DataFrame(rows, columns=list(kind.model.model_fields))


def tasks(engine: Engine, kind: CaseKind, case_ids: int | Iterable[int], *, actor: Actor,
          today: date | None = None) -> pd.DataFrame:
    """The tasks of one case or of many (one query), with ``overdue`` set for unfinished tasks
    past their deadline; only those of cases ``actor`` may read."""
    today = today or wording.today()
    ids = ([int(case_ids)] if isinstance(case_ids, int | np.integer)
           else [int(i) for i in case_ids])
    fk = getattr(kind.task_model, kind.task_fk)
    with Session(engine) as session:
        query = select(kind.task_model).join(kind.model, fk == kind.model.id).where(
            fk.in_(ids), kind.task_model.deleted == False)  # noqa: E712
        rows = [t.model_dump() for t in session.exec(
            scoped(query, kind.model.adcode, session, actor).order_by(kind.task_model.deadline))]
    frame = pd.DataFrame(rows, columns=list(kind.task_model.model_fields))
    frame["overdue"] = (~frame["done"].astype(bool)) & (frame["deadline"] < today.isoformat())
    return frame
