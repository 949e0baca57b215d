"""Benchmark of the overview page (issue 4). Run: .venv/bin/python bench/bench_overview.py

Targets: warm server-side rerun after changing year or measure ≤ 300 ms; map payload
≤ 500 KB; browser load to all 103 counties drawn ≤ 1.5× a one-line Streamlit page's time to
its title for a first-ever visit, ≤ 1.3× for a returning one (issue 17; both measured in the
same run on the same machine). The floor is measured beside them: the same map, drawn by the
same component, alone on a page (what loading and running plotly.js and drawing 103
counties cost by themselves); and the app's frame: the real router (navigation, sidebar,
styles, bundle preloader) with the overview reduced to its title and that map. Needs system Chromium for the browser
figure (skipped with a note otherwise). Uses its own throw-away SQLite database.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench_overview_"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.db'}"

from streamlit.testing.v1 import AppTest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import serve  # noqa: E402

from revitalization import demo  # noqa: E402
from revitalization.config import load_config  # noqa: E402
from revitalization.engine import assess  # noqa: E402
from revitalization.maps.bins import fixed_score_bins  # noqa: E402
from revitalization.maps.choropleth import choropleth  # noqa: E402
from revitalization.maps.measures import map_frame, measure  # noqa: E402
from revitalization.regions import load_regions  # noqa: E402


def payload_kb() -> float:
    config, regions = load_config(), load_regions()
    a = assess(demo.generate(regions, config), regions, config)
    fig = choropleth(map_frame(a, measure(config, "composite"), 2025), fixed_score_bins(),
                     title="t", show_labels=True)
    return len(fig.to_json().encode()) / 1024


def rerun_ms() -> tuple[float, float]:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.run()  # warm
    years = [2025, 2024, 2023, 2022]
    year_times, measure_times = [], []
    for y in years * 2:
        start = time.perf_counter()
        at.selectbox(key="year_picker").set_value(y).run()
        year_times.append(time.perf_counter() - start)
    for m in ["industry", "talent", "composite", "ecology"] * 2:
        start = time.perf_counter()
        at.selectbox(key="overview_measure").set_value(m).run()
        measure_times.append(time.perf_counter() - start)
    assert not at.exception
    return statistics.median(year_times) * 1000, statistics.median(measure_times) * 1000


MAP_DRAWN = "document.querySelectorAll('.choroplethlocation').length >= 103"
TITLE_DRAWN = "!!document.querySelector('h1')"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BLANK = "import streamlit as st\nst.title('空白页')\n"  # the baseline: a one-line Streamlit page
# The floor: the overview's own map (same figure, same component) alone on a page, no
# navigation, controls or figures beside it.
MAP_ONLY = f"""import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from components import cached
from components.layout import chart
st.set_page_config(layout="wide")
st.title("地图")
chart(cached.province_map(2025, measure="composite", scheme="fixed", labels=False, demo=True,
                          legend_below=True), key="map", clickable=True)
"""
# The frame: app.py as it is, its overview page swapped for MAP_ONLY's title and map (the
# page paths made absolute: this script is not in the app's folder).
FRAME = f"""import dataclasses, pathlib, runpy, sys
sys.path.insert(0, {str(ROOT)!r})
import components.pages as pages
home = pathlib.Path({str(ROOT)!r})
pages.PAGES = tuple(dataclasses.replace(s, path={str(TMP / 'map' / 'map_only.py')!r}
                                        if s.key == "overview" else str(home / s.path))
                    for s in pages.PAGES)
runpy.run_path({str(ROOT / 'app.py')!r}, run_name="__main__")
"""


def _load(page, url: str, ready: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(ready, timeout=int(os.environ.get("BENCH_TIMEOUT", 120_000)))
    return time.perf_counter() - start


def browser_load(runs: int = 7) -> dict[str, list[float]] | None:
    """Navigation start → all 103 county shapes drawn (the app) or → the title drawn (the
    blank one-line page), measured side by side, each load a new Streamlit session.

    cold: a browser with an empty cache (a first-ever visit; every script downloaded);
    warm: a returning browser (Streamlit's hashed scripts and our bundle in its cache).
    The app's data is prepared before its server starts, as ``tasks.py run`` does; the
    first load of all (just-started server) is reported on its own.
    """
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        return None
    from playwright.sync_api import sync_playwright

    subprocess.run([sys.executable, "-m", "revitalization.store", "demo"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    (TMP / "blank").mkdir()
    (TMP / "blank" / "blank.py").write_text(BLANK, encoding="utf-8")
    (TMP / "map").mkdir()
    (TMP / "map" / "map_only.py").write_text(MAP_ONLY, encoding="utf-8")
    (TMP / "map" / "static").symlink_to(ROOT / "static")  # the page's own static folder
    (TMP / "map" / "frame.py").write_text(FRAME, encoding="utf-8")
    app, app_proc = serve(ROOT / "app.py", ROOT)
    blank, blank_proc = serve(TMP / "blank" / "blank.py", TMP / "blank")
    alone, alone_proc = serve(TMP / "map" / "map_only.py", ROOT)  # the app's configuration
    frame, frame_proc = serve(TMP / "map" / "frame.py", ROOT)
    targets = {"app": (app, MAP_DRAWN), "frame": (frame, MAP_DRAWN), "map": (alone, MAP_DRAWN),
               "blank": (blank, TITLE_DRAWN)}
    out: dict[str, list[float]] = {f"{k}_{w}": [] for k in targets for w in ("first", "cold", "warm")}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
            for n in range(runs + 1):  # alternating, so both see the same machine load
                for key, (url, ready) in targets.items():
                    context = browser.new_context()
                    out[f"{key}_{'first' if n == 0 else 'cold'}"].append(
                        _load(context.new_page(), url, ready))
                    context.close()
            browser.close()
            contexts = {key: p.chromium.launch_persistent_context(
                str(TMP / f"profile_{key}"), executable_path=chromium, args=BROWSER_ARGS)
                for key in targets}
            for key, (url, ready) in targets.items():
                _load(contexts[key].new_page(), url, ready)  # fills the cache
            for _ in range(runs):
                for key, (url, ready) in targets.items():
                    page = contexts[key].new_page()
                    out[f"{key}_warm"].append(_load(page, url, ready))
                    page.close()
            for context in contexts.values():
                context.close()
        return out
    finally:
        for proc in (app_proc, blank_proc, alone_proc, frame_proc):
            proc.terminate()
            proc.wait(timeout=20)


def main() -> None:
    print(f"地图数据量（县域综合得分地图，含县名标注）：{payload_kb():.0f} KB（目标 ≤ 500 KB）")
    year_ms, measure_ms = rerun_ms()
    print(f"切换年度后服务端重算页面（热缓存，中位数）：{year_ms:.0f} ms（目标 ≤ 300 ms）")
    print(f"切换着色指标后服务端重算页面（热缓存，中位数）：{measure_ms:.0f} ms（目标 ≤ 300 ms）")
    loads = browser_load()
    if loads is None:
        print("未找到 Chromium：跳过浏览器加载测量")
    else:
        def show(xs: list[float]) -> str:
            return f"中位数 {statistics.median(xs):.2f} s（{min(xs):.2f}–{max(xs):.2f} s，{len(xs)} 次）"
        med = {k: statistics.median(v) for k, v in loads.items()}
        print("浏览器打开总览至 103 个县全部绘出，对照同一台机器上的一行空白 Streamlit 页面至标题绘出：")
        for w, label, target in (("cold", "首次访问（浏览器无缓存）", 1.5),
                                 ("warm", "再次访问（浏览器已缓存脚本，新会话）", 1.3)):
            ratio = med[f"app_{w}"] / med[f"blank_{w}"]
            print(f"  {label}：看板 {show(loads[f'app_{w}'])}；空白页 {show(loads[f'blank_{w}'])}；"
                  f"比值 {ratio:.2f}×（目标 ≤ {target}×）")
            print(f"    下限：同一幅地图单独成页 {show(loads[f'map_{w}'])}，"
                  f"比值 {med[f'map_{w}'] / med[f'blank_{w}']:.2f}×")
            print(f"    看板框架（导航、侧栏、样式）加标题和这幅地图 {show(loads[f'frame_{w}'])}，"
                  f"比值 {med[f'frame_{w}'] / med[f'blank_{w}']:.2f}×")
        print(f"  服务刚启动后的第一次：看板 {loads['app_first'][0]:.2f} s；"
              f"空白页 {loads['blank_first'][0]:.2f} s（数据已在启动前准备好）")
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
