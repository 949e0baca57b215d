"""数据管理: a committed batch is listed and can be undone."""

from __future__ import annotations

from conftest import admin

from .helpers import log_in, open_page


def test_data_page_imports_previews_and_rolls_back(app):
    at = open_page(app, "data")
    labels = [b.label for b in at.get("download_button")]
    assert "下载宽表模板" in labels and "下载长表模板" in labels
    # AppTest cannot attach a file to st.file_uploader; the import core is covered in
    # test_importer. Here: a committed batch appears in the history and can be undone.
    from components import cached
    from revitalization import importer, store

    engine = cached.engine()
    obs = store.read_observations(engine)
    data = ("区划代码,年度,农村卫生厕所普及率（%）\n421321,2026,97.5\n").encode("gbk")
    report = importer.validate("随县.csv", data, regions=cached.regions(), config=cached.config(),
                               existing=obs, actor=admin())
    importer.commit(engine, report, obs, file_name="随县.csv", actor=admin("测试"))
    cached.invalidate()
    at.run()
    history = next(d.value for d in at.dataframe if "文件" in d.value.columns)
    assert history["文件"].tolist() == ["随县.csv"]
    at.button(key="rollback_button").click().run()
    assert any("已撤销批次 1，恢复了 1 个数值" in s.value for s in at.success)


def test_a_county_clerk_reads_and_downloads_its_own_county_only(deployment):
    """Reading is scoped like writing: the clerk's tables and downloads hold its county."""
    at = log_in(deployment(accounts=[("suixian", "随县填报员", "county", "421321")]).run(),
                "suixian")
    at = open_page(at, "data")
    assert any("范围：随县" in m.value for m in at.markdown)
    observations = next(m for m in at.metric if m.label == "观测值")
    assert observations.value == f"{31 * 7} 条"  # one county, 31 indicators, 7 years
    assert next(m for m in at.metric if m.label == "县级单位").value == "1 个"
    buttons = {b.label: b for b in at.get("download_button")}
    assert "下载全部观测值（长表 CSV）" not in buttons
    assert "下载本辖区观测值（长表 CSV）" in buttons and "下载本辖区数据（宽表 XLSX）" in buttons
    assert not any(label == "导入记录" for label in (m.value for m in at.markdown))
    # an assessed county never writes its own assessment data here: no upload, no hand edit
    assert not at.get("file_uploader") and not any(e.label == "手工修改单个数值" for e in at.expander)
    assert any("经“年度填报”报送" in c.value for c in at.caption)


def test_a_read_only_account_cannot_start_an_import(deployment):
    at = log_in(deployment(accounts=[("viewer", "省级查看", "province_viewer", "")]).run(), "viewer")
    at = open_page(at, "data")
    assert not at.get("file_uploader")  # no costly check can be started
    assert any("当前账号不能导入数据" in c.value for c in at.caption)


def test_the_province_enters_city_level_values(app):
    at = open_page(app, "data")
    assert at.session_state["city_data_year"] == 2025
    key = "city_data_2025"
    at.session_state[key] = {"edited_rows": {6: {"city_fund_share": 13.5}},  # 荆门市 (7th by code)
                             "added_rows": [], "deleted_rows": []}
    at.text_input(key="city_data_reason").set_value("决算更正").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("待保存：1 个数值" in c.value for c in at.caption)
    at.button(key="city_data_save").click().run()
    assert any("已保存 1 个市级指标数值" in s.value for s in at.success)
    from components import cached

    city_obs = cached.city_observations()[0]
    row = city_obs[(city_obs["adcode"] == "420800") & (city_obs["year"] == 2025)
                   & (city_obs["indicator"] == "city_fund_share")]
    assert row["value"].tolist() == [13.5]


def test_a_clerk_asks_for_a_correction_and_it_goes_through_the_city_and_the_province(deployment, config):
    """Issue 29 (0): a closed year is corrected by the reviewed path, on the page: the clerk files
    the value and the reason, the 随州 user passes it on, the province confirms and the value is in."""
    from components import cached
    from revitalization import corrections, store
    from revitalization.access import Actor

    accounts = [("suixian", "随县填报员", "county", "421321"), ("suizhou", "随州市农办", "city", "421300")]
    at = log_in(deployment(accounts=accounts).run(), "suixian")
    at = open_page(at, "data")
    assert any(e.label.startswith("更正申请") for e in at.expander)
    assert at.selectbox(key="correction_year").value == 2025
    row = [i.code for i in config.indicators].index("rural_income")
    at.session_state["correction_values_2025"] = {"edited_rows": {row: {"更正为": "2.75万元"}},
                                                  "added_rows": [], "deleted_rows": []}
    at.text_area(key="correction_reason").set_value("按县统计局修订数更正")
    next(b for b in at.button if b.label == "提交更正申请").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已提交更正申请（编号 1），等待市州审核" in s.value for s in at.success)
    engine = store.make_engine()
    filed = corrections.requests(engine, actor=Actor("admin", "管理员", "province_admin")).iloc[0]
    assert (filed["adcode"], filed["year"], filed["values"]) == ("421321", 2025, {"rural_income": 27500.0})
    assert not any("处理更正申请" == s.label for s in at.selectbox)  # the clerk cannot pass its own

    at = open_page(log_in(at, "suizhou"), "data")  # the same browser, another person
    assert any("编号 1：随县（已提交）" in str(s.options) for s in at.selectbox if s.label == "处理更正申请")
    at.button(key="correction_forward_1").click().run()
    assert any("编号 1 已审核通过，报省级确认" in s.value for s in at.success)
    assert not at.get("button") or not any(b.key == "correction_confirm_1" for b in at.button)  # the province's

    at = open_page(log_in(at, "admin"), "data")
    at.button(key="correction_confirm_1").click().run()
    assert any("编号 1 已确认，数值已写入考核数据" in s.value for s in at.success)
    obs = cached.observations()
    value = obs.query("adcode == '421321' and year == 2025 and indicator == 'rural_income'")["value"]
    assert value.tolist() == [27500.0]
    engine.dispose()
