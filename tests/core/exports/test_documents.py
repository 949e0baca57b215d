"""The briefing packs: DOCX, PPTX and ZIP (images rendered with the system Chromium), read
back as a clerk's Word or PowerPoint would: layout, print rules, properties and content."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pandas as pd
import pytest
from conftest import ONE_CHROMIUM
from PIL import Image

from revitalization.briefing import BriefingHead
from revitalization.exports import documents as briefing
from revitalization.exports import docx_layout as layout
from revitalization.exports import images as export
from revitalization.robust import robust_ranks
from revitalization.wording import BEIJING

pytestmark = ONE_CHROMIUM
HEAD = BriefingHead(issue="第 12 期", unit="湖北省乡村振兴局综合处", send_to="省委办公厅", copy_to="各市州乡村振兴局")
MADE = datetime(2026, 11, 30, 9, 30)


@pytest.fixture(scope="module")
def pack(assessment, config, cities):
    if export.browser_path() is None:
        pytest.skip("未安装 Chromium (no system Chromium)")
    ctx = briefing.Context(assessment, config, 2025, True,
                           robust=robust_ranks(assessment, config, 2025, draws=100).table,
                           head=HEAD, made=MADE, cities=cities)
    return ctx, briefing.provincial_images(ctx, briefing.DOC_PRESET), briefing.provincial_images(ctx)


def emu_cm(value) -> float:
    return value / 360000


def test_the_provincial_briefing_is_laid_out_for_print(pack):
    from docx import Document
    from docx.oxml.ns import qn

    ctx, pictures, _ = pack
    data = briefing.provincial_docx(ctx, pictures)
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    # 版头: name, issue number, issuing unit and date
    assert paragraphs[:3] == ["乡村振兴工作简报", "第 12 期", "湖北省乡村振兴局综合处\t2026年11月30日"]
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、考核排名", "三、通报表扬", "四、约谈预警", "五、年度对比",
                        "六、市州考核", "七、五大振兴", "八、下一步工作要求"]
    # the 市州 tier: its formula, its 优秀 and its 约谈 cities, and its ranking of 17
    assert any(t.startswith("市州综合得分 = ") for t in paragraphs)
    assert any(t.startswith("荆门市（") and "连续两年，升级处理" in t for t in paragraphs)
    assert len(doc.tables[1].rows) == 18
    assert any(t.startswith("【请在此填写下一步工作要求") for t in paragraphs)
    # 版记
    assert "报送：省委办公厅" in paragraphs and "抄送：各市州乡村振兴局" in paragraphs
    assert paragraphs[-1] == "湖北省乡村振兴局综合处\t2026年11月30日印发"
    # fonts: 仿宋_GB2312 body, 黑体 headings, with substitutes declared for Word and WPS
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert doc.styles["Heading 1"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        fonts = z.read("word/fontTable.xml").decode()
        footer = z.read("word/footer1.xml").decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert 'w:instr="PAGE"' in footer  # page numbers
    # every picture within the text block of its section
    assert len(doc.inline_shapes) == len(pictures) == 6
    width = emu_cm(doc.sections[0].page_width - doc.sections[0].left_margin - doc.sections[0].right_margin)
    assert width == pytest.approx(15.6, abs=0.01)
    for shape in doc.inline_shapes:
        assert emu_cm(shape.width) <= width + 0.01
    # the ranking table: header repeated on every page, rows kept whole, numbers right-aligned
    table = doc.tables[0]
    assert len(table.rows) == int(ctx.assessment.year(2025)["assessed"].sum()) + 1
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
    score = list(briefing.ranking(ctx).columns).index("综合得分")
    assert table.rows[1].cells[score].paragraphs[0].alignment == 2  # RIGHT
    top = ctx.assessment.year(2025).query("assessed")["composite"].max()
    assert table.rows[1].cells[score].text == f"{top:.1f}"  # formatted once from the raw score
    widths = [c.width for c in table.columns]
    assert max(widths) > 2 * min(widths)  # by content, not equal
    # file properties are the office's, not the library's
    props = doc.core_properties
    assert props.author == props.last_modified_by == "湖北省乡村振兴局综合处"
    assert props.title == "湖北省2025年度乡村振兴责任制实绩考核结果"
    assert props.created == MADE.replace(tzinfo=BEIJING) and props.revision == 1  # UTC in the file
    assert "python-docx" not in (props.comments + props.author + props.title)
    assert ctx.assessment.fingerprint in props.comments
    # 约谈: escalation stated for every escalated unit, robustness for each
    text = "\n".join(paragraphs)
    rows = ctx.assessment.year(2025)
    for _, r in rows[rows["flagged"] & rows["escalated"]].iterrows():
        block = text.split(r["name"] + "（", 1)[1].split("\n", 12)
        assert any("连续两年列入约谈预警，升级处理" in line for line in block), r["name"]
    assert "稳健性" in text and "【示例数据】" in text
    assert "优秀：优秀" not in text and "进步明显：进步明显" not in text  # labels said once


def test_slides_are_16_9_with_a_chinese_master(pack):
    from pptx import Presentation

    ctx, _, slides = pack
    data = briefing.provincial_pptx(ctx, slides)
    prs = Presentation(io.BytesIO(data))
    assert (prs.slide_width, prs.slide_height) == (12191695, 6858000) or \
        prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=1e-3)
    assert [layout_.name for layout_ in prs.slide_layouts][:2] == ["标题幻灯片", "标题和内容"]
    assert prs.core_properties.author == "湖北省乡村振兴局综合处"
    assert prs.core_properties.title.startswith("湖北省2025年度")
    figures = [shape for s in prs.slides for shape in s.shapes if shape.shape_type == 13]
    assert len(figures) == len(slides)
    for shape in figures:  # each figure fills its slide: no second title over it
        assert (shape.width, shape.height) == (prs.slide_width, prs.slide_height)
        assert shape._element.nvPicPr.cNvPr.get("descr")
    tables = [shape.table for s in prs.slides for shape in s.shapes if shape.has_table]
    last = tables[-1]
    assert len(last.rows) < 17 and all(r.height == last.rows[0].height for r in last.rows)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert 'typeface="微软雅黑"' in z.read("ppt/slides/slide2.xml").decode()
        assert '<a:ea typeface="微软雅黑"/>' in z.read("ppt/theme/theme1.xml").decode()
    with zipfile.ZipFile(io.BytesIO(briefing.images_zip(slides, ctx.footer))) as z:
        names = z.namelist()
        assert "01_全省综合得分地图.png" in names and "说明.txt" in names
        assert Image.open(io.BytesIO(z.read("01_全省综合得分地图.png"))).size == (2560, 1440)


def test_county_profile_and_the_compendium(pack):
    from docx import Document

    ctx, _, _ = pack
    doc = Document(io.BytesIO(briefing.county_docx(ctx, "421321")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "随县（随州市）" in text and "约谈预警原因" in text and "差距测算" in text
    assert len(doc.inline_shapes) == 4
    records = pd.DataFrame([{"id": 1, "year": 2024, "status": "整改中", "interview_date": "2025-03-02",
                             "level": "省", "interviewees": "县委书记、县长", "issues": ["得分连续下降"]}])
    tasks = pd.DataFrame([{"interview_id": 1, "description": "补齐污水处理设施", "owner": "县住建局",
                           "deadline": "2025-06-30", "done": False, "overdue": True},
                          {"interview_id": 1, "description": "完善村规划", "owner": "县自然资源局",
                           "deadline": "2025-05-30", "done": True, "overdue": False}])
    ctx.cases["421321"] = briefing.case_lines(records, tasks)
    findings = pd.DataFrame([{"id": 7, "round_id": 1, "category": "资金使用", "severity": "较重",
                              "description": "衔接资金项目进度滞后", "status": "整改中",
                              "interview_id": 1}])
    finding_tasks = pd.DataFrame([{"finding_id": 7, "description": "12 月底前完成拨付",
                                   "owner": "县财政局", "deadline": "2025-12-31", "done": False,
                                   "overdue": False}])
    ctx.findings["421321"] = briefing.finding_lines(findings, finding_tasks,
                                                    {1: "2025 年度乡村振兴督查"})
    rows = ctx.assessment.year(2025)
    flagged = rows[rows["flagged"]]
    doc = Document(io.BytesIO(briefing.flagged_docx(ctx)))
    assert len([p for p in doc.paragraphs if p.style.name == "Heading 1"]) == len(flagged)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"其中连续两年列入、升级处理的 {int(flagged['escalated'].sum())} 个" in text
    assert text.count("连续两年列入约谈预警，升级处理") == int(flagged["escalated"].sum())
    assert text.count("稳健性：") == len(flagged)
    assert "2024年度结果引发的约谈：整改中，2025-03-02由省级约谈县委书记、县长。指出的问题：得分连续下降。" in text
    assert "整改任务 2 项，已完成 1 项，以下未完成：" in text
    assert "补齐污水处理设施（责任人：县住建局；期限：2025-06-30；已逾期）" in text
    assert ("2025 年度乡村振兴督查发现（资金使用，较重）：衔接资金项目进度滞后。状态：整改中；"
            "已升级为约谈。") in text
    assert "12 月底前完成拨付（责任人：县财政局；期限：2025-12-31）" in text
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 2"].count("督查发现与整改") == 1
    for table in doc.tables:
        assert table.rows[0]._tr.trPr is not None


def test_table_widths_follow_content_and_fill_the_text_block():
    from docx import Document

    doc = Document()
    layout.setup(doc, title="t", author="a", subject="s", comments="c", made=MADE)
    frame = pd.DataFrame({"县（市、区）": ["长阳土家族自治县", "随县"], "得分": [88.123, 61.0]})
    layout.table(doc, frame, formats={"得分": "{:.1f}"})
    t = doc.tables[0]
    widths = [emu_cm(c.width) for c in t.columns]
    assert sum(widths) == pytest.approx(15.6, abs=0.05) and widths[0] > widths[1]
    assert [c.text for c in t.rows[1].cells] == ["长阳土家族自治县", "88.1"]


def test_short_columns_keep_their_words_on_one_line_when_the_table_is_wide():
    """A 2-character column (振兴) beside long text columns is not squeezed until its word
    breaks; only the wide columns give way."""
    columns = ["振兴", "指标", "目标 / 门槛"]
    cells = [["产业", "农产品加工业产值与农业总产值比" * 2, "未达目标值 10.00 万元/人" * 2]] * 3
    widths = layout.column_widths(columns, cells, 9, 15.6)
    assert sum(widths) == pytest.approx(15.6)
    assert widths[0] >= 2 * 9 * 2.54 / 72 + layout.PADDING_CM - 1e-9  # two characters fit
    assert widths[1] == pytest.approx(widths[2])  # the long ones share what is left
    narrow = layout.column_widths(["县", "得分"], [["随县", "61.0"]], 10.5, 15.6)
    assert sum(narrow) == pytest.approx(15.6)  # a narrow table still fills the text block
