"""Which county-level unit a cell means: codes, full and short names, the researched renames
since 2000 (``data/county_renames.csv``, each with its date and source) and the functional
zones that are not county-level units. A rename is applied and reported; a split or a
zone is refused with its reason; only an unknown spelling gets a look-alike suggestion.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from revitalization.paths import DATA_DIR

RENAMES_PATH = DATA_DIR / "county_renames.csv"
CITY_RENAMES = {"襄樊市": "襄阳市", "襄樊": "襄阳"}  # 2010-11-26, with 襄阳区 → 襄州区
# Functional zones (开发区、高新区、新区 …) are administered by a county-level unit but are
# not one; their figures belong to the county that contains them.
ZONE = re.compile(r"(开发区|高新区|高新技术产业|新区|管理区|特区|风景区|旅游区|名胜区|产业园|工业园|园区|"
                  r"经济区|试验区|示范区|保税区|综合保税|港区|化工区|功能区)")
TOTALS = re.compile(r"^(合计|总计|小计|平均|平均值|均值|全省|全省合计|全省平均|湖北省|湖北|全市|全州|"
                    r"全区|总体)$|(合计|小计|平均|汇总)$")


CITY_LEVEL = re.compile(r"(本级|市直|州直|直属)$|^(市直|州直|市本级|州本级)")


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC  # traditional → simplified (opencc-python-reimplemented)

    return OpenCC("t2s")


def _simplified(text: str) -> str:
    return _converter().convert(text)


def clean(text: object) -> str:
    """A cell as a comparable key: NFKC, no spaces, no 湖北省 prefix."""
    key = unicodedata.normalize("NFKC", str(text)).strip()
    key = re.sub(r"[\s\u200b-\u200f\u2060\ufeff\u00ad]+", "", key)  # spaces and invisible characters
    key = key.removeprefix("湖北省")
    if re.fullmatch(r"\d{6}\.0", key):  # a code read as a float
        key = key[:-2]
    return key


@dataclass(frozen=True)
class Match:
    adcode: str | None
    note: str = ""  # a rename applied (警告) …
    error: str = ""  # … or why there is no match (错误)
    total: bool = False  # a 合计 / 平均 / 市州 row, to be skipped


@lru_cache(maxsize=1)
def renames() -> tuple[dict[str, str], ...]:
    with RENAMES_PATH.open(encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


def _city_spellings(name: str, short: str) -> set[str]:
    """How offices write a 市州: 随州市 / 随州, 恩施土家族苗族自治州 / 恩施州 / 恩施."""
    return {name, short, name.removesuffix("市"), short.removesuffix("州").removesuffix("市")} - {""}


class CountyMatcher:
    """Built once per file: every accepted spelling → adcode."""

    def __init__(self, regions: pd.DataFrame):
        self.names = dict(zip(regions["adcode"], regions["name"], strict=True))
        self.keys: dict[str, str] = {}
        for r in regions.itertuples():
            bare = re.sub(r"(土家族|苗族|自治县|自治州)", "", r.name)
            # the county after any spelling of its 市州: 随州市随县, 随州随县, 恩施州利川市
            for city in _city_spellings(str(r.city_name), str(r.city_short_name)):
                self.keys.setdefault(clean(f"{city}{r.name}"), r.adcode)
            for k in (r.adcode, r.name, r.short_name, bare):
                self.keys.setdefault(clean(k), r.adcode)
            if r.kind == "县" and not r.name.endswith("县"):
                self.keys.setdefault(clean(f"{r.name}县"), r.adcode)
            if r.name.endswith("自治县"):  # 长阳土家族自治县: also 长阳县, 长阳自治县
                self.keys.setdefault(clean(f"{bare}县"), r.adcode)
                self.keys.setdefault(clean(f"{bare}自治县"), r.adcode)
        self.cities = {clean(c) for name, short in zip(regions["city_name"], regions["city_short_name"],
                                                        strict=True)
                       for c in _city_spellings(str(name), str(short))} | {
            clean(c) for c in regions["city_adcode"].unique()} | {"420000"}
        self.city_names = {clean(c): str(name) for name, short in zip(regions["city_name"], regions["city_short_name"],
                                                                      strict=True)
                           for c in _city_spellings(str(name), str(short))}
        self.old: dict[str, dict[str, str]] = {}
        for row in renames():
            self.old.setdefault(clean(row["old_adcode"]), row)
            if row["kind"] != "拆分":
                self.old.setdefault(clean(row["old_name"]), row)
        self._suggest = list(self.keys)

    def match(self, text: object) -> Match:
        key = clean(text)
        for old, new in CITY_RENAMES.items():
            if key.startswith(old):
                key = new + key[len(old):]
        if not key:
            return Match(None, error="县（市、区）为空")
        if key in self.keys:
            code = self.keys[key]
            full = clean(self.names[code])
            if key in self.city_names and key != full and full not in self.city_names:  # 荆州: 荆州市 or 荆州区?
                city = self.city_names[key]
                return Match(None, error=f"“{text}”既可指{city}（市州），也可指{self.names[code]}（{code}）：请写全称"
                                         f"或区划代码；{city}的汇总行请写“{city}”")
            return Match(code)
        if TOTALS.search(key):
            return Match(None, total=True)
        if CITY_LEVEL.search(key):  # 荆州市本级, 市直: the 市州's own figures, not a county's
            return Match(None, total=True, note=f"“{text}”是市本级（市直）数据，不是县级单位，已忽略")
        if key in self.cities:
            return Match(None, total=True)  # a 市州 subtotal row (仙桃 etc. matched above)
        if key in self.old:
            row = self.old[key]
            if row["kind"] == "拆分":
                return Match(None, error=f"“{text}”（原{row['old_name']}）已于 {row['date']} 年拆分为"
                                         f"{row['new_name']}（{row['new_adcode']}），无法自动对应；"
                                         f"请按现行区划代码分别填报（依据：{row['source']}）")
            return Match(row["new_adcode"], note=(
                f"“{text}”已于 {row['date']} {row['kind']}为{row['new_name']}（{row['new_adcode']}），"
                f"按{row['new_name']}导入（依据：{row['source']}）"))
        simplified = _simplified(key)
        if simplified != key and simplified in self.keys:  # 鶴峰縣: a name typed in traditional characters
            code = self.keys[simplified]
            return Match(code, note=f"“{text}”为繁体字，按{self.names[code]}（{code}）导入")
        if ZONE.search(key):
            return Match(None, error=f"“{text}”是功能区（开发区、新区等），不是县级行政区，不参加县域考核；"
                                     "其数据请并入所在的县（市、区）填报")
        if re.fullmatch(r"\d{12}", key):  # 统计用区划代码: a county's is its 6 digits and 000000
            if key.endswith("000000") and key[:6] in self.keys:
                code = self.keys[key[:6]]
                return Match(code, note=f"12 位统计用区划代码 {key} 按前 6 位 {code}（{self.names[code]}）导入")
            return Match(None, error=f"{key} 是乡镇或村级的 12 位统计用区划代码，不是县级单位；请填 6 位县级区划代码")
        if re.fullmatch(r"\d+", key):
            if len(key) == 6 and key.startswith("42"):
                return Match(None, error=f"区划代码 {key} 不在湖北省现行县级区划名录中；请核对代码")
            return Match(None, error=f"“{text}”不是 6 位区划代码")
        close = difflib.get_close_matches(key, self._suggest, n=1, cutoff=0.5)
        if close:
            code = self.keys[close[0]]
            return Match(None, error=f"未知的县（市、区）“{text}”；是否为“{self.names[code]}”（{code}）？")
        return Match(None, error=f"未知的县（市、区）“{text}”；请使用区划名录中的 6 位区划代码或名称")

    def share_matched(self, cells: list[object]) -> float:
        """The share of non-empty cells that name a county (to find the column by content)."""
        filled = [c for c in cells if c is not None and str(c).strip()]
        if not filled:
            return 0.0
        return sum(clean(c) in self.keys or clean(c) in self.old for c in filled) / len(filled)
