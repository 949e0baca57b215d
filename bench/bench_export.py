"""Benchmark of exports (issue 8). Run: .venv/bin/python bench/bench_export.py

Targets: a warm single PNG ≤ 1 s; the full provincial pack (images + DOCX + PPTX + ZIP)
≤ 15 s. Needs the system Chromium.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from revitalization import charts, demo  # noqa: E402
from revitalization.config import load_config  # noqa: E402
from revitalization.engine import assess  # noqa: E402
from revitalization.exports import documents, images  # noqa: E402
from revitalization.regions import load_regions  # noqa: E402
from revitalization.robust import robust_ranks  # noqa: E402


def main() -> None:
    if images.renderer_status():
        print(images.renderer_status())
        return
    config, regions = load_config(), load_regions()
    a = assess(demo.generate(regions, config), regions, config)
    fig = charts.province_map(a, config, 2025, demo=True)
    footer = images.source_line(demo=True, fingerprint=a.fingerprint)
    start = time.perf_counter()
    images.render(fig, fmt="png", preset="slide", scale=2, footer=footer)
    cold = time.perf_counter() - start
    warm = []
    for _ in range(5):
        start = time.perf_counter()
        images.render(fig, fmt="png", preset="slide", scale=2, footer=footer)
        warm.append(time.perf_counter() - start)
    bars = charts.movers(a, config, 2024, 2025, demo=True)
    start = time.perf_counter()
    images.render(bars, fmt="png", preset="slide", scale=2, footer=footer)
    chart_s = time.perf_counter() - start
    print(f"首张图片（启动 Chromium）：{cold:.2f} s")
    print(f"热渲染单张全省地图 PNG（3200×1800）：中位数 {statistics.median(warm):.2f} s（目标 ≤ 1 s）")
    print(f"热渲染单张统计图 PNG：{chart_s:.2f} s")

    start = time.perf_counter()
    ctx = documents.Context(a, config, 2025, True, robust=robust_ranks(a, config, 2025).table)
    pack = documents.provincial_images(ctx)
    docx = documents.provincial_docx(ctx, pack)
    pptx = documents.provincial_pptx(ctx, pack)
    zipped = documents.images_zip(pack, ctx.footer)
    total = time.perf_counter() - start
    print(f"全省简报包（{len(images)} 张图 + Word + PPT + ZIP，含稳健性检验）：{total:.1f} s（目标 ≤ 15 s）；"
          f"Word {len(docx) / 2**20:.1f} MB，PPT {len(pptx) / 2**20:.1f} MB，ZIP {len(zipped) / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
