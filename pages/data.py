"""数据管理: what is in the store, the indicator system and the region registry."""

import json

import pandas as pd
import streamlit as st

from components import cached
from components.layout import current_user, ensure_router, header
from revitalization import importer, methods, tabular
from revitalization.access import ROLES, PermissionDenied
from revitalization.accounts import LoginError, accounts, auth_mode, create_account
from revitalization.config import DIRECTIONS, ConfigError, apply_overrides
from revitalization.publish import DIFF_LABELS, PublishError, publish, recompute_diff
from revitalization.views import md

ensure_router()

config = cached.config()
regions = cached.regions()
obs = cached.observations()
meta = cached.meta()
header("数据管理", "数据集概况、指标体系与区划名录")

c = st.columns(4)
c[0].metric("观测值", f"{len(obs):,} 条")
c[1].metric("考核年度", f"{obs['year'].min()}–{obs['year'].max()} 年")
c[2].metric("指标", f"{len(config.indicators)} 项", help=f"其中门槛指标 {len(config.gates)} 项")
c[3].metric("县级单位", f"{len(regions)} 个", help=f"纳入考核 {int(regions['assessed'].sum())} 个")
if meta.get("demo") == "true":
    st.info(f"当前为示例数据：由固定随机种子 {meta.get('demo_seed', '')} 生成，"
            f"入库时间 {meta.get('seeded_at', '')}（UTC）。")

expected = len(regions) * len(config.indicators)
coverage = obs.groupby("year").size().rename("观测值").to_frame()
coverage["缺失"] = expected - coverage["观测值"]
coverage.index = coverage.index.map(lambda y: f"{y} 年").rename("考核年度")
st.subheader("各年度数据完整性")
st.dataframe(coverage, width="content")

st.subheader("导入数据")
st.caption("支持 .xlsx 和 .csv（UTF-8 或 GBK 编码自动识别），宽表（每行一个县、每列一个指标）或长表"
           "（县、年度、指标、数值）。上传后先检查并预览，确认无误才写入；每次导入都可撤销。")
t1, t2, t3 = st.columns([1, 1, 2])
template_year = t3.selectbox("模板年度", list(range(obs["year"].max() + 1, obs["year"].min() - 1, -1)),
                             format_func=lambda y: f"{y} 年", key="template_year")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
t1.download_button("下载宽表模板", data=lambda: tabular.xlsx_bytes(
    importer.template("wide", config, regions, template_year), "宽表"), on_click="ignore",
    file_name=f"数据导入模板_宽表_{template_year}年.xlsx", mime=XLSX, icon=":material/grid_on:")
t2.download_button("下载长表模板", data=lambda: tabular.xlsx_bytes(
    importer.template("long", config, regions, template_year), "长表"), on_click="ignore",
    file_name=f"数据导入模板_长表_{template_year}年.xlsx", mime=XLSX, icon=":material/list:")
upload = st.file_uploader("选择文件", type=["xlsx", "csv"],
                          key=f"upload_{st.session_state.get('upload_n', 0)}",
                          help=f"单个文件不超过 {importer.MAX_BYTES // 2**20} MB；"
                               "公式按 Excel 保存的结果读取，不会执行")
if flash := st.session_state.pop("import_flash", None):
    st.success(flash)
if upload is not None:
    data = upload.getvalue()
    report = importer.validate(upload.name, data, regions=regions, config=config, existing=obs)
    if report.problems:
        st.markdown(f"**检查结果**：{len(report.errors)} 个错误，{len(report.warnings)} 个警告"
                    + (f"（{report.form}，{report.encoding}）" if report.form else ""))
        st.dataframe(report.table(), hide_index=True, width="stretch")
    if report.errors:
        st.error("文件有错误，**未写入任何数据**。请按上表修改后重新上传。", icon=":material/block:")
    elif report.ok:
        preview = importer.diff(report, obs)
        counts = preview["status"].value_counts()
        c = st.columns(3)
        for col, label in zip(c, ("新增", "修改", "不变"), strict=True):
            col.metric(label, f"{int(counts.get(label, 0))} 个数值")
        names = regions.set_index("adcode")["name"]
        shown = preview[preview["status"] != "不变"]
        st.dataframe(pd.DataFrame({
            "行": shown["row"], "县（市、区）": shown["adcode"].map(names), "年度": shown["year"],
            "指标": shown["indicator"].map(lambda c: config.indicator(c).name),
            "原值": shown["old"], "新值": shown["value"], "变化": shown["status"]}),
            hide_index=True, width="stretch")
        frozen_years = set(cached.published())
        touched = sorted(set(shown["year"]) & frozen_years)
        reason = ""
        if touched:
            st.warning(f"本次导入会更正已发布年度 {'、'.join(map(str, touched))} 年的数据：已发布结果保持不变，"
                       "更正会被单独记录；如需更新发布结果，请在下方重新发布。", icon=":material/lock:")
            reason = st.text_input("更正原因（必填）", key="import_reason")
        if shown.empty:
            st.info("文件中的数值与库中完全相同，无需导入。")
        elif st.button("确认导入", type="primary", icon=":material/upload:", key="import_commit"):
            try:
                batch = importer.commit(cached.engine(), report, obs, file_name=upload.name,
                                        actor=current_user(), published_years=frozen_years,
                                        reason=reason)
            except ValueError as exc:
                st.error(str(exc))
            else:
                cached.invalidate()
                st.session_state["upload_n"] = st.session_state.get("upload_n", 0) + 1
                st.session_state["import_flash"] = (f"已导入（批次 {batch}）：新增 {int(counts.get('新增', 0))}、"
                                                    f"修改 {int(counts.get('修改', 0))} 个数值。")
                st.rerun()

history = importer.batches(cached.engine())
if not history.empty:
    st.markdown("**导入记录**")
    st.dataframe(history.rename(columns={
        "id": "批次", "file_name": "文件", "user": "导入人", "at": "时间（UTC）", "rows_new": "新增",
        "rows_changed": "修改", "rows_unchanged": "不变", "published_years": "更正已发布年度",
        "reason": "更正原因", "rolled_back_at": "撤销时间"}).drop(columns="file_hash"),
        hide_index=True, width="stretch")
    active = history[history["rolled_back_at"] == ""]["id"].tolist()
    if active:
        c1, c2 = st.columns([3, 1])
        pick = c1.selectbox("撤销导入批次", active, format_func=lambda b: f"批次 {b}", key="rollback_pick")
        if c2.button("撤销", key="rollback_button", icon=":material/undo:"):
            try:
                n = importer.rollback(cached.engine(), pick, actor=current_user())
            except ValueError as exc:
                st.error(str(exc))
            else:
                cached.invalidate()
                st.session_state["import_flash"] = f"已撤销批次 {pick}，恢复了 {n} 个数值。"
                st.rerun()

with st.expander("手工修改单个数值", icon=":material/edit:"):
    st.caption("须填写修改原因；修改按导入批次记录，可在导入记录中撤销。")
    with st.form("edit_value"):
        f1, f2, f3 = st.columns(3)
        names = dict(zip(regions["adcode"], regions["name"], strict=True))
        e_code = f1.selectbox("县（市、区）", list(names), format_func=names.get)
        e_year = f2.selectbox("考核年度", sorted(obs["year"].unique(), reverse=True),
                              format_func=lambda y: f"{y} 年")
        e_ind = f3.selectbox("指标", [i.code for i in config.indicators],
                             format_func=lambda c: f"{config.indicator(c).name}（{config.indicator(c).unit}）")
        g1, g2 = st.columns([1, 3])
        e_value = g1.text_input("新数值")
        e_reason = g2.text_input("修改原因")
        if st.form_submit_button("保存修改", icon=":material/save:"):
            try:
                batch = importer.edit_value(
                    cached.engine(), adcode=e_code, year=int(e_year), indicator=e_ind,
                    value=e_value, reason=e_reason, actor=current_user(), regions=regions,
                    config=config, existing=obs, published_years=set(cached.published()))
            except ValueError as exc:
                st.error(str(exc))
            else:
                cached.invalidate()
                st.session_state["import_flash"] = ("数值未变化，未写入。" if batch is None
                                                    else f"已保存修改（批次 {batch}）。")
                st.rerun()

st.subheader("发布考核结果（冻结）")
if flash := st.session_state.pop("data_flash", None):
    st.success(flash, icon=":material/lock:")
st.caption("发布后，该年度的得分、排名、等次和预警即被冻结：此后数据更正不会悄悄改变已发布结果。"
           "更正已发布年度须填写原因，作为新版本发布，旧版本保留。")
fresh = cached.fresh_assessment()
frozen = cached.published()
status = pd.DataFrame([{
    "考核年度": f"{y} 年",
    "状态": f"已发布（第 {frozen[y].revision} 版）" if y in frozen else "未发布",
    "发布时间（UTC）": frozen[y].published_at.replace("T", " ")[:16] if y in frozen else "",
    "发布人": frozen[y].published_by if y in frozen else "",
    "方法指纹": frozen[y].fingerprint if y in frozen else fresh.fingerprint,
} for y in fresh.years])
st.dataframe(status, hide_index=True, width="content")
with st.form("publish"):
    year = st.selectbox("考核年度", fresh.years, index=len(fresh.years) - 1, key="publish_year",
                        format_func=lambda y: f"{y} 年")
    reason = st.text_input("更正原因（仅重新发布已发布年度时填写）")
    submitted = st.form_submit_button("发布该年度结果", icon=":material/lock:")
if year in frozen:
    diff = recompute_diff(frozen[year], fresh)
    if diff.empty:
        st.success(f"{year} 年：按当前数据和方法重新计算，结果与已发布结果一致。")
    else:
        st.warning(f"{year} 年：按当前数据和方法重新计算，有 {len(diff)} 个单位的结果与已发布结果不同"
                   "（已发布结果保持不变）。")
        st.dataframe(diff.rename(columns=DIFF_LABELS),
            hide_index=True, width="stretch",
            column_config={c: st.column_config.NumberColumn(format="%.1f")
                           for c in ("已发布综合得分", "重新计算综合得分")})
if submitted:
    try:
        revision = publish(cached.engine(), fresh, year, actor=current_user(), reason=reason)
    except (PublishError, PermissionDenied) as exc:
        st.error(str(exc))
    else:
        cached.invalidate()
        st.session_state["data_flash"] = f"{year} 年结果已发布（第 {revision} 版）。"
        st.rerun()

st.subheader("指标体系")
st.caption(f"现行方法：{config.source_path} · 指标体系指纹 {config.fingerprint()}"
           "（侧栏的方法指纹还包含数据）。可在下表中修改权重、上下阈值和门槛值（灰色列不可改）；先预览对排名的影响，再填写说明保存为新版本，历次版本均保留。")
group_table = pd.DataFrame([{"code": g.code, "振兴": g.name, "weight": g.weight}
                            for g in config.groups]).set_index("code").rename_axis("代码")
indicator_table = pd.DataFrame([{
    "code": i.code, "指标": i.name, "振兴类别": config.group(i.group).short, "单位": i.unit,
    "方向": DIRECTIONS[i.direction], "weight": i.weight, "lower": i.lower, "upper": i.upper,
    "gate_threshold": i.gate_threshold, "口径": i.definition, "来源": i.source,
} for i in config.indicators]).set_index("code").rename_axis("代码")
number = st.column_config.NumberColumn
edited_groups = st.data_editor(
    group_table, key="edit_groups", disabled=["振兴"], width="content",
    column_config={"weight": number("振兴权重", min_value=0.0, step=0.1)})
edited = st.data_editor(
    indicator_table, key="edit_indicators", width="stretch", num_rows="fixed",
    disabled=["指标", "振兴类别", "单位", "方向", "口径", "来源"],
    column_config={"weight": number("组内权重", min_value=0.0, step=0.1),
                   "lower": number("下阈值"), "upper": number("上阈值"),
                   "gate_threshold": number("门槛值", help="仅门槛指标有效")})
extra = methods.overrides_from(config, edited_groups, edited)
if extra["groups"] or extra["indicators"]:
    in_force = methods.latest(cached.engine())
    proposed = methods.merge(json.loads(in_force.overrides) if in_force else {}, extra)
    raw, file_name = cached.raw_config()
    try:
        new_config = apply_overrides(raw, proposed, "修改后的指标体系")
    except ConfigError as exc:
        st.error(f"修改有误，不能保存：{exc}", icon=":material/block:")
    else:
        p_year = st.selectbox("预览年度", cached.assessment().years[::-1], format_func=lambda y: f"{y} 年",
                              key="method_preview_year")
        changes = methods.preview(cached.fresh_assessment(), cached.proposed_assessment(new_config),
                                  p_year)
        st.markdown(f"**预览**：按修改后的方法，{p_year} 年有 {len(changes)} 个单位的得分、类内名次、"
                    "等次或预警发生变化（尚未保存）。")
        st.dataframe(changes, hide_index=True, width="stretch")
        note = st.text_input("修改说明（必填，如依据的文件号）", key="method_note")
        if st.button("保存为新版本", type="primary", icon=":material/save:", key="method_save"):
            try:
                number_saved = methods.save(cached.engine(), raw, file_name, proposed,
                                            actor=current_user(), note=note)
            except (ValueError, ConfigError) as exc:
                st.error(str(exc))
            else:
                cached.invalidate()
                for k in ("edit_groups", "edit_indicators", "method_note"):
                    st.session_state.pop(k, None)
                st.session_state["method_flash"] = f"已保存为方法版本 {number_saved}，考核结果已按新方法重新计算。"
                st.rerun()
if flash := st.session_state.pop("method_flash", None):
    st.success(flash)
history = methods.versions(cached.engine())
if not history.empty:
    with st.expander(f"方法版本记录（{len(history)} 个）"):
        st.dataframe(history.rename(columns={"id": "版本", "at": "时间（UTC）", "user": "修改人",
                                             "note": "说明", "overrides": "修改内容",
                                             "fingerprint": "方法指纹"}),
                     hide_index=True, width="stretch")

if current_user().role == "province_admin" and auth_mode() != "off":
    st.subheader("账号管理")
    st.caption("仅省级管理员可见。密码以 scrypt 加盐哈希保存；单点登录用户名填写其邮箱。")
    with st.form("create_account", clear_on_submit=True):
        a1, a2, a3, a4 = st.columns(4)
        new_user = a1.text_input("用户名")
        new_display = a2.text_input("姓名 / 单位")
        new_role = a3.selectbox("角色", list(ROLES), format_func=ROLES.get)
        new_scope = a4.text_input("所属区划代码", help="市州用户填市州代码，县级填报员填县代码")
        new_password = st.text_input("初始密码（至少 10 位，含字母和数字）", type="password")
        if st.form_submit_button("创建账号", icon=":material/person_add:"):
            try:
                created = create_account(cached.engine(), username=new_user, display=new_display,
                                         role=new_role, scope=new_scope.strip(),
                                         password=new_password, actor=current_user())
            except (LoginError, ValueError) as exc:
                st.error(str(exc))
            else:
                st.success(f"已创建账号：{md(str(created))}")
    listing = accounts(cached.engine())
    if not listing.empty:
        st.dataframe(listing.rename(columns={
            "username": "用户名", "display": "姓名 / 单位", "role": "角色", "scope": "区划代码",
            "created_at": "创建时间", "disabled": "停用", "failures": "连续失败", "locked_until": "锁定至"}),
            hide_index=True, width="stretch")

st.subheader("区划名录")
st.dataframe(regions.rename(columns={
    "adcode": "区划代码", "name": "名称", "short_name": "简称", "city_name": "市州",
    "kind": "类型", "assessed": "纳入考核", "assessment_class": "考核类别"})[
    ["区划代码", "名称", "简称", "市州", "类型", "纳入考核", "考核类别"]],
    hide_index=True, width="stretch")
st.download_button("下载全部数据（宽表 XLSX）", on_click="ignore",
                   data=lambda: tabular.xlsx_bytes(importer.wide_export(obs, config, regions), "全部数据"),
                   file_name="乡村振兴指标数据_宽表.xlsx", icon=":material/table_view:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
st.download_button("下载全部观测值（长表 CSV）", data=lambda: tabular.csv_bytes(obs), on_click="ignore",
                   file_name="乡村振兴观测值.csv", mime="text/csv", icon=":material/download:")
