"""The one caching layer: expensive loads happen once per process, views filter outside.

Never mutate what these return: cached objects are shared between sessions.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from revitalization import store
from revitalization.config import IndicatorSystem, load_config
from revitalization.engine import Assessment, assess
from revitalization.regions import load_regions


@st.cache_resource
def config() -> IndicatorSystem:
    return load_config()


@st.cache_resource
def regions() -> pd.DataFrame:
    return load_regions()


@st.cache_resource
def engine() -> Engine:
    """The database engine; creates and seeds the store on first run."""
    eng = store.make_engine()
    store.init_db(eng, config(), regions())
    return eng


@st.cache_data(max_entries=2, show_spinner="正在读取数据…")
def observations() -> pd.DataFrame:
    return store.read_observations(engine())


@st.cache_data(max_entries=2)
def meta() -> dict[str, str]:
    return store.read_meta(engine())


@st.cache_resource(max_entries=2, show_spinner="正在计算考核结果…")
def _assessment(fingerprint: str) -> Assessment:
    return assess(observations(), regions(), config())


def assessment() -> Assessment:
    """The assessment of every year in the store (computed once per configuration)."""
    return _assessment(config().fingerprint())
