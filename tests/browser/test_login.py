"""Log-in in a real browser through ``server.py`` (issue 29, 5): a copied deep link opened
before log-in lands on that page after it, a refresh keeps the log-in, the cookie is HttpOnly
and SameSite=Strict, and log-out in one tab logs out every tab."""

from __future__ import annotations

import os

import pytest
from conftest import ONE_CHROMIUM

from revitalization import store
from revitalization.access import Actor
from revitalization.accounts import create_account

from .test_chromium import CHROMIUM, start_server, stop_server

pytestmark = [ONE_CHROMIUM, pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium (no system Chromium)")]
PASSWORD = "Chungeng-2026农办"


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, templates):
    db_url = templates.sqlite_copy("demo", tmp_path_factory.mktemp("login") / "app.db")
    engine = store.make_engine(db_url)
    create_account(engine, username="admin", display="省农办", role="province_admin", password=PASSWORD)
    create_account(engine, username="suizhou", display="随州市农办", role="city", scope="421300",
                   password=PASSWORD, actor=Actor("admin", "省农办", "province_admin"))
    url, proc = start_server(db_url, REVITALIZATION_AUTH="local")
    yield url
    stop_server(proc)
    engine.dispose()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.get_by_label("用户名").fill(username, timeout=60_000)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_deep_link_a_refresh_and_log_out_in_every_tab(deployed, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(deployed + "/county?county=421321&year=2024")  # a copied link, before log-in
    log_in(page, "suizhou", "wrong-password-1")
    page.get_by_text("用户名或密码错误").wait_for(timeout=60_000)
    log_in(page, "suizhou")
    page.get_by_text("当前用户：随州市农办（市州用户）").wait_for(timeout=60_000)
    assert page.url.endswith("/county?county=421321&year=2024")  # the page asked for, not 总览
    page.get_by_role("heading", name="随县").first.wait_for(timeout=60_000)
    cookie = next(c for c in context.cookies() if c["name"] == "rv_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find("rv_session") == -1  # no script can read it
    page.reload()  # F5 keeps the log-in and the page
    page.get_by_text("当前用户：随州市农办（市州用户）").wait_for(timeout=60_000)
    assert "county=421321" in page.url
    other = context.new_page()  # a second tab of the same browser
    other.goto(deployed + "/ranking")
    other.get_by_text("当前用户：随州市农办（市州用户）").wait_for(timeout=60_000)
    page.get_by_role("button", name="退出登录").click()
    page.get_by_text("已退出登录").wait_for(timeout=60_000)
    other.get_by_role("link", name="县域画像").click()  # the other tab's next step: logged out
    other.get_by_label("用户名").wait_for(timeout=60_000)
    assert not other.get_by_text("当前用户").count()
    context.close()


def test_a_session_without_the_cookie_is_worth_nothing(deployed, browser):
    """Logged in in one browser; another browser (no cookie) opening the same address gets
    the log-in form, whatever it knows of the first one's Streamlit session."""
    first = browser.new_context()
    page = first.new_page()
    page.goto(deployed + "/")
    log_in(page, "admin")
    page.get_by_text("当前用户：省农办（省级管理员）").wait_for(timeout=60_000)
    stranger = browser.new_context()
    other = stranger.new_page()
    other.goto(deployed + "/audit")
    other.get_by_label("用户名").wait_for(timeout=60_000)
    assert not other.get_by_text("审计日志").count()
    first.close()
    stranger.close()
