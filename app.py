"""湖北省乡村振兴责任制考核看板 — the router: page config, shared sidebar, navigation."""

import streamlit as st

from components.layout import routed, sidebar
from components.pages import PAGES

st.set_page_config(page_title="湖北省乡村振兴责任制考核看板", page_icon="static/favicon.png",
                   layout="wide")

sections: dict[str, list] = {}
for spec in PAGES:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=f":material/{spec.icon}:", url_path=spec.key,
                default=spec.default))
navigation = st.navigation(sections)
sidebar()
with routed():
    navigation.run()
