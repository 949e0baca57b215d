"""Editing the indicator system: validated like the file, previewed, every version kept."""

from __future__ import annotations

import json

import pytest
from conftest import admin

from revitalization import methods
from revitalization.config import ConfigError, apply_overrides, load_raw
from revitalization.engine import assess


def test_edits_are_validated_like_the_file():
    raw, name = load_raw()
    with pytest.raises(ConfigError, match=r"upper: 上阈值必须大于下阈值"):
        apply_overrides(raw, {"indicators": {"labour_productivity": {"upper": 1}}}, name)
    with pytest.raises(ConfigError, match="权重不能为负数"):
        apply_overrides(raw, {"groups": {"talent": -1}}, name)
    with pytest.raises(ConfigError, match="不能在页面上修改 unit"):
        apply_overrides(raw, {"indicators": {"labour_productivity": {"unit": "元"}}}, name)


def test_preview_save_and_versions(seeded, config, regions, observations, assessment):
    import pandas as pd

    groups = pd.DataFrame({"weight": [g.weight for g in config.groups]},
                          index=[g.code for g in config.groups])
    groups.loc["ecology", "weight"] = 3.0
    indicators = pd.DataFrame([{"code": i.code, "weight": i.weight, "lower": i.lower,
                                "upper": i.upper, "gate_threshold": i.gate_threshold}
                               for i in config.indicators]).set_index("code")
    extra = methods.overrides_from(config, groups, indicators)
    assert extra == {"groups": {"ecology": 3.0}, "indicators": {}}
    raw, name = load_raw()
    edited = apply_overrides(raw, extra, name)
    changes = methods.preview(assessment, assess(observations, regions, edited), 2025)
    assert len(changes) > 0 and (changes["现综合得分"] != changes["新综合得分"]).any()
    with pytest.raises(ValueError, match="修改说明：不能为空"):
        methods.save(seeded, raw, name, extra, actor=admin("u"), note="")
    first = methods.save(seeded, raw, name, extra, actor=admin("省级管理员"), note="省委农办〔2026〕1号")
    second = methods.save(seeded, raw, name, methods.merge(extra, {"groups": {"talent": 2.0}}),
                          actor=admin("省级管理员"), note="再调整")
    history = methods.versions(seeded)
    assert history["id"].tolist() == [second, first]  # every version is kept
    now = methods.current(raw, name, seeded)
    assert now.group("ecology").weight == 3.0 and now.group("talent").weight == 2.0
    assert "方法版本 2" in now.source_path
    assert now.fingerprint() == history.iloc[0]["fingerprint"] != config.fingerprint()
    assert json.loads(history.iloc[1]["overrides"]) == extra
