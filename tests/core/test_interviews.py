"""The 约谈 workflow on SQLite and PostgreSQL: transitions, validation, concurrency, audit."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import admin

from revitalization.audit import audit_rows
from revitalization.interviews import (
    ConcurrentEditError,
    InterviewError,
    add_task,
    complete_task,
    interviews,
    open_interview,
    outcome,
    save_interview,
    set_deleted,
    tasks,
)

TODAY = date(2026, 3, 1)
SUIXIAN = "421321"  # flagged in 2025 (planted slider)


def held(engine, interview_id, version=1):
    return save_interview(engine, interview_id, version=version, actor=admin("省委农办"),
                          interview_date="2026-02-10", level="省", interviewees="县委书记、县长",
                          issues=["综合得分连续两年下降", "生活污水治理滞后"], status="已约谈",
                          today=TODAY)


def test_the_whole_cycle_is_audited(seeded, assessment):
    iid = open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("省委农办"))
    version = held(seeded, iid)
    task = add_task(seeded, iid, description="完成 20 个村生活污水治理", owner="县住建局",
                    deadline="2026-06-30", actor=admin("省委农办"))
    with pytest.raises(ConcurrentEditError):  # a task change is a change of the interview
        save_interview(seeded, iid, version=version, actor=admin("随州市"), status="整改中", today=TODAY)
    version += 1
    version = save_interview(seeded, iid, version=version, actor=admin("随州市"), status="整改中",
                             today=TODAY)
    with pytest.raises(InterviewError, match="尚有 1 项未完成，不能销号"):
        save_interview(seeded, iid, version=version, actor=admin("随州市"), status="已整改/销号",
                       today=TODAY)
    complete_task(seeded, task, actor=admin("随州市"))
    version = save_interview(seeded, iid, version=version + 1, actor=admin("省委农办"),
                             status="已整改/销号", today=TODAY)
    record = interviews(seeded, year=2025, actor=admin()).iloc[0]
    assert record["status"] == "已整改/销号" and record["version"] == version == 6
    with pytest.raises(InterviewError, match="已销号，任务不能再改动"):
        complete_task(seeded, task, actor=admin("随州市"), done=False)
    with pytest.raises(InterviewError, match="已整改销号，不能再修改"):  # a closed record is read-only
        save_interview(seeded, iid, version=version, actor=admin("随州市"), interviewees="县长")
    assert record["issues"] == ["综合得分连续两年下降", "生活污水治理滞后"]
    log = audit_rows(seeded, actor=admin())
    assert log["action"].tolist() == ["create", "status", "create", "status", "complete", "status"]
    assert log["entity"].tolist().count("interview") == 4
    assert (log["before"].iloc[1] != "") and ("已约谈" in log["after"].iloc[1])


def test_illegal_transitions_are_refused(seeded, assessment):
    iid = open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("u"))
    with pytest.raises(InterviewError, match="不能从“待约谈”改为“整改中”"):
        save_interview(seeded, iid, version=1, actor=admin("u"), status="整改中", today=TODAY)
    version = held(seeded, iid)
    with pytest.raises(InterviewError, match="不能从“已约谈”改为“待约谈”"):
        save_interview(seeded, iid, version=version, actor=admin("u"), status="待约谈", today=TODAY)
    with pytest.raises(InterviewError, match="进入整改前至少布置一项整改任务"):
        save_interview(seeded, iid, version=version, actor=admin("u"), status="整改中", today=TODAY)
    assert interviews(seeded, actor=admin()).iloc[0]["status"] == "已约谈"


@pytest.mark.parametrize(("changes", "message"), [
    ({"interview_date": "2026-03-05"}, "约谈日期：2026-03-05 晚于今天"),
    ({"interview_date": ""}, "约谈日期：已约谈的记录必须填写约谈日期"),
    ({"issues": []}, "约谈指出的问题：至少填写一条"),
    ({"level": "县"}, "约谈层级：应为“省”或“市”"),
    ({"interviewees": " "}, "被约谈人：至少填写一人"),
    ({"interview_date": "2026/02/10"}, "约谈日期：日期格式应为 YYYY-MM-DD"),
])
def test_invalid_input_names_the_field(seeded, assessment, changes, message):
    iid = open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("u"))
    fields = {"interview_date": "2026-02-10", "level": "省", "interviewees": "县长",
              "issues": ["问题"], **changes}
    with pytest.raises(InterviewError, match=message):
        save_interview(seeded, iid, version=1, actor=admin("u"), status="已约谈", today=TODAY, **fields)
    assert interviews(seeded, actor=admin()).iloc[0]["version"] == 1  # nothing changed


def test_deadline_before_the_interview_is_refused(seeded, assessment):
    iid = open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("u"))
    with pytest.raises(InterviewError, match="请先填写约谈日期"):
        add_task(seeded, iid, description="x", owner="y", deadline="2026-04-01", actor=admin("u"))
    held(seeded, iid)
    with pytest.raises(InterviewError, match="整改期限：2026-01-01 早于约谈日期 2026-02-10"):
        add_task(seeded, iid, description="x", owner="y", deadline="2026-01-01", actor=admin("u"))


def test_concurrent_edit_is_detected(seeded, assessment):
    iid = open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("u"))
    # Two people read version 1; the first save wins, the second is refused with a message.
    save_interview(seeded, iid, version=1, actor=admin("甲"), interviewees="县长", today=TODAY)
    with pytest.raises(ConcurrentEditError, match="已被他人修改"):
        save_interview(seeded, iid, version=1, actor=admin("乙"), interviewees="县委书记", today=TODAY)
    assert interviews(seeded, actor=admin()).iloc[0]["interviewees"] == "县长"


def test_only_flagged_units_once_per_year_and_soft_delete(seeded, assessment):
    with pytest.raises(InterviewError, match="未列入约谈预警"):
        open_interview(seeded, assessment, "420117", 2025, actor=admin("u"))  # 新洲区, top of the list
    iid = open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("u"))
    with pytest.raises(InterviewError, match="已有约谈记录"):
        open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("u"))
    set_deleted(seeded, iid, deleted=True, actor=admin("u"))
    assert interviews(seeded, actor=admin()).empty
    assert len(interviews(seeded, include_deleted=True, actor=admin())) == 1
    set_deleted(seeded, iid, deleted=False, actor=admin("u"))
    assert len(interviews(seeded, actor=admin())) == 1
    # Deleted A, opened B, then restoring A would make two live records: refused.
    set_deleted(seeded, iid, deleted=True, actor=admin("u"))
    open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("u"))
    with pytest.raises(InterviewError, match="不能恢复"):
        set_deleted(seeded, iid, deleted=False, actor=admin("u"))
    assert len(interviews(seeded, actor=admin())) == 1


def test_overdue_tasks_and_closing_the_loop(seeded, assessment):
    iid = open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("u"))
    held(seeded, iid)
    add_task(seeded, iid, description="早", owner="甲", deadline="2026-02-20", actor=admin("u"))
    add_task(seeded, iid, description="晚", owner="乙", deadline="2026-05-20", actor=admin("u"))
    frame = tasks(seeded, iid, today=TODAY, actor=admin())
    assert frame.set_index("description")["overdue"].to_dict() == {"早": True, "晚": False}
    assert outcome(assessment, SUIXIAN, 2025) is None  # no 2026 result yet
    result = outcome(assessment, SUIXIAN, 2024)
    assert result.score_change < 0 and result.flagged_again
    assert "仍列入约谈预警" in result.text()


def test_deleting_a_record_changed_since_it_was_read_is_refused(seeded, assessment):
    iid = open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("甲"))
    read = int(interviews(seeded, actor=admin()).iloc[0]["version"])
    save_interview(seeded, iid, version=read, actor=admin("乙"), interviewees="县长", today=TODAY)
    with pytest.raises(ConcurrentEditError, match="已被他人修改"):
        set_deleted(seeded, iid, deleted=True, actor=admin("甲"), version=read)
    assert len(interviews(seeded, actor=admin())) == 1  # still live, 乙's change kept
    set_deleted(seeded, iid, deleted=True, actor=admin("甲"), version=read + 1)
    assert interviews(seeded, actor=admin()).empty


def test_tasks_of_many_interviews_in_one_frame(seeded, assessment):
    rows = assessment.year(2025)
    other = next(a for a in rows.index[rows["flagged"]] if a != SUIXIAN)
    first = open_interview(seeded, assessment, SUIXIAN, 2025, actor=admin("u"))
    second = open_interview(seeded, assessment, other, 2025, actor=admin("u"))
    for iid in (first, second):
        held(seeded, iid)
    add_task(seeded, first, description="甲任务", owner="甲", deadline="2026-05-20", actor=admin("u"))
    add_task(seeded, second, description="乙任务", owner="乙", deadline="2026-02-20", actor=admin("u"))
    add_task(seeded, second, description="乙任务二", owner="乙", deadline="2026-06-20", actor=admin("u"))
    frame = tasks(seeded, [first, second], today=TODAY, actor=admin())
    assert "interview_id" in frame.columns
    assert sorted(frame["interview_id"].tolist()) == sorted([first, second, second])
    by_task = frame.set_index("description")
    assert by_task["interview_id"].to_dict() == {"甲任务": first, "乙任务": second, "乙任务二": second}
    assert by_task["overdue"].to_dict() == {"甲任务": False, "乙任务": True, "乙任务二": False}
    assert frame["deadline"].is_monotonic_increasing
    assert tasks(seeded, first, today=TODAY, actor=admin())["description"].tolist() == ["甲任务"]
    assert tasks(seeded, [], today=TODAY, actor=admin()).empty
