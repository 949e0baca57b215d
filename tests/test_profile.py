"""County profile shapes, and staff notes with their audit trail (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from conftest import admin

from revitalization import profile, store
from revitalization.audit import audit_rows
from revitalization.notes import NoteError, add_note, delete_note, list_notes, restore_note


def test_search_finds_full_and_short_names(regions):
    options = profile.search_options(regions)
    assert options["422801"] == "恩施市（恩施土家族苗族自治州） · 恩施"
    assert options["421321"].startswith("随县（随州市）")


def test_nearest_peers_are_in_the_same_class_and_sorted(assessment, config):
    peers = profile.nearest_peers(assessment, config, "421321", 2025)
    rows = assessment.year(2025)
    assert len(peers) == 5 and "421321" not in peers.index
    assert (rows.loc[peers.index, "assessment_class"] == rows.at["421321", "assessment_class"]).all()
    assert peers["distance"].is_monotonic_increasing


def test_indicator_table_ranks_and_gates(assessment, config):
    table = profile.indicator_table(assessment, config, "420222", 2025)  # 阳新县, gate failed
    refuse = table[table["指标"].str.contains("生活垃圾")].iloc[0]
    assert refuse["目标 / 门槛"].startswith("门槛未达标")
    ranks = table["类内排名"].str.split("/").str[0].astype(int)
    assert (ranks >= 1).all()
    assert all(len(h) == len(assessment.years) for h in table["历年"])


def test_group_table_for_a_non_assessed_district(assessment, config):
    table = profile.group_table(assessment, config, "420102", 2025)
    assert (table["类内排名"] == "—").all()
    assert table["同类平均"].equals(table["全省平均"])


@pytest.fixture
def seeded(db_engine, config, regions):
    store.sync_reference(db_engine, regions, config)
    return db_engine


def test_notes_are_validated_soft_deleted_and_audited(seeded):
    note = add_note(seeded, "421321", 2024, "  2024 年洪灾影响生态得分 ", actor=admin("王五"))
    assert list_notes(seeded, "421321")["text"].tolist() == ["2024 年洪灾影响生态得分"]
    delete_note(seeded, note, actor=admin("王五"))
    assert list_notes(seeded, "421321").empty
    assert len(list_notes(seeded, "421321", include_deleted=True)) == 1  # nothing lost
    restore_note(seeded, note, actor=admin("赵六"))
    assert len(list_notes(seeded, "421321")) == 1
    log = audit_rows(seeded, "county_note")
    assert log["action"].tolist() == ["create", "delete", "restore"]
    assert log["user"].tolist() == ["王五（省级管理员）", "王五（省级管理员）", "赵六（省级管理员）"]
    assert json.loads(log.iloc[1]["before"])["deleted"] is False
    assert json.loads(log.iloc[1]["after"])["deleted"] is True


@pytest.mark.parametrize(("adcode", "year", "text", "message"), [
    ("421321", 2024, "   ", "备注内容：不能为空"),
    ("421321", 2024, "字" * 2001, "备注内容：不能超过 2000 字"),
    ("999999", 2024, "x", "区划代码：未知的区划代码 999999"),
    ("421321", 1800, "x", "考核年度：1800 不是有效年份"),
])
def test_bad_notes_are_refused_with_the_field_named(seeded, adcode, year, text, message):
    with pytest.raises(NoteError, match=message):
        add_note(seeded, adcode, year, text, actor=admin("王五"))
    assert audit_rows(seeded).empty
