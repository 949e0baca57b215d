"""The briefing's 版头 and 版记: remembered, checked, audited, and only the office may set them."""

from __future__ import annotations

import pytest
from conftest import admin

from revitalization import briefing
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows

ADMIN = Actor("office", "办公室", "province_admin")
VIEWER = Actor("leader", "领导", "province_viewer")


def test_defaults_then_saved_values_are_remembered(db_engine):
    assert briefing.load(db_engine) == briefing.BriefingHead()
    assert briefing.load(db_engine).issue_line() == "第　　期"  # left for the clerk
    saved = briefing.save(db_engine, ADMIN, briefing.BriefingHead(issue=" 第 3 期 ", unit="湖北省乡村振兴局"))
    assert saved.issue == "第 3 期"  # stripped
    assert briefing.load(db_engine) == saved
    row = audit_rows(db_engine, "briefing", actor=admin()).iloc[-1]
    assert row["user"] == ADMIN.signature and "第 3 期" in row["after"]


def test_bad_values_and_other_roles_change_nothing(db_engine):
    with pytest.raises(ValueError, match="编发单位不能为空"):
        briefing.save(db_engine, ADMIN, briefing.BriefingHead(unit="  "))
    with pytest.raises(ValueError, match="期号最多 20 个字"):
        briefing.save(db_engine, ADMIN, briefing.BriefingHead(issue="第" * 21))
    with pytest.raises(ValueError, match="报送请写在一行内"):
        briefing.save(db_engine, ADMIN, briefing.BriefingHead(send_to="甲\n乙"))
    with pytest.raises(PermissionDenied, match="无权设置简报版头和版记"):
        briefing.save(db_engine, VIEWER, briefing.BriefingHead(issue="第 9 期"))
    assert briefing.load(db_engine) == briefing.BriefingHead()
    assert audit_rows(db_engine, "briefing", actor=admin()).empty
