"""The draft annual report (年度报告草稿) a county downloads, edits and sends back (报告制度).

Written from the assessment, in the county's voice (我县 / 我市 / 我区), in the 公文 layout
of the other Word files: 一、总体情况 (the result, the five revitalizations), 二、主要成效 (the
indicators where it beats its class, the largest gains), 三、存在的问题和不足 (the largest
losses of points, failed gates, the 约谈预警 reasons), 四、差距与努力方向 (差距测算, or the
distance to its class's best), 五、整改落实情况 (its 约谈, 督查 and report follow-ups with the
open tasks), 六、下一步工作打算, and the indicator table as an attachment. What only the
county can write is left as highlighted prompts. Every number is read from the assessment.

A 市州's draft (``city_draft_docx``, 我市 / 我州) is written from the 市州 tier the same way:
its result and how it is made, its counties (grades, spread, 约谈预警), its own city-level
indicators, the records of its counties and its own follow-ups, and its counties' results
as the attachment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from revitalization import cities, explain
from revitalization.config import WEIGHTINGS
from revitalization.engine import IMPUTE_LABELS
from revitalization.exports import docx_layout as layout
from revitalization.exports.documents import TASK, Context, demo_note, new_document, save
from revitalization.gap import gap
from revitalization.profile import group_table, indicator_table, peer_pool
from revitalization.wording import NOT_ASSESSED, UNGRADED, date_text, grade_label

STRENGTHS, GAINS, WEAKNESSES = 5, 3, 5


def self_name(name: str) -> str:
    """How the unit names itself in its own report: 我县, 我市, 我区 (林区 included), 我州."""
    return {"市": "我市", "区": "我区", "州": "我州"}.get(name[-1], "我县")


def _prompt(doc, text: str) -> None:
    """A highlighted prompt for what only the county can write."""
    p = doc.add_paragraph()
    layout.run(p, f"【{text}；填写后删除本提示。】", font=layout.FANGSONG, size=16, highlight=True)


def _signed(value: float, unit: str = "分") -> str:
    return f"提高 {value:.1f} {unit}" if value > 0 else f"下降 {-value:.1f} {unit}" if value < 0 \
        else "持平"


def _since(ctx: Context, me: pd.Series, before: pd.Series, rank: str) -> str:
    """The change of score and of ``rank`` (全省名次 / 市州名次) since last year."""
    moved = int(before["rank_province"]) - int(me["rank_province"])
    place = f"上升 {moved} 位" if moved > 0 else f"下降 {-moved} 位" if moved < 0 else "不变"
    return f"与{ctx.previous}年度相比，综合得分{_signed(me['composite'] - before['composite'])}，{rank}{place}。"


def overview(ctx: Context, adcode: str) -> tuple[str, pd.DataFrame]:
    """The opening paragraph and the five revitalizations' table."""
    a, y = ctx.assessment, ctx.year
    rows = a.year(y)
    me = rows.loc[adcode]
    we = self_name(me["name"])
    assessed = int(rows["assessed"].sum())
    text = (f"{y}年度，{we}乡村振兴实绩考核综合得分 {me['composite']:.1f} 分，在全省 {assessed} 个考核单位中"
            f"排第 {int(me['rank_province'])} 名，在{me['assessment_class']}类 {int(me['class_size'])} 个单位中"
            f"排第 {int(me['rank_class'])} 名，考核等次为{grade_label(me['grade'])}。")
    if ctx.previous and adcode in a.year(ctx.previous).index:
        before = a.year(ctx.previous).loc[adcode]
        text += _since(ctx, me, before, "全省名次")
    if me["progress"]:
        text += f"{we}被评为进步明显单位（{me['progress_reason']}）。"
    if me["imputed_count"]:
        text += f"考核数据中有 {int(me['imputed_count'])} 项为补齐的值（本单位未报送），见附件中带＊的数值。"
    table = group_table(a, ctx.config, adcode, y).rename(columns={"得分": "得分（分）"})
    if ctx.previous and adcode in a.year(ctx.previous).index:
        before = a.year(ctx.previous).loc[adcode]
        table["较上年（分）"] = [me[g.code] - before[g.code] for g in ctx.config.groups]
    return text, table.reset_index(drop=True)


def _imputed(label: str) -> str:
    """The note on a value the county did not report (the engine filled it in)."""
    return f"（该值为{label}，本单位未报送，请核实）" if label else ""


def strengths(ctx: Context, adcode: str) -> list[str]:
    """The indicators where the unit beats its class's median most, then its largest gains.
    A value the engine filled in (imputed) is not claimed as an achievement."""
    a, y = ctx.assessment, ctx.year
    out = explain.strengths(a, ctx.config, adcode, y)
    out = out[out["imputed"] == ""]
    lines = [f"{r.name}{r.display}，标准化得分 {r.score:.1f} 分，高于同类单位中位数 {r.advantage:.1f} 分。"
             for r in out[out["advantage"] > 0].head(STRENGTHS).itertuples()]
    change = explain.change_breakdown(a, ctx.config, adcode, y)
    if change is not None:
        gains = change.by_indicator[change.by_indicator["delta"] > 0.05].nlargest(GAINS, "delta")
        lines += [f"{r.name}较上年进步，为综合得分增加 {r.delta:.1f} 分。" for r in gains.itertuples()]
    return lines


def weaknesses(ctx: Context, adcode: str) -> list[str]:
    """The indicators that cost the most points, failed gates, the 约谈预警 reasons and the
    largest losses since last year."""
    a, y = ctx.assessment, ctx.year
    me = a.year(y).loc[adcode]
    out = explain.obstacles(a, ctx.config, adcode, y)
    lines = [f"{r.name}{r.display}{_imputed(r.imputed)}，标准化得分 {r.score:.1f} 分，比满分少得综合得分 "
             f"{r.points_lost:.1f} 分，占全部失分的 {r.obstacle * 100:.1f}%。"
             for r in out[out["points_lost"] > 0.05].head(WEAKNESSES).itertuples()]
    values = a.values.loc[(adcode, y)]
    how = a.imputed.loc[(adcode, y)]
    for ind in ctx.config.indicators:
        if ind.gate and not ind.passes_gate(values[ind.code]):
            lines.append(f"门槛指标{ind.name}未达标：{ind.format_value(values[ind.code])}"
                         f"{_imputed(IMPUTE_LABELS.get(how[ind.code], ''))}，门槛值 "
                         f"{'≥' if ind.higher_is_better else '≤'} {ind.format_value(ind.gate_threshold)}。")
    change = explain.change_breakdown(a, ctx.config, adcode, y)
    if change is not None:
        losses = change.by_indicator[change.by_indicator["delta"] < -0.05].nsmallest(GAINS, "delta")
        lines += [f"{r.name}较上年退步，使综合得分减少 {-r.delta:.1f} 分。" for r in losses.itertuples()]
    if me["flagged"]:
        lines.append("列入约谈预警：" + "；".join(me["flag_reasons"])
                     + ("；连续两年列入，升级处理" if me["escalated"] else "") + "。")
    return lines


def direction(ctx: Context, adcode: str) -> list[str]:
    """差距测算 for a flagged or 较差 unit; otherwise the distance to the class's best value in
    the indicators that cost the most points."""
    a, y = ctx.assessment, ctx.year
    needed = gap(a, ctx.config, adcode, y)
    if needed is not None:
        return [f"差距测算：{needed.summary()}",
                *(f"{s.text}，可提高综合得分约 {s.points:.1f} 分。" for s in needed.steps)]
    pool = peer_pool(a, adcode, y).index
    values = a.values.xs(y, level="year")
    lines = []
    for r in explain.obstacles(a, ctx.config, adcode, y).head(3).itertuples():
        ind = ctx.config.indicator(r.Index)
        peers = values.loc[pool, ind.code].dropna()
        if peers.empty or r.points_lost <= 0.05:
            continue
        best = peers.max() if ind.higher_is_better else peers.min()
        lines.append(f"{ind.name}：{we_have(ind, r.value)}{_imputed(r.imputed)}，同类单位最好水平 "
                     f"{ind.format_value(best)}；"
                     f"每提高 10 个标准化得分，综合得分约增加 {r.weight * 10:.1f} 分。")
    return lines


def we_have(ind, value: float) -> str:
    return "暂无数据" if value is None or np.isnan(value) else f"现为 {ind.format_value(value)}"


def _opening(ctx: Context, name: str, we: str):
    """A new draft: its title, the 草稿 mark and the note on how it was made."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    y, a = ctx.year, ctx.assessment
    title = f"{name}{y}年度推进乡村振兴战略实绩情况报告"
    doc = new_document(ctx, title, f"{y}年度报告草稿")
    heading = doc.add_paragraph(title, style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    heading.paragraph_format.space_after = Pt(6)
    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark.paragraph_format.first_line_indent = Pt(0)
    layout.run(mark, "（草稿）", font=layout.KAITI, size=16, color=layout.RED)
    note = doc.add_paragraph()
    layout.run(note, f"本草稿由乡村振兴实绩考核系统按{y}年度考核数据生成（{date_text(ctx.made)}，方法指纹 "
                     f"{a.fingerprint}），数字与考核结果一致。请结合{we}实际补充做法、原因和打算，"
                     "核对后删除黄色提示，以 Word 或 PDF 报送。", font=layout.KAITI, size=14, highlight=True)
    if ctx.demo:
        demo_note(doc)
    return doc


def _points(doc, heading: str, lines: list[str], intro: str, none: str) -> None:
    """A section of points: its heading, ``intro`` and the points as bullets, or ``none``."""
    doc.add_heading(heading, level=1)
    doc.add_paragraph(intro if lines else none)
    for line in lines:
        doc.add_paragraph(line, style="List Bullet")


def _signature(doc, name: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sign.paragraph_format.space_before = Pt(24)
    layout.run(sign, f"{name}（盖章）", font=layout.FANGSONG, size=16)
    day = doc.add_paragraph()
    day.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    layout.run(day, "　　年　　月　　日", font=layout.FANGSONG, size=16)


def draft_docx(ctx: Context, adcode: str) -> bytes:
    """The county's draft annual report as a Word document (``ctx.cases`` / ``findings`` /
    ``followups`` filled for ``adcode`` by ``documents.add_records``)."""
    a, y = ctx.assessment, ctx.year
    me = a.year(y).loc[adcode]
    if not me["assessed"]:
        raise ValueError(f"{me['name']}未纳入实绩考核，不生成年度报告草稿")
    name, we = me["name"], self_name(me["name"])
    doc = _opening(ctx, name, we)
    doc.add_heading("一、总体情况", level=1)
    text, groups = overview(ctx, adcode)
    doc.add_paragraph(text)
    layout.table(doc, groups, whole=True, size=10.5,
                 formats=dict.fromkeys(("得分（分）", "同类平均", "全省平均"), "{:.1f}")
                 | {"较上年（分）": "{:+.1f}"})

    _points(doc, "二、主要成效", strengths(ctx, adcode),
            f"从考核指标看，{we}以下方面走在同类单位前列或进步较大：",
            f"本年度{we}没有指标高于同类单位中位数。")
    _prompt(doc, f"请补充{we}的主要做法、典型经验和取得的成效")
    _points(doc, "三、存在的问题和不足", weaknesses(ctx, adcode), "对照考核指标，存在以下短板：",
            "对照考核指标，各项指标均已达到目标值。")
    _prompt(doc, "请分析问题产生的原因")

    doc.add_heading("四、差距与努力方向", level=1)
    for line in direction(ctx, adcode) or ["主要指标已接近同类单位最好水平。"]:
        doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("五、整改落实情况", level=1)
    record = [*ctx.cases.get(adcode, []), *ctx.findings.get(adcode, []),
              *ctx.followups.get(adcode, [])]
    if record:
        doc.add_paragraph(f"{we}的约谈、督查发现和报告跟进事项及整改任务如下（未完成的逐项列出）：")
        for line in record:
            doc.add_paragraph(line.removeprefix(TASK),
                              style="List Bullet 2" if line.startswith(TASK) else "List Bullet")
        _prompt(doc, "请逐项说明整改措施、完成情况和佐证材料")
    else:
        doc.add_paragraph(f"截至报告生成时，{we}没有约谈、督查发现或报告跟进事项。")

    doc.add_heading("六、下一步工作打算", level=1)
    focus = "、".join(explain.obstacles(a, ctx.config, adcode, y)["name"].head(3))
    _prompt(doc, f"请填写下一步工作打算，建议围绕{focus}等短板指标，写明目标、措施和时限")

    _signature(doc, name)
    doc.add_page_break()
    doc.add_heading("附件：指标明细", level=1)
    table = indicator_table(a, ctx.config, adcode, y)
    filled = table[table["插补"] != ""]
    table.loc[filled.index, "数值"] += " ＊"  # a marker, not a column: the table stays readable
    layout.table(doc, table[["振兴", "指标", "数值", "标准化得分", "类内排名", "较上年", "目标 / 门槛"]],
                 formats={"标准化得分": "{:.1f}"}, size=9)
    if len(filled):
        doc.add_paragraph(f"注：带＊的 {len(filled)} 项指标本单位未报送，考核按以下方法补齐："
                          + "；".join(f"{r.指标}（{r.插补}）" for r in filled.itertuples())
                          + "。请核实后补报。")
    return save(doc)


# The 市州's draft ---------------------------------------------------------------------------

def _city_row(ctx: Context, city: str) -> pd.Series:
    if ctx.cities is None:
        raise ValueError("生成市州报告草稿需要市州层级考核结果")
    rows = ctx.cities.year(ctx.year)
    if city not in rows.index or not rows.at[city, "assessed"]:
        name = rows.at[city, "name"] if city in rows.index else city
        raise ValueError(f"{name}{ctx.year}年度没有市州考核结果，不生成市州报告草稿")
    return rows.loc[city]


def city_overview(ctx: Context, city: str) -> tuple[str, pd.DataFrame]:
    """The opening paragraph (result, how it is made, rank among the 市州, grade, change,
    praise) and the five revitalizations against the 市州 average and last year."""
    tier, y = ctx.cities, ctx.year
    rows = tier.year(y)
    me = rows.loc[city]
    we = self_name(me["name"])
    share = ctx.config.city.own_share
    mean = "的平均得分" if ctx.config.city.weighting == "simple" else \
        f"{WEIGHTINGS[ctx.config.city.weighting]}的平均得分"
    counted = f"辖区 {int(me['assessed_counties'])} 个纳入考核县{mean}"
    made = (counted if me["own"] != me["own"] or share <= 0 else
            f"县级部分 {me['county_part']:.1f} 分 × {1 - share:.0%} + 市级指标 {me['own']:.1f} 分 × "
            f"{share:.0%}，县级部分为{counted}")
    text = (f"{y}年度，{we}乡村振兴实绩考核市州综合得分 {me['composite']:.1f} 分（{made}），在全省 "
            f"{int(me['province_size'])} 个市州中排第 {int(me['rank_province'])} 名，考核等次为"
            f"{grade_label(me['grade'])}。")
    before = None
    if ctx.previous and city in tier.year(ctx.previous).index:
        before = tier.year(ctx.previous).loc[city]
        if before["assessed"]:
            text += _since(ctx, me, before, "市州名次")
    if me["progress"]:
        text += f"{we}被评为进步明显单位（{me['progress_reason']}）。"
    assessed = rows[rows["assessed"]]
    table = pd.DataFrame({
        "振兴": [g.name for g in ctx.config.groups],
        "得分（分）": [me[g.code] for g in ctx.config.groups],
        "全省市州平均": [assessed[g.code].mean() for g in ctx.config.groups],
        "市州排名": [f"{int((assessed[g.code] > me[g.code]).sum()) + 1}/{len(assessed)}"
                 for g in ctx.config.groups],
    })
    if before is not None:
        table["较上年（分）"] = [me[g.code] - before[g.code] for g in ctx.config.groups]
    return text, table


def _own_indicators(ctx: Context, city: str) -> pd.DataFrame:
    """The city-level indicators of the year: value, normalised score, the 市州 median and
    how a missing value was filled in."""
    tier, y = ctx.cities, ctx.year
    assessed = tier.year(y).index[tier.year(y)["assessed"]]
    rows = []
    for ind in ctx.config.city.indicators:
        if ind.weight <= 0 or ind.code not in tier.normalised.columns:
            continue
        scores = tier.normalised.xs(y, level="year")[ind.code]
        value = tier.values.at[(city, y), ind.code]
        rows.append({"code": ind.code, "指标": ind.name,
                     "数值": we_have(ind, value).removeprefix("现为 "),
                     "标准化得分": scores.get(city, np.nan),
                     "市州中位数": scores.reindex(assessed).median(),
                     "imputed": IMPUTE_LABELS.get(tier.imputed.at[(city, y), ind.code], "")})
    return pd.DataFrame(rows, columns=["code", "指标", "数值", "标准化得分", "市州中位数", "imputed"])


def city_strengths(ctx: Context, city: str, counties: pd.DataFrame) -> list[str]:
    """Praised counties, the revitalizations above the 市州 average, the city-level indicators
    above the 市州 median (not a value the engine filled in)."""
    lines = []
    assessed = counties[counties["考核类别"] != NOT_ASSESSED]
    for grade in ("优秀", "良好"):
        named = assessed.index[assessed["等次"] == grade]
        if len(named):
            lines.append(f"辖区考核等次为{grade}的有 {len(named)} 个："
                         + "、".join(counties.loc[named, "县（市、区）"]) + "。")
    praised = assessed.index[assessed["进步明显"] == "是"]
    if len(praised):
        lines.append("被评为进步明显单位的有：" + "、".join(counties.loc[praised, "县（市、区）"]) + "。")
    _, groups = city_overview(ctx, city)
    for r in groups[groups["得分（分）"] > groups["全省市州平均"]].itertuples():
        lines.append(f"{r.振兴}得分 {r[2]:.1f} 分，高于全省市州平均 {r[2] - r[3]:.1f} 分，市州排名第 {r.市州排名}。")
    own = _own_indicators(ctx, city)
    for r in own[(own["imputed"] == "") & (own["标准化得分"] > own["市州中位数"])].itertuples():
        lines.append(f"市级指标{r.指标}为 {r.数值}，标准化得分 {r.标准化得分:.1f} 分，高于市州中位数 "
                     f"{r.标准化得分 - r.市州中位数:.1f} 分。")
    return lines


def city_weaknesses(ctx: Context, city: str, counties: pd.DataFrame) -> list[str]:
    """The 市州's own 约谈预警 reasons, its counties' 约谈预警 and 较差, the revitalizations
    below the 市州 average, the city-level indicators below the median, its counties' largest
    falls since last year."""
    me = _city_row(ctx, city)
    lines = []
    if me["flagged"]:
        lines.append("列入市州约谈预警：" + "；".join(me["flag_reasons"])
                     + ("；连续两年列入，升级处理" if me["escalated"] else "") + "。")
    rows = ctx.assessment.year(ctx.year)
    for adcode in counties.index[counties["约谈预警"] == "是"]:
        lines.append(f"{rows.at[adcode, 'name']}列入约谈预警：" + "；".join(rows.at[adcode, "flag_reasons"]) + "。")
    poor = counties.index[(counties["等次"] == "较差") & (counties["约谈预警"] != "是")]
    if len(poor):
        lines.append("考核等次为较差的有：" + "、".join(counties.loc[poor, "县（市、区）"]) + "。")
    _, groups = city_overview(ctx, city)
    for r in groups[groups["得分（分）"] < groups["全省市州平均"]].itertuples():
        lines.append(f"{r.振兴}得分 {r[2]:.1f} 分，低于全省市州平均 {r[3] - r[2]:.1f} 分，市州排名第 {r.市州排名}。")
    own = _own_indicators(ctx, city)
    for r in own[own["标准化得分"] < own["市州中位数"]].itertuples():
        lines.append(f"市级指标{r.指标}为 {r.数值}{_imputed(r.imputed)}，标准化得分 {r.标准化得分:.1f} 分，"
                     f"低于市州中位数 {r.市州中位数 - r.标准化得分:.1f} 分。")
    if ctx.previous:
        before = ctx.assessment.year(ctx.previous)
        change = {a: rows.at[a, "composite"] - before.at[a, "composite"]
                  for a in counties.index[counties["考核类别"] != NOT_ASSESSED]
                  if a in before.index and before.at[a, "assessed"]}
        falls = sorted((d, a) for a, d in change.items() if d < -0.05)[:GAINS]
        if falls:
            lines.append("综合得分较上年下降较多的县：" + "、".join(
                f"{rows.at[a, 'name']}（{-d:.1f} 分）" for d, a in falls) + "。")
    return lines


def city_draft_docx(ctx: Context, city: str) -> bytes:
    """A 市州's draft annual report as a Word document (``ctx.cities`` set; ``ctx.cases`` /
    ``findings`` / ``followups`` filled by ``documents.add_records`` for the 市州 and each of
    its counties)."""
    me = _city_row(ctx, city)
    name, we = me["name"], self_name(me["name"])
    counties = cities.counties_table(ctx.assessment, ctx.config, city, ctx.year)
    doc = _opening(ctx, name, we)

    doc.add_heading("一、总体情况", level=1)
    text, groups = city_overview(ctx, city)
    doc.add_paragraph(text)
    layout.table(doc, groups, whole=True, size=10.5,
                 formats=dict.fromkeys(("得分（分）", "全省市州平均"), "{:.1f}")
                 | {"较上年（分）": "{:+.1f}"})
    assessed = counties[counties["考核类别"] != NOT_ASSESSED]
    grades = assessed["等次"].value_counts()
    counted = [*ctx.config.method.grades, *((UNGRADED,) if grades.get(UNGRADED) else ())]
    doc.add_paragraph(
        f"辖区 {len(counties)} 个县（市、区）中纳入考核 {len(assessed)} 个，其中"
        + "、".join(f"{g} {int(grades.get(g, 0))} 个" for g in counted)
        + "。" + cities.spread_sentence(ctx.assessment, city, ctx.year))

    _points(doc, "二、主要成效", city_strengths(ctx, city, counties), "从考核结果看：",
            f"本年度{we}没有高于全省市州平均的振兴领域。")
    _prompt(doc, f"请补充{we}统筹推进、以市带县的主要做法、典型经验和取得的成效")
    _points(doc, "三、存在的问题和不足", city_weaknesses(ctx, city, counties),
            "对照考核结果，存在以下问题：", "对照考核结果，各项均不低于全省市州平均。")
    _prompt(doc, "请分析问题产生的原因")

    doc.add_heading("四、整改落实情况", level=1)
    units = [(city, we), *((a, counties.at[a, "县（市、区）"]) for a in counties.index
                            if a != city)]  # 仙桃 etc. are their own only county: listed once
    listed = False
    for adcode, label in units:
        record = [*ctx.cases.get(adcode, []), *ctx.findings.get(adcode, []),
                  *ctx.followups.get(adcode, [])]
        if not record:
            continue
        if not listed:
            doc.add_paragraph(f"{we}及所辖县（市、区）的约谈、督查发现和报告跟进事项及整改任务如下"
                              "（未完成的逐项列出）：")
            listed = True
        doc.add_heading(label, level=2)
        for line in record:
            doc.add_paragraph(line.removeprefix(TASK),
                              style="List Bullet 2" if line.startswith(TASK) else "List Bullet")
    if listed:
        _prompt(doc, "请逐项说明整改措施、完成情况和佐证材料，以及对所辖县整改的督促情况")
    else:
        doc.add_paragraph(f"截至报告生成时，{we}及所辖县（市、区）没有约谈、督查发现或报告跟进事项。")

    doc.add_heading("五、下一步工作打算", level=1)
    below = groups[groups["得分（分）"] < groups["全省市州平均"]]
    weak = (below if len(below) else groups).nsmallest(2, "得分（分）")["振兴"].tolist()
    flagged = (counties["约谈预警"] == "是").any()
    _prompt(doc, f"请填写下一步工作打算，建议围绕{'、'.join(weak)}等"
                 + ("薄弱领域" if len(below) else "相对薄弱领域")
                 + ("和约谈预警县的整改" if flagged else "") + "，写明目标、措施和时限")
    _signature(doc, name)

    doc.add_page_break()
    doc.add_heading("附件：辖区各县（市、区）考核结果", level=1)
    shorts = [g.short for g in ctx.config.groups]
    listed = assessed.assign(备注=[
        "、".join(word for word, on in (("约谈预警", f == "是"), ("进步明显", p == "是")) if on)
        for f, p in zip(assessed["约谈预警"], assessed["进步明显"], strict=True)])
    layout.table(doc, listed[["县（市、区）", "综合得分", "全省排名", "等次", *shorts, "备注"]],
                 formats=dict.fromkeys(["综合得分", *shorts], "{:.1f}"), size=9)
    if len(assessed) < len(counties):
        doc.add_paragraph(f"注：辖区另有 {len(counties) - len(assessed)} 个市辖区未纳入实绩考核，不列入本表。")
    own = _own_indicators(ctx, city)
    doc.add_paragraph("市级指标：" if own["标准化得分"].notna().any() else
                      f"市级指标：{ctx.year}年度没有{we}的市级指标数据。")
    if own["标准化得分"].notna().any():
        own["数值"] = own["数值"] + np.where(own["imputed"] != "", " ＊", "")
        layout.table(doc, own[["指标", "数值", "标准化得分", "市州中位数"]],
                     formats={"标准化得分": "{:.1f}", "市州中位数": "{:.1f}"}, size=9)
        filled = own[own["imputed"] != ""]
        if len(filled):
            doc.add_paragraph(f"注：带＊的 {len(filled)} 项市级指标本单位未报送，考核按以下方法补齐："
                              + "；".join(f"{r.指标}（{r.imputed}）" for r in filled.itertuples())
                              + "。请核实后补报。")
    return save(doc)
