"""督查 (AppTest): open a round, record a finding, add a task, escalate it to a 约谈, close the
finding; the 约谈 page and the county profile show the link."""

from __future__ import annotations

from .helpers import open_county, open_page


def click(at, label):
    next(b for b in at.button if b.label.startswith(label)).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_finding_from_round_to_closure_with_an_escalated_interview(app):
    at = open_page(app, "inspection")
    at.text_area(key="round_teams").set_value("第一组：随州市、孝感市")
    click(at, "开启")
    assert any("督查轮次已开启" in s.value for s in at.success)
    at.selectbox(key="finding_county").set_value("421321")
    at.selectbox(key="finding_category").set_value("资金使用")
    at.text_area(key="finding_description").set_value("衔接资金项目进度滞后")
    click(at, "保存发现")
    assert at.dataframe[0].value.iloc[0]["县（市、区）"] == "随县"
    fid = at.selectbox(key="finding_pick").value
    at.text_input(key=f"finding_{fid}_new_task_what").set_value("12 月底前完成拨付")
    at.text_input(key=f"finding_{fid}_new_task_owner").set_value("县财政局")
    import datetime as dt
    at.date_input(key=f"finding_{fid}_new_task_due").set_value(dt.date(2026, 12, 31))
    click(at, "添加任务")
    click(at, "推进到：整改中")
    assert "整改中" in at.dataframe[0].value.iloc[0]["状态"]
    click(at, "升级为约谈")
    assert any("已升级为约谈" in s.value for s in at.success)
    click(at, "完成")
    click(at, "推进到：已整改/销号")
    assert any("已整改销号，记录只读" in s.value for s in at.success)
    laggards = open_page(app, "laggards")
    overview = next(d.value for d in laggards.dataframe if "编号" in d.value.columns)
    record = overview.loc[overview["县（市、区）"] == "随县", "编号"].iloc[0]
    laggards.selectbox(key="interview_pick").set_value(record).run()
    assert any("由督查发现升级而来：衔接资金项目进度滞后" in c.value for c in laggards.caption)
    profile = open_county(app, "421321")
    assert "衔接资金项目进度滞后" in " ".join(m.value for m in profile.markdown)
