"""Local accounts: scrypt password hashes, throttled log-in, and the admin bootstrap command.

    .venv/bin/python -m revitalization.accounts create-admin --username admin --display 管理员

reads the password from ``REVITALIZATION_ADMIN_PASSWORD`` or asks for it (never from the
repository). Log-in is off in demo mode; set ``REVITALIZATION_AUTH=local`` to require it.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import os
import re
import secrets
import sys
import threading
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import pandas as pd
from sqlalchemy import and_, case, delete, func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization.access import ROLES, Actor, require
from revitalization.audit import access, audit, now
from revitalization.sessions import close_all
from revitalization.settings import SettingsError, secrets_table, setting
from revitalization.store import Account, LoginThrottle, Region

SCRYPT = {"n": 2**17, "r": 8, "p": 1}  # OWASP's minimum for scrypt: 128 MiB and ~0.3 s a hash
SCRYPT_MAXMEM = 256 * 2**20
HASHING_AT_ONCE = 2  # scrypt runs at once per server (each holds 128 MiB): a flood of log-ins waits
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)
# Words every guessing list starts with: a password containing one (any case, digits for
# letters) is refused, however long.
COMMON = ("password", "passwd", "qwerty", "asdf", "zxcv", "admin", "welcome", "letmein", "iloveyou",
          "hubei", "wuhan", "abc123", "123456", "654321", "111111", "888888", "000000", "changeme")
MIN_PASSWORD = 10
MAX_FAILURES = 5  # then locked for LOCK_MINUTES; every further failure locks again
LOCK_MINUTES = 15


class LoginError(ValueError):
    """A refused log-in or account change, in Chinese (never says which part was wrong)."""


AUTH_MODES = ("off", "local", "oidc")


def auth_mode() -> str:
    """``local`` (accounts and passwords here), ``oidc`` (the office's identity provider
    through Streamlit's ``st.login``; its ``[auth]`` section goes in secrets.toml) or
    ``off`` (the demo, when nothing is set).

    Fails closed: any other value (a typo, quotes kept by a docker env-file, another case),
    an unreadable secrets file, ``[auth]`` without ``login_mode = "oidc"``, or ``oidc``
    without ``[auth]`` raise SettingsError, and the app refuses to start."""
    mode = setting("REVITALIZATION_AUTH")
    if mode not in ("", *AUTH_MODES):
        raise SettingsError(f"登录方式 REVITALIZATION_AUTH（secrets.toml 中为 login_mode）的值“{mode}”无效，"
                            "看板拒绝启动：只能是 off、local 或 oidc（小写，不带引号或空格）")
    oidc_table = secrets_table("auth")
    if mode == "oidc" and oidc_table is None:
        raise SettingsError("登录方式为 oidc，但 secrets.toml 中没有 [auth] 表（统一身份认证的地址和密钥），"
                            "看板拒绝启动")
    if oidc_table is not None and mode != "oidc":
        raise SettingsError("secrets.toml 中有统一身份认证的 [auth] 表，但登录方式不是 oidc，看板拒绝启动："
                            "请同时设置 login_mode = \"oidc\"（或删去 [auth] 表）")
    return mode or "off"


def check_login(demo_database: bool) -> str:
    """The log-in mode, checked against the database before the app serves anything: without
    log-in (``off``) only on the demo's own database; an office's real data is never served
    to anyone who opens the address. Raises SettingsError."""
    mode = auth_mode()
    if mode == "off" and not demo_database:
        raise SettingsError("数据库中是正式数据（不是示例数据），但没有启用登录，看板拒绝启动：请设置 "
                            "REVITALIZATION_AUTH=local（或 oidc），或在 secrets.toml 中写 login_mode = \"local\"，"
                            "并用 python -m revitalization.accounts create-admin 创建第一个管理员账号")
    return mode


def session_minutes() -> int:
    try:
        return max(5, int(setting("REVITALIZATION_SESSION_MINUTES", "30")))
    except ValueError:
        return 30


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    with _hashing:
        return hashlib.scrypt(password.encode(), salt=salt, dklen=32, n=n, r=r, p=p,
                              maxmem=SCRYPT_MAXMEM)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        check = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(check.hex(), digest)


def outdated(stored: str) -> bool:
    """Whether a hash was made with weaker parameters than today's (rehashed at log-in)."""
    return stored.split("$")[1:4] != [str(SCRYPT[k]) for k in ("n", "r", "p")]


def _check_password(password: str, username: str = "") -> None:
    """The password policy: at least MIN_PASSWORD characters of at least three kinds (lower
    case, upper case, digits, symbols), no character four times in a row, and none of the
    words guessing starts with, nor the user name."""
    if len(password) < MIN_PASSWORD:
        raise LoginError(f"密码：至少 {MIN_PASSWORD} 位")
    kinds = sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                 any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))
    if kinds < 3:
        raise LoginError("密码：应包含小写字母、大写字母、数字、符号中的至少三类")
    if re.search(r"(.)\1{3}", password):
        raise LoginError("密码：不能有同一字符连续 4 次")
    plain = password.lower().translate(str.maketrans("013457@$", "oieastas"))
    for word in (*COMMON, username.lower()):
        if word and len(word) >= 4 and (word in password.lower() or word in plain):
            raise LoginError(f"密码：不能包含常见词或用户名（{word}）")


def create_account(engine: Engine, *, username: str, display: str, role: str, password: str,
                   scope: str = "", actor: Actor | None = None) -> Actor:
    """Create an account. Without ``actor`` this is the bootstrap: only while no account
    exists (the first administrator, from the command line)."""
    username = username.strip()
    if not username or not username.isascii() or \
            not all(c.isalnum() or c in "_.-@" for c in username):
        raise LoginError("用户名：只能由字母、数字和 _ . - @ 组成（单点登录时填写邮箱）")
    if role not in ROLES:
        raise LoginError(f"角色：应为 {'、'.join(ROLES)} 之一")
    _check_password(password, username)
    account_actor = Actor(username, display.strip() or username, role, scope)  # validates scope
    with Session(engine) as session:
        if actor is None:
            if session.exec(select(Account)).first() is not None:
                raise LoginError("已有账号：请由省级管理员在系统中创建新账号")
        else:
            require(actor, "account")  # account management is for 省级管理员 only
        taken = session.exec(select(Account.username).where(
            func.lower(Account.username) == username.lower())).first()
        if taken is not None:  # admin and Admin would be two people to the audit trail
            raise LoginError(f"用户名：{username} 已存在" + (f"（与 {taken} 仅大小写不同）"
                                                        if taken != username else ""))
        if role == "county" and session.get(Region, scope) is None:
            raise LoginError(f"所属区划：{scope} 不是本省县（市、区）的区划代码")
        if role == "city" and session.exec(select(Region).where(Region.city_adcode == scope)).first() is None:
            raise LoginError(f"所属区划：{scope} 不是本省市州的区划代码")
        account = Account(username=username, display=account_actor.display, role=role, scope=scope,
                          password_hash=hash_password(password), created_at=now())
        session.add(account)
        record = account.model_dump(exclude={"password_hash"})
        audit(session, actor.signature if actor else "系统初始化", "account", username, "create", None,
              record)
        session.commit()
    return account_actor


REFUSED = (f"用户名或密码错误（同一账号从同一地址连续失败 {MAX_FAILURES} 次后，该地址将锁定 {LOCK_MINUTES} 分钟，"
           "锁定期间无法从该地址登录）")


@lru_cache(maxsize=1)
def _decoy() -> str:
    """A hash checked for unknown names and locked accounts: every refusal costs one scrypt."""
    return hash_password(secrets.token_hex(16))


def authenticate(engine: Engine, username: str, password: str, *,
                 at: datetime | None = None, source: str = "") -> Actor:
    """The account's Actor, or LoginError with one message for every refusal (unknown name,
    wrong password, locked account), after the same work (one scrypt), so neither the words
    nor the time tell whether an account exists.

    Failures are counted per account **and source** (``source``: where the attempt comes from,
    e.g. "来自 10.1.2.3"): guesses from one address lock that address out of the account for
    LOCK_MINUTES, never its owner elsewhere. Each attempt first reserves a try in one atomic
    UPDATE (failures + 1, or a fresh count once a lock has expired) before the password is
    checked: parallel guesses cannot share a count, and at most MAX_FAILURES passwords are
    checked per source and lock period."""
    at = at or datetime.now(UTC)
    stamp, name, key = at.isoformat(), username.strip(), source[:80]
    with Session(engine) as session:
        account = session.exec(select(Account).where(Account.username == name,
                                                     Account.disabled == False)).first()  # noqa: E712
    row = None
    if account is not None:
        throttle = LoginThrottle.__table__
        expired = and_(LoginThrottle.locked_until != "", LoginThrottle.locked_until <= stamp)
        with engine.begin() as conn:
            conn.execute(_insert_ignore(engine, throttle, username=name, source=key))
            row = conn.execute(
                update(LoginThrottle).where(LoginThrottle.username == name, LoginThrottle.source == key)
                .values(failures=case((expired, 1), else_=LoginThrottle.failures + 1),
                        locked_until=case((expired, ""), else_=LoginThrottle.locked_until))
                .returning(LoginThrottle.failures, LoginThrottle.locked_until)).first()
    if account is None or row.locked_until or row.failures > MAX_FAILURES:
        verify_password(password, _decoy())
        if account is not None and not row.locked_until:  # the try past the limit locks
            _lock(engine, name, key, at)
        access(engine, name[:100], "login_failed", ("已锁定" if account is not None else "无此账号")
               + (f"，{source}" if source else ""))  # the same one write as a wrong password
        raise LoginError(REFUSED)
    if verify_password(password, account.password_hash):
        fresh = {"password_hash": hash_password(password)} if outdated(account.password_hash) else {}
        with engine.begin() as conn:  # a hash of older, weaker parameters is renewed
            conn.execute(update(LoginThrottle).where(LoginThrottle.username == name, LoginThrottle.source == key)
                         .values(failures=0, locked_until=""))
            if fresh:
                conn.execute(update(Account).where(Account.username == name).values(**fresh))
        actor = Actor(name, account.display, account.role, account.scope)
        access(engine, actor.signature, "login", source)
        return actor
    if row.failures >= MAX_FAILURES:
        _lock(engine, name, key, at)
    access(engine, name, "login_failed", f"第 {row.failures} 次{'，' + source if source else ''}")
    raise LoginError(REFUSED)


def _insert_ignore(engine: Engine, table, **values):
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table).values(**values).on_conflict_do_nothing()


def _lock(engine: Engine, name: str, source: str, at: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(update(LoginThrottle).where(
            LoginThrottle.username == name, LoginThrottle.source == source, LoginThrottle.locked_until == ""
        ).values(locked_until=(at + timedelta(minutes=LOCK_MINUTES)).isoformat()))


def actor_for_identity(engine: Engine, email: str | None) -> Actor:
    """The account registered for an identity-provider user (username = e-mail address):
    the provider proves who it is, the account here says what they may do."""
    with Session(engine) as session:
        account = session.get(Account, (email or "").strip())
        if account is None or account.disabled:
            raise LoginError(f"账号 {email or '（无邮箱）'} 未在本系统开通，请联系省级管理员")
        return Actor(account.username, account.display, account.role, account.scope)


def accounts(engine: Engine, *, actor: Actor) -> pd.DataFrame:
    """Every account (no password hashes) with its failed log-ins: the most from one source
    and the latest lock."""
    require(actor, "account")
    with Session(engine) as session:
        rows = [a.model_dump(exclude={"password_hash"}) for a in session.exec(select(Account))]
        throttled = session.exec(select(LoginThrottle)).all()
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    most = {r.username: 0 for r in throttled}
    until = {r.username: "" for r in throttled}
    for r in throttled:
        most[r.username] = max(most[r.username], r.failures)
        until[r.username] = max(until[r.username], r.locked_until)
    frame["failures"] = frame["username"].map(most).fillna(0).astype(int)
    frame["locked_until"] = frame["username"].map(until).fillna("")
    return frame


def _changed(engine: Engine, username: str, actor: Actor, action: str, **values) -> None:
    with Session(engine) as session:
        account = session.get(Account, username)
        if account is None:
            raise LoginError(f"账号 {username} 不存在")
        before = account.model_dump(exclude={"password_hash"})
        for key, value in values.items():
            setattr(account, key, value)
        session.add(account)
        audit(session, actor.signature, "account", username, action, before,
              account.model_dump(exclude={"password_hash"}))
        session.commit()


def change_password(engine: Engine, actor: Actor, old: str, new: str) -> None:
    """A user changes their own password: the old one is checked first (same cost and
    throttle as a log-in), the new one against the policy."""
    authenticate(engine, actor.username, old)
    _check_password(new, actor.username)
    if new == old:
        raise LoginError("密码：新密码不能与原密码相同")
    _changed(engine, actor.username, actor, "password", password_hash=hash_password(new))


def reset_password(engine: Engine, actor: Actor, username: str, new: str) -> None:
    """The 省级管理员 sets a new password for an account (forgotten, or handed over); the lock
    is lifted. Audited without the hash."""
    require(actor, "account")
    _check_password(new, username)
    _changed(engine, username, actor, "password", password_hash=hash_password(new))
    with engine.begin() as conn:  # every source's lock lifted
        conn.execute(delete(LoginThrottle).where(LoginThrottle.username == username))
    close_all(engine, username)  # whoever was logged in with the old password is logged out


def set_disabled(engine: Engine, actor: Actor, username: str, disabled: bool) -> None:
    """The 省级管理员 disables an account (a person who left) or enables it again; a disabled
    account cannot log in. An administrator cannot disable their own account."""
    require(actor, "account")
    if disabled and username == actor.username:
        raise LoginError("不能停用自己正在使用的账号")
    _changed(engine, username, actor, "disable" if disabled else "enable", disabled=disabled)
    if disabled:
        close_all(engine, username)


def is_active(engine: Engine, username: str) -> bool:
    """Whether the account may still act (exists and is not disabled): checked on every page,
    so disabling an account ends its open sessions."""
    with Session(engine) as session:
        account = session.get(Account, username)
        return account is not None and not account.disabled


OPERATOR = Actor("command-line", "服务器运维（命令行）", "province_admin")  # recovery, audited as such


def recover_admin(engine: Engine, username: str, password: str) -> None:
    """The way back when the only administrator is locked out, disabled or has forgotten the
    password (run on the server, by whoever runs it): a 省级管理员 account gets a new password,
    is enabled again and every lock is lifted; audited as the command line."""
    with Session(engine) as session:
        account = session.get(Account, username)
        admins = session.exec(select(Account.username).where(Account.role == "province_admin")).all()
    if account is None or account.role != "province_admin":
        raise LoginError(f"{username} 不是省级管理员账号" + (f"；省级管理员账号有：{'、'.join(admins)}" if admins
                                                     else "；还没有省级管理员账号，请用 create-admin 创建"))
    reset_password(engine, OPERATOR, username, password)
    if account.disabled:
        set_disabled(engine, OPERATOR, username, False)


def _new_password() -> str:
    """From REVITALIZATION_ADMIN_PASSWORD (scripts), else typed twice at the terminal."""
    if os.environ.get("REVITALIZATION_ADMIN_PASSWORD"):
        return os.environ["REVITALIZATION_ADMIN_PASSWORD"]
    first = getpass.getpass("密码：")
    if first != getpass.getpass("再次输入密码："):
        raise LoginError("两次输入的密码不一致，未作修改")
    return first


def main(argv: list[str] | None = None) -> int:
    """``python -m revitalization.accounts create-admin | recover-admin --username …``."""
    from revitalization import store
    from revitalization.config import load_config
    from revitalization.regions import load_regions

    parser = argparse.ArgumentParser(prog="python -m revitalization.accounts",
                                     description="省级管理员账号（在服务器上运行，数据库为 DATABASE_URL 所指）")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create-admin", help="创建第一个省级管理员账号（数据库中还没有任何账号时）")
    create.add_argument("--username", required=True)
    create.add_argument("--display", default="")
    recover = sub.add_parser("recover-admin", help="省级管理员被锁定、停用或忘记密码时：设新密码、启用并解锁")
    recover.add_argument("--username", required=True)
    args = parser.parse_args(argv)
    engine = store.make_engine()
    try:
        store.open_store(engine, load_config(), load_regions())
        print(f"数据库：{store.shown_url(str(engine.url))}")
        password = _new_password()
        if args.command == "create-admin":
            created = create_account(engine, username=args.username, display=args.display,
                                     role="province_admin", password=password)
            print(f"已创建：{created}")
        else:
            recover_admin(engine, args.username, password)
            print(f"已重设 {args.username} 的密码，账号已启用并解除锁定；已登录的会话全部结束")
    except (LoginError, store.StoreError) as exc:
        print(f"未完成：{exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
