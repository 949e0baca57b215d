"""What an uploaded annual report may contain: a Word document or a PDF, checked by content
and by structure before it is stored (issue 29, 6). Run through ``isolation.run``: the file is
untrusted and a PDF's objects are parsed.

Refused, each with a Chinese message naming what was found:
- DOCX: a part of a kind a report does not need (macros ``.bin``, ``.hta``, scripts, HTML
  chunks), a macro-enabled content type, a DOCTYPE or entity declaration in any XML part
  (external entities), a relationship to anything outside the file other than a hyperlink
  (a remote template, a linked picture or object), and fields that fetch or run something
  (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE, DDEAUTO, IMPORT);
- PDF: scripts and actions that leave the document (JavaScript, Launch, remote go-to, form
  submission, data import), embedded files, rich media and XFA forms, in any object
  (compressed object streams included, name escapes decoded by pypdf), and encryption
  (a file that cannot be inspected is not stored).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
MAX_INFLATED = 200 * 2**20  # bytes a DOCX may unpack to

# Parts a Word report is made of: XML, relationships, pictures, embedded fonts and the
# workbooks behind its charts.
PARTS = {"xml", "rels", "png", "jpg", "jpeg", "jpe", "gif", "bmp", "tif", "tiff", "emf", "wmf",
         "svg", "wdp", "odttf", "ttf", "xlsx"}
DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>", re.I)
FIELD = re.compile(rb"(?:instrText[^>]*>|instr=\")\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|DDEAUTO|DDE|IMPORT)\b",
                   re.I)
PDF_NAMES = {"/JavaScript": "JavaScript 脚本", "/JS": "JavaScript 脚本", "/Launch": "启动外部程序的动作",
             "/GoToR": "打开外部文件的链接", "/GoToE": "打开嵌入文件的链接", "/SubmitForm": "提交表单的动作",
             "/ImportData": "导入数据的动作", "/EmbeddedFile": "嵌入的文件", "/EmbeddedFiles": "嵌入的文件",
             "/RichMedia": "富媒体（Flash 等）", "/XFA": "XFA 动态表单"}


def inspect(name: str, data: bytes) -> tuple[str, str]:
    """(content type, "") for a report that may be stored, or ("", why it is refused)."""
    if data[:5] == b"%PDF-":
        return PDF, _pdf_problem(data)
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX, _docx_problem(archive)
        except (zipfile.BadZipFile, OSError, ValueError):
            return "", "文件已损坏，不是有效的 Word 文件；请在 Word 或 WPS 中打开后另存为 .docx 或 PDF"
    return "", (f"“{name}”不是 Word（.docx）或 PDF 文件（按文件内容判断，不看扩展名）；"
                "旧版 .doc 请另存为 .docx 或 PDF")


def _docx_problem(archive: zipfile.ZipFile) -> str:
    members = archive.infolist()
    if sum(m.file_size for m in members) > MAX_INFLATED:
        return f"文件解压后超过 {MAX_INFLATED // 2**20} MB，不是正常的报告；请压缩图片后另存再报送"
    for member in members:
        ext = member.filename.rsplit(".", 1)[-1].lower() if "." in member.filename else ""
        if member.is_dir():
            continue
        if ext not in PARTS:
            return (f"文件中含有报告不需要的内容“{member.filename}”（宏、脚本或其他程序）；"
                    "请另存为不含宏的 Word 文档（.docx）或 PDF 后报送")
        if ext not in ("xml", "rels"):
            continue
        text = archive.read(member)
        if DECLARATION.search(text):
            return f"文件的“{member.filename}”中有文档类型或实体声明（可能读取外部内容），不予保存；请另存为 PDF 后报送"
        if member.filename == "[Content_Types].xml" and b"macroEnabled" in text:
            return "文件是启用宏的 Word 文档；请另存为不含宏的 .docx 或 PDF 后报送"
        if ext == "rels":
            for rel in RELATIONSHIP.findall(text):
                if re.search(rb'TargetMode\s*=\s*"External"', rel, re.I) and \
                        not re.search(rb'Type\s*=\s*"[^"]*/hyperlink"', rel, re.I):
                    target = re.search(rb'Target\s*=\s*"([^"]*)"', rel)
                    shown = target.group(1).decode("utf-8", "replace")[:80] if target else ""
                    return (f"文件引用了外部内容（{shown}，如远程模板或链接的图片），打开时会访问网络，不予保存；"
                            "请把内容嵌入文档或另存为 PDF 后报送")
        elif member.filename.startswith("word/"):
            found = FIELD.search(text)
            if found:
                return (f"文件中有“{found.group(1).decode().upper()}”域（打开时读取外部文件或网络内容），不予保存；"
                        "请选中全文按 Ctrl+Shift+F9 把域转为文字，或另存为 PDF 后报送")
    return ""


def _pdf_problem(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return "PDF 设置了密码或加密，无法检查其内容；请取消加密后重新导出 PDF"
        numbers = [(n, g) for g, ids in reader.xref.items() for n in ids]
        numbers += [(n, 0) for n in reader.xref_objStm]
        objects = [reader.get_object(IndirectObject(n, g, reader)) for n, g in numbers]
        objects.append(reader.trailer)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return "PDF 文件已损坏或无法读取；请重新导出 PDF 后报送"

    def found(obj, depth: int = 0) -> str:
        if depth > 20:
            return ""
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in PDF_NAMES:
                    return PDF_NAMES[key]
                if isinstance(value, NameObject) and value in PDF_NAMES and key == "/S":
                    return PDF_NAMES[value]
                if not isinstance(value, IndirectObject):
                    hit = found(value, depth + 1)
                    if hit:
                        return hit
        elif isinstance(obj, ArrayObject):
            for value in obj:
                if not isinstance(value, IndirectObject):
                    hit = found(value, depth + 1)
                    if hit:
                        return hit
        return ""

    for obj in objects:
        what = found(obj)
        if what:
            return f"PDF 中含有{what}，不予保存；请用“打印为 PDF”或 WPS 重新导出不含脚本和附件的 PDF 后报送"
    return ""


def safe_name(name: str, kind: str) -> str:
    """The name a file is stored and offered under: no folders, no control or reserved
    characters, at most 80 characters, the extension its content has."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*')
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem.strip(" .")[:80] or "报告"
    return stem + (".pdf" if kind == PDF else ".docx")
