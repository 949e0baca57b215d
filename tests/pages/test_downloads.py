"""A download button drawn before log-out or time-out no longer delivers data: the data is
made on the click, outside the session, so the click checks the browser's log-in session in
the store again. Every download is recorded in the access log."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import Session

from components import cached, login
from revitalization.access import Actor
from revitalization.accounts import create_account
from revitalization.sessions import close_session, open_session
from revitalization.store import LoginSession

CLERK = Actor("suixian", "随县填报员", "county", "421321")


@pytest.fixture
def recorded(app_db, monkeypatch):
    """Log-in on, a clerk logged in (its session token in the browser), and the access-log
    rows the clicks write."""
    monkeypatch.setenv("REVITALIZATION_AUTH", "local")
    engine = cached.engine()
    create_account(engine, username="suixian", display="随县填报员", role="county", scope="421321",
                   password="Chungeng-2026农办")
    token = open_session(engine, CLERK)
    monkeypatch.setattr(login, "browser_token", lambda: token)
    monkeypatch.setattr(login.st, "session_state", {login.ACTOR_KEY: CLERK})
    rows: list[tuple] = []
    monkeypatch.setattr(login, "access", lambda engine, user, action, detail="": rows.append(
        (user, action, detail)))
    return engine, token, rows


def test_a_download_stops_at_log_out_in_any_tab(recorded):
    engine, token, rows = recorded
    make = login.protected(lambda: b"data", what="随县_县域画像_2025年度.docx")
    assert make() == b"data"
    assert rows == [("随县填报员（县级填报员，用户名 suixian）", "download", "随县_县域画像_2025年度.docx")]
    close_session(engine, token)  # 退出登录, in this tab or another
    with pytest.raises(PermissionError, match="登录已失效"):
        make()
    assert len(rows) == 1  # a refused click takes nothing away


def test_a_download_stops_at_time_out(recorded):
    engine, token, _ = recorded
    make = login.protected(lambda: b"data", what="x.csv")
    with Session(engine) as session:  # the session was last used an hour ago
        session.execute(update(LoginSession).values(last_seen="2026-01-01T00:00:00+00:00"))
        session.commit()
    with pytest.raises(PermissionError, match="登录已失效"):
        make()


def test_without_log_in_downloads_are_not_guarded_but_recorded(recorded, monkeypatch):
    _, _, rows = recorded
    monkeypatch.setenv("REVITALIZATION_AUTH", "off")
    assert login.protected(lambda: b"data", what="排名.csv")() == b"data"
    assert rows == [("本地用户，未启用登录（省级管理员，用户名 demo）", "download", "排名.csv")]
