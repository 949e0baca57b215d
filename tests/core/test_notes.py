"""Staff notes with their audit trail (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from conftest import admin

from revitalization.audit import audit_rows
from revitalization.notes import NoteError, add_note, delete_note, list_notes, restore_note


def test_notes_are_validated_soft_deleted_and_audited(seeded):
    note = add_note(seeded, "421321", 2024, "  2024 年洪灾影响生态得分 ", actor=admin("王五"))
    assert list_notes(seeded, "421321", actor=admin())["text"].tolist() == ["2024 年洪灾影响生态得分"]
    delete_note(seeded, note, actor=admin("王五"))
    assert list_notes(seeded, "421321", actor=admin()).empty
    assert len(list_notes(seeded, "421321", include_deleted=True, actor=admin())) == 1  # nothing lost
    restore_note(seeded, note, actor=admin("赵六"))
    assert len(list_notes(seeded, "421321", actor=admin())) == 1
    log = audit_rows(seeded, "county_note", actor=admin())
    assert log["action"].tolist() == ["create", "delete", "restore"]
    assert log["user"].tolist() == ["王五（省级管理员，用户名 王五）"] * 2 + ["赵六（省级管理员，用户名 赵六）"]
    assert json.loads(log.iloc[1]["before"])["deleted"] is False
    assert json.loads(log.iloc[1]["after"])["deleted"] is True


@pytest.mark.parametrize(("adcode", "year", "text", "message"), [
    ("421321", 2024, "   ", "备注内容：不能为空"),
    ("421321", 2024, "字" * 2001, "备注内容：不能超过 2000 字"),
    ("999999", 2024, "x", "区划代码：未知的区划代码 999999"),
    ("421321", 1800, "x", "考核年度：1800 不是有效年份"),
])
def test_bad_notes_are_refused_with_the_field_named(seeded, adcode, year, text, message):
    with pytest.raises(NoteError, match=message):
        add_note(seeded, adcode, year, text, actor=admin("王五"))
    assert audit_rows(seeded, actor=admin()).empty
