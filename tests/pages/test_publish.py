"""结果发布: publishing a year freezes it on every page."""

from __future__ import annotations

from .helpers import open_page


def test_publishing_a_year_freezes_it_on_every_page(app):
    at = open_page(app, "publish")
    at.selectbox(key="publish_year").set_value(2024)
    next(b for b in at.button if b.label == "发布该年度结果").click()
    at.run()
    assert not at.exception
    assert any("2024 年结果已发布（第 1 版）" in s.value for s in at.success)
    assert any("与已发布结果一致" in s.value for s in at.success)
    # Publishing again without a reason is refused with a message, nothing written.
    at.selectbox(key="publish_year").set_value(2024)
    next(b for b in at.button if b.label == "发布该年度结果").click()
    at.run()
    assert any("请填写更正原因" in e.value for e in at.error)
    at.selectbox(key="year_picker").set_value(2024)
    at = open_page(at, "overview")
    assert any("2024 年结果已于" in c.value for c in at.caption)
