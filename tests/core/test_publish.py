"""Publishing (freezing) a year: frozen reads, corrections as revisions, recompute diff."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import admin

from revitalization.engine import assess
from revitalization.publish import (
    WIDE,
    PublishError,
    publications,
    publish,
    read_published,
    recompute_diff,
    with_published,
)

OK = {"acknowledged": True}  # the consistency findings of the demo data, acknowledged


def corrected(observations):
    """The demo data with 随县's 2024 figures revised upwards by 30 %."""
    obs = observations.copy()
    hit = (obs["adcode"] == "421321") & (obs["year"] == 2024)
    obs.loc[hit, "value"] *= 1.3
    return obs


def test_published_year_survives_a_data_correction(seeded, assessment, observations, regions,
                                                    config):
    assert publish(seeded, assessment, 2024, actor=admin("张三"), config=config, **OK) == 1
    fresh = assess(corrected(observations), regions, config)
    frozen = read_published(seeded, fresh)
    view = with_published(fresh, frozen)
    pd.testing.assert_frame_equal(view.year(2024), assessment.year(2024))
    for name in WIDE:
        pd.testing.assert_frame_equal(getattr(view, name), getattr(assessment, name))
    pd.testing.assert_frame_equal(view.year(2023), fresh.year(2023))  # others stay fresh
    assert "已于" in view.published[2024] and "第 1 版" in view.published[2024]

    diff = recompute_diff(frozen[2024], fresh).set_index("adcode")
    assert "421321" in diff.index
    assert diff.at["421321", "changes"].startswith("综合得分")
    assert recompute_diff(frozen[2024], assessment).empty


def test_a_correction_is_a_new_revision_with_a_reason(seeded, assessment, observations, regions,
                                                      config):
    publish(seeded, assessment, 2024, actor=admin("张三"), config=config, **OK)
    with pytest.raises(PublishError, match="请填写更正原因"):
        publish(seeded, assessment, 2024, actor=admin("张三"), config=config, **OK)
    with pytest.raises(PublishError, match="完全相同"):
        publish(seeded, assessment, 2024, actor=admin("张三"), reason="复核", config=config, **OK)
    fresh = assess(corrected(observations), regions, config)
    assert publish(seeded, fresh, 2024, actor=admin("李四"), reason="随县数据更正", config=config,
                   **OK) == 2
    history = publications(seeded)
    assert history["revision"].tolist() == [2, 1]  # the first version is kept
    assert history["reason"].tolist() == ["随县数据更正", ""]
    latest = read_published(seeded, fresh)[2024]
    assert latest.revision == 2 and latest.published_by == "李四（省级管理员）"
    pd.testing.assert_frame_equal(with_published(fresh, {2024: latest}).year(2024),
                                  fresh.year(2024))


def test_unknown_year_cannot_be_published(seeded, assessment, config):
    with pytest.raises(PublishError, match="1999 年没有考核结果"):
        publish(seeded, assessment, 1999, actor=admin("张三"), config=config, **OK)
    assert publications(seeded).empty


def test_the_year_after_a_frozen_year_compares_with_what_is_shown(seeded, assessment,
                                                                  observations, regions, config):
    publish(seeded, assessment, 2024, actor=admin("张三"), config=config, **OK)
    obs = observations.copy()
    obs.loc[obs["year"] == 2024, "value"] *= 0.97  # a broad correction of 2024's data
    fresh = assess(obs, regions, config)
    view = with_published(fresh, read_published(seeded, fresh), config)
    shown = view.scores.set_index(["adcode", "year"])
    change = shown.xs(2025, level="year")["score_change"]
    expected = shown.xs(2025, level="year")["composite"] - shown.xs(2024, level="year")["composite"]
    assert (change - expected.reindex(change.index)).abs().max() < 1e-9
    flagged = shown["flagged"].unstack("year")
    escalated = shown.xs(2025, level="year")["escalated"]
    assert (escalated == (flagged[2025] & flagged[2024])).all()
    # The frozen year itself is untouched.
    pd.testing.assert_frame_equal(view.year(2024), assessment.year(2024))


def test_flags_that_read_changes_follow_the_published_year(seeded, assessment, observations,
                                                           regions, config):
    """Regression: after a correction to a published year, the following year's flags are
    decided on the changes that are displayed (two declines shown → flagged for them)."""
    slider = "421321"  # 随县: falls in 2024 and 2025 (demo story)
    publish(seeded, assessment, 2024, actor=admin("张三"), config=config, **OK)
    fresh = assess(corrected(observations), regions, config)  # 2024 revised upwards
    fresh_2025 = fresh.year(2025).loc[slider]
    assert not any("连续" in r for r in fresh_2025["flag_reasons"])  # fresh 2024 rose
    view = with_published(fresh, read_published(seeded, fresh), config)
    shown = view.scores.set_index(["adcode", "year"]).loc[slider]
    limit = -config.method.flag_decline_min
    assert shown.at[2024, "score_change"] <= limit and shown.at[2025, "score_change"] <= limit
    assert any("连续 2 年下降" in r for r in shown.at[2025, "flag_reasons"])
    assert shown.at[2025, "flagged"] and shown.at[2025, "grade"] != "优秀"


def test_recompute_diff_survives_a_unit_leaving_the_assessment(seeded, assessment, observations,
                                                              config):
    publish(seeded, assessment, 2024, actor=admin("张三"), config=config, **OK)
    from revitalization.regions import load_regions

    changed = load_regions()
    changed.loc[changed["adcode"] == "421321", "assessed"] = False
    fresh = assess(observations, changed, config)
    diff = recompute_diff(read_published(seeded, fresh)[2024], fresh).set_index("adcode")
    assert "不再纳入考核" in diff.at["421321", "changes"]


def test_findings_must_be_acknowledged_and_are_audited(seeded, assessment, config):
    from revitalization.audit import audit_rows

    with pytest.raises(PublishError, match="一致性检查有 .* 类发现需要确认"):
        publish(seeded, assessment, 2025, actor=admin("张三"), config=config)
    assert publications(seeded).empty  # nothing written
    publish(seeded, assessment, 2025, actor=admin("张三"), config=config, acknowledged=True)
    row = audit_rows(seeded, actor=admin()).query("entity == 'publication'").iloc[0]
    assert "一致性检查已确认" in row["after"]


def test_two_people_publishing_at_once_get_one_publication_and_a_message(seeded, assessment,
                                                                          config, monkeypatch):
    """Both read "not yet published", both write revision 1: the second is told, not shown
    an IntegrityError traceback, and one publication remains."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from revitalization import publish as module

    module.findings_for(assessment, config, 2025)  # warm (robustness draws), outside the race
    together = threading.Barrier(2)
    original = module.needs_acknowledgement

    def in_step(findings):
        together.wait(timeout=30)  # both past the checks before either writes
        return original(findings)

    monkeypatch.setattr(module, "needs_acknowledgement", in_step)

    def attempt(name):
        try:
            return publish(seeded, assessment, 2025, actor=admin(name), config=config,
                           acknowledged=True)
        except module.PublishError as exc:
            return str(exc)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(attempt, ["张三", "李四"]))
    # the second hears of the first in words (which words depends on how close the race
    # was: the unique key at commit, or the first publication already visible)
    assert sorted(map(str, results))[0] == "1"
    assert sorted(map(str, results))[1] in ("2025 年结果刚刚由他人发布，请刷新页面后查看",
                                            "2025 年结果已发布（第 1 版）；重新发布属于更正，请填写更正原因")
    assert len(module.publications(seeded)) == 1


def test_a_published_year_keeps_its_city_values_until_republished(seeded, assessment, config,
                                                                  regions, city_observations):
    """The 市州 tier of a published year reads the city-level values as published: a later
    correction changes it only with a new revision (which the correction alone allows)."""
    from revitalization.cities import assess_cities
    from revitalization.publish import frozen_city_values, read_published

    publish(seeded, assessment, 2024, actor=admin("张三"), config=config,
            city_values=city_observations, **OK)
    corrected = city_observations.copy()
    hit = (corrected["adcode"] == "420800") & (corrected["year"] == 2024)
    corrected.loc[hit, "value"] = corrected.loc[hit, "value"] + 5
    frozen = read_published(seeded, assessment)
    in_force = frozen_city_values(corrected, frozen)
    mine = in_force[(in_force["adcode"] == "420800") & (in_force["year"] == 2024)]
    assert sorted(mine["value"]) == sorted(city_observations.loc[hit, "value"])
    shown = assess_cities(assessment, in_force, regions, config).year(2024)
    published = assess_cities(assessment, city_observations, regions, config).year(2024)
    assert shown.loc["420800", "composite"] == published.loc["420800", "composite"]
    live = frozen_city_values(corrected, {})  # other years and unpublished: the stored values
    assert live.equals(corrected)
    assert publish(seeded, assessment, 2024, actor=admin("李四"), reason="荆门市级指标更正",
                   config=config, city_values=corrected, **OK) == 2
    again = frozen_city_values(corrected, read_published(seeded, assessment))
    moved = assess_cities(assessment, again, regions, config).year(2024)
    assert moved.loc["420800", "composite"] > published.loc["420800", "composite"]


KILLED_PUBLISH = """
import sys, time
from revitalization import demo, publish, store
from revitalization.access import Actor
from revitalization.config import load_config
from revitalization.engine import assess
from revitalization.regions import load_regions

engine = store.make_engine(sys.argv[1])
config, regions = load_config(), load_regions()
assessment = assess(store.read_observations(engine), regions, config)
real = publish.audit

def stall(*args, **kwargs):  # inside the transaction: the publication and its results written
    real(*args, **kwargs)
    print("writing", flush=True)
    time.sleep(60)

publish.audit = stall
publish.findings_for = lambda *args: []  # the robustness draws are not what is tested here
publish.publish(engine, assessment, 2024, actor=Actor("u", "u", "province_admin"), config=config,
                city_values=demo.generate_cities(regions, config))
"""


def test_a_server_killed_in_the_middle_of_a_publish_leaves_nothing_half_published(
        seeded_observations, tmp_path):
    """kill -9 while the publication, its 82 frozen results, its city values and its audit
    row are written but not committed: afterwards there is no publication at all."""
    from revitalization.publish import publications

    from .faults import killed_while_writing, snapshot

    before = snapshot(seeded_observations)
    with killed_while_writing(KILLED_PUBLISH, seeded_observations, tmp_path) as engine:
        assert snapshot(engine) == before
        assert publications(engine).empty
