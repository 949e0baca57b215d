"""Permissions are checked in the core, on every write, whatever the UI shows."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import admin

from revitalization import importer, methods, store
from revitalization.access import Actor, PermissionDenied, allowed
from revitalization.audit import audit_rows
from revitalization.config import load_raw
from revitalization.interviews import open_interview
from revitalization.notes import add_note
from revitalization.publish import publish

SUIXIAN, SUIZHOU, LAIFENG = "421321", "421300", "422827"
CLERK = Actor("suixian", "随县填报员", "county", SUIXIAN)
CITY = Actor("suizhou", "随州市农办", "city", SUIZHOU)
VIEWER = Actor("viewer", "省级查看", "province_viewer")


def test_role_table():
    assert allowed(CLERK, "data", SUIXIAN, SUIZHOU)
    assert not allowed(CLERK, "data", LAIFENG, "422800")
    assert not allowed(CLERK, "interview", SUIXIAN, SUIZHOU)
    assert allowed(CITY, "interview", SUIXIAN, SUIZHOU) and allowed(CITY, "note", SUIXIAN, SUIZHOU)
    assert not allowed(CITY, "interview", LAIFENG, "422800")
    assert not allowed(CITY, "data", SUIXIAN, SUIZHOU)
    assert not any(allowed(VIEWER, a, SUIXIAN, SUIZHOU) for a in ("data", "interview", "note"))
    assert allowed(admin(), "publish") and not allowed(CITY, "publish")
    with pytest.raises(ValueError, match="必须指定所属的 6 位区划代码"):
        Actor("x", "x", "county")


def csv(rows):
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def test_a_clerk_cannot_write_another_county_even_calling_the_core(seeded_observations, config, regions):
    existing = store.read_observations(seeded_observations)
    data = csv([{"区划代码": SUIXIAN, "年度": 2025, "农村卫生厕所普及率（%）": "96"},
                {"区划代码": LAIFENG, "年度": 2025, "农村卫生厕所普及率（%）": "97"}])
    report = importer.validate("x.csv", data, regions=regions, config=config, existing=existing)
    assert report.ok
    with pytest.raises(PermissionDenied, match="第 3 行：随县填报员（县级填报员）无权修改指标数据（来凤县）"):
        importer.commit(seeded_observations, report, existing, file_name="x.csv", actor=CLERK)
    assert store.read_observations(seeded_observations).equals(existing)  # nothing written, not even 随县
    assert audit_rows(seeded_observations).empty
    own = importer.validate("x.csv", csv([{"区划代码": SUIXIAN, "年度": 2025,
                                           "农村卫生厕所普及率（%）": "96"}]),
                            regions=regions, config=config, existing=existing)
    assert importer.commit(seeded_observations, own, existing, file_name="x.csv", actor=CLERK)
    with pytest.raises(PermissionDenied):
        importer.rollback(seeded_observations, 1, actor=CLERK)  # only the province may undo a batch
    with pytest.raises(PermissionDenied):
        importer.edit_value(seeded_observations, adcode=LAIFENG, year=2024, indicator="sanitary_toilets",
                            value="90", reason="伪造", actor=CLERK, regions=regions,
                            config=config, existing=existing)


def test_city_users_keep_to_their_counties(seeded_observations, assessment, config):
    assert open_interview(seeded_observations, assessment, SUIXIAN, 2025, actor=CITY)
    with pytest.raises(PermissionDenied, match="无权修改约谈记录"):
        open_interview(seeded_observations, assessment, "420529", 2025, actor=CITY)  # 五峰, 宜昌市
    assert add_note(seeded_observations, SUIXIAN, 2025, "调研记录", actor=CITY)
    with pytest.raises(PermissionDenied, match="无权修改工作备注"):
        add_note(seeded_observations, LAIFENG, 2025, "越权", actor=CITY)
    with pytest.raises(PermissionDenied, match="无权发布考核结果"):
        publish(seeded_observations, assessment, 2025, actor=CITY, config=config, acknowledged=True)
    raw, name = load_raw()
    with pytest.raises(PermissionDenied, match="无权修改指标体系"):
        methods.save(seeded_observations, raw, name, {"groups": {"talent": 2}}, actor=VIEWER, note="x")
    assert (audit_rows(seeded_observations)["user"] == CITY.signature).all()  # the account, not only its name


def test_visible_counties_follow_the_scope(regions):
    from revitalization.access import visible_counties

    suizhou = regions.loc[regions["city_adcode"] == SUIZHOU, "adcode"].tolist()
    assert SUIXIAN in suizhou and len(suizhou) >= 2
    assert visible_counties(CITY, regions) == suizhou  # its own city's counties, registry order
    assert LAIFENG not in visible_counties(CITY, regions)
    assert visible_counties(CLERK, regions) == [SUIXIAN]
    assert visible_counties(VIEWER, regions) == regions["adcode"].tolist()
    assert visible_counties(admin(), regions) == regions["adcode"].tolist()


def test_refusal_is_empty_when_allowed_and_says_why_when_not():
    from revitalization.access import refusal

    assert refusal(admin(), "publish") == ""
    assert refusal(CITY, "note", SUIXIAN, SUIZHOU) == ""
    assert refusal(CLERK, "data", SUIXIAN, SUIZHOU, "随县") == ""
    assert refusal(CITY, "note", LAIFENG, "422800", "来凤县") == "随州市农办（市州用户）无权修改工作备注（来凤县）"
    assert refusal(VIEWER, "publish") == "省级查看（省级查看）无权发布考核结果"
    assert refusal(CLERK, "interview", SUIXIAN, SUIZHOU) == "随县填报员（县级填报员）无权修改约谈记录（421321）"


def test_account_management_page_only_with_log_in_and_only_for_administrators():
    from revitalization.access import page_allowed

    assert page_allowed(admin(), "accounts", login_on=False) is False
    assert page_allowed(admin(), "accounts", login_on=True) is True
    assert page_allowed(VIEWER, "accounts", login_on=True) is False
    assert page_allowed(CITY, "overview") and not page_allowed(CLERK, "overview")
    assert page_allowed(CLERK, "county") and page_allowed(CLERK, "data")


def test_refusal_in_scope_is_empty_for_whoever_may_write_some_county():
    from revitalization.access import refusal_in_scope

    assert refusal_in_scope(admin(), "data") == ""
    assert refusal_in_scope(CLERK, "data") == ""  # its own county
    assert refusal_in_scope(VIEWER, "data") == "省级查看（省级查看）无权修改指标数据"
    assert refusal_in_scope(CITY, "data") == "随州市农办（市州用户）无权修改指标数据"
    assert refusal_in_scope(CITY, "note") == ""
