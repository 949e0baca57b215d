"""Spreadsheet exports never carry live formulas."""

from __future__ import annotations

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
