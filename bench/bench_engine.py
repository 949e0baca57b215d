"""Benchmark of the assessment engine (issue 3). Run: .venv/bin/python bench/bench_engine.py

Targets: Hubei ≤ 50 ms per year; a synthetic national panel (2,844 units × 10 years ×
30 indicators) ≤ 1 s; Monte Carlo robust ranks, 1,000 draws for one Hubei year ≤ 5 s;
差距测算 ≤ 200 ms per flagged unit (shown on page load); both tiers (counties and 市州) for
all years ≤ 1.5 × the county-only time (issue 21). The assessment includes the
re-runs under the two other imputations (when any value is missing).
Reports the best of several runs and the peak memory traced during each task.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from revitalization import demo  # noqa: E402
from revitalization.cities import assess_cities  # noqa: E402
from revitalization.config import GROUP_CODES, load_config, parse_config  # noqa: E402
from revitalization.consistency import check  # noqa: E402
from revitalization.engine import assess  # noqa: E402
from revitalization.gap import gap  # noqa: E402
from revitalization.regions import load_regions  # noqa: E402
from revitalization.robust import robust_ranks  # noqa: E402


def national(units: int = 2844, years: int = 10, indicators: int = 30, seed: int = 1):
    """A synthetic national panel with the shape of China's county-level units."""
    rng = np.random.default_rng(seed)
    inds = [{"code": f"x{j}", "name": f"指标{j}", "name_en": f"x{j}",
             "group": GROUP_CODES[j % 5], "unit": "%",
             "direction": "higher" if j % 4 else "lower", "weight": 1.0,
             "lower": 10, "upper": 90, "valid_min": 0, "valid_max": 100,
             "definition": "-", "source": "-"} for j in range(indicators)]
    groups = [{"code": g, "name": g, "short": g, "name_en": g, "weight": 1} for g in GROUP_CODES]
    config = parse_config({"title": "national", "version": 1, "groups": groups,
                           "indicators": inds, "method": {}}, "synthetic.yaml")
    adcodes = [f"{100000 + k:06d}" for k in range(units)]
    regions = pd.DataFrame({
        "adcode": adcodes, "name": adcodes, "short_name": adcodes,
        "city_adcode": [f"{100000 + (k // 9) * 100:06d}" for k in range(units)],
        "city_name": "市", "kind": "县", "assessed": True,
        "assessment_class": rng.choice(["城郊型", "平原型", "丘陵山区型"], size=units),
    })
    year_list = list(range(2016, 2016 + years))
    index = pd.MultiIndex.from_product([adcodes, year_list, [i["code"] for i in inds]],
                                       names=["adcode", "year", "indicator"])
    obs = index.to_frame(index=False)
    obs["value"] = np.clip(rng.normal(50, 20, size=len(obs)), 0, 100)
    drop = rng.random(len(obs)) < 0.01  # a few gaps, so imputation runs
    return obs[~drop].reset_index(drop=True), regions, config


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    config, regions = load_config(), load_regions()
    obs = demo.generate(regions, config)
    n_years = obs["year"].nunique()
    rows = []

    seconds, hubei = best(lambda: assess(obs, regions, config), 5)
    rows.append(("湖北全部年度评分", f"{n_years} 年 × {len(regions)} 单位 × {len(config.indicators)} 指标",
                 seconds, f"{seconds / n_years * 1000:.1f} ms/年（目标 ≤ 50 ms/年）",
                 peak_mb(lambda: assess(obs, regions, config))))

    city_obs = demo.generate_cities(regions, config)

    def both_tiers():
        counties = assess(obs, regions, config)
        return assess_cities(counties, city_obs, regions, config)

    seconds_both, _ = best(both_tiers, 5)
    rows.append(("县、市州两级评分", f"{n_years} 年 × (103 县 + 17 市州)", seconds_both,
                 f"为只评县级的 {seconds_both / seconds:.2f} 倍（目标 ≤ 1.5 倍）", peak_mb(both_tiers)))

    nat_obs, nat_regions, nat_config = national()
    seconds, _ = best(lambda: assess(nat_obs, nat_regions, nat_config), 3)
    rows.append(("全国合成面板评分", f"{len(nat_obs):,} 条观测值（2,844 × 10 × 30）", seconds,
                 "目标 ≤ 1 s", peak_mb(lambda: assess(nat_obs, nat_regions, nat_config))))

    year = hubei.years[-1]
    seconds, rr = best(lambda: robust_ranks(hubei, config, year, draws=1000), 3)
    rows.append(("蒙特卡洛稳健排名", f"{year} 年，{rr.draws} 次抽样", seconds, "目标 ≤ 5 s",
                 peak_mb(lambda: robust_ranks(hubei, config, year, draws=1000))))

    flagged = hubei.year(year).query("flagged").index.tolist()
    seconds, _ = best(lambda: [gap(hubei, config, a, year) for a in flagged], 5)
    rows.append(("差距测算", f"{year} 年 {len(flagged)} 个预警单位", seconds,
                 f"{seconds / len(flagged) * 1000:.1f} ms/单位（目标 ≤ 200 ms/单位）",
                 peak_mb(lambda: [gap(hubei, config, a, year) for a in flagged])))
    table = rr.table
    seconds, _ = best(lambda: check(hubei.scores, config, year, table), 5)
    rows.append(("发布前一致性检查", f"{year} 年（稳健性表已算好）", seconds, "",
                 peak_mb(lambda: check(hubei.scores, config, year, table))))

    print(f"{'任务':<12} {'规模':<36} {'最佳用时':>10}  {'峰值内存':>10}  备注")
    for name, size, secs, note, mem in rows:
        print(f"{name:<12} {size:<36} {secs * 1000:>8.0f} ms  {mem:>7.1f} MB  {note}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"进程峰值常驻内存（RSS）：{rss:.0f} MB；CPU 核数：{len(__import__('os').sched_getaffinity(0))}")


if __name__ == "__main__":
    main()
