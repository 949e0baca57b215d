"""年度报告 (AppTest): the province sets the year's round; the board counts who has reported;
a report (submitted through the core: AppTest cannot attach a file) is returned for
additions and followed up to 办结; a clerk sees its own county only; a read-only account
sees the controls disabled with the reason."""

from __future__ import annotations

import datetime as dt
from datetime import date

from conftest import PDF, admin

from revitalization import reports, store
from revitalization.access import Actor
from revitalization.regions import load_regions

from .helpers import PASSWORD, log_in, open_county, open_page


def click(at, label):
    next(b for b in at.button if b.label.startswith(label)).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def downloads(at) -> list[str]:
    return [d.proto.label for d in at.get("download_button")]


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def submit(db: str, unit: str, actor=None) -> None:
    engine = store.make_engine(db)
    version = int(reports.board(engine, load_regions(), 2025, actor=admin()).at[unit, "version"])
    reports.submit(engine, load_regions(), 2025, unit, file_name=f"{unit}报告.pdf", data=PDF,
                   actor=actor or admin(), version=version)
    engine.dispose()


def test_round_board_return_and_a_followup_to_closure(app, app_db):
    at = open_page(app, "reports")
    assert any("尚未布置 2025 年度的报告" in i.value for i in at.info)
    at.date_input(key="report_deadline").set_value(date.today() + dt.timedelta(days=60))
    click(at, "布置年度报告")
    assert any("已布置 2025 年度报告" in s.value for s in at.success)
    assert metric(at, "应报送") == "95 个" and metric(at, "已报送") == "0 个"
    submit(app_db, "421321")
    at.query_params["unit"] = "421321"
    at.run()
    assert metric(at, "已报送") == "1 个"
    board = at.dataframe[0].value
    assert board.loc[board["单位"] == "随县", "状态"].iloc[0] == "已报送"
    assert {"下载报告草稿（Word）", "下载已报送的报告"} <= set(downloads(at))
    submit(app_db, "421321")  # the unit sends a new file while the province reads the first
    at.text_area(key="report_return_reason_421321").set_value("补充防返贫监测帮扶情况")
    click(at, "退回补充")
    assert any("您看到的是第 1 版，当前为第 2 版" in e.value for e in at.error)  # not returned unseen
    assert any("这份报告已有更新" in w.value for w in at.warning)
    click(at, "载入最新情况")
    assert any("历次报送（2 份）" in e.label for e in at.expander)
    at.text_area(key="report_return_reason_421321").set_value("补充防返贫监测帮扶情况")
    click(at, "退回补充")
    assert metric(at, "退回补充") == "1 个"
    assert any("补充防返贫监测帮扶情况" in w.value for w in at.warning)
    at.text_area(key="followup_matter_421321").set_value("报告称高标准农田完成率 100%，与填报数据不符")
    click(at, "添加跟进事项")
    fid = at.selectbox(key="followup_pick").value
    at.text_input(key=f"followup_{fid}_new_task_what").set_value("提交核实说明")
    at.text_input(key=f"followup_{fid}_new_task_owner").set_value("县农业农村局")
    at.date_input(key=f"followup_{fid}_new_task_due").set_value(date.today() + dt.timedelta(days=30))
    click(at, "添加任务")
    click(at, "推进到：落实中")
    board = at.dataframe[0].value
    assert board.loc[board["单位"] == "随县", "未办结跟进事项"].iloc[0] == 1
    click(at, "完成")
    click(at, "推进到：已办结")
    assert any("已办结，记录只读" in s.value for s in at.success)
    board = at.dataframe[0].value
    assert board.loc[board["单位"] == "随县", "未办结跟进事项"].iloc[0] == 0
    county = open_county(app, "421321")
    assert any(m.value.startswith("2025 年度报告（截止 ") and "退回补充" in m.value
               and "跟进事项 1 项，未办结 0 项" in m.value for m in county.markdown)


def test_a_clerk_sees_its_county_and_a_viewer_cannot_act(deployment, app_db):
    engine = store.make_engine(app_db)
    reports.open_round(engine, 2025, date.today() + dt.timedelta(days=60), actor=admin())
    engine.dispose()
    submit(app_db, "421300")  # 随州市's own report
    at = deployment(accounts=[("sx", "随县填报员", "county", "421321"),
                              ("viewer", "省级查看", "province_viewer", "")]).run()
    at = open_page(log_in(at, "sx"), "reports")
    assert metric(at, "应报送") == "1 个"
    assert at.dataframe[0].value["单位"].tolist() == ["随县"]
    assert at.selectbox(key="report_unit").options == ["随县（县（市、区））"]
    assert "下载报告草稿（Word）" in downloads(at)
    assert at.get("file_uploader")  # its own county: may upload
    viewer = open_page(log_in(deployment().run(), "viewer", PASSWORD), "reports")
    assert metric(viewer, "应报送") == "95 个" and metric(viewer, "已报送") == "1 个"
    viewer.query_params["unit"] = "421300"
    viewer.run()
    add = next(b for b in viewer.button if b.label == "添加跟进事项")
    assert add.disabled and "无权跟进年度报告反映的问题" in add.help
    assert next(b for b in viewer.button if b.label == "退回补充").disabled
    assert any("无权报送年度报告" in c.value for c in viewer.caption)


def test_a_city_user_sees_its_own_and_its_counties_reports(deployment, app_db):
    engine = store.make_engine(app_db)
    reports.open_round(engine, 2025, date.today() + dt.timedelta(days=60), actor=admin())
    engine.dispose()
    city = Actor("sz", "随州市", "city", "421300")
    submit(app_db, "421321", city)
    submit(app_db, "421300", city)
    at = deployment(accounts=[("sz", "随州市", "city", "421300")]).run()
    at = open_page(log_in(at, "sz"), "reports")
    board = at.dataframe[0].value  # what is still owed first
    assert board["单位"].tolist() == ["曾都区", "广水市", "随县", "随州市"]
    assert board["状态"].tolist() == ["未报送", "未报送", "已报送", "已报送"]
    assert metric(at, "已报送") == "2 个"
    at.query_params["unit"] = "421321"
    at.run()
    assert not next(b for b in at.button if b.label == "添加跟进事项").disabled  # its county's
    at.query_params["unit"] = "421300"
    at.run()
    own = next(b for b in at.button if b.label == "添加跟进事项")  # its own: the province's
    assert own.disabled and "无权跟进年度报告反映的问题" in own.help
    assert "下载报告草稿（Word）" in downloads(at)  # the 市州's own draft, from the 市州 tier
    assert any("按本年度市州层级考核结果生成" in c.value for c in at.caption)


HOSTILE = "报告![信标](http://evil.example/b.png)[点此下载](http://evil.example/x) :material/lock: **粗体**.pdf"


def test_user_text_on_widget_labels_is_never_markdown(app, app_db):
    """Issue 29 (7): a report's file name became Markdown on the 历次报送 button (an image
    beacon fired and fake link text showed). Every label that shows user text is escaped: the
    earlier files' buttons (file name and sender) and the 简报版头 expander (name, issue, unit)."""
    from components import cached
    from revitalization import briefing

    engine = cached.engine()
    reports.open_round(engine, 2025, date.today() + dt.timedelta(days=60), actor=admin())
    sender = admin("[张三](http://evil.example/p)")
    for name in (HOSTILE, "第二版.pdf"):
        version = int(reports.board(engine, load_regions(), 2025, actor=admin()).at["421321", "version"])
        reports.submit(engine, load_regions(), 2025, "421321", file_name=name, data=PDF, actor=sender,
                       version=version)
    briefing.save(engine, admin(), briefing.BriefingHead(name="![x](http://e.cn/h)", issue="[1](http://e.cn)",
                                                        unit="**省农办**"))
    at = open_page(app, "reports")
    at.query_params["unit"] = "421321"
    at.run()
    labels = [label for label in downloads(at) if label.startswith("第 1 版")]
    assert len(labels) == 1 and "evil" in labels[0]  # the earlier file's button, with its name
    labels += [e.proto.label for e in open_page(at, "export").expander if e.proto.label.startswith("简报版头")]
    assert len(labels) == 2
    for label in labels:
        assert "](" not in label.replace("\\](", "") and "http://" not in label, label
        assert ":material/lock:" not in label and "**" not in label.replace("\\*\\*", ""), label
