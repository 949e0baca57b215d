"""Importing 社会动员 records from the office's spreadsheet (SQLite and PostgreSQL): files as
offices save them (a title row, GBK CSV, headings in their words, names instead of codes,
funds in 亿元, a 起止年度 column), every problem named by row and column, nothing written
before a clean file is confirmed, the same file twice adds nothing, scope per row."""

from __future__ import annotations

import io

import pytest
from conftest import admin

from revitalization import support
from revitalization import support_import as imp
from revitalization.access import Actor, refusal
from revitalization.audit import audit_rows


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
    plan = imp.read("帮扶协作统计.xlsx", xlsx(OFFICE), regions, support.relations(seeded))
    assert plan.ok and plan.sheet == "帮扶协作" and plan.problems == []
    got = [(r["row"], r["adcode"], r["kind"], r["supporter"], r["start_year"], r["end_year"],
            r["funds"]) for r in plan.rows]
    assert got == [(4, "421321", "定点帮扶", "省农业农村厅", 2021, None, 500.0),
                   (5, "421321", "区域协作", "武汉市江岸区", 2022, 2025, 1200.0),  # 0.12 亿 = 1200 万
                   (6, "420322", "定点帮扶", "省财政厅", 2023, None, None)]
    assert support.relations(seeded).empty  # nothing written by reading
    assert imp.commit(seeded, plan, actor=admin()) == 3
    kept = support.relations(seeded)
    assert len(kept) == 3 and set(audit_rows(seeded, "support_relation")["action"]) == {"import"}
    again = imp.read("帮扶协作统计.xlsx", xlsx(OFFICE), regions, kept)
    assert again.rows == [] and again.known == [4, 5, 6] and not again.problems
    assert imp.commit(seeded, again, actor=admin()) == 0  # the same file twice adds nothing


def test_a_gbk_csv_from_the_template(seeded, regions):
    table = imp.template()
    data = table.to_csv(index=False).encode("gbk")
    plan = imp.read("帮扶.csv", data, regions, support.relations(seeded))
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
     "第 2 行，H 列“资金（万元）”：“五百万”不是数字"),
    (["421321", "随县", "定点帮扶", "省农业农村厅", 2021, None, "", "-5"],
     "第 2 行，H 列“资金（万元）”：不能为负数"),
])
def test_each_problem_names_its_row_and_column(seeded, regions, row, message):
    plan = imp.read("帮扶.xlsx", xlsx([imp.TEMPLATE, row]), regions, support.relations(seeded))
    assert not plan.ok and len(plan.problems) == 1
    assert str(plan.problems[0]).startswith(message), str(plan.problems[0])
    with pytest.raises(support.SupportError, match="文件有错误，未导入"):
        imp.commit(seeded, plan, actor=admin())
    assert support.relations(seeded).empty


def test_duplicates_missing_columns_and_unreadable_files(seeded, regions):
    row = ["421321", "随县", "定点帮扶", "省农业农村厅", 2021, None, "", ""]
    plan = imp.read("帮扶.xlsx", xlsx([imp.TEMPLATE, row, row]), regions, support.relations(seeded))
    assert [str(p) for p in plan.problems] == [
        "第 3 行，D 列“帮扶单位/协作方”：与第 2 行重复（同一县、类型、帮扶单位和开始年度）"]
    plan = imp.read("帮扶.xlsx", xlsx([["县（市、区）", "帮扶单位"], ["随县", "省财政厅"]]), regions,
                    support.relations(seeded))
    assert [str(p) for p in plan.problems] == ["第 1 行：缺少“类型”列（定点帮扶 或 区域协作）",
                                               "第 1 行：缺少“开始年度”列（或“起止年度”列）"]
    plan = imp.read("帮扶.xlsx", xlsx([["县", "金额"], ["随县", 5]]), regions, support.relations(seeded))
    assert "找不到表头" in str(plan.problems[0])
    plan = imp.read("帮扶.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, regions,
                    support.relations(seeded))
    assert str(plan.problems[0]).startswith("这是旧版 Excel 97-2003 格式")
    plan = imp.read("帮扶.xlsx", xlsx([imp.TEMPLATE, row], hidden_row=2), regions,
                    support.relations(seeded))
    assert plan.problems[0].text == "表头下没有数据行"  # a hidden row is not imported


def test_a_city_user_imports_its_own_counties_only(seeded, regions):
    city = Actor("sz", "随州市", "city", "421300")
    names = regions.set_index("adcode")
    rows = [imp.TEMPLATE, ["421321", "随县", "定点帮扶", "省农业农村厅", 2021, None, "", ""],
            ["420322", "郧西县", "定点帮扶", "省财政厅", 2021, None, "", ""]]
    plan = imp.read("帮扶.xlsx", xlsx(rows), regions, support.relations(seeded),
                    refuse=lambda a: refusal(city, "support", a, names.at[a, "city_adcode"],
                                             names.at[a, "name"]))
    assert [str(p) for p in plan.problems] == [
        "第 3 行，A 列“区划代码”：随州市（市州用户）无权记录定点帮扶和区域协作（郧西县）"]
    assert not plan.ok


@pytest.mark.parametrize(("cell", "value"), [(500, 500.0), ("500", 500.0), ("500万元", 500.0),
                                             ("0.12亿元", 1200.0), ("1,200元", 0.12), ("", None)])
def test_funds_are_read_in_ten_thousand_yuan(cell, value):
    assert imp._funds(cell).value == value
