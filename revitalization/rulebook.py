"""The method in plain Chinese, with its numbers: the 方法说明 a county secretary can read.

Every sentence is built from the configuration in force, so the text never drifts from
what the engine does. Pages, documents and the README quote these functions.
"""

from __future__ import annotations

import pandas as pd

from revitalization.config import NORMALISATIONS, IndicatorSystem, Method
from revitalization.engine import IMPUTATIONS


def _pct(share: float) -> str:
    return f"{share * 100:g}%"


def grade_rules(m: Method) -> list[str]:
    if m.grade_mode == "threshold":
        lines = [f"{g}：综合得分不低于 {t:g} 分" for g, t in m.grade_thresholds]
        lines.append(f"{m.grades[-1]}：综合得分低于 {min(t for _, t in m.grade_thresholds):g} 分")
        lines.append("按分数线评定，不分类别：同一分数在任何类别等次相同。")
    else:
        named = [g for g, _ in m.grade_quotas]
        lines = ["等次按类内名次评定（分类考核）：同类单位按综合得分排名，名次的分母是本类全部参加排名的单位"
                 "（与排名表一致）。"]
        cum = 0.0
        for g, share in m.grade_quotas:
            if g == "较差":
                lines.append(f"较差：类内末 {_pct(share)}（名额向下取整）。")
            elif g == named[-1] or (g == named[-2] and "较差" in named):
                lines.append(f"{g}：其余单位。")
            else:
                cum += share
                lines.append(f"{g}：类内前 {_pct(cum)} 以内（名额向下取整，是上限而非必须评满；"
                             f"如 37 个单位的类别为前 {int(cum * 37 + 1e-9)} 名）。")
        if "较差" not in named:
            lines.append("不设“较差”等次：《实施细则》对排名落后的进行约谈，约谈预警另列（见下）。")
        if m.excellent_province_top_share < 1:
            lines.append(f"评为优秀还须位于全省前 {_pct(m.excellent_province_top_share)}：类内领先但全省靠后的单位"
                         "评为良好，理由中写明。")
        else:
            lines.append("等次只看类内名次（纯类内等次）：凡显示等次处均注明“类内”。")
    lines.append("并列：综合得分（按未取整的得分比较）相同者名次相同，取较好名次；等次和预警按同一规则处理。")
    lines.append(f"插补指标超过计分指标的 {_pct(m.max_imputed_share)}：计算得分、参加排名，但不评定等次。")
    lines.append("同一年度不既表扬又约谈：触发约谈预警的单位等次最高为良好，也不认定进步明显。")
    if m.gate_cap_grade:
        lines.append(f"门槛指标未达标：每项扣减综合得分 {m.gate_deduction:g} 分，等次最高为良好。")
    return lines


def progress_rule(m: Method) -> str:
    return (f"进步明显：综合得分较上年提高不少于 {m.progress_min_score_gain:g} 分，增幅居本类别前 "
            f"{_pct(m.progress_top_share)}（名额向下取整，至少 1 个），且类内名次上升至少 "
            f"{m.progress_min_rank_gain} 位；已评为优秀或触发约谈预警的不列入。按类内增幅排位，"
            "各类别机会相同（得分接近满分的类别也能评上）。")


def flag_rules(m: Method) -> list[str]:
    lines = []
    if m.flag_bottom_share > 0:
        text = f"排名落后：位于类内末 {_pct(m.flag_bottom_share)}（向下取整，至少 1 名"
        text += "；如 17 个单位的类别为末 1 名，37 个单位为末 3 名）"
        if m.flag_province_bottom_share < 1:
            text += f"，且位于全省后 {_pct(m.flag_province_bottom_share)}（全省中上游的单位不算排名落后）"
        lines.append(text)
    lines.append(f"综合得分低于 {m.flag_composite_below:g} 分")
    lines.append(f"任一振兴得分低于 {m.flag_group_below:g} 分")
    if m.flag_declines_running > 0:
        lines.append(f"综合得分连续 {m.flag_declines_running} 年下降，且每年降幅不少于 "
                     f"{m.flag_decline_min:g} 分（小于数据噪声的下降不计）")
    if m.flag_on_gate_failure:
        lines.append("门槛指标未达标")
    lines.append("连续两年列入预警的单位升级处理")
    return lines


def sections(config: IndicatorSystem, noise: float | None = None) -> list[tuple[str, list[str]]]:
    """The 方法说明: (heading, paragraphs) in reading order. ``noise``: the median composite
    noise σ (points) measured under the configured data error, to justify the decline rule."""
    m = config.method
    groups = "、".join(f"{g.name}（权重 {g.weight:g}）" for g in config.groups)
    out = [
        ("一、怎样算出综合得分", [
            f"每项指标按{NORMALISATIONS[m.normalisation]}换算为 0–100 分"
            + ("：达到上阈值得 100 分，低于下阈值得 0 分，之间按比例计分；阈值固定，所以不同年度的得分可以直接比较。"
               if m.normalisation == "goalposts" else "。"),
            f"五大振兴得分为所属指标得分的加权平均；综合得分为五大振兴得分的加权平均：{groups}。",
            "每项指标在综合得分中的实际权重见下表“有效权重”：振兴类别内指标越多，单项指标的权重越小。",
            f"缺失数据按“{IMPUTATIONS['carry_forward']}”插补（没有上年数据时用同类单位当年中位数），"
            "凡用到插补值的结果都标注“含插补值”。换用相邻年度插值或同类中位数后等次、预警或进步明显会变化的，"
            "标注“数据待核实”，不作为确定结论。",
        ]),
        ("二、等次", grade_rules(m)),
        ("三、通报表扬", ["优秀等次的单位和进步明显的单位通报表扬。", progress_rule(m)]),
        ("四、约谈预警（满足任一条即列入）", flag_rules(m)),
    ]
    decline = [f"连续下降规则的降幅下限为 {m.flag_decline_min:g} 分。"]
    if noise is not None:
        bound = 1.645 * 2 ** 0.5 * noise
        decline.append(
            f"依据：按配置的数据误差（默认 ±{_pct(m.robust_data_error)}，各指标可单独设置）测算，综合得分的噪声"
            f"（标准差中位数）约 {noise:.2f} 分；两年之差的噪声约 √2 × {noise:.2f} = {2 ** 0.5 * noise:.2f} 分，"
            f"单侧 95% 界限为 1.645 × {2 ** 0.5 * noise:.2f} ≈ {bound:.2f} 分。"
            + ("现行下限与测算值相符。" if abs(bound - m.flag_decline_min) < 0.25
               else f"现行下限与测算值（{bound:.1f} 分）不一致，建议复核。"))
    out.append(("五、为什么这样定", [
        "类别之间发展基础差异大（如城郊型平均得分明显高于丘陵山区型），所以等次和排名落后按类内名次评定；"
        "为免“全省中上游却被约谈”“全省靠后却评优秀”，优秀和排名落后还要看全省位次。"
        "不同类别之间仍可能出现“得分较高而等次较低”，这是分类考核的结果，发布前的一致性检查会列出。",
        *decline,
        "进步明显按类内增幅排位：各类别得分的年际波动不同，用统一的名次或分数门槛会使某一类别永远评不上。",
    ]))
    out.append(("六、稳健性检验说什么", [
        f"对每个年度做 {m.robust_draws} 次蒙特卡洛抽样，每次同时改变归一化方法、汇总方式、"
        f"权重（±{_pct(m.robust_weight_spread)}）、缺失值插补方法、指标数据误差和分数线"
        f"（±{m.robust_cutoff_spread:g} 分）；"
        f"约谈预警在至少 {_pct(m.robust_share)} 的抽样中仍成立，才称“稳健”。",
        "“稳健”只说明结果不取决于上述因素；指标体系本身的取舍和考核类别划分不在检验范围内。",
    ]))
    out.append(("七、差距测算", [
        "对每个预警单位，测算最少改进哪几项指标、各改进到多少（不超过本类别当年最好水平），"
        "即可走出预警；测算结果按改进后的数据重新计算验证。",
    ]))
    return out


def effective_weights(config: IndicatorSystem, weights: pd.Series) -> pd.DataFrame:
    """Every scored indicator's share of the composite, largest first."""
    rows = [{"指标": config.indicator(c).name, "振兴类别": config.group(config.indicator(c).group).name,
             "组内权重": config.indicator(c).weight, "有效权重": round(100 * w, 2)}
            for c, w in weights.items()]
    table = pd.DataFrame(rows)
    return table.sort_values(["有效权重", "振兴类别"], ascending=[False, True]).reset_index(drop=True)
