"""县域画像: the profile, links, notes, and what each role may see and do."""

from __future__ import annotations

from .helpers import figures, log_in, open_county


def test_county_profile_of_the_planted_slider(app):
    at = open_county(app, "421321")  # 随县: declines 2024–25, flagged
    assert at.title[0].value == "随县"
    assert [t.label for t in at.tabs] == [
        "指标明细", "五大振兴", "责任清单", "走势与原因", "同类比较", "位置", "历年与约谈", "工作备注"]
    text = " ".join(m.value for m in at.markdown)
    assert "稳健排名" in text and "90% 的情形落在第" in text
    assert any("约谈预警" in w.value and "稳健性" in w.value for w in at.warning)
    assert "差距测算：怎样走出预警" in text and "本年降幅小于 1 分" in text
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert any("得分变化分解" in t for t in titles)
    assert any("短板" in t for t in titles)
    assert any("在全省的位置" in t for t in titles)
    waterfall = next(f for f in figures(at)
                     if "得分变化分解" in f["layout"]["title"]["text"])
    assert waterfall["data"][0]["x"][:2] == ["2024 年", "产业"]
    indicators = at.dataframe[0].value  # the first tab
    assert len(indicators) == 31 and "历年" in indicators.columns
    assert indicators["目标 / 门槛"].str.contains("门槛").sum() == 4


def test_county_page_for_non_assessed_district(app):
    at = open_county(app, "420102")  # 江岸区, a purely urban district
    assert at.title[0].value == "江岸区"
    assert any("未纳入乡村振兴实绩考核" in i.value for i in at.info)
    assert not at.get("metric")  # no ranks or grade for a non-assessed district
    assert "五大振兴" in [t.label for t in at.tabs]


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


def test_a_county_clerk_sees_only_its_own_county(deployment):
    at = log_in(deployment(accounts=[("suixian", "随县填报员", "county", "421321")]).run(),
                "suixian")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "随县"  # its profile is its home page
    assert at.selectbox(key="county_pick").options == ["随县（随州市）"]


def test_a_provincial_viewer_sees_notes_but_cannot_change_them(deployment, app_db):
    from conftest import admin

    from revitalization import store
    from revitalization.notes import add_note

    engine = store.make_engine(app_db)
    add_note(engine, "421321", 2025, "2025 年旱情影响产业得分", actor=admin("王五"))
    engine.dispose()
    at = log_in(deployment(accounts=[("viewer", "省级查看", "province_viewer", "")]).run(), "viewer")
    assert not at.exception, [e.value for e in at.exception]
    at = open_county(at, "421321")
    assert at.title[0].value == "随县"
    assert any("2025 年旱情影响产业得分" in m.value for m in at.markdown)
    delete = next(b for b in at.button if b.label == "删除")
    assert delete.disabled
    assert next(b for b in at.button if b.label == "添加备注").disabled
    assert not at.exception


def test_a_note_survives_a_refusal_and_a_busy_database_and_clears_once_saved(app, monkeypatch):
    """Nothing typed is lost: a refused or blocked save keeps the text; a saved note empties
    the form."""
    from sqlalchemy.exc import OperationalError

    from components import writes
    from revitalization import notes

    at = open_county(app, "421321")
    monkeypatch.setattr(writes, "BUSY_WAIT", 0)
    real = notes.add_note
    tries = []

    def locked(*args, **kwargs):
        tries.append(1)
        raise OperationalError("INSERT INTO county_note …", {}, Exception("database is locked"))

    monkeypatch.setattr(notes, "add_note", locked)
    at.text_area(key="note_text").set_value("3 月调研：污水处理厂已开工")
    next(b for b in at.button if b.label == "添加备注").click()
    at.run()
    assert len(tries) == writes.BUSY_TRIES  # waited and retried before giving up
    assert any("数据库正忙" in e.value and "填写的内容仍在" in e.value for e in at.error)
    assert at.text_area(key="note_text").value == "3 月调研：污水处理厂已开工"
    assert not at.exception
    monkeypatch.setattr(notes, "add_note", real)
    next(b for b in at.button if b.label == "添加备注").click()
    at.run()
    assert any("备注已保存" in s.value for s in at.success)
    assert at.text_area(key="note_text").value == ""
    assert any("污水处理厂已开工" in m.value for m in at.markdown)


def test_a_write_by_another_server_is_seen_on_the_next_rerun(app):
    """Another process (another server on the same database, or a script) writes without
    telling this one's caches: the next rerun reads the store's write version and refreshes."""
    from conftest import admin

    from components import cached
    from revitalization import store
    from revitalization.notes import add_note

    at = open_county(app, "421321")
    # its own engine, as a second server has
    other = store.make_engine(cached.engine().url.render_as_string(hide_password=False))
    before = cached.assessment()
    add_note(other, "421321", 2025, "另一台服务器写入的备注", actor=admin("王五"))
    other.dispose()
    at.run()
    assert any("另一台服务器写入的备注" in m.value for m in at.markdown)
    assert cached.assessment() is not before  # the caches were cleared, not only the notes
