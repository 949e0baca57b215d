"""Real office files get in (issue 16, part 1): the corpus of messy spreadsheets, each with
the messages it must produce, and nothing written by a check."""

from __future__ import annotations

import pytest
from conftest import admin

from revitalization.importer import validate
from revitalization.intake import values
from revitalization.intake.files import MAX_BYTES, max_upload_mb
from revitalization.intake.names import CountyMatcher

from .intake_corpus import ANY, cases

CORPUS = cases()


def test_the_corpus_is_large_and_varied():
    assert len(CORPUS) >= 40
    assert len({c.name for c in CORPUS}) == len(CORPUS)
    assert sum(c.ok for c in CORPUS) >= 15 and sum(not c.ok for c in CORPUS) >= 15


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_each_file_gets_its_messages(case, config, regions, observations):
    report = validate(case.file_name, case.data, regions=regions, config=config,
                      existing=observations, **case.kwargs, actor=admin())
    shown = report.table().to_string()
    assert report.ok == case.ok, shown
    for level, row, column, words in case.expect:
        hits = [p for p in report.problems if p.level == level and words in p.message
                and (row is ANY or p.row == row) and (column is ANY or p.column == column)]
        assert hits, f"expected {level} {row} {column} “{words}”:\n{shown}"
    if case.values is not None:
        assert len(report.values) == case.values, shown
    got = report.values.set_index(["adcode", "year", "indicator"])["value"] if len(report.values) else {}
    for at, value in case.exact.items():  # which value, under which county, year and indicator
        assert at in got and got[at] == pytest.approx(value), (at, shown)
    for problem in report.problems:  # plain Chinese: no library text in English
        assert not any(w in problem.message for w in ("Error", "error", "Traceback", "None", "nan",
                                                       "openpyxl", "zip", "codec")), problem


def test_checking_the_corpus_writes_nothing(seeded_observations, config, regions):
    from revitalization import store

    from .faults import snapshot

    before = snapshot(seeded_observations)
    existing = store.read_observations(seeded_observations)
    for case in CORPUS:
        validate(case.file_name, case.data, regions=regions, config=config, existing=existing,
                 **case.kwargs, actor=admin())
    assert snapshot(seeded_observations) == before


def test_the_upload_box_and_the_check_share_one_limit():
    assert MAX_BYTES == max_upload_mb() * 2**20 and max_upload_mb() == 20


@pytest.mark.parametrize(("cell", "unit", "expected"), [
    ("85.3%", "%", 85.3), ("853‰", "%", 85.3), ("3.2万元", "元", 32000), ("2.51万", "元", 25100),
    ("1.2亿元", "元", 1.2e8), ("74200元/人", "万元/人", 7.42), ("7.42万元/人", "万元/人", 7.42),
    ("0.317吨/公顷", "千克/公顷", 317), ("317公斤/公顷", "千克/公顷", 317), ("1,234人", "人", 1234),
    ("1.2万人", "人", 12000), ("９６．４", "%", 96.4), ("16场", "场", 16), (96.4, "%", 96.4),
    ("—", "%", None), ("无", "元", None), (None, "%", None),
])
def test_values_with_units(cell, unit, expected):
    parsed = values.parse(cell, unit)
    assert not parsed.error
    assert parsed.value == pytest.approx(expected) if expected is not None else parsed.value is None


@pytest.mark.parametrize(("cell", "unit", "words"), [
    ("6%", "万元/人", "带百分号"), ("16吨", "场", "无法换算"), ("8.5万人次", "人次/人", "无法换算"),
    ("九十", "%", "不是数字"), ("约85", "%", "是约数或范围"),
])
def test_values_refused_with_the_conversion_named(cell, unit, words):
    parsed = values.parse(cell, unit)
    assert parsed.value is None and words in parsed.error


def test_renames_are_applied_and_reported_not_guessed(regions):
    matcher = CountyMatcher(regions)
    for old, new in (("郧县", "420304"), ("420321", "420304"), ("京山县", "420882"),
                     ("监利县", "421088"), ("襄阳区", "420607"), ("宜昌县", "420506")):
        match = matcher.match(old)
        assert match.adcode == new and "依据" in match.note, old
    zone = matcher.match("襄阳高新区")
    assert zone.adcode is None and "功能区" in zone.error and "是否为" not in zone.error
    assert matcher.match("合计").total and matcher.match("宜昌市").total
    assert matcher.match("仙桃市").adcode == "429004"  # a city-level name that is a county unit


def test_oversized_files_are_refused_before_they_are_parsed():
    """A sheet's declared dimension or a CSV's line count is checked first: a 130,000-row
    workbook is refused without reading a cell."""
    import io

    import openpyxl
    import pytest

    from revitalization.intake import files

    book = openpyxl.Workbook()
    book.active["A1"] = "区划代码"
    book.active.cell(row=130_000, column=2, value=1)
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(files.FileReadError, match="130,000 行 × 2 列，超过导入上限"):
        files.read("全省.xlsx", buffer.getvalue())
    wide = openpyxl.Workbook()
    wide.active.cell(row=2, column=400, value=1)
    buffer = io.BytesIO()
    wide.save(buffer)
    with pytest.raises(files.FileReadError, match="400 列"):
        files.read("宽.xlsx", buffer.getvalue())
    with pytest.raises(files.FileReadError, match="超过导入上限"):
        files.read("长表.csv", ("区划代码,年度\n" + "421321,2025\n" * 125_000).encode())


def _zip_sheet(sheet_xml: bytes) -> bytes:
    """A minimal .xlsx whose one worksheet is ``sheet_xml`` (deflated), written by hand the way
    an attacker would: no dimension record unless the XML has one."""
    import io
    import zipfile

    content_types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                     b'content-types"><Default Extension="xml" ContentType="application/xml"/>'
                     b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                     b'relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                     b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
                     b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    workbook = (b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                b'<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    book_rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                 b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                 b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                 b'</Relationships>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in (("[Content_Types].xml", content_types), ("_rels/.rels", rels),
                           ("xl/workbook.xml", workbook), ("xl/_rels/workbook.xml.rels", book_rels),
                           ("xl/worksheets/sheet1.xml", sheet_xml)):
            archive.writestr(name, body)
    return buffer.getvalue()


def test_a_sheet_without_a_dimension_record_is_bounded_by_its_real_cells():
    """The attack of issue 29 (4): a 126 KB workbook of 2 million cells and no <dimension>
    took the server 40 s and 700 MB. Its cells are counted while streaming, and it is refused
    before openpyxl reads a cell."""
    import pytest

    from revitalization.intake import files

    rows = (b"<row>" + b"<c><v>1</v></c>" * 10 + b"</row>") * 200_000  # "r" is optional
    xml = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           b'2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")
    data = _zip_sheet(xml)
    assert len(data) < 2 * 2**20  # small on the wire
    with pytest.raises(files.FileReadError, match="工作表有 200,000 行、2,000,000 个单元格，超过导入上限"):
        files.read("填报.xlsx", data)
    # a false dimension record does not let it through either
    lying = xml.replace(b"<sheetData>", b'<dimension ref="A1:B2"/><sheetData>')
    with pytest.raises(files.FileReadError, match="2,000,000 个单元格"):
        files.read("填报.xlsx", _zip_sheet(lying))


def test_a_workbook_that_inflates_past_the_limit_is_refused_unread():
    """The attack of issue 29 (4): a 1 MB file that unpacks to 1 GB. Refused on the archive's
    own sizes, before anything is unpacked."""
    import pytest

    from revitalization.intake import files

    padding = b"<!--" + b" " * (files.MAX_INFLATED + 2**20) + b"-->"
    xml = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           b'2006/main">' + padding + b"<sheetData/></worksheet>")
    data = _zip_sheet(xml)
    assert len(data) < 2 * 2**20
    with pytest.raises(files.FileReadError, match=r"文件解压后有 101 MB，超过导入上限 100 MB"):
        files.read("填报.xlsx", data)


def test_the_preview_names_each_values_cell_and_what_it_showed(config, regions, observations):
    """Issue 30 (6): a clerk checks the preview against the file: sheet and cell, and the cell as
    the file showed it (a percentage as a percentage), beside the value that will be stored."""
    import xlsxwriter

    from revitalization import importer, tables

    from .intake_corpus import MECH, TOILETS, xlsx

    def build(book: xlsxwriter.Workbook) -> None:
        s = book.add_worksheet("2025年")
        s.write_row(0, 0, ["区划代码", TOILETS, MECH])
        s.write(1, 0, "421321")
        s.write_number(1, 1, 0.951, book.add_format({"num_format": "0.0%"}))
        s.write(1, 2, "78.5*")

    report = validate("x.xlsx", xlsx(build), regions=regions, config=config, existing=observations,
                      actor=admin())
    assert report.ok, report.table()
    preview = tables.import_preview(importer.diff(report, observations), regions, config, report.sheet)
    rows = preview.set_index("单元格")[["指标", "文件中显示", "新值"]].to_dict("index")
    assert rows == {"2025年!B2": {"指标": TOILETS, "文件中显示": "95.1%", "新值": "95.1"},
                    "2025年!C2": {"指标": MECH, "文件中显示": "78.5*", "新值": "78.5"}}
