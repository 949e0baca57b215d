"""Image export: size and content, real Chinese glyphs, SVG/PDF, and the prepared figure.

Rendering needs the system Chromium (CI installs it); without it the tests are skipped
and the app says plainly that server-side export is unavailable."""

from __future__ import annotations

import io
import shutil
import subprocess

import numpy as np
import plotly.graph_objects as go
import pytest
from conftest import ONE_CHROMIUM
from PIL import Image

from revitalization import charts
from revitalization.exports import images as export

pytestmark = ONE_CHROMIUM
needs_browser = pytest.mark.skipif(export.browser_path() is None,
                                   reason="未安装 Chromium (no system Chromium)")


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def title_only(text: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title={"text": text, "font": {"size": 60}, "x": 0.05},
                      font={"family": "Noto Sans CJK SC, sans-serif"},
                      xaxis={"visible": False}, yaxis={"visible": False},
                      paper_bgcolor="white", plot_bgcolor="white")
    return fig


@needs_browser
@pytest.mark.parametrize(("preset", "scale"), [("slide", 2), ("a4", 3)])
def test_png_has_the_preset_size_and_is_not_blank(assessment, config, preset, scale):
    fig = charts.province_map(assessment, config, 2025, demo=True)
    png = export.render(fig, fmt="png", preset=preset, scale=scale, footer="数据来源：测试")
    p = export.PRESETS[preset]
    img = pixels(png)
    assert img.shape[:2] == (p.height * scale, p.width * scale)
    colours = {tuple(c) for c in img[::7, ::7].reshape(-1, 3)}
    assert len(colours) > 20, "a map, not an empty page"
    assert (img.min(axis=2) < 200).mean() > 0.1  # a good share of the page is drawn


def glyph(text: str) -> np.ndarray:
    png = export.render(title_only(text), fmt="png", preset="slide", scale=1, footer="")
    return pixels(png)[:200, :500].min(axis=2) < 128  # the title area, ink only


@needs_browser
def test_chinese_glyphs_are_real_not_tofu():
    # Missing CJK fonts draw every character as the same empty box ("tofu"); a Private Use
    # Area character is a box in every font. Real glyphs differ from each other and from it.
    hu, bei, box = glyph("湖"), glyph("北"), glyph("\ue000")
    assert hu.sum() > 50 and bei.sum() > 50
    assert (hu != bei).sum() > 100, "two different characters rendered identically (tofu)"
    assert (hu != box).sum() > 100 and (bei != box).sum() > 100


@needs_browser
def test_svg_and_pdf(assessment, config):
    fig = charts.movers(assessment, config, 2024, 2025, demo=True)
    svg = export.render(fig, fmt="svg", preset="slide", footer="数据来源：测试 · 方法指纹 abc")
    assert svg.startswith(b"<svg") and "方法指纹 abc".encode() in svg
    assert "综合得分变化最大的单位".encode() in svg
    pdf = export.render(fig, fmt="pdf", preset="a4", footer="数据来源：测试")
    assert pdf.startswith(b"%PDF")


@needs_browser
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="未安装 poppler-utils (pdftotext)")
def test_text_copied_out_of_a_pdf_is_the_text_shown(assessment, config, tmp_path):
    """Noto Sans CJK shares glyphs between 大/⼤, 示/⽰, 人/⼈…; copied text must be the ideographs."""
    fig = charts.movers(assessment, config, 2024, 2025, demo=True)
    path = tmp_path / "chart.pdf"
    path.write_bytes(export.render(fig, fmt="pdf", preset="slide", footer="示例数据 · 方法指纹 abc123"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert export.plain_title(fig) in text  # 综合得分变化最大的单位（2024→2025 年度）
    assert "示例数据" in text and "方法指纹 abc123" in text
    assert not [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF], "Kangxi radicals in the text"
    names = set(assessment.year(2025)["name"])
    assert sum(name in text for name in names) >= 10  # the bar labels, 长阳土家族自治县 included


def test_the_export_font_drops_only_the_shared_code_points():
    from fontTools.ttLib import TTFont

    from revitalization.exports import fonts

    conf = fonts.fontconfig_file()
    if conf is None:
        pytest.skip("未安装 Noto Sans CJK SC")
    regular = TTFont(conf.parent / "RevitalizationExportSansSC-Regular.otf")
    cmap = regular.getBestCmap()
    assert all(ord(c) in cmap for c in "大示人长土自治县乡村振兴0123456789")
    assert not any(cp in cmap for cp in (0x2F24, 0x2F70, 0x2F08, 0x2ED3))
    assert regular["name"].getDebugName(1) == fonts.FAMILY
    original = TTFont(fonts._source("Regular")[0], fontNumber=fonts._source("Regular")[1], lazy=True)
    assert regular.reader["CFF "] == original.reader["CFF "]  # outlines untouched


def test_prepare_embeds_geometry_and_stamps(assessment, config):
    fig = charts.province_map(assessment, config, 2025, demo=True)
    assert isinstance(fig.data[0].geojson, str)  # on screen: fetched by URL
    footer = export.source_line(demo=True, fingerprint=assessment.fingerprint)
    spec = export.prepare(fig, preset="a4", footer=footer)
    assert isinstance(spec["data"][0]["geojson"], dict) and len(spec["data"][0]["geojson"]["features"]) == 103
    assert (spec["layout"]["width"], spec["layout"]["height"]) == (590, 831)  # 15.6 × 22 cm at 96 px/in
    footer_lines = spec["layout"]["legend2"]["title"]["text"].split("<br>")
    def bare(text: str) -> str:
        return text.replace(" ", "").replace("·", "")

    assert bare("".join(footer_lines)) == bare(footer)  # wrapped, nothing lost
    assert "示例数据" in footer and assessment.fingerprint in footer and "制图日期" in footer
    # The export is the same figure: same classes, colours and legend as on screen.
    assert spec["data"][0]["colorscale"] == [list(x) for x in fig.data[0].colorscale]
    assert [t.get("name") for t in spec["data"][:-1]] == [t.name for t in fig.data]
    assert spec["data"][-1]["legend"] == "legend2"  # the footer's carrier, nothing else


def test_no_browser_is_said_plainly(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert "没有可用的 Chromium" in export.renderer_status()


def fake_browser(tmp_path, body: str) -> str:
    path = tmp_path / "chromium"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return str(path)


def test_a_broken_browser_is_said_plainly_and_export_does_not_hang(tmp_path, monkeypatch):
    """A Chromium that cannot run (a missing library): the page says so before any click,
    and an export fails at once with the same reason, not after a silent wait."""
    path = fake_browser(tmp_path, 'echo "chromium: error while loading shared libraries: '
                                  'libnss3.so" >&2; exit 127')
    monkeypatch.setenv("BROWSER_PATH", path)
    status = export.renderer_status()
    assert "无法运行" in status and "退出码 127" in status and "libnss3.so" in status
    with pytest.raises(export.ExportError, match="libnss3.so"):
        export.Renderer().render(export.prepare(title_only("图"), preset="slide", footer="脚注"), "png")


def test_a_hanging_browser_is_given_up_on_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", fake_browser(tmp_path, "sleep 600"))
    monkeypatch.setattr(export, "PROBE_SECONDS", 1)
    assert "1 秒内没有响应" in export.renderer_status()


def test_a_browser_that_answers_but_will_not_start_is_a_message(tmp_path, monkeypatch):
    """``--version`` works, the headless start kaleido needs does not: a Chinese message."""
    path = fake_browser(tmp_path, 'case "$*" in *--version*) echo "Chromium 131";; *) exit 1;; esac')
    monkeypatch.setenv("BROWSER_PATH", path)
    assert export.renderer_status() is None
    with pytest.raises(export.ExportError, match="Chromium 启动后立即退出"):
        export.Renderer().render(export.prepare(title_only("图"), preset="slide", footer="脚注"), "png")
