"""责任清单: the province view, the unmeasured responsibilities named, one unit's scorecard."""

from __future__ import annotations

from .helpers import figures, log_in, open_page


def test_the_province_view_and_a_county_scorecard(app):
    at = open_page(app, "duties")
    bars = next(f for f in figures(at) if "责任落实" in f["layout"]["title"]["text"])
    assert len(bars["data"][0]["y"]) == 15
    warning = " ".join(w.value for w in at.warning)
    assert "组织实施乡村振兴战略" in warning and "统筹资源要素配置" in warning
    view = at.dataframe[0].value
    assert len(view) == 15
    card = at.dataframe[1].value
    assert len(card) == 15 and (card["状态"] == "未设指标").sum() == 2


def test_a_city_scorecard(app):
    at = open_page(app, "duties")
    at.query_params.update({"city": "422800"})
    at.session_state["duties_kind"] = "city"
    at.run()
    assert not at.exception
    card = at.dataframe[1].value
    assert len(card) == 15 and (card["状态"] == "未设指标").sum() == 0


def test_the_office_records_a_department_duty_and_the_board_shows_it(app):
    at = open_page(app, "duties")
    board = at.dataframe[2].value
    assert board.shape == (12, 9) and (board["已记录"] == "0/8").all()
    at.selectbox(key="duty_department").set_value("finance").run()
    at.selectbox(key="duty_code").set_value("priority").run()
    radio = next(r for r in at.radio if r.label == "落实情况")
    radio.set_value("落实不力")
    evidence = next(t for t in at.text_area if t.label.startswith("依据"))
    evidence.set_value("土地出让收入用于农业农村比例未达要求")
    next(b for b in at.button if b.label == "保存 2025 年记录").click().run()
    assert not at.exception
    assert any("部门责任记录已保存" in s.value for s in at.success)
    board = at.dataframe[2].value
    assert board.loc["省财政厅", "优先发展"] == "落实不力"
    warning = " ".join(w.value for w in at.warning)
    assert "落实不力、可约谈的部门" in warning and "省财政厅" in warning


def test_a_refused_record_keeps_the_form(app):
    at = open_page(app, "duties")
    next(r for r in at.radio if r.label == "落实情况").set_value("基本落实")
    next(b for b in at.button if b.label == "保存 2025 年记录").click().run()
    assert any("须写明依据" in e.value for e in at.error)
    assert next(r for r in at.radio if r.label == "落实情况").value == "基本落实"


def test_a_read_only_account_sees_the_board_but_cannot_record(deployment):
    at = log_in(deployment(accounts=[("viewer", "省级查看", "province_viewer", "")]).run(), "viewer")
    at = open_page(at, "duties")
    save = next(b for b in at.button if b.label == "保存 2025 年记录")
    assert save.disabled and "无权记录部门责任落实情况" in save.help
