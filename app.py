"""湖北省乡村振兴责任制考核看板 — the router: page config, log-in, sidebar, navigation."""

import streamlit as st

from components import cached
from components.errors import show_unexpected
from components.layout import sidebar, touch_device, waiting
from components.login import current_user, login_gate, login_on
from components.maps import preload_geo_chart
from components.pages import PAGES
from components.server import harden
from components.writes import clear_finished_forms
from revitalization.access import home_page, page_allowed
from revitalization.accounts import check_login
from revitalization.config import ConfigError
from revitalization.maps.layers import map_layer_url
from revitalization.paths import ROOT
from revitalization.regions import RegionError
from revitalization.settings import SettingsError
from revitalization.store import StoreError

harden()  # no client may empty the server's caches
CHINESE_CSS = f"<style>{(ROOT / 'static' / 'app.css').read_text(encoding='utf-8')}</style>"

st.set_page_config(page_title="湖北省乡村振兴责任制考核看板", page_icon="static/favicon.png",
                   layout="wide",  # tablets and phones: the menu starts collapsed
                   initial_sidebar_state="collapsed" if touch_device() else "auto")
st.html(CHINESE_CSS)  # Streamlit's own English words, in Chinese or hidden

try:  # every error ends in a Chinese message with a reference number, never a traceback
    try:  # a bad configuration file stops here with the file and key named, not a traceback
        cached.config()
        cached.regions()
        check_login(demo_database=cached.meta().get("demo") == "true")  # fails closed
    except (ConfigError, RegionError, SettingsError) as exc:
        st.error(f"**配置文件有误，看板无法启动。** 请修改后重启服务。\n\n{exc}", icon=":material/error:")
        st.stop()
    except StoreError as exc:  # not set up, or an older schema: the operator's command named
        st.error(f"**数据库尚未就绪，看板暂不能使用。** 请服务器管理员处理后刷新本页。\n\n{exc}",
                 icon=":material/database:")
        st.stop()
    cached.follow_writes()  # several servers on one database: another's write shows here too
    login_gate()  # stops here until log-in, when log-in is on
    actor = current_user()
    sections: dict[str, list] = {}
    specs = {}  # id(st.Page) -> its spec
    home = home_page(actor)
    has_results = bool(cached.assessment().years)  # an office's new database has none yet
    pages = {}
    for spec in PAGES:
        if page_allowed(actor, spec.key, login_on=login_on()):
            # The landing page is served at "/"; its own name (e.g. /overview, the address people
            # type) is a small page that forwards to it, hidden from the menu (the style below).
            page = st.Page(spec.path, title=spec.title, icon=f":material/{spec.icon}:",
                           url_path="start" if spec.key == home else spec.key,
                           default=spec.key == home)
            specs[id(page)] = spec
            pages[spec.key] = page
            sections.setdefault(spec.section, []).append(page)


    def forward_home() -> None:
        st.switch_page(pages[home], query_params=st.query_params.to_dict())


    alias = st.Page(forward_home, title=next(s.title for s in PAGES if s.key == home), url_path=home)
    sections[next(s.section for s in PAGES if s.key == home)].append(alias)
    st.html(f"<style>[data-testid='stSidebarNav'] li:has(a[href$='/{home}']) {{display: none}}</style>")
    navigation = st.navigation(sections, expanded=True)  # every page listed, no "View N more"
    if getattr(specs.get(id(navigation)), "maps", False):
        with st.sidebar:  # the first element sent: the map bundle loads while the page computes
            preload_geo_chart(map_layer_url("county"))
    sidebar()
    clear_finished_forms()
    shown = specs.get(id(navigation))
    if shown and shown.needs_results and not has_results:
        waiting(shown.title, shown.description)  # an office's new database: what to do first
    else:
        navigation.run()
except Exception as exc:  # noqa: BLE001 - the last line of defence (st.stop/rerun are not Exceptions)
    show_unexpected(exc)
