"""AppTest over every page: it renders real demo data without an exception."""

from __future__ import annotations

import base64
import datetime as dt
import json

import numpy as np
import pytest
import streamlit as st
from conftest import admin
from streamlit.testing.v1 import AppTest

from components.pages import PAGES
from revitalization.access import DEMO_ACTOR, page_allowed
from revitalization.paths import ROOT


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    yield at
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(at: AppTest, key: str) -> AppTest:
    spec = next(p for p in PAGES if p.key == key)
    at.switch_page(spec.path)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


DEMO_PAGES = [p for p in PAGES if page_allowed(DEMO_ACTOR, p.key)]  # log-in off: no 账号管理


@pytest.mark.parametrize("spec", DEMO_PAGES, ids=[p.key for p in DEMO_PAGES])
def test_every_page_renders(app, spec):
    at = open_page(app, spec.key)
    assert at.title, "every page has a title"
    text = " ".join(m.value for m in at.markdown)
    assert "示例数据" in text, "demo data is labelled on every page"


def array(value) -> np.ndarray:
    """A plotly JSON array, plain or typed ({"dtype": "f8", "bdata": base64})."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def figures(at: AppTest) -> list[dict]:
    """Every figure on the page in order: plotly charts and maps (the geo chart component)."""
    out: list[dict] = []

    def walk(node) -> None:
        if node.type == "plotly_chart":
            out.append(json.loads(node.proto.spec))
        elif node.type == "bidi_component":
            data = json.loads(node.proto.json)
            if "figure" in data:  # not the bundle preloader
                out.append(json.loads(data["figure"]))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


def figure(at: AppTest, n: int = 0) -> dict:
    return figures(at)[n]


def test_overview_map_follows_year_and_measure(app):
    at = open_page(app, "overview")
    fig = figure(at)
    assert "湖北省县域综合得分（2025 年度）" in fig["layout"]["title"]["text"]
    located = {c for trace in fig["data"] if trace["type"] == "choropleth"
               for c in trace["locations"]}
    assert len(located) == 103
    at.selectbox(key="year_picker").set_value(2023).run()
    changed = figure(at)
    assert "（2023 年度）" in changed["layout"]["title"]["text"]
    assert [t["name"] for t in changed["data"]] != [t["name"] for t in fig["data"]]
    at.selectbox[0].set_value("ecology").run()
    assert "湖北省县域生态振兴得分（2023 年度）" in figure(at)["layout"]["title"]["text"]
    assert at.query_params["measure"] == "ecology"
    assert at.query_params["year"] == "2023"


def test_ranking_filters(app):
    at = open_page(app, "ranking")
    full = at.dataframe[0].value
    assert len(full) == 82
    at.selectbox[1].set_value("平原型").run()
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) < len(full)
    assert set(filtered["考核类别"]) == {"平原型"}


def test_laggards_list_reasons(app):
    at = open_page(app, "laggards")
    table = at.dataframe[0].value
    assert len(table) > 0
    assert table["预警原因"].str.len().gt(0).all()
    assert "阳新县" in set(table["县（市、区）"])  # the planted gate failure
    yangxin = table[table["县（市、区）"] == "阳新县"].iloc[0]
    assert yangxin["稳健性"].startswith("稳健")  # a gate failure holds in every draw
    assert yangxin["排名区间（5%–95%）"].startswith("类内 ")
    assert any("蒙特卡洛抽样" in c.value for c in at.caption)


def open_county(app, adcode: str, year: str = "2025") -> AppTest:
    at = open_page(app, "county")
    at.query_params.update({"county": adcode, "year": year})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_county_profile_of_the_planted_slider(app):
    at = open_county(app, "421321")  # 随县: declines 2024–25, flagged
    assert at.title[0].value == "随县"
    assert [s.value for s in at.subheader] == [
        "五大振兴", "指标明细", "走势与原因", "同类比较", "位置", "历年结果、预警与约谈记录", "工作备注"]
    text = " ".join(m.value for m in at.markdown)
    assert "稳健排名" in text and "90% 的情形落在第" in text
    assert any("约谈预警" in w.value and "稳健性" in w.value for w in at.warning)
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert any("得分变化分解" in t for t in titles)
    assert any("短板" in t for t in titles)
    assert any("在全省的位置" in t for t in titles)
    waterfall = next(f for f in figures(at)
                     if "得分变化分解" in f["layout"]["title"]["text"])
    assert waterfall["data"][0]["x"][:2] == ["2024 年", "产业"]
    indicators = at.dataframe[1].value
    assert len(indicators) == 31 and "历年" in indicators.columns
    assert indicators["目标 / 门槛"].str.contains("门槛").sum() == 4


def test_county_page_for_non_assessed_district(app):
    at = open_county(app, "420102")  # 江岸区, a purely urban district
    assert at.title[0].value == "江岸区"
    assert any("未纳入乡村振兴实绩考核" in i.value for i in at.info)
    assert not at.get("metric")  # no ranks or grade for a non-assessed district
    assert "五大振兴" in [s.value for s in at.subheader]


def test_county_follows_a_link_and_keeps_notes(app):
    at = open_county(app, "421321")
    at.query_params["county"] = "422827"  # a followed link (e.g. a map click) wins
    at.run()
    assert at.title[0].value == "来凤县"
    area = at.text_area[0]
    area.set_value("<script>alert(1)</script> 2025 年暴雨影响生态得分")
    next(b for b in at.button if b.label == "添加备注").click()
    at.run()
    assert any(s.value == "备注已保存。" for s in at.success)
    shown = [m.value for m in at.markdown if "暴雨" in m.value]
    assert shown and "<script>" not in shown[0] and "\\<script\\>" in shown[0]
    next(b for b in at.button if b.label == "删除").click()
    at.run()
    assert any("（已删除）" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "恢复").click()
    at.run()
    assert not any("（已删除）" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "添加备注").click()  # empty: refused, named
    at.run()
    assert any("备注内容：不能为空" in e.value for e in at.error)


def test_every_page_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for spec in PAGES:
        assert spec.title in readme, spec.title
        assert (ROOT / spec.path).exists(), spec.path


def test_bad_configuration_shows_a_clear_message(tmp_path, monkeypatch):
    from components import cached
    from revitalization.config import ConfigError

    def broken():
        raise ConfigError("data/indicators.yaml: indicators[3](tourism_visits).group: 未知的振兴类别 'economy'")

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_resource.clear()
    monkeypatch.setattr(cached, "load_raw", broken)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert not at.exception
    message = at.error[0].value
    assert "配置文件有误" in message and "indicators[3](tourism_visits).group" in message
    assert not (tmp_path / "app.db").exists(), "nothing is written while the configuration is bad"
    st.cache_resource.clear()


def test_compare_lists_only_real_declines_as_declines(app):
    at = open_page(app, "compare")
    fig = figure(at, 3)  # maps A, B, change, then the dumbbell
    assert fig["layout"]["title"]["text"].startswith("<b>综合得分变化最大的单位")
    after = {t["name"]: t for t in fig["data"] if t.get("name", "").startswith("2025 年")}
    falls = after["2025 年（↓ 退步）"]["y"]
    assert "随县" in falls  # the planted slider
    assert "来凤县" in after["2025 年（↑ 进步）"]["y"]  # the planted jumper
    assert len(falls) < 10  # 2025 is a year in which few units declined


def test_compare_maps_share_classes_and_transitions_list_units(app):
    at = open_page(app, "compare")
    a, b = figure(at, 0), figure(at, 1)
    assert "（2024 年度）" in a["layout"]["title"]["text"]
    assert "（2025 年度）" in b["layout"]["title"]["text"]
    assert legend_colors(a) == legend_colors(b)
    next(s for s in at.selectbox if s.label == "地图分级方式").set_value("quantile").run()
    a, b = figure(at, 0), figure(at, 1)
    labels_a = [n.rsplit("（", 1)[0] for n in legend(a)]
    assert labels_a == [n.rsplit("（", 1)[0] for n in legend(b)]  # identical class breaks
    assert next(t for t in a["data"] if t["type"] == "choropleth")["colorscale"] == \
        next(t for t in b["data"] if t["type"] == "choropleth")["colorscale"]
    change = figure(at, 2)
    assert any("基本持平" in n for n in legend(change))
    assert change["layout"]["legend"]["title"]["text"] == "得分变化（↑ 进步 / ↓ 退步）"
    # Click the 良好 → 优秀 cell of the transition table.
    at.session_state["compare_matrix"] = {"selection": {"rows": [], "columns": [],
                                                        "cells": [(1, "优秀")]}}
    at.run()
    assert any(m.value.startswith("**2024 年良好 → 2025 年优秀**") for m in at.markdown)
    # Per revitalization: the same page for 生态振兴.
    next(s for s in at.selectbox if s.label == "比较内容").set_value("ecology").run()
    assert "生态振兴得分（2024 年度）" in figure(at, 0)["layout"]["title"]["text"]
    assert at.query_params["score"] == "ecology"


def legend_colors(fig: dict) -> list[str]:
    return [t["marker"]["color"] for t in fig["data"]
            if t.get("showlegend") and t["type"] == "scattergeo" and "marker" in t]


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


def z_of(fig: dict) -> dict[str, int]:
    trace = next(t for t in fig["data"] if t["type"] == "choropleth")
    return dict(zip(trace["locations"], array(trace["z"]).tolist(), strict=True))


def legend(fig: dict) -> list[str]:
    return [t["name"] for t in fig["data"] if t.get("showlegend") and t["type"] == "scattergeo"]


def test_overview_classes_change_the_map(app):
    at = open_page(app, "overview")
    at.selectbox[0].set_value("labour_productivity").run()
    quantile = figure(at)
    assert at.query_params["classes"] == "quantile"
    scheme = next(s for s in at.selectbox if s.label == "分级方式")
    scheme.set_value("equal").run()
    equal = figure(at)
    assert legend(equal) != legend(quantile)
    assert z_of(equal) != z_of(quantile)
    assert at.query_params["classes"] == "equal"
    # Counts in the legend add up to the 103 units.
    counts = [int(name.rsplit("（", 1)[1].rstrip("）")) for name in legend(equal) if "（" in name]
    assert sum(counts) == 103


def test_overview_url_restores_the_view(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params.update({"year": "2024", "measure": "culture", "classes": "jenks",
                            "labels": "1"})
    at.run()
    assert not at.exception
    fig = figure(at)
    assert "湖北省县域文化振兴得分（2024 年度）" in fig["layout"]["title"]["text"]
    assert next(s for s in at.selectbox if s.label == "分级方式").value == "jenks"
    assert any(t["mode"] == "text" for t in fig["data"] if t["type"] == "scattergeo")


def test_overview_grade_and_flag_maps_are_categorical(app):
    at = open_page(app, "overview")
    at.selectbox[0].set_value("flag").run()
    names = legend(figure(at))
    assert any(n.startswith("约谈预警（连续两年）") for n in names)
    assert any(n.startswith("未纳入考核（21）") for n in names)
    flagged = sum(int(n.rsplit("（", 1)[1].rstrip("）")) for n in names if n.startswith("约谈预警"))
    assert flagged == int(at.get("metric")[4].value.split()[0])
    at.selectbox[0].set_value("grade").run()
    assert [n.split("（")[0] for n in legend(figure(at))][:4] == ["优秀", "良好", "一般", "较差"]


def test_overview_small_multiples_city_and_zoom_views(app):
    at = open_page(app, "overview")
    at.segmented_control(key="overview_view").set_value("small").run()
    fig = figure(at)
    assert sum(t["type"] == "choropleth" for t in fig["data"]) == 5
    assert [a["text"] for a in fig["layout"]["annotations"]] == \
        ["产业振兴", "人才振兴", "文化振兴", "生态振兴", "组织振兴"]
    at.segmented_control(key="overview_view").set_value("city").run()
    fig = figure(at)
    trace = next(t for t in fig["data"] if t["type"] == "choropleth")
    assert len(trace["locations"]) == 17
    assert any("简单算术平均" in c.value for c in at.caption)
    at.segmented_control(key="overview_view").set_value("zoom").run()
    assert not at.exception
    assert any("未配置底图" in c.value for c in at.caption)
    assert at.query_params["view"] == "zoom"


def test_export_page_offers_packs_generated_on_click(app):
    at = open_page(app, "export")
    labels = [b.label for b in at.get("download_button")]
    for wanted in ("全省简报（Word）", "全省简报（PPT）", "全部图片（ZIP）", "约谈单位画像汇编（Word）"):
        assert wanted in labels
    assert any(label.endswith("画像（Word）") for label in labels)


def test_ranking_search_praise_and_downloads(app):
    at = open_page(app, "ranking")
    at.text_input[0].set_value("恩施").run()
    names = at.dataframe[0].value["县（市、区）"].tolist()
    assert names == ["恩施市"]
    labels = [b.label for b in at.get("download_button")]
    assert "下载 Excel（XLSX）" in labels and "下载 CSV" in labels
    praise = at.dataframe[1].value
    assert set(praise["表扬类别"]) == {"优秀", "进步明显"}
    assert "来凤县" in praise.loc[praise["表扬类别"] == "进步明显", "县（市、区）"].tolist()
    text = next(t for t in at.text_area if t.label.startswith("通报表扬文字")).value
    assert text.startswith("根据 2025 年度乡村振兴实绩考核结果") and "来凤县" in text


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
    # Empty issue list is refused with the field named, nothing saved.
    next(t for t in at.text_area if t.label.startswith("约谈指出的问题")).set_value("")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert any("约谈指出的问题：至少填写一条" in e.value for e in at.error)
    # Another user saves in between: this page's save is refused with a clear message.
    from components import cached
    from revitalization.interviews import interviews, save_interview

    record = interviews(cached.engine(), year=2025).iloc[0]
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


def test_data_page_imports_previews_and_rolls_back(app):
    at = open_page(app, "data")
    labels = [b.label for b in at.get("download_button")]
    assert "下载宽表模板" in labels and "下载长表模板" in labels
    # AppTest cannot attach a file to st.file_uploader; the import core is covered in
    # test_importer. Here: a committed batch appears in the history and can be undone.
    from components import cached
    from revitalization import importer, store

    engine = cached.engine()
    obs = store.read_observations(engine)
    data = ("区划代码,年度,农村卫生厕所普及率（%）\n421321,2026,97.5\n").encode("gbk")
    report = importer.validate("随县.csv", data, regions=cached.regions(), config=cached.config(),
                               existing=obs)
    importer.commit(engine, report, obs, file_name="随县.csv", actor=admin("测试"))
    cached.invalidate()
    at.run()
    history = next(d.value for d in at.dataframe if "文件" in d.value.columns)
    assert history["文件"].tolist() == ["随县.csv"]
    at.button(key="rollback_button").click().run()
    assert any("已撤销批次 1，恢复了 1 个数值" in s.value for s in at.success)


def test_audit_page_lists_every_write_read_only(app):
    from components import cached
    from revitalization.notes import add_note

    add_note(cached.engine(), "421321", 2025, "审计测试备注", actor=admin("王五"))
    at = open_page(app, "audit")
    table = at.dataframe[0].value
    row = table.iloc[0]
    assert row["操作人"] == "王五（省级管理员）" and row["对象"] == "工作备注" and row["操作"] == "新建"
    assert "审计测试备注" in row["变化"]
    assert not at.button  # nothing on the page can change or delete a row
