"""Tables for spreadsheets: CSV and XLSX downloads that never carry live formulas.

A cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) is read by
Excel and WPS as a formula; text cells starting so are prefixed with an apostrophe, and the
XLSX writer stores every string as text (no formulas, no links). Numbers stay numbers.
"""

from __future__ import annotations

import io

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(TRIGGERS):
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
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


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
