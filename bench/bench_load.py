"""Load benchmark (issue 20). Run: .venv/bin/python bench/bench_load.py [--browser] [5 10 20]

N concurrent sessions each open the overview and change the year twice. Two drivers:

* default: Streamlit's own websocket protocol (the protobuf messages a browser exchanges),
  no browser at all. Time to map = from opening the socket (or sending the year change) to
  the message that carries the overview map with all 103 counties; the script run is then
  awaited to its end. This is what the *server* costs and how it queues, which is what the
  targets are about.
* ``--browser``: one headless Chromium page per session, the server on core 0 and the
  browser on core 1 (taskset); time to map = all 103 county shapes drawn. With 20 pages on one
  core this mostly measures the browser's own drawing.

Reported per N: errors (target 0), median and 95th-percentile time to the map and to each year
change, the server's CPU seconds per session and its resident memory. Targets: 20 sessions
without error, server CPU per new session ≤ 0.3 s, 95th percentile within 4× the
single-session time. Bounded: every wait times out after 90 s; localhost only; its own
throw-away SQLite database; the server is pinned to core 0 in both modes.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import NGINX, serve, serve_nginx  # noqa: E402

MAP = "document.querySelectorAll('.choroplethlocation').length >= 103"
TIMEOUT = 90
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
YEAR_WIDGET = "year_picker"  # components.layout.YEAR_KEY
MAP_WIDGET = "overview_map"
YEARS = ("2024", "2023")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(db: Path) -> tuple[str, subprocess.Popen]:
    """The app on its own database, prepared first (as ``tasks.py run`` does), on core 0."""
    env = {"DATABASE_URL": f"sqlite:///{db}"}
    subprocess.run([sys.executable, "-m", "revitalization.store", "demo"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
    pin = ("taskset", "-c", "0") if shutil.which("taskset") and os.cpu_count() > 1 else ()
    return serve(ROOT / "server.py", ROOT, env=env, prefix=pin)


def county_map(fwd, year: str | None) -> bool:
    """Whether a ForwardMsg carries the overview map with every county (of ``year``)."""
    import json

    if fwd.WhichOneof("type") != "delta" or fwd.delta.WhichOneof("type") != "new_element":
        return False
    element = fwd.delta.new_element
    if element.WhichOneof("type") != "bidi_component" or MAP_WIDGET not in element.bidi_component.id:
        return False
    component = element.bidi_component
    figure = json.loads(json.loads(component.json or component.mixed.json)["figure"])
    drawn = max((len(t.get("locations", [])) for t in figure["data"]), default=0)
    title = json.dumps(figure["layout"].get("title", {}), ensure_ascii=False)
    return drawn >= 103 and (year is None or f"{year} 年" in title)


async def ws_session(url: str) -> dict:
    """One session over the websocket: open the overview, then change the year twice."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    out = {"error": ""}
    widgets: dict[str, str] = {}
    page = ""

    async def run(ws, year: str | None) -> float:
        """Send a rerun (with the year picked) and wait for the map and the run's end."""
        nonlocal page
        back = BackMsg()
        back.rerun_script.query_string = ""
        back.rerun_script.page_script_hash = page
        if year is not None:
            state = back.rerun_script.widget_states.widgets.add()
            state.id = widgets[YEAR_WIDGET]
            state.string_value = f"{year} 年"
        start = time.perf_counter()
        await ws.send(back.SerializeToString())
        drawn = None
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await asyncio.wait_for(ws.recv(), TIMEOUT))
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                page = fwd.new_session.page_script_hash
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                widget = getattr(element, element.WhichOneof("type"))
                for key in (YEAR_WIDGET,):
                    if getattr(widget, "id", "").endswith(f"-{key}"):
                        widgets[key] = widget.id
                if drawn is None and county_map(fwd, year):
                    drawn = time.perf_counter() - start
            elif kind == "script_finished":
                if drawn is None:
                    raise RuntimeError("no map")
                return drawn

    try:
        import websockets

        async with websockets.connect(url.replace("http", "ws", 1) + "_stcore/stream",
                                      subprotocols=["streamlit"], max_size=None) as ws:
            out["load"] = await run(ws, None)
            for n, year in enumerate(YEARS, start=1):
                out[f"year{n}"] = await run(ws, year)
    except Exception as exc:  # noqa: BLE001 - a benchmark counts failures, it does not stop
        out["error"] = type(exc).__name__
    return out


async def ws_wave(url: str, n: int) -> list[dict]:
    return list(await asyncio.gather(*(ws_session(url) for _ in range(n))))


async def browser_session(browser, url: str) -> dict:
    out = {"error": ""}
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(url)
        await page.wait_for_function(MAP, timeout=TIMEOUT * 1000)
        out["load"] = time.perf_counter() - start
        for n, year in enumerate(YEARS, start=1):
            start = time.perf_counter()
            await page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
            await page.get_by_role("option", name=f"{year} 年").click()
            await page.wait_for_function(
                f"[...document.querySelectorAll('.gtitle')].some(t => t.textContent.includes('{year} 年度'))"
                f" && {MAP}", timeout=TIMEOUT * 1000)
            out[f"year{n}"] = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001 - a benchmark counts failures, it does not stop
        out["error"] = type(exc).__name__
    finally:
        await context.close()
    return out


async def browser_wave(url: str, n: int, *, beside: int = 0) -> list[dict]:
    """``n`` browser sessions at once, and ``beside`` websocket sessions started with them
    (their results are not returned: they are the load the browsers meet)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM,
                                          args=["--no-sandbox", "--disable-gpu"])
        await browser_session(browser, url + "?warm=1")  # the browser's own start-up apart
        results = await asyncio.gather(*(browser_session(browser, url) for _ in range(n)),
                                       *(ws_session(url) for _ in range(beside)))
        await browser.close()
    return list(results[:n])


def long_csv(rows: int) -> bytes:
    """A long-form CSV of ``rows`` rows, most of them duplicates (the issue's hostile case)."""
    import numpy as np
    import pandas as pd

    sys.path.insert(0, str(ROOT))
    from revitalization.config import load_config
    from revitalization.regions import load_regions

    rng = np.random.default_rng(1)
    codes = [i.code for i in load_config().indicators]
    frame = pd.DataFrame({"区划代码": rng.choice(load_regions()["adcode"].to_numpy()[:20], rows),
                          "年度": rng.integers(2023, 2026, rows), "指标代码": rng.choice(codes, rows),
                          "数值": np.round(rng.uniform(40, 99, rows), 1)})
    return frame.to_csv(index=False).encode("utf-8")


async def while_uploading(url: str, path: Path, sessions: int) -> tuple[float, list[float]]:
    """A browser uploads ``path`` on 数据管理 while websocket sessions open the overview one
    after another; the check's time and the sessions' times to the map."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM,
                                          args=["--no-sandbox", "--disable-gpu"])
        page = await (await browser.new_context(viewport={"width": 1440, "height": 900})).new_page()
        await page.goto(url + "data")
        await page.wait_for_selector("input[type=file]", state="attached", timeout=TIMEOUT * 1000)
        start = time.perf_counter()
        await page.set_input_files("input[type=file]", str(path))
        checked = asyncio.ensure_future(page.wait_for_function(
            "document.body.innerText.includes('检查结果') || document.body.innerText.includes('确认导入')",
            timeout=TIMEOUT * 1000))
        loads = []
        while not checked.done() and len(loads) < sessions:
            result = await ws_session(url)
            loads.append(result.get("load", float("inf")))
        await checked
        seconds = time.perf_counter() - start
        await browser.close()
    return seconds, loads


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> None:
    args = sys.argv[1:]
    in_browser = "--browser" in args
    sizes = [int(a) for a in args if a.isdigit()] or [5, 10, 20]
    if in_browser and not Path(CHROMIUM).exists():
        raise SystemExit("未找到 Chromium")
    if shutil.which("taskset") and os.cpu_count() > 1:
        os.sched_setaffinity(0, {1})  # this script (and its browser): core 1
    wave = browser_wave if in_browser else ws_wave
    driver = "浏览器（Chromium，1 号核）" if in_browser else "websocket 协议（无浏览器）"
    tmp = Path(tempfile.mkdtemp(prefix="bench_load_"))
    url, proc = start_server(tmp / "load.db")
    try:
        asyncio.run(wave(url, 1))  # warm: first run, caches, font and bundle files
        cpu0 = cpu_seconds(proc.pid)
        single = asyncio.run(wave(url, 1))[0]
        alone = cpu_seconds(proc.pid) - cpu0
        if single["error"]:
            raise SystemExit(f"单个会话失败：{single['error']}")
        print(f"驱动：{driver}；服务器在 0 号核")
        print(f"单个会话：地图 {single['load']:.2f} s，切换年度 {single['year1']:.2f} s / "
              f"{single['year2']:.2f} s，服务器 CPU {alone:.2f} s")
        print("并发会话 | 出错 | 地图 中位数 / P95 | 切换年度 中位数 / P95 | P95/单会话 | "
              "服务器 CPU 秒/会话 | 服务器内存")
        for n in sizes:
            cpu0 = cpu_seconds(proc.pid)
            results = asyncio.run(wave(url, n))
            cpu = (cpu_seconds(proc.pid) - cpu0) / n
            ok = [r for r in results if not r["error"]]
            loads = [r["load"] for r in results if "load" in r]
            years = [r[k] for r in ok for k in ("year1", "year2")]
            errors = [r["error"] for r in results if r["error"]]

            def show(xs):
                return f"{statistics.median(xs):.2f} / {p95(xs):.2f} s" if xs else "—"

            ratio = f"{p95(loads) / single['load']:.1f}×" if loads else "—"
            print(f"{n:>8} | {len(errors):>4}{(' ' + ','.join(sorted(set(errors)))) if errors else ''} | "
                  f"{show(loads)} | {show(years)} | {ratio} | {cpu:.2f} s | {rss_mb(proc.pid):.0f} MB")
        if not in_browser and Path(CHROMIUM).exists():
            # What one user sees: a real browser opening the overview at the same moment as
            # N − 1 other sessions (each user has a machine of their own, so the browsers do
            # not share a core here; the server does, as in production).
            print("一个浏览器与 N−1 个同时打开的会话（各 3 次）| 地图绘出 最慢 | 相对单独打开")
            loads = []
            for _ in range(3):
                cpu0 = cpu_seconds(proc.pid)
                loads.append(asyncio.run(browser_wave(url, 1))[0]["load"])
                # the warm-up page, the measured one and their year changes: two sessions
                browser_cpu = (cpu_seconds(proc.pid) - cpu0) / 2
            alone_browser = min(loads)
            print(f"{1:>8} | {alone_browser:.2f} s | 1.0×（新浏览器会话的服务器 CPU "
                  f"{browser_cpu:.2f} s，含页面的静态文件）")
            for n in sizes:
                if n < 2:
                    continue
                runs = [asyncio.run(browser_wave(url, 1, beside=n - 1))[0] for _ in range(3)]
                bad = [r["error"] for r in runs if r["error"]]
                worst = max(r.get("load", float("inf")) for r in runs)
                print(f"{n:>8} | {worst:.2f} s{' 出错 ' + ','.join(bad) if bad else ''} | "
                      f"{worst / alone_browser:.1f}×")
            if Path(NGINX).exists():  # the deployment guide's: nginx sends the static files
                proxy, nginx = serve_nginx(ROOT, [url], tmp)
                try:
                    for target, label in ((url, "直连 Streamlit"), (proxy, "经 nginx（部署指南配置）")):
                        asyncio.run(browser_wave(target, 1))
                        spent = []
                        for _ in range(3):
                            cpu0 = cpu_seconds(proc.pid)
                            asyncio.run(browser_wave(target, 1))
                            spent.append((cpu_seconds(proc.pid) - cpu0) / 2)
                        print(f"新浏览器会话（打开总览、切换年度两次）的服务器 CPU，{label}："
                              f"{min(spent):.2f}–{max(spent):.2f} s")
                finally:
                    nginx.terminate()
                    nginx.wait(timeout=10)
            path = tmp / "上传_长表.csv"
            path.write_bytes(long_csv(110_000))
            seconds, loads = asyncio.run(while_uploading(url, path, 1000))
            print(f"一个用户上传 110,000 行（{path.stat().st_size / 2**20:.1f} MB，多为重复行）的长表："
                  f"检查用时 {seconds:.1f} s；其间 {len(loads)} 个新会话打开总览，地图 中位数 "
                  f"{statistics.median(loads):.2f} s / 最慢 {max(loads):.2f} s"
                  f"（无上传时 {single['load']:.2f} s）")
        print("目标：20 个会话无错误；每个新会话的服务器 CPU ≤ 0.3 s；P95 ≤ 单会话时间的 4 倍。")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
