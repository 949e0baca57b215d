"""The audit trail: every write appends who, when, what, before and after, in the same
transaction as the change. Rows are never edited or deleted by the app. (The audit page's
table is ``tables.audit_table``.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization.access import Actor, require_province
from revitalization.store import AccessLog, AuditLog


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def audit(session: Session, user: str, entity: str, entity_id: object, action: str,
          before: dict | None, after: dict | None) -> None:
    """Append one audit row in the caller's transaction (so it commits with the change)."""
    session.add(AuditLog(at=now(), user=user, entity=entity, entity_id=str(entity_id),
                         action=action,
                         before=json.dumps(before, ensure_ascii=False, default=str) if before else "",
                         after=json.dumps(after, ensure_ascii=False, default=str) if after else ""))


def access(engine: Engine, user: str, action: str, detail: str = "") -> None:
    """Record a read (log-in, log-out, a failed log-in, a download) in its own transaction."""
    with Session(engine) as session:
        session.add(AccessLog(at=now(), user=user, action=action, detail=detail[:500]))
        session.commit()


def access_rows(engine: Engine, *, actor: Actor) -> pd.DataFrame:
    """The access log, newest first: the province's only, like the audit trail."""
    require_province(actor, "登录与下载记录")
    with Session(engine) as session:
        rows = [a.model_dump() for a in session.exec(select(AccessLog).order_by(AccessLog.id.desc()))]
    return pd.DataFrame(rows, columns=list(AccessLog.model_fields))


def audit_rows(engine: Engine, entity: str | None = None, *, actor: Actor) -> pd.DataFrame:
    """The audit trail: every unit's records and failed log-ins, so the province's only."""
    require_province(actor, "审计日志")
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
