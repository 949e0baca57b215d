"""City-level indicator values (SQLite and PostgreSQL): checked as a whole, saved cell by cell
with audit rows, a blank removes a value, a stale edit is refused, and the tier follows."""

from __future__ import annotations

import pytest
from conftest import admin

from revitalization import citydata
from revitalization.access import Actor, PermissionDenied
from revitalization.audit import audit_rows
from revitalization.cities import assess_cities, city_frame
from revitalization.store import DEMO_SOURCE, insert_city_observations, read_city_observations


@pytest.fixture
def seeded(seeded, city_observations):
    """The reference tables and the demo's city-level values."""
    insert_city_observations(seeded, city_observations, source=DEMO_SOURCE)
    return seeded


def names(regions, config):
    frame = city_frame(regions, config)
    return frame, dict(zip(frame["adcode"], frame["name"], strict=True))


def test_edits_are_checked_saved_audited_and_move_the_city_result(seeded, config, regions,
                                                                   assessment):
    cities, label = names(regions, config)
    current = citydata.table(read_city_observations(seeded), config, cities, 2025)
    assert current.shape == (17, 3) and current.notna().all().all()
    edited = current.astype(object)
    edited.at["420800", "city_fund_share"] = "13.5"  # 荆门 restores its funding
    edited.at["420800", "land_revenue_share"] = None  # and one value is withdrawn
    pending = citydata.changes(current, edited, config, label)
    assert [(c.adcode, c.indicator, c.after) for c in pending] == [
        ("420800", "city_fund_share", 13.5), ("420800", "land_revenue_share", None)]
    before = assess_cities(assessment, read_city_observations(seeded), regions, config).year(2025)
    assert citydata.save(seeded, config, 2025, pending, actor=admin("王五"), reason="决算更正") == 2
    after_obs = read_city_observations(seeded)
    mine = after_obs[(after_obs["adcode"] == "420800") & (after_obs["year"] == 2025)]
    assert mine.set_index("indicator")["value"].to_dict()["city_fund_share"] == 13.5
    assert "land_revenue_share" not in set(mine["indicator"])
    log = audit_rows(seeded, "city_observation", actor=admin())
    assert log["action"].tolist() == ["update", "delete"]
    assert "决算更正" in log.iloc[0]["after"]
    after = assess_cities(assessment, after_obs, regions, config).year(2025)
    assert after.loc["420800", "own"] > before.loc["420800", "own"]
    assert after.loc["420800", "imputed_count"] == before.loc["420800", "imputed_count"] + 1


def test_one_bad_cell_saves_nothing_and_every_bad_cell_is_named(seeded, config, regions):
    cities, label = names(regions, config)
    current = citydata.table(read_city_observations(seeded), config, cities, 2025)
    edited = current.astype(object)
    edited.at["420100", "city_fund_share"] = "十二"
    edited.at["421300", "city_coordination"] = 130
    edited.at["420500", "land_revenue_share"] = 9.9
    with pytest.raises(citydata.CityDataError) as caught:
        citydata.changes(current, edited, config, label)
    text = str(caught.value)
    assert "武汉市「市本级农林水支出占一般公共预算支出比重」：“十二”不是数字" in text
    assert "随州市「以市带县重点任务完成率」：130.0% 超出合理范围 0–100%" in text
    assert "宜昌市" not in text


def test_a_stale_edit_and_a_missing_reason_are_refused(seeded, config, regions):
    cities, label = names(regions, config)
    current = citydata.table(read_city_observations(seeded), config, cities, 2025)
    edited = current.astype(object)
    edited.at["420100", "city_fund_share"] = 1.0
    pending = citydata.changes(current, edited, config, label)
    with pytest.raises(citydata.CityDataError, match="修改原因：不能为空"):
        citydata.save(seeded, config, 2025, pending, actor=admin(), reason=" ")
    other = current.astype(object)
    other.at["420100", "city_fund_share"] = 2.0
    citydata.save(seeded, config, 2025, citydata.changes(current, other, config, label),
                  actor=admin("赵六"), reason="先保存")
    with pytest.raises(citydata.CityDataError, match="已被他人修改"):
        citydata.save(seeded, config, 2025, pending, actor=admin("王五"), reason="后保存")
    assert len(audit_rows(seeded, "city_observation", actor=admin())) == 1


def test_only_the_province_enters_city_values(seeded, config, regions):
    cities, label = names(regions, config)
    current = citydata.table(read_city_observations(seeded), config, cities, 2025)
    edited = current.astype(object)
    edited.at["420800", "city_fund_share"] = 9.0
    pending = citydata.changes(current, edited, config, label)
    with pytest.raises(PermissionDenied):
        citydata.save(seeded, config, 2025, pending, actor=Actor("c", "荆门", "city", "420800"),
                      reason="x")
