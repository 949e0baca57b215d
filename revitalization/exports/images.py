"""Chart and map images for briefings: stamped, sized, rendered server-side, offline.

The figure exported is the figure shown: the same builder, the same bins and colours.
Export only adds what a briefing needs — the size preset, a footer with the data source,
the date made and the method fingerprint — and embeds the map geometry that the screen
version fetches by URL.

Rendering uses kaleido with the system Chromium, through one persistent renderer (one
browser for the whole process, not one per image), with plotly.js from the plotly package,
MathJax off and the topojson from the app's static folder: no network access.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import plotly.graph_objects as go

from revitalization.exports import fonts
from revitalization.paths import STATIC_DIR
from revitalization.style import FONT, MUTED
from revitalization.wording import date_text, today

FORMATS = {"png": "PNG 图片", "svg": "SVG 矢量图", "pdf": "PDF"}
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


@dataclass(frozen=True)
class Preset:
    """A place a figure is made for. The figure is laid out at the size it is placed (96 CSS
    pixels per inch), not laid out large and shrunk: a 13 px label prints at 9.75 pt."""

    key: str
    label: str
    width_cm: float
    height_cm: float

    @property
    def width(self) -> int:  # CSS pixels at scale 1
        return round(self.width_cm / 2.54 * 96)

    @property
    def height(self) -> int:
        return round(self.height_cm / 2.54 * 96)


TEXT_WIDTH_CM = 15.6  # A4 portrait with the 公文 margins (GB/T 9704: left 2.8 cm, right 2.6 cm)
PRESETS = {
    "slide": Preset("slide", "16:9 幻灯片（整页 33.9×19.1 厘米）", 33.867, 19.05),
    "a4": Preset("a4", "A4 竖版通栏（15.6×22 厘米，约一页）", TEXT_WIDTH_CM, 22.0),
    "a4half": Preset("a4half", "A4 竖版半页（15.6×10 厘米，一页两幅）", TEXT_WIDTH_CM, 10.0),
}
MIN_FONT_PX = 12  # 9 pt at the placed size
SCALES = (2, 3)
TOPOJSON_DIR = STATIC_DIR / "vendor" / "topojson"
STATIC_URL = "/app/static/"


_log = logging.getLogger(__name__)


class ExportError(RuntimeError):
    """Rendering is not possible or failed; the message says why, in Chinese."""


def browser_path() -> str | None:
    """The Chromium kaleido will drive (``BROWSER_PATH`` overrides)."""
    configured = os.environ.get("BROWSER_PATH")
    if configured and os.path.exists(configured):
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


MEANWHILE = "在此之前，可点击图表右上角的相机按钮，在浏览器中直接下载 PNG。"
PROBE_SECONDS = 20
START_SECONDS = 45


@lru_cache(maxsize=4)
def _probe(path: str, _changed: float) -> str | None:
    """Whether the browser at ``path`` runs at all (``--version``, bounded): None, or why not.
    Cached per file and modification time, so a repaired installation is seen at once."""
    try:
        done = subprocess.run([path, "--headless", "--version"], capture_output=True, text=True,
                              timeout=PROBE_SECONDS, errors="replace")
    except subprocess.TimeoutExpired:
        return f"{PROBE_SECONDS} 秒内没有响应"
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        return f"退出码 {done.returncode}" + (f"：{said[-1][:200]}" if said else "")
    return None


def renderer_status() -> str | None:
    """None when server-side rendering can work, else a plain Chinese explanation."""
    path = browser_path()
    if path is None:
        return ("服务器上没有可用的 Chromium 浏览器，无法在服务器端生成图片和简报包。"
                "请管理员安装 Chromium（Debian/Ubuntu：apt install chromium）。" + MEANWHILE)
    broken = _probe(path, os.path.getmtime(path))
    if broken:
        return (f"服务器上的 Chromium（{path}）无法运行（{broken}），无法在服务器端生成图片和简报包。"
                "请管理员修复或重新安装 Chromium（Debian/Ubuntu：apt install --reinstall chromium）。"
                + MEANWHILE)
    return None


@lru_cache(maxsize=8)
def _static_json(path: str) -> dict:
    return json.loads((STATIC_DIR / path).read_text(encoding="utf-8"))


def _inline_geometry(fig_dict: dict) -> None:
    """Replace geometry URLs (``/app/static/…``) with the files' contents."""
    for trace in fig_dict.get("data", []):
        geo = trace.get("geojson")
        if isinstance(geo, str) and geo.startswith(STATIC_URL):
            trace["geojson"] = _static_json(geo[len(STATIC_URL):])


def source_line(*, demo: bool, fingerprint: str, made: date | None = None,
                source: str = "湖北省乡村振兴实绩考核数据") -> str:
    """数据来源 … · 制图日期 … · 方法指纹 … (示例数据 for the demo)."""
    made = made or today()
    origin = "示例数据（按固定随机种子生成，不代表真实考核结果）" if demo else source
    return f"数据来源：{origin} · 制图日期：{date_text(made)} · 方法指纹 {fingerprint}"


FOOTER_PX = 12  # the source line under every exported figure
LINE = 1.35  # line height, in font sizes


def text_width(text: str, size: float) -> float:
    """Estimated width in px of ``text`` (markup stripped) at font ``size``: CJK characters
    and full-width punctuation are square, Latin letters and digits about 0.56 em."""
    plain = re.sub(r"<[^>]+>", "", text)
    return sum(size if ord(c) > 0x2E7F else 0.56 * size for c in plain)


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` broken into lines of at most ``width`` px, at " · ", "，", "；" or spaces when
    possible, between CJK characters otherwise."""
    lines, line = [], ""
    for piece in re.split(r"(?<=[ ，；、·])", text):
        while text_width(line + piece, size) > width and (line or len(piece) > 1):
            if line:
                lines.append(line.rstrip(" ·"))
                line = ""
                continue
            cut = next(k for k in range(len(piece), 0, -1) if text_width(piece[:k], size) <= width)
            lines.append(piece[:cut])
            piece = piece[cut:]
        line += piece
    if line.strip(" ·"):
        lines.append(line.rstrip(" ·"))
    return lines or [""]


def _title_block(text: str, width: float, size: float) -> tuple[str, str, float]:
    """The title markup split into plotly's title and subtitle (a multi-line title is not
    anchored by its top), each wrapped to ``width`` with its tags kept; and their height."""
    out, height = [], 0.0
    for part in text.split("<br>"):
        match = re.fullmatch(r"((?:<[^/][^>]*>)*)(.*?)((?:</[^>]+>)*)", part, flags=re.S)
        head, body, tail = match.groups() if match else ("", part, "")
        px = re.search(r"font-size:\s*(\d+)px", head)
        part_size = float(px.group(1)) if px else size
        out.append("<br>".join(f"{head}{line}{tail}" for line in wrap(body, width, part_size)))
        height += len(wrap(body, width, part_size)) * part_size * LINE
    return out[0], "<br>".join(out[1:]), height


def _footer_trace(spec: dict) -> dict:
    """An empty legend entry whose legend (legend2) carries the footer: a legend can sit at
    the bottom of the whole figure (container coordinates) and plotly keeps the plot and the
    other legends clear of it, which an annotation, tied to the plot area, cannot."""
    kinds = {t.get("type", "scatter") for t in spec["data"]}
    if kinds & {"choropleth", "scattergeo"}:
        trace = {"type": "scattergeo", "lon": [None], "lat": [None], "geo": "geo"}
    elif kinds & {"scatterpolar", "barpolar"}:
        trace = {"type": "scatterpolar", "r": [None], "theta": [None]}
    else:
        trace = {"type": "scatter", "x": [None], "y": [None]}
    return {**trace, "mode": "none", "name": "", "showlegend": True, "legend": "legend2",
            "hoverinfo": "skip"}


def prepare(fig: go.Figure, *, preset: str, footer: str) -> dict:
    """The export version of a figure, as a plotly dict: laid out at the size it is placed,
    title and footer wrapped to that width, legends kept off the title and the footer, type at
    least 9 pt, geometry inline."""
    p = PRESETS[preset]
    spec = copy.deepcopy(fig.to_plotly_json())
    layout = spec.setdefault("layout", {})
    layout["width"], layout["height"] = p.width, p.height
    spec.pop("frames", None)  # a played map exports the year it shows, without its player
    layout.pop("updatemenus", None)
    layout.pop("sliders", None)
    layout.pop("clickmode", None)
    font = dict(layout.get("font") or {})
    font["size"] = max(int(font.get("size", 13)), 15 if preset == "slide" else 13)
    layout["font"] = font
    _at_least(spec, MIN_FONT_PX)  # every label at least 9 pt where the figure is placed
    usable = p.width - 24
    # Title block at the top of the figure, wrapped to its width; the plot starts below it.
    title = dict(layout.get("title") or {})
    title_size = float((title.get("font") or {}).get("size") or font["size"] * 1.3)
    text, subtitle, height = _title_block(title.get("text") or "", usable, title_size)
    title.update(text=text, subtitle={"text": subtitle, "font": {"size": 13, "color": MUTED}},
                 x=0.01, xanchor="left", xref="container", y=1, yanchor="top",
                 yref="container", pad={"t": 10, "l": 0})
    title["font"] = {**(title.get("font") or {}), "size": title_size}
    layout["title"] = title
    margin = dict(layout.get("margin") or {})
    tops = [a for a in layout.get("annotations") or []  # subplot titles over the top row
            if a.get("yref") == "paper" and float(a.get("y", 0)) >= 0.98]
    margin["t"] = round(height + 26 + (FOOTER_PX * 2.2 if tops else 0))
    legend = layout.get("legend") or {}
    below = legend.get("orientation") == "h"  # moved above the footer, below
    margin["b"] = 10 if below else max(int(margin.get("b", 10)), 10)
    layout["margin"] = margin
    for key in list(layout):  # axis labels and titles push the margins they need
        if re.fullmatch(r"[xy]axis\d*", key):
            layout[key] = {**layout[key], "automargin": True}
    # Footer: the source line at the bottom of the figure, wrapped to its width.
    lines = wrap(footer, usable - 40, FOOTER_PX)
    band = len(lines) * FOOTER_PX * LINE + 18  # the footer legend's height, padding included
    layout["legend2"] = {
        "title": {"text": "<br>".join(lines), "side": "left",
                  "font": {"size": FOOTER_PX, "color": MUTED}},
        "xref": "container", "yref": "container", "x": 0.01, "xanchor": "left",
        "y": 0, "yanchor": "bottom", "bgcolor": "rgba(0,0,0,0)", "borderwidth": 0,
        "orientation": "h"}
    if layout.get("showlegend") is False:  # the footer is a legend: keep only its own
        layout["showlegend"] = True
        for trace in spec["data"]:
            trace["showlegend"] = False
    spec["data"].append(_footer_trace(spec))
    # A horizontal legend goes just above the footer (the plot area makes room for it).
    if below:
        legend.update(xref="container", yref="container", x=0.01, xanchor="left",
                      y=(band + 6) / p.height, yanchor="bottom")
        layout["legend"] = legend
    _inline_geometry(spec)
    return spec


def _at_least(node, size: int) -> None:
    """Raise every explicit font size in a figure dict to ``size`` px."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and isinstance(value.get("size"), int | float):
                value["size"] = max(value["size"], size)
            _at_least(value, size)
    elif isinstance(node, list):
        for item in node:
            _at_least(item, size)


class Renderer:
    """One Chromium (via kaleido) for the whole process, shared by every export."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None

    def _ensure(self) -> None:
        if self._kaleido is not None:
            return
        problem = renderer_status()
        if problem:
            raise ExportError(problem)
        import kaleido  # imported lazily: the app runs without it until an export

        os.environ.setdefault("BROWSER_PATH", browser_path() or "")
        conf = fonts.fontconfig_file()  # the export font (PDF text copies out as shown)
        if conf is not None:
            os.environ["FONTCONFIG_FILE"] = str(conf)
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="kaleido", daemon=True).start()
        k = kaleido.Kaleido(n=1, timeout=90, mathjax=False)
        opening = asyncio.run_coroutine_threadsafe(k.open(), loop)
        try:
            opening.result(timeout=START_SECONDS)
        except Exception as exc:  # runs, but does not start as kaleido drives it
            opening.cancel()
            loop.call_soon_threadsafe(loop.stop)
            _log.warning("kaleido could not start %s", browser_path(), exc_info=exc)
            why = f"{START_SECONDS} 秒内未能启动" if isinstance(exc, TimeoutError) else "启动后立即退出"
            raise ExportError(f"服务器端渲染无法启动：Chromium {why}。请管理员检查 Chromium 安装"
                              f"（服务器日志有详细信息）。{MEANWHILE}") from exc
        self._loop, self._kaleido = loop, k

    def render(self, spec: dict, fmt: str, scale: int = 2) -> bytes:
        """Render a prepared figure dict to PNG, SVG or PDF bytes."""
        if fmt not in FORMATS:
            raise ExportError(f"不支持的格式：{fmt}")
        layout = spec["layout"]
        if fmt != "svg":  # an SVG names fonts its reader has; PNG and PDF carry the glyphs
            fonts.use_export_font(spec, FONT)
        opts = {"format": fmt, "width": layout["width"], "height": layout["height"],
                "scale": scale if fmt == "png" else 1}
        with self._lock:
            self._ensure()
            job = self._kaleido.calc_fig(spec, opts=opts, topojson=TOPOJSON_DIR.as_uri() + "/")
            try:
                return asyncio.run_coroutine_threadsafe(job, self._loop).result(timeout=120)
            except Exception as exc:
                self.close()  # a stuck or crashed browser is replaced on the next export
                raise ExportError(f"图片生成失败：{exc}") from exc

    def close(self) -> None:
        if self._kaleido is not None and self._loop is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(30)
            except Exception:  # noqa: BLE001 - closing a broken browser is best effort
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._loop, self._kaleido = None, None


_renderer = Renderer()


def render(fig: go.Figure, *, fmt: str = "png", preset: str = "slide", scale: int = 2,
           footer: str) -> bytes:
    """Export one figure: prepare (size, footer, inline geometry) and render."""
    return _renderer.render(prepare(fig, preset=preset, footer=footer), fmt, scale)


def plain_title(fig: go.Figure) -> str:
    """The figure's title without markup or subtitle."""
    text = (fig.layout.title.text or "图表").split("<br>")[0]
    return re.sub(r"<[^>]+>", "", text)


def file_name(title: str, fmt: str) -> str:
    """A safe Chinese file name from a figure title."""
    keep = "".join(c for c in title if c.isalnum() or c in "（）()_-→ ")
    return (keep.strip() or "图表").replace(" ", "_") + f".{fmt}"
