"""指标体系: the method in force, and a saved version listed and applied."""

from __future__ import annotations

import pytest
from conftest import admin

from .helpers import open_page


def test_method_page_shows_the_method_in_force_and_its_versions(app):
    from components import cached
    from revitalization import methods

    at = open_page(app, "method")
    assert any("现行方法" in c.value and cached.config().fingerprint() in c.value for c in at.caption)
    assert not [e for e in at.expander if e.label.startswith("方法版本记录")]
    raw, name = cached.raw_config()
    methods.save(cached.engine(), raw, name, {"groups": {"ecology": 3.0}}, actor=admin("王五"),
                 note="省委农办〔2026〕1号")
    cached.invalidate()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.label for e in at.expander if e.label.startswith("方法版本记录")] == ["方法版本记录（1 个）"]
    assert any("方法版本 1" in c.value for c in at.caption)


def test_method_page_explains_the_rules_and_the_effective_weights(app):
    at = open_page(app, "method")
    assert [t.label for t in at.tabs] == ["方法说明", "有效权重", "修改权重和阈值"]
    text = " ".join(m.value for m in at.markdown)
    for heading in ("一、怎样算出综合得分", "二、等次", "三、通报表扬", "四、约谈预警", "五、为什么这样定",
                    "六、稳健性检验说什么", "七、差距测算"):
        assert heading in text
    assert "现行下限与测算值相符" in text  # the decline minimum matches the measured noise
    weights = at.dataframe[0].value
    assert abs(weights["有效权重"].sum() - 100) < 0.1
    industry = weights[weights["振兴类别"] == "产业振兴"]["有效权重"]
    culture = weights[weights["振兴类别"] == "文化振兴"]["有效权重"]
    assert industry.max() < culture.min()  # uneven, and now visible: 2.5 % against 5 %


@pytest.mark.parametrize("edits", [
    "{not json",
    {"edited_rows": {"999": {"weight": 1}}, "added_rows": [], "deleted_rows": []},
    {"edited_rows": {"x": {"nope": 1}}},
], ids=["not JSON", "a row that does not exist", "a forged row key"])
def test_forged_editor_state_is_a_chinese_message_with_a_reference(app, monkeypatch, edits):
    """Issue 29 (13): malformed data_editor JSON sent to 指标体系 showed a traceback. It ends in
    the reference-number message like every other error; and Streamlit itself is configured to
    show no error details for anything that escapes the app's handler."""
    import tomllib

    from revitalization.paths import ROOT

    monkeypatch.delenv("REVITALIZATION_RAISE_ERRORS")
    at = open_page(app, "method")
    at.session_state["edit_indicators"] = edits
    at.run()
    assert not at.exception
    assert any(e.value.startswith("页面出现意外错误（参考编号 ") for e in at.error)
    assert not any("Traceback" in e.value or "AttributeError" in e.value for e in at.error)
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
