"""Importing 社会动员 records from the office's spreadsheet (SQLite and PostgreSQL): files as
offices save them (a title row, GBK CSV, headings in their words, names instead of codes,
funds in 亿元, a 起止年度 column), every problem named by row and column, nothing written
before a clean file is confirmed, the same file twice adds nothing, scope per row."""

from __future__ import annotations

import io

import pytest
from conftest import admin, race

from revitalization import support
from revitalization import support_import as imp
from revitalization.access import Actor
from revitalization.audit import audit_rows

ADMIN = admin()


def kept(engine):
    """The support records already kept (what an import skips), as the province reads them."""
    return support.relations(engine, actor=ADMIN)


def xlsx(rows: list[list[object]], *, hidden_row: int | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "帮扶协作"
    for row in rows:
        sheet.append(row)
    if hidden_row:
        sheet.row_dimensions[hidden_row].hidden = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


OFFICE = [["2025年省直定点帮扶和省内区域协作情况统计表"],
          ["填报单位：省委农办（盖章）", None, None, None, None, None],
          ["序号", "县（市、区）", "帮扶方式", "帮扶单位", "起止年度", "帮扶项目", "帮扶资金（万元）"],
          [1, "随县", "省直定点帮扶", "省农业农村厅", "2021年至今", "香菇冷链", "500"],
          [2, "随州市随县", "区域协作", "武汉市江岸区", "2022—2025", "劳务协作", "0.12亿"],
          [3, "郧西县", "定点帮扶", "省财政厅", "2023-", "", ""],
          [None, "合计", None, None, None, None, "1700"]]


def test_an_office_sheet_is_read_with_its_words(seeded, regions):
    plan = imp.read("帮扶协作统计.xlsx", xlsx(OFFICE), regions, kept(seeded), actor=ADMIN)
    assert plan.ok and plan.sheets == ["帮扶协作"] and plan.problems == []
    got = [(r["row"], r["adcode"], r["kind"], r["supporter"], r["start_year"], r["end_year"],
            r["funds"]) for r in plan.rows]
    assert got == [(4, "421321", "定点帮扶", "省农业农村厅", 2021, None, 500.0),
                   (5, "421321", "区域协作", "武汉市江岸区", 2022, 2025, 1200.0),  # 0.12 亿 = 1200 万
                   (6, "420322", "定点帮扶", "省财政厅", 2023, None, None)]
    assert kept(seeded).empty  # nothing written by reading
    assert imp.commit(seeded, plan, actor=ADMIN) == 3
    stored = kept(seeded)
    assert len(stored) == 3 and set(audit_rows(seeded, "support_relation", actor=ADMIN)["action"]) == {"import"}
    again = imp.read("帮扶协作统计.xlsx", xlsx(OFFICE), regions, stored, actor=ADMIN)
    assert again.rows == [] and again.known == ["第 4 行", "第 5 行", "第 6 行"] and not again.problems
    assert imp.commit(seeded, again, actor=ADMIN) == 0  # the same file twice adds nothing


def test_a_gbk_csv_from_the_template(seeded, regions):
    table = imp.template()
    data = table.to_csv(index=False).encode("gbk")
    plan = imp.read("帮扶.csv", data, regions, kept(seeded), actor=ADMIN)
    assert plan.ok and [r["supporter"] for r in plan.rows] == ["省农业农村厅", "武汉市江岸区"]


@pytest.mark.parametrize(("row", "message"), [
    (["421321", "随县", "挂职", "省农业农村厅", 2021, None, "", ""],
     "第 2 行，C 列“类型”：“挂职”不是有效类型，应为 定点帮扶 或 区域协作"),
    (["429999", "", "定点帮扶", "省农业农村厅", 2021, None, "", ""],
     "第 2 行，A 列“区划代码”：区划代码 429999 不在湖北省现行县级区划名录中"),
    (["", "武汉经济技术开发区", "定点帮扶", "省农业农村厅", 2021, None, "", ""],
     "第 2 行，B 列“县（市、区）”：“武汉经济技术开发区”是功能区"),
    (["421321", "广水市", "定点帮扶", "省农业农村厅", 2021, None, "", ""],
     "第 2 行，B 列“县（市、区）”：县名“广水市”与区划代码 421321（随县）不一致"),
    (["421321", "随县", "定点帮扶", "", 2021, None, "", ""],
     "第 2 行，D 列“帮扶单位/协作方”：不能为空"),
    (["421321", "随县", "定点帮扶", "省农业农村厅", "二〇二一", None, "", ""],
     "第 2 行，E 列“开始年度”：“二〇二一”不是年份"),
    (["421321", "随县", "定点帮扶", "省农业农村厅", 2024, 2022, "", ""],
     "第 2 行，E 列“开始年度”：结束年度 2022 早于开始年度 2024"),
    (["421321", "随县", "定点帮扶", "省农业农村厅", 2021, None, "", "五百万"],
     "第 2 行，H 列“资金（万元）”：“五百万”无法换算为万元"),
    (["421321", "随县", "定点帮扶", "省农业农村厅", 2021, None, "", "-5"],
     "第 2 行，H 列“资金（万元）”：不能为负数"),
])
def test_each_problem_names_its_row_and_column(seeded, regions, row, message):
    plan = imp.read("帮扶.xlsx", xlsx([imp.TEMPLATE, row]), regions, kept(seeded), actor=ADMIN)
    assert not plan.ok and len(plan.problems) == 1
    assert str(plan.problems[0]).startswith(message), str(plan.problems[0])
    with pytest.raises(support.SupportError, match="文件有错误，未导入"):
        imp.commit(seeded, plan, actor=ADMIN)
    assert kept(seeded).empty


def test_duplicates_missing_columns_and_unreadable_files(seeded, regions):
    row = ["421321", "随县", "定点帮扶", "省农业农村厅", 2021, None, "", ""]
    plan = imp.read("帮扶.xlsx", xlsx([imp.TEMPLATE, row, row]), regions, kept(seeded), actor=ADMIN)
    assert [str(p) for p in plan.problems] == [
        "第 3 行，D 列“帮扶单位/协作方”：与第 2 行重复（同一县、类型、帮扶单位和开始年度）"]
    plan = imp.read("帮扶.xlsx", xlsx([["县（市、区）", "帮扶单位"], ["随县", "省财政厅"]]), regions,
                    kept(seeded), actor=ADMIN)
    assert [str(p) for p in plan.problems] == ["第 1 行：缺少“类型”列（定点帮扶 或 区域协作）",
                                               "第 1 行：缺少“开始年度”列（或“起止年度”列）"]
    plan = imp.read("帮扶.xlsx", xlsx([["县", "金额"], ["随县", 5]]), regions, kept(seeded), actor=ADMIN)
    assert "找不到表头" in str(plan.problems[0])
    plan = imp.read("帮扶.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, regions,
                    kept(seeded), actor=ADMIN)
    assert str(plan.problems[0]).startswith("这是旧版 Excel 97-2003 格式")
    plan = imp.read("帮扶.xlsx", xlsx([imp.TEMPLATE, row], hidden_row=2), regions,
                    kept(seeded), actor=ADMIN)
    assert str(plan.problems[0]) == "表头下没有数据行"  # a hidden row is not imported


def test_a_city_user_imports_its_own_counties_only(seeded, regions):
    city = Actor("sz", "随州市", "city", "421300")
    rows = [imp.TEMPLATE, ["421321", "随县", "定点帮扶", "省农业农村厅", 2021, None, "", ""],
            ["420322", "郧西县", "定点帮扶", "省财政厅", 2021, None, "", ""]]
    plan = imp.read("帮扶.xlsx", xlsx(rows), regions, support.relations(seeded, actor=city),
                    actor=city)
    assert [str(p) for p in plan.problems] == [
        "第 3 行，A 列“区划代码”：随州市（市州用户）无权记录定点帮扶和区域协作（郧西县）"]
    assert not plan.ok


@pytest.mark.parametrize(("cell", "value"), [(500, 500.0), ("500", 500.0), ("500万元", 500.0),
                                             ("0.12亿元", 1200.0), ("1,200元", 0.12), ("", None)])
def test_funds_are_read_in_ten_thousand_yuan(cell, value):
    assert imp._funds(cell).value == value


def sheet_bytes(sheets: dict[str, list[list[object]]], merge: str | None = None,
                styled_to: int | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if merge:
            sheet.merge_cells(merge)
        if styled_to:  # an office template formatted far below its rows
            from openpyxl.styles import Border, Side

            for r in range(len(rows) + 1, styled_to):
                sheet.cell(row=r, column=1).border = Border(bottom=Side(style="thin"))
                sheet.cell(row=r, column=1).value = None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_sheets_as_offices_fill_them(seeded, regions):
    """Numbered empty rows, a 填表人 footer, a template formatted to row 6000, a two-row
    header, a second sheet, former names, 市州 spellings, 2021年度 and a 市州-level row."""
    head = ["序号", "县（市）", "帮扶方式", "帮扶单位（协作方）", "起止年度", None, "帮扶资金（万元）"]
    sub = [None, None, None, None, "开始年度", "结束年度", None]
    fixed = [head, sub,
             [1, "随州随县", "定点帮扶", "省农业农村厅", "2021年度", None, "500"],
             [2, "恩施州利川市", "定点帮扶", "省财政厅", 2022, 2025, None],
             [3, "长阳县", "定点帮扶", "省水利厅", 2022, None, None],
             [4, None, None, None, None, None, None],
             ["填表人：张三", None, None, None, None, None, None]]
    pairs = [["县（市、区）", "类型", "协作方", "起止年度"],
             ["京山县", "区域协作", "武汉市江岸区", "2021年至今"]]
    data = sheet_bytes({"定点帮扶": fixed, "区域协作": pairs}, merge="E1:F1", styled_to=6000)
    plan = imp.read("统计表.xlsx", data, regions, kept(seeded), actor=ADMIN)
    assert plan.problems == [] and plan.sheets == ["定点帮扶", "区域协作"]
    got = [(r["sheet"], r["row"], r["adcode"], r["supporter"], r["start_year"], r["end_year"])
           for r in plan.rows]
    assert got == [("定点帮扶", 3, "421321", "省农业农村厅", 2021, None),
                   ("定点帮扶", 4, "422802", "省财政厅", 2022, 2025),
                   ("定点帮扶", 5, "420528", "省水利厅", 2022, None),
                   ("区域协作", 2, "420882", "武汉市江岸区", 2021, None)]
    assert len(plan.notes) == 1 and plan.notes[0].startswith("工作表“区域协作”第 2 行：“京山县”已于")
    assert plan.preview({})["工作表"].tolist() == ["定点帮扶"] * 3 + ["区域协作"]
    city_row = [imp.TEMPLATE, ["", "随州市", "区域协作", "武汉市江岸区", 2022, None, "", ""]]
    problem = imp.read("a.xlsx", xlsx(city_row), regions, kept(seeded), actor=ADMIN).problems
    assert [str(p) for p in problem] == ["第 2 行，B 列“县（市、区）”：“随州市”不是县（市、区）："
                                         "帮扶协作记录按县填写，市州本级的记录不在此导入"]
    blank = [imp.TEMPLATE, ["", "", "定点帮扶", "省财政厅", 2022, None, "", ""]]
    assert [str(p) for p in imp.read("a.xlsx", xlsx(blank), regions, kept(seeded), actor=ADMIN).problems] \
        == ["第 2 行，B 列“县（市、区）”：县（市、区）为空"]


@pytest.mark.parametrize(("cell", "message"), [
    ("500美元", "“500美元”无法换算为万元"),
])
def test_funds_messages_speak_of_ten_thousand_yuan(seeded, regions, cell, message):
    row = [imp.TEMPLATE, ["421321", "随县", "定点帮扶", "省财政厅", 2022, None, "", cell]]
    plan = imp.read("a.xlsx", xlsx(row), regions, kept(seeded), actor=ADMIN)
    assert message in str(plan.problems[0])


def test_a_date_formatted_year_cell_is_explained(seeded, regions):
    import datetime

    row = [imp.TEMPLATE, ["421321", "随县", "定点帮扶", "省财政厅", datetime.datetime(1905, 7, 13), None, "", ""]]
    plan = imp.read("a.xlsx", xlsx(row), regions, kept(seeded), actor=ADMIN)
    assert "年度单元格是日期格式" in str(plan.problems[0])


def test_a_gbk_csv_with_a_utf8_mark(seeded, regions):
    data = b"\xef\xbb\xbf" + imp.template().to_csv(index=False).encode("gbk")
    assert imp.read("a.csv", data, regions, kept(seeded), actor=ADMIN).ok


def test_two_imports_at_the_same_moment_add_the_records_once(seeded, regions):
    plan = imp.read("a.xlsx", xlsx([imp.TEMPLATE, *imp.template().values.tolist()]), regions,
                    kept(seeded), actor=ADMIN)
    outcomes = race(lambda _: imp.commit(seeded, plan, actor=ADMIN), [1, 2], support.SupportError)
    assert sorted(map(str, outcomes)) in (["0", "2"], ["2", "refused"])
    assert len(kept(seeded)) == 2


def test_a_manual_duplicate_is_refused(seeded):
    support.add_relation(seeded, adcode="421321", kind="定点帮扶", supporter="省财政厅", start_year=2021,
                         actor=ADMIN)
    with pytest.raises(support.SupportError, match="该县已有同一类型、同一帮扶单位、同一开始年度的记录"):
        support.add_relation(seeded, adcode="421321", kind="定点帮扶", supporter="省财政厅",
                             start_year=2021, actor=ADMIN)
