"""A small indicator system (six indicators, hand-checkable) and helpers to build data for it."""

from __future__ import annotations

import pandas as pd

from revitalization.config import parse_config

SMALL = {
    "groups": [
        {"code": c, "name": n, "short": n[:2], "name_en": c, "weight": w}
        for c, n, w in [("industry", "产业振兴", 2), ("talent", "人才振兴", 1),
                        ("culture", "文化振兴", 1), ("ecology", "生态振兴", 0),
                        ("organization", "组织振兴", 0)]
    ],
    "indicators": [
        {"code": "a", "group": "industry", "direction": "higher", "weight": 1,
         "lower": 0, "upper": 100, "unit": "%"},
        {"code": "b", "group": "industry", "direction": "lower", "weight": 3,
         "lower": 10, "upper": 20, "unit": "比值"},
        {"code": "c", "group": "talent", "direction": "higher", "weight": 1,
         "lower": 50, "upper": 150, "unit": "人"},
        {"code": "d", "group": "culture", "direction": "higher", "weight": 1,
         "lower": 0, "upper": 10, "unit": "场"},
        {"code": "e", "group": "ecology", "direction": "higher", "weight": 1,
         "lower": 0, "upper": 1, "unit": "%"},
        {"code": "f", "group": "organization", "direction": "higher", "weight": 1,
         "lower": 0, "upper": 1, "unit": "%"},
    ],
    "method": {"flag_bottom_share": 0.34, "flag_province_bottom_share": 1.0,
               "flag_composite_below": 40, "flag_group_below": 0,
               "flag_declines_running": 0},
}
for i in SMALL["indicators"]:
    i.update(name=i["code"], name_en=i["code"], valid_min=-1e9, valid_max=1e9,
             definition="-", source="-")


def small_config():
    return parse_config(SMALL, "small.yaml")


def small_regions(n: int) -> pd.DataFrame:
    return pd.DataFrame({
        "adcode": [f"42{k:04d}" for k in range(1, n + 1)],
        "name": [f"县{k}" for k in range(1, n + 1)], "short_name": [f"县{k}" for k in range(1, n + 1)],
        "city_adcode": "420100", "city_name": "甲市", "kind": "县", "assessed": True,
        "assessment_class": "平原型",
    })


def long(values: dict[str, dict[str, float]], year: int = 2025) -> pd.DataFrame:
    return pd.DataFrame([{"adcode": u, "year": year, "indicator": k, "value": v}
                         for u, row in values.items() for k, v in row.items()])
