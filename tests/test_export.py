"""Exports: image size and content, real Chinese glyphs, and the briefing packs.

Rendering needs the system Chromium (CI installs it); without it the tests are skipped
and the app says plainly that server-side export is unavailable.
"""

from __future__ import annotations

import io
import zipfile

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from revitalization import charts
from revitalization.exports import documents as briefing
from revitalization.exports import images as export
from revitalization.robust import robust_ranks

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


def test_prepare_embeds_geometry_and_stamps(assessment, config):
    fig = charts.province_map(assessment, config, 2025, demo=True)
    assert isinstance(fig.data[0].geojson, str)  # on screen: fetched by URL
    footer = export.source_line(demo=True, fingerprint=assessment.fingerprint)
    spec = export.prepare(fig, preset="a4", footer=footer)
    assert isinstance(spec["data"][0]["geojson"], dict) and len(spec["data"][0]["geojson"]["features"]) == 103
    assert (spec["layout"]["width"], spec["layout"]["height"]) == (1240, 1754)
    assert spec["layout"]["annotations"][-1]["text"] == footer
    assert "示例数据" in footer and assessment.fingerprint in footer and "制图日期" in footer
    # The export is the same figure: same classes, colours and legend as on screen.
    assert spec["data"][0]["colorscale"] == [list(x) for x in fig.data[0].colorscale]
    assert [t.get("name") for t in spec["data"]] == [t.name for t in fig.data]


def test_no_browser_is_said_plainly(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert "没有可用的 Chromium" in export.renderer_status()


@pytest.fixture(scope="module")
def pack(assessment, config):
    if export.browser_path() is None:
        pytest.skip("未安装 Chromium (no system Chromium)")
    ctx = briefing.Context(assessment, config, 2025, True,
                           robust=robust_ranks(assessment, config, 2025, draws=100).table)
    images = briefing.provincial_images(ctx)
    return ctx, images


def test_docx_pack(pack):
    from docx import Document
    from docx.oxml.ns import qn

    ctx, images = pack
    doc = Document(io.BytesIO(briefing.provincial_docx(ctx, images)))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、考核排名", "三、通报表扬", "四、约谈预警", "五、年度对比",
                        "六、五大振兴"]
    assert doc.styles["Normal"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert ctx.assessment.fingerprint in doc.sections[0].footer.paragraphs[0].text
    assert len(doc.inline_shapes) == len(images) == 6
    assessed = int(ctx.assessment.year(2025)["assessed"].sum())
    assert len(doc.tables[0].rows) == assessed + 1
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "阳新县" in text and "稳健性" in text  # the 约谈 list carries reasons and robustness
    assert "【示例数据】" in text


def test_pptx_and_zip(pack):
    from pptx import Presentation

    ctx, images = pack
    data = briefing.provincial_pptx(ctx, images)
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) >= 2 + len(images) + 4
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        slide = z.read("ppt/slides/slide2.xml").decode()
    assert 'typeface="微软雅黑"' in slide
    with zipfile.ZipFile(io.BytesIO(briefing.images_zip(images, ctx.footer))) as z:
        names = z.namelist()
        assert "01_全省综合得分地图.png" in names and "说明.txt" in names
        assert Image.open(io.BytesIO(z.read("01_全省综合得分地图.png"))).size == (3200, 1800)


def test_county_and_flagged_packs(pack):
    from docx import Document

    ctx, _ = pack
    doc = Document(io.BytesIO(briefing.county_docx(ctx, "421321")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "随县（随州市）" in text and "约谈预警原因" in text
    assert len(doc.inline_shapes) == 4
    flagged = int(ctx.assessment.year(2025)["flagged"].sum())
    doc = Document(io.BytesIO(briefing.flagged_docx(ctx)))
    assert len([p for p in doc.paragraphs if p.style.name == "Heading 1"]) == flagged


def test_county_card_is_one_page_with_the_key_facts(assessment, config):
    fig = charts.county_card(assessment, config, "421321", 2025, demo=True)
    title = fig.layout.title.text
    assert "随县乡村振兴实绩考核画像（2025 年度）" in title and "约谈预警" in title
    assert {t.type for t in fig.data} == {"scatterpolar", "scatter", "bar"}
    urban = charts.county_card(assessment, config, "420102", 2025)
    assert "未纳入考核" in urban.layout.title.text
