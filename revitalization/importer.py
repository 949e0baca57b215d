"""Importing the office's spreadsheets safely: read, validate, preview, commit, roll back.

Files arrive as Excel or CSV from 103 counties: Chinese headers, units in headers, blanks
written as "—", short or old county names, CSVs saved in GBK. Nothing is written until
the file validates without errors and the user confirms; a commit is one transaction
recorded as a batch (file hash, user, time, counts) that can be rolled back. Values are
read as data only: formulas as their cached values, macros never run, nothing is evaluated.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from revitalization.access import Actor, PermissionDenied, require, require_for
from revitalization.audit import audit, now
from revitalization.config import IndicatorSystem
from revitalization.store import ImportBatch, Observation, ObservationChange

MAX_BYTES = 5 * 2**20
BLANKS = {"", "—", "－", "-", "--", "——", "空", "无", "NA", "N/A", "NAN", "NULL", "/", "／"}
JUMP_RATIO = 3.0  # a value more than 3× (or under ⅓ of) last year's is worth a second look
ENCODINGS = ("utf-8-sig", "gb18030")  # UTF-8 (with or without BOM), then GBK/GB18030
KEY_COLUMNS = {"adcode": ("区划代码", "代码", "adcode"),
               "county": ("县（市、区）", "县(市、区)", "县市区", "单位", "县", "名称", "county"),
               "year": ("年度", "考核年度", "年份", "year"),
               "indicator": ("指标", "指标名称", "指标代码", "indicator"),
               "value": ("数值", "值", "value")}


class FileReadError(ValueError):
    """The file cannot be read at all (size, type, encoding); the message says why."""


@dataclass(frozen=True)
class Problem:
    row: int | None  # spreadsheet row number (header = 1), None for the whole file
    column: str
    level: str  # 错误 / 警告
    message: str

    def text(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}「{self.column}」：{self.message}" if self.column else f"{where}：{self.message}"


@dataclass
class Report:
    """Validation result: clean values ready to write, and every problem found."""

    values: pd.DataFrame  # adcode, year, indicator, value, row
    problems: list[Problem] = field(default_factory=list)
    file_hash: str = ""
    form: str = ""  # 宽表 / 长表
    encoding: str = ""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "错误"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "警告"]

    @property
    def ok(self) -> bool:
        return not self.errors and not self.values.empty

    def table(self) -> pd.DataFrame:
        return pd.DataFrame([{"行": p.row or "", "列": p.column, "级别": p.level, "说明": p.message}
                             for p in self.problems], columns=["行", "列", "级别", "说明"])


# Reading ---------------------------------------------------------------------------------

def read_table(name: str, data: bytes) -> tuple[pd.DataFrame, str]:
    """A file's first sheet as text cells (header row = spreadsheet row 1) and its encoding."""
    if len(data) > MAX_BYTES:
        raise FileReadError(f"文件大小 {len(data) / 2**20:.1f} MB，超过上限 {MAX_BYTES / 2**20:.0f} MB；"
                           "请按市州或年度拆分后分别导入")
    lower = name.lower()
    if lower.endswith((".xlsm", ".xls")):
        raise FileReadError("不接受 .xls / .xlsm 文件：请在 Excel 中另存为 .xlsx（不含宏）或 CSV")
    if lower.endswith(".xlsx"):
        if not data.startswith(b"PK"):
            raise FileReadError("文件扩展名为 .xlsx，但内容不是 Excel 文件；请重新导出")
        try:
            # data_only: formulas are read as the values Excel cached, never evaluated.
            frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=str, header=0,
                                  engine="openpyxl", engine_kwargs={"data_only": True})
        except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault
            raise FileReadError(f"无法读取 Excel 文件：{exc}") from None
        return frame, "xlsx"
    if lower.endswith((".csv", ".txt")):
        for encoding in ENCODINGS:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            try:
                frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                    skip_blank_lines=True)
            except Exception as exc:  # noqa: BLE001
                raise FileReadError(f"无法读取 CSV 文件：{exc}") from None
            return frame, "UTF-8" if encoding == "utf-8-sig" else "GBK/GB18030"
        raise FileReadError("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码")
    raise FileReadError(f"不支持的文件类型：{name}；请上传 .xlsx 或 .csv 文件")


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() not in ("", "nan", "None")


def clean_header(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def _find(columns: list[str], role: str) -> str | None:
    wanted = {clean_header(c).lower() for c in KEY_COLUMNS[role]}
    return next((c for c in columns if clean_header(c).lower() in wanted), None)


# Matching counties and indicators --------------------------------------------------------

def _county_keys(regions: pd.DataFrame) -> dict[str, str]:
    """Every accepted spelling of a county → adcode (full name, short name, adcode)."""
    keys: dict[str, str] = {}
    for r in regions.itertuples():
        for k in {r.adcode, r.name, r.short_name, re.sub(r"(土家族|苗族|自治县|自治州)", "", r.name)}:
            keys.setdefault(k, r.adcode)
        keys.setdefault(f"{r.city_name}{r.name}", r.adcode)
    return keys


def match_county(text: str, regions: pd.DataFrame) -> tuple[str | None, str]:
    """(adcode, "") or (None, a suggestion message)."""
    key = clean_header(text).replace(" ", "")
    keys = _county_keys(regions)
    if key in keys:
        return keys[key], ""
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.5)
    if close:
        code = keys[close[0]]
        name = regions.set_index("adcode").at[code, "name"]
        return None, f"未知的县（市、区）“{text}”；是否为“{name}”（{code}）？"
    return None, f"未知的县（市、区）“{text}”；请使用区划名录中的 6 位区划代码或名称"


def _indicator_keys(config: IndicatorSystem) -> dict[str, str]:
    keys = {}
    for i in config.indicators:
        for k in (i.code, i.name, f"{i.name}（{i.unit}）", f"{i.name}({i.unit})"):
            keys[clean_header(k)] = i.code
    return keys


def match_indicator(text: str, config: IndicatorSystem) -> tuple[str | None, str]:
    key = clean_header(text)
    keys = _indicator_keys(config)
    if key in keys:
        return keys[key], ""
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
    hint = f"；是否为“{config.indicator(keys[close[0]]).name}”？" if close else ""
    return None, f"未知的指标“{text}”{hint}"


# Values ----------------------------------------------------------------------------------

def parse_value(text: object, unit: str) -> tuple[float | None, str]:
    """(number, "") / (None, "") for a blank / (None, message) for something not a number."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None, ""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    if raw.upper() in BLANKS:
        return None, ""
    cleaned = raw.replace(",", "").replace(" ", "")
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    try:
        value = float(cleaned)
    except ValueError:
        return None, f"“{raw}”不是数字"
    if not np.isfinite(value):
        return None, f"“{raw}”不是有效数字"
    if percent and unit != "%":
        return None, f"“{raw}”带百分号，但该指标单位是 {unit}"
    return value, ""


# Validation ------------------------------------------------------------------------------

def validate(name: str, data: bytes, *, regions: pd.DataFrame, config: IndicatorSystem,
             existing: pd.DataFrame, default_year: int | None = None) -> Report:
    """Read and check a file; nothing is written. ``existing``: the store's observations."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        frame, encoding = read_table(name, data)
    except FileReadError as exc:
        return Report(pd.DataFrame(), [Problem(None, "", "错误", str(exc))], digest)
    frame.columns = [str(c).strip() for c in frame.columns]  # shown as the user wrote them
    columns = list(frame.columns)
    problems: list[Problem] = []
    county_col = _find(columns, "adcode") or _find(columns, "county")
    year_col = _find(columns, "year")
    if county_col is None:
        problems.append(Problem(1, "", "错误", "缺少“区划代码”或“县（市、区）”列"))
    if year_col is None and default_year is None:
        problems.append(Problem(1, "", "错误", "缺少“年度”列（或在导入时指定年度）"))
    indicator_col, value_col = _find(columns, "indicator"), _find(columns, "value")
    long_form = indicator_col is not None and value_col is not None
    if problems:
        return Report(pd.DataFrame(), problems, digest, encoding=encoding)

    records = []  # (row, column, adcode, year, indicator, text)
    name_col = _find(columns, "county")
    value_columns: dict[str, str] = {}
    if not long_form:
        skip = {county_col, year_col, name_col, _find(columns, "adcode")}
        for col in columns:
            if col in skip or col.startswith("Unnamed"):
                continue
            code, message = match_indicator(col, config)
            if code is None:
                problems.append(Problem(1, col, "错误", message))
            else:
                value_columns[col] = code
    for n, row in enumerate(frame.to_dict("records"), start=2):
        if all(str(v).strip() in ("", "nan", "None") for v in row.values()):
            continue  # an empty line
        used = county_col
        if not _filled(row[county_col]) and name_col and name_col != county_col:
            used = name_col  # no code written: go by the name
        adcode, message = match_county(str(row[used]), regions)
        if adcode is None and used == county_col and name_col and name_col != county_col \
                and _filled(row.get(name_col)):
            adcode, message = match_county(str(row[name_col]), regions)
        if adcode is None:
            problems.append(Problem(n, used, "错误", message if _filled(row[used])
                                    else "县（市、区）为空"))
            continue
        year_text = str(row[year_col]).strip() if year_col else str(default_year)
        year_match = re.fullmatch(r"(\d{4})(\.0)?\s*年?(度)?", unicodedata.normalize("NFKC", year_text))
        if not year_match:
            problems.append(Problem(n, year_col or "年度", "错误",
                                    "年度为空或不是四位年份" if year_text in ("", "nan")
                                    else f"“{year_text}”不是四位年份"))
            continue
        year = int(year_match.group(1))
        if long_form:
            code, message = match_indicator(str(row[indicator_col]), config)
            if code is None:
                problems.append(Problem(n, indicator_col, "错误", message))
                continue
            records.append((n, value_col, adcode, year, code, row[value_col]))
        else:
            records += [(n, col, adcode, year, code, row[col]) for col, code in value_columns.items()]

    # What a percentage usually looks like for each indicator, to catch 0.85 written for 85 %.
    typical = existing.groupby("indicator")["value"].median() if len(existing) else pd.Series()
    values, seen = [], {}
    for n, col, adcode, year, code, text in records:
        ind = config.indicator(code)
        value, message = parse_value(text, ind.unit)
        if message:
            problems.append(Problem(n, col, "错误", message))
            continue
        if value is None:
            continue  # a blank: nothing to write, nothing imputed from the file
        if ind.unit == "%" and 0 < value <= 1 and typical.get(code, ind.valid_min) > 5:
            problems.append(Problem(n, col, "错误", f"{value:g} 像是小数形式的比例；该指标以百分数填写，"
                                                   f"应为 {value * 100:g}？"))
            continue
        if not ind.valid_min <= value <= ind.valid_max:
            problems.append(Problem(n, col, "错误", f"{value:g} 超出合理范围 "
                                                   f"{ind.valid_min:g}–{ind.valid_max:g} {ind.unit}"))
            continue
        key = (adcode, year, code)
        if key in seen:
            problems.append(Problem(n, col, "错误", f"与第 {seen[key]} 行重复（同一县、年度、指标）"))
            continue
        seen[key] = n
        values.append({"adcode": adcode, "year": year, "indicator": code, "value": value, "row": n,
                       "column": col})
    clean = pd.DataFrame(values, columns=["adcode", "year", "indicator", "value", "row", "column"])
    problems += _jumps(clean, existing, config)
    if clean.empty and not any(p.level == "错误" for p in problems):
        problems.append(Problem(None, "", "错误", "文件中没有可导入的数值"))
    return Report(clean, problems, digest, "长表" if long_form else "宽表", encoding)


def _jumps(clean: pd.DataFrame, existing: pd.DataFrame, config: IndicatorSystem) -> list[Problem]:
    """Warnings for values far from last year's (a likely unit or typing slip)."""
    if clean.empty or existing.empty:
        return []
    prev = existing.assign(year=existing["year"] + 1).set_index(["adcode", "year", "indicator"])["value"]
    out = []
    for r in clean.itertuples():
        before = prev.get((r.adcode, r.year, r.indicator))
        if before is None or before == 0 or r.value == 0:
            continue
        ratio = r.value / before
        if ratio > JUMP_RATIO or ratio < 1 / JUMP_RATIO:
            unit = config.indicator(r.indicator).unit
            out.append(Problem(r.row, r.column, "警告", f"{r.value:g} 与上年 {before:g} {unit} 相差 "
                                                        f"{ratio:.1f} 倍，请核实"))
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
    changes = diff(report, existing)
    todo = changes[changes["status"] != "不变"]
    if todo.empty:
        return None
    touched = sorted(set(todo["year"]) & set(published_years))
    if touched and not reason.strip():
        raise ValueError(f"本次导入修改了已发布年度 {'、'.join(map(str, touched))} 年的数据，属于更正，请填写更正原因")
    with Session(engine) as session:
        for adcode in sorted(set(todo["adcode"])):  # every county written must be the actor's
            try:
                require_for(session, actor, "data", adcode)
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
            if r.status == "新增":
                session.add(Observation(adcode=r.adcode, year=int(r.year), indicator=r.indicator,
                                        value=float(r.value), source=f"导入批次 {batch.id}"))
            else:
                obs = session.exec(select(Observation).where(
                    Observation.adcode == r.adcode, Observation.year == int(r.year),
                    Observation.indicator == r.indicator)).one()
                obs.value, obs.source, obs.status = float(r.value), f"导入批次 {batch.id}", "reported"
                session.add(obs)
            session.add(ObservationChange(batch_id=batch.id, adcode=r.adcode, year=int(r.year),
                                          indicator=r.indicator,
                                          old_value=None if r.status == "新增" else float(r.old),
                                          new_value=float(r.value)))
        audit(session, str(actor), "import_batch", batch.id, "import", None, batch.model_dump())
        session.commit()
        return batch.id


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
            raise ValueError(f"导入批次 {batch_id} 已于 {batch.rolled_back_at[:16]} 撤销")
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
        audit(session, str(actor), "import_batch", batch_id, "rollback", before, batch.model_dump())
        session.commit()
        return len(changes)


def batches(engine: Engine) -> pd.DataFrame:
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
                      config=config, existing=existing)
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
