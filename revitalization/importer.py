"""Importing the office's spreadsheets safely: read, validate, preview, commit, roll back.

Files arrive as Excel or CSV from 103 counties: Chinese headers, units in headers, blanks
written as "—", short or old county names, CSVs saved in GBK. Nothing is written until
the file validates without errors and the user confirms; a commit is one transaction
recorded as a batch (file hash, user, time, counts) that can be rolled back. Values are
read as data only: formulas as their cached values, macros never run, nothing is evaluated.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from revitalization.access import (
    Actor,
    PermissionDenied,
    require,
    require_for,
    require_province,
    visible_counties,
)
from revitalization.audit import audit, now
from revitalization.config import IndicatorSystem
from revitalization.intake import files, table, values
from revitalization.intake.names import CountyMatcher
from revitalization.store import ImportBatch, IndicatorRow, Observation, ObservationChange, Region
from revitalization.wording import shown_time

MAX_BYTES = files.MAX_BYTES
MAX_ROWS = files.MAX_ROWS

JUMP_RATIO = 3.0  # a value more than 3× (or under ⅓ of) last year's is worth a second look
LEVELS = ("错误", "警告", "提示")


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row number (header = 1), None for the whole file
    column: str
    level: str  # 错误 / 警告 / 提示
    message: str

    def text(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}「{self.column}」：{self.message}" if self.column else f"{where}：{self.message}"


@dataclass
class Report:
    """Validation result: clean values ready to write, and every problem found."""

    values: pd.DataFrame  # adcode, year, indicator, value, row, column
    problems: list[Problem] = field(default_factory=list)
    file_hash: str = ""
    form: str = ""  # 宽表 / 长表
    encoding: str = ""
    sheet: str = ""  # the sheet read
    sheets: tuple[str, ...] = ()  # sheets that hold a table (more than one: the user may choose)
    year_source: str = ""  # 年度列 / 标题 / 文件名 / 页面选择

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "错误"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "警告"]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "提示"]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.values.empty

    def table(self) -> pd.DataFrame:
        order = sorted(self.problems, key=lambda p: (LEVELS.index(p.level), p.row or 0))
        return pd.DataFrame([{"行": p.row or "", "列": p.column, "级别": p.level, "说明": p.message}
                             for p in order], columns=["行", "列", "级别", "说明"])


# Matching indicators ---------------------------------------------------------------------

def clean_header(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def _indicator_keys(config: IndicatorSystem) -> dict[str, str]:
    keys = {}
    for i in config.indicators:
        for k in (i.code, i.name, f"{i.name}（{i.unit}）", f"{i.name}({i.unit})"):
            keys[re.sub(r"\s+", "", clean_header(k))] = i.code
    return keys


def match_indicator(text: str, config: IndicatorSystem,
                    keys: dict[str, str] | None = None) -> tuple[str | None, str]:
    keys = keys if keys is not None else _indicator_keys(config)
    key = re.sub(r"\s+", "", clean_header(text))
    bare = re.sub(r"[（(][^（）()]*[）)]$", "", key)  # "…率（%）" or "…率(单位:%)"
    for k in (key, bare):
        if k in keys:
            return keys[k], ""
    close = difflib.get_close_matches(bare, list(keys), n=1, cutoff=0.6)
    near = config.indicator(keys[close[0]]) if close else None  # its unit too: 每乡村人口 is not a total
    hint = f"；是否为“{near.name}”（单位 {near.unit}）？" if near else ""
    return None, f"未知的指标“{text}”{hint}"


# Validation ------------------------------------------------------------------------------

def validate(name: str, data: bytes, *, regions: pd.DataFrame, config: IndicatorSystem,
             existing: pd.DataFrame, actor: Actor, default_year: int | None = None,
             sheet: str | None = None) -> Report:
    """Read and check a file; nothing is written. ``existing``: the store's observations;
    ``default_year``: the year chosen on the page, used when the file names none;
    ``sheet``: the sheet to read when the workbook holds several tables.

    The check sees only ``actor``'s scope: stored values of other counties are dropped before
    any comparison (a warning never quotes them), and a row naming such a county is an
    error."""
    covered = set(visible_counties(actor, regions))
    existing = existing[existing["adcode"].isin(covered)]
    digest = hashlib.sha256(data).hexdigest()
    try:
        book = files.read(name, data)
    except files.FileReadError as exc:
        return Report(pd.DataFrame(), [Problem(None, "", "错误", str(exc))], digest)
    matcher = CountyMatcher(regions)
    ind_keys = _indicator_keys(config)

    def indicator(text: str) -> tuple[str | None, str]:
        return match_indicator(text, config, ind_keys)

    found = []
    for candidate in book.sheets:
        located, why = table.locate(candidate, config, matcher, file_name=name,
                                    match_indicator=indicator, year=default_year)
        found.append((candidate, located, why))
    usable = [(s, loc) for s, loc, _ in found if loc is not None and (loc.value_columns or loc.long_form)]
    names = tuple(s.name for s, _ in usable)
    if sheet is not None:
        chosen = next(((s, loc) for s, loc in usable if s.name == sheet), None)
        if chosen is None:
            why = next((w for s, _, w in found if s.name == sheet), "") or "没有可导入的表格"
            return Report(pd.DataFrame(), [Problem(None, "", "错误", f"工作表“{sheet}”：{why}")],
                          digest, encoding=book.encoding, sheets=names)
    elif usable:
        chosen = max(usable, key=lambda sl: len(sl[1].data_rows) * max(len(sl[1].value_columns), 1))
    else:
        why = next((w for _, loc, w in found if loc is None and w), "")
        if not why:
            why = "没有找到任何指标列（列名须与指标名称一致，可带单位，如“农村卫生厕所普及率（%）”）"
        prefix = f"工作表“{found[0][0].name}”：" if book.kind == "xlsx" and len(found) == 1 else ""
        return Report(pd.DataFrame(), [Problem(None, "", "错误", prefix + why)]
                      + [Problem(r, c, lv, t) for _, loc, _ in found if loc for r, c, lv, t in loc.notes
                         if lv == "错误"], digest, encoding=book.encoding)
    the_sheet, loc = chosen
    problems = [Problem(r, c, lv, t) for r, c, lv, t in loc.notes]
    if len(usable) > 1 and sheet is None:
        years = {s.name: (f"{lo.year} 年" if lo.year else "年度列") for s, lo in usable}
        listed = "、".join(f"“{n}”（{y}）" for n, y in years.items())
        problems.append(Problem(None, "", "警告" if len(set(years.values())) > 1 else "提示",
                                f"工作簿中有 {len(usable)} 个工作表含数据表：{listed}；"
                                f"本次只检查和导入“{the_sheet.name}”，其余工作表请在页面上选择后分别导入"))
    if loc.year_source and loc.year_source != "页面选择":
        problems.append(Problem(None, "", "提示", f"文件中没有“年度”列，按{loc.year_source}中的 {loc.year} 年导入"))
    if not loc.data_rows:
        problems.append(Problem(None, "", "错误", "只有表头，没有数据行"))
        return _report(problems, digest, loc, book, the_sheet, names)
    values, more = _records(the_sheet, loc, matcher, config, existing)
    problems += more + _outside(values, covered, regions, actor)
    report = _report(problems, digest, loc, book, the_sheet, names, values)
    if values.empty and not report.errors:
        report.problems.append(Problem(None, "", "错误", "文件中没有可导入的数值（数值单元格都是空的）"))
    return report


def _outside(values: pd.DataFrame, covered: set[str], regions: pd.DataFrame,
             actor: Actor) -> list[Problem]:
    """An error for each row that names a county outside ``actor``'s scope."""
    names = regions.set_index("adcode")["name"]
    outside = values[~values["adcode"].isin(covered)].drop_duplicates("row")
    return [Problem(r.row, "", "错误", f"{names.get(r.adcode, r.adcode)}（{r.adcode}）不在本账号的范围内，"
                                     f"{actor}不能导入该县的数据")
            for r in outside.itertuples()]


def _report(problems, digest, loc, book, sheet, names, frame=None) -> Report:
    frame = frame if frame is not None else pd.DataFrame(
        columns=["adcode", "year", "indicator", "value", "row", "column"])
    return Report(frame, problems, digest, "长表" if loc.long_form else "宽表", book.encoding,
                  sheet.name if book.kind == "xlsx" else "", names,
                  "年度列" if loc.year_col is not None else loc.year_source)


def _records(sheet: files.Sheet, loc: table.Located, matcher: CountyMatcher,
             config: IndicatorSystem, existing: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Every value of the table, checked: county, year, unit, range, duplicates, formulas."""
    problems: list[Problem] = []
    headers = loc.headers
    typical = existing.groupby("indicator")["value"].median() if len(existing) else pd.Series()
    converted: dict[str, int] = {}
    shown_percent: dict[str, int] = {}  # column → cells read as the percentage Excel shows
    dated_years: set[str] = set()  # year columns whose cells are dates
    remarks: dict[str, list[str]] = {}  # column → what cells said beyond their number
    seen: dict[tuple[str, int, str], tuple[int, float]] = {}
    out = []
    ind_keys = _indicator_keys(config)
    rows = sheet.rows

    def cell(r: int, c: int | None) -> object:
        return rows[r][c] if c is not None and c < len(rows[r]) else None

    def label(c: int | None) -> str:
        return headers.get(c, "") if c is not None else ""

    for r in loc.data_rows:
        n = r + 1
        used = loc.county_col
        text = cell(r, used)
        if (r, used) in sheet.formulas:
            formula = sheet.formulas[(r, used)][:40]
            problems.append(Problem(n, label(used), "错误", f"县（市、区）单元格是公式（{formula}），"
                                                           "请复制后“粘贴为数值”再导入"))
            continue
        if text is None and loc.name_col is not None:
            used, text = loc.name_col, cell(r, loc.name_col)
        if text is None and all(cell(r, c) is None for c in loc.value_columns):
            continue  # nothing on this line for us (e.g. a note in another column)
        match = matcher.match(text) if text is not None else None
        if match is not None and match.adcode is None and not match.total and loc.name_col is not None \
                and used != loc.name_col and cell(r, loc.name_col) is not None:
            other = matcher.match(cell(r, loc.name_col))  # a wrong code but a known name
            if other.adcode is not None:
                problems.append(Problem(n, label(used), "警告",
                                        f"{match.error}；按同一行的名称“{cell(r, loc.name_col)}”"
                                        f"（{other.adcode}）导入，请核对"))
                match, used = other, loc.name_col
        if match is None:
            problems.append(Problem(n, label(used), "错误", "县（市、区）为空"))
            continue
        if match.total:
            problems.append(Problem(n, label(used), "提示",
                                    match.note or f"“{text}”为合计、平均或市州汇总行，已忽略"))
            continue
        if match.adcode is None:
            problems.append(Problem(n, label(used), "错误", match.error))
            continue
        if loc.name_col is not None and used != loc.name_col and cell(r, loc.name_col) is not None:
            named = matcher.match(cell(r, loc.name_col))  # the code and the name must be one county
            if named.adcode is not None and named.adcode != match.adcode:
                problems.append(Problem(n, label(used), "错误",
                                        f"区划代码 {match.adcode}（{matcher.names[match.adcode]}）与同一行的名称"
                                        f"“{cell(r, loc.name_col)}”（{named.adcode}）不一致；请核对是哪一个县"))
                continue
        if match.note:
            problems.append(Problem(n, label(used), "警告", match.note))
        year = loc.year
        if loc.year_col is not None:
            year_cell = cell(r, loc.year_col)
            if isinstance(year_cell, datetime.date):  # a year cell formatted as a date
                year_cell = _year_of_date(year_cell)
                dated_years.add(label(loc.year_col))
            year_text = unicodedata.normalize("NFKC", str(year_cell or "")).strip()
            found = re.fullmatch(r"(\d{4})(\.0)?\s*年?度?\s*(?:1\s*[-—–~至]\s*12\s*月|全年)?", year_text)
            if not found:
                problems.append(Problem(n, label(loc.year_col), "错误",
                                        "年度为空或不是四位年份" if not year_text
                                        else f"“{year_text}”不是四位年份"))
                continue
            year = int(found.group(1))
            if year not in table.plausible_years():
                problems.append(Problem(n, label(loc.year_col), "错误",
                                        f"年度 {year} 不在合理范围 {table.plausible_years()[0]}–"
                                        f"{table.plausible_years()[-1]} 年内"))
                continue
        if loc.long_form:
            code, message = match_indicator(str(cell(r, loc.indicator_col) or ""), config, ind_keys)
            if code is None:
                problems.append(Problem(n, label(loc.indicator_col), "错误", message))
                continue
            targets = [(loc.value_col, code)]
        else:
            targets = list(loc.value_columns.items())
        for c, code in targets:
            ind = config.indicator(code)
            year_here = loc.column_years.get(c, year)  # years side by side under each indicator
            if (r, c) in sheet.uncached:
                problems.append(Problem(n, label(c), "错误", f"公式 {sheet.formulas[(r, c)][:40]} 没有保存计算结果"
                                                          "（文件可能由程序生成）；请在 Excel 或 WPS 中打开、"
                                                          "保存后重新导入"))
                continue
            raw = cell(r, c)
            if (r, c) in sheet.percent:  # Excel shows 0.032 as 3.2%: the office meant 3.2 %
                if ind.unit != "%":
                    problems.append(Problem(n, label(c), "错误", f"单元格设为百分比格式（显示为 {raw * 100:g}%），"
                                                                f"但该指标单位是 {ind.unit}；请把单元格改为数值格式，"
                                                                f"按 {ind.unit} 填写"))
                    continue
                raw = round(raw * 100, 10)
                shown_percent[label(c)] = shown_percent.get(label(c), 0) + 1
            parsed = values.parse(raw, ind.unit)
            if parsed.error:
                problems.append(Problem(n, label(c), "错误", parsed.error))
                continue
            if parsed.value is None:
                continue  # a blank: nothing to write, nothing imputed from the file
            value = parsed.value
            if not parsed.converted and c in loc.column_factors:  # the header's unit, e.g. 万元 over 元
                value = round(value * loc.column_factors[c], 10)
            if parsed.note:
                remarks.setdefault(label(c), []).append(parsed.note)
            if parsed.converted:
                converted[label(c)] = converted.get(label(c), 0) + 1
            if ind.unit == "%" and 0 < value <= 1 and typical.get(code, ind.valid_min) > 5:
                problems.append(Problem(n, label(c), "错误", f"{value:g} 像是小数形式的比例；该指标以百分数填写，"
                                                            f"应为 {value * 100:g}？"))
                continue
            if not ind.valid_min <= value <= ind.valid_max:
                problems.append(Problem(n, label(c), "错误", f"{value:g} 超出合理范围 "
                                                            f"{ind.valid_min:g}–{ind.valid_max:g} {ind.unit}"))
                continue
            if value == 0:  # an office's "no figure" typed as 0 would be scored as a real 0
                remark = next((str(v) for k, v in enumerate(rows[r]) if k not in loc.value_columns
                               and isinstance(v, str) and ZERO_REMARK.search(v)), None)
                if remark is not None:
                    problems.append(Problem(n, label(c), "警告", f"数值为 0，但本行写有“{remark[:30]}”："
                                                                "0 会作为真实数值参与考核；没有数据请留空"))
            at = (match.adcode, year_here, code)
            if at in seen:
                first, before = seen[at]
                if np.isclose(before, value):
                    problems.append(Problem(n, label(c), "警告",
                                            f"与第 {first} 行完全相同（同一县、年度、指标），只导入一次"))
                else:
                    problems.append(Problem(n, label(c), "错误",
                                            f"与第 {first} 行重复但数值不同：第 {first} 行为 {before:g}，"
                                            f"本行为 {value:g}（同一县、年度、指标只能有一个值）"))
                continue
            seen[at] = (n, value)
            shown = f"{cell(r, c) * 100:g}%" if (r, c) in sheet.percent else (
                f"{cell(r, c):g}" if isinstance(cell(r, c), float) else str(cell(r, c)))
            out.append((match.adcode, year_here, code, value, n, label(c),
                        f"{table.column_letter(c)}{n}", shown))
    for column, count in converted.items():
        problems.append(Problem(None, column, "提示", f"{count} 个数值带单位或“万”“亿”等写法，已换算为指标单位"))
    for column, said in remarks.items():
        problems.append(Problem(None, column, "警告", said[0] + (f"（本列共 {len(said)} 个这样的数值）" if len(said) > 1
                                                                else "") + "，请核对"))
    for column in dated_years:
        problems.append(Problem(None, column, "提示", "年度单元格设成了日期格式，按其中的年份读取"
                                                      "（如 2025-01-01 读作 2025 年）；请核对预览中的年度"))
    for column, count in shown_percent.items():
        problems.append(Problem(None, column, "提示", f"{count} 个单元格为百分比格式，按显示的百分数读取"
                                                      "（如单元格中的 0.032 显示为 3.2%，导入 3.2）"))
    frame = pd.DataFrame(out, columns=["adcode", "year", "indicator", "value", "row", "column", "cell", "shown"])
    problems += _jumps(frame, existing, config)
    return frame, problems


def _year_of_date(day: datetime.date) -> int:
    """The year a date-formatted year cell holds: a date's own year, or for a year typed into a
    cell formatted as a date (2025 is day 2025 of Excel's calendar, 1905-07-17) that number."""
    if day.year >= 1990:
        return day.year
    start = datetime.datetime(1899, 12, 30)
    moment = day if isinstance(day, datetime.datetime) else datetime.datetime.combine(day, datetime.time())
    return (moment - start).days


ZERO_REMARK = re.compile(r"未统计|暂填|暂无|待统计|待核|无数据|缺数|未报|估算|估计|不详")


def jump_words(value: float, before: float) -> str:
    """How far a value is from last year's, in words that read right both ways."""
    ratio = value / before
    return f"是上年的 {ratio:.1f} 倍" if ratio > 1 else f"只有上年的 {ratio * 100:.1f}%"


def _jumps(clean: pd.DataFrame, existing: pd.DataFrame, config: IndicatorSystem) -> list[Problem]:
    """Warnings for values far from last year's (a likely unit or typing slip)."""
    if clean.empty or existing.empty:
        return []
    prev = existing.assign(year=existing["year"] + 1).set_index(["adcode", "year", "indicator"])["value"]
    out = []
    for r in clean.itertuples():
        before = prev.get((r.adcode, r.year, r.indicator))
        if before is None or before == 0:
            continue
        if r.value == 0:
            unit = config.indicator(r.indicator).unit
            out.append(Problem(r.row, r.column, "警告", f"数值为 0，而上年为 {before:g} {unit}：若是没有数据，"
                                                        "请留空（0 会作为真实数值参与考核），请核实"))
            continue
        ratio = r.value / before
        if ratio > JUMP_RATIO or ratio < 1 / JUMP_RATIO:
            unit = config.indicator(r.indicator).unit
            out.append(Problem(r.row, r.column, "警告", f"{r.value:g} {jump_words(r.value, before)}"
                                                        f"（上年 {before:g} {unit}），请核实单位和数值"))
    return out


# Preview and commit ----------------------------------------------------------------------

def diff(report: Report, existing: pd.DataFrame) -> pd.DataFrame:
    """Each value to write with its current value and status 新增 / 修改 / 不变."""
    current = existing.set_index(["adcode", "year", "indicator"])["value"]
    out = report.values.copy()
    out["old"] = [current.get((a, y, i)) for a, y, i in
                  zip(out["adcode"], out["year"], out["indicator"], strict=True)]
    out["status"] = np.where(out["old"].isna(), "新增",
                             np.where(np.isclose(out["old"].fillna(np.nan).astype(float),
                                                 out["value"].astype(float)), "不变", "修改"))
    return out


def commit(engine: Engine, report: Report, existing: pd.DataFrame, *, file_name: str, actor: Actor,
           published_years: set[int] = frozenset(), reason: str = "") -> int | None:
    """Write a validated file in one transaction; returns the batch id (None: nothing changed).

    A correction to a published year needs a reason and is recorded as such.
    """
    if not report.ok:
        raise ValueError("文件有错误，未写入任何数据")
    with Session(engine) as session:
        batch_id = write_batch(session, report, existing, file_name=file_name, actor=actor,
                               published_years=published_years, reason=reason)
        try:
            session.commit()
        except IntegrityError:  # a value added by someone else between the check and now
            session.rollback()
            raise ValueError("数据在检查之后已被他人修改；整个文件未写入。请重新上传，按最新数据检查后再导入") from None
        return batch_id


def _stale(r, now_value: float | None, checked: float | None) -> str:
    shown = "（空）" if now_value is None else f"{now_value:g}"
    before = "（空）" if checked is None else f"{checked:g}"
    return (f"第 {r.row} 行：{r.adcode} {r.year} 年 {r.indicator} 的数值在检查之后已被他人改为 {shown}"
            f"（检查时为 {before}）；整个文件未写入。请重新上传，按最新数据检查后再导入")


def write_batch(session: Session, report: Report, existing: pd.DataFrame, *, file_name: str,
                actor: Actor, published_years: set[int] = frozenset(), reason: str = "",
                action: str = "data") -> int | None:
    """The writes of ``commit`` inside the caller's transaction (the caller commits): every
    county checked for ``action``, one batch, the old values kept for rollback, audited."""
    changes = diff(report, existing)
    todo = changes[changes["status"] != "不变"]
    if todo.empty:
        return None
    touched = sorted(set(todo["year"]) & set(published_years))
    if touched and not reason.strip():
        raise ValueError(f"本次导入修改了已发布年度 {'、'.join(map(str, touched))} 年的数据，属于更正，请填写更正原因")
    for adcode in sorted(set(todo["adcode"])):  # every county written must be the actor's
        try:
            require_for(session, actor, action, adcode)
        except PermissionDenied as exc:
            rows = todo.loc[todo["adcode"] == adcode, "row"].tolist()
            raise PermissionDenied(f"第 {rows[0]} 行：{exc}；整个文件未写入") from None
    batch = ImportBatch(file_name=file_name, file_hash=report.file_hash, user=str(actor), at=now(),
                        rows_new=int((todo["status"] == "新增").sum()),
                        rows_changed=int((todo["status"] == "修改").sum()),
                        rows_unchanged=int((changes["status"] == "不变").sum()),
                        published_years=",".join(map(str, touched)), reason=reason.strip())
    session.add(batch)
    session.flush()
    for r in todo.itertuples():
        # The snapshot the file was checked against must still hold (someone may have
        # written the same values since): otherwise the old value kept for rollback would be
        # wrong and undoing this batch would silently lose the other write.
        obs = session.exec(select(Observation).where(
            Observation.adcode == r.adcode, Observation.year == int(r.year),
            Observation.indicator == r.indicator).with_for_update()).one_or_none()
        now_value = None if obs is None else obs.value
        checked = None if r.status == "新增" else float(r.old)
        if (now_value is None) != (checked is None) or (
                now_value is not None and not np.isclose(now_value, checked, rtol=0, atol=1e-9)):
            raise ValueError(_stale(r, now_value, checked))
        if obs is None:
            session.add(Observation(adcode=r.adcode, year=int(r.year), indicator=r.indicator,
                                    value=float(r.value), source=f"导入批次 {batch.id}"))
        else:
            obs.value, obs.source, obs.status = float(r.value), f"导入批次 {batch.id}", "reported"
            session.add(obs)
        session.add(ObservationChange(batch_id=batch.id, adcode=r.adcode, year=int(r.year),
                                      indicator=r.indicator,
                                      old_value=None if r.status == "新增" else float(r.old),
                                      new_value=float(r.value)))
    audit(session, actor.signature, "import_batch", batch.id, "import", None,
          {**batch.model_dump(), "changes": _change_lines(session, todo)})
    return batch.id


def _change_lines(session: Session, todo: pd.DataFrame) -> list[dict]:
    """Each value a batch writes, for its audit row: unit, year, indicator, old → new, and
    the sentence the audit page shows."""
    regions = dict(session.exec(select(Region.adcode, Region.name)).all())
    indicators = {r.code: r for r in session.exec(select(IndicatorRow)).all()}
    out = []
    for r in todo.itertuples():
        ind = indicators.get(r.indicator)
        label = f"{ind.name}（{ind.unit}）" if ind is not None else r.indicator
        old = None if r.status == "新增" else float(r.old)
        out.append({"adcode": r.adcode, "year": int(r.year), "indicator": r.indicator,
                    "old": old, "new": float(r.value),
                    "text": f"{regions.get(r.adcode, r.adcode)} {int(r.year)} 年{label}："
                            f"{'（空）' if old is None else f'{old:g}'} → {float(r.value):g}"})
    return out


def rollback(engine: Engine, batch_id: int, *, actor: Actor) -> int:
    """Restore the values a batch replaced (and remove those it added); returns the count.

    Refused when a later batch changed the same values (roll that one back first).
    """
    require(actor, "rollback")
    with Session(engine) as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise ValueError(f"找不到导入批次 {batch_id}")
        if batch.rolled_back_at:
            raise ValueError(f"导入批次 {batch_id} 已于 {shown_time(batch.rolled_back_at)}（北京时间）撤销")
        changes = session.exec(select(ObservationChange).where(
            ObservationChange.batch_id == batch_id)).all()
        later = session.exec(select(ObservationChange).join(ImportBatch).where(
            ObservationChange.batch_id > batch_id, ImportBatch.rolled_back_at == "")).all()
        overlap = {(c.adcode, c.year, c.indicator) for c in changes} & \
            {(c.adcode, c.year, c.indicator) for c in later}
        if overlap:
            a, y, i = sorted(overlap)[0]
            raise ValueError(f"之后的导入又修改了这些数值（如 {a} {y} 年 {i}），请先撤销之后的批次")
        for c in changes:
            obs = session.exec(select(Observation).where(
                Observation.adcode == c.adcode, Observation.year == c.year,
                Observation.indicator == c.indicator)).one()
            if c.old_value is None:
                session.delete(obs)
            else:
                obs.value, obs.source = c.old_value, f"撤销导入批次 {batch_id}"
                session.add(obs)
        before = batch.model_dump()
        batch.rolled_back_at = now()
        session.add(batch)
        audit(session, actor.signature, "import_batch", batch_id, "rollback", before, batch.model_dump())
        session.commit()
        return len(changes)


def batches(engine: Engine, *, actor: Actor) -> pd.DataFrame:
    """The import history (every county's files): the province's only."""
    require_province(actor, "导入记录")
    with Session(engine) as session:
        rows = [b.model_dump() for b in session.exec(select(ImportBatch).order_by(ImportBatch.id.desc()))]
    return pd.DataFrame(rows, columns=list(ImportBatch.model_fields))


# Templates -------------------------------------------------------------------------------

def template(kind: str, config: IndicatorSystem, regions: pd.DataFrame, year: int) -> pd.DataFrame:
    """An empty wide (counties × indicators, units in headers) or long template."""
    units = regions[["adcode", "name"]].rename(columns={"adcode": "区划代码", "name": "县（市、区）"})
    if kind == "wide":
        frame = units.assign(年度=year)
        for i in config.indicators:
            frame[f"{i.name}（{i.unit}）"] = ""
        return frame
    rows = [{"区划代码": r.adcode, "县（市、区）": r.name, "年度": year, "指标代码": i.code,
             "指标": i.name, "单位": i.unit, "数值": ""}
            for r in regions.itertuples() for i in config.indicators]
    return pd.DataFrame(rows)


def edit_value(engine: Engine, *, adcode: str, year: int, indicator: str, value: str,
               reason: str, actor: Actor, regions: pd.DataFrame, config: IndicatorSystem,
               existing: pd.DataFrame, published_years: set[int] = frozenset()) -> int | None:
    """Change one value by hand, with a reason: checked like an imported file, recorded as a
    batch (so it is audited and can be rolled back like any import)."""
    if not reason.strip():
        raise ValueError("修改原因：不能为空")
    data = pd.DataFrame([{"区划代码": adcode, "年度": year, "指标代码": indicator, "数值": value}])
    report = validate("手工修改.csv", data.to_csv(index=False).encode("utf-8"), regions=regions,
                      config=config, existing=existing, actor=actor)
    if report.errors:
        raise ValueError(report.errors[0].message)
    return commit(engine, report, existing, file_name="手工修改", actor=actor,
                  published_years=published_years, reason=reason)


def wide_export(observations: pd.DataFrame, config: IndicatorSystem,
                regions: pd.DataFrame) -> pd.DataFrame:
    """All data as a wide table: one row per county-year, one column per indicator (unit)."""
    wide = observations.pivot_table(index=["adcode", "year"], columns="indicator",
                                    values="value", aggfunc="first")
    wide = wide.reindex(columns=[i.code for i in config.indicators])
    wide.columns = [f"{config.indicator(c).name}（{config.indicator(c).unit}）" for c in wide.columns]
    wide = wide.reset_index()
    names = regions.set_index("adcode")["name"]
    wide.insert(1, "县（市、区）", wide["adcode"].map(names))
    return wide.rename(columns={"adcode": "区划代码", "year": "年度"})
