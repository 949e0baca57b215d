"""A corpus of spreadsheets shaped like what county and city offices actually send: WPS and
Excel saves with titles, merged group headers, 合计 rows and 填表说明 lines, GBK and UTF-16
text, old county names, functional zones, units typed into cells, formulas with and without
saved values, and the files that cannot be read at all. Each case states what the check
must say (level, row, column, words) and whether the file may then be imported.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

import openpyxl
import pandas as pd
import xlsxwriter

from revitalization.intake.files import MAX_BYTES, OLE

ANY = object()
TOILETS, LABOUR, INCOME = "农村卫生厕所普及率（%）", "农业劳动生产率（万元/人）", "农村常住居民人均可支配收入（元）"
EVENTS, FERT = "文化惠民活动场次（每村每年）（场）", "化肥施用强度（千克/公顷）"


@dataclass
class Case:
    name: str  # a short id
    file_name: str
    data: bytes
    ok: bool  # may be imported once checked
    expect: list[tuple] = field(default_factory=list)  # (level, row, column, words)
    values: int | None = None  # how many values are ready to write
    exact: dict = field(default_factory=dict)  # (adcode, year, indicator code) → the value it must get
    kwargs: dict = field(default_factory=dict)  # default_year, sheet


def xlsx(build) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    build(book)
    book.close()
    return out.getvalue()


def table_sheet(book, name: str, rows: list[list], *, start: int = 0, formats=None):
    sheet = book.add_worksheet(name)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(start + r, c, value)
    return sheet


def text(rows: list[list], encoding: str = "utf-8", sep: str = ",") -> bytes:
    lines = [sep.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


HEADER = ["区划代码", "县（市、区）", TOILETS, LABOUR, INCOME]
SUIXIAN = ["421321", "随县", 96.4, 7.42, 25102]
ZENGDU = ["421303", "曾都区", 97.1, 8.10, 27310]
GUANGSHUI = ["421381", "广水市", 95.0, 6.85, 23890]
THREE = [SUIXIAN, ZENGDU, GUANGSHUI]


def openpyxl_bytes(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cases() -> list[Case]:
    out: list[Case] = []
    add = out.append

    # --- Layouts as offices save them -----------------------------------------------------
    def titled(book):
        s = book.add_worksheet("Sheet1")
        s.merge_range(0, 0, 0, 4, "随州市2025年度乡村振兴实绩考核指标数据表", book.add_format({"bold": True}))
        s.write(1, 0, "填报单位（盖章）：随州市农业农村局")
        s.write(1, 3, "填报日期：2026年1月10日")
        for c, h in enumerate(HEADER):
            s.write(2, c, h)
        for r, row in enumerate(THREE, start=3):
            s.write_row(r, 0, row)
        s.write_row(6, 0, ["", "合计", 96.2, 7.46, 25434])
        s.write(8, 0, "填表说明：1. 数据口径以统计年鉴为准；2. 百分比直接填写数字。")
        s.write(9, 0, "填表人：张三    审核人：李四    联系电话：0722-1234567")
    add(Case("title, 合计 and notes (WPS)", "随州市报送.xlsx", xlsx(titled), True,
             [("提示", None, "", "按标题中的 2025 年导入"), ("提示", 7, "县（市、区）", "合计"),
              ("提示", 9, "", "说明行"), ("提示", 10, "", "说明行")], values=9))

    def grouped(book):
        s = book.add_worksheet("指标数据")
        bold = book.add_format({"bold": True, "align": "center"})
        s.merge_range(0, 0, 0, 5, "2025年度县域乡村振兴指标", bold)
        s.merge_range(1, 0, 2, 0, "区划代码", bold)
        s.merge_range(1, 1, 2, 1, "县（市、区）", bold)
        s.merge_range(1, 2, 1, 3, "产业振兴", bold)
        s.write(1, 4, "生态振兴", bold)
        s.write(1, 5, "备注", bold)
        for c, h in enumerate([LABOUR, INCOME, TOILETS], start=2):
            s.write(2, c, h, bold)
        s.write_row(3, 0, ["421321", "随县", 7.42, 25102, 96.4, "收入为快报数"])
        s.write_row(4, 0, ["421303", "曾都区", 8.10, 27310, 97.1])
    add(Case("two-row merged header with groups", "grouped.xlsx", xlsx(grouped), True,
             [("提示", None, "备注", "备注/说明列")], values=6))

    def two_rows_no_merge(book):
        s = book.add_worksheet("Sheet1")
        s.write_row(0, 0, ["区划代码", "县（市、区）", "年度", "产业振兴", None])
        s.write_row(1, 0, [None, None, None, LABOUR, INCOME])
        s.write_row(2, 0, ["421321", "随县", 2025, 7.42, 25102])
    add(Case("two header rows without merging", "x.xlsx", xlsx(two_rows_no_merge), True, [],
             values=2))

    for header in ("行政区划代码", "统计用区划代码", "单位代码"):
        rows = [[header, "年度", TOILETS], ["421321", "2025", "96.4"]]
        add(Case(f"county codes under “{header}”", "x.csv", text(rows), True, [], values=1))
    for header in ("单位名称", "填报单位", "县市区", "地区", "区县", "县(市、区)"):
        rows = [[header, "年度", TOILETS], ["随县", "2025", "96.4"], ["曾都区", "2025", "97.1"]]
        add(Case(f"county names under “{header}”", "x.csv", text(rows), True, [], values=2))
    add(Case("county column without a name, found by content", "x.csv",
             text([[None, "年度", TOILETS], ["随县", "2025", "96.4"], ["广水市", "2025", "95"]]), True,
             [("提示", ANY, ANY, "按内容识别")], values=2))
    add(Case("GBK CSV saved by Excel", "gbk.csv",
             text([HEADER + ["年度"], SUIXIAN + [2025], ZENGDU + [2025]], "gbk"), True, values=6))
    add(Case("Excel “Unicode text” (UTF-16, tabs)", "unicode.txt",
             text([HEADER + ["年度"], SUIXIAN + [2025]], "utf-16", "\t"), True, values=3))
    add(Case("UTF-8 with BOM", "bom.csv", text([HEADER + ["年度"], SUIXIAN + [2025]], "utf-8-sig"),
             True, values=3))
    add(Case("year from the file name", "随州市2024年度乡村振兴数据.xlsx",
             xlsx(lambda b: table_sheet(b, "Sheet1", [HEADER, SUIXIAN])), True,
             [("提示", None, "", "按文件名中的 2024 年导入")], values=3))
    add(Case("no year anywhere", "data.xlsx", xlsx(lambda b: table_sheet(b, "Sheet1", [HEADER, SUIXIAN])),
             False, [("错误", None, "", "没有找到考核年度")]))
    add(Case("no year anywhere, chosen on the page", "data.xlsx",
             xlsx(lambda b: table_sheet(b, "Sheet1", [HEADER, SUIXIAN])), True, values=3,
             kwargs={"default_year": 2025}))
    add(Case("implausible year in the title", "x.xlsx",
             xlsx(lambda b: table_sheet(b, "Sheet1", [["1925年度指标数据"], HEADER, SUIXIAN])), False,
             [("错误", None, "", "不在合理范围")]))
    add(Case("implausible year in the year column", "x.csv",
             text([["区划代码", "年度", TOILETS], ["421321", "2031", "96"]]), False,
             [("错误", 2, "年度", "不在合理范围")]))
    add(Case("year written as 2025年", "x.csv",
             text([["区划代码", "年度", TOILETS], ["421321", "2025年", "96"]]), True, values=1))
    add(Case("合计, 全省平均 and 市州 subtotal rows", "x.csv",
             text([["县（市、区）", "年度", TOILETS], ["随县", "2025", "96.4"], ["随州市", "2025", "96"],
                   ["全省平均", "2025", "95.9"], ["总计", "2025", "96"]]), True,
             [("提示", 3, ANY, "市州汇总行"), ("提示", 4, ANY, "合计、平均"),
              ("提示", 5, ANY, "合计、平均")], values=1))

    def hidden(book):
        s = table_sheet(book, "Sheet1", [["区划代码", "上年数值", "年度", TOILETS],
                                          ["421321", 97.7, 2025, 96.4]])
        s.set_column(1, 1, None, None, {"hidden": True})
    add(Case("hidden helper column", "x.xlsx", xlsx(hidden), True,
             [("提示", None, "上年数值", "隐藏列")], values=1))
    add(Case("blank and bookkeeping columns", "x.csv",
             text([["序号", "所属市州", "区划代码", None, "年度", TOILETS, None],
                   ["1", "随州市", "421321", None, "2025", "96.4", None]]), True, [], values=1))
    add(Case("remarks column", "x.csv", text([["区划代码", "年度", TOILETS, "说明"],
                                               ["421321", "2025", "96.4", "含新增改厕"]]), True,
             [("提示", None, "说明", "备注/说明列")], values=1))

    def instructions_then_data(book):
        s = book.add_worksheet("填表说明")
        s.write(0, 0, "本表由县级农业农村部门填报，数据截至12月31日。")
        table_sheet(book, "数据", [HEADER + ["年度"], SUIXIAN + [2025]])
        h = book.add_worksheet("草稿")
        h.write(0, 0, "垃圾")
        h.hide()
    add(Case("instructions sheet and hidden sheet before the data", "x.xlsx",
             xlsx(instructions_then_data), True, values=3))

    def two_tables(book):
        table_sheet(book, "2024年", [HEADER + ["年度"], SUIXIAN[:2] + [97.7, 7.98, 26992, 2024]])
        table_sheet(book, "2025年", [HEADER + ["年度"], SUIXIAN + [2025], ZENGDU + [2025]])
    add(Case("two data sheets: the larger is read and the choice offered", "x.xlsx", xlsx(two_tables),
             True, [("提示", None, "", "2 个工作表含数据表")], values=6))
    add(Case("two data sheets, one chosen", "x.xlsx", xlsx(two_tables), True, values=3,
             kwargs={"sheet": "2024年"}))

    # --- Names and codes ------------------------------------------------------------------
    add(Case("old names after renames (郧县, 京山县, 监利县, 襄阳区, 宜昌县)", "x.csv",
             text([["县（市、区）", "年度", TOILETS], ["郧县", "2025", "95"], ["京山县", "2025", "96"],
                   ["监利县", "2025", "94"], ["襄阳区", "2025", "97"], ["宜昌县", "2025", "98"]]), True,
             [("警告", 2, ANY, "2014-09 撤县设区为郧阳区（420304）"),
              ("警告", 3, ANY, "民函〔2018〕51号"), ("警告", 4, ANY, "监利市（421088）"),
              ("警告", 5, ANY, "更名为襄州区"), ("警告", 6, ANY, "国函〔2001〕28号")], values=5))
    add(Case("old code 420821 (京山县)", "x.csv",
             text([["区划代码", "年度", TOILETS], ["420821", "2025", "96"]]), True,
             [("警告", 2, "区划代码", "京山市（420882）")], values=1))
    add(Case("old code of a split (曾都区 421302)", "x.csv",
             text([["区划代码", "年度", TOILETS], ["421302", "2025", "96"]]), False,
             [("错误", 2, "区划代码", "拆分为")]))
    add(Case("functional zones", "x.csv",
             text([["县（市、区）", "年度", TOILETS], ["东湖高新区", "2025", "96"],
                   ["武汉经济技术开发区", "2025", "95"]]), False,
             [("错误", 2, ANY, "是功能区"), ("错误", 3, ANY, "是功能区")]))
    add(Case("襄樊市 prefix (the city's name before 2010)", "x.csv",
             text([["县（市、区）", "年度", TOILETS], ["襄樊市襄城区", "2025", "96"]]), True, values=1))
    add(Case("unknown county gets a suggestion", "x.csv",
             text([["县（市、区）", "年度", TOILETS], ["随州县", "2025", "96"]]), False,
             [("错误", 2, "县（市、区）", "是否为“随县”")]))
    add(Case("wrong code, right name", "x.csv",
             text([["区划代码", "县（市、区）", "年度", TOILETS], ["429999", "随县", "2025", "96"]]), True,
             [("警告", 2, "区划代码", "按同一行的名称“随县”")], values=1))
    add(Case("codes stored as numbers", "x.xlsx",
             xlsx(lambda b: table_sheet(b, "Sheet1", [["区划代码", "年度", TOILETS], [421321, 2025, 96.4]])),
             True, values=1))

    # --- Values ---------------------------------------------------------------------------
    add(Case("units typed into cells", "x.csv",
             text([["区划代码", "年度", TOILETS, LABOUR, INCOME, FERT],
                   ["421321", "2025", "96.4%", "74200元/人", "2.51万元", "0.317吨/公顷"]]), True,
             [("提示", None, LABOUR, "已换算"), ("提示", None, INCOME, "已换算")], values=4))
    add(Case("per mille for a percentage", "x.csv",
             text([["区划代码", "年度", TOILETS], ["421321", "2025", "964‰"]]), True, values=1))
    add(Case("a unit that cannot be converted", "x.csv",
             text([["区划代码", "年度", EVENTS], ["421321", "2025", "16吨"]]), False,
             [("错误", 2, EVENTS, "单位“吨”与该指标单位“场”不一致")]))
    add(Case("percent sign on a ratio", "x.csv",
             text([["区划代码", "年度", LABOUR], ["421321", "2025", "6%"]]), False,
             [("错误", 2, LABOUR, "带百分号")]))
    add(Case("fraction for a percentage", "x.csv",
             text([["区划代码", "年度", TOILETS], ["421321", "2025", "0.85"]]), False,
             [("错误", 2, TOILETS, "应为 85？")]))
    add(Case("out of range", "x.csv", text([["区划代码", "年度", LABOUR], ["421321", "2025", "300"]]), False,
             [("错误", 2, LABOUR, "超出合理范围")]))
    add(Case("blanks written as —, 无 and /", "x.csv",
             text([["区划代码", "年度", TOILETS, LABOUR, INCOME], ["421321", "2025", "—", "无", "/"],
                   ["421303", "2025", "97.1", None, None]]), True, values=1))
    add(Case("thousands separators and full-width digits", "x.csv",
             text([["区划代码", "年度", INCOME, TOILETS], ["421321", "2025", '"25,102"', "９６．４"]]), True,
             values=2))
    add(Case("a date in a value cell", "x.xlsx", _date_cell(), False, [("错误", 2, TOILETS, "不是数字")]))
    add(Case("exact duplicate row: kept once", "x.csv",
             text([["区划代码", "年度", TOILETS], ["421321", "2025", "96.4"], ["421321", "2025", "96.4"]]),
             True, [("警告", 3, TOILETS, "与第 2 行完全相同")], values=1))
    add(Case("conflicting duplicate rows", "x.csv",
             text([["区划代码", "年度", TOILETS], ["421321", "2025", "96.4"], ["随县", "2025", "95"]]), False,
             [("错误", 3, TOILETS, "第 2 行为 96.4，本行为 95")]))
    add(Case("unit written differently in the header", "x.csv",
             text([["区划代码", "年度", "农村卫生厕所普及率(%)", "农业劳动生产率（单位：万元/人）"],
                   ["421321", "2025", "96.4", "7.42"]]), True, values=2))
    add(Case("unknown indicator column", "x.csv",
             text([["区划代码", "年度", "农村厕所率（%）"], ["421321", "2025", "96"]]), False,
             [("错误", 1, "农村厕所率（%）", "未知的指标")]))
    add(Case("long form with 指标名称 / 指标值", "x.csv",
             text([["区划代码", "年度", "指标名称", "单位", "指标值"],
                   ["421321", "2025", "农村卫生厕所普及率", "%", "96.4"],
                   ["421321", "2025", "农业劳动生产率", "万元/人", "7.42"]]), True, values=2))

    def cached_formula(book):
        s = table_sheet(book, "Sheet1", [["区划代码", "年度", "户数", "卫生厕所户数", TOILETS]])
        s.write_row(1, 0, ["421321", 2025, 1000, 964])
        s.write_formula(1, 4, "=D2/C2*100", None, 96.4)
        s.set_column(2, 3, None, None, {"hidden": True})
    add(Case("formula with its saved value, helper columns hidden", "x.xlsx", xlsx(cached_formula),
             True, [("提示", None, "户数", "隐藏列")], values=1))

    def uncached_formula(book):
        s = book.active
        s.append(["区划代码", "年度", TOILETS])
        s.append(["421321", 2025, "=95+1.4"])
    add(Case("formula saved without a value", "x.xlsx", openpyxl_bytes(uncached_formula), False,
             [("错误", 2, TOILETS, "没有保存计算结果")]))

    def county_formula(book):
        s = table_sheet(book, "Sheet1", [["县（市、区）", "年度", TOILETS]])
        s.write_formula(1, 0, '=VLOOKUP("421321",代码表!A:B,2,0)', None, "随县")
        s.write_row(1, 1, [2025, 96.4])
    add(Case("county cell holding a formula", "x.xlsx", xlsx(county_formula), False,
             [("错误", 2, "县（市、区）", "单元格是公式")]))

    # --- Files that cannot be read --------------------------------------------------------
    add(Case("empty file", "x.csv", b"", False, [("错误", None, "", "文件是空的")]))
    add(Case("header only", "x.xlsx", xlsx(lambda b: table_sheet(b, "Sheet1", [HEADER + ["年度"]])), False,
             [("错误", None, "", "只有表头，没有数据行")]))
    add(Case("not an Excel file behind .xlsx", "x.xlsx", "区划代码,年度\n".encode(), False,
             [("错误", None, "", "内容不是有效的 Excel 文件")]))
    add(Case("damaged workbook", "x.xlsx", _damaged(), False, [("错误", None, "", "文件已损坏")]))
    add(Case("password-protected workbook", "x.xlsx", OLE + b"\x00" * 600, False,
             [("错误", None, "", "设置了打开密码")]))
    add(Case("Excel 97-2003 .xls", "x.xls", OLE + b"\x00" * 600, False,
             [("错误", None, "", "旧版 Excel 97-2003")]))
    add(Case("neither UTF-8 nor GBK", "x.csv", b"\xff" * 20, False,
             [("错误", None, "", "无法识别文件的文字编码")]))
    add(Case("unsupported type", "x.pdf", b"%PDF-1.4 ...", False, [("错误", None, "", "不支持的文件类型")]))
    add(Case("too big", "x.csv", b"x" * (MAX_BYTES + 1), False, [("错误", None, "", "超过上限")]))
    add(Case("unbalanced quotes", "x.csv", b'"' + b"a" * 140_000, False, [("错误", None, "", "格式有误")]))
    out.extend(never_silently_wrong())
    return out


MECH = "农作物耕种收综合机械化率（%）"


def never_silently_wrong() -> list[Case]:
    """Issue 30: shapes that were imported with a wrong year, scale or meaning, or refused for a
    reason a clerk could not act on."""
    out: list[Case] = []
    add = out.append

    def per_year(book):  # one sheet per year, no year column anywhere
        for year, toilets in ((2023, 93.1), (2024, 95.0), (2025, 96.4)):
            table_sheet(book, f"{year}年", [HEADER, ["421321", "随县", toilets, 7.42, 25102]])
    add(Case("one sheet per year: the first sheet under its own year", "随州市数据.xlsx", xlsx(per_year), True,
             [("提示", None, "", "按工作表名中的 2023 年导入"),
              ("警告", None, "", "“2023年”（2023 年）、“2024年”（2024 年）、“2025年”（2025 年）")],
             values=3, exact={("421321", 2023, "sanitary_toilets"): 93.1}, kwargs={"default_year": 2025}))
    add(Case("one sheet per year: the 2025 sheet chosen", "随州市数据.xlsx", xlsx(per_year), True,
             values=3, exact={("421321", 2025, "sanitary_toilets"): 96.4},
             kwargs={"default_year": 2023, "sheet": "2025年"}))
    add(Case("sheet name and title name different years", "x.xlsx",
             xlsx(lambda b: table_sheet(b, "2024年", [["随州市2025年度考核数据"], HEADER, SUIXIAN])), False,
             [("错误", None, "", "工作表名写的是 2024 年，标题写的是 2025 年，无法确定考核年度")]))
    add(Case("a fill-in date above the header is not the year", "随县2025年度数据.xlsx",
             xlsx(lambda b: table_sheet(b, "Sheet1", [["填报单位：随县农业农村局", None, "填报日期：2026年1月15日"],
                                                      HEADER, SUIXIAN])), True,
             [("提示", None, "", "按文件名中的 2025 年导入")], values=3,
             exact={("421321", 2025, "sanitary_toilets"): 96.4}))
    for digits in ("420102江岸区.csv", "420111.csv", "云梦县_20260110.csv"):  # codes and dates are not years
        add(Case(f"digits in the file name “{digits}”", digits,
                 text([["区划代码", TOILETS], ["421321", "96.4"]]), True, values=1,
                 exact={("421321", 2025, "sanitary_toilets"): 96.4}, kwargs={"default_year": 2025}))

    def percent_cells(book):
        s = book.add_worksheet("Sheet1")
        s.write_row(0, 0, ["区划代码", "年度", TOILETS, MECH])
        s.write_row(1, 0, ["421321", 2025])
        share = book.add_format({"num_format": "0.0%"})
        s.write_number(1, 2, 0.964, share)  # shows 96.4%
        s.write_number(1, 3, 0.032, share)  # shows 3.2%: small, so the decimal-share check never fires
    add(Case("cells formatted as percentages", "x.xlsx", xlsx(percent_cells), True,
             [("提示", None, TOILETS, "为百分比格式，按显示的百分数读取")], values=2,
             exact={("421321", 2025, "sanitary_toilets"): 96.4, ("421321", 2025, "mechanisation"): 3.2}))

    def percent_wrong_unit(book):
        s = book.add_worksheet("Sheet1")
        s.write_row(0, 0, ["区划代码", "年度", LABOUR])
        s.write_row(1, 0, ["421321", 2025])
        s.write_number(1, 2, 0.0742, book.add_format({"num_format": "0.00%"}))
    add(Case("a percentage format under an indicator in 万元/人", "x.xlsx", xlsx(percent_wrong_unit), False,
             [("错误", 2, LABOUR, "单元格设为百分比格式（显示为 7.42%），但该指标单位是 万元/人")]))
    add(Case("0 typed where the office had no figure", "x.csv",
             text([["区划代码", "年度", MECH, "备注"], ["421321", "2025", "0", "未统计，暂填0"]]), True,
             [("警告", 2, MECH, "数值为 0，但本行写有“未统计，暂填0”")], values=1))
    add(Case("0 where last year was far from 0", "x.csv",
             text([["区划代码", "年度", MECH], ["421321", "2025", "0"]]), True,
             [("警告", 2, MECH, "数值为 0，而上年为 77.6 %")], values=1))

    def dated_years(book):
        s = book.add_worksheet("Sheet1")
        s.write_row(0, 0, ["区划代码", "年度", TOILETS])
        s.write_row(1, 0, ["421321"])
        s.write_row(2, 0, ["421303"])
        s.write_datetime(1, 1, pd.Timestamp("2025-01-01").to_pydatetime(), book.add_format({"num_format": "yyyy"}))
        s.write_number(2, 1, 2025, book.add_format({"num_format": "yyyy-mm-dd"}))  # 2025 typed, a date shown
        s.write_number(1, 2, 96.4)
        s.write_number(2, 2, 97.1)
    add(Case("year cells formatted as dates", "x.xlsx", xlsx(dated_years), True,
             [("提示", None, "年度", "年度单元格设成了日期格式，按其中的年份读取")], values=2,
             exact={("421321", 2025, "sanitary_toilets"): 96.4, ("421303", 2025, "sanitary_toilets"): 97.1}))
    add(Case("a 市本级 row", "x.csv",
             text([["县（市、区）", "年度", TOILETS], ["荆州市本级", "2025", "95"], ["石首市", "2025", "96"]]),
             True, [("提示", 2, "县（市、区）", "“荆州市本级”是市本级（市直）数据，不是县级单位，已忽略")], values=1,
             exact={("421081", 2025, "sanitary_toilets"): 96.0}))
    add(Case("invisible characters in county names", "x.csv",
             text([["县（市、区）", "年度", TOILETS], ["竹山县\u200b", "2025", "95"],
                   ["\ufeff竹溪县\u3000", "2025", "96"]]),
             True, values=2, exact={("420323", 2025, "sanitary_toilets"): 95.0,
                                    ("420324", 2025, "sanitary_toilets"): 96.0}))
    add(Case("two tables stacked in one sheet", "x.xlsx",
             xlsx(lambda b: table_sheet(b, "2025年", [HEADER, SUIXIAN, ZENGDU, [None],
                                                     ["区划代码", "县（市、区）", EVENTS, FERT],
                                                     ["421321", "随县", 16, 298]])), False,
             [("错误", 5, "", "第 5 行又是一行表头：这个工作表中叠放了两张表")]))
    add(Case("a 市州 written short where a county has that short name (荆州, 恩施)", "x.csv",
             text([["县（市、区）", "年度", TOILETS], ["荆州", "2025", "95"], ["恩施", "2025", "96"],
                   ["随州", "2025", "97"]]),
             False, [("错误", 2, "县（市、区）", "“荆州”既可指荆州市（市州），也可指荆州区（421003）"),
                     ("错误", 3, "县（市、区）", "“恩施”既可指"),
                     ("提示", 4, "县（市、区）", "合计、平均或市州汇总行")]))
    add(Case("the code and the name of a row name two counties", "x.csv",
             text([["区划代码", "县（市、区）", "年度", TOILETS], ["421303", "随县", "2025", "96.5"],
                   ["421321", "曾都区", "2025", "97.2"]]), False,
             [("错误", 2, "区划代码", "区划代码 421303（曾都区）与同一行的名称“随县”（421321）不一致")]))

    def literal_percent(book):
        s = book.add_worksheet("Sheet1")
        s.write_row(0, 0, ["区划代码", "年度", MECH, TOILETS])
        s.write_row(1, 0, ["421321", 2025])
        s.write_number(1, 2, 78.5, book.add_format({"num_format": '0.0"%"'}))  # shows 78.5%
        s.write_number(1, 3, 96.4, book.add_format({"num_format": "0.0\\%"}))  # shows 96.4%
    add(Case("a % sign in the number format that is only printed", "x.xlsx", xlsx(literal_percent), True,
             values=2, exact={("421321", 2025, "mechanisation"): 78.5, ("421321", 2025, "sanitary_toilets"): 96.4}))
    add(Case("a year in each header", "x.csv",
             text([["区划代码", f"{TOILETS}（2024年）", f"{TOILETS}（2025年）"], ["421321", "95.0", "96.4"]]), True,
             values=2, exact={("421321", 2024, "sanitary_toilets"): 95.0,
                              ("421321", 2025, "sanitary_toilets"): 96.4},
             kwargs={"default_year": 2023}))
    add(Case("a header in another, convertible unit", "x.csv",
             text([["区划代码", "年度", "农村常住居民人均可支配收入（万元）"], ["421321", "2025", "2.5102"]]), True,
             [("提示", None, "农村常住居民人均可支配收入（万元）", "表头单位为 万元，已换算为 元（乘以 10000）")],
             values=1,
             exact={("421321", 2025, "rural_income"): 25102.0}))
    add(Case("a header in a unit that cannot be converted", "x.csv",
             text([["区划代码", "年度", "化肥施用强度（公斤/亩）"], ["421321", "2025", "23.5"]]), False,
             [("错误", 1, "化肥施用强度（公斤/亩）", "表头的单位“公斤/亩”与指标单位“千克/公顷”不同，无法换算")]))
    add(Case("a change-on-last-year column named like the indicator", "x.csv",
             text([["区划代码", "年度", TOILETS, "农村卫生厕所普及率（较上年提高百分点）"],
                   ["421321", "2025", "96.4", "1.5"]]),
             False, [("错误", 1, "农村卫生厕所普及率（较上年提高百分点）",
                      "这一列是“较上年提高百分点”（较上年的变化）")]))
    def stamp_box(book):  # an empty merged block to the right of the table (a stamp box)
        s = table_sheet(book, "Sheet1", [HEADER + ["年度"], SUIXIAN + [2025]])
        s.merge_range(0, 7, 2, 8, None)
    add(Case("an empty merged block beside the table", "x.xlsx", xlsx(stamp_box), True, values=3))
    add(Case("office spellings: 2025年1-12月, 2.05:1, a 风景名胜区", "x.csv",
             text([["县（市、区）", "年度", "城乡居民收入比"], ["随县", "2025年1-12月", "2.05:1"],
                   ["大洪山风景名胜区", "2025年1-12月", "2.1:1"]]), False,
             [("错误", 3, "县（市、区）", "“大洪山风景名胜区”是功能区")], values=1,
             exact={("421321", 2025, "income_ratio"): 2.05}))
    add(Case("12-digit statistical codes", "x.csv",
             text([["统计用区划代码", "年度", TOILETS], ["421321000000", "2025", "96.4"],
                   ["421321101000", "2025", "95.0"]]), False,
             [("警告", 2, "统计用区划代码", "12 位统计用区划代码 421321000000 按前 6 位 421321（随县）导入"),
              ("错误", 3, "统计用区划代码", "421321101000 是乡镇或村级的 12 位统计用区划代码")], values=1,
             exact={("421321", 2025, "sanitary_toilets"): 96.4}))
    add(Case("a 单位 column of units (%, 元), not of counties", "随县2025年.csv",
             text([["指标名称", "单位", "数值"], ["农村卫生厕所普及率", "%", "96.4"],
                   ["农村常住居民人均可支配收入", "元", "25102"]]),
             False, [("错误", None, "", "缺少“区划代码”或“县（市、区）”列")]))
    add(Case("a fall far below last year is said as a share", "x.csv",
             text([["区划代码", "年度", MECH], ["421321", "2025", "1.6"]]), True,
             [("警告", 2, MECH, "1.6 只有上年的 2.1%（上年 77.6 %）")], values=1))
    def filtered(book):
        s = table_sheet(book, "Sheet1", [HEADER + ["年度"], SUIXIAN + [2025], ZENGDU + [2025], GUANGSHUI + [2025]])
        s.autofilter(0, 0, 3, 5)
        s.filter_column(1, "x == 随县")
        s.set_row(2, None, None, {"hidden": True})
        s.set_row(3, None, None, {"hidden": True})
    add(Case("rows hidden by a filter", "x.xlsx", xlsx(filtered), True,
             [("警告", 3, "", "被筛选隐藏的行，未导入；如需导入请在表格中取消筛选")], values=3))
    add(Case("county names in traditional characters", "x.csv",
             text([["县（市、区）", "年度", TOILETS], ["鶴峰縣", "2025", "95"], ["長陽土家族自治縣", "2025", "96"]]),
             True, [("警告", 2, "县（市、区）", "“鶴峰縣”为繁体字，按鹤峰县（422828）导入")], values=2,
             exact={("422828", 2025, "sanitary_toilets"): 95.0, ("420528", 2025, "sanitary_toilets"): 96.0}))
    biff = OLE + b"\x00" * 200 + "Workbook".encode("utf-16-le") + b"\x00" * 400
    add(Case("an old .xls renamed .xlsx", "随州市数据.xlsx", biff, False,
             [("错误", None, "", "旧版 Excel 97-2003 格式（.xls / .et）（扩展名虽是 .xlsx，内容却是旧格式）")]))
    add(Case("a units row under the header", "x.csv",
             text([["区划代码", "县（市、区）", "年度", TOILETS.split("（")[0], INCOME.split("（")[0]],
                   [None, None, None, "%", "元"], ["421321", "随县", "2025", "96.4", "25102"]]), True,
             [("提示", 2, "", "单位行，已并入表头")], values=2,
             exact={("421321", 2025, "rural_income"): 25102.0}))

    def years_side_by_side(book):
        s = book.add_worksheet("Sheet1")
        s.merge_range(0, 0, 1, 0, "区划代码")
        s.merge_range(0, 1, 1, 1, "县（市、区）")
        s.merge_range(0, 2, 0, 4, TOILETS)
        s.merge_range(0, 5, 0, 7, MECH)
        s.write_row(1, 2, ["2023年", "2024年", "2025年", "2023年", "2024年", "2025年"])
        s.write_row(2, 0, ["421321", "随县", 93.1, 95.0, 96.4, 75.2, 77.6, 78.5])
    add(Case("three years side by side under each indicator", "x.xlsx", xlsx(years_side_by_side), True,
             [("提示", 2, "", "每项指标下按年度分列（2023 年、2024 年、2025 年），各列按其年度导入")], values=6,
             exact={("421321", 2023, "sanitary_toilets"): 93.1, ("421321", 2025, "sanitary_toilets"): 96.4,
                    ("421321", 2024, "mechanisation"): 77.6}))
    add(Case("a table turned round (indicators down the side, counties across)", "x.xlsx",
             xlsx(lambda b: table_sheet(b, "2025年", [["指标", "随县", "曾都区", "广水市"], [TOILETS, 96.4, 97.1, 95.0],
                                                     [LABOUR, 7.42, 8.10, 6.85]])), False,
             [("错误", None, "", "表格是转置的：指标在左侧一列、县（市、区）在上方一行")]))
    mangled = TOILETS.encode("gbk").decode("cp1252", errors="replace")
    add(Case("an indicator name garbled by a Western-encoding PC", "x.csv",
             text([["区划代码", "年度", mangled], ["421321", "2025", "96.4"]]), False,
             [("错误", 1, mangled, "是乱码（原文应为“农村卫生厕所普及率（%）”）")]))
    add(Case("a whole header garbled", "x.csv",
             text([[h.encode("gbk").decode("latin-1") for h in ("县（市、区）", "年度", TOILETS)],
                   ["随县".encode("gbk").decode("latin-1"), "2025", "96.4"]]), False,
             [("错误", None, "", "是乱码（原文应为")]))
    add(Case("a cell naming a style the workbook does not have", "x.xlsx", _broken_style(), False,
             [("错误", None, "", "文件已损坏或不是有效的 Excel 工作簿")]))
    add(Case("WPS formatting down to row 1,048,576 around 3 data rows", "随州市2025年.xlsx", _formatted_to_the_end(),
             True, values=9, exact={("421381", 2025, "rural_income"): 23890.0}))
    add(Case("footnote marks after numbers", "x.csv",
             text([["区划代码", "年度", TOILETS, MECH, LABOUR], ["421321", "2025", "96.4①", "78.5*", "7.42注1"]]),
             True, [("警告", None, TOILETS, "“96.4①”带注释标记，按数字 96.4 读取"),
                    ("警告", None, LABOUR, "“7.42注1”带注释标记")], values=3,
             exact={("421321", 2025, "sanitary_toilets"): 96.4, ("421321", 2025, "mechanisation"): 78.5}))
    add(Case("approximate values", "x.csv",
             text([["区划代码", "年度", TOILETS, MECH], ["421321", "2025", "约95", "≥78"]]), False,
             [("错误", 2, TOILETS, "“约95”是约数或范围，不是确切数值"), ("错误", 2, MECH, "“≥78”是约数或范围")]))
    add(Case("decimal commas in a semicolon CSV", "x.csv",
             text([["区划代码", "年度", TOILETS, INCOME], ["421321", "2025", "96,4", "25102"],
                   ["421303", "2025", "97,1", "27310"]], sep=";"), True,
             [("警告", None, TOILETS, "“96,4”中的逗号按小数点读取（本列共 2 个这样的数值）")], values=4,
             exact={("421321", 2025, "sanitary_toilets"): 96.4, ("421303", 2025, "sanitary_toilets"): 97.1}))
    add(Case("“1,00” under a percentage: a decimal comma, then asked about", "x.csv",
             text([["区划代码", "年度", TOILETS], ["421321", "2025", '"1,00"']]), False,
             [("错误", 2, TOILETS, "像是小数形式的比例；该指标以百分数填写，应为 100？"),
              ("警告", None, TOILETS, "“1,00”中的逗号按小数点读取")]))
    encrypted = OLE + b"\x00" * 200 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 400
    add(Case("an encrypted workbook (its EncryptedPackage stream)", "x.xlsx", encrypted, False,
             [("错误", None, "", "设置了打开密码")]))
    return out


def _date_cell() -> bytes:
    def build(book):
        s = book.add_worksheet("Sheet1")
        s.write_row(0, 0, ["区划代码", "年度", TOILETS])
        s.write_row(1, 0, ["421321", 2025])
        s.write_datetime(1, 2, pd.Timestamp("2025-12-31").to_pydatetime(),
                         book.add_format({"num_format": "yyyy-mm-dd"}))
    return xlsx(build)


def _damaged() -> bytes:
    good = xlsx(lambda b: table_sheet(b, "Sheet1", [HEADER, SUIXIAN]))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if item.filename != "xl/workbook.xml":  # the workbook part is missing
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


def _formatted_to_the_end() -> bytes:
    """A workbook as WPS saves a sheet formatted far below its table: a used range declared to
    row 1,048,576, and 150,000 formatted rows (and styled empty cells) with no value."""
    import re

    good = xlsx(lambda b: table_sheet(b, "Sheet1", [HEADER, *THREE]))
    empty = b"".join(b'<row r="%d" s="0" customFormat="1" ht="15"/>' % r for r in range(10, 150_010))
    styled = b'<row r="150010"><c r="A150010" s="0"/><c r="E150010" s="0"/></row>'
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:E1048576"/>', body)
                body = body.replace(b"</sheetData>", empty + styled + b"</sheetData>")
            dst.writestr(item, body)
    return out.getvalue()


def _broken_style() -> bytes:
    """A cell whose style index points past the workbook's style list (openpyxl raised
    IndexError: a traceback instead of a message)."""
    good = xlsx(lambda b: table_sheet(b, "Sheet1", [HEADER, SUIXIAN + [None]]))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b'<c r="A2"', b'<c r="A2" s="99"', 1)
            dst.writestr(item, body)
    return out.getvalue()
