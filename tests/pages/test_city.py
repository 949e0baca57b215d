"""市州画像 and the 市州 tier on 排名, 总览 and 县域画像 (AppTest)."""

from __future__ import annotations

from .helpers import figures, open_county, open_page


def open_city(app, adcode: str, year: str = "2025"):
    at = open_page(app, "city")
    at.query_params.update({"city": adcode, "year": year})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_flagged_city_shows_its_result_reasons_counties_and_history(app):
    at = open_city(app, "420800")  # 荆门市: last of 17 two years running (planted)
    assert at.title[0].value == "荆门市"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["市州排名"] == "17/17"
    assert metrics["市州综合得分"].endswith("分")
    warning = " ".join(w.value for w in at.warning)
    assert "市州约谈预警" in warning and "连续两年" in warning and "全省市州中第 17/17 名" in warning
    counties = at.dataframe[0].value
    assert set(counties["县（市、区）"]) == {"京山市", "东宝区", "沙洋县", "钟祥市", "掇刀区"}
    maps = figures(at)
    assert maps and "荆门市各县" in maps[0]["layout"]["title"]["text"]
    duties = at.dataframe[1].value
    assert len(duties) == 15 and "未设指标" not in set(duties["状态"])  # the city has its own indicators
    history = at.dataframe[2].value
    assert history.loc["2025 年", "约谈预警"] == "是（连续两年）"


def test_a_row_of_the_city_table_opens_the_county(app):
    at = open_city(app, "420800")
    at.session_state["city_counties"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception


def test_the_ranking_switches_to_the_city_tier(app):
    at = open_page(app, "ranking")
    at.query_params["tier"] = "city"
    at.run()
    table = at.dataframe[0].value
    assert len(table) == 17
    assert table["市州排名"].tolist() == sorted(table["市州排名"].tolist())
    assert table.iloc[-1]["市州"] == "荆门市" and table.iloc[-1]["约谈预警"].startswith("是")
    assert (table["等次"] == "优秀").sum() == 2
    assert any("考核等次为优秀的市州（2 个）" in m.value for m in at.markdown)


def test_the_overview_city_map_is_the_city_tier(app):
    at = open_page(app, "overview")
    at.query_params["view"] = "city"
    at.run()
    assert not at.exception
    city_map = next(f for f in figures(at) if "市州" in f["layout"]["title"]["text"])
    assert "辖区县加权平均与市级指标合成" in city_map["layout"]["title"]["text"]
    assert len(at.dataframe[0].value) == 17


def test_a_county_profile_shows_its_city_result(app):
    at = open_county(app, "420881")
    link = next(p for p in at.get("page_link") if "所属市州" in p.proto.label)
    assert "荆门市" in link.proto.label and "第 17/17 名" in link.proto.label
    card = next(d.value for d in at.dataframe if "依据指标" in d.value.columns)
    assert len(card) == 15
