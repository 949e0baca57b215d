"""Spreadsheet exports never carry live formulas."""

from __future__ import annotations

import csv as csvlib
import io
import zipfile

import pandas as pd

from revitalization.exports.spreadsheets import csv_bytes, neutralise, xlsx_bytes

EVIL = pd.DataFrame({"名称": ["=HYPERLINK(\"http://x\",\"点我\")", "+1+2", "-3", "@SUM(A1)", "随县"],
                     "得分": [1.5, -2.0, 3.0, 4.0, 5.0]})


def test_formula_like_text_is_neutralised_numbers_stay_numbers():
    out = neutralise(EVIL)
    assert out["名称"].tolist()[:4] == ["'=HYPERLINK(\"http://x\",\"点我\")", "'+1+2", "'-3", "'@SUM(A1)"]
    assert out["名称"].iloc[4] == "随县"
    assert out["得分"].tolist() == [1.5, -2.0, 3.0, 4.0, 5.0]


def test_csv_has_bom_and_no_formula():
    text = csv_bytes(EVIL).decode("utf-8-sig")
    assert "\n=" not in text and ",=" not in text and "'=HYPERLINK" in text


def test_xlsx_contains_no_formulas():
    data = xlsx_bytes(EVIL, "排名", note="=cmd|' /C calc'!A0")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        strings = z.read("xl/sharedStrings.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet  # no formula cells at all
    assert "'=HYPERLINK" in strings and "'=cmd" in strings


OWASP = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", " =1", "  +1", "\u3000=1",
         "\u00a0=1", "\ufeff=1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "\n\r =HYPERLINK(\"x\")"]


def test_every_formula_shape_is_neutralised_in_every_format():
    """The OWASP CSV-injection list plus leading blanks, line breaks and full-width signs."""
    frame = pd.DataFrame({"内容": OWASP + ["随县", "1-2月", "a=b"]})
    out = neutralise(frame)["内容"].tolist()
    assert all(v.startswith("'") for v in out[:len(OWASP)])
    assert out[len(OWASP):] == ["随县", "1-2月", "a=b"]  # ordinary text untouched
    csv = csv_bytes(frame).decode("utf-8-sig")
    cells = [row[0] for row in csvlib.reader(io.StringIO(csv, newline=""))][1:]
    assert cells == out  # one cell per row: a bare CR or LF cannot split a row
    data = xlsx_bytes(frame)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_a_bare_carriage_return_is_quoted():
    text = csv_bytes(pd.DataFrame({"备注": ["第一行\r第二行"], "值": [1]})).decode("utf-8-sig")
    assert '"第一行\r第二行"' in text and text.endswith("\r\n")
