"""报告制度 (SQLite and PostgreSQL): the round, submissions checked by content and size, scope,
return for additions with versions, the board with 逾期, audit rows without the file."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from conftest import PDF, admin, as_before_migrations, race

from revitalization import reports, wording
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows


def docx_bytes(text: str = "随县 2025 年乡村振兴工作报告") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


CLERK = Actor("sx", "随县填报员", "county", "421321")
CITY = Actor("sz", "随州市", "city", "421300")


SOON = date.today() + timedelta(days=30)


@pytest.fixture
def opened(seeded):
    reports.open_round(seeded, 2025, SOON, actor=admin())
    return seeded


def test_a_unit_submits_is_returned_and_resubmits_and_every_file_is_kept(opened, regions):
    first = docx_bytes()
    v = reports.submit(opened, regions, 2025, "421321", file_name="随县报告.docx", data=first,
                       actor=CLERK, version=0)
    board = reports.board(opened, regions, 2025, actor=admin())
    assert (board.at["421321", "状态"], board.at["421321", "时限"]) == (reports.SUBMITTED, reports.ON_TIME)
    rid = int(board.at["421321", "id"])
    v = reports.return_report(opened, rid, reason="补充防返贫监测情况", version=v, actor=admin())
    board = reports.board(opened, regions, 2025, actor=admin())
    assert (board.at["421321", "状态"], board.at["421321", "退回原因"]) == (reports.RETURNED, "补充防返贫监测情况")
    with pytest.raises(reports.ConcurrentReportEdit, match="您看到的是第 1 版，当前为第 2 版"):
        reports.return_report(opened, rid, reason="再退", version=v - 1, actor=admin())
    with pytest.raises(reports.ReportError, match="已退回补充，等待重新报送"):
        reports.return_report(opened, rid, reason="再退", version=v, actor=admin())
    assert reports.submit(opened, regions, 2025, "421321", file_name="随县报告（补充）.pdf",
                          data=PDF, actor=CITY, version=v) == v + 1
    assert reports.file(opened, rid, actor=CLERK) == ("随县报告（补充）.pdf", reports.PDF, PDF)
    kept = reports.files(opened, rid, actor=CITY)
    assert kept[["version", "file_name", "content_type"]].values.tolist() == [
        [3, "随县报告（补充）.pdf", reports.PDF], [1, "随县报告.docx", reports.DOCX]]
    returned = int(kept.loc[kept["version"] == 1, "id"].iloc[0])
    assert reports.earlier_file(opened, returned, actor=admin())[2] == first  # what was returned
    log = audit_rows(opened, "annual_report", actor=admin())
    assert log["action"].tolist() == ["create", "return", "resubmit"]
    assert all("content" not in json.loads(a) for a in log["after"])  # no file bytes in the log
    assert [json.loads(a)["status"] for a in log["after"]] == ["已报送", "退回补充", "已报送"]


def test_a_resubmission_over_a_return_it_has_not_seen_is_refused(opened, regions):
    """The unit read version 1 and uploads again while the province has returned it: the
    upload is refused (the unit must first see why it was returned), nothing overwritten."""
    v = reports.submit(opened, regions, 2025, "421321", file_name="a.pdf", data=PDF, actor=CLERK,
                       version=0)
    rid = int(reports.board(opened, regions, 2025, actor=admin()).at["421321", "id"])
    reports.return_report(opened, rid, reason="补充", version=v, actor=admin())
    with pytest.raises(reports.ConcurrentReportEdit, match="已由他人报送或已被退回"):
        reports.submit(opened, regions, 2025, "421321", file_name="b.pdf", data=PDF, actor=CLERK,
                       version=v)
    board = reports.board(opened, regions, 2025, actor=admin())
    assert (board.at["421321", "状态"], board.at["421321", "文件"]) == (reports.RETURNED, "a.pdf")
    with pytest.raises(reports.ConcurrentReportEdit):  # a first upload when one exists
        reports.submit(opened, regions, 2025, "421321", file_name="c.pdf", data=PDF, actor=CITY,
                       version=0)


def test_the_board_marks_what_is_owed_late_and_what_came_late(opened, regions):
    reports.submit(opened, regions, 2025, "420800", file_name="荆门.pdf", data=PDF, actor=admin(),
                   version=0)
    v = reports.submit(opened, regions, 2025, "421321", file_name="随县.pdf", data=PDF,
                       actor=CLERK, version=0)
    rid = int(reports.board(opened, regions, 2025, actor=admin()).at["421321", "id"])
    reports.return_report(opened, rid, reason="补充", version=v, actor=admin())
    before = reports.board(opened, regions, 2025, today=SOON, actor=admin())
    after = reports.board(opened, regions, 2025, today=SOON + timedelta(days=1), actor=admin())
    assert len(before) == int(regions["assessed"].sum()) + 13  # 82 counties and 13 cities
    assert before.at["420800", "kind"] == "市州" and before.at["429004", "kind"] == "县（市、区）"
    assert (before.drop(index=["420800", "421321"])["状态"] == reports.UNSUBMITTED).all()
    assert (after.drop(index=["420800", "421321"])["状态"] == reports.OVERDUE).all()
    assert after.at["420800", "状态"] == reports.SUBMITTED
    assert after.at["421321", "状态"] == reports.RETURNED  # sent in time: returned, not 逾期
    assert after.at["420800", "时限"] == reports.ON_TIME and after.at["429004", "时限"] == ""
    # the deadline moved back before the day they came: sent late
    reports.set_deadline(opened, 2025, "2026-03-31", actor=admin(), today=date(2026, 1, 5))
    moved = reports.board(opened, regions, 2025, actor=admin())
    assert moved.attrs["deadline"] == "2026-03-31"
    assert moved.at["420800", "时限"] == reports.LATE and moved.at["421321", "时限"] == reports.LATE
    assert audit_rows(opened, "report_round", actor=admin())["action"].tolist() == ["create", "update"]


def test_times_are_beijing_time():
    from revitalization.wording import beijing

    assert f"{beijing('2026-03-31T23:00:00+00:00'):%Y-%m-%d %H:%M}" == "2026-04-01 07:00"


def test_the_deadline_day_ends_at_midnight_in_beijing_on_a_server_kept_on_utc(
        opened, regions, monkeypatch):
    """A unit that has sent nothing turns 逾期 at 00:00 Beijing time after the deadline day:
    not eight hours later, as the server's own (UTC) date would have it."""
    def at(hour: int, minute: int) -> None:  # UTC on the deadline day
        moment = datetime(SOON.year, SOON.month, SOON.day, hour, minute, tzinfo=UTC)
        monkeypatch.setattr(wording, "_now", lambda: moment)

    at(15, 59)  # 23:59 in Beijing: still the deadline day
    assert reports.board(opened, regions, 2025, actor=admin()).at["420800", "状态"] == reports.UNSUBMITTED
    at(16, 0)  # 00:00 the next day in Beijing; on the server's UTC clock still the deadline day
    assert reports.board(opened, regions, 2025, actor=admin()).at["420800", "状态"] == reports.OVERDUE
    with pytest.raises(reports.ReportError, match="已经过去"):  # a deadline of "today" (UTC)
        reports.set_deadline(opened, 2025, SOON, actor=admin())


def test_simultaneous_first_submissions_keep_one_record(opened, regions):
    """The clerk and its 市州 upload the county's first report at the same moment: one record
    is created, holding one of the two files; the other upload is refused, not applied
    unseen over it."""
    files = {CLERK: docx_bytes("随县报告（县）"), CITY: PDF}
    outcomes = race(lambda who: reports.submit(opened, regions, 2025, "421321", file_name="随县.docx",
                                               data=files[who], actor=who, version=0), [CLERK, CITY],
                    reports.ConcurrentReportEdit)
    assert sorted(map(str, outcomes)) == ["1", "refused"]
    assert audit_rows(opened, "annual_report", actor=admin())["action"].tolist() == ["create"]
    board = reports.board(opened, regions, 2025, actor=admin())
    assert reports.file(opened, int(board.at["421321", "id"]), actor=admin())[2] in files.values()


def test_simultaneous_resubmissions_and_returns_keep_exactly_one(opened, regions):
    v = reports.submit(opened, regions, 2025, "421321", file_name="随县.pdf", data=PDF, actor=CLERK,
                       version=0)
    rid = int(reports.board(opened, regions, 2025, actor=admin()).at["421321", "id"])
    outcomes = race(lambda why: reports.return_report(opened, rid, reason=why, version=v,
                                                      actor=admin()),
                    ["补充甲", "补充乙", "补充丙"], reports.ReportError)
    assert sorted(map(str, outcomes)) == ["2", "refused", "refused"]
    outcomes = race(lambda who: reports.submit(opened, regions, 2025, "421321", file_name="补充.pdf",
                                               data=PDF, actor=who, version=2), [CLERK, CITY],
                    reports.ConcurrentReportEdit)
    assert sorted(map(str, outcomes)) == ["3", "refused"]
    assert audit_rows(opened, "annual_report", actor=admin())["action"].tolist() == ["create", "return", "resubmit"]
    assert len(reports.files(opened, rid, actor=admin())) == 2


@pytest.mark.parametrize(("name", "data", "message"), [
    ("报告.docx", "这不是 Word 文件".encode(), "不是 Word（.docx）或 PDF 文件"),
    ("报告.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 .doc 请另存为"),
    ("报告.pdf", b"", "文件是空的"),
    ("报告.pdf", b"%PDF-" + b"0" * (20 * 2**20), "文件过大"),
])
def test_bad_files_are_refused_and_nothing_is_written(opened, regions, name, data, message):
    with pytest.raises(reports.ReportError, match=message):
        reports.submit(opened, regions, 2025, "421321", file_name=name, data=data, actor=CLERK,
                       version=0)
    assert audit_rows(opened, "annual_report", actor=admin()).empty


def test_scope_and_order(seeded, regions):
    def send(unit, actor, name="a.pdf"):
        return reports.submit(seeded, regions, 2025, unit, file_name=name, data=PDF, actor=actor,
                              version=0)

    with pytest.raises(reports.ReportError, match="还没有布置报告"):
        send("421321", CLERK)
    reports.open_round(seeded, 2025, SOON, actor=admin())
    with pytest.raises(reports.ReportError, match="已经布置"):
        reports.open_round(seeded, 2025, SOON, actor=admin())
    with pytest.raises(PermissionDenied):
        send("420222", CLERK)
    with pytest.raises(PermissionDenied, match="无权报送年度报告（荆门市）"):
        send("420800", CITY)
    send("421300", CITY)
    send("421321", CLERK)
    rid = int(reports.board(seeded, regions, 2025, actor=admin()).at["421300", "id"])
    with pytest.raises(PermissionDenied):
        reports.return_report(seeded, rid, reason="x", version=1, actor=CITY)
    with pytest.raises(PermissionDenied, match="无权查看该单位（随州市）的年度报告"):  # a clerk: not its city's
        reports.file(seeded, rid, actor=CLERK)
    county = int(reports.board(seeded, regions, 2025, actor=admin()).at["421321", "id"])
    with pytest.raises(PermissionDenied, match="无权查看该单位（随县）的年度报告"):
        reports.file(seeded, county, actor=Actor("jm", "荆门市", "city", "420800"))
    assert reports.file(seeded, county, actor=Actor("v", "查看", "province_viewer"))[2] == PDF
    with pytest.raises(reports.ReportError, match="不在应报送名单中"):  # a central district
        send("420102", admin())
    with pytest.raises(PermissionDenied):
        reports.set_deadline(seeded, 2025, SOON, actor=CITY)


# Follow-ups on a report: the case core's third kind ---------------------------------------

@pytest.fixture
def report(opened, regions):
    reports.submit(opened, regions, 2025, "421321", file_name="随县报告.docx", data=docx_bytes(),
                   actor=CLERK, version=0)
    return opened, int(reports.board(opened, regions, 2025, actor=admin()).at["421321", "id"])


def test_a_followup_is_raised_on_a_report_and_tracked_to_closure(report):
    engine, rid = report
    fid = reports.raise_followup(engine, rid, matter="报告称高标准农田完成率 100%，与填报数据不符，请核实",
                                 actor=CITY)
    with pytest.raises(reports.ReportError, match="推进前至少布置一项落实任务"):
        reports.save_followup(engine, fid, version=1, actor=CITY, status="落实中")
    task = reports.add_followup_task(engine, fid, description="提交核实说明和佐证材料",
                                     owner="随县农业农村局", deadline="2026-04-30", actor=CITY)
    v = reports.save_followup(engine, fid, version=2, actor=CITY, status="落实中")
    with pytest.raises(reports.ReportError, match="尚有 1 项未完成，不能办结"):
        reports.save_followup(engine, fid, version=v, actor=admin(), status="已办结")
    reports.complete_followup_task(engine, task, actor=CITY)
    with pytest.raises(reports.ConcurrentFollowupEdit, match="第 3 版，当前为第 4 版"):
        reports.save_followup(engine, fid, version=v, actor=admin(), status="已办结")
    reports.save_followup(engine, fid, version=v + 1, actor=admin(), status="已办结")
    row = reports.followups(engine, year=2025, actor=admin()).iloc[0]
    assert (row["adcode"], row["report_id"], row["status"]) == ("421321", rid, "已办结")
    with pytest.raises(reports.ReportError, match="已办结，不能再修改"):
        reports.save_followup(engine, fid, version=v + 2, actor=admin(), matter="改")
    todo = reports.followup_tasks(engine, fid, today=date(2026, 5, 1), actor=admin())
    assert todo["done"].tolist() == [True] and not todo["overdue"].any()
    assert audit_rows(engine, "report_followup", actor=admin())["action"].tolist() == ["create", "status", "status"]
    assert audit_rows(engine, "followup_task", actor=admin())["action"].tolist() == ["create", "complete"]


def test_followup_scope_fields_and_soft_delete(report, regions):
    engine, rid = report
    jingmen = Actor("jm", "荆门市", "city", "420800")
    with pytest.raises(PermissionDenied, match="跟进年度报告反映的问题"):
        reports.raise_followup(engine, rid, matter="x", actor=jingmen)
    with pytest.raises(PermissionDenied):  # a clerk reports; it does not follow itself up
        reports.raise_followup(engine, rid, matter="x", actor=CLERK)
    with pytest.raises(PermissionDenied):
        reports.raise_followup(engine, rid, matter="x", actor=Actor("v", "查看", "province_viewer"))
    with pytest.raises(reports.ReportError, match="跟进事项：不能为空"):
        reports.raise_followup(engine, rid, matter="  ", actor=admin())
    with pytest.raises(reports.ReportError, match="找不到编号 999"):
        reports.raise_followup(engine, 999, matter="x", actor=admin())
    # a 市州's own report is followed up by the province, not by the 市州 itself
    reports.submit(engine, regions, 2025, "421300", file_name="随州.pdf", data=PDF, actor=CITY,
                   version=0)
    own = int(reports.board(engine, regions, 2025, actor=admin()).at["421300", "id"])
    with pytest.raises(PermissionDenied):
        reports.raise_followup(engine, own, matter="x", actor=CITY)
    with pytest.raises(PermissionDenied, match="无权跟进年度报告反映的问题（随州市）"):
        reports.raise_followup(engine, own, matter="x", actor=CITY)
    xiantao = Actor("xt", "仙桃市", "city", "429004")  # a directly administered city: its own
    reports.submit(engine, regions, 2025, "429004", file_name="仙桃.pdf", data=PDF, actor=xiantao,
                   version=0)
    with pytest.raises(PermissionDenied):
        reports.raise_followup(engine, int(reports.board(engine, regions, 2025, actor=admin()).at["429004", "id"]),
                               matter="x", actor=xiantao)
    fid = reports.raise_followup(engine, own, matter="市本级投入情况未报", actor=admin())
    with pytest.raises(reports.ConcurrentFollowupEdit):
        reports.delete_followup(engine, fid, deleted=True, actor=admin(), version=0)
    reports.delete_followup(engine, fid, deleted=True, actor=admin(), version=1)
    assert reports.followups(engine, adcode="421300", actor=admin()).empty
    assert reports.followups(engine, adcode="421300", include_deleted=True, actor=admin())["deleted"].tolist() == [True]
    reports.delete_followup(engine, fid, deleted=False, actor=admin())
    assert reports.followups(engine, adcode="421300", actor=admin())["version"].tolist() == [3]


def test_concurrent_saves_of_a_followup_keep_exactly_one(report):
    engine, rid = report
    fid = reports.raise_followup(engine, rid, matter="补充防返贫监测", actor=admin())
    outcomes = race(lambda text: reports.save_followup(engine, fid, version=1, actor=admin(),
                                                       matter=text), ["甲", "乙"],
                    reports.ConcurrentFollowupEdit)
    assert sorted(map(str, outcomes)) == ["2", "refused"]
    row = reports.followups(engine, actor=admin()).iloc[0]
    assert row["version"] == 2 and row["matter"] in ("甲", "乙")


@pytest.mark.parametrize(("deadline", "message"), [
    ("", "截止日期：不能为空"), ("2026/3/31", "截止日期：日期格式应为 YYYY-MM-DD"),
    ("2026-01-04", "截止日期：2026-01-04 已经过去")])
def test_a_round_needs_a_deadline_to_come(seeded, deadline, message):
    with pytest.raises(reports.ReportError, match=message):
        reports.open_round(seeded, 2025, deadline, actor=admin(), today=date(2026, 1, 5))
    assert audit_rows(seeded, "report_round", actor=admin()).empty


def test_the_board_of_one_unit_is_its_row_of_the_whole(opened, regions):
    reports.submit(opened, regions, 2025, "421321", file_name="a.pdf", data=PDF, actor=CLERK, version=0)
    whole = reports.board(opened, regions, 2025, actor=admin())
    one = reports.board(opened, regions, 2025, units=["421321"], actor=admin())
    assert one.index.tolist() == ["421321"] and one.attrs == whole.attrs
    assert one.loc["421321"].equals(whole.loc["421321"])


def test_each_file_is_stored_once_and_resubmission_is_bounded(opened, regions, monkeypatch):
    """Issue 29 (9): each version was stored twice and versions were unlimited (3 × 18 MB →
    +106 MB). The bytes now live in the file rows only; a unit's files per year are capped in
    number and in total size, with a message naming the unit and the limit."""
    from sqlalchemy import func, select
    from sqlmodel import Session

    from revitalization.store import AnnualReport, AnnualReportFile

    v = 0
    for n in range(3):
        v = reports.submit(opened, regions, 2025, "421321", file_name=f"随县{n}.pdf", data=PDF + b"%" * n,
                           actor=CLERK, version=v)
    with Session(opened) as session:
        stored_twice = session.execute(select(func.count()).where(AnnualReport.content != b"")).scalar()
        sizes = session.execute(select(func.sum(func.length(AnnualReportFile.content)))).scalar()
    assert stored_twice == 0 and sizes == 3 * len(PDF) + 0 + 1 + 2
    rid = int(reports.board(opened, regions, 2025, actor=admin()).at["421321", "id"])
    assert reports.file(opened, rid, actor=CLERK)[2] == PDF + b"%%"  # the latest, from its file row
    monkeypatch.setattr(reports, "MAX_VERSIONS", 3)
    with pytest.raises(reports.ReportError, match="随县 2025 年度已报送 3 份文件，达到上限 3 份，不能再报送"):
        reports.submit(opened, regions, 2025, "421321", file_name="随县4.pdf", data=PDF, actor=CLERK, version=v)
    monkeypatch.setattr(reports, "MAX_VERSIONS", 10)
    monkeypatch.setattr(reports, "MAX_TOTAL", 4 * len(PDF))
    with pytest.raises(reports.ReportError, match="加上这份超过上限"):
        reports.submit(opened, regions, 2025, "421321", file_name="随县4.pdf", data=PDF + b"%" * 10,
                       actor=CLERK, version=v)
    assert len(reports.files(opened, rid, actor=admin())) == 3  # nothing was added


def test_a_store_that_kept_report_bytes_twice_is_mended_when_adopted(opened, regions):
    from sqlmodel import Session, select

    from revitalization import schema
    from revitalization.store import AnnualReport, AnnualReportFile

    reports.submit(opened, regions, 2025, "421321", file_name="随县.pdf", data=PDF, actor=CLERK, version=0)
    with Session(opened) as session:  # as an older version wrote it: bytes in the report row too,
        record = session.exec(select(AnnualReport)).one()  # and a report with no file row at all
        record.content = PDF
        session.add(record)
        session.add(AnnualReport(year=2025, unit="421300", file_name="随州.pdf", content_type=reports.PDF,
                                 size=len(PDF), content=PDF, submitted_by="随州市", submitted_at="2026-01-02"))
        session.commit()
    as_before_migrations(opened)
    schema.upgrade(opened)
    with Session(opened) as session:
        assert {r.content for r in session.exec(select(AnnualReport))} == {b""}
        files = session.exec(select(AnnualReportFile)).all()
    assert sorted((f.file_name, f.content) for f in files) == [("随县.pdf", PDF), ("随州.pdf", PDF)]
    rid = int(reports.board(opened, regions, 2025, actor=admin()).at["421300", "id"])
    assert reports.file(opened, rid, actor=admin()) == ("随州.pdf", reports.PDF, PDF)


def test_a_hostile_file_is_refused_by_submit_and_nothing_is_stored(opened, regions):
    """The structure check runs in the core (in the sandbox), whatever page or script calls it."""
    from .test_report_files import REMOTE_TEMPLATE, docx, tampered

    hostile = tampered(docx(), add={"word/_rels/settings.xml.rels": REMOTE_TEMPLATE})
    with pytest.raises(reports.ReportError, match="“随县.docx”未报送：文件引用了外部内容"):
        reports.submit(opened, regions, 2025, "421321", file_name="随县.docx", data=hostile,
                       actor=CLERK, version=0)
    assert reports.board(opened, regions, 2025, actor=admin()).at["421321", "状态"] == reports.UNSUBMITTED
    assert audit_rows(opened, "annual_report", actor=admin()).empty
    v = reports.submit(opened, regions, 2025, "421321", file_name="../随县\u202e报告.docx", data=docx(),
                       actor=CLERK, version=0)
    rid = int(reports.board(opened, regions, 2025, actor=admin()).at["421321", "id"])
    assert v == 1 and reports.file(opened, rid, actor=CLERK)[0] == "随县报告.docx"  # stored under a safe name
