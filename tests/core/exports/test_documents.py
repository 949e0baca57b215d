"""The briefing packs: DOCX, PPTX and ZIP (images rendered with the system Chromium)."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import ONE_CHROMIUM
from PIL import Image

from revitalization.exports import documents as briefing
from revitalization.exports import images as export
from revitalization.robust import robust_ranks

pytestmark = ONE_CHROMIUM


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
