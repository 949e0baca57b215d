"""账号管理: an administrator creates accounts in the app."""

from __future__ import annotations

from .helpers import PASSWORD, log_in


def test_admin_creates_accounts_in_the_app(deployment):
    at = log_in(deployment().run(), "admin")
    at.switch_page("app_pages/accounts.py").run()
    assert not at.exception, [e.value for e in at.exception]
    form = {t.label: t for t in at.text_input}
    form["用户名"].set_value("suixian")
    form["姓名 / 单位"].set_value("随县填报员")
    form["所属区划代码"].set_value("421321")
    form["初始密码（至少 10 位，含大小写字母、数字、符号中的三类）"].set_value(PASSWORD)
    next(s for s in at.selectbox if s.label == "角色").set_value("county")
    next(b for b in at.button if b.label == "创建账号").click().run()
    assert any("已创建账号：随县填报员（县级填报员）" in s.value for s in at.success), \
        [e.value for e in at.error]
    assert at.text_input(key="new_user").value == ""  # emptied once created


def test_a_refused_account_keeps_what_was_typed(deployment):
    at = log_in(deployment().run(), "admin")
    at.switch_page("app_pages/accounts.py").run()
    at.text_input(key="new_user").set_value("suixian")
    at.text_input(key="new_display").set_value("随县填报员")
    at.text_input(key="new_scope").set_value("999999")
    at.text_input(key="new_password").set_value(PASSWORD)
    next(s for s in at.selectbox if s.label == "角色").set_value("county")
    next(b for b in at.button if b.label == "创建账号").click().run()
    assert any("999999 不是本省县" in e.value for e in at.error)
    assert at.text_input(key="new_user").value == "suixian"
    assert at.text_input(key="new_display").value == "随县填报员"


def test_a_disabled_account_loses_its_open_session_and_users_change_their_password(deployment):
    """Issue 29 (11): no password change, reset or disabling in the app. The clerk changes its
    own password in the sidebar; the administrator disables the account, and the clerk's
    already open page asks for a log-in at its next step."""
    from components import cached
    from revitalization.access import Actor
    from revitalization.accounts import authenticate, set_disabled

    at = log_in(deployment(accounts=[("suixian", "随县填报员", "county", "421321")]).run(), "suixian")
    assert not at.exception and any("随县填报员" in c.value for c in at.sidebar.caption)
    fields = {t.label: t for t in at.sidebar.text_input}
    fields["原密码"].set_value(PASSWORD)
    fields["新密码（至少 10 位，含大小写字母、数字、符号中的三类）"].set_value("Xiangcun-2026!")
    fields["再次输入新密码"].set_value("Xiangcun-2026!")
    next(b for b in at.sidebar.button if b.label == "保存新密码").click().run()
    assert any("密码已修改" in s.value for s in at.sidebar.success), [e.value for e in at.sidebar.error]
    assert authenticate(cached.engine(), "suixian", "Xiangcun-2026!").username == "suixian"
    set_disabled(cached.engine(), Actor("admin", "管理员", "province_admin"), "suixian", True)
    at.run()
    assert any("<form" in h.proto.body for h in at.get("html"))  # the log-in form again
    assert not at.get("plotly_chart") and not any("随县填报员" in c.value for c in at.sidebar.caption)
