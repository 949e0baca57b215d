"""A cell's value in the indicator's unit: numbers as offices write them ("85.3%", "3.2万元",
"1,234 人", "12‰", "1.2亿"), converted when the conversion is certain, refused with the
conversion named when it is not."""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass, replace

BLANKS = {"", "—", "－", "-", "--", "——", "空", "无", "NA", "N/A", "NAN", "NULL", "NONE", "/", "／",
          "…", "...", "缺", "缺失", "暂无", "不适用"}
MULTIPLIERS = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "万亿": 1e12}
NUMBER = re.compile(r"^([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(万亿|百万|万|亿|千)?\s*(.*)$")
# Written unit → (base unit, factor to the base), and each indicator unit's base.
SAME = {"千克": ("千克", 1.0), "公斤": ("千克", 1.0), "kg": ("千克", 1.0), "吨": ("千克", 1000.0),
        "元": ("元", 1.0), "人": ("人", 1.0), "人次": ("人次", 1.0), "场": ("场", 1.0),
        "次": ("场", 1.0), "个": ("个", 1.0), "户": ("户", 1.0)}
PERCENT = {"%": 1.0, "％": 1.0, "‰": 0.1, "百分点": 1.0}
# A footnote mark after the number (95.2*, 95.2①, 95.2注1): the number is the value.
FOOTNOTE = re.compile(r"^(?:\*+|※|#|[(（]?注\d*[)）]?|[(（]\d[)）])$")  # circled numbers: see parse
# Not an exact figure: 约95, ≈95, ≥95, >95, 95以上, 95左右 …
APPROXIMATE = re.compile(r"^(约|大约|近|≈|~|～|≥|≤|>|<|>=|<=|不低于|不少于|不高于|超过|低于|高于)|"
                         r"(以上|以下|左右|上下|多|余|以内)$")


@dataclass(frozen=True)
class Parsed:
    value: float | None  # None: blank (nothing to write)
    error: str = ""
    converted: bool = False  # a unit or multiplier written in the cell was applied
    note: str = ""  # read, but the cell said more than the number (a footnote mark, a decimal comma)


def _split_unit(unit: str) -> tuple[str, str]:
    """"万元/人" → ("万元", "人"); "%" → ("%", "")."""
    top, _, bottom = unit.partition("/")
    return top.strip(), bottom.strip()


def _scale(word: str) -> tuple[float, str]:
    """"万元" → (1e4, "元"); "千克" → (1, "千克")."""
    for prefix, factor in sorted(MULTIPLIERS.items(), key=lambda kv: -len(kv[0])):
        rest = word[len(prefix):]
        if word.startswith(prefix) and rest and rest != "克":
            return factor, rest
    return 1.0, word


def parse(cell: object, unit: str) -> Parsed:
    """The value of ``cell`` in ``unit`` (an indicator's unit, e.g. %, 元, 万元/人, 人次/人)."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return Parsed(None)
    if isinstance(cell, datetime.date | datetime.time):
        return Parsed(None, f"“{cell}”是日期或时间，不是数字（单元格格式可能被设成了日期，请改为数值）")
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        value = float(cell)
        return Parsed(value) if math.isfinite(value) else Parsed(None, f"“{cell}”不是有效数字")
    original = str(cell).strip()
    # A circled footnote number (95.2①) becomes a digit under NFKC (95.21): taken off first.
    circled = re.search(r"[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]+$", original)
    raw = unicodedata.normalize("NFKC", original[:circled.start()] if circled else original).strip()
    if raw.upper() in BLANKS:
        return Parsed(None)
    if APPROXIMATE.search(raw.replace(" ", "")):
        return Parsed(None, f"“{original}”是约数或范围，不是确切数值；请填写确切的数字（没有数据请留空）")
    parsed = _number(raw, unit, original)
    if parsed.value is None or parsed.note or not circled:
        return parsed
    return replace(parsed, note=f"“{original}”带注释标记，按数字 {parsed.value:g} 读取")


def _number(raw: str, unit: str, original: str) -> Parsed:
    """``raw`` (normalised text) as a number in ``unit``; ``original`` is quoted in messages."""
    note = ""
    decimal_comma = re.fullmatch(r"([-+]?\d+),(\d{1,2}|\d{4,})(\D*)", raw.replace(" ", ""))
    if decimal_comma:  # 96,4 (a semicolon CSV from a European-set PC): never a thousands separator
        raw = f"{decimal_comma.group(1)}.{decimal_comma.group(2)}{decimal_comma.group(3)}"
        note = f"“{original}”中的逗号按小数点读取"
    text = raw.replace(",", "").replace(" ", "").replace("，", "")
    found = NUMBER.match(text)
    if not found:
        return Parsed(None, f"“{original}”不是数字")
    number, multiplier, written = found.groups()
    value = float(number) * MULTIPLIERS.get(multiplier or "", 1.0)
    if not math.isfinite(value):
        return Parsed(None, f"“{original}”不是有效数字")
    if unit == "比值" and re.fullmatch(r"[:：]1", written):  # 城乡收入比 written 2.05:1
        written = ""
    if FOOTNOTE.match(written):
        written, note = "", f"“{original}”带注释标记，按数字 {value:g} 读取"
    if not written:
        return Parsed(value, converted=bool(multiplier), note=note)
    if written in PERCENT:
        if unit != "%":
            return Parsed(None, f"“{original}”带百分号，但该指标单位是 {unit}，无法换算")
        return Parsed(value * PERCENT[written], converted=written != "%", note=note)
    if written == unit or written == unit.replace("/", "每"):
        return Parsed(value, converted=bool(multiplier), note=note)
    converted = convert(value, written, unit)
    if converted is None:
        return Parsed(None, f"“{original}”的单位“{written}”与该指标单位“{unit}”不一致，无法换算；"
                           f"请按 {unit} 填写数字")
    return Parsed(converted, converted=True, note=note)


def header_factor(written: str, unit: str) -> float | None:
    """What a number under a header unit ``written`` is multiplied by to be in ``unit`` (1 when
    they are the same unit), or None when the two cannot be converted."""
    written = unicodedata.normalize("NFKC", written).strip().removeprefix("单位:").removeprefix("单位").strip()
    if written == unit or written == unit.replace("/", "每"):
        return 1.0
    if written in PERCENT:
        return PERCENT[written] if unit == "%" else None
    return convert(1.0, written, unit)


def convert(value: float, written: str, unit: str) -> float | None:
    """``value`` in ``written`` → in ``unit`` when both are the same kind of quantity."""
    w_top, w_bottom = _split_unit(written)
    u_top, u_bottom = _split_unit(unit)
    if w_bottom != u_bottom:
        return None
    w_factor, w_word = _scale(w_top)
    u_factor, u_word = _scale(u_top)
    if w_word not in SAME or u_word not in SAME:
        return None
    (w_base, w_to), (u_base, u_to) = SAME[w_word], SAME[u_word]
    if w_base != u_base:
        return None
    return value * w_factor * w_to / (u_factor * u_to)
