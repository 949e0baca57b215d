"""Log-in sessions bound to the browser's cookie (issue 29, 5): what ends one, and what a
token is worth (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import admin
from sqlmodel import Session, select

from revitalization.accounts import create_account, reset_password, set_disabled
from revitalization.sessions import ABSOLUTE_HOURS, close_session, open_session, session_actor
from revitalization.store import LoginSession

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PASSWORD = "Chungeng-2026农办"


@pytest.fixture
def clerk(seeded):
    boss = create_account(seeded, username="admin", display="管理员", role="province_admin", password=PASSWORD)
    return seeded, boss, create_account(seeded, username="suixian", display="随县填报员", role="county",
                                        scope="421321", password=PASSWORD, actor=boss)


def test_a_token_names_its_user_and_only_its_hash_is_kept(clerk):
    engine, _, actor = clerk
    token = open_session(engine, actor, at=T0)
    assert session_actor(engine, token, minutes=30, at=T0 + timedelta(minutes=5)) == actor
    with Session(engine) as session:
        kept = session.exec(select(LoginSession)).one()
    assert token not in kept.token_hash and len(kept.token_hash) == 64
    assert open_session(engine, actor, at=T0) != token  # a new token at every log-in
    for forged in ("", None, token[:-1] + ("A" if token[-1] != "A" else "B"), kept.token_hash):
        assert session_actor(engine, forged, minutes=30, at=T0) is None


@pytest.mark.parametrize(("after", "live"), [(timedelta(minutes=30), True), (timedelta(minutes=31), False)])
def test_an_idle_session_ends_at_its_minute(clerk, after, live):
    engine, _, actor = clerk
    token = open_session(engine, actor, at=T0)
    assert (session_actor(engine, token, minutes=30, at=T0 + after) is not None) is live
    if not live:  # ended for good, not only for this request
        assert session_actor(engine, token, minutes=30, at=T0) is None


def test_an_active_session_still_ends_after_its_absolute_lifetime(clerk):
    engine, _, actor = clerk
    token = open_session(engine, actor, at=T0)
    at = T0
    while at < T0 + timedelta(hours=ABSOLUTE_HOURS):  # used every 20 minutes all day
        assert session_actor(engine, token, minutes=30, at=at) == actor
        at += timedelta(minutes=20)
    assert session_actor(engine, token, minutes=30, at=T0 + timedelta(hours=ABSOLUTE_HOURS, minutes=1)) is None


def test_log_out_ends_the_session_for_every_tab(clerk):
    engine, _, actor = clerk
    token = open_session(engine, actor, at=T0)
    other = open_session(engine, actor, at=T0)  # another browser of the same person
    close_session(engine, token, at=T0 + timedelta(minutes=1))
    assert session_actor(engine, token, minutes=30, at=T0 + timedelta(minutes=2)) is None
    assert session_actor(engine, other, minutes=30, at=T0 + timedelta(minutes=2)) == actor


def test_a_password_set_anew_or_a_disabled_account_ends_its_sessions(clerk):
    engine, boss, actor = clerk
    now = datetime.now(UTC)
    token = open_session(engine, actor, at=now)
    reset_password(engine, boss, "suixian", "Reset-by-office-7")
    assert session_actor(engine, token, minutes=30, at=now) is None
    token = open_session(engine, actor, at=now)
    set_disabled(engine, boss, "suixian", True)
    assert session_actor(engine, token, minutes=30, at=now) is None
    set_disabled(engine, boss, "suixian", False)
    assert session_actor(engine, token, minutes=30, at=now) is None  # enabling opens no old session
    assert admin().role == "province_admin"


@pytest.mark.parametrize(("asked", "target"), [
    ("/county?county=421321&year=2025", "/county?county=421321&year=2025"),
    ("/", "/"), ("", "/"),
    ("https://evil.example/x", "/"), ("//evil.example/x", "/"), ("/\\evil.example", "/"),
    ("javascript:alert(1)", "/"), ("ranking", "/"),
])
def test_after_log_in_only_a_page_of_this_site(asked, target):
    from server import local_target

    assert local_target(asked) == target


@pytest.mark.parametrize(("peer", "header", "address"), [
    ("127.0.0.1", "203.0.113.9", "203.0.113.9"),  # the deployment guide's nginx on this machine
    ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # a browser forging the header directly
    ("127.0.0.1", "", "127.0.0.1"),
])
def test_the_address_failed_log_ins_are_counted_by(peer, header, address):
    from types import SimpleNamespace

    from server import client_address

    request = SimpleNamespace(client=SimpleNamespace(host=peer), headers={"x-real-ip": header} if header else {})
    assert client_address(request) == address
