"""Every standard briefing figure, laid out in every export preset, in a real browser with the
plotly.js the exporter uses: title, legend, footer and plot area never overlap, and all stay
inside the figure. (Overlaps only show once text is measured; no Python check can see them.)"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import plotly
import pytest
from conftest import ONE_CHROMIUM

from revitalization import charts
from revitalization.exports import images as export
from revitalization.paths import STATIC_DIR
from revitalization.responsibilities import county_scores, province_view

from .test_chromium import CHROMIUM

pytestmark = [ONE_CHROMIUM, pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="未安装 Chromium")]

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
FOOTER = "示例数据 · 数据来源：湖北省乡村振兴考核数据库 · 制图日期 2026年11月30日 · 方法指纹 5b46e7b4b554"
COUNTY = "421321"  # 随县: flagged, with a fall (its waterfall and trend have the most to say)

MEASURE = """(footer) => {
  const gd = document.getElementById('fig');
  const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
    return r.width && r.height ? {l: r.left, t: r.top, r: r.right, b: r.bottom} : null; };
  const fig = box(gd.querySelector('.main-svg'));
  const title = box(gd.querySelector('.g-gtitle'));
  const legend = box(gd.querySelector('.legend .bg')) || box(gd.querySelector('.legend'));
  const foot = box([...gd.querySelectorAll('.legend2titletext')]
    .find(n => n.textContent.includes('方法指纹')));
  const plots = [...gd.querySelectorAll('.nsewdrag, .geo .bg, .polar .bg, .polarlayer .bg')]
    .map(box).filter(Boolean);
  return {fig, title, legend, foot, plots};
}"""


def _support(regions):
    from revitalization import demo, support
    from revitalization.config import load_config

    records = demo.generate_support(regions, load_config()).assign(deleted=False)
    return support.coverage(records, regions, 2025), support.pairs(records, regions, 2025)


def figures(assessment, config, cities, regions) -> dict:
    a, c = assessment, config
    out = {
        "全省地图": charts.province_map(a, c, 2025, demo=True, inline=True, legend_below=True),
        "五大振兴小图": charts.group_multiples(a, c, 2025, demo=True, inline=True),
        "市州地图": charts.city_map(cities, c, 2025, demo=True, inline=True),
        "市州各县": charts.city_counties_map(a, c, "420800", 2025, demo=True, inline=True),
        "帮扶协作": charts.support_map(*_support(regions), regions, 2025, demo=True, inline=True),
        "责任落实": charts.responsibility_bars(province_view(county_scores(a, c), c, 2025,
                                                          pd.Series(dtype=str)), 2025, demo=True),
        "变化地图": charts.change_map(a, c, 2024, 2025, demo=True, inline=True),
        "进退步": charts.movers(a, c, 2024, 2025, demo=True),
        "等次变化": charts.transitions(a, 2024, 2025, demo=True),
        "雷达图": charts.county_radar(a, c, COUNTY, 2025, demo=True),
        "走势": charts.county_trend(a, c, COUNTY, demo=True),
        "短板": charts.county_obstacles(a, c, COUNTY, 2025, demo=True),
        "县域卡片": charts.county_card(a, c, COUNTY, 2025, demo=True),
    }
    waterfall = charts.county_waterfall(a, c, COUNTY, 2025, demo=True)
    if waterfall is not None:
        out["得分变化分解"] = waterfall
    return out


def overlap(a: dict | None, b: dict | None, slack: float = 1.0) -> bool:
    return bool(a and b and a["l"] < b["r"] - slack and b["l"] < a["r"] - slack
                and a["t"] < b["b"] - slack and b["t"] < a["b"] - slack)


def inside(a: dict | None, outer: dict) -> bool:
    return a is None or (a["l"] >= outer["l"] - 1 and a["t"] >= outer["t"] - 1
                         and a["r"] <= outer["r"] + 1 and a["b"] <= outer["b"] + 1)


@pytest.fixture(scope="module")
def plot_page(browser):
    page = browser.new_page()
    topojson = STATIC_DIR / "vendor" / "topojson"
    page.route("http://figures.local/topojson/**", lambda route: route.fulfill(
        path=str(topojson / route.request.url.rsplit("/", 1)[1])))
    page.set_content("<html><body style='margin:0'><div id='fig'></div></body></html>")
    page.add_script_tag(path=str(PLOTLY_JS))
    yield page
    page.close()


@pytest.mark.parametrize("preset", list(export.PRESETS))
def test_titles_legends_and_footers_keep_apart(assessment, config, cities, regions, plot_page,
                                              preset):
    problems = []
    for name, fig in figures(assessment, config, cities, regions).items():
        spec = export.prepare(fig, preset=preset, footer=FOOTER)
        plot_page.evaluate("""async ([spec]) => {
            const gd = document.getElementById('fig');
            Plotly.purge(gd);
            await Plotly.newPlot(gd, spec.data, spec.layout,
                                 {staticPlot: true, topojsonURL: 'http://figures.local/topojson/'});
        }""", [json.loads(json.dumps(spec, default=str))])
        m = plot_page.evaluate(MEASURE, FOOTER)
        fig_box = m["fig"]
        if m["foot"] is None:
            problems.append(f"{name}: 没有页脚")
        for part in ("title", "legend", "foot"):
            if not inside(m[part], fig_box):
                problems.append(f"{name}: {part} 超出图片 {m[part]} / {fig_box}")
        for a, b in (("legend", "title"), ("legend", "foot"), ("title", "foot")):
            if overlap(m[a], m[b]):
                problems.append(f"{name}: {a} 与 {b} 重叠")
        for plot in m["plots"]:
            for part in ("title", "foot"):
                if overlap(plot, m[part], slack=2):
                    problems.append(f"{name}: 绘图区与 {part} 重叠")
    assert problems == [], "\n".join(problems)
