"""约谈预警: reasons and robustness, and the 约谈 workflow on the page."""

from __future__ import annotations

import datetime as dt

from conftest import admin

from .helpers import open_page


def test_laggards_list_reasons(app):
    at = open_page(app, "laggards")
    table = at.dataframe[0].value
    assert len(table) > 0
    assert table["预警原因"].str.len().gt(0).all()
    assert "阳新县" in set(table["县（市、区）"])  # the planted gate failure
    yangxin = table[table["县（市、区）"] == "阳新县"].iloc[0]
    assert yangxin["稳健性"].startswith("稳健")  # a gate failure holds in every draw
    assert yangxin["排名区间（5%–95%）"].startswith("类内 ")
    assert any("蒙特卡洛抽样" in c.value and "插补方法" in c.value for c in at.caption)
    rules = next(e for e in at.expander if e.label.startswith("预警规则"))
    assert "且位于全省后 50%" in " ".join(m.value for m in rules.markdown)
    gaps = [e.label for e in at.expander if e.label.startswith("差距测算")]
    assert len(gaps) == len(table)  # what it would take, for every flagged unit
    assert any("门槛指标达标" in g for g in gaps)  # 阳新县


def test_laggards_interview_workflow(app):
    at = open_page(app, "laggards")
    at.selectbox(key="open_interview").set_value("421321").run()
    at.button(key="open_interview_button").click().run()
    assert any("已为随县建立约谈记录" in s.value for s in at.success)
    assert any("当前状态：**待约谈**" in m.value for m in at.markdown)
    at.date_input[0].set_value(dt.date.today() - dt.timedelta(days=3))
    next(t for t in at.text_input if t.label == "被约谈人").set_value("县委书记、县长")
    next(t for t in at.text_area if t.label.startswith("约谈指出的问题")).set_value("得分连续下降\n污水治理滞后")
    next(s for s in at.selectbox if s.label == "状态").set_value("已约谈")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert any("随县的约谈记录已保存" in s.value for s in at.success), [e.value for e in at.error]
    # The picker and the status line show the saved state at once (no second click)
    assert any("当前状态：**已约谈**" in m.value for m in at.markdown)
    pick = at.selectbox(key="interview_pick")
    assert pick.format_func(pick.value) == "随县（已约谈）"
    assert next(s for s in at.selectbox if s.label == "状态").value == "已约谈"
    # Empty issue list is refused with the field named, nothing saved.
    next(t for t in at.text_area if t.label.startswith("约谈指出的问题")).set_value("")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert any("约谈指出的问题：至少填写一条" in e.value for e in at.error)
    # Another user saves in between: this page's save is refused with a clear message.
    from components import cached
    from revitalization.interviews import interviews, save_interview

    record = interviews(cached.engine(), year=2025, actor=admin()).iloc[0]
    save_interview(cached.engine(), int(record["id"]), version=int(record["version"]),
                   actor=admin("另一位用户"), interviewees="县长")
    next(t for t in at.text_area if t.label.startswith("约谈指出的问题")).set_value("问题")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert any("已被他人修改" in e.value for e in at.error)


def test_laggards_delete_and_undo_keep_the_record_editable(app):
    at = open_page(app, "laggards")
    at.selectbox(key="open_interview").set_value("421321").run()
    at.button(key="open_interview_button").click().run()
    next(b for b in at.button if b.label == "删除该约谈记录").click()
    at.run()
    assert any("约谈记录已删除（可撤销）" in s.value for s in at.success)
    next(b for b in at.button if b.label == "撤销删除").click()
    at.run()
    assert any("已恢复约谈记录" in s.value for s in at.success)
    # The user's own delete and undo are not mistaken for someone else's change.
    assert not any("已被他人更新" in w.value for w in at.warning)
    next(t for t in at.text_input if t.label == "被约谈人").set_value("县长")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert any("随县的约谈记录已保存" in s.value for s in at.success), [e.value for e in at.error]
