"""审计日志: every write is listed, read-only."""

from __future__ import annotations

from conftest import admin

from .helpers import open_page


def test_audit_page_lists_every_write_read_only(app):
    from components import cached
    from revitalization.notes import add_note

    add_note(cached.engine(), "421321", 2025, "审计测试备注", actor=admin("王五"))
    at = open_page(app, "audit")
    table = at.dataframe[0].value
    row = table.iloc[0]
    assert row["操作人"] == "王五（省级管理员，用户名 王五）" and row["对象"] == "工作备注"
    assert row["说明"] == "随县 2025 年：新建工作备注，内容“审计测试备注”。"
    assert "审计测试备注" in row["变化"]
    assert not at.button  # nothing on the page can change or delete a row
