"""督查 (SQLite and PostgreSQL): a round, a finding tracked to 销号 on the case core, escalation
into a 约谈 linked both ways, scope and concurrent edits."""

from __future__ import annotations

import pytest
from conftest import admin, race

from revitalization import inspections as insp
from revitalization import interviews
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows


@pytest.fixture
def finding(seeded, config):
    rid = insp.open_round(seeded, year=2025, name="2025 年度乡村振兴督查",
                          teams="第一组：随州市、孝感市", actor=admin())
    fid = insp.record_finding(seeded, config, round_id=rid, adcode="421321", category="资金使用",
                              description="衔接资金项目进度滞后", severity="较重",
                              responsibility="resources", actor=admin())
    return seeded, fid


def test_a_finding_is_tracked_to_closure_and_escalated_into_a_linked_interview(finding):
    engine, fid = finding
    with pytest.raises(insp.InspectionError, match="进入整改前至少布置一项整改任务"):
        insp.save_finding(engine, fid, version=1, actor=admin(), status="整改中")
    task = insp.add_task(engine, fid, description="12 月底前完成拨付", owner="县财政局",
                         deadline="2025-12-31", actor=admin())
    v = insp.save_finding(engine, fid, version=2, actor=admin(), status="整改中")
    interview = insp.escalate(engine, fid, version=v, actor=admin())
    live = interviews.interviews(engine, adcode="421321", actor=admin())
    assert live["id"].tolist() == [interview] and live["status"].tolist() == ["待约谈"]
    assert insp.findings(engine, interview_id=interview, actor=admin())["id"].tolist() == [fid]  # both ways
    with pytest.raises(insp.InspectionError, match="已升级为约谈"):
        insp.escalate(engine, fid, version=v + 1, actor=admin())
    insp.complete_task(engine, task, actor=admin())
    insp.save_finding(engine, fid, version=v + 2, actor=admin(), status="已整改/销号")
    row = insp.findings(engine, actor=admin()).iloc[0]
    assert (row["status"], row["interview_id"]) == ("已整改/销号", interview)
    assert audit_rows(engine, "inspection_finding", actor=admin())["action"].tolist() == \
        ["create", "status", "escalate", "status"]


def test_a_second_finding_escalates_into_the_same_interview(finding, config):
    engine, fid = finding
    rid = insp.rounds(engine, 2025)["id"].iloc[0]
    other = insp.record_finding(engine, config, round_id=rid, adcode="421321", category="工作作风",
                                description="村级台账不全", actor=admin())
    first = insp.escalate(engine, fid, version=1, actor=admin())
    assert insp.escalate(engine, other, version=1, actor=admin()) == first
    assert sorted(insp.findings(engine, interview_id=first, actor=admin())["id"]) == sorted([fid, other])


def test_concurrent_saves_of_a_finding_keep_exactly_one(finding):
    engine, fid = finding
    insp.add_task(engine, fid, description="补齐", owner="县农业农村局", deadline="2026-03-31",
                  actor=admin())
    outcomes = race(lambda text: insp.save_finding(engine, fid, version=2, actor=admin(), evidence=text),
                    [f"依据{k}" for k in range(4)], insp.ConcurrentFindingEdit)
    assert sorted(map(str, outcomes)) == ["3", "refused", "refused", "refused"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"category": "天气"}, "问题类别：应为"), ({"severity": "特别严重"}, "严重程度：应为"),
    ({"responsibility": "weather"}, "涉及的责任：未知的责任代码 weather"),
    ({"description": " "}, "问题描述：不能为空"), ({"adcode": "999999"}, "未知的区划代码 999999"),
])
def test_bad_findings_name_the_field(finding, config, fields, message):
    engine, _ = finding
    rid = insp.rounds(engine)["id"].iloc[0]
    args = {"round_id": rid, "adcode": "421321", "category": "其他", "description": "x", **fields}
    with pytest.raises(insp.InspectionError, match=message):
        insp.record_finding(engine, config, actor=admin(), **args)


def test_scope_rounds_by_the_province_findings_by_the_city_for_its_counties(finding, config):
    engine, fid = finding
    city = Actor("sz", "随州市", "city", "421300")
    with pytest.raises(PermissionDenied):
        insp.open_round(engine, year=2025, name="市里自己的督查", teams="", actor=city)
    rid = insp.rounds(engine)["id"].iloc[0]
    insp.add_task(engine, fid, description="整改", owner="随县", deadline="2026-01-31", actor=city)
    with pytest.raises(PermissionDenied):
        insp.record_finding(engine, config, round_id=rid, adcode="420222", category="其他",
                            description="x", actor=city)
