"""报告制度: each year every assessed county and every 市州 reports its progress upward. The
province opens the year's round with a deadline; a unit submits its report (Word or PDF,
size-capped, checked by content, not by name); the province may return it for additions
(退回补充) and the unit submits again. The board shows who owes what: 未报送, 已报送, 退回补充,
and 逾期 for what is still owed after the deadline.

Reading a report, the province (or the 市州, for its counties) raises follow-ups (跟进事项:
a claim to verify, a shortfall the report admits) tracked to 办结 on the case core — the same
steps, versions, tasks, soft delete and audit as a 约谈 or a 督查 finding.

Who may: the province everything; a 市州 user its own 市州's report and its counties'; a
县级填报员 its county's. Every submission and return is audited (without the file's bytes).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from revitalization import cases, isolation, report_files, wording
from revitalization.access import Actor, PermissionDenied, readable_codes, require, require_for
from revitalization.audit import audit, now
from revitalization.cases import CaseError, CaseKind, ConcurrentCaseEdit
from revitalization.store import (
    AnnualReport,
    AnnualReportFile,
    City,
    FollowupTask,
    Region,
    ReportFollowup,
    ReportRound,
)
from revitalization.wording import beijing

MAX_BYTES = 20 * 2**20
MAX_VERSIONS = 10  # files one unit may submit for one year's report
MAX_TOTAL = 100 * 2**20  # bytes of all those files together
UNSUBMITTED, SUBMITTED, RETURNED, OVERDUE = "未报送", "已报送", "退回补充", "逾期"
DOCX, PDF = report_files.DOCX, report_files.PDF


class ReportError(CaseError):
    """A refused report, round or follow-up; the message says why, in Chinese."""


class ConcurrentFollowupEdit(ReportError, ConcurrentCaseEdit):
    """Someone else saved the follow-up after it was read."""


class ConcurrentReportEdit(ReportError):
    """The unit's report changed (resubmitted, returned) after it was read."""


FOLLOWUP_STATUSES = ("待落实", "落实中", "已办结")
MAX_TEXT = 2000
KIND = CaseKind(model=ReportFollowup, task_model=FollowupTask, task_fk="followup_id",
                statuses=FOLLOWUP_STATUSES, noun="报告跟进事项", action="followup",
                task_noun="落实任务", deadline_field="完成期限", closed_words="已办结",
                close_verb="办结", error=ReportError, concurrent=ConcurrentFollowupEdit)


def content_type(name: str, data: bytes) -> str:
    """The file's real type (DOCX or PDF) from its content and structure, checked in the
    sandbox (``report_files.inspect``); anything else, or active content, is refused."""
    if len(data) > MAX_BYTES:
        raise ReportError(f"文件过大：{len(data) / 2**20:.1f} MB，上限 {MAX_BYTES // 2**20} MB")
    if not data:
        raise ReportError("文件是空的")
    try:
        kind, problem = isolation.run(report_files.inspect, name, data)
    except isolation.IsolatedError as exc:
        raise ReportError(str(exc)) from None
    if problem:
        raise ReportError(f"“{name}”未报送：{problem}")
    return kind


def owed(regions: pd.DataFrame) -> pd.DataFrame:
    """The units that owe a report: every assessed county and every 市州 (adcode, name, kind,
    city)."""
    counties = regions[regions["assessed"]]
    cities = regions.drop_duplicates("city_adcode")
    rows = [{"unit": r.adcode, "name": r.name, "kind": "县（市、区）", "city": r.city_adcode}
            for r in counties.itertuples()]
    rows += [{"unit": r.city_adcode, "name": r.city_name, "kind": "市州", "city": r.city_adcode}
             for r in cities.itertuples() if r.city_adcode not in set(counties["adcode"])]
    return pd.DataFrame(rows)


def open_round(engine: Engine, year: int, deadline: str | date, *, actor: Actor,
               today: date | None = None) -> int:
    require(actor, "round")
    due = cases.future_deadline(deadline, ReportError, today=today)
    with Session(engine) as session:
        record = ReportRound(year=int(year), deadline=due.isoformat(), opened_by=actor.display,
                             opened_at=now())
        session.add(record)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            raise ReportError(f"{year} 年度的报告已经布置") from None
        audit(session, actor.signature, "report_round", record.id, "create", None,
              record.model_dump())
        session.commit()
        return record.id


def submit(engine: Engine, regions: pd.DataFrame, year: int, unit: str, *, file_name: str,
           data: bytes, actor: Actor, version: int) -> int:
    """Submit (or resubmit) a unit's report; ``version``: the version of the unit's report
    the user read (0: none yet). A report changed since (resubmitted, returned) is refused,
    never overwritten unseen. Every file is kept. Returns the report's new version."""
    units = owed(regions).set_index("unit")
    if unit not in units.index:
        raise ReportError(f"报告单位：{unit} 不在应报送名单中")
    require(actor, "report", unit, units.at[unit, "city"], units.at[unit, "name"])
    kind = content_type(file_name, data)
    file_name = report_files.safe_name(file_name, kind)
    stamp = now()
    with Session(engine) as session:
        if session.exec(select(ReportRound).where(ReportRound.year == int(year))).first() is None:
            raise ReportError(f"{year} 年度还没有布置报告")
        record = session.exec(select(AnnualReport).options(defer(AnnualReport.content)).where(
            AnnualReport.year == int(year), AnnualReport.unit == unit)).first()
        current = record.version if record is not None else 0
        if current != int(version):
            raise ConcurrentReportEdit(
                f"{units.at[unit, 'name']}的报告已有更新（您看到的是第 {version} 版，当前为第 {current} 版："
                "已由他人报送或已被退回），这次未报送。请刷新页面查看后再报送。")
        if record is not None:  # every file is kept: bounded per unit and year
            count, total = session.execute(select(func.count(), func.coalesce(func.sum(
                AnnualReportFile.size), 0)).where(AnnualReportFile.report_id == record.id)).one()
            if count >= MAX_VERSIONS:
                raise ReportError(f"{units.at[unit, 'name']} {year} 年度已报送 {count} 份文件，达到上限 "
                                  f"{MAX_VERSIONS} 份，不能再报送；如确需更换，请联系省级管理员")
            if total + len(data) > MAX_TOTAL:
                raise ReportError(f"{units.at[unit, 'name']} {year} 年度已报送的文件共 {total / 2**20:.1f} MB，"
                                  f"加上这份超过上限 {MAX_TOTAL // 2**20} MB，不能再报送；请压缩图片后再报送，"
                                  "或联系省级管理员")
        # the bytes are kept once, in the file row; the report row points at the latest
        values = {"status": SUBMITTED, "file_name": file_name, "content_type": kind,
                  "size": len(data), "content": b"", "submitted_by": actor.display,
                  "submitted_at": stamp, "returned_reason": ""}
        if record is None:
            record = AnnualReport(year=int(year), unit=unit, **values)
            session.add(record)
            try:
                session.flush()
            except IntegrityError:  # the unit's other user submitted at the same moment
                session.rollback()
                raise ConcurrentReportEdit("该单位的报告刚刚由他人报送，这次未报送。请刷新页面后查看。") from None
            action, before, new = "create", None, 1
        else:
            before = _summary(record)
            new = current + 1
            result = session.execute(update(AnnualReport).where(
                AnnualReport.id == record.id, AnnualReport.version == current
            ).values(**values, version=new))
            if result.rowcount != 1:  # a return or resubmission committed in between
                session.rollback()
                raise ConcurrentReportEdit("该单位的报告刚刚由他人报送或退回，这次未报送。请刷新页面后查看。")
            action = "resubmit"
        session.add(AnnualReportFile(report_id=record.id, version=new, file_name=file_name,
                                     content_type=kind, size=len(data), content=data,
                                     submitted_by=actor.display, submitted_at=stamp))
        after = {**(before or {}), **{k: v for k, v in values.items() if k != "content"},
                 "id": record.id, "year": int(year), "unit": unit, "version": new}
        audit(session, actor.signature, "annual_report", record.id, action, before, after)
        session.commit()
        return new


def set_deadline(engine: Engine, year: int, deadline: str | date, *, actor: Actor,
                 today: date | None = None) -> None:
    """Move the year's deadline (extend it, or correct it); audited."""
    require(actor, "round")
    due = cases.future_deadline(deadline, ReportError, today=today)
    with Session(engine) as session:
        round_ = session.exec(select(ReportRound).where(ReportRound.year == int(year))).first()
        if round_ is None:
            raise ReportError(f"{year} 年度还没有布置报告")
        before = round_.model_dump()
        round_.deadline = due.isoformat()
        session.add(round_)
        audit(session, actor.signature, "report_round", round_.id, "update", before,
              round_.model_dump())
        session.commit()


def return_report(engine: Engine, report_id: int, *, reason: str, version: int,
                  actor: Actor) -> int:
    """The province returns a submitted report for additions (退回补充), with the reason;
    ``version``: the version the province read (a report resubmitted since is not returned)."""
    require(actor, "round")
    reason = (reason or "").strip()
    if not reason:
        raise ReportError("退回原因：不能为空（写明需补充的内容）")
    with Session(engine) as session:
        record = session.get(AnnualReport, int(report_id), options=[defer(AnnualReport.content)])
        if record is None:
            raise ReportError(f"年度报告：找不到编号 {report_id}")
        if record.version != version:
            raise ConcurrentReportEdit(f"该报告已有更新（您看到的是第 {version} 版，当前为第 {record.version} 版），"
                                       "未退回。请刷新页面查看最新报送的文件后再处理。")
        if record.status != SUBMITTED:
            raise ReportError("该报告已退回补充，等待重新报送")
        before = _summary(record)
        result = session.execute(update(AnnualReport).where(
            AnnualReport.id == record.id, AnnualReport.version == version
        ).values(status=RETURNED, returned_reason=reason, version=version + 1))
        if result.rowcount != 1:
            session.rollback()
            raise ConcurrentReportEdit("该报告刚刚被重新报送或处理，未退回。请刷新页面后查看。")
        audit(session, actor.signature, "annual_report", record.id, "return", before,
              {**before, "status": RETURNED, "returned_reason": reason, "version": version + 1})
        session.commit()
        return version + 1


def _summary(record: AnnualReport) -> dict:
    """The audited fields (the file's bytes are not copied into the audit log)."""
    return {k: getattr(record, k) for k in AnnualReport.model_fields if k != "content"}


ON_TIME, LATE = "按时报送", "逾期报送"


def board(engine: Engine, regions: pd.DataFrame, year: int, *, actor: Actor,
          today: date | None = None, units: list[str] | None = None) -> pd.DataFrame:
    """Every unit that owes a report in ``year`` and where it stands, indexed by unit.

    状态: 未报送 / 已报送 / 退回补充, and 逾期 for a unit that has sent nothing once the
    deadline has passed (a report returned after the deadline stays 退回补充: it was sent).
    时限: 按时报送 / 逾期报送 by the first submission's date in Beijing time. Times are
    Beijing time. The files' bytes are not read. ``units``: only these (e.g. one county's
    profile). Only the units ``actor`` may read."""
    today = today or wording.today()
    table = owed(regions).set_index("unit")
    query = select(AnnualReport).options(defer(AnnualReport.content)).where(
        AnnualReport.year == int(year))
    if units is not None:
        table = table[table.index.isin(units)]
        query = query.where(AnnualReport.unit.in_(units))
    with Session(engine) as session:
        codes = readable_codes(session, actor)
        if codes is not None:
            table = table[table.index.isin(codes)]
            query = query.where(AnnualReport.unit.in_(sorted(codes)))
        round_ = session.exec(select(ReportRound).where(ReportRound.year == int(year))).first()
        rows = {r.unit: r for r in session.exec(query)}
        first = dict(session.execute(select(
            AnnualReportFile.report_id, func.min(AnnualReportFile.submitted_at)
        ).where(AnnualReportFile.report_id.in_([r.id for r in rows.values()])).group_by(
            AnnualReportFile.report_id)).all())
    deadline = round_.deadline if round_ else ""
    late = bool(deadline) and today.isoformat() > deadline
    status, sent, timing, file_name, reason, version, ids = [], [], [], [], [], [], []
    for unit in table.index:
        r = rows.get(unit)
        status.append(r.status if r else OVERDUE if late else UNSUBMITTED)
        sent.append(f"{beijing(r.submitted_at):%Y-%m-%d %H:%M}" if r else "")
        came = beijing(first.get(r.id, r.submitted_at)).date().isoformat() if r else ""
        timing.append("" if not r or not deadline else LATE if came > deadline else ON_TIME)
        file_name.append(r.file_name if r else "")
        reason.append(r.returned_reason if r and r.status == RETURNED else "")
        version.append(r.version if r else 0)
        ids.append(r.id if r else None)
    table["状态"], table["报送时间"], table["时限"] = status, sent, timing
    table["文件"], table["退回原因"], table["version"], table["id"] = file_name, reason, version, ids
    table["content_type"] = [rows[u].content_type if u in rows else "" for u in table.index]
    table.attrs["deadline"] = deadline
    return table


def download_name(name: str, kind: str) -> str:
    """The file's name with the extension its content has (a PDF named .docx is offered as
    .pdf, so Word is not asked to open it)."""
    suffix = ".pdf" if kind == PDF else ".docx"
    stem, dot, ext = name.rpartition(".")
    return name if name.lower().endswith(suffix) else f"{stem if dot else name}{suffix}"


def _may_read(session: Session, actor: Actor, record: AnnualReport) -> None:
    """A report is read by the province, its 市州 and the unit itself."""
    region = session.get(Region, record.unit)
    if region is None:  # a 市州's own report
        city = session.get(City, record.unit)
        code, name = record.unit, city.name if city is not None else record.unit
    else:
        code, name = region.city_adcode, region.name
    if not actor.covers(record.unit, code):
        raise PermissionDenied(f"{actor}无权查看该单位（{name}）的年度报告")


def file(engine: Engine, report_id: int, *, actor: Actor) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of the latest file of a report."""
    with Session(engine) as session:
        record = session.get(AnnualReport, int(report_id), options=[defer(AnnualReport.content)])
        if record is None:
            raise ReportError(f"年度报告：找不到编号 {report_id}")
        _may_read(session, actor, record)
        latest = session.exec(select(AnnualReportFile).where(
            AnnualReportFile.report_id == record.id).order_by(AnnualReportFile.version.desc())).first()
        return record.file_name, record.content_type, latest.content


def files(engine: Engine, report_id: int, *, actor: Actor) -> pd.DataFrame:
    """Every file submitted for a report, newest first (without the bytes): id, version,
    file_name, content_type, size, submitted_by, submitted_at."""
    columns = ["id", "version", "file_name", "content_type", "size", "submitted_by", "submitted_at"]
    with Session(engine) as session:
        record = session.get(AnnualReport, int(report_id), options=[defer(AnnualReport.content)])
        if record is None:
            raise ReportError(f"年度报告：找不到编号 {report_id}")
        _may_read(session, actor, record)
        rows = session.execute(select(*(getattr(AnnualReportFile, c) for c in columns)).where(
            AnnualReportFile.report_id == int(report_id)).order_by(AnnualReportFile.version.desc())).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def earlier_file(engine: Engine, file_id: int, *, actor: Actor) -> tuple[str, str, bytes]:
    """(file name, content type, bytes) of one submitted file, e.g. the one that was returned."""
    with Session(engine) as session:
        kept = session.get(AnnualReportFile, int(file_id))
        if kept is None:
            raise ReportError(f"报告文件：找不到编号 {file_id}")
        _may_read(session, actor, session.get(AnnualReport, kept.report_id,
                                              options=[defer(AnnualReport.content)]))
        return kept.file_name, kept.content_type, kept.content


# Follow-ups: matters raised on a report, tracked to 办结 on the case core -----------------

def _matter(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ReportError("跟进事项：不能为空（写明需核实或落实的内容）")
    if len(value) > MAX_TEXT:
        raise ReportError(f"跟进事项：不能超过 {MAX_TEXT} 字（当前 {len(value)} 字）")
    return value


def raise_followup(engine: Engine, report_id: int, *, matter: str, actor: Actor) -> int:
    """A follow-up on a submitted report (the province, or a 市州 on its counties' reports)."""
    matter = _matter(matter)
    with Session(engine) as session:
        report = session.get(AnnualReport, int(report_id))
        if report is None:
            raise ReportError(f"年度报告：找不到编号 {report_id}")
        require_for(session, actor, "followup", report.unit)
        record = ReportFollowup(report_id=report.id, year=report.year, adcode=report.unit,
                                matter=matter, created_by=actor.display, created_at=now(),
                                updated_at=now())
        session.add(record)
        session.flush()
        audit(session, actor.signature, KIND.entity, record.id, "create", None, record.model_dump())
        session.commit()
        return record.id


def save_followup(engine: Engine, followup_id: int, *, version: int, actor: Actor,
                  status: str | None = None, matter: str | None = None) -> int:
    """Edit the matter and/or move the status one step on (落实中 needs a task; 办结 needs
    every task done); returns the new version."""
    def edit(record: ReportFollowup) -> None:
        if matter is not None:
            record.matter = _matter(matter)

    def check(record: ReportFollowup, tasks: list, target: str) -> None:
        if target != FOLLOWUP_STATUSES[0] and not [t for t in tasks if not t.deleted]:
            raise ReportError("落实任务：推进前至少布置一项落实任务")

    return cases.save(engine, KIND, followup_id, version=version, actor=actor, edit=edit,
                      status=status, check=check)


def add_followup_task(engine: Engine, followup_id: int, *, description: str, owner: str,
                      deadline, actor: Actor) -> int:
    return cases.add_task(engine, KIND, followup_id, description=description, owner=owner,
                          deadline=deadline, actor=actor)


def complete_followup_task(engine: Engine, task_id: int, *, actor: Actor, done: bool = True
                           ) -> None:
    cases.complete_task(engine, KIND, task_id, actor=actor, done=done)


def delete_followup(engine: Engine, followup_id: int, *, deleted: bool, actor: Actor,
                    version: int | None = None) -> None:
    cases.set_deleted(engine, KIND, followup_id, deleted=deleted, actor=actor, version=version)


def followups(engine: Engine, *, actor: Actor, year: int | None = None,
              adcode: str | None = None, include_deleted: bool = False) -> pd.DataFrame:
    """The report follow-ups ``actor`` may read."""
    return cases.records(engine, KIND, actor=actor, include_deleted=include_deleted,
                         year=None if year is None else int(year), adcode=adcode)


def followup_tasks(engine: Engine, followup_ids, *, actor: Actor, **kwargs) -> pd.DataFrame:
    return cases.tasks(engine, KIND, followup_ids, actor=actor, **kwargs)
