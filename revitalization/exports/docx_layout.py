"""Word layout for briefings, after the 公文 format (GB/T 9704-2012) a 工作简报 borrows: A4,
margins that leave a 15.6 cm text block, 仿宋_GB2312 body and 黑体 / 楷体_GB2312 headings
(named with their Windows and WPS fallbacks), page numbers "— 1 —" at the foot, tables that
print (header row repeated on every page, rows never split, columns as wide as their content,
numbers right-aligned) and pictures exactly the width of the text block.

python-docx covers styles, sections, tables and pictures; the four things it has no API for
are written as the WordprocessingML elements Word itself writes: the eastAsia font, the PAGE
field, a repeated header row (w:tblHeader) and a row kept whole (w:cantSplit).
"""

from __future__ import annotations

import io
from datetime import datetime

import pandas as pd

from revitalization.wording import utc

# Fonts: the name Word looks for first, then what Windows and WPS have when it is missing.
FANGSONG = "仿宋_GB2312"  # body (仿宋 on Windows 10+, installed by WPS)
HEITI = "黑体"            # first-level headings
KAITI = "楷体_GB2312"      # second-level headings (楷体 on Windows 10+)
XIAOBIAOSONG = "方正小标宋简体"  # the briefing's name and title (宋体 when missing)
SONGTI = "宋体"            # tables, captions, page numbers
LATIN = "Times New Roman"
FALLBACKS = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: SONGTI}
RED = "C00000"

PAGE_W, PAGE_H = 21.0, 29.7  # cm
MARGINS = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}  # GB/T 9704 § 5.2.1
TEXT_WIDTH = PAGE_W - MARGINS["left"] - MARGINS["right"]  # 15.6 cm


def _east_asia(element, font: str) -> None:
    """Set the East Asian font (w:eastAsia) of a style's or run's rPr, Latin in LATIN."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), font)


def setup(document, *, title: str, author: str, subject: str, comments: str,
          made: datetime) -> None:
    """Page, margins, styles and file properties of a new document."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    section = document.sections[0]
    section.page_width, section.page_height = Cm(PAGE_W), Cm(PAGE_H)
    _margins(section)
    styles = {  # name: (font, size pt, bold)
        "Normal": (FANGSONG, 16, False), "Title": (XIAOBIAOSONG, 22, False),
        "Heading 1": (HEITI, 16, False), "Heading 2": (KAITI, 16, True),
        "Caption": (SONGTI, 10.5, False), "List Bullet": (FANGSONG, 16, False),
        "List Bullet 2": (FANGSONG, 14, False),
    }
    for name, (font, size, bold) in styles.items():
        style = document.styles[name]
        style.font.name = LATIN
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = None
        _east_asia(style.element, font)
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(28 if size >= 14 else 16)  # 22 lines of 28 characters a page
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        if name.startswith("Heading"):
            fmt.keep_with_next = True
    title_ppr = document.styles["Title"].element.pPr  # the template's Title is underlined
    if title_ppr is not None:
        for border in title_ppr.findall(qn("w:pBdr")):
            title_ppr.remove(border)
    document.styles["Normal"].paragraph_format.first_line_indent = Pt(32)  # two characters
    for name in ("Title", "Heading 1", "Heading 2", "Caption", "List Bullet", "List Bullet 2"):
        document.styles[name].paragraph_format.first_line_indent = Pt(0)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.subject, props.comments, props.keywords = subject, comments, "乡村振兴;实绩考核;简报"
    props.category, props.language = "工作简报", "zh-CN"
    props.created = props.modified = utc(made)
    props.revision = 1
    page_numbers(section)


def _margins(section) -> None:
    from docx.shared import Cm

    section.top_margin, section.bottom_margin = Cm(MARGINS["top"]), Cm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS["left"]), Cm(MARGINS["right"])
    section.footer_distance = Cm(2.8)


def page_numbers(section) -> None:
    """"— 1 —" centred at the foot of every page (the PAGE field)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.text = ""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    for text in ("— ", None, " —"):
        run = paragraph.add_run(text or "")
        run.font.size = Pt(14)
        _east_asia(run._r, SONGTI)
        if text is None:
            field = run._r.makeelement(qn("w:fldSimple"), {qn("w:instr"): "PAGE"})
            inner = run._r.makeelement(qn("w:r"), {})
            number = inner.makeelement(qn("w:t"), {})
            number.text = "1"
            inner.append(number)
            field.append(inner)
            run._r.addnext(field)


def orientation(document, *, landscape: bool) -> None:
    """Start a new section (on a new page) in landscape or portrait A4, same margins."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = Cm(PAGE_H), Cm(PAGE_W)
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    _margins(section)


def text_width_cm(section) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def picture(document, png: bytes, caption: str) -> None:
    """A picture exactly as wide as the text block (it was laid out at that size), centred,
    kept on the page of its caption."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Cm

    width = text_width_cm(document.sections[-1])
    document.add_picture(io.BytesIO(png), width=Cm(width))
    holder = document.paragraphs[-1]
    holder.alignment = WD_ALIGN_PARAGRAPH.CENTER
    holder.paragraph_format.first_line_indent = Cm(0)
    holder.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # exact would crop it
    holder.paragraph_format.keep_with_next = True
    note = document.add_paragraph(caption, style="Caption")
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _display_width(text: str) -> float:
    return sum(1.0 if ord(c) > 0x2E7F else 0.55 for c in text)


PADDING_CM = 0.4  # a cell's left and right margins together (Word's default 0.19 cm each)
SHORT_CM = 2.5  # columns whose longest line fits this keep it on one line


def column_widths(columns: list[str], cells: list[list[str]], size: float, total: float
                  ) -> list[float]:
    """Column widths (cm) filling ``total``: each column as wide as its longest line (capped,
    so one long cell wraps instead of squeezing the others). When the content is wider than
    the page, short columns (a 2-character 振兴, a rank) keep their natural width and only the
    wide ones give way, so no short word breaks across lines."""
    char_cm = size * 2.54 / 72  # the width of one Chinese character at ``size`` pt
    need = [max([_display_width(str(c))] + [_display_width(r[j]) for r in cells[:400]])
            for j, c in enumerate(columns)]
    natural = [min(max(n, 2.0), 18.0) * char_cm + PADDING_CM for n in need]
    if sum(natural) <= total:
        return [total * n / sum(natural) for n in natural]
    short = [n <= SHORT_CM for n in natural]
    fixed = sum(n for n, s in zip(natural, short, strict=True) if s)
    wide = sum(n for n, s in zip(natural, short, strict=True) if not s)
    if not wide or fixed >= total:  # nothing can give way: scale everything
        return [total * n / sum(natural) for n in natural]
    return [n if s else (total - fixed) * n / wide for n, s in zip(natural, short, strict=True)]


def table(document, frame: pd.DataFrame, *, formats: dict[str, str] | None = None,
          size: float = 10.5, whole: bool = False) -> None:
    """A table for print: header row repeated on every page, no row split across pages,
    columns as wide as their content (within the text block), numbers right-aligned and
    formatted once from the unrounded values. ``whole``: a short table kept on one page
    (each row kept with the next)."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    formats = formats or {}
    columns = list(frame.columns)

    def text(col, value) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return "—"
        return formats[col].format(value) if col in formats else str(value)

    cells = [[text(col, v) for col, v in zip(columns, row, strict=True)]
             for row in frame.itertuples(index=False)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in columns]
    total_cm = text_width_cm(document.sections[-1])
    widths = column_widths(columns, cells, size, total_cm)

    t = document.add_table(rows=1 + len(cells), cols=len(columns))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for column, width in zip(t.columns, widths, strict=True):  # the grid Word and WPS lay out by
        column.width = Cm(width)
    for i, row in enumerate(t.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
        if i == 0:
            trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))
        values = columns if i == 0 else cells[i - 1]
        for j, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = Cm(widths[j])
            p = cell.paragraphs[0]
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.keep_with_next = whole and i < len(cells)
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            run = p.add_run(str(value))
            run.font.size = Pt(size)
            run.bold = i == 0
            _east_asia(run._r, SONGTI)
            p.alignment = (WD_ALIGN_PARAGRAPH.CENTER if i == 0 else
                           WD_ALIGN_PARAGRAPH.RIGHT if numeric[j] else WD_ALIGN_PARAGRAPH.LEFT)


def rule(paragraph, *, color: str = RED, size: int = 12, where: str = "bottom") -> None:
    """A line under (or over) a paragraph, as 公文 separators are drawn."""
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = ppr.makeelement(qn("w:pBdr"), {})
        ppr.append(borders)
    line = borders.makeelement(qn(f"w:{where}"), {qn("w:val"): "single", qn("w:sz"): str(size),
                                                   qn("w:space"): "4", qn("w:color"): color})
    borders.append(line)


def run(paragraph, text: str, *, font: str, size: float, bold: bool = False,
        color: str | None = None, highlight: bool = False):
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt, RGBColor

    r = paragraph.add_run(text)
    r.font.size = Pt(size)
    r.bold = bold
    if color:
        r.font.color.rgb = RGBColor.from_string(color)
    if highlight:
        r.font.highlight_color = WD_COLOR_INDEX.YELLOW
    _east_asia(r._r, font)
    return r




def font_table(document) -> None:
    """Declare the 公文 fonts with their substitutes (w:altName) in the font table, so Word and
    WPS show 仿宋 / 楷体 / 宋体 where 仿宋_GB2312, 楷体_GB2312 or 方正小标宋简体 is not installed."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    part = next(p for p in document.part.package.iter_parts()
                if str(p.partname) == "/word/fontTable.xml")
    root = parse_xml(part.blob)
    known = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for name in (FANGSONG, KAITI, XIAOBIAOSONG, HEITI, SONGTI):
        if name in known:
            continue
        alt = FALLBACKS.get(name)
        root.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}">'
            + (f'<w:altName w:val="{alt}"/>' if alt else "")
            + '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'))
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
