"""Shared layout: the sidebar (assessment year), page headers and chart display."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import plotly.graph_objects as go
import streamlit as st

from components import cached
from components.geo_chart import geo_chart
from revitalization import export
from revitalization.access import DEMO_ACTOR, Actor
from revitalization.accounts import (
    LoginError,
    actor_for_identity,
    auth_mode,
    authenticate,
    session_minutes,
)
from revitalization.figures import TOPOJSON_URL
from revitalization.paths import ROOT
from revitalization.views import md

PLOTLY_CONFIG = {
    "topojsonURL": TOPOJSON_URL,  # served locally: the app must work offline
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}
YEAR_KEY = "year_picker"  # the sidebar widget
SELECTED_YEAR = "selected_year"  # plain copy that pages read


def sidebar() -> None:
    """The assessment-year picker, kept in the URL (``?year=``) so views can be shared."""
    years = cached.assessment().years
    url_state(YEAR_KEY, "year", years, years[-1])
    with st.sidebar:
        st.selectbox("考核年度", years, key=YEAR_KEY, format_func=lambda y: f"{y} 年",
                     help="数据所属的考核年度（不是发布年份）")
        if is_demo():
            st.caption("当前数据为**示例数据**（按固定随机种子生成，仅供演示，不代表真实考核结果）。")
        st.caption(f"方法指纹 `{cached.assessment().fingerprint}`")
    st.session_state[SELECTED_YEAR] = int(st.session_state[YEAR_KEY])
    url_set(YEAR_KEY, "year", st.session_state[SELECTED_YEAR])


def selected_year() -> int:
    return int(st.session_state[SELECTED_YEAR])


def url_choice(name: str, options: list, default):
    """A choice restored from the URL (``?name=``), or ``default`` if absent or unknown."""
    value = st.query_params.get(name, "")
    return next((o for o in options if str(o) == value), default)


def url_state(key: str, name: str, options: list, default) -> None:
    """Seed a widget's session value from the URL (``?name=``) before the widget is drawn.

    The URL wins on a fresh session and when it changed since this page last wrote it (a
    followed link, e.g. a map click opening ``?county=…``); otherwise the widget keeps the
    user's choice. Pair with ``url_set`` after the widget.
    """
    raw = st.query_params.get(name)
    from_url = url_choice(name, options, None)
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default if from_url is None else from_url
    elif raw is not None and raw != st.session_state.get(f"_url_{key}") and from_url is not None:
        st.session_state[key] = from_url


def url_set(key: str, name: str, value) -> None:
    """Write a widget's value to the URL and remember it (see ``url_state``)."""
    st.query_params[name] = str(value)
    st.session_state[f"_url_{key}"] = str(value)


def is_demo() -> bool:
    return cached.meta().get("demo") == "true"


def header(title: str, caption: str = "") -> None:
    """Page title with the demo label wherever demo data is shown."""
    st.title(title)
    line = []
    if is_demo():
        line.append(":blue-badge[:material/science: 示例数据]")
    if caption:
        line.append(caption)
    if line:
        st.markdown(" ".join(line))
    frozen = cached.assessment().published.get(selected_year())
    if frozen:
        st.caption(f":material/lock: {md(frozen)}。此后的数据更正不改变已发布结果，"
                   "重新计算的差异见「数据管理」。")


ACTOR_KEY, SEEN_KEY = "actor", "actor_seen"


def current_user() -> Actor:
    """Who is acting: every write is checked against and recorded for this person. Without
    log-in configured (the demo), a local administrator."""
    if auth_mode() == "off":
        return DEMO_ACTOR
    return st.session_state[ACTOR_KEY]


def login_gate() -> None:
    """When log-in is on, stop here until a valid log-in; sessions time out when idle."""
    mode = auth_mode()
    if mode == "off":
        return
    if mode == "oidc":
        oidc_gate()
        return
    actor, seen = st.session_state.get(ACTOR_KEY), st.session_state.get(SEEN_KEY, 0.0)
    if actor is not None and time.time() - seen <= session_minutes() * 60:
        st.session_state[SEEN_KEY] = time.time()
        with st.sidebar:
            st.caption(f"当前用户：{md(str(actor))}")
            if st.button("退出登录", icon=":material/logout:", key="logout"):
                st.session_state.pop(ACTOR_KEY, None)
                st.rerun()
        return
    st.title("湖北省乡村振兴责任制考核看板")
    if actor is not None:
        st.session_state.pop(ACTOR_KEY, None)
        st.warning(f"已超过 {session_minutes()} 分钟未操作，请重新登录。", icon=":material/timer_off:")
    with st.form("login"):
        username = st.text_input("用户名")
        password = st.text_input("密码", type="password")
        if st.form_submit_button("登录", icon=":material/login:"):
            try:
                actor = authenticate(cached.engine(), username, password)
            except LoginError as exc:
                st.error(str(exc), icon=":material/block:")
            else:
                st.session_state[ACTOR_KEY], st.session_state[SEEN_KEY] = actor, time.time()
                st.rerun()
    st.stop()


def oidc_gate() -> None:
    """Log-in through the office's identity provider (Streamlit ``st.login``)."""
    if not st.user.is_logged_in:
        st.title("湖北省乡村振兴责任制考核看板")
        st.info("请使用单位统一身份认证登录。", icon=":material/badge:")
        st.button("统一身份认证登录", on_click=st.login, icon=":material/login:")
        st.stop()
    try:
        actor = actor_for_identity(cached.engine(), st.user.get("email"))
    except LoginError as exc:
        st.error(str(exc), icon=":material/block:")
        st.button("退出", on_click=st.logout)
        st.stop()
    st.session_state[ACTOR_KEY] = actor
    with st.sidebar:
        st.caption(f"当前用户：{md(str(actor))}")
        st.button("退出登录", on_click=st.logout, icon=":material/logout:", key="logout")


GEO_TRACES = {"choropleth", "scattergeo"}


def chart(fig: go.Figure, *, key: str, export_name: str | None = None,
          clickable: bool = False) -> str | None:
    """Show a plotly figure as built (no Streamlit theme: the screen matches the export),
    with a 导出图片 control that renders this very figure on click.

    Maps (geo traces only) are drawn with the light local geo bundle (``geo_chart``); a
    ``clickable`` map returns the adcode of a clicked county. Other charts return None.
    """
    clicked = None
    if fig.data and all(trace.type in GEO_TRACES for trace in fig.data):
        clicked = geo_chart(fig, key=key, config=PLOTLY_CONFIG, clickable=clickable)
    else:
        st.plotly_chart(fig, config=PLOTLY_CONFIG, theme=None, key=key)
    export_controls(lambda: fig, export_name or export.plain_title(fig), key)
    return clicked


def export_controls(make: Callable[[], go.Figure], name: str, key: str) -> None:
    """PNG / SVG / PDF download of the figure ``make()`` builds — built and rendered only
    when the button is clicked, never on a rerun."""
    with st.popover("导出图片", icon=":material/download:"):
        problem = export.renderer_status()
        if problem:
            st.info(problem)
            return
        c1, c2, c3 = st.columns(3)
        fmt = c1.selectbox("格式", list(export.FORMATS), format_func=export.FORMATS.get,
                           key=f"{key}_fmt")
        preset = c2.selectbox("尺寸", list(export.PRESETS), key=f"{key}_preset",
                              format_func=lambda p: export.PRESETS[p].label)
        scale = c3.selectbox("清晰度", export.SCALES, format_func=lambda s: f"{s} 倍",
                             key=f"{key}_scale", disabled=fmt != "png")
        footer = export.source_line(demo=is_demo(), fingerprint=cached.assessment().fingerprint)
        st.download_button(
            f"生成并下载 {export.FORMATS[fmt]}",
            data=lambda: export.render(make(), fmt=fmt, preset=preset, scale=scale, footer=footer),
            file_name=export.file_name(name, fmt), mime=export.MIME[fmt], on_click="ignore",
            key=f"{key}_download", icon=":material/image:")
        st.caption("图片含标题、数据来源、制图日期和方法指纹，中文字体已嵌入。")


_run = threading.local()  # per script thread: is app.py's navigation running this page?


@contextmanager
def routed() -> Iterator[None]:
    """Wrap ``navigation.run()`` in app.py: pages run inside it are routed."""
    _run.active = True
    try:
        yield
    finally:
        _run.active = False


def ensure_router() -> None:
    """Route a page through app.py when Streamlit ran it directly.

    With a ``pages/`` folder next to ``app.py``, a fresh server whose first request is a
    page URL (e.g. ``/county?county=421321``) runs that page script on its own, in the
    legacy multipage mode, skipping the router; AppTest does the same after
    ``switch_page``. Switch the legacy mode off and run app.py (page config, sidebar,
    ``st.navigation``, then this page) inside the same script run, so that widget
    events such as a button click are handled by that run and not lost to a rerun.
    """
    if getattr(_run, "active", False):
        return
    import runpy

    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
    st.stop()
