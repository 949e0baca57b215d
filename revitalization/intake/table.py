"""Finding the table in a sheet as offices lay it out: title lines and notes above and
below, one- or two-row (merged) headers with group names over indicator names, 合计 /
平均 / 市州 rows, blank, hidden and 备注 columns, the county column under any of the names
offices give it (or found by its content), and the year from a column, the title, the file
name or the page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from revitalization.config import IndicatorSystem
from revitalization.intake import values
from revitalization.intake.files import Sheet
from revitalization.intake.names import CountyMatcher
from revitalization.wording import today

HEADER_SCAN = 30  # rows searched for the header
CODE_NAMES = ("区划代码", "行政区划代码", "行政区划编码", "区划编码", "统计用区划代码", "县市区代码",
              "县区代码", "单位代码", "地区代码", "代码", "编码", "区划码", "adcode", "code")
NAME_NAMES = ("县（市、区）", "县(市、区)", "县（市区）", "县市区", "县（区、市）", "县区", "县市", "区县",
              "市县", "县（市、区）名称", "县市区名称", "县区名称", "区县名称", "县名", "单位", "单位名称",
              "填报单位", "考核单位", "被考核单位", "地区", "地区名称", "地方", "行政区", "行政区划",
              "行政区划名称", "区划名称", "名称", "县域", "区域", "county", "name")
YEAR_NAMES = ("年度", "考核年度", "年份", "数据年度", "统计年度", "填报年度", "所属年度", "年", "year")
INDICATOR_NAMES = ("指标", "指标名称", "指标代码", "考核指标", "indicator")
VALUE_NAMES = ("数值", "值", "指标值", "完成值", "实际值", "数据", "value")
NOTE_COLUMNS = re.compile(r"^(备注|说明|附注|填报说明|数据说明|口径说明|情况说明|备考)")
IGNORED_COLUMNS = re.compile(r"^(序号|编号|排序|排名|名次|所属市州|市州|所属市|地市|市（州）|市\(州\)|"
                             r"类别|考核类别|类型|单位类型|联系人|联系电话|填表人|填报人|审核人)$")
NOTE_ROWS = re.compile(r"^(注|说明|填表说明|填报说明|备注|附注|数据来源|来源|资料来源|填表人|填报人|审核人|"
                       r"制表|单位负责人|负责人|联系人|联系电话|填报日期|报送日期|\*|※)")
GROUP_WORDS = ("产业振兴", "人才振兴", "文化振兴", "生态振兴", "组织振兴", "五大振兴", "生活富裕")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
HEADER_YEAR = re.compile(r"\s*[（(]\s*((?:19|20)\d{2})\s*年度?\s*[）)]")
# A year on its own in a name (data_2025.xlsx), never digits of a code or a date (420102江岸区, 20260110)
LONE_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.])")
DATES = re.compile(r"(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|[-/.]\d{1,2}[-/.]\d{1,2})")


def key(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


_KEYS: dict[tuple[str, ...], frozenset[str]] = {}


def _is(text: object, names: tuple[str, ...]) -> bool:
    """Whether a cell spells one of ``names`` (the name sets are normalised once)."""
    if names not in _KEYS:
        _KEYS[names] = frozenset(key(n) for n in names)
    return text is not None and key(text) in _KEYS[names]


def plausible_years() -> range:
    return range(2000, today().year + 2)


@dataclass
class Located:
    header_row: int  # 0-based
    headers: dict[int, str]  # column → header text (combined from a two-row header)
    county_col: int | None
    name_col: int | None  # a second, name column when the county column holds codes
    year_col: int | None
    indicator_col: int | None
    value_col: int | None
    value_columns: dict[int, str] = field(default_factory=dict)  # column → indicator code
    column_years: dict[int, int] = field(default_factory=dict)  # column → year (years under each indicator)
    column_factors: dict[int, float] = field(default_factory=dict)  # column → to the indicator's unit (万元 → 元)
    data_rows: list[int] = field(default_factory=list)
    year: int | None = None  # from the title or the file name, when no year column
    year_source: str = ""
    notes: list[tuple[int | None, str, str, str]] = field(default_factory=list)  # row, col, level, text

    @property
    def long_form(self) -> bool:
        return self.indicator_col is not None and self.value_col is not None


def header_score(row: list[object], config_keys: dict[str, str]) -> int:
    score = 0
    for cell in row:
        if cell is None:
            continue
        k = key(cell)
        if k in config_keys or key(_strip_unit(cell)) in config_keys:
            score += 1
        elif _is(cell, CODE_NAMES + NAME_NAMES):
            score += 2
        elif _is(cell, YEAR_NAMES + INDICATOR_NAMES + VALUE_NAMES):
            score += 1
    return score


def _strip_unit(text: object) -> str:
    """"农村卫生厕所普及率（%）" → "农村卫生厕所普及率"; "指标名称(单位)" likewise."""
    return re.sub(r"\s*[（(][^（）()]*[）)]\s*$", "", unicodedata.normalize("NFKC", str(text)).strip())


def locate(sheet: Sheet, config: IndicatorSystem, matcher: CountyMatcher, *, file_name: str,
           match_indicator, year: int | None = None) -> tuple[Located | None, str]:
    """The table in ``sheet``, or (None, why not). ``match_indicator(text)`` → (code, msg)."""
    rows = sheet.rows
    if not any(any(c is not None for c in r) for r in rows):
        return None, "工作表是空的，没有任何内容"
    config_keys = _config_keys(config)
    if _turned_round(rows, config_keys, matcher):
        return None, ("表格是转置的：指标在左侧一列、县（市、区）在上方一行。请把表格转过来（选中表格 → 复制 → "
                      "选择性粘贴 → 勾选“转置”），使每行一个县、每列一个指标，或使用导入模板")
    # A header is one row, or two (key columns named in the upper row, indicators in the
    # lower one): each row is scored alone and merged with the row above it.
    scores = [max(header_score(r, config_keys),
                  header_score(_merge(rows[i - 1], r), config_keys) if i else 0)
              for i, r in enumerate(rows[:HEADER_SCAN])]
    best = max(range(len(scores)), key=lambda r: (scores[r], -r)) if scores else 0
    if not scores or scores[best] < 2:
        content = _county_by_content(rows, matcher)
        mangled = next((m for r in rows[:HEADER_SCAN] for c in r if isinstance(c, str)
                        for m in [garbled_message(c)] if m), None)
        if content is None and mangled:
            return None, mangled
        if content is None:
            return None, ("找不到表头：前 30 行中没有“区划代码”或“县（市、区）”等列名，也没有本指标体系的指标名称；"
                          "请使用导入模板的列名")
        best = max(0, content[1] - 1)  # the row above the first county is the header
    width = max(len(r) for r in rows)
    above = rows[best - 1] if best > 0 else []
    # A row above with at least two different texts is an upper header row (group names, or
    # key columns merged over two rows); one text repeated across is a merged title.
    group_row = best > 0 and len({str(c) for c in above if c is not None}) >= 2
    headers: dict[int, str] = {}
    for c in range(width):
        cell = rows[best][c] if c < len(rows[best]) else None
        top = above[c] if group_row and c < len(above) else None
        if cell is None and top is not None and not _is(top, GROUP_WORDS):
            cell = top  # a key column named only in the upper header row
        if cell is not None:
            headers[c] = str(cell).strip()
    located = Located(best, headers, None, None, None, None, None)

    def find(names: tuple[str, ...]) -> int | None:
        return next((c for c, h in headers.items() if _is(h, names) or _is(_strip_unit(h), names)), None)

    code_col, name_col = find(CODE_NAMES), find(NAME_NAMES)
    if name_col is not None and _holds_units(rows[best + 1:], name_col):  # 单位 = 计量单位 (%, 元), not 填报单位
        name_col = None
    located.county_col = code_col if code_col is not None else name_col
    located.name_col = name_col if code_col is not None else None
    if located.county_col is None:
        content = _county_by_content(rows[best + 1:], matcher)
        if content is not None:
            located.county_col = content[0]
            located.notes.append((best + 1, headers.get(content[0], column_letter(content[0])), "提示",
                                  "没有找到“区划代码”或“县（市、区）”列名，按内容识别此列为县（市、区）"))
    if located.county_col is None:
        return None, "缺少“区划代码”或“县（市、区）”列（列名可为“行政区划代码”“县市区”“单位名称”等）"
    located.year_col = find(YEAR_NAMES)
    located.indicator_col, located.value_col = find(INDICATOR_NAMES), find(VALUE_NAMES)

    # Columns: keys, indicators, and what is ignored (blank, hidden, notes, bookkeeping).
    keys_used = {located.county_col, located.name_col, located.year_col, located.indicator_col,
                 located.value_col, code_col, name_col}
    for c in range(width):
        if c in keys_used:
            continue
        header = headers.get(c)
        column = [r[c] if c < len(r) else None for r in rows[best + 1:]]
        label = header or column_letter(c)
        if c in sheet.hidden_columns:
            if header is not None or any(v is not None for v in column):
                located.notes.append((None, label, "提示", "隐藏列，已忽略"))
            continue
        if header is None:
            if any(v is not None for v in column):
                located.notes.append((None, label, "警告", "该列没有列名，已忽略其中的内容"))
            continue
        if NOTE_COLUMNS.match(key(header)):
            located.notes.append((None, header, "提示", "备注/说明列，不导入"))
            continue
        if IGNORED_COLUMNS.match(key(header)):
            continue
        if located.long_form:
            continue  # a long table's other columns (单位 …) are not values
        stated = HEADER_YEAR.search(header)  # 农村卫生厕所普及率（%）（2024年）: this column's year
        code, message = match_indicator(HEADER_YEAR.sub("", header) if stated else header)
        if code is not None and stated:
            located.column_years[c] = int(stated.group(1))
        if code is not None:  # the header's own unit, when it names one: 化肥施用强度（公斤/亩）
            problem = _header_unit(HEADER_YEAR.sub("", header), code, config, located, c)
            if problem:
                located.notes.append((best + 1, header, "错误", problem))
                continue
        if code is None and not any(v is not None for v in column):
            continue  # an empty, unknown column: nothing to import
        if code is None:
            located.notes.append((best + 1, header, "错误", garbled_message(header) or message))
        else:
            located.value_columns[c] = code

    # Rows: skip blanks, notes, hidden rows and 合计 / 平均 / 市州 rows; a row of units or of
    # years right under the header belongs to the header.
    for r in range(best + 1, len(rows)):
        row = rows[r]
        filled = [v for v in row if v is not None]
        if not filled:
            continue
        if r <= best + 2 and not located.data_rows and _header_part(row, located, r):
            continue
        if located.data_rows and header_score(row, config_keys) >= 3:  # a second table below the first
            located.notes.append((r + 1, "", "错误", f"第 {r + 1} 行又是一行表头：这个工作表中叠放了两张表，"
                                                     "第二张表的数值会被错当成第一张表的指标；请把第二张表移到单独的"
                                                     "工作表（每个工作表一张表）后再导入"))
            break
        first = key(filled[0])
        if NOTE_ROWS.match(first) and (len(filled) <= 2 or len(first) > 20):
            located.notes.append((r + 1, "", "提示", f"说明行“{str(filled[0])[:20]}”，已忽略"))
            continue
        if r in sheet.hidden_rows:
            located.notes.append((r + 1, "", "警告", "被筛选隐藏的行，未导入；如需导入请在表格中取消筛选后重新上传")
                                 if sheet.filtered else (r + 1, "", "提示", "隐藏行，已忽略"))
            continue
        located.data_rows.append(r)

    # Year when there is no year column: the sheet's name (a workbook with one sheet per year),
    # the title lines, the file name, then the page. A sheet name and a title that disagree are
    # refused: which one the office meant is not for the importer to guess.
    every_column_dated = bool(located.column_years) and set(located.value_columns) <= set(located.column_years)
    if located.year_col is None and not every_column_dated:
        title = " ".join(str(c) for r in rows[:best] for c in r if c is not None)
        named = sheet.name if sheet.name != file_name.rsplit("/", 1)[-1] else ""  # a CSV's sheet is its file
        stated = {}
        for text, source in ((named, "工作表名"), (title, "标题"), (file_name, "文件名")):
            text = DATES.sub(" ", text)  # 填报日期：2026年1月15日 is when, not which year
            found = YEAR.search(text) or (LONE_YEAR.search(text) if source != "标题" else None)
            if found:
                stated.setdefault(source, int(found.group(1)))
        if len(set(stated.values())) > 1:  # the file names two years: not for the importer to pick
            said = "，".join(f"{source}写的是 {y} 年" for source, y in stated.items())
            return None, f"{said}，无法确定考核年度；请改正为同一年度，或加“年度”列"
        if stated:
            located.year_source, located.year = next(iter(stated.items()))
        if located.year is None and year is not None:
            located.year, located.year_source = year, "页面选择"
        if located.year is None:
            return None, ("没有找到考核年度：请加“年度”列，或在标题、文件名中写明（如“2025年度”），"
                          "或在页面上选择年度")
        if located.year not in plausible_years():
            return None, (f"{located.year_source}中的年度 {located.year} 不在合理范围 "
                          f"{plausible_years()[0]}–{plausible_years()[-1]} 年内")
    return located, ""


CHANGE_WORDS = re.compile(r"较上年|比上年|同比|增长|增幅|增减|提高|下降|变化|变动|差值")


def _holds_units(rows: list[list[object]], c: int) -> bool:
    """Whether column ``c`` holds units of measurement (%, 元 …) rather than unit names."""
    cells = [key(r[c]) for r in rows[:200] if c < len(r) and r[c] is not None]
    return bool(cells) and sum(bool(UNIT_WORDS.match(v)) for v in cells) >= len(cells) / 2


def _header_unit(header: str, code: str, config: IndicatorSystem, located: Located, c: int) -> str:
    """Check the unit a header names against the indicator's: the same, convertible (the
    column's factor is kept), a change on last year (refused), or another unit (refused)."""
    ind = config.indicator(code)
    if key(header) in (key(ind.name), key(ind.code)):
        return ""  # the indicator's own name (which may end in brackets): no unit written
    written = re.search(r"[（(]([^（）()]*)[）)]\s*$", unicodedata.normalize("NFKC", header))
    if not written or not written.group(1).strip():
        return ""
    said = written.group(1).strip()
    if CHANGE_WORDS.search(said):
        return (f"这一列是“{said}”（较上年的变化），不是“{ind.name}”本身的数值；请删去此列，"
                f"或改填 {ind.unit} 为单位的指标值")
    factor = values.header_factor(said, ind.unit)
    if factor is None:
        return f"表头的单位“{said}”与指标单位“{ind.unit}”不同，无法换算；请按 {ind.unit} 填写并改正表头"
    if factor != 1:
        located.column_factors[c] = factor
        located.notes.append((None, header, "提示", f"表头单位为 {said}，已换算为 {ind.unit}（乘以 {factor:g}）"))
    return ""


def _config_keys(config: IndicatorSystem) -> dict[str, str]:
    keys = {}
    for i in config.indicators:
        for k in (i.code, i.name, f"{i.name}（{i.unit}）", f"{i.name}({i.unit})"):
            keys[key(k)] = i.code
    return keys


def _turned_round(rows: list[list[object]], config_keys: dict[str, str], matcher: CountyMatcher) -> bool:
    """Indicators down the first columns and counties across a top row (never the other way)."""
    def indicator(cell: object) -> bool:
        return cell is not None and (key(cell) in config_keys or key(_strip_unit(cell)) in config_keys)

    down = sum(indicator(c) for r in rows[:200] for c in r[:3])
    across = max((round(matcher.share_matched(r) * sum(c is not None for c in r)) for r in rows[:HEADER_SCAN]),
                 default=0)  # a plain lookup per cell: no fuzzy matching on a large file
    along_rows = max((sum(indicator(c) for c in r) for r in rows[:HEADER_SCAN]), default=0)
    return down >= 2 and across >= 2 and along_rows < 2


def garbled(text: str) -> str | None:
    """The Chinese a text meant when its bytes (GBK or UTF-8) were read as Western text on
    another computer ("Å©´å" for "农村"), or None when it is not such mojibake."""
    if not re.search(r"[\u00c0-\u00ff]{2}", text) or re.search(r"[\u4e00-\u9fff]", text):
        return None
    for wrong in ("cp1252", "latin-1"):
        try:
            raw = text.encode(wrong)
        except UnicodeEncodeError:
            continue
        for right in ("gbk", "utf-8"):
            try:
                fixed = raw.decode(right)
            except UnicodeDecodeError:
                continue
            if re.search(r"[\u4e00-\u9fff]{2}", fixed):
                return fixed
    return None


def garbled_message(text: str) -> str:
    """The message for a mojibake cell, or "" when ``text`` is not one."""
    fixed = garbled(text)
    if fixed is None:
        return ""
    return (f"“{text[:12]}”是乱码（原文应为“{fixed[:12]}”）：文件中的中文在另一台电脑上被按西文编码另存而损坏；"
            "请用原始文件重新导出，或在 WPS/Excel 中另存为“CSV UTF-8”后再导入")


UNIT_WORDS = re.compile(r"^[（(]?(%|％|‰|元|万元|亿元|人|万人|人次|场|个|户|千克|公斤|吨|公顷|亩|比值|倍|"
                        r"[^\d\s]{0,4}/[^\d\s]{1,4}|单位|计量单位)[）)]?$")


def _header_part(row: list[object], located: Located, r: int) -> bool:
    """A units row (%, 元 …) or a years row (2023年 / 2024年 / 2025年 under each indicator)
    directly below the header: read into the header, never as a county's row."""
    cells = {c: row[c] for c in located.value_columns if c < len(row) and row[c] is not None}
    county = row[located.county_col] if located.county_col < len(row) else None
    label = located.headers.get(located.county_col, "")  # a key column merged over both header rows
    if not cells or (county is not None and key(county) != key(label) and not UNIT_WORDS.match(key(county))):
        return False
    if all(UNIT_WORDS.match(key(v)) for v in cells.values()):
        located.notes.append((r + 1, "", "提示", "单位行，已并入表头（数值按指标单位读取）"))
        return True
    years = {c: re.fullmatch(r"((?:19|20)\d{2})(?:\.0)?年?度?", key(v)) for c, v in cells.items()}
    if all(years.values()) and len(cells) == len(located.value_columns):
        located.column_years = {c: int(m.group(1)) for c, m in years.items()}
        for c, y in located.column_years.items():  # messages and the preview name the column's year
            located.headers[c] = f"{located.headers[c]}（{y}年）"
        bad = sorted({y for y in located.column_years.values() if y not in plausible_years()})
        if bad:
            located.notes.append((r + 1, "", "错误", f"年度 {bad[0]} 不在合理范围 {plausible_years()[0]}–"
                                                     f"{plausible_years()[-1]} 年内"))
        located.notes.append((r + 1, "", "提示", "每项指标下按年度分列（"
                              + "、".join(f"{y} 年" for y in sorted(set(located.column_years.values())))
                              + "），各列按其年度导入"))
        return True
    return False


def _merge(upper: list[object], lower: list[object]) -> list[object]:
    width = max(len(upper), len(lower))
    return [(lower[c] if c < len(lower) and lower[c] is not None else
             (upper[c] if c < len(upper) else None)) for c in range(width)]


def _county_by_content(rows: list[list[object]], matcher: CountyMatcher) -> tuple[int, int] | None:
    """(column, first row) of the column whose cells mostly name counties."""
    width = max((len(r) for r in rows), default=0)
    best = None
    for c in range(width):
        cells = [r[c] if c < len(r) else None for r in rows]
        share = matcher.share_matched(cells)
        if share >= 0.6 and sum(v is not None for v in cells) >= 1:
            first = next(i for i, v in enumerate(cells) if v is not None and matcher.share_matched([v]))
            if best is None or share > best[2]:
                best = (c, first, share)
    return None if best is None else (best[0], best[1])


def column_letter(c: int) -> str:
    """A 0-based column index as the letters Excel shows (0 → A, 26 → AA)."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(c + 1)
