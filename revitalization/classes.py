"""Map classes: how values are binned into colours, and what the legend says.

Scores default to fixed bands matching the grade lines (60 / 75 / 85), so the same score
always has the same colour, in every year and on every map. Quantiles are the alternative.
Palettes are ColorBrewer sequential schemes, which are colour-blind safe; red and orange are
kept for flags and warnings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# ColorBrewer YlGnBu (sequential, colour-blind safe), light → dark.
YLGNBU = {
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
NOT_ASSESSED = ("未纳入考核", "#d9d9d9")
MISSING = ("数据缺失", "#ffffff")
SCORE_BANDS = (0.0, 60.0, 75.0, 85.0, 100.0)
SCHEMES = {"fixed": "固定分段（与等次分数线一致）", "quantile": "分位数"}


@dataclass(frozen=True)
class Classes:
    """Bin edges (ascending, len = k + 1), colours and legend labels for k classes."""

    edges: tuple[float, ...]
    colors: tuple[str, ...]
    labels: tuple[str, ...]

    def assign(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """Class index per value (0 … k−1); −1 for NaN. Upper edges are inclusive at the top."""
        v = np.asarray(values, dtype=float)
        idx = np.searchsorted(np.asarray(self.edges[1:-1]), v, side="right")
        return np.where(np.isnan(v), -1, idx)


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


def fixed_score_classes() -> Classes:
    """The default for scores: bands at the grade lines 60 / 75 / 85."""
    edges = list(SCORE_BANDS)
    return Classes(tuple(edges), tuple(YLGNBU[len(edges) - 1]), _labels(edges, 0, " 分"))


def quantile_classes(values: pd.Series, k: int = 5, decimals: int = 1,
                     unit: str = "") -> Classes:
    """k quantile classes of the non-missing values (fewer if values repeat)."""
    v = pd.Series(values, dtype=float).dropna()
    if v.empty:
        return Classes((0.0, 1.0), (YLGNBU[3][0],), ("—",))
    edges = sorted(set(np.round(np.quantile(v, np.linspace(0, 1, k + 1)), decimals).tolist()))
    if len(edges) < 2:
        edges = [edges[0], edges[0] + 1]
    n = len(edges) - 1
    colors = YLGNBU[max(n, 3)][-n:] if n < 3 else YLGNBU[n]
    suffix = f" {unit}" if unit and unit not in ("%",) else unit
    return Classes(tuple(edges), tuple(colors), _labels(edges, decimals, suffix))
