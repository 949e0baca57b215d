"""The router: every page renders, log-in gates (local and single sign-on), a bad configuration."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.pages import PAGES
from revitalization.access import DEMO_ACTOR, page_allowed
from revitalization.paths import ROOT

from .helpers import log_in, open_page

DEMO_PAGES = [p for p in PAGES if page_allowed(DEMO_ACTOR, p.key)]  # log-in off: no 账号管理


@pytest.mark.parametrize("spec", DEMO_PAGES, ids=[p.key for p in DEMO_PAGES])
def test_every_page_renders(app, spec):
    at = open_page(app, spec.key)
    assert at.title, "every page has a title"
    text = " ".join(m.value for m in at.markdown)
    assert "示例数据" in text, "demo data is labelled on every page"


def test_every_page_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for spec in PAGES:
        assert spec.title in readme, spec.title
        assert (ROOT / spec.path).exists(), spec.path


def test_bad_configuration_shows_a_clear_message(tmp_path, monkeypatch):
    from components import cached
    from revitalization.config import ConfigError

    def broken():
        raise ConfigError("data/indicators.yaml: indicators[3](tourism_visits).group: 未知的振兴类别 'economy'")

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_resource.clear()
    monkeypatch.setattr(cached, "load_raw", broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    message = at.error[0].value
    assert "配置文件有误" in message and "indicators[3](tourism_visits).group" in message
    assert not (tmp_path / "app.db").exists(), "nothing is written while the configuration is bad"
    st.cache_resource.clear()


def test_the_app_asks_for_a_log_in_when_configured(deployment):
    at = deployment().run()
    assert not at.exception
    form = next(h.proto.body for h in at.get("html") if "<form" in h.proto.body)  # posted to server.py
    assert 'action="session/login"' in form and 'name="username"' in form and 'type="password"' in form
    assert not at.get("plotly_chart")  # nothing of the dashboard before log-in
    log_in(at, "admin", "not-the-password-1")
    assert any("用户名或密码错误" in e.value for e in at.error)
    log_in(at, "admin")
    assert not at.exception
    assert at.title[0].value == "全省总览"
    assert any("当前用户：管理员（省级管理员）" in c.value for c in at.sidebar.caption)


def test_single_sign_on_maps_the_identity_to_an_account(deployment, tmp_path, monkeypatch):
    from revitalization import settings

    secrets = tmp_path / "secrets.toml"  # oidc needs Streamlit's [auth] table
    secrets.write_text('login_mode = "oidc"\n[auth]\nredirect_uri = "https://kanban.example/oauth2callback"\n',
                       encoding="utf-8")
    monkeypatch.setattr(settings, "SECRETS", secrets)
    settings._secrets.cache_clear()
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


def test_an_unexpected_error_is_a_chinese_message_with_a_reference(app, monkeypatch, caplog):
    """No traceback reaches the user; the details and the same number go to the server log."""
    caplog.set_level("ERROR", logger="revitalization")
    """No traceback reaches the user; the details and the same number go to the server log."""
    from sqlalchemy.exc import OperationalError

    from components import cached

    monkeypatch.delenv("REVITALIZATION_RAISE_ERRORS")
    at = app

    def broken():
        raise KeyError("forged widget state")

    monkeypatch.setattr(cached, "assessment", broken)
    at.run()
    assert not at.exception
    message = next(e.value for e in at.error if "参考编号" in e.value)
    assert "页面出现意外错误" in message and "KeyError" not in message
    ref = message.split("参考编号 ")[1].split("）")[0]
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)

    def unreachable():
        raise OperationalError("SELECT 1", {}, Exception("could not connect to server: db.internal:5432"))

    monkeypatch.setattr(cached, "assessment", unreachable)
    at.run()
    message = next(e.value for e in at.error if "参考编号" in e.value)
    assert "暂时无法连接数据库" in message and "db.internal" not in message and "SELECT" not in message


def test_a_read_only_or_full_data_directory_is_said_plainly(app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from components import cached

    monkeypatch.delenv("REVITALIZATION_RAISE_ERRORS")

    def readonly():
        raise OperationalError("INSERT …", {}, Exception("attempt to write a readonly database"))

    monkeypatch.setattr(cached, "assessment", readonly)
    app.run()
    message = next(e.value for e in app.error if "参考编号" in e.value)
    assert "磁盘已满或为只读" in message and "readonly" not in message


def test_an_unreachable_database_at_start_is_a_message_and_recovers(new_app, app_db, monkeypatch):
    """PostgreSQL down when the first visitor comes: a Chinese message (no host, port or SQL
    on the page), and the app works as soon as the database is back, without a restart."""
    import socket

    monkeypatch.delenv("REVITALIZATION_RAISE_ERRORS")
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://nobody@127.0.0.1:{port}/hubei?connect_timeout=2")
    st.cache_resource.clear()
    at = new_app()
    at.run()
    assert not at.exception
    message = next(e.value for e in at.error if "参考编号" in e.value)
    assert "暂时无法连接数据库" in message
    assert str(port) not in message and "psycopg" not in message and "127.0.0.1" not in message
    monkeypatch.setenv("DATABASE_URL", app_db)  # the database is back (here: at another URL)
    at.run()  # no restart, no cache clearing: a failed engine was never cached
    assert not at.exception and not [e for e in at.error if "参考编号" in e.value]
    assert at.title[0].value == "全省总览"


class Relay:
    """A TCP relay between the app and PostgreSQL that can be cut (every connection closed,
    new ones refused) and restored on the same port: the database going away mid-session."""

    def __init__(self, target: tuple[str, int]) -> None:
        import socket

        self.target, self.conns = target, []
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.restore()

    def restore(self) -> None:
        import socket
        import threading

        self.server = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.server.settimeout(0.2)
        self.open = True
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server) -> None:
        import socket
        import threading

        while self.open:
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.close()
                except OSError:
                    pass

    def cut(self) -> None:
        import socket

        self.open = False
        self.server.close()
        for s in self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.conns = []


def test_postgresql_lost_mid_session_is_a_message_and_the_session_recovers(
        new_app, templates, monkeypatch):
    """The database goes away while people use the app (connections dropped, new ones
    refused): the next page says so in Chinese, without host, port or SQL; when it is back the
    same session works again, without a restart."""
    import os

    from sqlalchemy.engine import make_url

    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("TEST_DATABASE_URL 未设置 (PostgreSQL not configured)")
    monkeypatch.delenv("REVITALIZATION_RAISE_ERRORS")
    real = make_url(templates._url(templates.pg_database("demo")))
    relay = Relay((real.host, real.port))
    monkeypatch.setenv("DATABASE_URL", real.set(host="127.0.0.1", port=relay.port)
                       .render_as_string(hide_password=False) + "?connect_timeout=2")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = new_app()
    at.run()
    assert not at.exception and at.title[0].value == "全省总览"
    relay.cut()
    at.run()
    message = next(e.value for e in at.error if "参考编号" in e.value)
    assert "暂时无法连接数据库" in message
    assert str(relay.port) not in message and "psycopg" not in message and "SELECT" not in message
    relay.restore()
    at.run()
    assert not at.exception and not [e for e in at.error if "参考编号" in e.value]
    assert at.title[0].value == "全省总览"
    relay.cut()
    st.cache_data.clear()
    st.cache_resource.clear()
