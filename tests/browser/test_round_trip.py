"""One county's 年度填报 round trip in a real browser, with log-in on and three people:
the 随县 clerk uploads and submits, the 随州 reviewer returns it with a comment on a named
indicator, the clerk fixes and submits again, the reviewer passes it, the province accepts;
the board shows each step, and only the acceptance writes the data."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from conftest import ONE_CHROMIUM, admin

from revitalization import rounds, store
from revitalization.access import Actor
from revitalization.accounts import create_account
from revitalization.config import load_config
from revitalization.regions import load_regions

from .test_chromium import CHROMIUM, LOCAL, assert_healthy, start_server, stop_server

pytestmark = [ONE_CHROMIUM, pytest.mark.browser,
              pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium (no system Chromium)")]
PASSWORD = "Round-trip-2026!"
ADMIN = Actor("admin", "省农办", "province_admin")


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, templates):
    """A server with log-in on, three accounts and the 2026 round open."""
    db_url = templates.sqlite_copy("demo", tmp_path_factory.mktemp("round") / "app.db")
    engine = store.make_engine(db_url)
    for username, display, role, scope in (("admin", "省农办", "province_admin", ""),
                                           ("suixian", "随县填报员", "county", "421321"),
                                           ("suizhou", "随州市农办", "city", "421300")):
        create_account(engine, username=username, display=display, role=role, scope=scope,
                       password=PASSWORD, actor=ADMIN)
    rounds.open_round(engine, 2026, date.today() + timedelta(days=20), actor=ADMIN)
    url, proc = start_server(db_url, REVITALIZATION_AUTH="local")
    yield url, engine
    stop_server(proc)
    engine.dispose()


def as_user(browser, url: str, username: str):
    """A fresh browser session logged in as ``username``, on the 年度填报 page."""
    from urllib.parse import urlparse

    context = browser.new_context(viewport={"width": 1400, "height": 1300})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).hostname not in LOCAL
            else None)
    page.goto(url + "/")
    page.get_by_label("用户名").fill(username, timeout=60_000)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="年度填报").click(timeout=60_000)
    page.get_by_text("县级填报", exact=True).wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    return context, page, outside


def pick(page, label: str, option: str) -> None:
    """Choose ``option`` in the Streamlit select box labelled ``label`` (typed, so a long,
    virtualised list shows it)."""
    target = page.get_by_role("option").filter(has_text=option)
    for _ in range(5):  # a rerun still drawing the page can close the list just opened
        page.get_by_label(label).click()
        page.keyboard.type(option[:4])
        try:
            target.wait_for(timeout=3000)
            break
        except Exception:  # noqa: BLE001 - try opening the list again
            page.keyboard.press("Escape")
    target.click()
    page.wait_for_timeout(800)


def upload(page, tmp_path, toilets: str) -> None:
    config = load_config()
    lines = ["区划代码,年度," + ",".join(f"{i.name}（{i.unit}）" for i in config.indicators)]
    values = {i.code: f"{(i.lower + i.upper) / 2:.2f}" for i in config.indicators}
    values["sanitary_toilets"] = toilets
    lines.append("421321,2026," + ",".join(values[i.code] for i in config.indicators))
    path = tmp_path / f"随县2026_{toilets}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="把文件中的数值填入草稿").click(timeout=60_000)
    page.get_by_text("已把文件中的数值填入草稿").wait_for(timeout=60_000)


def clerk_submits(browser, url: str, tmp_path, toilets: str, *, returned: str = "") -> None:
    """The 随县 clerk (after a return: seeing the comment) uploads its file and submits."""
    context, page, outside = as_user(browser, url, "suixian")
    if returned:
        page.get_by_text(returned).wait_for(timeout=30_000)
        assert "农村卫生厕所普及率" in page.inner_text("body")
    else:
        assert page.locator(".js-plotly-plot").count() == 0  # a clerk gets its form, no board
    upload(page, tmp_path, toilets)
    page.get_by_role("button", name="提交市州审核").click()
    page.get_by_text("已提交，等待市州审核").wait_for(timeout=60_000)
    finish(context, page, outside)


def finish(context, page, outside) -> None:
    assert_healthy(page)
    assert outside == []
    context.close()


def test_one_county_full_round_trip(deployed, browser, tmp_path):
    url, engine = deployed
    before = len(store.read_observations(engine))

    clerk_submits(browser, url, tmp_path, "96.4%")

    context, page, outside = as_user(browser, url, "suizhou")
    pick(page, "县（市、区）", "随县（已提交）")
    pick(page, "有问题的指标（不选则意见针对整份填报）", "农村卫生厕所普及率")
    page.keyboard.press("Escape")
    page.get_by_label("退回意见（写明要核实或修改什么）").fill("改厕数与住户调查不一致，请核实")
    page.get_by_role("button", name="退回修改").click()
    page.get_by_text("已退回县级修改").wait_for(timeout=60_000)
    finish(context, page, outside)

    clerk_submits(browser, url, tmp_path, "95.9", returned="改厕数与住户调查不一致，请核实")

    context, page, outside = as_user(browser, url, "suizhou")
    pick(page, "县（市、区）", "随县（已提交）")
    page.get_by_role("button", name="审核通过，报省级确认").click()
    page.get_by_text("已审核通过，等待省级确认").wait_for(timeout=60_000)
    finish(context, page, outside)
    assert len(store.read_observations(engine)) == before  # nothing in the data yet

    context, page, outside = as_user(browser, url, "admin")
    page.wait_for_selector(".js-plotly-plot .choroplethlocation", timeout=60_000)
    pick(page, "县（市、区）", "随县（市州已审）")
    page.get_by_role("button", name="省级确认，写入考核数据").click()
    page.get_by_text("已确认，数值已写入考核数据").wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    assert "省级已确认" in page.inner_text("body")
    finish(context, page, outside)
    after = store.read_observations(engine)
    written = after[(after["adcode"] == "421321") & (after["year"] == 2026)]
    assert len(written) == len(load_config().indicators)
    assert written.set_index("indicator").at["sanitary_toilets", "value"] == 95.9
    board = rounds.board(engine, 2026, load_regions(), load_config(), after, actor=admin())
    assert board.at["421321", "状态"] == "省级已确认"
