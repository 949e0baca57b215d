"""社会动员 (AppTest): the demo's support map and gaps, and a record added for one county."""

from __future__ import annotations

from .helpers import figures, open_county, open_page


def test_the_support_map_shows_pairs_and_counties_without_support(app):
    at = open_page(app, "support")
    fig = next(f for f in figures(at) if "定点帮扶与区域协作" in f["layout"]["title"]["text"])
    lines = next(t for t in fig["data"] if t.get("name") == "区域协作")
    assert sum(v is None for v in lines["lon"]) == 9  # the demo's nine pairs
    warning = " ".join(w.value for w in at.warning)
    assert "没有帮扶协作记录" in warning
    cover = at.dataframe[0].value
    assert len(cover) == 82


def test_a_record_is_added_and_shown_on_the_county_profile(app):
    at = open_page(app, "support")
    at.query_params["county"] = "420222"
    at.run()
    at.text_input(key="support_supporter").set_value("省水利厅")
    at.number_input(key="support_funds").set_value(300.0)
    next(b for b in at.button if b.label == "添加记录").click().run()
    assert not at.exception
    assert any("帮扶协作记录已保存" in s.value for s in at.success)
    profile = open_county(app, "420222")
    text = " ".join(m.value for m in profile.markdown)
    assert "省水利厅" in text


def test_a_city_user_sees_its_own_counties_not_the_others_as_gaps(deployment):
    """Support records are read within the account's scope; the counties counted, listed and
    drawn are the same scope. Before, a 随州市 user saw every county of the other 市州 listed
    as 没有帮扶协作记录 (their records were, rightly, not read)."""
    from revitalization.regions import load_regions

    from .helpers import log_in

    regions = load_regions()
    suizhou = set(regions.loc[regions["city_adcode"] == "421300", "adcode"])
    at = log_in(deployment(accounts=[("suizhou", "随州市农办", "city", "421300")]).run(), "suizhou")
    at = open_page(at, "support")
    cover = at.dataframe[0].value
    assert set(cover["市州"]) == {"随州市"} and len(cover) == len(suizhou & set(regions.loc[
        regions["assessed"], "adcode"]))
    gaps = next(m for m in at.metric if m.label == "没有帮扶协作记录的县")
    assert int(gaps.value.split()[0]) <= len(cover)
    fig = next(f for f in figures(at) if "定点帮扶与区域协作" in f["layout"]["title"]["text"])
    drawn = {a for trace in fig["data"] for a in (trace.get("locations") or [])}
    assert drawn and drawn <= suizhou
