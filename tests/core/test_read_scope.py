"""Every read path and the role matrix it is checked against, in one place.

Reading is scoped in the core like writing (issue 29, 2): each function that returns records
of units takes the actor. Records are made for two counties in two 市州 (随县 of 随州市,
来凤县 of 恩施州) and for both 市州 themselves; every read path is then called as each role,
and the units it returns must be exactly those the role may read. A new read path is added
to ``LIST_PATHS`` or ``SINGLE_PATHS`` here, or it is not scoped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from conftest import PDF, admin

from revitalization import (
    accounts,
    corrections,
    importer,
    inspections,
    interviews,
    notes,
    reports,
    rounds,
    support,
)
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows
from revitalization.config import load_config
from revitalization.exports import documents

SUIXIAN, SUIZHOU, LAIFENG, ENSHI = "421321", "421300", "422827", "422800"
COUNTIES = {SUIXIAN, LAIFENG}  # 约谈, 督查, notes, support and data-round records
ALL = {SUIXIAN, SUIZHOU, LAIFENG, ENSHI}  # annual reports and their follow-ups: 市州 too

VIEWER = Actor("viewer", "省级查看", "province_viewer")
CITY = Actor("suizhou", "随州市农办", "city", SUIZHOU)
CLERK = Actor("suixian", "随县填报员", "county", SUIXIAN)
OTHER_CLERK = Actor("laifeng", "来凤县填报员", "county", LAIFENG)

# What each role may read of the units that have records.
MATRIX = {
    "省级管理员": (admin(), {SUIXIAN, SUIZHOU, LAIFENG, ENSHI}),
    "省级查看": (VIEWER, {SUIXIAN, SUIZHOU, LAIFENG, ENSHI}),
    "市州用户（随州）": (CITY, {SUIXIAN, SUIZHOU}),
    "县级填报员（随县）": (CLERK, {SUIXIAN}),
    "县级填报员（来凤）": (OTHER_CLERK, {LAIFENG}),
}


@dataclass
class Records:
    engine: object
    regions: object
    interviews: dict  # adcode → interview id
    findings: dict
    reports: dict
    followups: dict
    files: dict  # adcode → a kept file id
    round_id: int


@pytest.fixture
def records(seeded, regions) -> Records:
    engine, config, boss = seeded, load_config(), admin()
    round_id = inspections.open_round(engine, year=2025, name="2025 年度督查", teams="", actor=boss)
    found, talks = {}, {}
    for code in (SUIXIAN, LAIFENG):
        found[code] = inspections.record_finding(engine, config, round_id=round_id, adcode=code,
                                                 category="资金使用", description=f"{code} 的问题",
                                                 actor=boss)
        inspections.add_task(engine, found[code], description="整改", owner="县农业农村局",
                             deadline="2027-06-30", actor=boss)
        talks[code] = inspections.escalate(engine, found[code], version=2, actor=boss)
        version = int(interviews.interviews(engine, adcode=code, actor=boss)["version"].iloc[0])
        interviews.save_interview(engine, talks[code], version=version, actor=boss, status="已约谈",
                                  interview_date="2026-01-10", level="省", interviewees="县长",
                                  issues=["推进慢"], today=date(2026, 1, 20))
        interviews.add_task(engine, talks[code], description="约谈整改", owner="县政府",
                            deadline="2027-06-30", actor=boss)
        notes.add_note(engine, code, 2025, f"{code} 备注", actor=boss)
        support.add_relation(engine, adcode=code, kind="定点帮扶", supporter="省农业农村厅",
                             start_year=2021, actor=boss)
    reports.open_round(engine, 2025, "2026-03-31", actor=boss, today=date(2026, 1, 5))
    sent, raised, kept = {}, {}, {}
    for unit in (SUIXIAN, SUIZHOU, LAIFENG, ENSHI):
        reports.submit(engine, regions, 2025, unit, file_name=f"{unit}.pdf", data=PDF,
                       actor=boss, version=0)
        board = reports.board(engine, regions, 2025, actor=boss)
        sent[unit] = int(board.at[unit, "id"])
        raised[unit] = reports.raise_followup(engine, sent[unit], matter=f"{unit} 跟进", actor=boss)
        reports.add_followup_task(engine, raised[unit], description="落实", owner="县农办",
                                  deadline="2027-06-30", actor=boss)
        kept[unit] = int(reports.files(engine, sent[unit], actor=boss)["id"].iloc[0])
    data_round = rounds.open_round(engine, 2026, "2027-03-31", actor=boss, today=date(2026, 12, 1))
    for code in (SUIXIAN, LAIFENG):  # a correction request of each county, filed by its clerk
        existing = importer.pd.DataFrame([{"adcode": code, "year": 2024, "indicator": "rural_income",
                                           "value": 20000.0}])
        corrections.file_request(engine, code, 2024, {"rural_income": "21000"}, "修订数", config=config,
                                 existing=existing, open_years={2026},
                                 actor=CLERK if code == SUIXIAN else OTHER_CLERK)
    return Records(engine, regions, talks, found, sent, raised, kept, data_round)


def _units(frame, column: str = "adcode") -> set[str]:
    return set(frame[column]) if len(frame) else set()


# Read paths that return many units' records: each returns the units of what it returned.
LIST_PATHS = {
    "约谈记录 interviews.interviews": lambda r, a: _units(interviews.interviews(r.engine, actor=a)),
    "约谈整改任务 interviews.tasks": lambda r, a: {
        code for code, i in r.interviews.items()
        if len(interviews.tasks(r.engine, list(r.interviews.values()), actor=a).query("interview_id == @i"))},
    "督查发现 inspections.findings": lambda r, a: _units(inspections.findings(r.engine, actor=a)),
    "督查整改任务 inspections.tasks": lambda r, a: {
        code for code, i in r.findings.items()
        if len(inspections.tasks(r.engine, list(r.findings.values()), actor=a).query("finding_id == @i"))},
    "报告跟进事项 reports.followups": lambda r, a: _units(reports.followups(r.engine, actor=a)),
    "落实任务 reports.followup_tasks": lambda r, a: {
        code for code, i in r.followups.items()
        if len(reports.followup_tasks(r.engine, list(r.followups.values()), actor=a).query(
            "followup_id == @i"))},
    "报送看板 reports.board": lambda r, a: set(
        reports.board(r.engine, r.regions, 2025, actor=a).index) & {SUIXIAN, SUIZHOU, LAIFENG, ENSHI},
    "帮扶协作记录 support.relations": lambda r, a: _units(support.relations(r.engine, actor=a)),
    "填报表 rounds.submissions": lambda r, a: _units(
        rounds.submissions(r.engine, r.round_id, actor=a)) & {SUIXIAN, LAIFENG},
    "更正申请 corrections.requests": lambda r, a: _units(corrections.requests(r.engine, actor=a)),
    "填报看板 rounds.board": lambda r, a: set(rounds.board(
        r.engine, 2026, r.regions, load_config(), importer.pd.DataFrame(
            columns=["adcode", "year", "indicator", "value"]), actor=a).index) & {SUIXIAN, LAIFENG},
}

# Read paths for one unit: refused (PermissionDenied) outside the scope.
SINGLE_PATHS = {
    "工作备注 notes.list_notes": lambda r, a, u: notes.list_notes(r.engine, u, actor=a),
    "报告文件 reports.file": lambda r, a, u: reports.file(r.engine, r.reports[u], actor=a),
    "历次报送 reports.files": lambda r, a, u: reports.files(r.engine, r.reports[u], actor=a),
    "某一版报告 reports.earlier_file": lambda r, a, u: reports.earlier_file(r.engine, r.files[u], actor=a),
    "填报表 rounds.entry": lambda r, a, u: rounds.entry(r.engine, r.round_id, u, actor=a),
    "汇编与草稿的记录 documents.add_records": lambda r, a, u: documents.add_records(
        documents.Context(None, load_config(), 2025, False), r.engine, u, actor=a),
}
SINGLE_UNITS = {"rounds.entry": (SUIXIAN, LAIFENG), "notes.list_notes": (SUIXIAN, LAIFENG),
                "documents.add_records": (SUIXIAN, LAIFENG)}

# Read paths only the province may use at all.
PROVINCE_PATHS = {
    "审计日志 audit.audit_rows": lambda r, a: audit_rows(r.engine, actor=a),
    "导入记录 importer.batches": lambda r, a: importer.batches(r.engine, actor=a),
}


@pytest.mark.parametrize("path", list(LIST_PATHS))
def test_each_list_read_returns_exactly_the_roles_scope(records, path):
    units = ALL if any(k in path for k in ("reports.", "报送")) else COUNTIES  # who has such records
    seen = {role: LIST_PATHS[path](records, actor) for role, (actor, _) in MATRIX.items()}
    assert seen == {role: scope & units for role, (_, scope) in MATRIX.items()}


@pytest.mark.parametrize("path", list(SINGLE_PATHS))
def test_each_single_read_is_refused_outside_the_scope(records, path):
    units = next((v for k, v in SINGLE_UNITS.items() if k in path), tuple(sorted(ALL)))
    for role, (actor, scope) in MATRIX.items():
        for unit in units:
            if unit in scope:
                SINGLE_PATHS[path](records, actor, unit)  # no exception
            else:
                with pytest.raises(PermissionDenied, match="无权查看"):
                    SINGLE_PATHS[path](records, actor, unit)
                    pytest.fail(f"{role} read {unit}")


@pytest.mark.parametrize("path", list(PROVINCE_PATHS))
def test_the_audit_trail_and_import_history_are_the_provinces(records, path):
    for actor, _ in MATRIX.values():
        if actor.role in ("province_admin", "province_viewer"):
            PROVINCE_PATHS[path](records, actor)
        else:
            with pytest.raises(PermissionDenied, match="无权查看.+（仅限省级账号）"):
                PROVINCE_PATHS[path](records, actor)


def test_accounts_are_listed_for_the_administrator_only(records):
    assert len(accounts.accounts(records.engine, actor=admin())) == 0
    for actor in (VIEWER, CITY, CLERK):
        with pytest.raises(PermissionDenied, match="无权管理账号"):
            accounts.accounts(records.engine, actor=actor)


def test_a_city_users_compendium_holds_only_its_own_records(records):
    """The 约谈单位画像汇编 export loaded every flagged county's records: now each section's
    records are read as the user, and a county outside the scope is refused."""
    ctx = documents.Context(None, load_config(), 2025, False)
    documents.add_records(ctx, records.engine, SUIXIAN, actor=CITY)
    assert any("资金使用" in line for line in ctx.findings[SUIXIAN])
    with pytest.raises(PermissionDenied):
        documents.add_records(ctx, records.engine, LAIFENG, actor=CITY)
    assert LAIFENG not in ctx.cases and LAIFENG not in ctx.findings
