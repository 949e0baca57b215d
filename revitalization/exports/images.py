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
import os
import re
import shutil
import threading
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import plotly.graph_objects as go

from revitalization.exports import fonts
from revitalization.maps.choropleth import PLAYER_HEIGHT
from revitalization.paths import STATIC_DIR
from revitalization.style import FONT, MUTED
from revitalization.wording import date_text

FORMATS = {"png": "PNG 图片", "svg": "SVG 矢量图", "pdf": "PDF"}
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    width: int  # CSS pixels at scale 1
    height: int


PRESETS = {
    "slide": Preset("slide", "16:9 幻灯片（1600×900）", 1600, 900),
    "a4": Preset("a4", "A4 竖版（1240×1754）", 1240, 1754),
}
SCALES = (2, 3)
TOPOJSON_DIR = STATIC_DIR / "vendor" / "topojson"
STATIC_URL = "/app/static/"


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


def renderer_status() -> str | None:
    """None when server-side rendering can work, else a plain Chinese explanation."""
    if browser_path() is None:
        return ("服务器上没有可用的 Chromium 浏览器，无法在服务器端生成图片和简报包。"
                "请管理员安装 Chromium（Debian/Ubuntu：apt install chromium）。"
                "在此之前，可点击图表右上角的相机按钮，在浏览器中直接下载 PNG。")
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
    made = made or date.today()
    origin = "示例数据（按固定随机种子生成，不代表真实考核结果）" if demo else source
    return f"数据来源：{origin} · 制图日期：{date_text(made)} · 方法指纹 {fingerprint}"


def prepare(fig: go.Figure, *, preset: str, footer: str) -> dict:
    """The export version of a figure, as a plotly dict: sized, footer added, geometry inline."""
    p = PRESETS[preset]
    spec = copy.deepcopy(fig.to_plotly_json())
    layout = spec.setdefault("layout", {})
    layout["width"], layout["height"] = p.width, p.height
    margin = dict(layout.get("margin") or {})
    spec.pop("frames", None)  # a played map exports the year it shows, without its player
    layout.pop("updatemenus", None)
    if layout.pop("sliders", None):
        margin["b"] = int(margin.get("b", 40)) - PLAYER_HEIGHT
    margin["b"] = max(int(margin.get("b", 40)), 40) + 46
    margin["t"] = max(int(margin.get("t", 60)), 70)
    layout["margin"] = margin
    notes = list(layout.get("annotations") or [])
    notes.append({"text": footer, "xref": "paper", "yref": "paper", "x": 0, "y": 0,
                  "xanchor": "left", "yanchor": "top", "yshift": -margin["b"] + 30,
                  "showarrow": False, "align": "left",
                  "font": {"size": 12, "color": MUTED}})
    layout["annotations"] = notes
    # A larger page deserves larger type: titles and labels stay readable on a projector.
    font = dict(layout.get("font") or {})
    font["size"] = max(int(font.get("size", 13)), 15)
    layout["font"] = font
    layout.pop("clickmode", None)
    _inline_geometry(spec)
    return spec


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
        try:
            asyncio.run_coroutine_threadsafe(k.open(), loop).result(timeout=90)
        except Exception as exc:
            loop.call_soon_threadsafe(loop.stop)
            raise ExportError(f"无法启动服务器端渲染（Chromium）：{exc}") from exc
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
