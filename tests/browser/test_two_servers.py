"""Two server processes on one database (as behind a proxy): a write through one is seen
through the other on its next page, though the other had the old results cached."""

from __future__ import annotations

import re

from conftest import ONE_CHROMIUM

from .test_chromium import click_until, start_server, stop_server

pytestmark = [ONE_CHROMIUM]


def score(page) -> str:
    page.get_by_text("综合得分").first.wait_for(timeout=60_000)
    metric = page.locator("[data-testid='stMetric']").first.inner_text()
    return re.search(r"(\d+\.\d) 分", metric).group(1)


def test_an_import_through_one_server_shows_through_the_other(backend, templates, tmp_path, browser):
    import xlsxwriter

    if backend == "postgresql":
        url = templates._url(templates.pg_database("demo"))
    else:
        url = templates.sqlite_copy("demo", tmp_path / "shared.db")
    (a, proc_a), (b, proc_b) = start_server(url), start_server(url)
    try:
        county = "/county?county=421321&year=2025"
        reader = browser.new_page()
        reader.goto(b + county)
        before = score(reader)  # server B now has 2025 computed and cached
        reader.close()
        path = tmp_path / "随县更正.xlsx"
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["区划代码", "县（市、区）", "年度", "农村卫生厕所普及率（%）"])
        sheet.write_row(1, 0, ["421321", "随县", 2025, 20.0])
        book.close()
        writer = browser.new_page()
        writer.goto(a + "/data")
        writer.get_by_text("导入数据").first.wait_for(timeout=60_000)
        writer.set_input_files("input[type=file]", str(path))
        click_until(writer, "确认导入", "已导入（批次")
        writer.close()
        reader = browser.new_page()
        reader.goto(b + county)
        after = score(reader)
        reader.close()
        assert float(after) < float(before), (before, after)  # B recomputed from the new data
    finally:
        stop_server(proc_a)
        stop_server(proc_b)
