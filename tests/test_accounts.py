"""Log-in: scrypt hashes, wrong passwords refused and throttled, the bootstrap command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from revitalization import store
from revitalization.accounts import (
    LOCK_MINUTES,
    MAX_FAILURES,
    LoginError,
    authenticate,
    create_account,
    hash_password,
    main,
    verify_password,
)
from revitalization.audit import audit_rows
from revitalization.paths import ROOT

PASSWORD = "hubei2026-农办"


@pytest.fixture
def seeded(db_engine, config, regions):
    store.sync_reference(db_engine, regions, config)
    return db_engine


def test_password_hash_is_salted_scrypt():
    one, two = hash_password(PASSWORD), hash_password(PASSWORD)
    assert one.startswith("scrypt$") and one != two and PASSWORD not in one
    assert verify_password(PASSWORD, one) and not verify_password("wrong-password-1", one)


def test_bootstrap_then_only_admins_create_accounts(seeded):
    boss = create_account(seeded, username="admin", display="管理员", role="province_admin",
                          password=PASSWORD)
    with pytest.raises(LoginError, match="已有账号"):
        create_account(seeded, username="other", display="x", role="province_admin",
                       password=PASSWORD)
    clerk = create_account(seeded, username="suixian", display="随县填报员", role="county",
                           scope="421321", password=PASSWORD, actor=boss)
    assert str(clerk) == "随县填报员（县级填报员）"
    from revitalization.access import PermissionDenied

    with pytest.raises(PermissionDenied):
        create_account(seeded, username="x2", display="x", role="province_admin",
                       password=PASSWORD, actor=clerk)
    with pytest.raises(LoginError, match="至少 10 位"):
        create_account(seeded, username="y", display="y", role="province_viewer", password="short1",
                       actor=boss)
    assert "password_hash" not in audit_rows(seeded)["after"].str.cat()


def test_wrong_password_is_refused_and_throttled(seeded):
    create_account(seeded, username="admin", display="管理员", role="province_admin",
                   password=PASSWORD)
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for n in range(MAX_FAILURES - 1):
        with pytest.raises(LoginError, match="用户名或密码错误"):
            authenticate(seeded, "admin", f"wrong-{n}", at=t0)
    with pytest.raises(LoginError, match="账号已锁定"):
        authenticate(seeded, "admin", "wrong-last", at=t0)
    with pytest.raises(LoginError, match="分钟后再试"):  # even the right password, while locked
        authenticate(seeded, "admin", PASSWORD, at=t0 + timedelta(minutes=1))
    later = t0 + timedelta(minutes=LOCK_MINUTES + 1)
    assert authenticate(seeded, "admin", PASSWORD, at=later).role == "province_admin"
    with pytest.raises(LoginError, match="用户名或密码错误"):
        authenticate(seeded, "nobody", PASSWORD, at=later)
    assert (audit_rows(seeded)["action"] == "login_failed").sum() == MAX_FAILURES


def test_admin_bootstrap_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("REVITALIZATION_ADMIN_PASSWORD", PASSWORD)
    assert main(["create-admin", "--username", "admin", "--display", "省委农办管理员"]) == 0
    assert "已创建：省委农办管理员（省级管理员）" in capsys.readouterr().out
    assert main(["create-admin", "--username", "admin2"]) == 2  # only while no account exists


@pytest.fixture
def deployment(tmp_path, monkeypatch):
    """A deployed app with log-in on: ``start(mode, accounts)`` bootstraps the administrator
    "管理员" (password PASSWORD), adds ``(username, display, role, scope)`` accounts and
    returns a fresh AppTest (not yet run)."""
    from revitalization.access import Actor

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REVITALIZATION_ADMIN_PASSWORD", PASSWORD)
    st.cache_data.clear()
    st.cache_resource.clear()

    def start(mode: str = "local", accounts: tuple = ()) -> AppTest:
        monkeypatch.setenv("REVITALIZATION_AUTH", mode)
        main(["create-admin", "--username", "admin", "--display", "管理员"])
        boss = Actor("admin", "管理员", "province_admin")
        for username, display, role, scope in accounts:
            create_account(store.make_engine(url), username=username, display=display, role=role,
                           scope=scope, password=PASSWORD, actor=boss)
        return AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)

    yield start
    st.cache_data.clear()
    st.cache_resource.clear()


def log_in(at: AppTest, username: str, password: str = PASSWORD) -> AppTest:
    at.text_input[0].set_value(username)
    at.text_input[1].set_value(password)
    return at.button[0].click().run()


def test_the_app_asks_for_a_log_in_when_configured(deployment):
    at = deployment().run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["用户名", "密码"]
    assert not at.get("plotly_chart")  # nothing of the dashboard before log-in
    log_in(at, "admin", "not-the-password-1")
    assert any("用户名或密码错误" in e.value for e in at.error)
    log_in(at, "admin")
    assert not at.exception
    assert at.title[0].value == "全省总览"
    assert any("当前用户：管理员（省级管理员）" in c.value for c in at.sidebar.caption)


def test_a_county_clerk_sees_only_its_own_county(deployment):
    at = log_in(deployment(accounts=[("suixian", "随县填报员", "county", "421321")]).run(),
                "suixian")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "随县"  # its profile is its home page
    assert at.selectbox(key="county_pick").options == ["随县（随州市）"]


def test_settings_come_from_environment_then_secrets_file(tmp_path, monkeypatch):
    from revitalization import settings
    from revitalization.store import database_url

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('database_url = "sqlite:///from-secrets.db"\nauth = "local"\n', encoding="utf-8")
    monkeypatch.setattr(settings, "SECRETS", secrets)
    settings._secrets.cache_clear()
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REVITALIZATION_AUTH", raising=False)
    from revitalization.accounts import auth_mode

    assert database_url() == "sqlite:///from-secrets.db" and auth_mode() == "local"
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-env.db")
    assert database_url() == "sqlite:///from-env.db"  # the environment wins
    settings._secrets.cache_clear()


def test_single_sign_on_maps_the_identity_to_an_account(deployment):
    at = deployment("oidc", accounts=[("li@suizhou.gov.cn", "随州市农办", "city", "421300")])
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["统一身份认证登录"] and not at.get("plotly_chart")
    at.user = {"is_logged_in": True, "email": "someone@else.cn"}
    at.run()
    assert any("未在本系统开通" in e.value for e in at.error)
    at.user = {"is_logged_in": True, "email": "li@suizhou.gov.cn"}
    at.run()
    assert not at.exception and at.title[0].value == "全省总览"
    assert any("随州市农办（市州用户）" in c.value for c in at.sidebar.caption)


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
