"""总览: the map follows year, measure, classes and view; the URL restores the view."""

from __future__ import annotations

from .helpers import figure, legend, open_page, z_of


def test_overview_map_follows_year_and_measure(app):
    at = open_page(app, "overview")
    fig = figure(at)
    # The default map colours what leaders act on (the grade); 约谈 units are outlined.
    assert "湖北省县域考核等次（2025 年度）" in fig["layout"]["title"]["text"]
    assert "橙色粗边框为约谈预警（7）" in legend(fig)
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
    counts = [int(name.rsplit("（", 1)[1].rstrip("）")) for name in legend(equal)
              if "（" in name and not name.startswith("橙色粗边框")]
    assert sum(counts) == 103


def test_overview_url_restores_the_view(new_app):
    at = new_app()
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
    cards = next(h.proto.body for h in at.get("html") if "kpi-stack" in h.proto.body)
    assert f"<div class='label'>约谈预警</div><div class='value'>{flagged} 个</div>" in cards
    at.selectbox[0].set_value("grade").run()
    grades = [n.split("（")[0] for n in legend(figure(at))]
    assert grades[:4] == ["优秀", "良好", "一般", "不评定"]  # 较差 only when configured


def test_overview_small_multiples_city_and_zoom_views(app):
    at = open_page(app, "overview")
    at.segmented_control(key="overview_view").set_value("small").run()
    fig = figure(at)
    assert sum(t["type"] == "choropleth" for t in fig["data"]) == 5
    assert "橙色粗边框为约谈预警" in legend(fig)
    assert [a["text"] for a in fig["layout"]["annotations"]] == \
        ["产业振兴", "人才振兴", "文化振兴", "生态振兴", "组织振兴"]
    at.segmented_control(key="overview_view").set_value("city").run()
    fig = figure(at)
    trace = next(t for t in fig["data"] if t["type"] == "choropleth")
    assert len(trace["locations"]) == 17
    assert any("市州层级考核" in c.value and "× 70%" in c.value for c in at.caption)
    assert trace["marker"]["line"]["width"][-1] > trace["marker"]["line"]["width"][0]  # 荆门 outlined
    at.segmented_control(key="overview_view").set_value("zoom").run()
    assert not at.exception
    assert any("未配置底图" in c.value for c in at.caption)
    assert at.query_params["view"] == "zoom"


def test_the_table_view_is_the_map_as_a_table(app):
    at = open_page(app, "overview")
    at.segmented_control(key="overview_view").set_value("table").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 103 and "考核等次" in table.columns
    assert table.iloc[0]["全省排名"] == 1  # grades: in ranking order
    at.selectbox(key="overview_measure").set_value("composite").run()
    scores = at.dataframe[0].value["综合得分（分）"]
    assert scores.iloc[0].endswith("分") and float(scores.iloc[0].split()[0]) >= float(scores.iloc[1].split()[0])


def test_the_play_view_holds_every_year(app):
    at = open_page(app, "overview")
    at.segmented_control(key="overview_view").set_value("play").run()
    assert not at.exception
    fig = figure(at)
    assert [f["name"] for f in fig["frames"]] == [str(y) for y in range(2019, 2026)]
    assert fig["layout"]["sliders"][0]["active"] == 6  # the sidebar's year, 2025
    assert any("播放" in c.value for c in at.caption)
    assert at.query_params["view"] == "play"
