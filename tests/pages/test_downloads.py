"""A download button drawn before log-out or time-out no longer delivers data: the data is
made on the click, outside the session, so the guard checks a process-wide table of live
log-ins that log-out and time-out update."""

from __future__ import annotations

import pytest

from components import login


@pytest.fixture
def session(monkeypatch):
    monkeypatch.setenv("REVITALIZATION_AUTH", "local")
    monkeypatch.setattr(login.st, "session_state", {})
    yield
    login._LIVE.clear()


def test_a_download_stops_at_log_out(session):
    login._alive()
    make = login.protected(lambda: b"data")
    assert make() == b"data"
    login._ended()  # the 退出登录 button
    with pytest.raises(PermissionError, match="登录已失效"):
        make()


def test_a_download_stops_at_time_out(session, monkeypatch):
    login._alive()
    make = login.protected(lambda: b"data")
    later = login.time.time() + login.session_minutes() * 60 + 1
    monkeypatch.setattr(login.time, "time", lambda: later)
    with pytest.raises(PermissionError, match="登录已失效"):
        make()


def test_without_log_in_downloads_are_plain(monkeypatch):
    monkeypatch.setenv("REVITALIZATION_AUTH", "off")
    make = lambda: b"data"  # noqa: E731
    assert login.protected(make) is make
