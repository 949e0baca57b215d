"""Benchmark of the import check (issue 16). Run: .venv/bin/python bench/bench_import.py

Targets: a 103-county × 31-indicator wide workbook validates in ≤ 1 s; a 100,000-row long
CSV in ≤ 10 s, with duplicate detection that does not grow quadratically (the 100,000-row
time about twice the 50,000-row time). Best of three runs.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import best  # noqa: E402

from revitalization import demo  # noqa: E402
from revitalization.access import Actor  # noqa: E402
from revitalization.config import load_config  # noqa: E402
from revitalization.importer import validate  # noqa: E402
from revitalization.regions import load_regions  # noqa: E402

ADMIN = Actor("bench", "基准测试", "province_admin")  # the whole province in scope


def main() -> None:
    config, regions = load_config(), load_regions()
    obs = demo.generate(regions, config)
    wide = obs[obs["year"] == 2025].pivot(index="adcode", columns="indicator", values="value")
    wide.columns = [f"{config.indicator(c).name}（{config.indicator(c).unit}）" for c in wide.columns]
    wide.insert(0, "年度", 2025)
    buffer = io.BytesIO()
    wide.rename_axis("区划代码").reset_index().to_excel(buffer, index=False)
    workbook = buffer.getvalue()
    rows = []
    seconds, report = best(lambda: validate("wide.xlsx", workbook, regions=regions, config=config,
                                            existing=obs, actor=ADMIN), 3)
    rows.append(("宽表 xlsx", f"{len(wide)} 县 × {len(wide.columns) - 1} 指标 = {len(report.values)} 个数值",
                 seconds, "目标 ≤ 1 s"))

    rng = np.random.default_rng(1)
    codes = [i.code for i in config.indicators]

    def long_csv(n: int) -> bytes:
        frame = pd.DataFrame({
            "区划代码": rng.choice(regions["adcode"].to_numpy(), n),
            "年度": rng.integers(2001, 2026, n),
            "指标代码": rng.choice(codes, n),
            "数值": np.round(rng.uniform(40, 99, n), 1),
        })
        return frame.to_csv(index=False).encode("utf-8")

    timings = {}
    for n in (50_000, 100_000):
        data = long_csv(n)
        seconds, report = best(lambda data=data: validate("long.csv", data, regions=regions,
                                                          config=config, existing=obs, actor=ADMIN), 2)
        timings[n] = seconds
        found = len(report.warnings) + len(report.errors)
        rows.append(("长表 csv", f"{n:,} 行（{len(data) / 2**20:.1f} MB），{found:,} 条问题",
                     seconds, "目标 ≤ 10 s（100,000 行）"))
    print(f"{'任务':<10} {'规模':<48} {'最佳用时':>10}  备注")
    for name, size, secs, note in rows:
        print(f"{name:<10} {size:<48} {secs * 1000:>8.0f} ms  {note}")
    print(f"100,000 行 / 50,000 行 用时之比：{timings[100_000] / timings[50_000]:.2f}（线性约 2）")


if __name__ == "__main__":
    main()
