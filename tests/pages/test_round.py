"""年度填报: opening a round, the board, and one county's round trip through the three roles."""

from __future__ import annotations

import os

from .helpers import figures, log_in, open_page

ACCOUNTS = [("suixian", "随县填报员", "county", "421321"),
            ("suizhou", "随州市农办", "city", "421300"),
            ("laifeng", "来凤县填报员", "county", "422827")]


def button(at, label):
    return next(b for b in at.button if b.label == label)


def open_round_as_admin(at):
    at = open_page(at, "round")
    assert any("尚未发起年度填报" in i.value for i in at.info)
    at.selectbox[0].set_value(2026)
    next(b for b in at.button if b.label == "发起填报").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已发起 2026 年度填报" in s.value for s in at.success)
    return at


def test_the_province_opens_a_round_and_sees_the_board(app):
    at = open_round_as_admin(app)
    titles = [f["layout"]["title"]["text"] for f in figures(at)]
    assert any("2026 年度填报进度" in t for t in titles)
    board = at.dataframe[0].value
    assert len(board) == 82 and set(board["状态"]) == {"未填报"}
    assert [m.label for m in at.metric][:5] == ["未填报", "草稿", "已提交", "市州已审", "省级已确认"]
    assert button(at, "截止填报")


def test_one_county_round_trip_through_the_three_roles(deployment):
    from revitalization import store

    at = deployment(accounts=ACCOUNTS).run()
    at = log_in(at, "admin")
    open_round_as_admin(at)
    engine = store.make_engine(os.environ["DATABASE_URL"])
    before = len(store.read_observations(engine))

    # The clerk fills in (the form is pre-filled here through the core: AppTest cannot type
    # into a data editor), then submits from the page.
    from revitalization import rounds
    from revitalization.access import Actor
    from revitalization.config import load_config

    config = load_config()
    rid = rounds.round_of(engine, 2026).id
    clerk = Actor("suixian", "随县填报员", "county", "421321")
    form = {i.code: str(round((i.lower + i.upper) / 2, 2)) for i in config.indicators}
    rounds.save_draft(engine, rid, "421321", form, config=config, version=1, actor=clerk)
    at = log_in(deployment().run(), "suixian")
    at = open_page(at, "round")
    assert not figures(at)  # a clerk sees its own form, not the province's board
    assert any("当前状态：**草稿**" in m.value for m in at.markdown)
    button(at, "提交市州审核").click()
    at.run()
    assert any("已提交，等待市州审核" in s.value for s in at.success)

    # The 市州 returns it with a comment on a named indicator.
    at = log_in(deployment().run(), "suizhou")
    at = open_page(at, "round")
    assert len(at.dataframe[0].value) == 3  # its own three counties
    at.selectbox(key="round_county").set_value("421321").run()
    at.multiselect[0].set_value(["sanitary_toilets"])
    at.text_area[0].set_value("改厕数与住户调查不一致，请核实")
    button(at, "退回修改").click()
    at.run()
    assert any("已退回县级修改" in s.value for s in at.success)

    # The clerk sees what to fix, fixes and submits again; the 市州 forwards.
    at = log_in(deployment().run(), "suixian")
    at = open_page(at, "round")
    assert any("改厕数与住户调查不一致" in w.value and "农村卫生厕所普及率" in w.value for w in at.warning)
    button(at, "提交市州审核").click()
    at.run()
    at = log_in(deployment().run(), "suizhou")
    at = open_page(at, "round")
    at.selectbox(key="round_county").set_value("421321").run()
    button(at, "审核通过，报省级确认").click()
    at.run()
    assert any("已审核通过" in s.value for s in at.success)
    assert len(store.read_observations(engine)) == before  # nothing in the data yet

    # The province accepts: now, and only now, the values are in the data.
    at = log_in(deployment().run(), "admin")
    at = open_page(at, "round")
    at.selectbox(key="round_county").set_value("421321").run()
    button(at, "省级确认，写入考核数据").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已确认，数值已写入考核数据" in s.value for s in at.success)
    assert len(store.read_observations(engine)) == before + len(config.indicators)
    board = at.dataframe[0].value.set_index("县（市、区）")
    assert board.at["随县", "状态"] == "省级已确认"
    engine.dispose()


def test_another_county_clerk_cannot_see_or_touch_suixian(deployment):
    at = deployment(accounts=ACCOUNTS).run()
    at = log_in(at, "admin")
    open_round_as_admin(at)
    at = log_in(deployment().run(), "laifeng")
    at = open_page(at, "round")
    assert any("**来凤县**" in m.value for m in at.markdown)
    assert not [s for s in at.selectbox if s.key == "round_county"]  # no other county offered


def test_an_open_round_year_is_assessed_only_once_closed(app):
    from conftest import admin

    from components import cached
    from revitalization import rounds

    at = open_round_as_admin(app)
    engine, config = cached.engine(), cached.config()
    rid = rounds.round_of(engine, 2026).id
    form = {i.code: str(round((i.lower + i.upper) / 2, 2)) for i in config.indicators}
    v = rounds.save_draft(engine, rid, "421321", form, config=config, version=1, actor=admin())
    v = rounds.submit(engine, rid, "421321", config=config, version=v, actor=admin())
    v = rounds.forward(engine, rid, "421321", version=v, actor=admin())
    rounds.accept(engine, rid, "421321", version=v, actor=admin(), existing=cached.observations())
    cached.invalidate()
    at.run()
    assert 2026 not in cached.assessment().years  # one county in: the year is not ranked yet
    assert any("不计算考核结果" in c.value for c in at.caption)
    button(at, "截止填报").click()
    at.run()
    assert any("已截止填报" in s.value for s in at.success)
    assert cached.assessment().years[-1] == 2026
    assert "2026 年" in at.selectbox(key="year_picker").options
