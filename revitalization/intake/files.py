"""Reading an uploaded file into sheets of raw cells, with every file-level failure said in
plain Chinese (never a library's English message).

Excel files are read as data only: a formula is read as the value Excel or WPS saved with
it, and a formula saved without a value is reported, never evaluated. Merged cells are
filled with their top-left value; hidden columns and formula cells are remembered, so the
table finder can ignore or report them.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field

from revitalization.paths import ROOT

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, and encrypted (password) .xlsx
ENCODINGS = (("utf-8-sig", "UTF-8"), ("gb18030", "GBK/GB18030"))


def max_upload_mb() -> int:
    """The upload limit in MB: Streamlit's ``server.maxUploadSize`` (one number for both
    the upload box and this check)."""
    text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    found = re.search(r"^maxUploadSize\s*=\s*(\d+)", text, re.M)
    return int(found.group(1)) if found else 200


MAX_BYTES = max_upload_mb() * 2**20


class FileReadError(ValueError):
    """The file cannot be read at all; the message says why and what to do."""


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]  # cell values, row 0 = spreadsheet row 1; None for empty
    hidden_columns: set[int] = field(default_factory=set)
    hidden_rows: set[int] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → "=…"
    uncached: set[tuple[int, int]] = field(default_factory=set)  # formulas saved without a value
    percent: set[tuple[int, int]] = field(default_factory=set)  # numbers Excel shows as a percentage
    filtered: bool = False  # an autofilter is set: hidden rows may be data filtered out, not workings


@dataclass
class Workbook:
    sheets: list[Sheet]
    kind: str  # xlsx / csv
    encoding: str = ""


# Bounds checked before a file is parsed (the archive's unpacked size, a sheet's dimension
# record and its actual rows and cells, a CSV's line count): the largest real file is 103
# counties × 31 indicators × a few decades in long form (about 250,000 cells, 15 MB unpacked).
MAX_ROWS = 120_000
MAX_COLUMNS = 300
MAX_CELLS = 1_000_000
MAX_INFLATED = 100 * 2**20  # bytes an .xlsx may unpack to (a "zip bomb" is refused unread)


def _too_big(where: str, rows: int, columns: int) -> None:
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise FileReadError(f"{where}有 {rows:,} 行 × {columns:,} 列，超过导入上限（{MAX_ROWS:,} 行、"
                            f"{MAX_COLUMNS} 列、{MAX_CELLS:,} 个单元格）；请按市州或年度拆分后分别导入")


_CELL = re.compile(rb"<(?:\w+:)?(?:v|is)>")  # a cell's value (styled empty cells hold none)
_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*?(?<!/)>')  # a cell with content
_ROW = re.compile(rb"<(?:\w+:)?row(?:\s[^>]*)?(?<!/)>")  # a row with cells (not a formatted empty one)
_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")


def _count(archive: zipfile.ZipFile, name: str) -> tuple[int, int, bool, int, int]:
    """What a worksheet really holds, counted while streaming its XML (never parsed): the rows
    with cells, the cell values, whether it has a formula, and the last row and column holding
    content (0 when its cells carry no reference). The content is judged, not the used range a
    program declares (WPS declares its formatting down to row 1,048,576), nor formatted empty
    rows and cells. One pass over the unpacked sheet."""
    from openpyxl.utils import column_index_from_string

    rows = cells = last_row = last_column = 0
    formula = False
    tail = b""
    with archive.open(name) as stream:
        while chunk := stream.read(2**20):
            block = tail + chunk
            cut = max(block.rfind(b"<"), 0) if len(chunk) == 2**20 else len(block)  # no tag split
            whole, tail = block[:cut], block[cut:]
            cells += len(_CELL.findall(whole))
            rows += len(_ROW.findall(whole))
            formula = formula or _FORMULA.search(whole) is not None
            for column, row in _REF.findall(whole):
                last_row = max(last_row, int(row))
                last_column = max(last_column, column_index_from_string(column.decode()))
        if tail:
            cells += len(_CELL.findall(tail))
            rows += len(_ROW.findall(tail))
            formula = formula or _FORMULA.search(tail) is not None
    return rows, cells, formula, last_row, last_column


def read(name: str, data: bytes) -> Workbook:
    """Every sheet of an .xlsx file, or the one table of a CSV/TXT file."""
    if not data:
        raise FileReadError("文件是空的（0 字节）；请检查导出的文件后重新上传")
    if len(data) > MAX_BYTES:
        raise FileReadError(f"文件大小 {len(data) / 2**20:.1f} MB，超过上限 {MAX_BYTES // 2**20} MB；"
                            "请按市州或年度拆分后分别导入")
    lower = name.lower()
    if data.startswith(OLE):
        # An OLE2 container is either an encrypted .xlsx (its EncryptedPackage stream) or an old
        # BIFF workbook (its Workbook / Book stream), whatever the file's name says.
        biff = "Workbook".encode("utf-16-le") in data or b"B\x00o\x00o\x00k\x00\x00\x00" in data
        if lower.endswith((".xlsx", ".xlsm")) and not biff:
            raise FileReadError("文件设置了打开密码（已加密），无法读取；请在 Excel 或 WPS 中取消密码"
                                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存再上传")
        renamed = "（扩展名虽是 .xlsx，内容却是旧格式）" if lower.endswith((".xlsx", ".xlsm")) else ""
        raise FileReadError(f"这是旧版 Excel 97-2003 格式（.xls / .et）{renamed}，无法直接读取；请在 Excel 或 WPS 中"
                            "“另存为” Excel 工作簿（.xlsx）后上传")
    if data.startswith(b"PK"):  # an .xlsx, whatever its name says (offices rename files)
        return Workbook(_read_xlsx(data), "xlsx")
    if lower.endswith((".xlsx", ".xlsm", ".xls")):
        raise FileReadError("文件扩展名是 Excel，但内容不是有效的 Excel 文件（可能已损坏或是网页另存的文件）；"
                            "请在 Excel 或 WPS 中打开后另存为 .xlsx")
    if lower.endswith((".csv", ".txt")):
        rows, encoding = _read_text(data)
        return Workbook([Sheet(name.rsplit("/", 1)[-1], rows)], "csv", encoding)
    raise FileReadError(f"不支持的文件类型“{name}”；请上传 Excel 工作簿（.xlsx）或 CSV 文件")


def _read_text(data: bytes) -> tuple[list[list[object]], str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" (UTF-16, tabs)
        text, encoding = data.decode("utf-16"), "UTF-16"
    else:
        if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 mark, even on a GBK text some tools add it to
            data = data[3:]
        for codec, label in ENCODINGS:
            try:
                text, encoding = data.decode(codec), label
                break
            except UnicodeDecodeError:
                continue
        else:
            raise FileReadError("无法识别文件的文字编码（不是 UTF-8，也不是 GBK）；"
                                "请在 Excel 或 WPS 中另存为“CSV UTF-8”或 Excel 工作簿（.xlsx）")
    lines = text.count("\n") + 1
    if lines > MAX_ROWS:
        _too_big("文件", lines, text[:text.find("\n")].count(",") + 1 if "\n" in text else 1)
    if "\x00" in text:
        raise FileReadError("文件中含有不可读的二进制内容，不是文本 CSV；请另存为 CSV 或 .xlsx")
    sample = text[:4096]
    delimiter = max(",\t;，", key=sample.count) if sample.strip() else ","
    if delimiter == "，":  # a full-width comma: most likely typed as text, not a separator
        delimiter = ","
    try:
        rows = [[c.strip() or None for c in row]
                for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:
        raise FileReadError("CSV 文件格式有误（引号不成对或单个单元格过长），不是正常的表格；"
                            "请在 Excel 或 WPS 中打开后重新另存为 CSV 或 .xlsx") from None
    return rows, encoding


def _unreadable(exc: Exception) -> FileReadError:
    if "encrypt" in str(exc).lower():
        return FileReadError("文件设置了打开密码（已加密），无法读取；请取消密码后另存再上传")
    return FileReadError("文件已损坏或不是有效的 Excel 工作簿（.xlsx）；请在 Excel 或 WPS 中打开后"
                         "另存为 .xlsx 再上传")


def _read_xlsx(data: bytes) -> list[Sheet]:
    import openpyxl
    from openpyxl.utils import column_index_from_string

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
            if inflated > MAX_INFLATED:  # before anything is unpacked
                raise FileReadError(
                    f"文件解压后有 {inflated / 2**20:,.0f} MB，超过导入上限 {MAX_INFLATED // 2**20} MB"
                    "（正常的填报表解压后只有几 MB）；请删去多余的工作表、图片和格式后另存，或按市州、年度拆分")
            names = archive.namelist()
            sheets_xml = [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            has_formulas = False
            extents: dict[str, tuple[int, int]] = {}  # sheet part → last row and column with content
            for n in sheets_xml:  # before any cell is read into memory
                rows, cells, formula, last_row, last_column = _count(archive, n)
                if rows > MAX_ROWS or cells > MAX_CELLS:
                    raise FileReadError(f"工作表有 {rows:,} 行、{cells:,} 个单元格，超过导入上限（{MAX_ROWS:,} 行、"
                                        f"{MAX_CELLS:,} 个单元格）；请按市州或年度拆分后分别导入")
                _too_big("工作表的内容", last_row, last_column)  # how far the values reach
                extents[n] = (last_row, last_column)
                has_formulas = has_formulas or formula
    except FileReadError:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _unreadable(exc) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        formulas_book = (openpyxl.load_workbook(io.BytesIO(data), data_only=False)
                         if has_formulas else None)
    # IndexError: a cell naming a style the workbook does not have
    except (zipfile.BadZipFile, KeyError, IndexError, AttributeError, OSError, ValueError, TypeError) as exc:
        raise _unreadable(exc) from None  # AttributeError: openpyxl on a chart sheet it wrote itself
    sheets = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue  # hidden sheets are workings, not the table
        rows, percent = [], set()
        # read no further than any sheet's content reaches (formatting may reach row 1,048,576)
        last_row = max((r for r, _ in extents.values()), default=0) or ws.max_row
        last_column = max((c for _, c in extents.values()), default=0) or ws.max_column
        for cells in ws.iter_rows(max_row=min(ws.max_row, last_row), max_col=min(ws.max_column, last_column)):
            rows.append([cell.value for cell in cells])
            for cell in cells:  # a number Excel shows as 3.2% holds 0.032: the percentage is meant
                if isinstance(cell.value, int | float) and _percent_format(cell.number_format):
                    percent.add((cell.row - 1, cell.column - 1))
        for merged in ws.merged_cells.ranges:  # each cell of a merged range shows its value
            if merged.min_row > len(rows) or merged.min_col > len(rows[merged.min_row - 1]):
                continue  # an empty merged block beyond the table (a stamp box): nothing to show
            top = rows[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(rows[r]))):
                    rows[r][c] = top
        hidden_columns = set()
        for key, dim in ws.column_dimensions.items():
            if dim.hidden:
                start = column_index_from_string(key) if dim.min is None else dim.min
                end = start if dim.max is None else dim.max
                hidden_columns.update(range(start - 1, end))
        hidden_rows = {k - 1 for k, dim in ws.row_dimensions.items() if dim.hidden}
        sheet = Sheet(ws.title, [[_clean(v) for v in row] for row in rows], hidden_columns,
                      hidden_rows, percent=percent, filtered=bool(ws.auto_filter.ref))
        if formulas_book is not None:
            raw = formulas_book[ws.title]
            for row in raw.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        at = (cell.row - 1, cell.column - 1)
                        sheet.formulas[at] = cell.value
                        if at[0] >= len(sheet.rows) or sheet.rows[at[0]][at[1]] is None:
                            sheet.uncached.add(at)
        sheets.append(sheet)
    if not sheets:
        raise FileReadError("工作簿中没有可见的工作表")
    return sheets


def _percent_format(number_format: object) -> bool:
    """Whether Excel multiplies the number by 100 to show it: a % outside quotes and escapes
    (0.0% does; 0.0"%" and 0.0\\% only print a sign after the number as it is)."""
    shown = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", str(number_format or ""))
    return "%" in shown


def _clean(value: object) -> object:
    """Cells as they read: text stripped (None when blank), numbers as numbers."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return str(value)
    return value
