"""An office's own database before its first data (``store init``: the registry and the indicator
system, no observations): every page opens, results pages say what to do first, nothing says
示例数据; a server refuses a database nobody set up, with the command to run."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.pages import PAGES
from revitalization import schema, store, wording
from revitalization.access import Actor
from revitalization.accounts import create_account
from revitalization.paths import ROOT

from .helpers import JAR, PASSWORD, log_in, open_page

BOSS = Actor("admin", "省委农办管理员", "province_admin")


@pytest.fixture
def office(templates, tmp_path, monkeypatch):
    """A fresh AppTest maker on an office database with no data, log-in on, an administrator and
    a county clerk."""
    from components import login

    url = templates.sqlite_copy("reference", tmp_path / "office.db")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REVITALIZATION_AUTH", "local")
    engine = store.make_engine(url)
    create_account(engine, username="admin", display="省委农办管理员", role="province_admin", password=PASSWORD)
    create_account(engine, username="suixian", display="随县填报员", role="county", scope="421321",
                   password=PASSWORD, actor=BOSS)
    engine.dispose()
    JAR.clear()
    monkeypatch.setattr(login, "browser_token", lambda: JAR.get("token", ""))
    monkeypatch.setattr(wording, "today", lambda: date(2026, 12, 7))  # the pages read it on every run
    st.cache_data.clear()
    st.cache_resource.clear()
    yield lambda: AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    st.cache_data.clear()
    st.cache_resource.clear()


def test_every_page_opens_on_an_office_database_with_no_data(office):
    at = log_in(office().run(), "admin")
    assert not at.exception
    assert at.title[0].value == "总览"
    assert "尚无考核数据" in at.info[0].value
    assert any("尚无考核数据" in c.value for c in at.sidebar.caption)  # no year picker
    links = {link.proto.label for link in at.get("page_link")}
    assert links == {"数据管理：导入数据", "年度填报：发起填报", "账号管理：建立账号"}
    for spec in PAGES:
        open_page(at, spec.key)
        text = " ".join(e.value for e in (*at.info, *at.markdown, *at.caption) if isinstance(e.value, str))
        assert "示例数据" not in text, spec.key
        if spec.needs_results:
            assert at.info and at.info[0].value.startswith("**尚无考核数据。**"), spec.key
            assert spec.description in at.info[0].value
            assert not at.get("plotly_chart"), spec.key
        else:  # the pages that start the data: they work with none
            assert not any("尚无考核数据。**" in i.value for i in at.info), spec.key
    open_page(at, "data")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["观测值"] == "0 条" and metrics["考核年度"] == "尚无数据"
    assert at.selectbox(key="template_year").value == 2025  # last year's data first
    assert any("尚无数据：导入后按考核年度列出" in c.value for c in at.caption)
    open_page(at, "round")  # the first round: last year's data, or this year's
    assert at.selectbox[0].label == "考核年度" and at.selectbox[0].options == ["2025 年", "2026 年"]


def test_a_clerk_is_told_the_province_brings_the_data(office):
    at = log_in(office().run(), "suixian")
    assert not at.exception
    assert "尚无考核数据" in at.info[0].value
    assert not at.get("page_link") or all("导入数据" not in link.proto.label for link in at.get("page_link"))
    assert any("省级管理员导入数据或确认年度填报后" in m.value for m in at.markdown)


def test_a_database_nobody_set_up_is_refused_with_the_commands(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'nothing.db'}")
    monkeypatch.delenv("REVITALIZATION_AUTH", raising=False)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    message = at.error[0].value
    assert "数据库尚未就绪，看板暂不能使用" in message
    assert "python -m revitalization.store init" in message and "python -m revitalization.store demo" in message
    assert not at.get("plotly_chart")
    engine = store.make_engine(f"sqlite:///{tmp_path / 'nothing.db'}")
    assert not schema.has_tables(engine)  # a server never makes the schema itself
    engine.dispose()
    st.cache_resource.clear()


def test_after_the_first_year_every_page_shows_results(office, regions, config, observations):
    """One year imported (no earlier year to compare with): every page runs and none waits."""
    from revitalization import importer
    from revitalization.exports import spreadsheets

    engine = store.make_engine()
    wide = importer.wide_export(observations[observations["year"] == 2025], config, regions)
    report = importer.validate("2025年.xlsx", spreadsheets.xlsx_bytes(wide, "2025年"), regions=regions,
                               config=config, existing=store.read_observations(engine), actor=BOSS)
    assert report.ok
    assert importer.commit(engine, report, store.read_observations(engine), file_name="2025年.xlsx",
                           actor=BOSS) == 1
    engine.dispose()
    at = log_in(office().run(), "admin")
    assert at.title[0].value == "全省总览" and not any("尚无考核数据" in i.value for i in at.info)
    for spec in PAGES:
        open_page(at, spec.key)  # no exception on any page
        assert not any("尚无考核数据" in i.value for i in at.info), spec.key
    open_page(at, "compare")
    assert any("只有一个考核年度的数据，无法进行年度对比" in i.value for i in at.info)
