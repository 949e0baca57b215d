"""简报导出: ready-to-paste text, the results table, and whole briefing packs (DOCX/PPTX/ZIP)."""

import streamlit as st

from components import cached
from components.layout import header, is_demo, selected_year
from components.login import current_user
from revitalization import profile, summary, tables
from revitalization.access import visible_counties
from revitalization.exports import documents, images, spreadsheets
from revitalization.notes import list_notes

config = cached.config()
assessment = cached.assessment()
regions = cached.regions()
year = selected_year()
header("简报导出", f"{year} 年度考核结果要点与简报包")
footer = images.source_line(demo=is_demo(), fingerprint=assessment.fingerprint)

st.subheader("简报要点（可直接粘贴）")
text = summary.briefing_summary(assessment, config, year)
st.markdown(text)
st.caption(footer)
st.text_area("简报文字（可复制）", f"{text}\n\n{footer}", height=220)
table = tables.ranking_table(assessment, config, year)
st.download_button("下载考核结果表（CSV，Excel 可直接打开）", data=lambda: spreadsheets.csv_bytes(table),
                   on_click="ignore",
                   file_name=f"乡村振兴实绩考核结果_{year}年度.csv", mime="text/csv",
                   icon=":material/download:")

st.subheader("简报包")
problem = images.renderer_status()
if problem:
    st.warning(problem, icon=":material/image_not_supported:")
    st.stop()
st.caption("点击按钮时才生成文件（全省简报包约需 10–15 秒）；图片为 16:9、2 倍清晰度，"
           "文档中文使用宋体/黑体（PPT 为微软雅黑），在 Word 和 WPS 中均可正常显示。"
           "每份文件均注明数据来源、制作日期和方法指纹。")


def context() -> documents.Context:
    robust = cached.robust(year).table if year in assessment.years else None
    return documents.Context(assessment, config, year, is_demo(), robust=robust)


def provincial(kind: str) -> bytes:
    ctx = context()
    pack = documents.provincial_images(ctx)
    if kind == "docx":
        return documents.provincial_docx(ctx, pack)
    if kind == "pptx":
        return documents.provincial_pptx(ctx, pack)
    return documents.images_zip(pack, ctx.footer)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
c1, c2, c3 = st.columns(3)
c1.download_button("全省简报（Word）", data=lambda: provincial("docx"), mime=DOCX,
                   file_name=f"乡村振兴实绩考核简报_{year}年度.docx", on_click="ignore",
                   icon=":material/description:", key="pack_docx", width="stretch")
c2.download_button("全省简报（PPT）", data=lambda: provincial("pptx"), mime=PPTX,
                   file_name=f"乡村振兴实绩考核简报_{year}年度.pptx", on_click="ignore",
                   icon=":material/slideshow:", key="pack_pptx", width="stretch")
c3.download_button("全部图片（ZIP）", data=lambda: provincial("zip"), mime="application/zip",
                   file_name=f"乡村振兴实绩考核图片_{year}年度.zip", on_click="ignore",
                   icon=":material/folder_zip:", key="pack_zip", width="stretch")
st.markdown("Word 简报内容：封面；总体情况与全省地图；考核排名表；通报表扬名单；约谈预警名单及原因；"
            "年度对比；五大振兴小图与市州汇总。")

st.subheader("县域画像与约谈单位汇编")
options = profile.search_options(regions)
codes = visible_counties(current_user(), regions)
left, right = st.columns(2)
with left:
    adcode = st.selectbox("县（市、区）", codes, format_func=options.get, key="export_county",
                          index=codes.index("421321") if "421321" in codes else 0)
    name = assessment.year(year).at[adcode, "name"]

    def county_pack() -> bytes:
        ctx = context()
        ctx.notes[adcode] = list_notes(cached.engine(), adcode)
        return documents.county_docx(ctx, adcode)

    st.download_button(f"{name}画像（Word）", data=county_pack, mime=DOCX, on_click="ignore",
                       file_name=f"{name}_县域画像_{year}年度.docx", key="pack_county",
                       icon=":material/description:")
with right:
    flagged = int(assessment.year(year)["flagged"].sum())
    st.markdown(f"{year} 年度列入约谈预警的 **{flagged} 个**单位，每个单位一节县域画像。")

    def flagged_pack() -> bytes:
        ctx = context()
        rows = assessment.year(year)
        for code in rows.index[rows["flagged"]]:
            ctx.notes[code] = list_notes(cached.engine(), code)
        return documents.flagged_docx(ctx)

    st.download_button("约谈单位画像汇编（Word）", data=flagged_pack, mime=DOCX, on_click="ignore",
                       file_name=f"约谈预警单位画像汇编_{year}年度.docx", key="pack_flagged",
                       icon=":material/description:", disabled=flagged == 0)
