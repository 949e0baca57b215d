"""简报导出: the packs are offered and generated only on click."""

from __future__ import annotations

from .helpers import open_page


def test_export_page_offers_packs_generated_on_click(app):
    at = open_page(app, "export")
    labels = [b.label for b in at.get("download_button")]
    for wanted in ("全省简报（Word）", "全省简报（PPT）", "全部图片（ZIP）", "约谈单位画像汇编（Word）"):
        assert wanted in labels
    assert any(label.endswith("画像（Word）") for label in labels)


def test_the_briefing_head_is_set_once_and_remembered(app):
    from components import cached
    from revitalization import briefing

    at = open_page(app, "export")
    at.text_input(key="head_issue").set_value("第 12 期")
    at.text_input(key="head_unit").set_value("")
    next(b for b in at.button if b.label == "保存版头和版记").click()
    at.run()
    assert any("编发单位不能为空" in e.value for e in at.error)
    assert briefing.load(cached.engine()).issue == ""  # nothing saved
    at.text_input(key="head_unit").set_value("湖北省乡村振兴局综合处")
    next(b for b in at.button if b.label == "保存版头和版记").click()
    at.run()
    assert any("已保存" in s.value for s in at.success)
    head = briefing.load(cached.engine())
    assert (head.issue, head.unit) == ("第 12 期", "湖北省乡村振兴局综合处")
    fresh = open_page(app, "export")
    assert any("第 12 期" in e.label for e in fresh.expander)
