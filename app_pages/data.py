"""数据管理: what is in the store, imports and hand edits (with undo), the region registry."""

import streamlit as st

from components import cached
from components.corrections import correction_section
from components.layout import header
from components.login import current_user, download
from components.state import show_flash
from components.uploads import checked_upload
from components.writes import submit_write, write_button
from revitalization import citydata, importer, tables
from revitalization.access import allowed, refusal, refusal_in_scope, visible_counties
from revitalization.cities import city_frame
from revitalization.exports import spreadsheets
from revitalization.wording import md, shown_time, today, year_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEMS_LISTED = 40  # more than this: the first ones listed, all in a table

config = cached.config()
actor = current_user()
# Reading is scoped like writing: a 县级填报员 sees and downloads its own county, a 市州用户
# its own counties; the province everything.
everything = cached.regions()
mine = visible_counties(actor, everything)
whole = len(mine) == len(everything)
regions = everything if whole else everything[everything["adcode"].isin(mine)]
obs = cached.observations() if whole else cached.observations().query("adcode in @mine")
meta = cached.meta()
scope = ("全省" if whole else "、".join(regions["name"]) if len(regions) <= 3
         else f"本市州 {len(regions)} 个县（市、区）")
header("数据管理", f"数据集概况、导入与修改、区划名录（范围：{scope}）")
# the years on offer: those stored, or (a new database) the last assessment year before this one
first, last = (int(obs["year"].min()), int(obs["year"].max())) if len(obs) else (today().year - 1,) * 2

with st.container(horizontal=True, gap="large"):  # cards wrap on a narrow screen, never cut
    st.metric("观测值", f"{len(obs):,} 条", width="content")
    st.metric("考核年度", f"{first}–{last} 年" if len(obs) else "尚无数据", width="content")
    st.metric("指标", f"{len(config.indicators)} 项", help=f"其中门槛指标 {len(config.gates)} 项",
              width="content")
    st.metric("县级单位", f"{len(regions)} 个", help=f"纳入考核 {int(regions['assessed'].sum())} 个",
              width="content")
if meta.get("demo") == "true":
    st.info(f"当前为示例数据：由固定随机种子 {meta.get('demo_seed', '')} 生成，"
            f"入库时间 {shown_time(meta.get('seeded_at'))}（北京时间）。")
st.subheader("各年度数据完整性")
if len(obs):
    st.dataframe(tables.coverage_table(obs, regions, config), width="content")
else:
    st.caption("尚无数据：导入后按考核年度列出观测值条数和缺失。")

# Import ---------------------------------------------------------------------------------
st.subheader("导入数据")
st.caption("支持 .xlsx 和 .csv / .txt（UTF-8、GBK、UTF-16 编码自动识别），宽表（每行一个县、每列一个指标）或长表"
           "（县、年度、指标、数值）。上传后先检查并预览，确认无误才写入；每次导入都可撤销。")
templates = st.container(horizontal=True, vertical_alignment="bottom")
template_year = templates.selectbox("模板年度", list(range(last + 1, first - 1, -1)),
                                    index=0 if len(obs) else 1,  # a new database: last year's data first
                                    format_func=year_label, key="template_year", width=160)
for kind, label, icon in (("wide", "宽表", "grid_on"), ("long", "长表", "list")):
    download(f"下载{label}模板", lambda kind=kind, label=label: spreadsheets.xlsx_bytes(
        importer.template(kind, config, regions, template_year), label), mime=XLSX,
        icon=f":material/{icon}:", file_name=f"数据导入模板_{label}_{template_year}年.xlsx", where=templates)
may_import = any(allowed(actor, "data", a, c)
                 for a, c in zip(regions["adcode"], regions["city_adcode"], strict=True))
upload = st.file_uploader(f"选择文件（.xlsx / .csv / .txt，单个文件不超过 {importer.MAX_BYTES // 2**20} MB、"
                          f"{importer.MAX_ROWS:,} 行）",
                          type=["xlsx", "csv", "txt", "xls"],
                          key=f"upload_{st.session_state.get('upload_n', 0)}",
                          help="表格可带标题行、填表说明、合计行和两行（合并）表头；区划代码或县（市、区）列"
                               "可用常见的各种列名；公式按 Excel/WPS 保存的结果读取，不会执行") \
    if may_import else None
if not may_import:  # a read-only account never starts a (costly) check
    st.caption(f"当前账号不能导入数据：{refusal(actor, 'data') or '只读账号'}。"
               + ("本县数据经“年度填报”报送（市州审核、省级确认后写入）；已结束年度的更正在下方“更正申请”中提出。"
                  if actor.role == "county" else ""))
show_flash()


def next_upload(_=None) -> None:
    """A committed file leaves the uploader: the next upload starts empty."""
    st.session_state["upload_n"] = st.session_state.get("upload_n", 0) + 1
    for key in ("import_sheet", "import_year", "import_file", "import_check"):
        st.session_state.pop(key, None)


if upload is not None:
    if st.session_state.get("import_file") != upload.file_id:  # a new file: its own choices
        st.session_state["import_file"] = upload.file_id
        st.session_state.pop("import_sheet", None)
    s1, s2 = st.columns(2)
    years = [None, *range(last + 1, first - 2, -1)]
    chosen_year = s2.selectbox("考核年度（文件中没有“年度”列时使用）", years, key="import_year",
                               format_func=lambda y: "按文件（年度列、标题或文件名）" if y is None
                               else year_label(y))
    # checked once per file, choices and data version, not again on every rerun of the page;
    # the check sees only the values of the actor's own scope
    report = checked_upload("import_check", upload, importer.validate, regions=everything,
                            config=config, existing=cached.observations(), actor=actor,
                            default_year=chosen_year, sheet=st.session_state.get("import_sheet"),
                            choices=(chosen_year, st.session_state.get("import_sheet"),
                                     cached.assessment().fingerprint))
    if len(report.sheets) > 1:
        s1.selectbox("工作表", report.sheets, key="import_sheet",
                     index=report.sheets.index(report.sheet) if report.sheet in report.sheets else 0)
    if report.problems:
        where = "，".join(x for x in (report.form, report.encoding,
                                      f"工作表“{report.sheet}”" if report.sheet else "") if x)
        st.markdown(f"**检查结果**：{len(report.errors)} 个错误，{len(report.warnings)} 个警告，"
                    f"{len(report.notes)} 条提示" + (f"（{where}）" if where else ""))
        shown_problems = sorted(report.problems, key=lambda p: importer.LEVELS.index(p.level))
        icons = {"错误": ":red[:material/block:]", "警告": ":orange[:material/warning:]",
                 "提示": ":blue[:material/info:]"}
        st.markdown("\n".join(f"- {icons[p.level]} {p.level}：{md(p.text())}"
                               for p in shown_problems[:PROBLEMS_LISTED]))
        if len(report.problems) > PROBLEMS_LISTED:
            with st.expander(f"全部 {len(report.problems)} 条（表格）"):
                st.dataframe(report.table(), hide_index=True, width="stretch")
    if report.errors:
        st.error("文件有错误，**未写入任何数据**。请按上表修改后重新上传。", icon=":material/block:")
    elif report.ok:
        preview = importer.diff(report, obs)
        counts = preview["status"].value_counts()
        c = st.columns(3)
        for col, label in zip(c, ("新增", "修改", "不变"), strict=True):
            col.metric(label, f"{int(counts.get(label, 0))} 个数值")
        shown = tables.import_preview(preview, everything, config, report.sheet)
        st.dataframe(shown, hide_index=True, width="stretch")
        frozen_years = set(cached.published())
        touched = sorted(set(shown["年度"]) & frozen_years)
        reason = ""
        if touched:
            st.warning(f"本次导入会更正已发布年度 {'、'.join(map(str, touched))} 年的数据：已发布结果保持不变，"
                       "更正会被单独记录；如需更新发布结果，请在“结果发布”页重新发布。", icon=":material/lock:")
            reason = st.text_input("更正原因（必填）", key="import_reason")
        if shown.empty:
            st.info("文件中的数值与库中完全相同，无需导入。")
        else:
            write_button(
                "确认导入", lambda: importer.commit(cached.engine(), report, obs, file_name=upload.name,
                                                 actor=actor, published_years=frozen_years, reason=reason),
                done=lambda batch: (f"已导入（批次 {batch}）：新增 {int(counts.get('新增', 0))}、"
                                    f"修改 {int(counts.get('修改', 0))} 个数值。"),
                refusal=refusal_in_scope(actor, "data"), after=next_upload, key="import_commit",
                type="primary", icon=":material/upload:")

history = importer.batches(cached.engine(), actor=actor) if actor.province else None
if history is not None and not history.empty:
    st.markdown("**导入记录**")
    st.dataframe(tables.batch_table(history), hide_index=True, width="stretch")
    active = history[history["rolled_back_at"] == ""]["id"].tolist()
    if active:
        c1, c2 = st.columns([3, 1])
        pick = c1.selectbox("撤销导入批次", active, format_func=lambda b: f"批次 {b}", key="rollback_pick")
        with c2:
            write_button("撤销", lambda: importer.rollback(cached.engine(), pick, actor=actor),
                         done=lambda n: f"已撤销批次 {pick}，恢复了 {n} 个数值。",
                         refusal=refusal(actor, "rollback"), key="rollback_button", icon=":material/undo:")

if may_import and len(obs):  # the province's: an assessed county never edits its own values
    with st.expander("手工修改单个数值", icon=":material/edit:"):
        st.caption("须填写修改原因；修改按导入批次记录，可在导入记录中撤销。")
        with st.form("edit_value"):
            f1, f2, f3 = st.columns(3)
            names = dict(zip(regions["adcode"], regions["name"], strict=True))
            e_code = f1.selectbox("县（市、区）", list(names), format_func=names.get)
            e_year = f2.selectbox("考核年度", sorted(obs["year"].unique(), reverse=True), format_func=year_label)
            e_ind = f3.selectbox("指标", [i.code for i in config.indicators],
                                 format_func=lambda c: f"{config.indicator(c).name}（{config.indicator(c).unit}）")
            g1, g2 = st.columns([1, 3])
            e_value = g1.text_input("新数值")
            e_reason = g2.text_input("修改原因")
            submit_write("保存修改", lambda: importer.edit_value(
                cached.engine(), adcode=e_code, year=int(e_year), indicator=e_ind, value=e_value,
                reason=e_reason, actor=actor, regions=everything, config=config,
                existing=cached.observations(),
                published_years=set(cached.published())),
                done=lambda batch: "数值未变化，未写入。" if batch is None else f"已保存修改（批次 {batch}）。",
                refusal=refusal_in_scope(actor, "data"), icon=":material/save:")

if len(obs):  # a closed year's values corrected by the reviewed path (county → 市州 → province)
    correction_section(actor, everything, obs)

if whole and config.city.indicators:  # the 市州 tier's own indicators: the province enters them
    with st.expander("市级指标（17 个市州，市州层级考核用）", icon=":material/apartment:"):
        st.caption("每个市州一行；空白表示未报送（考核时按规则插补并注明）。数值须在合理范围内，"
                   "有一处不合格则全部不保存；每个数值的修改都记入审计日志。")
        city_obs = cached.city_observations()[0]
        cities = city_frame(everything, config)
        names = dict(zip(cities["adcode"], cities["name"], strict=True))
        known = sorted(set(obs["year"]) | set(city_obs["year"]) | {last}, reverse=True)
        city_year = st.selectbox("考核年度", known, format_func=year_label, key="city_data_year")
        if city_year in cached.published():
            st.warning(f"{city_year} 年结果已发布：这里的修改会保存并记录，但市州的已发布结果保持不变，"
                       "在“结果发布”页重新发布（更正）后才生效。", icon=":material/lock:")
        current = citydata.table(city_obs, config, cities, city_year)
        shown = current.rename(index=names).rename_axis("市州")
        edited = st.data_editor(
            shown, key=f"city_data_{city_year}", width="stretch",
            column_config={i.code: st.column_config.NumberColumn(
                f"{i.name}（{i.unit}）", min_value=i.valid_min, max_value=i.valid_max,
                format=f"%.{i.decimals}f", help=i.definition) for i in config.city.indicators})
        edited.index = current.index
        city_reason = st.text_input("修改原因", key="city_data_reason",
                                    placeholder="如：根据市财政局 2025 年决算更正")
        try:
            pending = citydata.changes(current, edited, config, names)
        except citydata.CityDataError as exc:
            st.error(str(exc), icon=":material/block:")
            pending = []
        if pending:
            st.caption(f"待保存：{len(pending)} 个数值。")
            write_button("保存市级指标", lambda: citydata.save(cached.engine(), config, city_year, pending,
                                                       actor=actor, reason=city_reason),
                         done=lambda n: f"已保存 {n} 个市级指标数值。", key="city_data_save",
                         refusal=refusal(actor, "data"), icon=":material/save:")

# Registry and downloads -------------------------------------------------------------------
st.subheader("区划名录")
st.dataframe(tables.region_table(regions), hide_index=True, width="stretch")
label = "全部" if whole else "本辖区"
download(f"下载{label}数据（宽表 XLSX）", lambda: spreadsheets.xlsx_bytes(
    importer.wide_export(obs, config, regions), f"{label}数据"), mime=XLSX, icon=":material/table_view:",
         file_name=f"乡村振兴指标数据_宽表{'' if whole else '_' + scope}.xlsx")
download(f"下载{label}观测值（长表 CSV）", lambda: spreadsheets.csv_bytes(obs),
         file_name=f"乡村振兴观测值{'' if whole else '_' + scope}.csv", mime="text/csv", icon=":material/download:")
