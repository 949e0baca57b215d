"""结果发布: the consistency check, its acknowledgement, and publishing a year freezes it."""

from __future__ import annotations

from .helpers import open_page


def publish_button(at):
    return next(b for b in at.button if b.label == "发布该年度结果")


def test_publishing_needs_the_findings_acknowledged_then_freezes_the_year(app):
    at = open_page(app, "publish")
    at.selectbox(key="publish_year").set_value(2024)
    at.run()
    assert any("一致性检查" in s.value for s in at.subheader)
    titles = [e.label for e in at.expander]
    assert any("需确认 · 等次在稳健性检验中不稳定" in t for t in titles)
    assert any("说明 · 不同类别之间得分与等次不一致" in t for t in titles)
    # Without the acknowledgement: refused with the reason, nothing published.
    publish_button(at).click()
    at.run()
    assert not at.exception
    assert any("请阅读后勾选确认再发布" in e.value for e in at.error)
    assert not any("已发布（第" in s.value for s in at.success)
    at.checkbox[0].check()
    publish_button(at).click()
    at.run()
    assert not at.exception
    assert any("2024 年结果已发布（第 1 版）" in s.value for s in at.success)
    assert any("与已发布结果一致" in s.value for s in at.success)
    # Publishing again without a reason is refused with a message, nothing written.
    at.checkbox[0].check()
    publish_button(at).click()
    at.run()
    assert any("请填写更正原因" in e.value for e in at.error)
    at.selectbox(key="year_picker").set_value(2024)
    at = open_page(at, "overview")
    assert any("2024 年结果已于" in c.value for c in at.caption)
