"""Real-browser checks (headless system Chromium): what only a browser shows.

Every page loads with no request leaving localhost, no error box or traceback, and the
overview map draws all 103 counties.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import ONE_CHROMIUM

from components.pages import PAGES
from revitalization.access import DEMO_ACTOR, home_page, page_allowed
from revitalization.paths import ROOT
from revitalization.regions import load_regions

sys.path.insert(0, str(ROOT / "bench"))
from serve import free_port, wait_healthy  # noqa: E402  (the benchmarks' server starter)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    ONE_CHROMIUM,
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="未安装 Chromium (no system Chromium)"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL = {"localhost", "127.0.0.1", "::1", ""}


def start_server(db_url: str, **env: str) -> tuple[str, subprocess.Popen]:
    """A Streamlit server of the app on ``db_url`` (extra environment ``env``), once healthy."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port),
         "--server.headless", "true"], cwd=ROOT, env={**os.environ, "DATABASE_URL": db_url, **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    if wait_healthy(url + "/", proc, seconds=60):
        return url, proc
    proc.kill()
    pytest.fail("Streamlit server did not start: " + proc.stdout.read().decode()[-2000:])


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory, templates):
    db_url = templates.sqlite_copy("demo", tmp_path_factory.mktemp("db") / "app.db")  # as seeded
    url, proc = start_server(db_url)
    yield url
    stop_server(proc)


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url)
            if urlparse(r.url).scheme in ("http", "https", "ws", "wss")
            and urlparse(r.url).hostname not in LOCAL else None)
    page.goto(url)
    return page, outside


def wait_for_map(page, units: int = 103) -> None:
    """Until ``units`` shapes of the choropleth are drawn."""
    page.wait_for_function(f"document.querySelectorAll('.choroplethlocation').length >= {units}",
                           timeout=60_000)


IPAD = ("Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.0 Mobile/15E148 Safari/604.1")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


def touch_page(browser, agent: str, width: int, height: int):
    """A page on a touch device (its user agent and screen); close its ``context`` after."""
    context = browser.new_context(viewport={"width": width, "height": height}, user_agent=agent,
                                  has_touch=True)
    return context.new_page()


def kpis_cut(page) -> list[str]:
    """KPI values that do not fit their card."""
    return page.evaluate("""() => [...document.querySelectorAll('.kpi .value')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")


# Streamlit's and plotly's own English that must not reach a user (the interface is Chinese).
ENGLISH = ("Running", "Upload", "Drag and drop", "per file", "Browse files", "Press Enter",
           "No results", "Share", "Download as CSV", "Page not found", "Skip to main content",
           "Fullscreen", "Show/hide", "Made with Streamlit", "Download plot", "Zoom", "Autoscale")
VISIBLE_TEXT = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest('style, script, svg')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || parseFloat(cs.fontSize) === 0
        || cs.fontFamily.includes('Material')) continue;  // icons are ligatures, not words
    const box = el.getBoundingClientRect();
    if (!el.getClientRects().length || (box.width <= 1 && box.height <= 1)) continue;  // sr-only
    out.push(node.textContent);
  }
  return out.join('\\n');
}"""


def assert_chinese(page) -> None:
    """No English words of Streamlit or plotly are visible (icons and our own terms such as
    CSV, XLSX or Word are fine)."""
    text = page.evaluate(VISIBLE_TEXT)
    found = [w for w in ENGLISH if w in text]
    assert not found, f"English left in the interface: {found}"


def click_until(page, button: str, text: str, attempts: int = 3) -> None:
    """Click a button until ``text`` shows: on a loaded machine a click can land while a
    rerun is replacing the button (the button is gone once the write is done)."""
    for _ in range(attempts):
        target = page.get_by_role("button", name=button, exact=True)
        if target.count():
            target.click()
        try:  # a heavy page's rerun on a loaded 2-core machine can take most of this
            page.get_by_text(text).first.wait_for(timeout=40_000)
            return
        except Exception:  # noqa: BLE001 - not yet: try the click again
            continue
    page.get_by_text(text).first.wait_for(timeout=40_000)


def assert_healthy(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0, "error box on page"
    body = page.inner_text("body")
    assert "Traceback" not in body
    assert "Page not found" not in body


def test_a_tap_on_a_county_shows_its_card_then_opens_its_profile(server, browser):
    page, outside = open_page(browser, f"{server}/?year=2024")
    wait_for_map(page)
    page.wait_for_timeout(1000)
    # The largest county-shaped path is a safe click target; read its adcode from plotly.
    target = page.evaluate("""() => {
        const paths = [...document.querySelectorAll('.choroplethlocation')];
        let best = null, area = 0;
        for (const p of paths) {
            const b = p.getBBox();
            if (b.width * b.height > area) { area = b.width * b.height; best = p; }
        }
        const r = best.getBoundingClientRect();
        return {x: r.x + r.width / 2, y: r.y + r.height / 2, id: best.__data__.id};
    }""")
    page.mouse.click(target["x"], target["y"])
    # A tap shows the county's card first (no navigation yet), with a link to the profile.
    page.get_by_role("link", name="打开县域画像").click(timeout=30_000)
    page.wait_for_url(lambda url: "/county" in url and "county=" in url, timeout=30_000)
    adcode = parse_qs(urlparse(page.url).query)["county"][0]
    name = load_regions().set_index("adcode").at[adcode, "name"]
    page.locator("h1", has_text=name).wait_for(timeout=30_000)
    assert parse_qs(urlparse(page.url).query)["year"] == ["2024"]
    assert_healthy(page)
    assert outside == []
    page.close()


def page_url(server: str, spec) -> str:
    """The landing page (the demo user's home page) lives at the root; the others at their
    url_path."""
    return f"{server}/" if spec.key == home_page(DEMO_ACTOR) else f"{server}/{spec.key}"


DEMO_PAGES = [p for p in PAGES if page_allowed(DEMO_ACTOR, p.key)]  # log-in off: no 账号管理


@pytest.mark.parametrize("spec", DEMO_PAGES, ids=[p.key for p in DEMO_PAGES])
def test_page_loads_offline(server, browser, spec):
    page, outside = open_page(browser, page_url(server, spec))
    page.wait_for_selector("h1", timeout=60_000)
    page.get_by_text("示例数据").first.wait_for(timeout=60_000)
    if page.locator(".js-plotly-plot").count():  # drawn (the first may sit in a hidden tab)
        page.wait_for_selector(".js-plotly-plot .main-svg", state="attached", timeout=30_000)
    page.wait_for_timeout(1500)
    assert_healthy(page)
    assert_chinese(page)
    page.set_viewport_size({"width": 1280, "height": 720})  # a projector, the menu open
    page.wait_for_timeout(800)
    assert_nothing_clipped(page, 1280)
    assert outside == [], f"requests left localhost: {outside}"
    page.close()


def test_keyboard_skip_link_is_chinese(server, browser):
    """The first Tab shows Streamlit's skip link; it must read in Chinese."""
    page, _ = open_page(browser, server)
    page.wait_for_selector("h1", timeout=60_000)
    page.get_by_text("示例数据").first.wait_for(timeout=60_000)
    # the app's style sheet arrives with Streamlit's lazily loaded HTML element
    page.wait_for_function("""() => [...document.querySelectorAll('style')]
        .some(s => s.textContent.includes('stSkipToContent'))""", timeout=30_000)
    page.keyboard.press("Tab")
    page.wait_for_function("document.activeElement?.dataset.testid === 'stSkipToContent'",
                           timeout=10_000)
    assert_chinese(page)
    assert page.evaluate("""() => getComputedStyle(document.activeElement, '::after').content""") \
        == '"跳到正文"'
    page.close()


def test_a_search_without_matches_says_so_in_chinese(server, browser):
    page, _ = open_page(browser, f"{server}/county")
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_function("""() => [...document.querySelectorAll('style')]
        .some(s => s.textContent.includes('stSkipToContent'))""", timeout=30_000)
    page.locator("[data-testid='stMain'] [data-testid='stSelectbox']").first.click()
    page.keyboard.type("不存在的县")
    page.get_by_role("option").first.wait_for(timeout=10_000)
    assert page.evaluate("""() => getComputedStyle(
        document.querySelector('[role=option] > span'), '::after').content""") == '"无匹配项"'
    assert_chinese(page)
    page.close()


def test_overview_map_is_drawn(server, browser):
    page, outside = open_page(browser, f"{server}/?year=2024")
    wait_for_map(page)
    paths = page.locator(".choroplethlocation")
    assert paths.count() == 103
    filled = page.evaluate("""() => [...document.querySelectorAll('.choroplethlocation')]
        .map(p => getComputedStyle(p).fill)""")
    assert len(set(filled)) >= 3, "the map is coloured by value, not blank"
    strokes = page.evaluate("""() => [...document.querySelectorAll('.choroplethlocation')]
        .map(p => getComputedStyle(p).stroke)""")
    assert strokes.count("rgb(194, 65, 12)") == 6, "the 6 约谈 units of 2024 are outlined"
    assert "2024 年度" in page.inner_text("body")
    assert_healthy(page)
    assert outside == []
    page.close()


def test_map_follows_its_container_and_only_the_overview_map_navigates(server, browser):
    page, outside = open_page(browser, f"{server}/compare")
    page.wait_for_function("document.querySelectorAll('.geo-chart .choroplethlocation').length"
                           " >= 3 * 103", timeout=60_000)
    page.wait_for_timeout(500)
    width = "() => document.querySelector('.geo-chart .main-svg').getBoundingClientRect().width"
    before = page.evaluate(width)
    # The container narrows without any window resize (as when columns reflow).
    page.evaluate("document.querySelector('.geo-chart').parentElement.style.width = '400px'")
    page.wait_for_function(f"({width})() <= 401", timeout=10_000)
    assert before > 401
    # A click on a comparison map is not a link: the page stays where it is.
    box = page.locator(".geo-chart .choroplethlocation").nth(60).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(1500)
    assert "/compare" in page.url and "county=" not in page.url
    assert_healthy(page)
    assert outside == []
    page.close()


def test_method_view_states_every_rule_with_its_numbers(server, browser):
    """方法说明 read as a county secretary reads it: in Chinese, each rule with its numbers."""
    page, outside = open_page(browser, f"{server}/method")
    page.get_by_text("一、怎样算出综合得分").wait_for(timeout=60_000)
    page.get_by_text("七、差距测算").wait_for(timeout=30_000)
    text = page.inner_text("body")
    for rule in ("优秀：类内前 15% 以内", "评为优秀还须位于全省前 50%", "位于类内末 10%",
                 "且位于全省后 50%", "综合得分低于 60 分", "任一振兴得分低于 50 分",
                 "每年降幅不少于 1 分", "1.645", "不设“较差”等次", "同一年度不既表扬又约谈",
                 "增幅居本类别前 10%", "取较好名次", "数据待核实", "不在检验范围内"):
        assert rule in text, rule
    assert_healthy(page)
    assert outside == []
    page.close()


def test_an_office_workbook_is_checked_imported_and_undone(server, browser, tmp_path):
    """A WPS-style workbook (title, 填报单位 line, 合计 row, 填表说明) through the real upload
    box: checked with its notes, imported on confirmation, then undone (the database is as
    before for the other tests)."""
    import xlsxwriter

    path = tmp_path / "随州市报送.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    sheet.merge_range(0, 0, 0, 3, "随州市2025年度乡村振兴实绩考核指标数据表")
    sheet.write(1, 0, "填报单位（盖章）：随州市农业农村局")
    sheet.write_row(2, 0, ["区划代码", "县（市、区）", "农村卫生厕所普及率（%）", "备注"])
    sheet.write_row(3, 0, ["421321", "随县", "96.9%", "快报数"])
    sheet.write_row(4, 0, ["", "合计", 96.9])
    sheet.write(6, 0, "填表说明：百分比可带 % 号。")
    book.close()
    page, outside = open_page(browser, f"{server}/data")
    page.get_by_text("导入数据").first.wait_for(timeout=60_000)
    page.set_input_files("input[type=file]", str(path))
    page.get_by_text("检查结果").wait_for(timeout=60_000)
    body = page.inner_text("body")
    assert "按标题中的 2025 年导入" in body
    assert "“合计”为合计、平均或市州汇总行，已忽略" in body
    click_until(page, "确认导入", "已导入（批次")
    click_until(page, "撤销", "恢复了 1 个数值")
    assert_healthy(page)
    assert outside == []
    page.close()


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720), (1024, 768)])
def test_map_and_kpis_are_on_the_first_screen(server, browser, width, height):
    """Leaders' first screen (monitor, projector, tablet): the map starts in the upper half
    and the 约谈预警 KPI is visible, without scrolling; no KPI value is cut off."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(server + "/")
    wait_for_map(page)
    page.wait_for_timeout(800)
    geo = page.locator(".js-plotly-plot").first.bounding_box()
    assert geo["y"] < height / 2, f"map starts at {geo['y']} px"
    flags = page.locator(".kpi.warn").bounding_box()
    assert flags["y"] + flags["height"] <= height, "the 约谈预警 KPI is below the fold"
    assert kpis_cut(page) == []
    assert_nothing_clipped(page, width)
    page.close()


CLIPPED = """(width) => {
  const out = [];
  for (const b of document.querySelectorAll('[data-testid="stButtonGroup"] button')) {
    const box = b.getBoundingClientRect(), area = b.closest('[data-testid="stColumn"]')
      || b.closest('[data-testid="stMain"]');
    if (box.right > area.getBoundingClientRect().right + 1 || box.right > width)
      out.push('option ' + b.innerText);
  }
  for (const l of document.querySelectorAll('[data-testid="stWidgetLabel"] p'))
    if (l.scrollWidth > l.clientWidth + 1) out.push('label ' + l.innerText);
  for (const t of document.querySelectorAll('.js-plotly-plot .gtitle, .js-plotly-plot .annotation'))
    if (t.getBoundingClientRect().right > width) out.push('figure text ' + t.textContent);
  // Words Streamlit shortens with "…" because their box is too narrow (a button, a metric, a
  // link); a long option shown in a closed drop-down or a table cell may be shortened.
  for (const e of document.querySelectorAll('[data-testid="stMain"] *'))
    if (getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1
        && e.textContent.trim() && !e.closest('[data-testid="stDataFrame"], [data-baseweb="select"]'))
      out.push('shortened ' + e.textContent.trim().slice(0, 20));
  const map = [...document.querySelectorAll('.choroplethlocation')].map(p => p.getBoundingClientRect());
  const legend = document.querySelector('.js-plotly-plot .legend')?.getBoundingClientRect();
  if (legend && map.some(r => r.right > legend.left && r.left < legend.right
                              && r.bottom > legend.top && r.top < legend.bottom))
    out.push('the legend covers the map');
  return out;
}"""


def assert_nothing_clipped(page, width: int) -> None:
    """Control options and labels, figure titles and the map legend are whole and apart."""
    clipped = page.evaluate(CLIPPED, width)
    assert clipped == [], f"cut off or covered: {clipped}"


def test_on_a_phone_the_overview_is_whole(server, browser):
    page = touch_page(browser, IPHONE, 390, 844)
    page.goto(server + "/?year=2024")
    wait_for_map(page)
    page.wait_for_timeout(800)
    assert_nothing_clipped(page, 390)
    assert kpis_cut(page) == []
    assert_chinese(page)
    page.goto(server + "/?year=2024&view=city")
    wait_for_map(page, 17)
    page.wait_for_timeout(800)
    assert_nothing_clipped(page, 390)
    page.context.close()


def test_the_year_player_plays_in_the_browser(server, browser):
    page, outside = open_page(browser, f"{server}/?view=play&year=2025")
    wait_for_map(page)
    title = "() => document.querySelector('.js-plotly-plot .gtitle').textContent"
    assert "2025 年度" in page.evaluate(title)
    page.locator(".updatemenu-button").first.click()  # ▶ 播放 (from the first year)
    page.wait_for_function(f"({title})().includes('2020 年度')", timeout=20_000)
    page.locator(".updatemenu-button").nth(1).click()  # ❚❚ 暂停
    page.wait_for_timeout(2500)
    paused = page.evaluate(title)
    page.wait_for_timeout(2500)
    assert page.evaluate(title) == paused, "the map kept playing after 暂停"
    assert_chinese(page)
    assert outside == []
    page.close()


def test_copy_link_gives_the_current_view(server, browser):
    page, outside = open_page(browser, f"{server}/?year=2024&measure=ecology")
    wait_for_map(page)
    page.get_by_role("button", name="复制链接").click()
    link = page.locator('[data-testid="stCode"]').inner_text(timeout=30_000).strip()
    assert link.startswith(server) and "year=2024" in link and "measure=ecology" in link
    assert outside == []
    page.close()


def test_on_a_tablet_the_menu_starts_collapsed_and_the_year_is_on_the_page(server, browser):
    page = touch_page(browser, IPAD, 1024, 768)
    page.goto(server + "/?year=2024")
    wait_for_map(page)
    assert not page.locator("[data-testid='stSidebarNav']").is_visible()  # menu collapsed
    main = page.locator("[data-testid='stMain']")
    assert main.get_by_text("2024 年").first.is_visible()  # the year picker is on the page
    assert page.locator(".kpi.warn").bounding_box()["y"] < 768
    page.context.close()


def test_the_landing_page_by_its_own_name_opens_it(server, browser):
    """/overview (the address people type) opens the overview, with its choices kept, and
    no "Page not found" dialog; the menu lists the overview once."""
    page, outside = open_page(browser, f"{server}/overview?year=2024&measure=ecology")
    wait_for_map(page)
    page.wait_for_timeout(1000)
    assert page.locator("h1").first.inner_text() == "全省总览"
    assert "year=2024" in page.url and "measure=ecology" in page.url
    assert "湖北省县域生态振兴得分（2024 年度）" in page.inner_text("body")
    menu = [a.inner_text().split("\n")[-1] for a in
            page.locator("[data-testid='stSidebarNav'] a").all() if a.is_visible()]
    assert menu.count("总览") == 1
    assert_healthy(page)
    assert outside == []
    page.close()


def test_a_city_profile_and_the_responsibility_scorecards_render(server, browser):
    """市州画像: the city's own result, its counties drawn on the zoomed map, its scorecard; 责任清单:
    the province's bars drawn (screenshots of both were looked at when they were built)."""
    page, _ = open_page(browser, f"{server}/city?city=420800&year=2025")
    wait_for_map(page, 5)  # 荆门's five county-level units
    assert page.locator(".choroplethlocation").count() == 5
    page.get_by_text("市州约谈预警").first.wait_for(timeout=30_000)
    page.get_by_role("tab", name="责任清单").click()
    # the grid is drawn on a canvas; its accessible header row names the columns
    page.locator("th", has_text="依据指标").first.wait_for(state="attached", timeout=30_000)
    page.locator("[data-testid=stDataFrame]:visible").first.wait_for(timeout=30_000)
    assert_healthy(page)
    page.close()
    page, _ = open_page(browser, f"{server}/duties?year=2025")
    page.wait_for_selector(".js-plotly-plot .bars path", state="attached", timeout=60_000)
    widths = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .bars path')]
        .map(p => p.getBBox().width)""")
    assert len(widths) == 15 and sum(w > 0 for w in widths) == 13  # 2 duties have no indicator
    page.get_by_text("未设指标的责任").first.wait_for(timeout=30_000)
    assert_healthy(page)
    page.close()
