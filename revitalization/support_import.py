"""Importing 社会动员 records (定点帮扶, 区域协作) from the office's spreadsheet.

Read as offices save it (xlsx or CSV in any encoding, a title row or two above the header,
columns named in the ways offices name them, counties by code or any accepted name, funds
written with 万元 / 亿元, years as 2021 or 2021年, a 起止年度 column such as "2021—2025" or
"2021年至今"). Every row is checked first, each problem naming its row and column; nothing
is written until the user confirms a file without errors, and then all rows are written in
one transaction, each audited. A record already kept (same county, kind, supporter and start
year) is skipped, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from revitalization import support
from revitalization.access import Actor, refusal, require_for
from revitalization.audit import audit, now
from revitalization.intake import files
from revitalization.intake.names import CountyMatcher
from revitalization.intake.table import NOTE_ROWS, column_letter
from revitalization.intake.table import key as table_key
from revitalization.intake.values import Parsed, parse
from revitalization.store import SupportRelation

MAX_ROWS = 5000
COLUMNS = {  # field → the headings offices use for it (compared without spaces and brackets)
    "county": ("区划代码", "行政区划代码", "代码"),
    "county_name": ("县市区", "县（市、区）", "县（市）", "县（区）", "被帮扶县", "受帮扶县", "受援县",
                    "帮扶对象", "县名", "县", "单位名称"),
    "kind": ("类型", "帮扶类型", "帮扶方式", "类别"),
    "supporter": ("帮扶单位/协作方", "帮扶单位（协作方）", "帮扶（协作）单位", "帮扶单位", "协作方", "帮扶方",
                  "支援单位", "结对单位", "协作单位"),
    "start": ("开始年度", "起始年度", "开始年份", "起始年份", "开始年", "起始年"),
    "end": ("结束年度", "截止年度", "结束年份", "截止年份", "结束年"),
    "span": ("起止年度", "帮扶年度", "起止年份", "帮扶期限"),
    "projects": ("项目", "帮扶项目", "协作项目", "主要项目", "项目内容"),
    "funds": ("资金（万元）", "资金", "帮扶资金（万元）", "帮扶资金", "投入资金（万元）", "投入资金", "金额（万元）"),
}
KIND_WORDS = {"定点帮扶": "定点帮扶", "省直定点帮扶": "定点帮扶", "省直单位定点帮扶": "定点帮扶", "帮扶": "定点帮扶",
              "区域协作": "区域协作", "省内区域协作": "区域协作", "协作": "区域协作", "结对协作": "区域协作"}
FIELD_OF = {"类型": ("kind",), "帮扶单位": ("supporter",), "项目": ("projects",),
            "起止年度": ("start", "span"), "资金": ("funds",)}  # a SupportError's field → columns
TEMPLATE = ["区划代码", "县（市、区）", "类型", "帮扶单位/协作方", "开始年度", "结束年度", "项目", "资金（万元）"]


def _key(text: object) -> str:
    """A heading as compared: the data importer's key (NFKC, no spaces, lower case) without
    brackets, so 资金(万元), 资金（万元） and 资金 万元 are one."""
    return re.sub(r"[()\[\]【】]", "", table_key(text or ""))


ALIASES = {_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}




@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet's row number (1-based)
    column: str  # the heading, e.g. 资金（万元）
    letter: str  # the column letter, e.g. H
    text: str
    sheet: str = ""  # named when the file has several sheets of records

    def __str__(self) -> str:
        if not self.row:  # the file as a whole
            return self.text
        where = (f"工作表“{self.sheet}”" if self.sheet else "") + f"第 {self.row} 行" + (
            f"，{self.letter} 列“{self.column}”" if self.column else "")
        return f"{where}：{self.text}"


@dataclass
class SupportImport:
    """What a file would add: the checked rows, the problems, and the rows already kept."""

    rows: list[dict] = field(default_factory=list)  # adcode, kind, supporter, … , row
    problems: list[Problem] = field(default_factory=list)
    known: list[str] = field(default_factory=list)  # rows already recorded, e.g. "第 4 行"
    notes: list[str] = field(default_factory=list)  # e.g. a former county name applied
    sheets: list[str] = field(default_factory=list)  # the sheets read

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    def preview(self, names: dict[str, str]) -> pd.DataFrame:
        several = len(self.sheets) > 1
        return pd.DataFrame({
            **({"工作表": [r["sheet"] for r in self.rows]} if several else {}),
            "行": [r["row"] for r in self.rows],
            "县（市、区）": [names.get(r["adcode"], r["adcode"]) for r in self.rows],
            "类型": [r["kind"] for r in self.rows],
            "帮扶单位 / 协作方": [r["supporter"] for r in self.rows],
            "起止年度": [f"{r['start_year']}—{r['end_year'] or '至今'}" for r in self.rows],
            "项目": [r["projects"] for r in self.rows],
            "资金（万元）": [r["funds"] for r in self.rows]})


def _note_row(row: list[object]) -> bool:
    """A 注 / 填表人 / 联系电话 … line under the table (as the data importer reads them)."""
    filled = [v for v in row if v not in (None, "")]
    first = table_key(filled[0]) if filled else ""
    return bool(NOTE_ROWS.match(first)) and (len(filled) <= 2 or len(first) > 20)


def _fields(sheet: files.Sheet, row: list[object]) -> dict[str, int]:
    found: dict[str, int] = {}
    for c, cell in enumerate(row):
        name = ALIASES.get(_key(cell))
        if name and name not in found and c not in sheet.hidden_columns:
            found[name] = c
    return found


def _header(sheet: files.Sheet) -> tuple[int, dict[str, int], dict[str, str]] | None:
    """The header (within the first 10 rows) naming a county column and a supporter column:
    its last row, each field's column and heading. A two-row header (起止年度 merged over
    开始年度 / 结束年度) is read as one."""
    for r, row in enumerate(sheet.rows[:10]):
        found = _fields(sheet, row)
        if ("county" in found or "county_name" in found) and "supporter" in found:
            heading = {f: str(row[c]).strip() for f, c in found.items()}
            below = sheet.rows[r + 1] if r + 1 < len(sheet.rows) else []
            lower = _fields(sheet, below)
            if lower and not (set(lower) & {"county", "county_name"} and any(
                    below[found[f]] not in (None, "") and ALIASES.get(_key(below[found[f]])) is None
                    for f in ("county", "county_name") if f in found)):
                for f, c in lower.items():  # the lower row names these columns
                    found[f] = c
                    heading[f] = str(below[c]).strip()
                if {"start", "end"} & set(lower):
                    found.pop("span", None)
                return r + 1, found, heading
            return r, found, heading
    return None


def _year(cell: object) -> int | None:
    """2021, 2021.0 (a CSV column with blanks), "2021", "2021年", "2021年度"."""
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    text = unicodedata.normalize("NFKC", str(cell)).strip().removesuffix("年度").removesuffix("年")
    found = re.fullmatch(r"(\d{4})(?:\.0+)?", text)
    return int(found.group(1)) if found else None


def _funds(cell: object):
    """Funds in 万元: a bare number is 万元 (the column's unit); text with 元, 万 or 亿 is
    converted ("500万元", "0.12亿", "1200元")."""
    text = unicodedata.normalize("NFKC", str(cell or ""))
    if isinstance(cell, str) and re.search(r"[元万亿]", text):
        parsed = parse(cell, "元")
        if parsed.error:
            return Parsed(None, f"“{cell}”无法换算为万元：请填写数字（单位万元），或写 500万元、0.12亿、1200元")
        return parsed if parsed.value is None else Parsed(parsed.value / 1e4)
    return parse(cell, "万元")


def _span(cell: object) -> tuple[object, object] | None:
    """"2021—2025", "2021-2025年", "2021年至今", "2021-" → (start, end or None)."""
    text = unicodedata.normalize("NFKC", str(cell)).replace("年度", "").replace("年", "").strip()
    found = re.fullmatch(r"(\d{4})\s*(?:[-—–~至到]+\s*(\d{4}|今|至今|)?)?", text)
    if not found:
        return None
    return found.group(1), found.group(2) if found.group(2) and found.group(2).isdigit() else None


def read(name: str, data: bytes, regions: pd.DataFrame, existing: pd.DataFrame, *,
         actor: Actor) -> SupportImport:
    """Check a file of support records (run it through ``isolation.run``: untrusted input);
    ``existing``: ``support.relations(engine, actor=actor)``; a row for a county ``actor``
    may not record for is refused, naming the row."""
    by_code = regions.set_index("adcode")

    def refuse(adcode: str) -> str:
        return refusal(actor, "support", adcode, by_code.at[adcode, "city_adcode"],
                       by_code.at[adcode, "name"])

    out = SupportImport()
    try:
        book = files.read(name, data)
    except files.FileReadError as exc:
        out.problems.append(Problem(0, "", "", str(exc)))
        return out
    found = [(sheet, located) for sheet in book.sheets if (located := _header(sheet)) is not None]
    if not found:
        out.problems.append(Problem(0, "", "", "找不到表头：前 10 行中需要有一行同时有“区划代码”或“县（市、区）”列和"
                                               "“帮扶单位/协作方”列（可下载模板对照）"))
        return out
    matcher = CountyMatcher(regions)
    kept = {(r.adcode, r.kind, r.supporter, int(r.start_year)) for r in existing.itertuples()
            if not r.deleted}
    seen: dict[tuple, str] = {}
    for sheet, (head, columns, heading) in found:
        out.sheets.append(sheet.name)
        label = sheet.name if len(found) > 1 else ""
        where = (f"工作表“{label}”" if label else "")
        if "kind" not in columns:
            out.problems.append(Problem(head + 1, "", "", "缺少“类型”列（定点帮扶 或 区域协作）", label))
        if "start" not in columns and "span" not in columns:
            out.problems.append(Problem(head + 1, "", "", "缺少“开始年度”列（或“起止年度”列）", label))
        if "kind" not in columns or ("start" not in columns and "span" not in columns):
            continue
        key_columns = [columns[f] for f in ("county", "county_name", "kind", "supporter") if f in columns]
        body = [(r, row) for r, row in enumerate(sheet.rows)
                if r > head and r not in sheet.hidden_rows  # blank, numbered-only and note rows out
                and any(c < len(row) and row[c] not in (None, "") for c in key_columns)
                and not _note_row(row)]
        if len(body) > MAX_ROWS:
            out.problems.append(Problem(head + 2, "", "", f"一次最多导入 {MAX_ROWS} 行，{where or '文件'}有 "
                                                         f"{len(body)} 行；请拆分后分别导入", label))
            continue
        for r, row in body:
            checked = _check_row(row, r + 1, columns, heading, matcher, label)
            if checked is None:  # a 合计 row
                continue
            if isinstance(checked, Problem):
                out.problems.append(checked)
                continue
            line = f"{where}第 {r + 1} 行"
            if checked.pop("note"):
                out.notes.append(f"{line}：{checked['renamed']}")
            checked.pop("renamed")
            if refuse(checked["adcode"]):
                field = "county" if "county" in columns else "county_name"
                out.problems.append(Problem(r + 1, heading[field], column_letter(columns[field]),
                                            refuse(checked["adcode"]), label))
                continue
            key = (checked["adcode"], checked["kind"], checked["supporter"], checked["start_year"])
            if key in seen:
                out.problems.append(Problem(r + 1, heading["supporter"], column_letter(columns["supporter"]),
                                            f"与{seen[key]}重复（同一县、类型、帮扶单位和开始年度）", label))
                continue
            seen[key] = line
            if key in kept:
                out.known.append(line)
                continue
            out.rows.append({**checked, "row": r + 1, "sheet": sheet.name})
    if not out.rows and not out.problems and not out.known:
        out.problems.append(Problem(0, "", "", "表头下没有数据行"))
    return out


def _check_row(row: list[object], line: int, columns: dict[str, int], heading: dict[str, str],
               matcher: CountyMatcher, sheet: str = "") -> dict | Problem | None:
    """One data row as a record's fields (with ``note``: a former name applied), or the first
    problem in it (None: a 合计 row)."""
    def cell(field: str) -> object:
        c = columns.get(field)
        return row[c] if c is not None and c < len(row) else None

    def problem(field: str, text: str) -> Problem:
        return Problem(line, heading.get(field, ""),
                       column_letter(columns[field]) if field in columns else "", text, sheet)

    code, name = cell("county"), cell("county_name")
    given = code if code not in (None, "") else name
    where = "county" if code not in (None, "") else "county_name"
    if given in (None, ""):
        return problem(where if where in columns else "county_name", "县（市、区）为空")
    match = matcher.match(given)
    if match.total:
        if cell("supporter") in (None, "") and cell("kind") in (None, ""):
            return None  # a 合计 / 市州 subtotal line
        return problem(where, f"“{given}”不是县（市、区）：帮扶协作记录按县填写，市州本级的记录不在此导入")
    if match.adcode is None:
        return problem(where, match.error)
    if code not in (None, "") and name not in (None, ""):
        by_name = matcher.match(name)
        if by_name.adcode is not None and by_name.adcode != match.adcode:
            return problem("county_name", f"县名“{name}”与区划代码 {code}（{matcher.names[match.adcode]}）"
                                          "不一致，请核对")
    raw_kind = unicodedata.normalize("NFKC", str(cell("kind") or "")).strip()
    kind = KIND_WORDS.get(raw_kind)
    if kind is None:
        return problem("kind", f"“{raw_kind}”不是有效类型，应为 定点帮扶 或 区域协作" if raw_kind
                       else "类型为空，应为 定点帮扶 或 区域协作")
    if "span" in columns and "start" not in columns:
        span = _span(cell("span"))
        if span is None:
            return problem("span", f"“{cell('span')}”无法识别，应写成 2021—2025 或 2021年至今")
        start, end = span
    else:
        start, end = cell("start"), cell("end")
    if isinstance(start, datetime.date | datetime.datetime) or isinstance(end, datetime.date | datetime.datetime):
        return problem("start" if "start" in columns else "span",
                       "年度单元格是日期格式：请把单元格格式改为“常规”或“数值”，填写年份如 2021")
    start_year = _year(start) if start not in (None, "") else None
    if start_year is None:
        return problem("start" if "start" in columns else "span",
                       "开始年度为空" if start in (None, "") else f"“{start}”不是年份，应写成 2021")
    end_year = None
    if end not in (None, "") and str(end).strip() not in ("至今", "今"):
        end_year = _year(end)
        if end_year is None:
            return problem("end", f"“{end}”不是年份，应写成 2025 或留空（至今）")
    money = _funds(cell("funds")) if "funds" in columns else None
    if money is not None and money.error:
        return problem("funds", money.error.replace("该指标", "资金"))
    try:
        fields = support.checked(kind, str(cell("supporter") or ""), start_year, end_year,
                                 str(cell("projects") or ""), None if money is None else money.value)
    except support.SupportError as exc:  # "帮扶单位：不能为空" → that column
        label, _, text = str(exc).partition("：")
        return problem(next((f for f in FIELD_OF.get(label, ()) if f in columns), ""), text)
    return {"adcode": match.adcode, **fields, "note": bool(match.note), "renamed": match.note}


def commit(engine: Engine, plan: SupportImport, *, actor: Actor) -> int:
    """Write a clean plan's rows in one transaction (each audited as an import); rows recorded
    meanwhile by someone else are skipped; if another import adds the same records at the same
    moment, the unique index refuses this one whole (nothing written). Returns how many were
    added."""
    if plan.problems:
        raise support.SupportError("文件有错误，未导入；请修改后重新上传")
    added = 0
    with Session(engine) as session:
        kept = {(r.adcode, r.kind, r.supporter, int(r.start_year)) for r in session.exec(
            select(SupportRelation).where(SupportRelation.deleted == False))}  # noqa: E712
        for row in plan.rows:
            require_for(session, actor, "support", row["adcode"])
            fields = {k: v for k, v in row.items() if k not in ("row", "sheet")}
            if (fields["adcode"], fields["kind"], fields["supporter"], fields["start_year"]) in kept:
                continue
            record = SupportRelation(**fields, updated_by=actor.display, updated_at=now())
            session.add(record)
            try:
                session.flush()
            except IntegrityError:  # another import of the same records committed meanwhile
                session.rollback()
                raise support.SupportError("另一位用户刚刚导入了相同的记录，这次没有导入任何记录；"
                                           "请重新上传文件，已有的记录会自动跳过") from None
            audit(session, actor.signature, "support_relation", record.id, "import", None,
                  record.model_dump())
            added += 1
        session.commit()
    return added


def template() -> pd.DataFrame:
    """The import template: the headings and two example rows."""
    return pd.DataFrame([["421321", "随县", "定点帮扶", "省农业农村厅", 2021, None, "香菇产业园冷链仓储", 500],
                         ["421321", "随县", "区域协作", "武汉市江岸区", 2022, 2025, "劳务协作、消费帮扶", 1200]],
                        columns=TEMPLATE)
