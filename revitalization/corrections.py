"""Correction requests (更正申请): how an assessed county corrects its values of a year that has no
open data round, by the same reviewed path as the round itself. Its 县级填报员 files the values
and the reason; its 市州 passes the request on or returns it with a note; the province confirms,
which writes the values as one import batch (undoable like any import), or returns it.

    已提交 → 市州已审 → 省级已确认        (已退回: by the 市州 from 已提交, by the province from either)

A county never writes its own assessment data directly (``access.allowed``: no "data"). Every
step names the version it read, is refused if someone acted in between, and is audited in the
same transaction; the reads are scoped like the writes.
"""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization.access import Actor, require, require_for, require_read, scoped
from revitalization.audit import audit, now
from revitalization.config import IndicatorSystem
from revitalization.importer import Report, write_batch
from revitalization.rounds import parse_values
from revitalization.store import CorrectionRequest, Region

PENDING = ("已提交", "市州已审")
VERBS = {"forward": "审核通过", "return": "退回", "confirm": "确认"}


class CorrectionError(ValueError):
    """A request that cannot be filed or moved on; the message says why, in Chinese."""


def file_request(engine: Engine, adcode: str, year: int, texts: dict[str, object], reason: str, *,
                 config: IndicatorSystem, existing: pd.DataFrame, open_years: set[int], actor: Actor) -> int:
    """A county asks for values of ``year`` to be corrected (``texts``: indicator → what it typed,
    units allowed); returns the request's id. Refused for a year with an open round (the round
    is the way then), a year without the county's data, values that change nothing, no reason,
    or while another request of the county for that year is pending."""
    reason = reason.strip()
    with Session(engine) as session:
        require_for(session, actor, "fill", adcode)
        name = session.get(Region, adcode).name
        if year in open_years:
            raise CorrectionError(f"{year} 年度填报正在进行：请在“年度填报”中修改本县数据")
        stored = existing[(existing["adcode"] == adcode) & (existing["year"] == year)]
        if stored.empty:
            raise CorrectionError(f"{name} {year} 年没有考核数据，不能申请更正；新的年度数据经“年度填报”报送")
        numbers = parse_values({k: v for k, v in texts.items() if str(v or "").strip()}, config)
        before = dict(zip(stored["indicator"], stored["value"], strict=True))
        changed = {k: v for k, v in numbers.items() if before.get(k) != v}
        if not changed:
            raise CorrectionError("没有与现有数据不同的数值，无需更正")
        if not reason:
            raise CorrectionError("更正原因：请写明为什么更正（如统计口径、录入错误）和依据")
        pending = session.exec(select(CorrectionRequest.id).where(
            CorrectionRequest.adcode == adcode, CorrectionRequest.year == year,
            CorrectionRequest.state.in_(PENDING))).first()
        if pending is not None:
            raise CorrectionError(f"{name} {year} 年已有待处理的更正申请（编号 {pending}），处理完毕后再提出新的申请")
        record = CorrectionRequest(
            adcode=adcode, year=year, reason=reason, created_by=str(actor), created_at=now(),
            values=json.dumps(changed, ensure_ascii=False, sort_keys=True),
            previous=json.dumps({k: before.get(k) for k in changed}, ensure_ascii=False, sort_keys=True))
        session.add(record)
        session.flush()
        audit(session, actor.signature, "correction_request", record.id, "create", None, record.model_dump())
        session.commit()
        return record.id


def requests(engine: Engine, *, actor: Actor, year: int | None = None) -> pd.DataFrame:
    """The requests ``actor`` may read (a county its own, a 市州 its counties'), newest first,
    values decoded."""
    with Session(engine) as session:
        query = select(CorrectionRequest)
        if year is not None:
            query = query.where(CorrectionRequest.year == year)
        query = scoped(query, CorrectionRequest.adcode, session, actor)
        rows = [r.model_dump() for r in session.exec(query.order_by(CorrectionRequest.id.desc()))]
    frame = pd.DataFrame(rows, columns=list(CorrectionRequest.model_fields))
    for column in ("values", "previous"):
        frame[column] = frame[column].map(json.loads)
    return frame


def _move(engine: Engine, request_id: int, *, version: int, actor: Actor, permission: str,
          allowed_from: tuple[str, ...], target: str, action: str, note: str = "",
          write=None) -> int:
    """One compare-and-set step of a request; returns the new version."""
    with Session(engine) as session:
        record = session.get(CorrectionRequest, request_id)
        if record is None:
            raise LookupError(f"更正申请 {request_id} 不存在")
        require_read(session, actor, record.adcode)
        require_for(session, actor, permission, record.adcode)
        name = session.get(Region, record.adcode).name
        if record.version != version:
            raise CorrectionError(f"{name}的更正申请已被他人处理（您读取的是第 {version} 版，当前为第 "
                                  f"{record.version} 版），您的操作未保存。请刷新后再操作。")
        if record.state not in allowed_from:
            raise CorrectionError(f"{name}的更正申请当前为“{record.state}”，不能{VERBS[action]}")
        session.expunge(record)
        before = record.model_dump()
        record.state, record.note = target, note.strip() or record.note
        record.updated_by, record.updated_at = str(actor), now()
        if write is not None:
            record.batch_id = write(session, record, name)
        fields = {k: v for k, v in record.model_dump().items() if k not in ("id", "version")}
        done = session.execute(update(CorrectionRequest).where(
            CorrectionRequest.id == request_id, CorrectionRequest.version == version).values(
            **fields, version=version + 1))
        if done.rowcount != 1:
            session.rollback()
            raise CorrectionError(f"{name}的更正申请已被他人处理，您的操作未保存。请刷新后再操作。")
        audit(session, actor.signature, "correction_request", request_id, action, before,
              {**fields, "id": request_id, "version": version + 1})
        session.commit()
        return version + 1


def forward(engine: Engine, request_id: int, *, version: int, actor: Actor, note: str = "") -> int:
    """The 市州 has checked the request: 已提交 → 市州已审."""
    return _move(engine, request_id, version=version, actor=actor, permission="review",
                 allowed_from=("已提交",), target="市州已审", action="forward", note=note)


def send_back(engine: Engine, request_id: int, note: str, *, version: int, actor: Actor) -> int:
    """Returned with a note (required): by the 市州 from 已提交, by the province from either
    pending state. The county may file a new request."""
    if not note.strip():
        raise CorrectionError("退回意见：请写明退回的原因")
    return _move(engine, request_id, version=version, actor=actor, permission="review",
                 allowed_from=PENDING if actor.role == "province_admin" else ("已提交",),
                 target="已退回", action="return", note=note)


def confirm(engine: Engine, request_id: int, *, version: int, actor: Actor, existing: pd.DataFrame,
            published_years: set[int] = frozenset()) -> int:
    """The province confirms a request the 市州 passed: 市州已审 → 省级已确认, the values written
    as one import batch in the same transaction (the request's reason is the batch's, so a
    published year's correction carries it)."""
    require(actor, "round")

    def write(session: Session, record: CorrectionRequest, name: str) -> int:
        values = json.loads(record.values)
        frame = pd.DataFrame([{"adcode": record.adcode, "year": record.year, "indicator": k, "value": v,
                               "row": 0, "column": k} for k, v in sorted(values.items())],
                             columns=["adcode", "year", "indicator", "value", "row", "column"])
        batch = write_batch(session, Report(frame, file_hash=f"correction:{record.id}"), existing,
                            file_name=f"{record.year} 年更正申请（{name}，编号 {record.id}）", actor=actor,
                            published_years=published_years, reason=record.reason, action="round")
        if batch is None:
            raise CorrectionError("申请的数值与现有数据已经相同，无需写入；请退回并说明")
        return batch

    return _move(engine, request_id, version=version, actor=actor, permission="round",
                 allowed_from=("市州已审",), target="省级已确认", action="confirm", write=write)
