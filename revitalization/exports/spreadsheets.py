"""Tables for spreadsheets: CSV and XLSX downloads that never carry live formulas.

Excel, WPS and LibreOffice read a cell as a formula when it begins with ``=``, ``+``, ``-``
or ``@``, and some do so after leading blanks or line breaks, or with the full-width signs
(＝ ＋ － ＠) that Chinese input methods type; a cell that begins with a tab, carriage return
or line feed is suspect too (OWASP, CSV injection). Such text cells (and column names) get a
leading apostrophe — the one function every export uses — and the XLSX writer stores every
string as text (no formulas, no links). Numbers stay numbers. CSV rows end in CRLF, so a
bare carriage return inside a cell is quoted and cannot split a row.
"""

from __future__ import annotations

import io

import pandas as pd

SIGNS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
CONTROL = ("\t", "\r", "\n")
BLANKS = " \t\r\n\u3000\u00a0\ufeff"  # stripped by some spreadsheets before they parse


def neutralise_cell(value: object) -> object:
    """``value`` made inert if a spreadsheet could read it as a formula."""
    if isinstance(value, str) and (value.startswith(CONTROL) or value.lstrip(BLANKS).startswith(SIGNS)):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with formula-like text cells (and column names) made inert."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so Excel opens the Chinese text correctly."""
    return neutralise(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "Sheet1", note: str = "") -> bytes:
    """An XLSX with every string stored as text; ``note`` goes in a row under the table."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": {
            "strings_to_formulas": False, "strings_to_urls": False}}) as writer:
        neutralise(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
        sheet_obj = writer.sheets[sheet[:31]]
        for n, col in enumerate(frame.columns):
            width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) * 1.6
            sheet_obj.set_column(n, n, min(max(width, 6), 40))
        if note:
            sheet_obj.write_string(len(frame) + 2, 0, neutralise_cell(note))
    return buffer.getvalue()
