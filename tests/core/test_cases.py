"""The case core on a kind of its own (not 约谈): the same steps, versions, tasks, soft delete
and audit for any kind of case — so inspection findings and report follow-ups need no copy."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import admin
from sqlalchemy import Index, text
from sqlalchemy.orm import registry
from sqlmodel import Field, Session, SQLModel

from revitalization import cases
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows


class Own(SQLModel, registry=registry()):
    """A metadata of this test's own: the app's table list (backups, schema) is untouched."""


class DemoCase(Own, table=True):
    __tablename__ = "demo_case"
    __table_args__ = (Index("uq_demo_case_live", "adcode", unique=True,
                            sqlite_where=text("deleted = 0"), postgresql_where=text("NOT deleted")),)
    id: int | None = Field(default=None, primary_key=True)
    adcode: str
    status: str = "发现"
    note: str = ""
    version: int = 1
    deleted: bool = False
    updated_at: str = ""


class DemoTask(Own, table=True):
    __tablename__ = "demo_task"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(index=True)
    description: str
    owner: str
    deadline: str
    done: bool = False
    done_at: str = ""
    deleted: bool = False


KIND = cases.CaseKind(model=DemoCase, task_model=DemoTask, task_fk="case_id",
                      statuses=("发现", "整改中", "已销号"), noun="督查发现", action="interview",
                      task_noun="整改任务", close_verb="销号", closed_words="已销号")


@pytest.fixture
def engine(seeded):
    Own.metadata.create_all(seeded)
    with Session(seeded) as session:
        session.add(DemoCase(adcode="421321"))
        session.commit()
    return seeded


def test_any_kind_moves_step_by_step_with_tasks_to_its_close(engine):
    set_note = lambda text_: lambda r: setattr(r, "note", text_)  # noqa: E731
    with pytest.raises(cases.CaseError, match="只能按 发现 → 整改中 → 已销号 的顺序推进"):
        cases.save(engine, KIND, 1, version=1, actor=admin(), edit=set_note("x"), status="已销号")
    v = cases.save(engine, KIND, 1, version=1, actor=admin(), edit=set_note("垃圾转运不及时"),
                   status="整改中")
    task = cases.add_task(engine, KIND, 1, description="购置转运车", owner="县城管局",
                          deadline="2026-03-31", actor=admin())
    v += 1  # a task raises the case's version
    with pytest.raises(cases.CaseError, match="整改任务：尚有 1 项未完成，不能销号（购置转运车）"):
        cases.save(engine, KIND, 1, version=v, actor=admin(), edit=set_note("x"), status="已销号")
    cases.complete_task(engine, KIND, task, actor=admin())
    with pytest.raises(cases.ConcurrentCaseEdit, match="已被他人修改"):  # the task moved it on
        cases.save(engine, KIND, 1, version=v, actor=admin(), edit=set_note("x"), status="已销号")
    cases.save(engine, KIND, 1, version=v + 1, actor=admin(), edit=lambda r: None, status="已销号")
    with pytest.raises(cases.CaseError, match="督查发现已销号，不能再修改"):
        cases.save(engine, KIND, 1, version=v + 2, actor=admin(), edit=set_note("y"))
    overdue = cases.tasks(engine, KIND, 1, today=date(2026, 4, 1), actor=admin())
    assert overdue["done"].tolist() == [True] and not overdue["overdue"].any()
    log = audit_rows(engine, actor=admin())
    assert log["entity"].tolist() == ["demo_case", "demo_task", "demo_task", "demo_case"]
    assert log["action"].tolist() == ["status", "create", "complete", "status"]


def test_soft_delete_restore_scope_and_overdue_for_any_kind(engine):
    cases.add_task(engine, KIND, 1, description="补齐台账", owner="县农业农村局",
                   deadline="2026-01-31", actor=admin())
    assert cases.tasks(engine, KIND, [1], today=date(2026, 2, 1), actor=admin())["overdue"].tolist() == [True]
    cases.set_deleted(engine, KIND, 1, deleted=True, actor=admin(), version=2)
    with pytest.raises(cases.CaseError, match="督查发现：找不到编号 1"):
        cases.add_task(engine, KIND, 1, description="x", owner="y", deadline="2026-05-01",
                       actor=admin())
    cases.set_deleted(engine, KIND, 1, deleted=False, actor=admin())
    with pytest.raises(PermissionDenied):
        cases.add_task(engine, KIND, 1, description="x", owner="y", deadline="2026-05-01",
                       actor=Actor("c", "黄石", "city", "420200"))
