"""A download button drawn before log-out or time-out no longer delivers data: the data is
made on the click, outside the session, so the guard checks a process-wide table of live
log-ins that log-out and time-out update. Every download is recorded in the access log."""

from __future__ import annotations

import pytest

from components import login
from revitalization.access import Actor

CLERK = Actor("suixian", "随县填报员", "county", "421321")


@pytest.fixture
def recorded(monkeypatch):
    """Log-in on, a logged-in clerk, and the access-log rows the clicks write."""
    monkeypatch.setenv("REVITALIZATION_AUTH", "local")
    monkeypatch.setattr(login.st, "session_state", {login.ACTOR_KEY: CLERK})
    rows: list[tuple] = []
    monkeypatch.setattr(login, "access", lambda engine, user, action, detail="": rows.append(
        (user, action, detail)))
    monkeypatch.setattr(login.cached, "engine", lambda: None)
    yield rows
    login._LIVE.clear()


def test_a_download_stops_at_log_out(recorded):
    login._alive()
    make = login.protected(lambda: b"data", what="随县_县域画像_2025年度.docx")
    assert make() == b"data"
    assert recorded == [("随县填报员（县级填报员，用户名 suixian）", "download", "随县_县域画像_2025年度.docx")]
    login._ended()  # the 退出登录 button
    with pytest.raises(PermissionError, match="登录已失效"):
        make()
    assert len(recorded) == 1  # a refused click takes nothing away


def test_a_download_stops_at_time_out(recorded, monkeypatch):
    login._alive()
    make = login.protected(lambda: b"data", what="x.csv")
    later = login.time.time() + login.session_minutes() * 60 + 1
    monkeypatch.setattr(login.time, "time", lambda: later)
    with pytest.raises(PermissionError, match="登录已失效"):
        make()


def test_without_log_in_downloads_are_not_guarded_but_recorded(recorded, monkeypatch):
    monkeypatch.setenv("REVITALIZATION_AUTH", "off")
    assert login.protected(lambda: b"data", what="排名.csv")() == b"data"
    assert recorded == [("本地用户，未启用登录（省级管理员，用户名 demo）", "download", "排名.csv")]
