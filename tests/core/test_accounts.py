"""Log-in: scrypt hashes, wrong passwords refused and throttled, the bootstrap command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import admin
from sqlmodel import Session

from revitalization.access import PermissionDenied
from revitalization.accounts import (
    LOCK_MINUTES,
    MAX_FAILURES,
    REFUSED,
    LoginError,
    accounts,
    authenticate,
    create_account,
    hash_password,
    main,
    reset_password,
    verify_password,
)
from revitalization.audit import access_rows, audit_rows

PASSWORD = "Chungeng-2026农办"


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
    assert "password_hash" not in audit_rows(seeded, actor=admin())["after"].str.cat()


def test_wrong_password_is_refused_and_throttled(seeded):
    create_account(seeded, username="admin", display="管理员", role="province_admin",
                   password=PASSWORD)
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for n in range(MAX_FAILURES):
        with pytest.raises(LoginError, match="用户名或密码错误"):
            authenticate(seeded, "admin", f"wrong-{n}", at=t0)
    with pytest.raises(LoginError) as locked:  # even the right password, while locked
        authenticate(seeded, "admin", PASSWORD, at=t0 + timedelta(minutes=1))
    with pytest.raises(LoginError) as unknown:
        authenticate(seeded, "nobody", PASSWORD, at=t0 + timedelta(minutes=1))
    assert str(locked.value) == str(unknown.value) == REFUSED  # nothing tells them apart
    later = t0 + timedelta(minutes=LOCK_MINUTES + 1)
    assert authenticate(seeded, "admin", PASSWORD, at=later).role == "province_admin"
    log = access_rows(seeded, actor=admin())  # reads are logged apart from the audit trail
    assert log["action"].tolist()[::-1] == ["login_failed"] * (MAX_FAILURES + 2) + ["login"]
    assert log["detail"].tolist()[1:3] == ["无此账号", "已锁定"]
    assert log["user"].iloc[0] == "管理员（省级管理员，用户名 admin）"
    assert "login_failed" not in set(audit_rows(seeded, actor=admin())["action"])  # no cache-clearing write


def test_parallel_guesses_share_one_count_and_check_at_most_the_limit(seeded, monkeypatch):
    """20 wrong passwords at once: every try is counted, the account ends locked, and no more
    than MAX_FAILURES passwords were checked against the real hash."""
    from concurrent.futures import ThreadPoolExecutor

    from revitalization import accounts
    from revitalization.store import Account, LoginThrottle

    create_account(seeded, username="admin", display="管理员", role="province_admin",
                   password=PASSWORD)
    real = Session(seeded).get(Account, "admin").password_hash
    checked = []
    original = accounts.verify_password

    def counting(password, stored):
        if stored == real:
            checked.append(password)
        return original(password, stored)

    monkeypatch.setattr(accounts, "verify_password", counting)
    t0 = datetime.now(UTC)

    def guess(n):
        with pytest.raises(LoginError):
            authenticate(seeded, "admin", f"guess-{n}", at=t0)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(guess, range(20)))
    throttle = Session(seeded).get(LoginThrottle, ("admin", ""))  # this source's count
    assert throttle.failures == 20 and throttle.locked_until
    assert len(checked) <= MAX_FAILURES


def test_a_refusal_costs_the_same_for_an_unknown_name(seeded, monkeypatch):
    import hashlib

    from revitalization import accounts

    create_account(seeded, username="admin", display="管理员", role="province_admin",
                   password=PASSWORD)
    accounts._decoy()  # made once per process, before the first refusal is timed
    calls = []
    real = hashlib.scrypt
    monkeypatch.setattr(hashlib, "scrypt", lambda *a, **k: calls.append(1) or real(*a, **k))
    for name in ("admin", "nobody"):
        calls.clear()
        with pytest.raises(LoginError, match="用户名或密码错误"):
            authenticate(seeded, name, "wrong-password-1")
        assert len(calls) == 1, name  # one scrypt either way


def test_admin_bootstrap_command(tmp_path, monkeypatch, capsys):
    from revitalization import store

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("REVITALIZATION_ADMIN_PASSWORD", PASSWORD)
    # never into a database nobody set up (it used to make a new SQLite file and say 已创建)
    assert main(["create-admin", "--username", "admin"]) == 2
    assert "未完成：数据库 sqlite:///" in capsys.readouterr().err
    assert store.main(["init"]) == 0
    assert main(["create-admin", "--username", "admin", "--display", "省委农办管理员"]) == 0
    out = capsys.readouterr().out
    assert f"数据库：sqlite:///{tmp_path / 'cli.db'}" in out and "已创建：省委农办管理员（省级管理员）" in out
    assert main(["create-admin", "--username", "admin2"]) == 2  # only while no account exists


def test_a_password_typed_twice_must_match(tmp_path, monkeypatch, capsys):
    import getpass

    from revitalization import store

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("REVITALIZATION_ADMIN_PASSWORD", raising=False)
    assert store.main(["init"]) == 0
    typed = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
    assert main(["create-admin", "--username", "admin"]) == 2
    assert "两次输入的密码不一致" in capsys.readouterr().err
    engine = store.make_engine()
    assert store.status(engine)[-1] == "可用的省级管理员账号：0 个"
    engine.dispose()


def test_the_only_administrator_is_recovered_from_the_command_line(tmp_path, monkeypatch, capsys):
    """Locked out from an address, disabled, and the password forgotten: recover-admin sets a new
    password, enables the account and lifts every lock; audited as the command line."""
    from revitalization import store
    from revitalization.store import Account

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("REVITALIZATION_ADMIN_PASSWORD", PASSWORD)
    assert store.main(["init"]) == 0
    assert main(["create-admin", "--username", "admin"]) == 0
    engine = store.make_engine()
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginError):
            authenticate(engine, "admin", "Wrong-guess-2026", source="10.0.0.8")
    with Session(engine) as session:
        account = session.get(Account, "admin")
        account.disabled = True
        session.add(account)
        session.commit()
    with pytest.raises(LoginError):
        authenticate(engine, "admin", PASSWORD, source="10.0.0.8")
    new = "Zhao-hui-2026!!"
    monkeypatch.setenv("REVITALIZATION_ADMIN_PASSWORD", new)
    assert main(["recover-admin", "--username", "nobody"]) == 2
    assert "nobody 不是省级管理员账号；省级管理员账号有：admin" in capsys.readouterr().err
    assert main(["recover-admin", "--username", "admin"]) == 0
    assert "已重设 admin 的密码，账号已启用并解除锁定" in capsys.readouterr().out
    assert authenticate(engine, "admin", new, source="10.0.0.8").role == "province_admin"
    with pytest.raises(LoginError):
        authenticate(engine, "admin", PASSWORD)
    rows = audit_rows(engine, "account", actor=admin()).tail(2)
    assert rows["action"].tolist() == ["password", "enable"]
    assert set(rows["user"]) == {"服务器运维（命令行）（省级管理员，用户名 command-line）"}
    engine.dispose()


def test_scope_must_be_in_the_registry_and_names_differ_beyond_case(seeded):
    boss = create_account(seeded, username="admin", display="管理员", role="province_admin",
                          password=PASSWORD)
    with pytest.raises(LoginError, match="999999 不是本省县"):
        create_account(seeded, username="c1", display="x", role="county", scope="999999",
                       password=PASSWORD, actor=boss)
    with pytest.raises(LoginError, match="421321 不是本省市州"):
        create_account(seeded, username="c2", display="x", role="city", scope="421321",
                       password=PASSWORD, actor=boss)
    with pytest.raises(LoginError, match="与 admin 仅大小写不同"):
        create_account(seeded, username="Admin", display="x", role="province_viewer",
                       password=PASSWORD, actor=boss)
    assert create_account(seeded, username="suixian", display="随县", role="county", scope="421321",
                          password=PASSWORD, actor=boss).scope == "421321"
    assert create_account(seeded, username="suizhou", display="随州", role="city", scope="421300",
                          password=PASSWORD, actor=boss).scope == "421300"


@pytest.mark.parametrize(("password", "why"), [
    ("aaaaaaaaa1", "至少三类"), ("Password12", "常见词或用户名（password）"), ("P@ssw0rd-2026", "常见词"),
    ("Hubei-2026x", "常见词或用户名（hubei）"), ("Xx-1111abcde", "同一字符连续 4 次"),
    ("Zhangsan-26!", "常见词或用户名（zhangsan）"), ("Short-1a", "至少 10 位"),
])
def test_weak_passwords_are_refused(seeded, password, why):
    """Issue 29 (11): aaaaaaaaa1 and Password12 were accepted."""
    boss = create_account(seeded, username="admin", display="管理员", role="province_admin", password=PASSWORD)
    with pytest.raises(LoginError, match=why):
        create_account(seeded, username="zhangsan", display="张三", role="province_viewer", password=password,
                       actor=boss)


def test_hashes_use_owasp_scrypt_parameters_and_old_ones_are_renewed_at_log_in(seeded):
    from sqlmodel import Session

    from revitalization import accounts
    from revitalization.store import Account

    create_account(seeded, username="admin", display="管理员", role="province_admin", password=PASSWORD)
    with Session(seeded) as session:
        assert session.get(Account, "admin").password_hash.split("$")[1:4] == ["131072", "8", "1"]
        old = session.get(Account, "admin")  # as an earlier version stored it: N = 2^14
        salt = bytes(16)
        digest = __import__("hashlib").scrypt(PASSWORD.encode(), salt=salt, dklen=32, n=2**14, r=8, p=1)
        old.password_hash = f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"
        session.add(old)
        session.commit()
    assert authenticate(seeded, "admin", PASSWORD).role == "province_admin"  # the old hash still works
    with Session(seeded) as session:
        renewed = session.get(Account, "admin").password_hash
    assert renewed.split("$")[1] == "131072" and not accounts.outdated(renewed)


def test_passwords_are_changed_reset_and_accounts_disabled_in_the_app(seeded):
    from revitalization.accounts import change_password, is_active, reset_password, set_disabled

    boss = create_account(seeded, username="admin", display="管理员", role="province_admin", password=PASSWORD)
    clerk = create_account(seeded, username="suixian", display="随县填报员", role="county", scope="421321",
                           password=PASSWORD, actor=boss)
    with pytest.raises(LoginError, match="用户名或密码错误"):
        change_password(seeded, clerk, "Not-the-old-1", "Xiangcun-2026!")
    with pytest.raises(LoginError, match="至少三类"):
        change_password(seeded, clerk, PASSWORD, "xiangcun2026")
    change_password(seeded, clerk, PASSWORD, "Xiangcun-2026!")
    assert authenticate(seeded, "suixian", "Xiangcun-2026!").scope == "421321"
    with pytest.raises(PermissionDenied, match="无权管理账号"):
        reset_password(seeded, clerk, "admin", "Takeover-2026!")
    reset_password(seeded, boss, "suixian", "Reset-by-office-7")
    assert authenticate(seeded, "suixian", "Reset-by-office-7").username == "suixian"
    with pytest.raises(LoginError, match="不能停用自己"):
        set_disabled(seeded, boss, "admin", True)
    set_disabled(seeded, boss, "suixian", True)
    assert not is_active(seeded, "suixian")
    with pytest.raises(LoginError, match="用户名或密码错误"):
        authenticate(seeded, "suixian", "Reset-by-office-7")
    set_disabled(seeded, boss, "suixian", False)
    assert is_active(seeded, "suixian")
    log = audit_rows(seeded, "account", actor=admin())
    assert log["action"].tolist() == ["create", "create", "password", "password", "disable", "enable"]
    assert "password_hash" not in log["after"].str.cat() + log["before"].str.cat()


def test_guessing_from_one_address_never_locks_the_owner_out_elsewhere(seeded):
    """Issue 29 (11): anyone could lock the administrator with 5 guesses. The lock is per
    account and source: the guesser's address is locked, the administrator's is not."""
    create_account(seeded, username="admin", display="管理员", role="province_admin", password=PASSWORD)
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for n in range(MAX_FAILURES + 2):
        with pytest.raises(LoginError, match="用户名或密码错误"):
            authenticate(seeded, "admin", f"guess-{n}", at=t0, source="来自 203.0.113.9")
    with pytest.raises(LoginError):  # the guesser, even with the right password
        authenticate(seeded, "admin", PASSWORD, at=t0, source="来自 203.0.113.9")
    owner = authenticate(seeded, "admin", PASSWORD, at=t0, source="来自 10.20.30.40")
    assert owner.role == "province_admin"  # the owner from the office is not locked out
    listed = accounts(seeded, actor=owner).set_index("username")
    assert listed.at["admin", "failures"] == MAX_FAILURES + 3 and listed.at["admin", "locked_until"]
    reset_password(seeded, owner, "admin", "Another-2026-pw")  # a reset lifts every lock
    assert authenticate(seeded, "admin", "Another-2026-pw", at=t0, source="来自 203.0.113.9").username == "admin"
