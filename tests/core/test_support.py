"""社会动员 records (SQLite and PostgreSQL): validation, scope, versions, soft delete, audit,
and the coverage that shows counties without support."""

from __future__ import annotations

import pytest
from conftest import admin, as_before_migrations, race

from revitalization import support
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows


def test_records_are_added_changed_deleted_restored_and_audited(seeded, regions):
    rid = support.add_relation(seeded, adcode="422827", kind="区域协作", supporter=" 武汉市青山区 ",
                               start_year=2021, projects="教育帮扶", funds="1,200",
                               actor=admin("王五"))
    v = support.save_relation(seeded, rid, version=1, actor=admin("王五"), end_year=2024)
    v = support.save_relation(seeded, rid, version=v, actor=admin("赵六"), deleted=True)
    assert support.relations(seeded, "422827", actor=admin()).empty
    support.save_relation(seeded, rid, version=v, actor=admin("赵六"), deleted=False)
    row = support.relations(seeded, "422827", actor=admin()).iloc[0]
    assert (row["supporter"], row["funds"], row["end_year"], row["version"]) == \
        ("武汉市青山区", 1200.0, 2024, 4)
    assert audit_rows(seeded, "support_relation", actor=admin())["action"].tolist() == \
        ["create", "update", "delete", "restore"]
    records = support.relations(seeded, actor=admin())
    assert len(support.active(records, 2024)) == 1 and support.active(records, 2025).empty
    links = support.pairs(records, regions, 2023)
    assert links.values.tolist() == [["422827", "420107", "武汉市青山区"]]


def test_coverage_names_the_counties_without_support(seeded, regions):
    support.add_relation(seeded, adcode="421321", kind="定点帮扶", supporter="省财政厅",
                         start_year=2019, funds=500, actor=admin())
    support.add_relation(seeded, adcode="421321", kind="区域协作", supporter="武汉市江岸区",
                         start_year=2026, actor=admin())  # not yet in 2025
    cover = support.coverage(support.relations(seeded, actor=admin()), regions, 2025)
    assert len(cover) == int(regions["assessed"].sum())
    suixian = cover.loc["421321"]
    assert (suixian["定点帮扶"], suixian["区域协作"], suixian["资金（万元）"], suixian["状态"]) == \
        (1, 0, 500.0, "1 项")
    assert (cover.drop(index="421321")["状态"] == support.NONE).all()


def test_a_stale_save_is_refused(seeded):
    rid = support.add_relation(seeded, adcode="421321", kind="定点帮扶", supporter="省财政厅",
                               start_year=2019, actor=admin())
    support.save_relation(seeded, rid, version=1, actor=admin(), projects="消费帮扶")
    with pytest.raises(support.ConcurrentSupportEdit, match="已被他人修改"):
        support.save_relation(seeded, rid, version=1, actor=admin(), projects="产业帮扶")
    assert support.relations(seeded, actor=admin())["projects"].tolist() == ["消费帮扶"]


def test_simultaneous_saves_of_one_version_keep_exactly_one(seeded):
    rid = support.add_relation(seeded, adcode="421321", kind="定点帮扶", supporter="省财政厅",
                               start_year=2019, actor=admin())
    outcomes = race(lambda text: support.save_relation(seeded, rid, version=1, actor=admin(),
                                                       projects=text),
                    [f"项目{k}" for k in range(4)], support.ConcurrentSupportEdit)
    assert sorted(map(str, outcomes)) == ["2", "refused", "refused", "refused"]
    row = support.relations(seeded, actor=admin()).iloc[0]
    assert row["version"] == 2 and row["projects"].startswith("项目")
    assert audit_rows(seeded, "support_relation", actor=admin())["action"].tolist() == ["create", "update"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"kind": "结对"}, "类型：应为 定点帮扶、区域协作 之一"),
    ({"supporter": "  "}, "帮扶单位：不能为空"),
    ({"start_year": 2024, "end_year": 2022}, "结束年度 2022 早于开始年度 2024"),
    ({"funds": "很多"}, "资金：“很多”不是数字"),
    ({"funds": -1}, "资金：不能为负数"),
    ({"adcode": "999999"}, "区划代码：未知的区划代码 999999"),
])
def test_bad_records_name_the_field(seeded, fields, message):
    args = {"adcode": "421321", "kind": "定点帮扶", "supporter": "省财政厅", "start_year": 2021,
            **fields}
    with pytest.raises(support.SupportError, match=message):
        support.add_relation(seeded, actor=admin(), **args)
    assert support.relations(seeded, actor=admin()).empty
    assert audit_rows(seeded, "support_relation", actor=admin()).empty


def test_a_city_records_its_own_counties_only(seeded):
    city = Actor("sz", "随州市", "city", "421300")
    support.add_relation(seeded, adcode="421321", kind="定点帮扶", supporter="省财政厅",
                         start_year=2021, actor=city)
    with pytest.raises(PermissionDenied, match="无权记录定点帮扶和区域协作"):
        support.add_relation(seeded, adcode="420222", kind="定点帮扶", supporter="省财政厅",
                             start_year=2021, actor=city)
    with pytest.raises(PermissionDenied):
        support.add_relation(seeded, adcode="421321", kind="定点帮扶", supporter="省财政厅",
                             start_year=2021, actor=Actor("v", "查看", "province_viewer"))


def test_a_store_made_before_the_unique_index_gets_it(seeded):
    """A store made before migrations (no alembic_version) and before the index that keeps one
    live record per county, kind, supporter and start year gets the index when it is adopted."""
    from sqlalchemy import inspect, text

    from revitalization import schema

    with seeded.begin() as connection:
        connection.execute(text("DROP INDEX uq_support_live"))
    as_before_migrations(seeded)
    assert "uq_support_live" not in {i["name"] for i in inspect(seeded).get_indexes("support_relation")}
    schema.upgrade(seeded)
    assert "uq_support_live" in {i["name"] for i in inspect(seeded).get_indexes("support_relation")}
