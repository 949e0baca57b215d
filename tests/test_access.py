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


@pytest.fixture
def seeded(db_engine, config, regions, observations):
    store.sync_reference(db_engine, regions, config)
    store.insert_observations(db_engine, observations[observations["year"] <= 2024], source="示例")
    return db_engine


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


def test_a_clerk_cannot_write_another_county_even_calling_the_core(seeded, config, regions):
    existing = store.read_observations(seeded)
    data = csv([{"区划代码": SUIXIAN, "年度": 2025, "农村卫生厕所普及率（%）": "96"},
                {"区划代码": LAIFENG, "年度": 2025, "农村卫生厕所普及率（%）": "97"}])
    report = importer.validate("x.csv", data, regions=regions, config=config, existing=existing)
    assert report.ok
    with pytest.raises(PermissionDenied, match="第 3 行：随县填报员（县级填报员）无权修改指标数据（来凤县）"):
        importer.commit(seeded, report, existing, file_name="x.csv", actor=CLERK)
    assert store.read_observations(seeded).equals(existing)  # nothing written, not even 随县
    assert audit_rows(seeded).empty
    own = importer.validate("x.csv", csv([{"区划代码": SUIXIAN, "年度": 2025,
                                           "农村卫生厕所普及率（%）": "96"}]),
                            regions=regions, config=config, existing=existing)
    assert importer.commit(seeded, own, existing, file_name="x.csv", actor=CLERK)
    with pytest.raises(PermissionDenied):
        importer.rollback(seeded, 1, actor=CLERK)  # only the province may undo a batch
    with pytest.raises(PermissionDenied):
        importer.edit_value(seeded, adcode=LAIFENG, year=2024, indicator="sanitary_toilets",
                            value="90", reason="伪造", actor=CLERK, regions=regions,
                            config=config, existing=existing)


def test_city_users_keep_to_their_counties(seeded, assessment):
    assert open_interview(seeded, assessment, SUIXIAN, 2025, actor=CITY)
    with pytest.raises(PermissionDenied, match="无权修改约谈记录"):
        open_interview(seeded, assessment, "420529", 2025, actor=CITY)  # 五峰, 宜昌市
    assert add_note(seeded, SUIXIAN, 2025, "调研记录", actor=CITY)
    with pytest.raises(PermissionDenied, match="无权修改工作备注"):
        add_note(seeded, LAIFENG, 2025, "越权", actor=CITY)
    with pytest.raises(PermissionDenied, match="无权发布考核结果"):
        publish(seeded, assessment, 2025, actor=CITY)
    raw, name = load_raw()
    with pytest.raises(PermissionDenied, match="无权修改指标体系"):
        methods.save(seeded, raw, name, {"groups": {"talent": 2}}, actor=VIEWER, note="x")
    assert (audit_rows(seeded)["user"] == "随州市农办（市州用户）").all()


def test_a_script_in_a_name_shows_as_text(observations, config, regions):
    from revitalization.engine import assess
    from revitalization.maps import measures
    from revitalization.wording import md

    evil = regions.copy()
    evil.loc[evil["adcode"] == SUIXIAN, "name"] = "<script>alert(1)</script>随县"
    result = assess(observations, evil, config)
    frame = measures.map_frame(result, measures.measures(config)[0], 2025).set_index("adcode")
    assert "<script>" not in frame.at[SUIXIAN, "hover"]
    assert "&lt;script&gt;" in frame.at[SUIXIAN, "hover"]
    assert "<script>" not in md(evil.set_index("adcode").at[SUIXIAN, "name"])
