"""简报导出: the year's key findings as ready-to-paste Chinese text, and the results table."""

import datetime as dt

import streamlit as st

from components import cached
from components.layout import ensure_router, header, is_demo, selected_year
from revitalization import views

ensure_router()

config = cached.config()
assessment = cached.assessment()
year = selected_year()
header("简报导出", f"{year} 年度考核结果要点")

text = views.briefing_summary(assessment, config, year)
source = "数据来源：示例数据（仅供演示）" if is_demo() else "数据来源：省委农办"
stamp = f"{source}；生成日期：{dt.date.today():%Y年%m月%d日}；方法指纹：{assessment.fingerprint}"
st.markdown(text)
st.caption(stamp)
st.text_area("简报文字（可复制）", f"{text}\n\n{stamp}", height=220)

table = views.ranking_table(assessment, config, year)
st.download_button("下载考核结果表（CSV，Excel 可直接打开）",
                   table.to_csv(index=False).encode("utf-8-sig"),
                   file_name=f"乡村振兴实绩考核结果_{year}年度.csv", mime="text/csv",
                   icon=":material/download:")
