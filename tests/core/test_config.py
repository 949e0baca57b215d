"""The indicator configuration: completeness of the shipped file, clear errors for bad ones."""

from __future__ import annotations

import copy

import pytest
import yaml

from revitalization.config import DEFAULT_CONFIG_PATH, GROUP_CODES, ConfigError, load_config


@pytest.fixture()
def raw():
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))


def write(tmp_path, doc) -> str:
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def test_shipped_configuration_is_complete(config):
    assert 25 <= len(config.indicators) <= 35
    assert [g.code for g in config.groups] == list(GROUP_CODES)
    for g in config.groups:
        assert len(config.in_group(g.code)) >= 4, g.code
        assert config.group(g.code).name.endswith("振兴")
    for ind in config.indicators:
        assert ind.name and ind.name_en and ind.unit and ind.definition and ind.source
        assert ind.direction in ("higher", "lower")
        assert ind.lower < ind.upper
        assert ind.valid_min <= ind.lower and ind.upper <= ind.valid_max, ind.code
        if ind.gate:
            assert ind.gate_threshold is not None
    assert len(config.gates) >= 3
    assert {i.code for i in config.scored}.isdisjoint({g.code for g in config.gates})


def test_fingerprint_is_stable_and_sensitive(raw, tmp_path):
    a = load_config(write(tmp_path, raw)).fingerprint()
    assert a == load_config(write(tmp_path, raw)).fingerprint()
    raw["indicators"][1]["weight"] = 2
    assert load_config(write(tmp_path, raw)).fingerprint() != a


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["indicators"][2].pop("unit"), "indicators[2](processing_ratio): 缺少必填字段 unit"),
    (lambda d: d["indicators"][3].update(group="economy"),
     "indicators[3](tourism_visits).group: 未知的振兴类别 'economy'"),
    (lambda d: d["indicators"][4].update(code=d["indicators"][3]["code"]),
     "indicators[4](tourism_visits).code: 指标代码 'tourism_visits' 重复"),
    (lambda d: [g.update(weight=0) for g in d["groups"]], "groups: 五大振兴的权重合计为 0"),
    (lambda d: [i.update(weight=0) for i in d["indicators"] if i["group"] == "talent"],
     "groups.talent: 该振兴类别下计分指标的权重合计为 0"),
    (lambda d: d["indicators"][0].update(lower=110), "indicators[0](grain_task).upper: 上阈值必须大于下阈值"),
    (lambda d: d["indicators"][5].update(weight="高"), "indicators[5](high_standard_farmland).weight: 应为数字"),
    (lambda d: d["method"].update(grade_quotas={"优秀": 0.5, "良好": 0.6}),
     "method.grade_quotas: 各等次比例之和应为 1"),
    (lambda d: d["method"].update(normalisation="rank"), "method.normalisation"),
    (lambda d: d.pop("groups"), "缺少必填键 groups"),
])
def test_bad_configuration_names_file_and_key(raw, tmp_path, mutate, message):
    doc = copy.deepcopy(raw)
    mutate(doc)
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, doc))
    assert "indicators.yaml" in str(err.value)
    assert message in str(err.value)


def test_broken_yaml_and_encoding(tmp_path):
    bad = tmp_path / "indicators.yaml"
    bad.write_text("groups: [\n  - code: industry\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="YAML 格式错误"):
        load_config(bad)
    bad.write_bytes("groups: 产业".encode("gbk"))
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(bad)
    with pytest.raises(ConfigError, match="找不到指标配置文件"):
        load_config(tmp_path / "missing.yaml")


def test_format_value_uses_units(config):
    assert config.indicator("rural_income").format_value(21300) == "21,300 元"
    assert config.indicator("sewage_treatment").format_value(24.44) == "24.4%"
    assert config.indicator("income_ratio").format_value(2.1) == "2.10"
    assert config.indicator("sewage_treatment").format_value(float("nan")) == "—"
