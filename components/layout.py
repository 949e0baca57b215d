"""Shared layout: the sidebar (assessment year), page headers, and charts with their export
control."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import cached
from components.login import current_user, download, login_on
from components.maps import geo_chart
from components.pages import page_path
from components.state import url_widget
from revitalization.access import allowed, page_allowed
from revitalization.exports import images
from revitalization.maps.choropleth import TOPOJSON_URL
from revitalization.wording import md, year_label

PLOTLY_CONFIG = {
    "topojsonURL": TOPOJSON_URL,  # served locally: the app must work offline
    "displaylogo": False,
    # No plotly toolbar: its tooltips are English and every chart has its own Chinese
    # export control below it.
    "displayModeBar": False,
}
YEAR_KEY = "year_picker"  # the sidebar widget
SELECTED_YEAR = "selected_year"  # plain copy that pages read


TOUCH = ("iPad", "Android", "Mobile", "Tablet", "HarmonyOS")


def touch_device() -> bool:
    """A tablet or phone (from the browser's user agent): the menu starts collapsed and the
    year picker sits on the page."""
    agent = str(st.context.headers.get("User-Agent", ""))
    return any(word in agent for word in TOUCH)


def sidebar() -> None:
    """The assessment-year picker, kept in the URL (``?year=``) so views can be shared: in
    the sidebar, or at the top of the page on a tablet or phone (the menu starts collapsed)."""
    years = cached.assessment().years
    if not years:  # an office's new database: no year to pick yet
        st.sidebar.caption("尚无考核数据")
        return
    place = st.columns([1, 3])[0] if touch_device() else st.sidebar
    with place:
        year = url_widget("year", YEAR_KEY, years, years[-1], lambda: st.selectbox(
            "考核年度", years, key=YEAR_KEY, format_func=year_label,
            help="数据所属的考核年度（不是发布年份）"))
    with st.sidebar:
        if is_demo():
            st.caption("当前数据为**示例数据**（按固定随机种子生成，仅供演示，不代表真实考核结果）。")
        st.caption(f"方法指纹 `{cached.assessment().fingerprint}`")
    st.session_state[SELECTED_YEAR] = int(year)


def waiting(title: str, description: str) -> None:
    """What a results page will show, and the first step (the administrator imports data or
    opens a data round; everyone else waits for it)."""
    st.title(title)
    st.info(f"**尚无考核数据。** 有考核年度的数据后，本页显示：{description}。", icon=":material/info:")
    actor = current_user()
    if allowed(actor, "data"):
        st.markdown("第一步：导入一个或多个考核年度的指标数据（可下载模板），或发起年度填报由各县在线填写、"
                    "市州审核、省级确认（各县和市州的账号先在“账号管理”中建立）。")
        with st.container(horizontal=True):
            st.page_link(page_path("data"), label="数据管理：导入数据", icon=":material/database:")
            st.page_link(page_path("round"), label="年度填报：发起填报", icon=":material/assignment:")
            if page_allowed(actor, "accounts", login_on=login_on()):  # a page in the menu
                st.page_link(page_path("accounts"), label="账号管理：建立账号", icon=":material/manage_accounts:")
    else:
        st.markdown("省级管理员导入数据或确认年度填报后，这里显示考核结果。")


def selected_year() -> int:
    return int(st.session_state[SELECTED_YEAR])


def is_demo() -> bool:
    return cached.meta().get("demo") == "true"


def header(title: str, caption: str = "") -> None:
    """Page title with the demo label wherever demo data is shown, and a link to this very
    view (year, measure, county… are kept in the address) to copy and send."""
    # One flexible row: the button keeps its natural width (never cut to "复制…" on a
    # projector or beside an open menu) and wraps below a title too long for the row.
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.title(title)
        with st.popover("复制链接", icon=":material/link:"):
            st.caption("当前视图的链接（含年度、指标、县等选择），点右上角按钮复制后发送：")
            st.code(view_link(), language=None, wrap_lines=True)
    line = []
    if is_demo():
        line.append(":blue-badge[:material/science: 示例数据]")
    if caption:
        line.append(caption)
    if line:
        st.markdown(" ".join(line))
    frozen = cached.assessment().published.get(st.session_state.get(SELECTED_YEAR))  # none before any data
    if frozen:
        st.caption(f":material/lock: {md(frozen)}。此后的数据更正不改变已发布结果，"
                   "重新计算的差异见「数据管理」。")


def view_link() -> str:
    """The address of the current view: the page's URL with its kept choices."""
    base = str(st.context.url or "").split("?")[0]
    query = urlencode(st.query_params.to_dict())
    return base + (f"?{query}" if query else "")


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
    export_controls(lambda: fig, export_name or images.plain_title(fig), key)
    return clicked


def export_controls(make: Callable[[], go.Figure], name: str, key: str,
                    presets: tuple[str, ...] = tuple(images.PRESETS)) -> None:
    """PNG / SVG / PDF download of the figure ``make()`` builds — built and rendered only
    when the button is clicked, never on a rerun — in the ``presets`` it is made for."""
    with st.popover("导出图片", icon=":material/download:"):
        problem = images.renderer_status()
        if problem:
            st.info(problem)
            return
        c1, c2, c3 = st.columns(3)
        fmt = c1.selectbox("格式", list(images.FORMATS), format_func=images.FORMATS.get,
                           key=f"{key}_fmt")
        preset = c2.selectbox("尺寸", list(presets), key=f"{key}_preset",
                              format_func=lambda p: images.PRESETS[p].label)
        scale = c3.selectbox("清晰度", images.SCALES, format_func=lambda s: f"{s} 倍",
                             key=f"{key}_scale", disabled=fmt != "png")
        footer = images.source_line(demo=is_demo(), fingerprint=cached.assessment().fingerprint)
        download(f"生成并下载 {images.FORMATS[fmt]}", lambda: images.render(
            make(), fmt=fmt, preset=preset, scale=scale, footer=footer), file_name=images.file_name(name, fmt),
            mime=images.MIME[fmt], key=f"{key}_download", icon=":material/image:")
        st.caption("图片含标题、数据来源、制图日期和方法指纹。PNG 和 PDF 已含中文字形（PDF 中的文字可复制）；"
                   "SVG 不嵌入字体，打开它的电脑需装有思源黑体（Noto Sans CJK）或微软雅黑。")


def scorecard_table(card: pd.DataFrame) -> None:
    """A responsibility scorecard (``responsibilities.scorecard``) as every page shows it."""
    st.dataframe(card.drop(columns=["简称"]), hide_index=True, width="stretch",
                 height=35 * (len(card) + 1) + 3,
                 column_config={"得分": st.column_config.ProgressColumn(
                     min_value=0, max_value=100, format="%.1f"),
                     "状态": st.column_config.TextColumn(width="small"),
                     "依据指标": st.column_config.TextColumn(width="large")})
