"""差距测算 (what it would take): the fewest indicator improvements, each within what the
unit's class already achieves, that lift a flagged (or 较差) unit out of it.

With fixed goalposts and arithmetic aggregation the composite is linear in the indicator
scores: raising indicator j's score by Δy adds w_j·Δy points (w_j its effective weight)
and Δy·w_j/Σw_group to its group. So the smallest *set* of indicators is found greedily
by the most points each can add (up to the class's best value that year), indicators of
a failing revitalization first; then every chosen indicator closes the same, smallest
fraction of its gap to the class best that meets every target (found by bisection, the
targets being monotone in it). Gates are raised to their threshold. Others' results are
held fixed; tests re-assess the improved data to confirm the unit really gets out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from revitalization.config import IndicatorSystem
from revitalization.engine import Assessment, bottom_places, province_places, quota_places

MARGIN = 0.01  # points above a target, so that rounding never leaves a unit just short


@dataclass(frozen=True)
class Step:
    code: str
    name: str
    group: str
    value: float  # now
    target: float  # what it would take
    best: float  # the class's best value this year (the feasible bound)
    points: float  # composite points the step adds
    text: str  # e.g. "农业劳动生产率 4.20 → 5.10 万元/人（类内最好 8.00）"


@dataclass(frozen=True)
class Gap:
    adcode: str
    year: int
    goals: tuple[str, ...]  # what must hold afterwards, in Chinese
    steps: tuple[Step, ...]
    feasible: bool
    fraction: float  # share of each chosen indicator's gap to the class best
    note: str = ""

    def summary(self) -> str:
        if not self.steps and self.feasible:
            return "无需改进：当前结果已不在预警范围内。"
        if not self.feasible:
            return ("在类内最好水平以内无法同时达到：" + "；".join(self.goals)
                    + (f"。{self.note}" if self.note else ""))
        share = (f"（各自缩小与本类最好水平差距的 {math.ceil(self.fraction * 100)}%）"
                 if self.fraction > 0 else "")
        return f"至少需改进 {len(self.steps)} 项指标{share}，即可{'、'.join(self.goals)}。"

    def lines(self) -> list[str]:
        """The summary, then one line per improvement (plain text, for any medium)."""
        return [self.summary(), *(f"{s.text}，可提高综合得分约 {s.points:.1f} 分" for s in self.steps)]

    def targets(self) -> dict[str, float]:
        return {s.code: s.target for s in self.steps}


def _inverse(ind, score: float) -> float:
    """The least favourable value with at least ``score`` (0–100) on the goalposts."""
    span = ind.upper - ind.lower
    return ind.lower + score / 100.0 * span if ind.higher_is_better else ind.upper - score / 100.0 * span


def _round_good(ind, value: float) -> float:
    """Round to the indicator's decimals in the good direction (never short of the target)."""
    q = 10 ** ind.decimals
    return (math.ceil(value * q - 1e-9) if ind.higher_is_better else math.floor(value * q + 1e-9)) / q


def gap(assessment: Assessment, config: IndicatorSystem, adcode: str, year: int) -> Gap | None:
    """What it would take for a flagged or 较差 unit; None for a unit with neither, or when
    the method is not additive on fixed goalposts (then no exact answer is possible)."""
    m = config.method
    if m.normalisation != "goalposts":
        return None
    rows = assessment.year(year)
    if adcode not in rows.index or not rows.at[adcode, "assessed"]:
        return None
    me = rows.loc[adcode]
    weak = me["grade"] == "较差" if isinstance(me["grade"], str) else False
    if not me["flagged"] and not weak:
        return None
    peers = rows[(rows["assessment_class"] == me["assessment_class"]) & rows["assessed"]]
    others = peers.drop(index=adcode)
    composite = float(me["composite"])
    goals, need = [], composite  # the composite the unit must reach
    reasons = list(me["flag_reasons"])
    if any(r.startswith("排名落后") for r in reasons) or weak:
        n = int(me["class_size"])
        places = []
        if any(r.startswith("排名落后") for r in reasons):
            last = int(n - bottom_places(m, n))  # the last place outside the bottom
            places.append((last, f"走出类内末 {n - last} 名"))
        if weak:
            named = [g for g, _ in m.grade_quotas]
            places.append((int(quota_places(m, n)[named[-2]]), f"升至{named[-2]}"))
        for place, goal in places:
            ahead = np.sort(others["composite"].to_numpy())[::-1]
            target = ahead[place - 1] if 0 < place <= len(ahead) else -np.inf
            if m.flag_province_bottom_share < 1 and goal.startswith("走出"):
                everyone = rows[rows["assessed"]].drop(index=adcode)["composite"].to_numpy()
                size = len(everyone) + 1
                p_last = int(size - province_places(m.flag_province_bottom_share, size))
                p_target = np.sort(everyone)[::-1][p_last - 1]
                if p_target < target:
                    target, goal = p_target, f"进入全省前 {p_last} 名"
            need = max(need, target + MARGIN)
            goals.append(goal)
    if composite < m.flag_composite_below:
        need = max(need, m.flag_composite_below + MARGIN)
        goals.append(f"综合得分达到 {m.flag_composite_below:g} 分")
    if any("连续" in r and "下降" in r for r in reasons):
        before = assessment.scores.set_index(["adcode", "year"])["composite"].get((adcode, year - 1))
        if before is not None and not np.isnan(before):
            need = max(need, before - m.flag_decline_min + MARGIN)
            goals.append(f"本年降幅小于 {m.flag_decline_min:g} 分")
    group_need = {g.code: m.flag_group_below + MARGIN for g in config.groups
                  if me[g.code] < m.flag_group_below}
    goals += [f"{config.group(g).name}得分达到 {m.flag_group_below:g} 分" for g in group_need]

    key = (adcode, year)
    gate_steps, gain0 = [], 0.0
    for ind in config.gates:
        value = assessment.values.at[key, ind.code]
        if not np.isnan(value) and not ind.passes_gate(value):
            gate_steps.append(Step(ind.code, ind.name, ind.group, value, ind.gate_threshold,
                                   ind.gate_threshold, m.gate_deduction,
                                   f"{ind.name} {ind.format_value(value)} → "
                                   f"{ind.format_value(ind.gate_threshold)}（门槛值）"))
            gain0 += m.gate_deduction
    if gate_steps:
        goals.append("门槛指标达标")

    codes = assessment.weights.index.tolist()
    w = assessment.weights.to_numpy()
    inds = [config.indicator(c) for c in codes]
    y = assessment.normalised.loc[key, codes].to_numpy(float)
    peer_scores = assessment.normalised.loc[[(a, year) for a in peers.index], codes]
    bound = np.maximum(peer_scores.max().to_numpy(float), y)
    head = bound - y  # score points each indicator can still gain
    group_of = np.array([i.group for i in inds])
    group_w = {g.code: w[group_of == g.code].sum() for g in config.groups}
    scale = np.array([1.0 / group_w[g] if group_w[g] > 0 else 0.0 for g in group_of])

    chosen: list[int] = []
    for g, target in group_need.items():
        members = [j for j in np.argsort(-(w * head)) if group_of[j] == g and head[j] > 0]
        level = me[g]
        for j in members:
            if level >= target:
                break
            chosen.append(j)
            level += w[j] * head[j] * scale[j]
    for j in np.argsort(-(w * head)):
        if composite + gain0 + float((w * head)[chosen].sum()) >= need:
            break
        if j not in chosen and head[j] > 0:
            chosen.append(j)

    def meets(t: float) -> bool:
        add = w[chosen] * head[chosen] * t
        if composite + gain0 + add.sum() < need - 1e-9:
            return False
        for g, target in group_need.items():
            inside = [k for k, j in enumerate(chosen) if group_of[j] == g]
            if me[g] + (add[inside] * scale[[chosen[k] for k in inside]]).sum() < target - 1e-9:
                return False
        return True

    feasible = meets(1.0)
    t = 1.0
    if feasible and chosen:
        lo, hi = 0.0, 1.0
        for _ in range(40):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if meets(mid) else (mid, hi)
        t = hi
    steps = list(gate_steps)
    for j in chosen:
        ind = inds[j]
        value = float(assessment.values.at[key, ind.code])
        best_value = _best_value(assessment, ind, peers.index, year)
        score = y[j] + t * head[j]
        target = _round_good(ind, _inverse(ind, score))
        target = min(target, best_value) if ind.higher_is_better else max(target, best_value)
        if ind.higher_is_better:
            target = max(target, value)
        else:
            target = min(target, value)
        steps.append(Step(ind.code, ind.name, ind.group, value, target, best_value,
                          float(w[j] * t * head[j]),
                          f"{ind.name} {ind.format_value(value)} → {ind.format_value(target)}"
                          f"（类内最好 {ind.format_value(best_value)}）"))
    note = "" if feasible else "即使所选指标都达到本类最好水平也不够，需多年持续改进。"
    return Gap(adcode, year, tuple(goals), tuple(steps), feasible, t if chosen else 0.0, note)


def _best_value(assessment: Assessment, ind, peers: pd.Index, year: int) -> float:
    values = assessment.values.loc[[(a, year) for a in peers], ind.code]
    return float(values.max() if ind.higher_is_better else values.min())


def gaps(assessment: Assessment, config: IndicatorSystem, year: int) -> dict[str, Gap]:
    """What it would take for every flagged or 较差 unit of ``year``."""
    rows = assessment.year(year)
    out = {}
    for a in rows.index[rows["assessed"] & (rows["flagged"] | (rows["grade"] == "较差").fillna(False))]:
        result = gap(assessment, config, a, year)
        if result is not None:
            out[a] = result
    return out
