"""The one caching layer: expensive loads happen once per process, views filter outside.

Never mutate what these return: cached objects are shared between sessions.
"""

from __future__ import annotations

import logging

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy.engine import Engine

from revitalization import charts, methods, responsibilities, store
from revitalization.cities import CityAssessment, assess_cities
from revitalization.config import IndicatorSystem, load_raw, parse_config
from revitalization.consistency import Finding
from revitalization.engine import Assessment, assess, data_version
from revitalization.publish import (
    Frozen,
    findings_for,
    frozen_city_values,
    read_published,
    with_published,
)
from revitalization.regions import load_regions
from revitalization.robust import RobustRanks, robust_ranks, score_noise
from revitalization.rounds import open_years
from revitalization.settings import secrets_warning
from revitalization.wording import today


@st.cache_resource(show_spinner=False)
def raw_config() -> tuple:
    """``data/indicators.yaml`` parsed but not validated, and its name for messages."""
    return load_raw()


@st.cache_resource(show_spinner=False)
def base_config() -> IndicatorSystem:
    """``data/indicators.yaml`` as written (codes and names; used to set up the store)."""
    raw, name = raw_config()
    return parse_config(raw, name)


@st.cache_resource(show_spinner=False)
def config() -> IndicatorSystem:
    """The method in force: the file plus the latest version saved from the app."""
    base_config()  # a bad file stops here, before anything touches the database
    raw, name = raw_config()
    return methods.current(raw, name, engine())


@st.cache_resource(show_spinner=False)
def regions() -> pd.DataFrame:
    return load_regions()


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The database engine, on a database set up for this program (``store.open_store``)."""
    if warning := secrets_warning():  # in the server's log, once per process
        logging.getLogger(__name__).warning(warning)
    eng = store.make_engine()
    try:
        store.open_store(eng, base_config(), regions())
    except BaseException:
        eng.dispose()
        raise
    return eng


@st.cache_data(max_entries=2, show_spinner="正在读取数据…")
def observations() -> pd.DataFrame:
    return store.read_observations(engine())


@st.cache_data(max_entries=2, show_spinner=False)
def city_observations() -> tuple[pd.DataFrame, str]:
    """The city-level indicator values and their data version."""
    frame = store.read_city_observations(engine())
    return frame, data_version(frame)


@st.cache_data(max_entries=2, show_spinner=False)
def meta() -> dict[str, str]:
    return store.read_meta(engine())


@st.cache_resource(max_entries=2, show_spinner="正在计算考核结果…")
def _fresh(fingerprint: str) -> Assessment:
    obs = observations()
    return assess(obs[~obs["year"].isin(open_years(engine()))], regions(), config())


def fresh_assessment() -> Assessment:
    """Every year rescored with the current data and method (published years included)."""
    return _fresh(config().fingerprint())


@st.cache_resource(max_entries=1, show_spinner=False)
def _published(fingerprint: str) -> dict[int, Frozen]:
    return read_published(engine(), fresh_assessment())


def published() -> dict[int, Frozen]:
    """The latest publication of every published (frozen) year."""
    return _published(config().fingerprint())


@st.cache_resource(max_entries=2, show_spinner=False)
def _assessment(fingerprint: str) -> Assessment:
    return with_published(fresh_assessment(), published(), config())


def assessment() -> Assessment:
    """What every view reads: the fresh assessment with published years frozen."""
    return _assessment(config().fingerprint())


@st.cache_resource(max_entries=4, show_spinner="正在计算市州考核结果…")
def _cities(fingerprint: str, city_version: str, fresh: bool) -> CityAssessment:
    if fresh:  # every year rescored with today's data and method
        return assess_cities(fresh_assessment(), city_observations()[0], regions(), config())
    values = frozen_city_values(city_observations()[0], published())  # published years: frozen
    return assess_cities(assessment(), values, regions(), config())


def city_assessment() -> CityAssessment:
    """The 市州 tier, from the counties' results in force and the city-level indicators."""
    return _cities(assessment().fingerprint, city_observations()[1], False)


def fresh_city_assessment() -> CityAssessment:
    """The 市州 tier with every year rescored by the current method (year comparisons)."""
    return _cities(fresh_assessment().fingerprint, city_observations()[1], True)


@st.cache_resource(max_entries=2, show_spinner=False)
def _duties(fingerprint: str, city_version: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    county = responsibilities.county_scores(assessment(), config())
    return county, responsibilities.city_scores(city_assessment(), county, config())


def duty_scores() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The responsibility sub-scores of every county-year and every city-year (long form)."""
    return _duties(assessment().fingerprint, city_observations()[1])


@st.cache_resource(max_entries=64, show_spinner=False)
def _province_map(fingerprint: str, year: int, measure: str, scheme: str | None, labels: bool,
                  demo: bool, legend_below: bool) -> go.Figure:
    return charts.province_map(assessment(), config(), year, measure=measure, scheme=scheme,
                               labels=labels, demo=demo, legend_below=legend_below)


def province_map(year: int, *, measure: str, scheme: str | None, labels: bool, demo: bool,
                 legend_below: bool) -> go.Figure:
    """The overview's county map, built once per view and shared by every session (the first
    screen most people open; never mutate it)."""
    return _province_map(assessment().fingerprint, year, measure, scheme, labels, demo,
                         legend_below)


@st.cache_resource(max_entries=8, show_spinner="正在进行稳健性检验（蒙特卡洛抽样）…")
def _robust(fingerprint: str, year: int) -> RobustRanks:
    return robust_ranks(assessment(), config(), year)


def robust(year: int) -> RobustRanks:
    """Monte Carlo rank ranges and flag robustness for one year (seeded, cached)."""
    return _robust(assessment().fingerprint, year)


@st.cache_resource(max_entries=8, show_spinner="正在进行发布前一致性检查…")
def _findings(fingerprint: str, year: int) -> list[Finding]:
    return findings_for(fresh_assessment(), config(), year)


def findings(year: int) -> list[Finding]:
    """The consistency check of what publishing ``year`` would freeze (the fresh result)."""
    return _findings(fresh_assessment().fingerprint, year)


@st.cache_resource(max_entries=4, show_spinner=False)
def _noise(fingerprint: str, year: int) -> float:
    return float(score_noise(assessment(), config(), year).median())


def noise(year: int) -> float:
    """The median composite noise (points) under the configured data error."""
    return _noise(assessment().fingerprint, year)


@st.cache_resource(max_entries=2, show_spinner="正在按修改后的指标体系试算…")
def _proposed(fingerprint: str, _config: IndicatorSystem) -> Assessment:
    return assess(observations(), regions(), _config)


def proposed_assessment(edited: IndicatorSystem) -> Assessment:
    """Every year rescored with an edited, not yet saved method (cached while it is edited,
    so the preview does not recompute on every rerun)."""
    return _proposed(edited.fingerprint(), edited)


@st.cache_resource(max_entries=8, show_spinner=False)
def _pack_images(fingerprint: str, year: int, demo: bool, preset: str, day: str) -> list:
    from revitalization.exports import documents

    return documents.provincial_images(documents.Context(assessment(), config(), year, demo,
                                                         cities=city_assessment()), preset)


def pack_images(year: int, demo: bool, preset: str) -> list:
    """The provincial pack's figures for ``preset``, rendered once per data, method, year and
    day (the footer carries the date) and shared by the Word, slide and ZIP buttons."""
    return _pack_images(assessment().fingerprint, year, demo, preset, today().isoformat())


@st.cache_resource(max_entries=64, show_spinner=False)
def _county_images(fingerprint: str, year: int, demo: bool, adcode: str, preset: str,
                   day: str) -> list:
    from revitalization.exports import documents

    ctx = documents.Context(assessment(), config(), year, demo)
    return documents.county_images(ctx, adcode, preset)


def county_images(year: int, demo: bool, adcode: str, preset: str) -> list:
    """One county's profile figures, rendered once (the profile and the compendium share them)."""
    return _county_images(assessment().fingerprint, year, demo, adcode, preset,
                          today().isoformat())


_seen: dict[str, int] = {}


def follow_writes() -> None:
    """Forget what other processes have made stale: when the store's write version moved
    since this process last looked (a write through another server, or a script), clear the
    caches. Called by the router at the start of every run; one indexed query."""
    version = store.write_version(engine())
    if _seen.get("version") not in (None, version):
        invalidate()
    _seen["version"] = version


def invalidate() -> None:
    """Forget everything read from the store; call after every write."""
    for fn in (observations, city_observations, meta):
        fn.clear()
    for fn in (config, _fresh, _published, _assessment, _cities, _duties, _robust, _findings, _noise, _proposed,
               _province_map, _pack_images, _county_images):
        fn.clear()
