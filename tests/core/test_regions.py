"""The region registry: Hubei's 103 county-level units."""

from __future__ import annotations

import pytest

from revitalization.regions import (
    CLASSES,
    DEFAULT_REGIONS_PATH,
    RegionError,
    city_short_name,
    load_cities,
    load_regions,
)


def test_registry_matches_hubei(regions):
    assert len(regions) == 103
    assert regions["adcode"].is_unique
    assert regions["adcode"].str.fullmatch(r"42\d{4}").all()
    assert regions["kind"].value_counts().to_dict() == {
        "市辖区": 39, "县": 35, "县级市": 26, "自治县": 2, "林区": 1}
    assert load_cities()["adcode"].nunique() == 17


def test_assessed_units_and_classes(regions):
    assessed = regions[regions["assessed"]]
    assert len(assessed) == 82  # Hubei's usual count of 县域
    assert set(assessed["assessment_class"]) == set(CLASSES)
    assert (regions.loc[~regions["assessed"], "assessment_class"] == "").all()
    # Purely urban districts are out, e.g. 江岸区 and 沙市区; new-city districts are in.
    by_name = regions.set_index("name")
    assert not by_name.at["江岸区", "assessed"] and not by_name.at["沙市区", "assessed"]
    assert by_name.at["黄陂区", "assessment_class"] == "城郊型"
    assert by_name.at["秭归县", "assessment_class"] == "丘陵山区型"
    assert by_name.at["仙桃市", "assessment_class"] == "平原型"


def test_short_names(regions):
    short = regions.set_index("name")["short_name"]
    assert short["秭归县"] == "秭归"
    assert short["长阳土家族自治县"] == "长阳"
    assert short["神农架林区"] == "神农架"
    assert short["随县"] == "随县"  # a one-character stem keeps its suffix
    assert city_short_name("恩施土家族苗族自治州") == "恩施州"
    assert city_short_name("武汉市") == "武汉"


def test_bad_registry_row_is_named(tmp_path):
    lines = DEFAULT_REGIONS_PATH.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",市辖区,", ",街道,")
    path = tmp_path / "regions.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RegionError, match="第 6 行 kind 列"):
        load_regions(path)
    lines = DEFAULT_REGIONS_PATH.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1])
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RegionError, match="adcode 列: 420102 重复"):
        load_regions(path)
