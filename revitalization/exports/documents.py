"""Briefing packs (简报包): DOCX (what offices use), PPTX and a ZIP of images, in Chinese.

Every pack is stamped with the data source, the date made and the method fingerprint.
Chinese text is set in East Asian fonts (宋体 body, 黑体 headings in Word; 微软雅黑 in
PowerPoint), declared as the ``eastAsia`` / ``ea`` font so Word and WPS use them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from revitalization import charts, compare, rulebook, summary, tables
from revitalization.config import IndicatorSystem
from revitalization.engine import Assessment
from revitalization.exports.images import plain_title, render, source_line
from revitalization.gap import gap
from revitalization.profile import indicator_table
from revitalization.wording import data_note, date_text, grade_label, grade_title

BODY_FONT, HEAD_FONT, SLIDE_FONT, LATIN = "宋体", "黑体", "微软雅黑", "Arial"


@dataclass
class Context:
    """What a pack is made from."""

    assessment: Assessment
    config: IndicatorSystem
    year: int
    demo: bool
    robust: pd.DataFrame | None = None  # robust_ranks(...).table, for the 约谈 list
    notes: dict[str, pd.DataFrame] = field(default_factory=dict)  # adcode → notes
    made: date = field(default_factory=date.today)

    @property
    def footer(self) -> str:
        return source_line(demo=self.demo, fingerprint=self.assessment.fingerprint,
                                  made=self.made)

    @property
    def previous(self) -> int | None:
        return self.year - 1 if self.year - 1 in self.assessment.years else None


@dataclass(frozen=True)
class Image:
    name: str  # file name (no extension)
    title: str
    png: bytes


def _render(ctx: Context, name: str, fig: go.Figure) -> Image:
    title = plain_title(fig)
    return Image(name, title, render(fig, fmt="png", preset="slide", scale=2,
                                            footer=ctx.footer))


def provincial_images(ctx: Context) -> list[Image]:
    """The pack's charts, in the order they appear."""
    a, c, y, demo = ctx.assessment, ctx.config, ctx.year, ctx.demo
    figs = [("01_全省综合得分地图", charts.province_map(a, c, y, demo=demo, inline=True)),
            ("02_五大振兴小图", charts.group_multiples(a, c, y, demo=demo, inline=True)),
            ("03_市州综合得分", charts.city_map(a, c, y, demo=demo, inline=True))]
    if ctx.previous:
        p = ctx.previous
        figs += [("04_综合得分变化地图", charts.change_map(a, c, p, y, demo=demo, inline=True)),
                 ("05_进步与退步最大的单位", charts.movers(a, c, p, y, demo=demo)),
                 ("06_等次变化", charts.transitions(a, p, y, demo=demo))]
    return [_render(ctx, name, fig) for name, fig in figs]


def county_images(ctx: Context, adcode: str) -> list[Image]:
    a, c, y, demo = ctx.assessment, ctx.config, ctx.year, ctx.demo
    figs = [("五大振兴雷达图", charts.county_radar(a, c, adcode, y, demo=demo)),
            ("得分与排名走势", charts.county_trend(a, c, adcode, demo=demo)),
            ("短板指标", charts.county_obstacles(a, c, adcode, y, demo=demo))]
    waterfall = charts.county_waterfall(a, c, adcode, y, demo=demo)
    if waterfall is not None:
        figs.insert(2, ("得分变化分解", waterfall))
    name = a.year(y).at[adcode, "name"]
    return [_render(ctx, f"{name}_{n}", fig) for n, fig in figs]


# Text shared by the DOCX and the PPTX ---------------------------------------------------

def praise(ctx: Context) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, reason) of the 优秀 units and of the 进步明显 units."""
    table = tables.praise_list(ctx.assessment, ctx.year)

    def pairs(kind: str) -> list[tuple[str, str]]:
        part = table[table["表扬类别"] == kind]
        reasons = [r + (f"（数据说明：{n}）" if n else "")
                   for r, n in zip(part["理由"], part["数据说明"], strict=True)]
        return list(zip(part["县（市、区）"], reasons, strict=True))

    return pairs("优秀"), pairs("进步明显")


def flagged(ctx: Context) -> list[tuple[str, list[str], str]]:
    """(name with city, reasons, robustness) of each unit flagged for 约谈."""
    from revitalization.robust import robust_label

    rows = ctx.assessment.year(ctx.year)
    rows = rows[rows["assessed"] & rows["flagged"]].sort_values("composite")
    out = []
    for adcode, r in rows.iterrows():
        reasons = list(r["flag_reasons"])
        if r["escalated"]:
            reasons.append("连续两年列入约谈预警，升级处理")
        note = data_note(r["imputed_count"], r.get("data_check", False))
        if note:
            reasons.append(f"数据说明：{note}" + (f"（{r['data_check_reason']}）"
                                                if r.get("data_check", False) else ""))
        robust = ""
        if ctx.robust is not None and adcode in ctx.robust.index:
            robust = robust_label(ctx.robust.loc[adcode], ctx.config.method.robust_share)
        out.append((f"{r['name']}（{r['city_name']}，综合得分 {r['composite']:.1f} 分）", reasons, robust))
    return out


def ranking(ctx: Context) -> pd.DataFrame:
    table = tables.ranking_table(ctx.assessment, ctx.config, ctx.year)
    return table.drop(columns=["名次变化", "约谈预警"])


def comparison_text(ctx: Context) -> str:
    if not ctx.previous:
        return "没有上一年度数据，不作年度对比。"
    frame = compare.changes(ctx.assessment, ctx.previous, ctx.year)
    up, down = int((frame["change"] > 0).sum()), int((frame["change"] < 0).sum())
    best = frame.nlargest(3, "change")
    worst = frame.nsmallest(3, "change")
    worst = worst[worst["change"] < 0]
    best = best[best["change"] > 0]
    text = f"与 {ctx.previous} 年相比，{up} 个单位综合得分提高，{down} 个下降。"
    if len(best):
        text += "提高最多的是" + "、".join(f"{r['name']}（{r['change']:+.1f} 分）"
                                      for _, r in best.iterrows()) + "。"
    if len(worst):
        text += "下降最多的是" + "、".join(f"{r['name']}（{r['change']:.1f} 分）"
                                      for _, r in worst.iterrows()) + "。"
    return text


# DOCX -----------------------------------------------------------------------------------

def _docx_fonts(document) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name, font, size in (("Normal", BODY_FONT, 11), ("Title", HEAD_FONT, 24),
                             ("Heading 1", HEAD_FONT, 16), ("Heading 2", HEAD_FONT, 13),
                             ("Caption", BODY_FONT, 9)):
        style = document.styles[name]
        style.font.name = LATIN
        style.font.size = Pt(size)
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(rfonts)
        rfonts.set(qn("w:eastAsia"), font)
        rfonts.set(qn("w:ascii"), LATIN)
        rfonts.set(qn("w:hAnsi"), LATIN)
        if name != "Normal":
            style.font.color.rgb = None


def _docx_table(document, table: pd.DataFrame, formats: dict[str, str] | None = None) -> None:
    from docx.shared import Pt

    formats = formats or {}
    t = document.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    for cell, col in zip(t.rows[0].cells, table.columns, strict=True):
        cell.text = str(col)
        cell.paragraphs[0].runs[0].bold = True
    for _, row in table.iterrows():
        cells = t.add_row().cells
        for cell, col in zip(cells, table.columns, strict=True):
            value = row[col]
            cell.text = formats[col].format(value) if col in formats else str(value)
    for row in t.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(9)


def _orientation(document, *, landscape: bool) -> None:
    """Start a new section (on a new page) in landscape or portrait A4."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21.0)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)


def _docx_image(document, image: Image) -> None:
    from docx.shared import Cm

    document.add_picture(io.BytesIO(image.png), width=Cm(16))
    document.add_paragraph(image.title, style="Caption")


def _new_docx(ctx: Context, title: str, subtitle: str):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    _docx_fonts(document)
    document.core_properties.title = title
    document.core_properties.comments = ctx.footer
    from docx.shared import Cm

    document.sections[0].page_width, document.sections[0].page_height = Cm(21.0), Cm(29.7)
    footer = document.sections[0].footer.paragraphs[0]
    footer.text = ctx.footer
    heading = document.add_paragraph(title, style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (subtitle, f"制作日期：{date_text(ctx.made)}",
                 f"方法指纹：{ctx.assessment.fingerprint}"):
        p = document.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if ctx.demo:
        p = document.add_paragraph("【示例数据】本简报由按固定随机种子生成的示例数据制作，不代表真实考核结果。")
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def _save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def provincial_docx(ctx: Context, images: list[Image] | None = None) -> bytes:
    """The provincial briefing as a Word document."""
    images = images if images is not None else provincial_images(ctx)
    by_name = {i.name[:2]: i for i in images}
    doc = _new_docx(ctx, "湖北省乡村振兴责任制实绩考核简报", f"{ctx.year} 年度")
    doc.add_page_break()
    doc.add_heading("一、总体情况", level=1)
    for para in summary.briefing_summary(ctx.assessment, ctx.config, ctx.year).split("\n\n"):
        doc.add_paragraph(para)
    _docx_image(doc, by_name["01"])
    _orientation(doc, landscape=True)  # the wide ranking table reads best across the page
    doc.add_heading("二、考核排名", level=1)
    doc.add_paragraph("按综合得分排序；得分相同者名次并列。" + rulebook.grade_rules(ctx.config.method)[0]
                      + "“数据说明”列注明结果所用的插补值和需核实的数据。")
    table = ranking(ctx)
    _docx_table(doc, table, {c: "{:.1f}" for c in table.columns
                             if c in ["综合得分"] + [g.short for g in ctx.config.groups]})
    _orientation(doc, landscape=False)
    doc.add_heading("三、通报表扬", level=1)
    excellent, progress = praise(ctx)
    doc.add_heading(f"（一）优秀等次（{len(excellent)} 个）", level=2)
    for name, reason in excellent:
        doc.add_paragraph(f"{name}：{reason}", style="List Bullet")
    doc.add_heading(f"（二）进步明显（{len(progress)} 个）", level=2)
    for name, reason in progress or [("无", "")]:
        doc.add_paragraph(f"{name}{'：' + reason if reason else ''}", style="List Bullet")
    doc.add_heading("四、约谈预警", level=1)
    units = flagged(ctx)
    doc.add_paragraph(f"{len(units)} 个单位触发约谈预警规则：")
    for name, reasons, robust in units:
        doc.add_paragraph(name, style="List Bullet")
        for reason in reasons + ([f"稳健性：{robust}"] if robust else []):
            doc.add_paragraph(reason, style="List Bullet 2")
    doc.add_heading("五、年度对比", level=1)
    doc.add_paragraph(comparison_text(ctx))
    for key in ("04", "05", "06"):
        if key in by_name:
            _docx_image(doc, by_name[key])
    doc.add_heading("六、五大振兴", level=1)
    _docx_image(doc, by_name["02"])
    _docx_image(doc, by_name["03"])
    return _save(doc)


def _county_section(doc, ctx: Context, adcode: str, images: list[Image]) -> None:
    a, y = ctx.assessment, ctx.year
    row = a.year(y).loc[adcode]
    doc.add_heading(f"{row['name']}（{row['city_name']}）", level=1)
    if row["assessed"]:
        doc.add_paragraph(
            f"{y} 年度综合得分 {row['composite']:.1f} 分，全省第 {int(row['rank_province'])} 名，"
            f"{row['assessment_class']}类内第 {int(row['rank_class'])}/{int(row['class_size'])} 名，"
            f"{grade_title(ctx.config.method.within_class_only)}：{grade_label(row['grade'])}"
            f"（{row['grade_reason']}）。")
        if row["flagged"]:
            doc.add_paragraph("约谈预警原因：", style="List Bullet")
            reasons = list(row["flag_reasons"])
            if row["escalated"]:
                reasons.append("连续两年列入约谈预警，升级处理")
            if ctx.robust is not None and adcode in ctx.robust.index:
                from revitalization.robust import robust_label

                reasons.append("稳健性：" + robust_label(ctx.robust.loc[adcode],
                                                       ctx.config.method.robust_share))
            for reason in reasons:
                doc.add_paragraph(reason, style="List Bullet 2")
        note = data_note(row["imputed_count"], row.get("data_check", False))
        if note:
            doc.add_paragraph(f"数据说明：{note}" + (f"（{row['data_check_reason']}）"
                                                  if row.get("data_check", False) else ""),
                              style="List Bullet")
        needed = gap(a, ctx.config, adcode, y)
        if needed is not None:
            lines = needed.lines()
            doc.add_paragraph(f"差距测算：{lines[0]}", style="List Bullet")
            for line in lines[1:]:
                doc.add_paragraph(line, style="List Bullet 2")
        if row["progress"]:
            doc.add_paragraph(row["progress_reason"], style="List Bullet")
    else:
        doc.add_paragraph(f"{row['name']}为中心城区，未纳入乡村振兴实绩考核；以下得分仅供参考。")
    for image in images:
        _docx_image(doc, image)
    table = indicator_table(a, ctx.config, adcode, y)[["振兴", "指标", "数值", "标准化得分",
                                                        "类内排名", "较上年", "目标 / 门槛"]]
    table["标准化得分"] = table["标准化得分"].map(lambda v: "—" if v != v else f"{v:.1f}")
    doc.add_heading("指标明细", level=2)
    _docx_table(doc, table)
    notes = ctx.notes.get(adcode)
    if notes is not None and len(notes):
        doc.add_heading("工作备注", level=2)
        for note in notes.itertuples():
            doc.add_paragraph(f"{note.year} 年：{note.text}（{note.author}）", style="List Bullet")


def county_docx(ctx: Context, adcode: str) -> bytes:
    """One county's profile as a Word document."""
    name = ctx.assessment.year(ctx.year).at[adcode, "name"]
    doc = _new_docx(ctx, f"{name}乡村振兴实绩考核画像", f"{ctx.year} 年度")
    doc.add_page_break()
    _county_section(doc, ctx, adcode, county_images(ctx, adcode))
    return _save(doc)


def flagged_docx(ctx: Context) -> bytes:
    """The profiles of every unit flagged for 约谈 in the year, one after another."""
    rows = ctx.assessment.year(ctx.year)
    codes = rows[rows["assessed"] & rows["flagged"]].sort_values("composite").index.tolist()
    doc = _new_docx(ctx, "约谈预警单位画像汇编", f"{ctx.year} 年度 · 共 {len(codes)} 个单位")
    for adcode in codes:
        doc.add_page_break()
        _county_section(doc, ctx, adcode, county_images(ctx, adcode))
    return _save(doc)


# PPTX -----------------------------------------------------------------------------------

def _pptx_text(shape, lines: list[str], size: int = 18, bold_first: bool = False) -> None:
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    frame = shape.text_frame
    frame.word_wrap = True
    for n, line in enumerate(lines):
        p = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold_first and n == 0
        run.font.name = LATIN
        rpr = run._r.get_or_add_rPr()
        ea = rpr.find(qn("a:ea"))
        if ea is None:
            ea = rpr.makeelement(qn("a:ea"), {})
            rpr.append(ea)
        ea.set("typeface", SLIDE_FONT)


def provincial_pptx(ctx: Context, images: list[Image] | None = None) -> bytes:
    """The provincial briefing as 16:9 slides."""
    from pptx import Presentation
    from pptx.util import Inches

    images = images if images is not None else provincial_images(ctx)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]

    def slide(title: str):
        s = prs.slides.add_slide(blank)
        _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.8)),
                   [title], size=28, bold_first=True)
        _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.4)),
                   [ctx.footer], size=10)
        return s

    cover = prs.slides.add_slide(blank)
    lines = ["湖北省乡村振兴责任制实绩考核简报", f"{ctx.year} 年度",
             f"制作日期：{date_text(ctx.made)} · 方法指纹 {ctx.assessment.fingerprint}"]
    if ctx.demo:
        lines.append("【示例数据】不代表真实考核结果")
    _pptx_text(cover.shapes.add_textbox(Inches(1), Inches(2.5), Inches(11.3), Inches(3)), lines,
               size=32, bold_first=True)
    s = slide("总体情况")
    _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(1.2), Inches(12.3), Inches(5.5)),
               summary.briefing_summary(ctx.assessment, ctx.config, ctx.year).split("\n\n"), size=18)
    for image in images:
        s = slide(image.title)
        s.shapes.add_picture(io.BytesIO(image.png), Inches(1.2), Inches(1.1), height=Inches(5.85))
    table = ranking(ctx)
    per = 16
    for start in range(0, len(table), per):
        part = table.iloc[start:start + per]
        s = slide(f"考核排名（第 {start + 1}–{start + len(part)} 名）")
        shape = s.shapes.add_table(len(part) + 1, len(part.columns), Inches(0.4), Inches(1.1),
                                   Inches(12.5), Inches(5.7))
        cells = shape.table
        for j, col in enumerate(part.columns):
            _pptx_cell(cells.cell(0, j), str(col))
        for i, (_, row) in enumerate(part.iterrows(), start=1):
            for j, col in enumerate(part.columns):
                v = row[col]
                _pptx_cell(cells.cell(i, j), f"{v:.1f}" if isinstance(v, float) else str(v))
    excellent, progress = praise(ctx)
    s = slide("通报表扬")
    _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(1.2), Inches(12.3), Inches(5.6)),
               [f"优秀等次（{len(excellent)} 个）：" + "、".join(n for n, _ in excellent),
                f"进步明显（{len(progress)} 个）：" + ("、".join(n for n, _ in progress) or "无")]
               + [f"· {n}：{r}" for n, r in progress], size=16)
    units = flagged(ctx)
    s = slide(f"约谈预警（{len(units)} 个单位）")
    _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(1.2), Inches(12.3), Inches(5.6)),
               [f"· {name}：{'；'.join(reasons)}" + (f"（{robust}）" if robust else "")
                for name, reasons, robust in units], size=13)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _pptx_cell(cell, text: str) -> None:
    cell.text = ""
    _pptx_text(cell, [text], size=9)


# ZIP ------------------------------------------------------------------------------------

def images_zip(images: list[Image], footer: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for image in images:
            z.writestr(f"{image.name}.png", image.png)
        z.writestr("说明.txt", "图片规格：16:9，3200×1800 像素（2 倍清晰度）。\n" + footer + "\n")
    return buffer.getvalue()
