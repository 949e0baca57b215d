"""The consistency check before publishing: every result a county could hold against
another, listed with its explanation.

Each finding names its units and says why it happens; publishing a year with findings
needs an acknowledgement (recorded in the audit trail). Pure: it reads a year's score
rows (and, when given, the robustness table), so a test can plant any paradox.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from revitalization.config import IndicatorSystem
from revitalization.engine import quota_places

CONFIRM, NOTE = "需确认", "说明"


@dataclass(frozen=True)
class Finding:
    kind: str  # a stable key, see KINDS
    severity: str  # 需确认 (needs an acknowledgement) or 说明 (by design, explained)
    units: tuple[str, ...]  # adcodes
    text: str  # one Chinese sentence with names and numbers
    details: tuple[str, ...] = field(default=())  # one line per unit or pair

    @property
    def title(self) -> str:
        return KINDS[self.kind]


KINDS = {
    "inversion": "同类单位得分较高而等次较低",
    "praise_and_flag": "同一年度既受表扬又被约谈预警",
    "small_decline": "连续下降预警的降幅小于下限",
    "imputed": "预警或表扬依据含插补值",
    "data_check": "换一种合理插补方法结果会变（数据待核实）",
    "quota": "等次人数超过比例上限",
    "tie": "分数线（名次线）两侧显示得分相同",
    "grade_flip": "等次在稳健性检验中不稳定",
    "across_classes": "不同类别之间得分与等次不一致（按类评定所致）",
}
GRADE_ORDER = {"优秀": 0, "良好": 1, "一般": 2, "较差": 3}


def check(scores: pd.DataFrame, config: IndicatorSystem, year: int,
          robust: pd.DataFrame | None = None) -> list[Finding]:
    """Findings for ``year``. ``scores``: Assessment.scores (all years: the declines rule
    reads earlier years); ``robust``: robust_ranks(...).table for the same year."""
    m = config.method
    now = scores[(scores["year"] == year) & scores["assessed"]].set_index("adcode")
    if now.empty:
        return []
    out: list[Finding] = []
    name = now["name"]

    def unit(a: str) -> str:
        return f"{name[a]}（{now.at[a, 'composite']:.1f} 分，{_grade(now.at[a, 'grade'])}）"

    # 1. Within a class, a higher score with a lower grade.
    details, units = [], set()
    for _, group in now.groupby("assessment_class"):
        graded = group[group["grade"].map(lambda g: isinstance(g, str))]
        order = graded["grade"].map(GRADE_ORDER).to_numpy()
        comp = graded["composite"].to_numpy()
        for i, a in enumerate(graded.index):
            better = graded.index[(comp < comp[i]) & (order < order[i])]
            if len(better):
                units.update([a, *better])
                details.append(f"{unit(a)} 高于 {'、'.join(unit(b) for b in better)}："
                               f"{now.at[a, 'grade_reason']}")
    ungraded = now.index[now["grade"].map(lambda g: not isinstance(g, str))]
    for a in ungraded:
        units.add(a)
        details.append(f"{name[a]}（{now.at[a, 'composite']:.1f} 分）{now.at[a, 'grade_reason']}")
    if details:
        out.append(Finding("inversion", CONFIRM, tuple(sorted(units)),
                           f"{len(details)} 处：等次受门槛、约谈预警封顶或插补过多影响，理由如下。",
                           tuple(details)))

    # 2. Praised and flagged in the same year.
    praised = now.index[((now["grade"] == "优秀") | now["progress"]) & now["flagged"]]
    if len(praised):
        out.append(Finding("praise_and_flag", CONFIRM, tuple(praised),
                           f"{len(praised)} 个单位同时符合表扬条件和约谈预警，须先确定处理方式。",
                           tuple(f"{unit(a)}：{'；'.join(now.at[a, 'flag_reasons'])}"
                                 for a in praised)))

    # 3. Declines flags on changes smaller than the minimum.
    run = m.flag_declines_running
    if run > 0:
        history = scores.set_index(["adcode", "year"])["score_change"]
        small = []
        for a in now.index[now["flagged"]]:
            if not any("连续" in r and "下降" in r for r in now.at[a, "flag_reasons"]):
                continue
            seen = [history.get((a, y), np.nan) for y in range(year - run + 1, year + 1)]
            if any(not (c <= -m.flag_decline_min) for c in seen):
                small.append((a, seen))
        if small:
            out.append(Finding("small_decline", CONFIRM, tuple(a for a, _ in small),
                               f"{len(small)} 个单位因连续下降被预警，但有年份降幅小于 "
                               f"{m.flag_decline_min:g} 分（数据噪声以内）。",
                               tuple(f"{name[a]}：依次 " + "、".join(f"{c:+.2f}" for c in seen)
                                     + " 分" for a, seen in small)))

    # 4. Flags and praise resting on imputed values; 5. imputation-sensitive results.
    rests = now.index[(now["flagged"] | (now["grade"] == "优秀") | now["progress"])
                      & (now["imputed_count"] > 0)]
    if len(rests):
        out.append(Finding("imputed", CONFIRM, tuple(rests),
                           f"{len(rests)} 个单位的预警或表扬依据含插补值，发布时须注明。",
                           tuple(f"{unit(a)}：{int(now.at[a, 'imputed_count'])} 项指标为插补值；"
                                 + ("预警" if now.at[a, "flagged"] else "表扬")
                                 for a in rests)))
    if "data_check" in now:
        sensitive = now.index[now["data_check"].fillna(False).astype(bool)]
        if len(sensitive):
            out.append(Finding("data_check", CONFIRM, tuple(sensitive),
                               f"{len(sensitive)} 个单位的等次、预警或进步明显取决于插补方法，"
                               "标为“数据待核实”。",
                               tuple(f"{unit(a)}：{now.at[a, 'data_check_reason']}"
                                     for a in sensitive)))

    # 6. Quota overshoot (ties at a quota line share the better grade).
    if m.grade_mode == "quota":
        over = []
        named = [g for g, _ in m.grade_quotas]
        absorbing = named[-2] if "较差" in named else named[-1]  # takes the remaining places
        for cls, group in now.groupby("assessment_class"):
            n = len(group)
            places = quota_places(m, np.array([n]))
            start = 0
            for g, share in m.grade_quotas:
                cap = int(places[g][0]) - start
                start = int(places[g][0])
                capped = group["grade_reason"].str.contains("等次最高为", regex=False)
                got = int(((group["grade"] == g) & ~capped).sum())  # a cap is its own rule
                if g != absorbing and got > cap:
                    over.append(f"{cls}：{g} {got} 个，上限 {cap} 个（{share:.0%} × {n}，并列所致）")
        if over:
            out.append(Finding("quota", CONFIRM, (), f"{len(over)} 处等次人数超过比例上限。",
                               tuple(over)))

    # 7. Equal displayed scores on both sides of a grade or 排名落后 line.
    ties = []
    shown = now["composite"].round(1)
    bottom = now["flag_reasons"].map(lambda r: any(x.startswith("排名落后") for x in r))
    for cls, group in now.groupby("assessment_class"):
        for value, same in group.groupby(shown[group.index]):
            if len(same) < 2:
                continue
            grades = set(same["grade"].map(_grade))
            flags = set(bottom[same.index])
            if len(grades) > 1 or len(flags) > 1:
                ties.append(f"{cls}：" + "、".join(unit(a) for a in same.index)
                            + f" 显示得分均为 {value:.1f} 分（按未取整得分排名）")
    if ties:
        out.append(Finding("tie", CONFIRM, (), f"{len(ties)} 处显示得分相同而结果不同。",
                           tuple(ties)))

    # 8. Grades that do not hold across the robustness draws.
    if robust is not None and "grade_share" in robust:
        shaky = robust[robust["grade_share"] < m.robust_share]
        if len(shaky):
            out.append(Finding(
                "grade_flip", CONFIRM, tuple(shaky.index),
                f"{len(shaky)} 个单位的等次在不足 {m.robust_share:.0%} 的稳健性抽样中保持"
                "（名次区间跨越等次线）。",
                tuple(f"{unit(a)}：仅 {shaky.at[a, 'grade_share']:.0%} 的抽样保持该等次，"
                      f"类内名次区间 {int(shaky.at[a, 'class_p05'])}–{int(shaky.at[a, 'class_p95'])}"
                      for a in shaky.index)))

    # 9. Across classes: by design (classified assessment), stated, not to acknowledge.
    pairs = _cross_class_pairs(now)
    if pairs:
        worst = max(pairs, key=lambda p: p[2])
        out.append(Finding(
            "across_classes", NOTE, (),
            f"{len(pairs)} 对不同类别的单位得分较高而等次较低或被预警：等次和排名落后按类内名次评定"
            + ("（优秀还须位于全省前列，排名落后还须位于全省后列）" if not m.within_class_only else "")
            + f"。差距最大的一对：{unit(worst[0])} 与 {unit(worst[1])}。", ()))
    return out


def _grade(value: object) -> str:
    return value if isinstance(value, str) else "不评定等次"


def _cross_class_pairs(now: pd.DataFrame) -> list[tuple[str, str, float]]:
    """(higher, lower, gap) pairs from different classes where the higher score has the
    lower grade, or is flagged for rank while the lower is not."""
    order = now["grade"].map(lambda g: GRADE_ORDER.get(g, 9) if isinstance(g, str) else 9)
    rank_flag = now["flag_reasons"].map(lambda r: any(x.startswith("排名落后") for x in r))
    comp, cls = now["composite"].to_numpy(), now["assessment_class"].to_numpy()
    o, f = order.to_numpy(), rank_flag.to_numpy()
    hi, lo = np.nonzero((comp[:, None] > comp[None, :]) & (cls[:, None] != cls[None, :])
                        & (((o[:, None] > o[None, :]) & (o[:, None] < 9)) | (f[:, None] & ~f[None, :])))
    idx = now.index
    return [(idx[i], idx[j], comp[i] - comp[j]) for i, j in zip(hi, lo, strict=True)]


def needs_acknowledgement(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == CONFIRM]


def summary(findings: list[Finding]) -> str:
    """One line for the audit trail: what was acknowledged."""
    confirm = needs_acknowledgement(findings)
    if not confirm:
        return "一致性检查：无需确认的发现"
    return "一致性检查已确认：" + "；".join(f"{f.title}（{len(f.details) or len(f.units)}）"
                                     for f in confirm)
