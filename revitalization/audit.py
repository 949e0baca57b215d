"""The audit trail: every write appends who, when, what, before and after, in the same
transaction as the change. Rows are never edited or deleted by the app."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization.store import AuditLog


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def audit(session: Session, user: str, entity: str, entity_id: object, action: str,
          before: dict | None, after: dict | None) -> None:
    """Append one audit row in the caller's transaction (so it commits with the change)."""
    session.add(AuditLog(at=now(), user=user, entity=entity, entity_id=str(entity_id),
                         action=action,
                         before=json.dumps(before, ensure_ascii=False, default=str) if before else "",
                         after=json.dumps(after, ensure_ascii=False, default=str) if after else ""))


def audit_rows(engine: Engine, entity: str | None = None) -> pd.DataFrame:
    with Session(engine) as session:
        query = select(AuditLog)
        if entity:
            query = query.where(AuditLog.entity == entity)
        rows = [a.model_dump() for a in session.exec(query.order_by(AuditLog.id))]
    return pd.DataFrame(rows, columns=list(AuditLog.model_fields))


def audited_change(engine: Engine, model: type, record_id: int, *, user: str, action: str,
                   change: Callable[[object], None], missing: str,
                   guard: Callable[[Session, object], None] | None = None) -> None:
    """Load one record, check ``guard`` (permissions), apply ``change`` and save it with an
    audit row, in one transaction; ``missing`` is the message when the record does not exist."""
    with Session(engine) as session:
        record = session.get(model, record_id)
        if record is None:
            raise LookupError(missing)
        if guard is not None:
            guard(session, record)
        before = record.model_dump()
        change(record)
        session.add(record)
        audit(session, user, model.__tablename__, record_id, action, before, record.model_dump())
        session.commit()


def require_for(session: Session, actor, action: str, adcode: str) -> None:
    """Check ``actor`` may do ``action`` for a county, looking up its city in the store."""
    from revitalization.access import require
    from revitalization.store import Region

    region = session.get(Region, adcode)
    require(actor, action, adcode, region.city_adcode if region else "",
            region.name if region else adcode)


ENTITIES = {"observation": "指标数据", "import_batch": "导入批次", "county_note": "工作备注",
            "interview": "约谈记录", "rectification_task": "整改任务", "method_version": "指标体系版本",
            "publication": "结果发布", "account": "账号"}
ACTIONS = {"create": "新建", "update": "修改", "status": "状态推进", "delete": "删除", "restore": "恢复",
           "complete": "完成", "reopen": "重新打开", "import": "导入", "rollback": "撤销",
           "publish": "发布", "login_failed": "登录失败"}


def changed_fields(before: str, after: str) -> str:
    """Only the fields that changed, as ``字段: 前 → 后`` (timestamps of the edit left out)."""
    b, a = (json.loads(before) if before else {}), (json.loads(after) if after else {})
    keys = [k for k in dict.fromkeys([*b, *a]) if b.get(k) != a.get(k) and k != "updated_at"]
    return "；".join(f"{k}: {b.get(k, '')} → {a.get(k, '')}" for k in keys)


def audit_table(log: pd.DataFrame) -> pd.DataFrame:
    """Audit rows for reading: Chinese labels, the changes spelled out, newest first."""
    return pd.DataFrame({
        "时间（UTC）": log["at"].str.replace("T", " ").str[:19], "操作人": log["user"],
        "对象": log["entity"].map(lambda e: ENTITIES.get(e, e)), "编号": log["entity_id"],
        "操作": log["action"].map(lambda a: ACTIONS.get(a, a)),
        "变化": [changed_fields(b, a) for b, a in zip(log["before"], log["after"], strict=True)],
    }).iloc[::-1]
