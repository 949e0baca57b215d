"""Map bins: how a measure's values are binned into colours, and what the legend says.

("Bins" are the colour classes of a map; "class" alone means the assessment class of a unit.)

Scores default to fixed bands matching the grade lines (60 / 75 / 85), so the same score
always has the same colour, in every year and on every map. Quantiles, natural breaks
(Jenks) and equal intervals are the alternatives; they are computed over the assessed
units only. Palettes are ColorBrewer sequential schemes (colour-blind safe); changes use a
diverging scheme centred on 0; red and orange are kept for flags and warnings.

``make_bins`` is the single place a measure's bins are decided, so the same measure gets
identical bins and colours wherever it is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from revitalization import wording
from revitalization.style import MISSING_COLOR, NOT_ASSESSED_COLOR, PUOR, YLGNBU
from revitalization.wording import unit_suffix

NOT_ASSESSED = (wording.NOT_ASSESSED, NOT_ASSESSED_COLOR)
MISSING = (wording.MISSING, MISSING_COLOR)
SCORE_BANDS = (0.0, 60.0, 75.0, 85.0, 100.0)
SCHEMES = {"fixed": "固定分数段（60/75/85 分，不是等次）", "quantile": "分位数",
           "jenks": "自然断点", "equal": "等间距"}


@dataclass(frozen=True)
class Bins:
    """k bins: edges (ascending, len k + 1) or k categories, colours and labels."""

    edges: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]
    categories: tuple[str, ...] = ()  # set for categorical measures (grade, flag status)

    def assign(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """Bin index per value (0 … k−1); −1 when missing. Upper edges are inclusive at the top."""
        if self.categories:
            lookup = {c: k for k, c in enumerate(self.categories)}
            return np.array([lookup.get(v, -1) if isinstance(v, str) else -1 for v in values])
        v = np.asarray(values, dtype=float)
        idx = np.searchsorted(np.asarray(self.edges[1:-1]), v, side="right")
        return np.where(np.isnan(v), -1, idx)

    def counts(self, values: pd.Series | np.ndarray) -> list[int]:
        idx = self.assign(values)
        return [int((idx == k).sum()) for k in range(len(self.colors))]


def _fmt(x: float, decimals: int) -> str:
    return f"{x:,.{decimals}f}"


def _labels(edges: list[float], decimals: int, unit: str) -> tuple[str, ...]:
    out = []
    for k in range(len(edges) - 1):
        lo, hi = _fmt(edges[k], decimals), _fmt(edges[k + 1], decimals)
        if k == 0:
            out.append(f"< {hi}{unit}")
        elif k == len(edges) - 2:
            out.append(f"≥ {lo}{unit}")
        else:
            out.append(f"{lo}–{hi}{unit}")
    return tuple(out)


def _from_edges(edges: list[float], decimals: int, unit: str) -> Bins:
    edges = sorted(set(np.round(edges, decimals).tolist()))
    if len(edges) < 2:  # every value the same: one bin, named by that value
        value = edges[0]
        return Bins((value, value + 10.0 ** -decimals), (YLGNBU[3][1],),
                       (f"{_fmt(value, decimals)}{unit_suffix(unit)}（全部相同）",))
    n = len(edges) - 1
    colors = YLGNBU[3][-n:] if n < 3 else YLGNBU[min(n, 7)]
    return Bins(tuple(edges), tuple(colors), _labels(edges, decimals, unit_suffix(unit)))


def fixed_score_bins() -> Bins:
    """The default for scores: fixed score bands 0–60–75–85–100 (the same in every year;
    bands of points, not grades, which are decided on the class rank)."""
    edges = list(SCORE_BANDS)
    return Bins(tuple(edges), tuple(YLGNBU[len(edges) - 1]), _labels(edges, 0, " 分"))


def quantile_bins(values: pd.Series, k: int = 5, decimals: int = 1,
                     unit: str = "") -> Bins:
    """k quantile bins of the non-missing values (fewer if values repeat)."""
    v = pd.Series(values, dtype=float).dropna()
    if v.empty:
        return Bins((0.0, 1.0), (YLGNBU[3][0],), ("—",))
    return _from_edges(np.quantile(v, np.linspace(0, 1, k + 1)).tolist(), decimals, unit)


def equal_interval_bins(values: pd.Series, k: int = 5, decimals: int = 1,
                           unit: str = "") -> Bins:
    """k bins of equal width between the minimum and the maximum."""
    v = pd.Series(values, dtype=float).dropna()
    if v.empty:
        return Bins((0.0, 1.0), (YLGNBU[3][0],), ("—",))
    return _from_edges(np.linspace(v.min(), v.max(), k + 1).tolist(), decimals, unit)


def jenks_breaks(values: np.ndarray, k: int) -> list[float]:
    """Fisher–Jenks natural breaks: k bins minimising the within-class squared deviation.

    Exact dynamic programme, O(k·n²); n is at most a few hundred units here.
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    k = max(1, min(k, len(np.unique(x))))
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def sse(i: np.ndarray, j: int) -> np.ndarray:  # cost of x[i:j] for many i
        m = j - i
        total = s1[j] - s1[i]
        return s2[j] - s2[i] - total * total / m

    cost = np.full((k + 1, n + 1), np.inf)
    back = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for c in range(1, k + 1):
        for j in range(c, n + 1):
            i = np.arange(c - 1, j)
            total = cost[c - 1, i] + sse(i, j)
            best = int(np.argmin(total))
            cost[c, j], back[c, j] = total[best], i[best]
    cuts, j = [], n
    for c in range(k, 0, -1):
        cuts.append(j)
        j = back[c, j]
    cuts = sorted(cuts)
    # Bin c holds x[start:cut]; the edge between two bins is the midpoint of the
    # last value of one and the first of the next, so no value sits on an edge.
    inner = [(x[c - 1] + x[c]) / 2 for c in cuts[:-1]]
    return [float(x[0])] + [float(e) for e in inner] + [float(x[-1])]


def jenks_bins(values: pd.Series, k: int = 5, decimals: int = 1, unit: str = "") -> Bins:
    v = pd.Series(values, dtype=float).dropna()
    if v.empty:
        return Bins((0.0, 1.0), (YLGNBU[3][0],), ("—",))
    return _from_edges(jenks_breaks(v.to_numpy(), k), decimals, unit)


def category_bins(colors: dict[str, str]) -> Bins:
    """Bins for a categorical measure, one per category, in the given order."""
    names = tuple(colors)
    return Bins((), tuple(colors.values()), names, categories=names)


def diverging_bins(values: pd.Series, decimals: int = 1, unit: str = "分",
                      up: str = "提高", down: str = "下降") -> Bins:
    """Seven bins symmetric around 0 for changes, the direction written in each label.

    The step s is set so ±3.5 s covers 95 % of the absolute changes; the middle bin
    (±0.5 s) reads 基本持平.
    """
    v = pd.Series(values, dtype=float).dropna()
    top = float(np.percentile(np.abs(v), 95)) if len(v) else 1.0
    unit_step = 10.0 ** -decimals
    step = max(float(np.ceil(top / 3.5 / unit_step) * unit_step), unit_step)
    if decimals == 0:  # whole numbers (rank changes): edges at .5, so no value sits on one
        half = [0.5, step + 0.5, 2 * step + 0.5]
    else:
        half = [0.5 * step, 1.5 * step, 2.5 * step]
    lowest = min(-3.5 * step, float(v.min()) if len(v) else 0.0)
    highest = max(3.5 * step, float(v.max()) if len(v) else 0.0)
    edges = [lowest, -half[2], -half[1], -half[0], half[0], half[1], half[2], highest]
    u = unit_suffix(unit)
    if decimals == 0:
        lo = [1, int(half[1] + 0.5), int(half[2] + 0.5)]
        hi = [int(half[1] - 0.5), int(half[2] - 0.5)]
        span = [f"{a}" if a == b else f"{a}–{b}" for a, b in zip(lo[:2], hi, strict=True)]
        labels = (f"↓ {down} {lo[2]} 以上{u}", f"↓ {down} {span[1]}{u}", f"↓ {down} {span[0]}{u}",
                  "不变", f"↑ {up} {span[0]}{u}", f"↑ {up} {span[1]}{u}", f"↑ {up} {lo[2]} 以上{u}")
        return Bins((lowest, -half[2], -half[1], -half[0], half[0], half[1], half[2],
                              highest), tuple(PUOR), labels)
    f = [f"{h:,.{decimals + 1}f}".rstrip("0").rstrip(".") for h in half]  # 0.55 stays 0.55
    labels = (f"↓ {down}超过 {f[2]}{u}", f"↓ {down} {f[1]}–{f[2]}{u}", f"↓ {down} {f[0]}–{f[1]}{u}",
              f"基本持平（±{f[0]}{u} 以内）",
              f"↑ {up} {f[0]}–{f[1]}{u}", f"↑ {up} {f[1]}–{f[2]}{u}", f"↑ {up}超过 {f[2]}{u}")
    return Bins(tuple(edges), tuple(PUOR), labels)


def make_bins(scheme: str, values: pd.Series, *, is_score: bool, decimals: int = 1,
                 unit: str = "", k: int = 5) -> Bins:
    """The bins of a numeric measure: ``fixed`` bands for scores, else data-driven."""
    if scheme == "fixed" and is_score:
        return fixed_score_bins()
    if scheme == "jenks":
        return jenks_bins(values, k, decimals, unit)
    if scheme == "equal":
        return equal_interval_bins(values, k, decimals, unit)
    return quantile_bins(values, k, decimals, unit)
