"""排名: filters, search, praise list and downloads."""

from __future__ import annotations

from .helpers import open_page


def test_ranking_filters(app):
    at = open_page(app, "ranking")
    full = at.dataframe[0].value
    assert len(full) == 82
    at.selectbox[1].set_value("平原型").run()
    filtered = at.dataframe[0].value
    assert 0 < len(filtered) < len(full)
    assert set(filtered["考核类别"]) == {"平原型"}


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


def test_acted_on_columns_come_first_and_a_row_opens_the_profile(app):
    at = open_page(app, "ranking")
    table = at.dataframe[0]
    assert table.proto.column_order[:6] == ["全省排名", "县（市、区）", "综合得分", "等次", "约谈预警",
                                            "名次变化"]
    first = table.value.iloc[0]["县（市、区）"]
    at.session_state["ranking_table"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    assert at.title[0].value == first  # the county profile of the chosen row
