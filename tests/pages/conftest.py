"""The AppTest fixture family: the app on its own copy of the seeded demo database.

``app_db``      a copy of the database the app seeds on first run (built once per session),
                ``DATABASE_URL`` pointing at it, Streamlit's caches cleared before and after;
``new_app``     makes a fresh AppTest of ``app.py`` on it (not yet run);
``app``         the app run once, log-in off (the demo), no exception;
``deployment``  log-in on: ``start(mode, accounts)`` bootstraps the administrator "管理员"
                (password PASSWORD), adds ``(username, display, role, scope)`` accounts and
                returns a fresh AppTest (not yet run).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from revitalization import store
from revitalization.access import Actor
from revitalization.accounts import create_account, main
from revitalization.paths import ROOT

from .helpers import JAR, PASSWORD


@pytest.fixture
def app_db(templates, tmp_path, monkeypatch) -> str:
    url = templates.sqlite_copy("demo", tmp_path / "app.db")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("REVITALIZATION_AUTH", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def new_app(app_db) -> Callable[[], AppTest]:
    return lambda: AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)


@pytest.fixture
def app(new_app) -> AppTest:
    at = new_app()
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def deployment(app_db, new_app, monkeypatch) -> Callable[..., AppTest]:
    from components import login

    monkeypatch.setenv("REVITALIZATION_ADMIN_PASSWORD", PASSWORD)
    JAR.clear()
    monkeypatch.setattr(login, "browser_token", lambda: JAR.get("token", ""))

    def start(mode: str = "local", accounts: tuple = ()) -> AppTest:
        monkeypatch.setenv("REVITALIZATION_AUTH", mode)
        main(["create-admin", "--username", "admin", "--display", "管理员"])
        boss = Actor("admin", "管理员", "province_admin")
        engine = store.make_engine(app_db)
        for username, display, role, scope in accounts:
            create_account(engine, username=username, display=display, role=role,
                           scope=scope, password=PASSWORD, actor=boss)
        engine.dispose()
        return new_app()

    return start
