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
    form["初始密码（至少 10 位，含字母和数字）"].set_value(PASSWORD)
    next(s for s in at.selectbox if s.label == "角色").set_value("county")
    next(b for b in at.button if b.label == "创建账号").click().run()
    assert any("已创建账号：随县填报员（县级填报员）" in s.value for s in at.success), \
        [e.value for e in at.error]
