"""审计日志: every write is listed, read-only."""

from __future__ import annotations

from conftest import admin

from .helpers import open_page


def test_audit_page_lists_every_write_read_only(app):
    from components import cached
    from revitalization.notes import add_note

    add_note(cached.engine(), "421321", 2025, "审计测试备注", actor=admin("王五"))
    at = open_page(app, "audit")
    table = next(d.value for d in at.dataframe if "操作人" in d.value.columns)
    row = table.iloc[0]
    assert row["操作人"] == "王五（省级管理员，用户名 王五）" and row["对象"] == "工作备注"
    assert row["说明"] == "随县 2025 年：新建工作备注，内容“审计测试备注”。"
    assert "审计测试备注" in row["变化"]
    assert not at.button  # nothing on the page can change or delete a row


def test_a_city_user_has_no_audit_page_and_cannot_open_it_by_address(deployment):
    """The attack of issue 29 (2): the audit log showed a 市州 user every unit's notes, support
    records, report file names and failed log-ins. Its session has no such page (so no
    address reaches it), and the core refuses the read (tests/core/test_read_scope.py)."""
    import pytest

    from .helpers import log_in

    at = log_in(deployment(accounts=[("suizhou", "随州市农办", "city", "421300")]).run(), "suizhou")
    assert not at.exception and at.title[0].value == "全省总览"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/audit.py")
    at = open_page(at, "data")  # and its data page lists no other county's import files
    assert not any(m.value == "**导入记录**" for m in at.markdown)


def test_log_ins_and_failed_log_ins_are_listed_for_the_province(deployment):
    """Issue 29 (10): reads were never recorded. A failed and a successful log-in appear in
    the 登录与下载记录 of the audit page, apart from the writes."""
    from .helpers import log_in

    at = deployment().run()
    at = log_in(at, "admin", "wrong-password-1")
    at = log_in(at, "admin")
    at = open_page(at, "audit")
    access = next(d.value for d in at.dataframe if "用户" in d.value.columns)
    assert access["操作"].tolist()[:2] == ["登录", "登录失败"]
    assert access["用户"].tolist()[:2] == ["管理员（省级管理员，用户名 admin）", "admin"]
