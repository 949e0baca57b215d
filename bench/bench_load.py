"""Load benchmark (issue 20). Run: .venv/bin/python bench/bench_load.py [5 10 20]

N concurrent sessions each open the overview (fresh browser context) and change the year
twice in the sidebar. The server runs on core 0 and the browser on core 1 (taskset), so the
server's own cost is seen apart from the browsers' drawing. Reported per N: errors (target 0),
median and 95th-percentile time to the map drawn and to each year change, the server's CPU
seconds per session and its resident memory. Targets: 20 sessions without error, server CPU
per new session ≤ 0.3 s, 95th percentile within 4× the single-session time. Bounded: every
wait times out after 90 s; localhost only; its own throw-away SQLite database.
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
from serve import serve  # noqa: E402

MAP = "document.querySelectorAll('.choroplethlocation').length >= 103"
TIMEOUT = 90_000
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


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
    subprocess.run([sys.executable, "-m", "revitalization.store"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
    pin = ("taskset", "-c", "0") if shutil.which("taskset") and os.cpu_count() > 1 else ()
    return serve(ROOT / "app.py", ROOT, env=env, prefix=pin)


async def session(browser, url: str) -> dict:
    out = {"error": ""}
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(url)
        await page.wait_for_function(MAP, timeout=TIMEOUT)
        out["load"] = time.perf_counter() - start
        for n, year in enumerate(("2024", "2023"), start=1):
            start = time.perf_counter()
            await page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first.click()
            await page.get_by_role("option", name=f"{year} 年").click()
            await page.wait_for_function(
                f"[...document.querySelectorAll('.gtitle')].some(t => t.textContent.includes('{year} 年度'))"
                f" && {MAP}", timeout=TIMEOUT)
            out[f"year{n}"] = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001 - a benchmark counts failures, it does not stop
        out["error"] = type(exc).__name__
    finally:
        await context.close()
    return out


async def wave(url: str, n: int) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM,
                                          args=["--no-sandbox", "--disable-gpu"])
        results = await asyncio.gather(*(session(browser, url) for _ in range(n)))
        await browser.close()
    return list(results)


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def main() -> None:
    if not Path(CHROMIUM).exists():
        raise SystemExit("未找到 Chromium")
    if shutil.which("taskset") and os.cpu_count() > 1:
        os.sched_setaffinity(0, {1})  # this script and its browser: core 1
    sizes = [int(a) for a in sys.argv[1:]] or [5, 10, 20]
    tmp = Path(tempfile.mkdtemp(prefix="bench_load_"))
    url, proc = start_server(tmp / "load.db")
    try:
        asyncio.run(wave(url, 1))  # warm: first run, caches, font and bundle files
        single = asyncio.run(wave(url, 1))[0]
        print(f"单个会话（服务器在 0 号核，浏览器在 1 号核）：地图绘出 {single.get('load', float('nan')):.2f} s，"
              f"切换年度 {single.get('year1', float('nan')):.2f} s / {single.get('year2', float('nan')):.2f} s")
        print("并发会话 | 出错 | 地图绘出 中位数 / P95 | 切换年度 中位数 / P95 | 服务器 CPU 秒/会话 | 服务器内存")
        for n in sizes:
            cpu0 = cpu_seconds(proc.pid)
            results = asyncio.run(wave(url, n))
            cpu = (cpu_seconds(proc.pid) - cpu0) / n
            ok = [r for r in results if not r["error"]]
            loads = [r["load"] for r in results if "load" in r]
            years = [r[k] for r in ok for k in ("year1", "year2")]
            errors = [r["error"] for r in results if r["error"]]

            def show(xs):
                return f"{statistics.median(xs):.1f} / {p95(xs):.1f} s" if xs else "—"

            print(f"{n:>8} | {len(errors):>4}{(' ' + ','.join(sorted(set(errors)))) if errors else ''} | "
                  f"{show(loads)} | {show(years)} | {cpu:.2f} s | {rss_mb(proc.pid):.0f} MB")
        print("目标：20 个会话无错误；每个新会话的服务器 CPU ≤ 0.3 s；P95 ≤ 单会话时间的 4 倍。")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
