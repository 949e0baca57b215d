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
    # an assessed county never writes its own assessment data directly: only through the round
    assert not allowed(CLERK, "data", SUIXIAN, SUIZHOU)
    assert allowed(CLERK, "fill", SUIXIAN, SUIZHOU) and allowed(CLERK, "report", SUIXIAN, SUIZHOU)
    assert not allowed(CLERK, "fill", LAIFENG, "422800")
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


def test_a_clerk_cannot_rewrite_its_own_assessment_outside_the_round(seeded_observations, config, regions):
    """The attack of issue 29 (0): with a round open, a 随县 clerk uploads a one-row file of its
    own county for a closed year and confirms it. Refused in the core, nothing written."""
    from datetime import date

    from revitalization import rounds

    rounds.open_round(seeded_observations, 2026, "2027-03-31", actor=admin(), today=date(2026, 12, 1))
    existing = store.read_observations(seeded_observations)
    own = importer.validate("clerk_2025.csv", csv([{"区划代码": SUIXIAN, "年度": 2025,
                                                    "农村卫生厕所普及率（%）": "99"}]),
                            regions=regions, config=config, existing=existing, actor=CLERK)
    assert own.ok  # the file itself is fine: the write is what is refused
    refused = "第 2 行：随县填报员（县级填报员）无权修改指标数据（随县）；整个文件未写入"
    with pytest.raises(PermissionDenied, match=refused):
        importer.commit(seeded_observations, own, existing, file_name="clerk_2025.csv", actor=CLERK)
    with pytest.raises(PermissionDenied, match="无权修改指标数据"):
        importer.edit_value(seeded_observations, adcode=SUIXIAN, year=2025, indicator="sanitary_toilets",
                            value="99", reason="更正", actor=CLERK, regions=regions,
                            config=config, existing=existing)
    with pytest.raises(PermissionDenied, match="无权修改指标数据"):  # nor a 市州 for its county
        importer.commit(seeded_observations, own, existing, file_name="x.csv", actor=CITY)
    assert store.read_observations(seeded_observations).equals(existing)
    assert audit_rows(seeded_observations, actor=admin())["entity"].tolist() == ["data_round"]
    with pytest.raises(PermissionDenied):
        importer.rollback(seeded_observations, 1, actor=CLERK)  # only the province may undo a batch


def test_the_import_check_never_quotes_a_value_outside_the_scope(seeded_observations, config, regions):
    """The attack of issue 29 (1): tiny and huge values for 钟祥市 would make the jump warning
    quote its stored values. The rows are refused and nothing of 钟祥市 is compared."""
    existing = store.read_observations(seeded_observations)
    zhongxiang = existing[(existing["adcode"] == "420881") & (existing["year"] == 2024)]
    assert len(zhongxiang) > 20
    for value in ("5", "20"):  # far below its stored value: a jump warning would quote it
        report = importer.validate("probe.csv", csv([{"区划代码": "420881", "年度": 2025,
                                                      "农村卫生厕所普及率（%）": value}]),
                                   regions=regions, config=config, existing=existing, actor=CLERK)
        assert [p.text() for p in report.errors] == [
            "第 2 行：钟祥市（420881）不在本账号的范围内，随县填报员（县级填报员）不能导入该县的数据"]
        assert not report.warnings  # the jump check saw nothing of 钟祥市
        stored = zhongxiang.loc[zhongxiang["indicator"] == "sanitary_toilets", "value"].iloc[0]
        assert f"{stored:g}" not in " ".join(p.text() for p in report.problems)
    # the province's check of the same file does compare, so the probe would have worked
    report = importer.validate("probe.csv", csv([{"区划代码": "420881", "年度": 2025,
                                                  "农村卫生厕所普及率（%）": "5"}]),
                               regions=regions, config=config, existing=existing, actor=admin())
    assert [p.level for p in report.problems] == ["警告"] and "只有上年的 5.3%（上年 " in report.warnings[0].message


def test_an_import_audit_row_names_every_value_it_changed(seeded_observations, config, regions):
    from revitalization.tables import audit_table

    existing = store.read_observations(seeded_observations)
    old = existing.query("adcode == @SUIXIAN and year == 2024 and indicator == 'sanitary_toilets'")["value"]
    report = importer.validate("x.csv", csv([{"区划代码": SUIXIAN, "年度": 2024, "农村卫生厕所普及率（%）": "96.5"},
                                             {"区划代码": LAIFENG, "年度": 2024, "农村卫生厕所普及率（%）": "97"}]),
                               regions=regions, config=config, existing=existing, actor=admin())
    importer.commit(seeded_observations, report, existing, file_name="x.csv", actor=admin())
    log = audit_rows(seeded_observations, actor=admin())
    sentence = audit_table(log, dict(zip(regions["adcode"], regions["name"], strict=True)))["说明"].iloc[0]
    assert f"随县 2024 年农村卫生厕所普及率（%）：{old.iloc[0]:g} → 96.5" in sentence
    assert "来凤县 2024 年农村卫生厕所普及率（%）" in sentence and "→ 97" in sentence
    assert sentence.startswith("新建导入批次，文件“x.csv”")


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
    log = audit_rows(seeded_observations, actor=admin())
    assert (log["user"] == CITY.signature).all()  # the account, not only its name


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
    assert refusal(CLERK, "fill", SUIXIAN, SUIZHOU, "随县") == ""
    assert refusal(CLERK, "data", SUIXIAN, SUIZHOU, "随县") == "随县填报员（县级填报员）无权修改指标数据（随县）"
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
    assert refusal_in_scope(CLERK, "fill") == ""  # its own county
    assert refusal_in_scope(CLERK, "data") == "随县填报员（县级填报员）无权修改指标数据（421321）"
    assert refusal_in_scope(VIEWER, "data") == "省级查看（省级查看）无权修改指标数据"
    assert refusal_in_scope(CITY, "data") == "随州市农办（市州用户）无权修改指标数据"
    assert refusal_in_scope(CITY, "note") == ""
