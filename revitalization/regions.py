"""The region registry: Hubei's 103 county-level units and their 17 city-level parents.

The registry is ``data/regions.csv``, edited by hand: which units are assessed and
which assessment class each belongs to are office settings, not facts of geography.

Default assessment classes (used to rank peers against peers):
- 城郊型 urban-fringe: Wuhan's new-city districts and the districts around other city seats;
- 平原型 plain: the 江汉 plain and the 鄂北 plain/low hills (grain and processing base);
- 丘陵山区型 hill-mountain: 鄂西 (恩施州, 十堰, 宜昌 mountains, 神农架), 大别山 and 幕阜山.
Purely urban districts (21 by default) are not assessed: 未纳入考核.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from revitalization.paths import DATA_DIR

DEFAULT_REGIONS_PATH = DATA_DIR / "regions.csv"
KINDS = ("市辖区", "县级市", "县", "自治县", "林区")
CLASSES = ("城郊型", "平原型", "丘陵山区型")
COLUMNS = (
    "adcode", "name", "short_name", "city_adcode", "city_name",
    "kind", "assessed", "assessment_class",
)
POPULATION_COLUMNS = ("population", "rural_population")  # optional, 万人: 市州 weighting
PROVINCE_ADCODE = "420000"
PROVINCE_NAME = "湖北省"


class RegionError(ValueError):
    """A problem in the region registry, naming the file, row and column."""


def city_short_name(name: str) -> str:
    """Short display name of a city-level unit: 武汉市 → 武汉, 恩施土家族苗族自治州 → 恩施州."""
    if name.endswith("自治州"):
        return name[:2] + "州"
    if name.endswith("林区"):
        return name[: -len("林区")]
    return re.sub("市$", "", name)


def parse_regions(path: Path) -> pd.DataFrame:
    """Read and validate a registry file; errors name the row and column."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RegionError(f"{path.name}: 缺少列 {', '.join(missing)}")
        rows = list(reader)
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):  # row 1 is the header
        where = f"{path.name} 第 {n} 行"
        code = row["adcode"].strip()
        if not re.fullmatch(r"42\d{4}", code):
            raise RegionError(f"{where} adcode 列: {code!r} 不是湖北省的 6 位行政区划代码")
        if code in seen:
            raise RegionError(f"{where} adcode 列: {code} 重复")
        seen.add(code)
        if row["kind"] not in KINDS:
            raise RegionError(f"{where} kind 列: {row['kind']!r} 应为 {'/'.join(KINDS)} 之一")
        if row["assessed"] not in ("true", "false"):
            raise RegionError(f"{where} assessed 列: 应为 true 或 false")
        cls = row["assessment_class"]
        if row["assessed"] == "true" and cls not in CLASSES:
            raise RegionError(
                f"{where} assessment_class 列: 纳入考核的单位须属于 {'/'.join(CLASSES)} 之一"
            )
        if not row["name"] or not row["short_name"]:
            raise RegionError(f"{where} name 列: 名称不能为空")
        for column in POPULATION_COLUMNS:
            text = (row.get(column) or "").strip()
            if column in (reader.fieldnames or []) and row["assessed"] == "true":
                try:
                    if not float(text) > 0:
                        raise ValueError
                except ValueError:
                    raise RegionError(f"{where} {column} 列: 纳入考核的单位须填写正数（万人），"
                                      f"实际为 {text!r}") from None
    present = [c for c in POPULATION_COLUMNS if c in (reader.fieldnames or [])]
    frame = pd.DataFrame(rows, columns=[*COLUMNS, *present])
    for column in present:
        frame[column] = pd.to_numeric(frame[column].replace("", None), errors="coerce")
    frame["assessed"] = frame["assessed"] == "true"
    frame.loc[~frame["assessed"], "assessment_class"] = ""
    frame["city_short_name"] = frame["city_name"].map(city_short_name)
    return frame.sort_values("adcode").reset_index(drop=True)


@lru_cache(maxsize=4)
def _load(path: str) -> pd.DataFrame:
    return parse_regions(Path(path))


def load_regions(path: Path | str = DEFAULT_REGIONS_PATH) -> pd.DataFrame:
    """The registry as a DataFrame keyed by ``adcode`` (a fresh copy: safe to modify)."""
    return _load(str(path)).copy()


def load_cities(path: Path | str = DEFAULT_REGIONS_PATH) -> pd.DataFrame:
    """The 17 city-level units with their county counts."""
    regions = load_regions(path)
    cities = (
        regions.groupby(["city_adcode", "city_name", "city_short_name"], as_index=False)
        .agg(counties=("adcode", "size"), assessed=("assessed", "sum"))
        .rename(columns={"city_adcode": "adcode", "city_name": "name",
                         "city_short_name": "short_name"})
    )
    return cities.sort_values("adcode").reset_index(drop=True)
