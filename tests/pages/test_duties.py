"""责任清单: the province view, the unmeasured responsibilities named, one unit's scorecard."""

from __future__ import annotations

from .helpers import figures, open_page


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
