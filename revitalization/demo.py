"""A deterministic, clearly labelled demo dataset (示例数据) for all 103 units, 2019–2025.

No public per-county dataset of these indicators exists, so the demo is synthetic but
shaped like the real province:
- four latent factors per unit (development, agricultural modernisation, ecological
  endowment, governance) drive every indicator, so indicators are correlated;
- the factors' means follow the terrain: the 江汉 plain is strong in grain, mechanisation
  and processing; Wuhan's new-city districts in income and talent; 恩施州, 十堰, 神农架 and
  the 大别山 counties in ecology and tourism, weaker in income and mechanisation;
- every unit improves gradually with noise; a few values are missing.

Planted stories (see ``PLANTED``) give every view something real to show:
a county sliding two years running, one jumping up, one failing a gate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from revitalization.config import IndicatorSystem

SEED = 20240705
YEARS = tuple(range(2019, 2026))

# Planted stories, by adcode. Tests and docs refer to these.
PLANTED = {
    "slider": {"adcode": "421321", "name": "随县", "years": (2024, 2025),
               "story": "连续两年综合得分下滑"},
    "jumper": {"adcode": "422827", "name": "来凤县", "years": (2025,),
               "story": "2025 年综合得分大幅跃升"},
    "gate_failure": {"adcode": "420222", "name": "阳新县", "year": 2025,
                     "indicator": "refuse_system", "value": 93.4,
                     "story": "2025 年生活垃圾收运处置体系覆盖率未达门槛"},
    "incomplete": {"adcode": "420881", "name": "钟祥市", "year": 2022, "missing": 8,
                   "story": "2022 年有 8 项指标未报送"},
}
# Planted stories of the 市州 tier (its city-level indicators).
CITY_PLANTED = {
    "city_cut": {"adcode": "420800", "name": "荆门市", "years": (2024, 2025),
                 "story": "2024、2025 年市本级农林水支出占比和以市带县任务完成率连续下降"},
    "city_jump": {"adcode": "422800", "name": "恩施土家族苗族自治州", "years": (2025,),
                  "story": "2025 年以市带县重点任务完成率和市级投入大幅提高"},
}
CITY_SEED_OFFSET = 17  # the city data draw from their own stream: county data stay as they were

# Terrain profile → mean of (development, agriculture, ecology, governance).
PROFILE_MEANS = {
    "urban": (1.6, -1.2, -0.8, 0.4),
    "wuhan_fringe": (1.4, 0.3, -0.3, 0.5),
    "fringe": (0.6, 0.3, 0.0, 0.3),
    "plain": (0.2, 1.0, -0.3, 0.0),
    "hill": (-0.3, -0.1, 0.4, 0.0),
    "mountain": (-0.9, -0.9, 1.1, 0.0),
}
WUHAN = "420100"
MOUNTAIN_CITIES = {"422800", "420300", "429021"}  # 恩施州, 十堰, 神农架
MOUNTAIN_COUNTIES = {
    "421121", "421122", "421123", "421124", "421126", "421181", "420922",  # 大别山
    "420525", "420526", "420527", "420528", "420529",  # 宜昌 west
    "420624", "420625", "420626",  # 襄阳 west
    "421222", "421223", "421224",  # 幕阜山
}

# Loadings of each indicator on (development, agriculture, ecology, governance).
LOADINGS: dict[str, tuple[float, float, float, float]] = {
    "labour_productivity": (0.5, 0.8, 0.0, 0.0),
    "processing_ratio": (0.4, 0.7, 0.0, 0.1),
    "tourism_visits": (0.2, -0.2, 0.8, 0.1),
    "mechanisation": (0.1, 1.0, -0.2, 0.0),
    "high_standard_farmland": (0.1, 0.9, -0.2, 0.2),
    "rural_income": (1.0, 0.3, 0.0, 0.0),
    "income_ratio": (0.6, 0.4, 0.0, 0.0),
    "poverty_risk_removed": (0.3, 0.0, 0.0, 0.6),
    "trained_farmers": (0.0, 0.4, 0.0, 0.5),
    "teacher_degree": (0.8, 0.0, 0.0, 0.2),
    "village_doctors": (0.3, 0.0, 0.1, 0.4),
    "returnee_entrepreneurs": (0.6, 0.1, 0.1, 0.2),
    "cadre_college": (0.6, 0.0, 0.0, 0.4),
    "civilized_villages": (0.3, 0.0, 0.1, 0.7),
    "culture_spending": (0.6, 0.0, 0.0, 0.1),
    "practice_stations": (0.1, 0.0, 0.0, 0.8),
    "culture_events": (0.1, 0.0, 0.2, 0.5),
    "sanitary_toilets": (0.6, 0.0, 0.0, 0.4),
    "sewage_treatment": (0.8, 0.0, 0.1, 0.3),
    "manure_utilisation": (0.0, 0.3, 0.2, 0.5),
    "fertilizer_intensity": (0.0, -0.4, 0.6, 0.2),
    "surface_water": (-0.2, -0.2, 1.0, 0.1),
    "tap_water": (0.7, 0.0, 0.0, 0.2),
    "collective_income": (0.7, 0.1, 0.0, 0.3),
    "village_plans": (0.1, 0.0, 0.0, 0.8),
    "weak_branches": (0.0, 0.0, 0.0, 1.0),
    "co_creation": (0.1, 0.0, 0.0, 0.8),
}
# Gates sit near 100%: pass almost everywhere; drawn separately.
GATE_LEVELS = {
    "grain_task": (100.4, 106.0),
    "culture_centre": (98.6, 100.0),
    "refuse_system": (98.4, 100.0),
    "secretary_chair": (95.6, 100.0),
}
MISSING_SHARE = 0.004


def terrain_profile(region: dict) -> str:
    """Which demo profile drives a unit's latent factors."""
    if not region["assessed"]:
        return "urban"
    if region["city_adcode"] == WUHAN:
        return "wuhan_fringe"
    if region["city_adcode"] in MOUNTAIN_CITIES or region["adcode"] in MOUNTAIN_COUNTIES:
        return "mountain"
    return {"城郊型": "fringe", "平原型": "plain"}.get(region["assessment_class"], "hill")


def generate(regions: pd.DataFrame, config: IndicatorSystem, *, seed: int = SEED,
             years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """All units × years × indicators as a long frame: adcode, year, indicator, value.

    Deterministic for a given seed, registry and configuration.
    """
    rng = np.random.default_rng(seed)
    regs = regions.sort_values("adcode").to_dict("records")
    n, t = len(regs), len(years)
    means = np.array([PROFILE_MEANS[terrain_profile(r)] for r in regs])
    factors = means + rng.normal(0.0, 0.45, size=means.shape)
    trend = rng.normal(0.022, 0.009, size=n)  # goalpost-scale gain per year
    step = np.arange(t)

    # Story adjustments on the goalpost scale, per unit and year.
    shock = np.zeros((n, t))
    index = {r["adcode"]: k for k, r in enumerate(regs)}
    slider, jumper = PLANTED["slider"], PLANTED["jumper"]
    for year in slider["years"]:
        shock[index[slider["adcode"]], years.index(year):] -= 0.09
    for year in jumper["years"]:
        shock[index[jumper["adcode"]], years.index(year):] += 0.06
    if jumper["years"][0] > years[0]:  # the jumper had been flat before its jump
        trend[index[jumper["adcode"]]] = 0.01

    frames = []
    for ind in config.indicators:
        if ind.code in GATE_LEVELS:
            lo, hi = GATE_LEVELS[ind.code]
            values = rng.uniform(lo, hi, size=(n, t))
        else:
            load = np.array(LOADINGS.get(ind.code, (0.3, 0.2, 0.2, 0.3)))
            z = factors @ load / max(np.linalg.norm(load), 1e-9)
            own = rng.normal(0.0, 0.35, size=n)
            q0 = 0.64 + 0.13 * (z + own)
            q = (q0[:, None] + trend[:, None] * step[None, :]
                 + rng.normal(0.0, 0.018, size=(n, t)) + shock)
            q = np.clip(q, -0.12, 1.12)
            span = ind.upper - ind.lower
            values = ind.lower + q * span if ind.higher_is_better else ind.upper - q * span
        values = np.clip(values, ind.valid_min, ind.valid_max)
        values = np.round(values, ind.decimals)
        frames.append(pd.DataFrame({
            "adcode": np.repeat([r["adcode"] for r in regs], t),
            "year": np.tile(years, n),
            "indicator": ind.code,
            "value": values.ravel(),
        }))
    data = pd.concat(frames, ignore_index=True)

    gate = PLANTED["gate_failure"]
    hit = ((data["adcode"] == gate["adcode"]) & (data["year"] == gate["year"])
           & (data["indicator"] == gate["indicator"]))
    data.loc[hit, "value"] = gate["value"]

    # A few missing values, never in the planted units (their stories must stay clear).
    planted = {story["adcode"] for story in PLANTED.values()}
    eligible = ~data["adcode"].isin(planted)
    drop = eligible & (rng.random(len(data)) < MISSING_SHARE)
    gap = PLANTED["incomplete"]
    unreported = [i.code for i in config.scored][1::3][: gap["missing"]]
    drop |= ((data["adcode"] == gap["adcode"]) & (data["year"] == gap["year"])
             & data["indicator"].isin(unreported))
    data = data.loc[~drop]
    return data.sort_values(["adcode", "year", "indicator"]).reset_index(drop=True)


def generate_cities(regions: pd.DataFrame, config: IndicatorSystem, *, seed: int = SEED,
                    years: tuple[int, ...] = YEARS) -> pd.DataFrame:
    """The city-level indicators of the 17 市州 (keyed by the city's adcode), with the
    planted city stories; a random stream of their own, apart from the county data."""
    if not config.city.indicators:
        return pd.DataFrame(columns=["adcode", "year", "indicator", "value"])
    rng = np.random.default_rng(seed + CITY_SEED_OFFSET)
    cities = sorted(regions["city_adcode"].unique())
    n, t = len(cities), len(years)
    level = rng.normal(0.55, 0.12, size=n)
    trend = rng.normal(0.025, 0.01, size=n)
    shock = np.zeros((n, t))
    cut, jump = CITY_PLANTED["city_cut"], CITY_PLANTED["city_jump"]
    for year in cut["years"]:
        shock[cities.index(cut["adcode"]), years.index(year):] -= 0.16
    for year in jump["years"]:
        shock[cities.index(jump["adcode"]), years.index(year):] += 0.22
    frames = []
    for ind in config.city.indicators:
        q = (level[:, None] + rng.normal(0, 0.06, size=n)[:, None] + trend[:, None] * np.arange(t)
             + rng.normal(0.0, 0.02, size=(n, t)) + shock)
        q = np.clip(q, -0.1, 1.1)
        span = ind.upper - ind.lower
        values = ind.lower + q * span if ind.higher_is_better else ind.upper - q * span
        values = np.round(np.clip(values, ind.valid_min, ind.valid_max), ind.decimals)
        frames.append(pd.DataFrame({"adcode": np.repeat(cities, t), "year": np.tile(years, n),
                                    "indicator": ind.code, "value": values.ravel()}))
    return pd.concat(frames, ignore_index=True)


# 社会动员: Wuhan's central districts pair with mountain counties (省内区域协作, named as the
# registry names them, so the map draws the pair); provincial departments support the mountain
# and flagged-prone counties (省直定点帮扶). A few assessed counties have none: visible gaps.
DEMO_PAIRS = (("武汉市江岸区", "422802"), ("武汉市江汉区", "422822"), ("武汉市硚口区", "422823"),
              ("武汉市汉阳区", "422825"), ("武汉市武昌区", "422826"), ("武汉市青山区", "422827"),
              ("武汉市洪山区", "422828"), ("武汉市江岸区", "420325"), ("武汉市武昌区", "421126"))


def generate_support(regions: pd.DataFrame, config: IndicatorSystem, *, seed: int = SEED
                     ) -> pd.DataFrame:
    """Demo support records (adcode, kind, supporter, start_year, end_year, projects, funds)."""
    rng = np.random.default_rng(seed + 29)
    assessed = regions[regions["assessed"]]
    mountain = assessed[[terrain_profile(r) == "mountain"
                         for r in assessed.to_dict("records")]]["adcode"].tolist()
    units = [d.name for d in config.departments] or ["省农业农村厅"]
    rows = []
    for k, adcode in enumerate(sorted(mountain) + ["421321", "420222"]):
        start = int(rng.choice([2019, 2021]))
        rows.append({"adcode": adcode, "kind": "定点帮扶", "supporter": units[k % len(units)],
                     "start_year": start, "end_year": None,
                     "projects": "产业帮扶、消费帮扶、驻村工作队",
                     "funds": float(np.round(rng.uniform(200, 1500), 0))})
    for partner, adcode in DEMO_PAIRS:
        rows.append({"adcode": adcode, "kind": "区域协作", "supporter": partner, "start_year": 2021,
                     "end_year": None, "projects": "教育、医疗对口帮扶，农产品产销对接",
                     "funds": float(np.round(rng.uniform(300, 2000), 0))})
    return pd.DataFrame(rows)
