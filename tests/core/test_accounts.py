"""Log-in: scrypt hashes, wrong passwords refused and throttled, the bootstrap command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from revitalization.access import PermissionDenied
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

PASSWORD = "hubei2026-农办"


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
