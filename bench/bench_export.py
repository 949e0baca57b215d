"""Benchmark of exports (issues 8 and 18). Run: .venv/bin/python bench/bench_export.py

Targets (issue 18): a warm map PNG ≤ 0.8 s; the provincial pack — its figures rendered once
for Word (A4 half page) and once for slides, then Word, PPT and ZIP built from them, as the
export page does — ≤ 8 s; the compendium of the year's 约谈 units ≤ 10 s. Robustness draws
are measured apart (the page caches them; they are not export work). Needs the system Chromium.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from revitalization import charts, demo  # noqa: E402
from revitalization.cities import assess_cities  # noqa: E402
from revitalization.config import load_config  # noqa: E402
from revitalization.engine import assess  # noqa: E402
from revitalization.exports import documents, images  # noqa: E402
from revitalization.regions import load_regions  # noqa: E402
from revitalization.robust import robust_ranks  # noqa: E402


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def main() -> None:
    if images.renderer_status():
        print(images.renderer_status())
        return
    config, regions = load_config(), load_regions()
    a = assess(demo.generate(regions, config), regions, config)
    fig = charts.province_map(a, config, 2025, demo=True, legend_below=True)
    footer = images.source_line(demo=True, fingerprint=a.fingerprint)
    _, cold = timed(lambda: images.render(fig, fmt="png", preset="slide", scale=2, footer=footer))
    warm = [timed(lambda: images.render(fig, fmt="png", preset="slide", scale=2, footer=footer))[1]
            for _ in range(5)]
    bars = charts.movers(a, config, 2024, 2025, demo=True)
    _, chart_s = timed(lambda: images.render(bars, fmt="png", preset="a4half", scale=3, footer=footer))
    print(f"首张图片（启动 Chromium、首次生成导出字体）：{cold:.2f} s")
    print(f"热渲染单张全省地图 PNG（2560×1440）：中位数 {statistics.median(warm):.2f} s（目标 ≤ 0.8 s）")
    print(f"热渲染单张统计图 PNG（A4 半页，3 倍）：{chart_s:.2f} s")

    robust, robust_s = timed(lambda: robust_ranks(a, config, 2025).table)
    ctx = documents.Context(a, config, 2025, True, robust=robust,
                            cities=assess_cities(a, demo.generate_cities(regions, config), regions, config))
    start = time.perf_counter()
    word_pack = documents.provincial_images(ctx, documents.DOC_PRESET)
    slide_pack = documents.provincial_images(ctx, "slide")
    docx = documents.provincial_docx(ctx, word_pack)
    pptx = documents.provincial_pptx(ctx, slide_pack)
    zipped = documents.images_zip(slide_pack, ctx.footer)
    total = time.perf_counter() - start
    print(f"全省简报包（{len(word_pack)} 张图各按 Word 和幻灯片排版一次 + Word + PPT + ZIP）：{total:.1f} s"
          f"（目标 ≤ 8 s）；Word {len(docx) / 2**20:.1f} MB，PPT {len(pptx) / 2**20:.1f} MB，"
          f"ZIP {len(zipped) / 2**20:.1f} MB；稳健性检验另计 {robust_s:.1f} s（页面缓存）")
    rows = a.year(2025)
    codes = rows.index[rows["assessed"] & rows["flagged"]].tolist()
    start = time.perf_counter()
    pictures = {code: documents.county_images(ctx, code, documents.DOC_PRESET) for code in codes}
    compendium = documents.flagged_docx(ctx, pictures)
    total = time.perf_counter() - start
    print(f"约谈单位画像汇编（{len(codes)} 个单位，每个 {len(next(iter(pictures.values())))} 张图）："
          f"{total:.1f} s（目标 ≤ 10 s）；{len(compendium) / 2**20:.1f} MB")
    _, again = timed(lambda: documents.flagged_docx(ctx, pictures))
    print(f"  图片已缓存时再次生成汇编（页面同一天内再次点击）：{again:.1f} s")


if __name__ == "__main__":
    main()
