"""督查: the annual inspection rounds, their findings per county, and each finding's
rectification tracked to 销号 on the case core — the same steps, versions, tasks, soft delete
and audit as a 约谈. A finding can be escalated into a 约谈 record (the 常态化约谈 covers poor
performance found in any mechanism, not only a low score); the two are linked both ways.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization import cases
from revitalization.access import Actor, require, require_for
from revitalization.audit import audit, now
from revitalization.cases import CaseError, CaseKind, ConcurrentCaseEdit
from revitalization.config import IndicatorSystem
from revitalization.interviews import create_interview, live_interview
from revitalization.store import FindingTask, InspectionFinding, InspectionRound, Region

STATUSES = ("已发现", "整改中", "已整改/销号")
SEVERITIES = ("一般", "较重", "严重")
CATEGORIES = ("政策落实", "资金使用", "项目实施", "责任落实", "工作作风", "其他")
MAX_TEXT = 2000


class InspectionError(CaseError):
    """Refused input; the message names the field, in Chinese."""


class ConcurrentFindingEdit(InspectionError, ConcurrentCaseEdit):
    """Someone else saved the finding after it was read."""


KIND = CaseKind(model=InspectionFinding, task_model=FindingTask, task_fk="finding_id",
                statuses=STATUSES, noun="督查发现", action="inspection", task_noun="整改任务",
                deadline_field="整改期限", closed_words="已整改销号", close_verb="销号",
                error=InspectionError, concurrent=ConcurrentFindingEdit)


def open_round(engine: Engine, *, year: int, name: str, teams: str, actor: Actor) -> int:
    """A round of the province's inspection (省级管理员)."""
    require(actor, "inspection")
    name, teams = (name or "").strip(), (teams or "").strip()
    if not name:
        raise InspectionError("督查名称：不能为空，如“2025 年度乡村振兴督查”")
    if not 1990 <= int(year) <= 2100:
        raise InspectionError(f"年度：{year} 不是有效年份")
    if len(teams) > MAX_TEXT:
        raise InspectionError(f"督查组：不能超过 {MAX_TEXT} 字")
    with Session(engine) as session:
        record = InspectionRound(year=int(year), name=name, teams=teams, created_by=actor.display,
                                 created_at=now())
        session.add(record)
        session.flush()
        audit(session, actor.signature, "inspection_round", record.id, "create", None,
              record.model_dump())
        session.commit()
        return record.id


def _text(value: str, field: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InspectionError(f"{field}：不能为空")
    if len(value) > MAX_TEXT:
        raise InspectionError(f"{field}：不能超过 {MAX_TEXT} 字（当前 {len(value)} 字）")
    return value


def record_finding(engine: Engine, config: IndicatorSystem, *, round_id: int, adcode: str,
                   category: str, description: str, severity: str = "一般", evidence: str = "",
                   responsibility: str = "", actor: Actor) -> int:
    if category not in CATEGORIES:
        raise InspectionError(f"问题类别：应为 {'、'.join(CATEGORIES)} 之一")
    if severity not in SEVERITIES:
        raise InspectionError(f"严重程度：应为 {'、'.join(SEVERITIES)} 之一")
    if responsibility and responsibility not in {r.code for r in config.responsibilities}:
        raise InspectionError(f"涉及的责任：未知的责任代码 {responsibility}")
    description = _text(description, "问题描述")
    evidence = _text(evidence, "依据", required=False)
    round_id = int(round_id)  # a numpy integer from a table is not a key every driver takes
    with Session(engine) as session:
        if session.get(InspectionRound, round_id) is None:
            raise InspectionError(f"督查轮次：找不到编号 {round_id}")
        if session.get(Region, adcode) is None:
            raise InspectionError(f"区划代码：未知的区划代码 {adcode}")
        require_for(session, actor, "inspection", adcode)
        record = InspectionFinding(round_id=round_id, adcode=adcode, category=category,
                                   description=description, evidence=evidence, severity=severity,
                                   responsibility=responsibility, created_by=actor.display,
                                   created_at=now(), updated_at=now())
        session.add(record)
        session.flush()
        audit(session, actor.signature, "inspection_finding", record.id, "create", None,
              record.model_dump())
        session.commit()
        return record.id


def save_finding(engine: Engine, finding_id: int, *, version: int, actor: Actor,
                 status: str | None = None, description: str | None = None,
                 evidence: str | None = None) -> int:
    """Edit the text and/or move the status one step on (整改中 needs a task; 销号 needs every
    task done); returns the new version."""
    def edit(record: InspectionFinding) -> None:
        if description is not None:
            record.description = _text(description, "问题描述")
        if evidence is not None:
            record.evidence = _text(evidence, "依据", required=False)

    def check(record: InspectionFinding, tasks: list, target: str) -> None:
        if target != STATUSES[0] and not [t for t in tasks if not t.deleted]:
            raise InspectionError("整改任务：进入整改前至少布置一项整改任务")

    return cases.save(engine, KIND, finding_id, version=version, actor=actor, edit=edit,
                      status=status, check=check)


def add_task(engine: Engine, finding_id: int, *, description: str, owner: str, deadline: str,
             actor: Actor) -> int:
    return cases.add_task(engine, KIND, finding_id, description=description, owner=owner,
                          deadline=deadline, actor=actor)


def complete_task(engine: Engine, task_id: int, *, actor: Actor, done: bool = True) -> None:
    cases.complete_task(engine, KIND, task_id, actor=actor, done=done)


def set_deleted(engine: Engine, finding_id: int, *, deleted: bool, actor: Actor,
                version: int | None = None) -> None:
    cases.set_deleted(engine, KIND, finding_id, deleted=deleted, actor=actor, version=version)


def escalate(engine: Engine, finding_id: int, *, version: int, actor: Actor) -> int:
    """Escalate a finding into a 约谈 of its county for its round's year: the unit-year's live
    约谈 record when there is one, else a new 待约谈 record; the finding names it (and a 约谈
    lists the findings that name it). Returns the 约谈 record's id."""
    with Session(engine) as session:
        finding = session.get(InspectionFinding, finding_id)
        if finding is None or finding.deleted:
            raise InspectionError(f"督查发现：找不到编号 {finding_id}")
        require_for(session, actor, "inspection", finding.adcode)
        require_for(session, actor, "interview", finding.adcode)
        if finding.version != version:
            raise ConcurrentFindingEdit("该督查发现已被他人修改，未升级为约谈。请刷新页面后重试。")
        if finding.interview_id is not None:
            raise InspectionError(f"该督查发现已升级为约谈（约谈记录编号 {finding.interview_id}）")
        year = session.get(InspectionRound, finding.round_id).year
        interview = live_interview(session, finding.adcode, year)
        if interview is None:
            name = session.get(Region, finding.adcode).name
            interview = create_interview(session, finding.adcode, year, actor, name=name)
        before = finding.model_dump()
        finding.interview_id, finding.version, finding.updated_at = (
            interview.id, finding.version + 1, now())
        session.add(finding)
        audit(session, actor.signature, "inspection_finding", finding_id, "escalate", before,
              finding.model_dump())
        session.commit()
        return interview.id


def rounds(engine: Engine, year: int | None = None) -> pd.DataFrame:
    with Session(engine) as session:
        query = select(InspectionRound)
        if year is not None:
            query = query.where(InspectionRound.year == int(year))
        rows = [r.model_dump() for r in session.exec(query.order_by(InspectionRound.id.desc()))]
    return pd.DataFrame(rows, columns=list(InspectionRound.model_fields))


def findings(engine: Engine, *, actor: Actor, round_id: int | None = None,
             adcode: str | None = None, interview_id: int | None = None,
             include_deleted: bool = False) -> pd.DataFrame:
    """The 督查 findings ``actor`` may read."""
    return cases.records(engine, KIND, actor=actor, include_deleted=include_deleted,
                         round_id=round_id, adcode=adcode, interview_id=interview_id)


def tasks(engine: Engine, finding_ids, *, actor: Actor, **kwargs) -> pd.DataFrame:
    return cases.tasks(engine, KIND, finding_ids, actor=actor, **kwargs)
