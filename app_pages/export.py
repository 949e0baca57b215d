"""简报导出: ready-to-paste text, the results table, and whole briefing packs (DOCX/PPTX/ZIP)."""

import streamlit as st

from components import cached
from components.layout import header, is_demo, selected_year
from components.login import current_user, download
from revitalization import briefing, profile, summary, tables
from revitalization.access import allowed, refusal, visible_counties
from revitalization.exports import documents, images, spreadsheets
from revitalization.wording import md

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
download("下载考核结果表（CSV，Excel 可直接打开）", lambda: spreadsheets.csv_bytes(table),
         file_name=f"乡村振兴实绩考核结果_{year}年度.csv", mime="text/csv", icon=":material/download:")

st.subheader("简报包")
problem = images.renderer_status()
if problem:
    st.warning(problem, icon=":material/image_not_supported:")
    st.stop()
engine = cached.engine()
actor = current_user()
head = briefing.load(engine)
issue = md(head.issue) if head.issue else "期号未设置"
with st.expander(f"简报版头和版记：{md(head.name)} · {issue} · {md(head.unit)}", icon=":material/edit_note:"):
    st.caption("设置一次，之后每份 Word 简报都沿用；期号留空时，简报中保留“第　　期”由经办人填写。")
    if allowed(actor, "briefing"):
        with st.form("briefing_head"):
            c1, c2 = st.columns(2)
            values = {key: (c1 if n % 2 == 0 else c2).text_input(
                label, getattr(head, key), max_chars=briefing.LIMITS[key], key=f"head_{key}")
                for n, (key, label) in enumerate(briefing.LABELS.items())}
            if st.form_submit_button("保存版头和版记", icon=":material/save:"):
                try:
                    head = briefing.save(engine, actor, briefing.BriefingHead(**values))
                    st.success("已保存，之后生成的简报使用新的版头和版记。", icon=":material/check:")
                except ValueError as exc:  # bad values or no right: said plainly, nothing saved
                    st.error(str(exc), icon=":material/error:")
    else:
        st.markdown("\n".join(f"- {label}：{getattr(head, key) or '（空）'}"
                              for key, label in briefing.LABELS.items()))
        st.caption(refusal(actor, "briefing"))
st.caption("点击按钮时才生成文件；同一天内三个按钮共用同一批图片，不重复生成。"
           "Word 简报按公文格式排版（版头、期号、仿宋_GB2312 正文、黑体标题、页码、版记），"
           "图片按 15.6 厘米版心宽度排版；幻灯片为 16:9，每页一幅图。每份文件注明数据来源、"
           "制作日期和方法指纹。")


def context() -> documents.Context:
    robust = cached.robust(year).table if year in assessment.years else None
    return documents.Context(assessment, config, year, is_demo(), robust=robust, head=head,
                             cities=cached.city_assessment())


def provincial(kind: str) -> bytes:
    ctx = context()
    if kind == "docx":
        return documents.provincial_docx(ctx, cached.pack_images(year, is_demo(), documents.DOC_PRESET))
    pack = cached.pack_images(year, is_demo(), "slide")
    if kind == "pptx":
        return documents.provincial_pptx(ctx, pack)
    return documents.images_zip(pack, ctx.footer)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
c1, c2, c3 = st.columns(3)
download("全省简报（Word）", lambda: provincial("docx"), mime=DOCX, file_name=f"乡村振兴实绩考核简报_{year}年度.docx",
         icon=":material/description:", key="pack_docx", width="stretch", heavy=True, where=c1)
download("全省简报（PPT）", lambda: provincial("pptx"), mime=PPTX, file_name=f"乡村振兴实绩考核简报_{year}年度.pptx",
         icon=":material/slideshow:", key="pack_pptx", width="stretch", heavy=True, where=c2)
download("全部图片（ZIP）", lambda: provincial("zip"), mime="application/zip",
         file_name=f"乡村振兴实绩考核图片_{year}年度.zip", icon=":material/folder_zip:", key="pack_zip",
         width="stretch", heavy=True, where=c3)
st.markdown("Word 简报内容：版头；总体情况与全省地图；考核排名表；通报表扬名单；约谈预警名单及原因"
            "（含升级处理和稳健性）；年度对比；市州考核（市州排名、优秀和约谈预警市州、市州地图）；五大振兴小图；"
            "下一步工作要求（由经办人填写）；版记。")

st.subheader("县域画像与约谈单位汇编")
options = profile.search_options(regions)
codes = visible_counties(actor, regions)
left, right = st.columns(2)
with left:
    adcode = st.selectbox("县（市、区）", codes, format_func=options.get, key="export_county",
                          index=codes.index("421321") if "421321" in codes else 0)
    name = assessment.year(year).at[adcode, "name"]

    def county_pack() -> bytes:
        ctx = context()
        documents.add_records(ctx, engine, adcode, actor=actor)
        return documents.county_docx(ctx, adcode, cached.county_images(
            year, is_demo(), adcode, documents.DOC_PRESET))

    download(f"{name}画像（Word）", county_pack, mime=DOCX, file_name=f"{name}_县域画像_{year}年度.docx",
             key="pack_county", icon=":material/description:", heavy=True)
with right:
    rows = assessment.year(year)
    # the records of each unit go in: a 市州用户's compendium holds its own counties only
    flagged_codes = [c for c in rows.index[rows["assessed"] & rows["flagged"]] if c in codes]
    area = "" if len(codes) == len(regions) else "本辖区"
    st.markdown(f"{year} 年度{area}列入约谈预警的 **{len(flagged_codes)} 个**单位，每个单位一节县域画像"
                "（预警原因、升级处理、稳健性、数据说明、差距测算、约谈与整改记录）。")

    def flagged_pack() -> bytes:
        ctx = context()
        for code in flagged_codes:
            documents.add_records(ctx, engine, code, actor=actor)
        return documents.flagged_docx(ctx, {code: cached.county_images(
            year, is_demo(), code, documents.DOC_PRESET) for code in flagged_codes})

    download("约谈单位画像汇编（Word）", flagged_pack, mime=DOCX, file_name=f"约谈预警单位画像汇编_{year}年度.docx",
             key="pack_flagged", icon=":material/description:", disabled=not flagged_codes, heavy=True)
