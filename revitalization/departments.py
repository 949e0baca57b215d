"""部门责任: the office's yearly record of how each provincial department carried out the 8
departmental responsibilities of the 细则, with the evidence behind it.

Not scored: a status and an evidence note per department, year and responsibility, kept by
the 省委农办 (省级管理员). Each save is version-checked (a save over someone else's newer one
is refused) and audited in the same transaction. A department recorded 落实不力 is a
candidate for the 约谈 of 同级有关部门 that the 常态化约谈机制 allows, and is listed as such.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization.access import Actor, require
from revitalization.audit import audit, now
from revitalization.config import IndicatorSystem
from revitalization.store import DepartmentDuty

STATUSES = ("落实到位", "基本落实", "落实不力", "不适用")
WEAK = "落实不力"
UNRECORDED = "未记录"
MAX_EVIDENCE = 2000


class DutyError(ValueError):
    """A refused record, with the field at fault named in Chinese."""


class ConcurrentDutyEdit(DutyError):
    """Someone else saved this record after the user read it."""


def record_duty(engine: Engine, config: IndicatorSystem, *, department: str, year: int, duty: str,
                status: str, evidence: str, version: int, actor: Actor) -> int:
    """Record (or change) one department's responsibility in a year; returns the new version.

    ``version`` is the version the user read (0 when nothing was recorded yet)."""
    require(actor, "department")
    names = {d.code: d.name for d in config.departments}
    duties = {d.code: d.name for d in config.department_duties}
    if department not in names:
        raise DutyError(f"部门：未知的部门代码 {department}")
    if duty not in duties:
        raise DutyError(f"责任：未知的部门责任代码 {duty}")
    if status not in STATUSES:
        raise DutyError(f"落实情况：应为 {'、'.join(STATUSES)} 之一")
    if not 1990 <= int(year) <= 2100:
        raise DutyError(f"年度：{year} 不是有效年份")
    evidence = (evidence or "").strip()
    if status in (WEAK, "基本落实") and not evidence:
        raise DutyError(f"依据：评为“{status}”须写明依据（督查发现、报告内容、数据等）")
    if len(evidence) > MAX_EVIDENCE:
        raise DutyError(f"依据：不能超过 {MAX_EVIDENCE} 字（当前 {len(evidence)} 字）")
    stale = ConcurrentDutyEdit(f"{names[department]}“{duties[duty]}”的 {year} 年记录已被他人修改，"
                               "您的修改未保存。请刷新页面查看最新内容后再修改。")
    with Session(engine) as session:
        record = session.exec(select(DepartmentDuty).where(
            DepartmentDuty.department == department, DepartmentDuty.year == int(year),
            DepartmentDuty.duty == duty)).first()
        values = {"status": status, "evidence": evidence, "updated_by": actor.display,
                  "updated_at": now()}
        if record is None:
            if version != 0:
                raise stale
            record = DepartmentDuty(department=department, year=int(year), duty=duty, **values)
            session.add(record)
            try:
                session.flush()
            except Exception:  # the unique key: another user created it in between
                session.rollback()
                raise stale from None
            audit(session, actor.signature, "department_duty", record.id, "create", None,
                  record.model_dump())
            session.commit()
            return 1
        if record.version != version:
            raise stale
        before = record.model_dump()
        result = session.execute(update(DepartmentDuty).where(
            DepartmentDuty.id == record.id, DepartmentDuty.version == version
        ).values(**values, version=version + 1))
        if result.rowcount != 1:  # compare-and-set: a concurrent save in between wins
            session.rollback()
            raise stale
        audit(session, actor.signature, "department_duty", record.id, "update", before,
              {**before, **values, "version": version + 1})
        session.commit()
        return version + 1


def records(engine: Engine, year: int) -> pd.DataFrame:
    """Every recorded department responsibility of a year."""
    with Session(engine) as session:
        rows = [r.model_dump() for r in session.exec(
            select(DepartmentDuty).where(DepartmentDuty.year == int(year)))]
    return pd.DataFrame(rows, columns=list(DepartmentDuty.model_fields))


def board(config: IndicatorSystem, recorded: pd.DataFrame) -> pd.DataFrame:
    """Departments × responsibilities: each cell the recorded status or 未记录 (one year)."""
    status = {(r.department, r.duty): r.status for r in recorded.itertuples()}
    table = pd.DataFrame(
        [[status.get((d.code, u.code), UNRECORDED) for u in config.department_duties]
         for d in config.departments],
        index=pd.Index([d.name for d in config.departments], name="部门"),
        columns=[u.short for u in config.department_duties])
    table["已记录"] = [f"{sum(v != UNRECORDED for v in row)}/{len(config.department_duties)}"
                    for row in table.to_numpy()]
    return table


def weak(config: IndicatorSystem, recorded: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(department, responsibility, evidence) of each 落实不力 record: 约谈 candidates."""
    names = {d.code: d.name for d in config.departments}
    duties = {d.code: d.name for d in config.department_duties}
    return [(names.get(r.department, r.department), duties.get(r.duty, r.duty), r.evidence)
            for r in recorded.itertuples() if r.status == WEAK]
