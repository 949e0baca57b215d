"""部门责任 records (SQLite and PostgreSQL): validation, permissions, versions, audit, board."""

from __future__ import annotations

import json

import pytest
from conftest import admin, race

from revitalization import departments as dept
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows


def test_a_record_is_created_changed_with_its_version_and_audited(seeded, config):
    v = dept.record_duty(seeded, config, department="finance", year=2025, duty="priority",
                         status="基本落实", evidence="农林水支出增幅低于一般公共预算支出增幅",
                         version=0, actor=admin("王五"))
    assert v == 1
    v = dept.record_duty(seeded, config, department="finance", year=2025, duty="priority",
                         status="落实不力", evidence="土地出让收入用于农业农村比例未达要求",
                         version=1, actor=admin("赵六"))
    assert v == 2
    rows = dept.records(seeded, 2025)
    assert rows[["department", "duty", "status", "version", "updated_by"]].values.tolist() == [
        ["finance", "priority", "落实不力", 2, "赵六"]]
    log = audit_rows(seeded, "department_duty", actor=admin())
    assert log["action"].tolist() == ["create", "update"]
    assert json.loads(log.iloc[1]["before"])["status"] == "基本落实"
    assert json.loads(log.iloc[1]["after"])["status"] == "落实不力"
    table = dept.board(config, rows)
    assert table.loc["省财政厅", "优先发展"] == "落实不力"
    assert table.loc["省财政厅", "已记录"] == "1/8"
    assert table.loc["省农业农村厅", "粮食安全"] == dept.UNRECORDED
    assert dept.weak(config, rows) == [("省财政厅", "坚持农业农村优先发展",
                                        "土地出让收入用于农业农村比例未达要求")]


def test_a_save_over_a_newer_version_is_refused_and_nothing_is_lost(seeded, config):
    args = {"department": "agri", "year": 2025, "duty": "grain", "actor": admin()}
    dept.record_duty(seeded, config, status="落实到位", evidence="", version=0, **args)
    dept.record_duty(seeded, config, status="基本落实", evidence="高标准农田建设滞后", version=1, **args)
    with pytest.raises(dept.ConcurrentDutyEdit, match="已被他人修改"):
        dept.record_duty(seeded, config, status="落实到位", evidence="", version=1, **args)
    with pytest.raises(dept.ConcurrentDutyEdit):  # both "first" records of the same cell
        dept.record_duty(seeded, config, status="落实到位", evidence="", version=0, **args)
    assert dept.records(seeded, 2025)["evidence"].tolist() == ["高标准农田建设滞后"]


def test_two_simultaneous_saves_of_one_version_keep_exactly_one(seeded, config):
    args = {"department": "water", "year": 2025, "duty": "sector", "actor": admin()}
    dept.record_duty(seeded, config, status="落实到位", evidence="", version=0, **args)
    outcomes = race(lambda text: dept.record_duty(seeded, config, status="基本落实", evidence=text,
                                                  version=1, **args),
                    [f"依据{k}" for k in range(4)], dept.ConcurrentDutyEdit)
    assert sorted(map(str, outcomes)) == ["2", "refused", "refused", "refused"]
    assert dept.records(seeded, 2025)["version"].tolist() == [2]
    assert len(audit_rows(seeded, "department_duty", actor=admin())) == 2


@pytest.mark.parametrize(("fields", "message"), [
    ({"department": "army"}, "部门：未知的部门代码 army"),
    ({"duty": "weather"}, "责任：未知的部门责任代码 weather"),
    ({"status": "优秀"}, "落实情况：应为 落实到位、基本落实、落实不力、不适用 之一"),
    ({"status": "落实不力", "evidence": "  "}, "依据：评为“落实不力”须写明依据"),
    ({"evidence": "字" * 2001}, "依据：不能超过 2000 字"),
    ({"year": 1800}, "年度：1800 不是有效年份"),
])
def test_bad_records_name_the_field(seeded, config, fields, message):
    args = {"department": "agri", "year": 2025, "duty": "grain", "status": "落实到位",
            "evidence": "", "version": 0, **fields}
    with pytest.raises(dept.DutyError, match=message):
        dept.record_duty(seeded, config, actor=admin(), **args)
    assert dept.records(seeded, 2025).empty and audit_rows(seeded, "department_duty", actor=admin()).empty


@pytest.mark.parametrize("actor", [Actor("v", "查看", "province_viewer"),
                                   Actor("c", "市州", "city", "420800"),
                                   Actor("x", "县", "county", "421321")])
def test_only_the_province_office_records_department_duties(seeded, config, actor):
    with pytest.raises(PermissionDenied, match="无权记录部门责任落实情况"):
        dept.record_duty(seeded, config, department="agri", year=2025, duty="grain",
                         status="落实到位", evidence="", version=0, actor=actor)
    assert dept.records(seeded, 2025).empty
