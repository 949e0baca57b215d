"""The annual data round: every transition, role scope, concurrent edits, the board, and
nothing reaching the data until the province accepts. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import admin, race

from revitalization import rounds, store
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows
from revitalization.importer import rollback

SUIXIAN, SUIZHOU, LAIFENG, ENSHI = "421321", "421300", "422827", "422800"
CLERK = Actor("suixian", "随县填报员", "county", SUIXIAN)
OTHER_CLERK = Actor("laifeng", "来凤县填报员", "county", LAIFENG)
CITY = Actor("suizhou", "随州市农办", "city", SUIZHOU)
OTHER_CITY = Actor("enshi", "恩施州农办", "city", ENSHI)
VIEWER = Actor("viewer", "省级查看", "province_viewer")
TODAY = date(2026, 1, 5)


def full_form(config, **changes) -> dict[str, str]:
    """Every indicator filled with a plausible value (as text, as typed)."""
    form = {i.code: str(round((i.lower + i.upper) / 2, 2)) for i in config.indicators}
    form.update(changes)
    return form


@pytest.fixture
def opened(seeded_observations):
    round_id = rounds.open_round(seeded_observations, 2025, TODAY + timedelta(days=30),
                                 actor=admin(), today=TODAY)
    return seeded_observations, round_id


def test_a_county_round_trip_reaches_the_data_only_when_accepted(opened, config):
    engine, rid = opened
    before = store.read_observations(engine)
    assert rounds.entry(engine, rid, SUIXIAN, actor=admin()).state == "未填报"
    v = rounds.save_draft(engine, rid, SUIXIAN, full_form(config, sanitary_toilets="96.4%"),
                          config=config, version=1, actor=CLERK)
    assert rounds.entry(engine, rid, SUIXIAN, actor=admin()).values["sanitary_toilets"] == 96.4
    v = rounds.submit(engine, rid, SUIXIAN, config=config, version=v, actor=CLERK)
    v = rounds.return_for_changes(engine, rid, SUIXIAN, {"sanitary_toilets": "请核对改厕口径",
                                                         None: "附说明"},
                                  config=config, version=v, actor=CITY)
    returned = rounds.entry(engine, rid, SUIXIAN, actor=admin())
    assert returned.state == "草稿"
    assert [(c["indicator"], c["text"]) for c in returned.comments] == [
        ("sanitary_toilets", "请核对改厕口径"), (None, "附说明")]
    v = rounds.save_draft(engine, rid, SUIXIAN, full_form(config, sanitary_toilets="95.9"),
                          config=config, version=v, actor=CLERK)
    v = rounds.submit(engine, rid, SUIXIAN, config=config, version=v, actor=CLERK)
    v = rounds.forward(engine, rid, SUIXIAN, version=v, actor=CITY)
    assert all(c["resolved"] for c in rounds.entry(engine, rid, SUIXIAN, actor=admin()).comments)
    assert len(store.read_observations(engine)) == len(before)  # nothing yet
    rounds.accept(engine, rid, SUIXIAN, version=v, actor=admin(), existing=before)
    after = store.read_observations(engine)
    written = after[(after["adcode"] == SUIXIAN) & (after["year"] == 2025)]
    assert len(written) == len(config.indicators)
    assert written.set_index("indicator").at["sanitary_toilets", "value"] == 95.9
    final = rounds.entry(engine, rid, SUIXIAN, actor=admin())
    assert final.state == "省级已确认"
    actions = audit_rows(engine, "submission", actor=admin())["action"].tolist()
    assert actions == ["save", "submit", "return", "save", "submit", "forward", "accept"]
    # The accepted values are an import batch: they can be rolled back like any import.
    with store.Session(engine) as session:
        batch = session.get(store.Submission, final.id).batch_id
    assert rollback(engine, batch, actor=admin()) == len(config.indicators)


@pytest.mark.parametrize(("action", "state"), [("submit", "未填报"), ("forward", "草稿"),
                                               ("accept", "已提交"), ("return", "草稿")])
def test_transitions_out_of_order_are_refused(opened, config, action, state):
    engine, rid = opened
    v = 1
    if state != "未填报":
        v = rounds.save_draft(engine, rid, SUIXIAN, full_form(config), config=config, version=v,
                              actor=CLERK)
    if state == "已提交":
        v = rounds.submit(engine, rid, SUIXIAN, config=config, version=v, actor=CLERK)
    call = {
        "submit": lambda: rounds.submit(engine, rid, SUIXIAN, config=config, version=v, actor=CLERK),
        "forward": lambda: rounds.forward(engine, rid, SUIXIAN, version=v, actor=CITY),
        "accept": lambda: rounds.accept(engine, rid, SUIXIAN, version=v, actor=admin(),
                                        existing=store.read_observations(engine)),
        "return": lambda: rounds.return_for_changes(engine, rid, SUIXIAN, {None: "x"}, config=config,
                                                    version=v, actor=CITY),
    }[action]
    with pytest.raises(rounds.RoundError, match=f"当前状态为“{state}”"):
        call()
    assert rounds.entry(engine, rid, SUIXIAN, actor=admin()).version == v  # nothing changed


def test_incomplete_or_invalid_values_are_refused_with_the_indicator_named(opened, config):
    engine, rid = opened
    with pytest.raises(rounds.RoundError, match="农业劳动生产率：“6%”带百分号"):
        rounds.save_draft(engine, rid, SUIXIAN, {"labour_productivity": "6%"}, config=config,
                          version=1, actor=CLERK)
    with pytest.raises(rounds.RoundError, match="农村卫生厕所普及率：120 超出合理范围"):
        rounds.save_draft(engine, rid, SUIXIAN, {"sanitary_toilets": "120"}, config=config,
                          version=1, actor=CLERK)
    v = rounds.save_draft(engine, rid, SUIXIAN, {"sanitary_toilets": "96"}, config=config,
                          version=1, actor=CLERK)
    with pytest.raises(rounds.RoundError, match="还有 30 项指标未填写，不能提交"):
        rounds.submit(engine, rid, SUIXIAN, config=config, version=v, actor=CLERK)
    with pytest.raises(rounds.RoundError, match="退回意见：至少写一条"):
        rounds.return_for_changes(engine, rid, SUIXIAN, {None: " "}, config=config, version=v,
                                  actor=CITY)


def test_roles_keep_to_their_scope(opened, config):
    engine, rid = opened
    form = full_form(config)
    with pytest.raises(PermissionDenied, match="无权填报本县数据"):
        rounds.save_draft(engine, rid, SUIXIAN, form, config=config, version=1, actor=OTHER_CLERK)
    for actor in (CITY, VIEWER):
        with pytest.raises(PermissionDenied):
            rounds.save_draft(engine, rid, SUIXIAN, form, config=config, version=1, actor=actor)
    v = rounds.save_draft(engine, rid, SUIXIAN, form, config=config, version=1, actor=CLERK)
    v = rounds.submit(engine, rid, SUIXIAN, config=config, version=v, actor=CLERK)
    for actor in (OTHER_CITY, CLERK, VIEWER):
        with pytest.raises(PermissionDenied, match="无权审核"):
            rounds.forward(engine, rid, SUIXIAN, version=v, actor=actor)
    v = rounds.forward(engine, rid, SUIXIAN, version=v, actor=CITY)
    for actor in (CITY, CLERK):
        with pytest.raises(PermissionDenied, match="无权组织年度填报"):
            rounds.accept(engine, rid, SUIXIAN, version=v, actor=actor,
                          existing=store.read_observations(engine))
    with pytest.raises(PermissionDenied, match="无权组织年度填报"):
        rounds.open_round(engine, 2026, TODAY + timedelta(days=9), actor=CITY, today=TODAY)


def test_a_clerk_changes_nothing_once_the_round_is_closed(opened, config):
    engine, rid = opened
    rounds.set_round_open(engine, rid, False, actor=admin())
    with pytest.raises(rounds.RoundError, match="已截止"):
        rounds.save_draft(engine, rid, SUIXIAN, full_form(config), config=config, version=1,
                          actor=CLERK)
    rounds.set_round_open(engine, rid, True, actor=admin())
    assert rounds.save_draft(engine, rid, SUIXIAN, full_form(config), config=config, version=1,
                             actor=CLERK) == 2
    assert audit_rows(engine, "data_round", actor=admin())["action"].tolist() == ["open", "close", "reopen_round"]


def test_concurrent_edits_one_wins_the_other_is_told(opened, config):
    engine, rid = opened
    results = race(lambda value: rounds.save_draft(
        engine, rid, SUIXIAN, full_form(config, sanitary_toilets=value), config=config, version=1,
        actor=CLERK), ["96.1", "96.2"], rounds.StaleError)
    assert sorted(map(str, results)) == ["2", "refused"]
    assert rounds.entry(engine, rid, SUIXIAN, actor=admin()).version == 2
    with pytest.raises(rounds.StaleError, match="已被他人修改"):
        rounds.submit(engine, rid, SUIXIAN, config=config, version=1, actor=CLERK)


def test_the_board_shows_states_overdue_and_values_to_follow_up(opened, config, regions):
    engine, rid = opened
    observations = store.read_observations(engine)
    last = observations[(observations["adcode"] == SUIXIAN) & (observations["year"] == 2024)]
    tourism = float(last.set_index("indicator").at["tourism_visits", "value"])
    rounds.save_draft(engine, rid, SUIXIAN, full_form(config, tourism_visits=str(round(tourism * 4, 1))),
                      config=config, version=1, actor=CLERK)
    late = rounds.board(engine, 2025, regions, config, observations, today=TODAY + timedelta(days=31), actor=admin())
    assert late.at[SUIXIAN, "状态"] == "草稿" and late.at[SUIXIAN, "逾期"]
    assert late.at[LAIFENG, "状态"] == "未填报" and late.at[LAIFENG, "逾期"]
    assert late.at[SUIXIAN, "已填指标"] == f"{len(config.indicators)}/{len(config.indicators)}"
    assert late.at[SUIXIAN, "待核实数值"] >= 1  # tourism four times last year's
    follow = rounds.follow_ups(rounds.submissions(engine, rid, actor=admin()), 2025, config, observations)
    assert "是上年的 4.0 倍（上年 " in follow.set_index("indicator").at["tourism_visits", "原因"]
    on_time = rounds.board(engine, 2025, regions, config, observations, today=TODAY, actor=admin())
    assert not on_time["逾期"].any()
    assert len(on_time) == int(regions["assessed"].sum())
    done = rounds.completeness(rounds.submissions(engine, rid, actor=admin()), config)
    assert (done["已开始填报县数"] == 1).all() and (done["完成率"] == 1.0).all()


def test_a_clerk_may_upload_only_its_own_county_and_year(opened, config, regions):
    from revitalization.importer import validate

    engine, rid = opened
    existing = store.read_observations(engine)
    own = "区划代码,年度,农村卫生厕所普及率（%）\n421321,2025,96.4%\n".encode()
    report = validate("随县.csv", own, regions=regions, config=config, existing=existing, actor=admin())
    assert rounds.values_from_file(report, SUIXIAN, 2025, config) == {"sanitary_toilets": "96.4"}
    other = "区划代码,年度,农村卫生厕所普及率（%）\n421321,2025,96.4\n422827,2025,95\n".encode()
    report = validate("两县.csv", other, regions=regions, config=config, existing=existing, actor=admin())
    with pytest.raises(rounds.RoundError, match="第 3 行是其他县或其他年度的数据"):
        rounds.values_from_file(report, SUIXIAN, 2025, config)
