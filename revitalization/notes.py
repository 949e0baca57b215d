"""Staff notes on a county-year: validated, soft-deleted, and every change audited."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization.access import Actor, require_for, require_read
from revitalization.audit import audit, audited_change, now
from revitalization.store import CountyNote, Region

MAX_LENGTH = 2000


class NoteError(ValueError):
    """A refused note, with the field at fault named in Chinese."""


def add_note(engine: Engine, adcode: str, year: int, text: str, *, actor: Actor) -> int:
    text = (text or "").strip()
    if not text:
        raise NoteError("备注内容：不能为空")
    if len(text) > MAX_LENGTH:
        raise NoteError(f"备注内容：不能超过 {MAX_LENGTH} 字（当前 {len(text)} 字）")
    if not 1990 <= int(year) <= 2100:
        raise NoteError(f"考核年度：{year} 不是有效年份")
    with Session(engine) as session:
        if session.get(Region, adcode) is None:
            raise NoteError(f"区划代码：未知的区划代码 {adcode}")
        require_for(session, actor, "note", adcode)
        note = CountyNote(adcode=adcode, year=int(year), text=text, author=actor.display,
                          created_at=now())
        session.add(note)
        session.flush()
        audit(session, actor.signature, "county_note", note.id, "create", None, note.model_dump())
        session.commit()
        return note.id


def _set_deleted(engine: Engine, note_id: int, deleted: bool, actor: Actor) -> None:
    try:
        audited_change(engine, CountyNote, note_id, user=actor.signature,
                       action="delete" if deleted else "restore",
                       change=lambda note: setattr(note, "deleted", deleted),
                       missing=f"备注编号：找不到备注 {note_id}",
                       guard=lambda session, note: require_for(session, actor, "note", note.adcode))
    except LookupError as exc:
        raise NoteError(str(exc)) from None


def delete_note(engine: Engine, note_id: int, *, actor: Actor) -> None:
    """Soft delete: the note is hidden, kept, and can be restored."""
    _set_deleted(engine, note_id, True, actor)


def restore_note(engine: Engine, note_id: int, *, actor: Actor) -> None:
    _set_deleted(engine, note_id, False, actor)


def list_notes(engine: Engine, adcode: str, *, actor: Actor,
               include_deleted: bool = False) -> pd.DataFrame:
    """A county's notes, newest year first (refused outside ``actor``'s scope)."""
    with Session(engine) as session:
        require_read(session, actor, adcode)
        query = select(CountyNote).where(CountyNote.adcode == adcode)
        if not include_deleted:
            query = query.where(CountyNote.deleted == False)  # noqa: E712
        rows = [n.model_dump() for n in session.exec(
            query.order_by(CountyNote.year.desc(), CountyNote.id.desc()))]
    return pd.DataFrame(rows, columns=list(CountyNote.model_fields))
