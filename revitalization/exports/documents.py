"""Briefing packs (简报包): DOCX (what offices use), PPTX and a ZIP of images, in Chinese.

Every pack is stamped with the data source, the date made and the method fingerprint. The
Word files follow the 公文 layout a 工作简报 borrows (``docx_layout``): 版头 with the issue
number, issuing unit and date; 仿宋_GB2312 body, 黑体 / 楷体_GB2312 headings; page numbers;
tables for print; pictures laid out at the width of the text block; a 下一步工作要求 section
left for the office; 版记 with 报送 / 抄送. Slides are 16:9 with 微软雅黑, one figure per
slide laid out for the slide.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from revitalization import charts, compare, rulebook, summary, tables
from revitalization import cities as cities_mod
from revitalization.access import Actor
from revitalization.briefing import BriefingHead
from revitalization.cities import CityAssessment
from revitalization.config import IndicatorSystem
from revitalization.engine import Assessment
from revitalization.exports import docx_layout as layout
from revitalization.exports.images import PRESETS, plain_title, render, source_line
from revitalization.gap import gap
from revitalization.profile import indicator_table
from revitalization.wording import data_note, date_text, grade_label, grade_title, now, utc

SLIDE_FONT, LATIN = "微软雅黑", "Arial"


@dataclass
class Context:
    """What a pack is made from."""

    assessment: Assessment
    config: IndicatorSystem
    year: int
    demo: bool
    robust: pd.DataFrame | None = None  # robust_ranks(...).table, for the 约谈 list
    cities: CityAssessment | None = None  # the 市州 tier (the provincial pack needs it)
    notes: dict[str, pd.DataFrame] = field(default_factory=dict)  # adcode → notes
    cases: dict[str, list[str]] = field(default_factory=dict)  # adcode → interview record
    findings: dict[str, list[str]] = field(default_factory=dict)  # adcode → inspection findings
    followups: dict[str, list[str]] = field(default_factory=dict)  # adcode → report follow-ups
    head: BriefingHead = field(default_factory=BriefingHead)  # 版头 and 版记
    made: datetime = field(default_factory=lambda: now().replace(microsecond=0, tzinfo=None))

    @property
    def footer(self) -> str:
        return source_line(demo=self.demo, fingerprint=self.assessment.fingerprint,
                                  made=self.made)

    @property
    def previous(self) -> int | None:
        return self.year - 1 if self.year - 1 in self.assessment.years else None


@dataclass(frozen=True)
class Image:
    name: str  # file name (no extension)
    title: str
    png: bytes


def _render(ctx: Context, name: str, fig: go.Figure, preset: str) -> Image:
    """A figure laid out for its place: ``slide`` at twice 1280×720, A4 presets at three times
    their 15.6 cm width (≈ 290 dpi)."""
    return Image(name, plain_title(fig), render(fig, fmt="png", preset=preset,
                                                scale=2 if preset == "slide" else 3,
                                                footer=ctx.footer))


def provincial_images(ctx: Context, preset: str = "slide") -> list[Image]:
    """The pack's charts, in the order they appear, laid out for ``preset``."""
    a, c, y, demo = ctx.assessment, ctx.config, ctx.year, ctx.demo
    figs = [("01_全省综合得分地图", charts.province_map(a, c, y, demo=demo, inline=True,
                                                  legend_below=True)),
            ("02_五大振兴小图", charts.group_multiples(a, c, y, demo=demo, inline=True)),
            ("03_市州综合得分", charts.city_map(_cities(ctx), c, y, demo=demo, inline=True))]
    if ctx.previous:
        p = ctx.previous
        figs += [("04_综合得分变化地图", charts.change_map(a, c, p, y, demo=demo, inline=True)),
                 ("05_进步与退步最大的单位", charts.movers(a, c, p, y, demo=demo)),
                 ("06_等次变化", charts.transitions(a, p, y, demo=demo))]
    return [_render(ctx, name, fig, preset) for name, fig in figs]


def _cities(ctx: Context) -> CityAssessment:
    if ctx.cities is None:
        raise ValueError("the provincial pack needs the 市州 tier (Context.cities)")
    return ctx.cities


def city_lines(ctx: Context) -> list[str]:
    """The 市州 tier in sentences: the formula, the 优秀 cities and the flagged ones."""
    rows = _cities(ctx).year(ctx.year)
    ranked = rows[rows["assessed"]].sort_values("rank_province")
    excellent = ranked.loc[ranked["grade"] == "优秀", "name"].tolist()
    lines = [cities_mod.own_part_text(ctx.config),
             f"优秀等次的市州（{len(excellent)} 个）：{'、'.join(excellent) or '无'}。"]
    for _, r in ranked[ranked["flagged"]].iterrows():
        lines.append(f"{r['name']}（市州综合得分 {r['composite']:.1f} 分，第 {int(r['rank_province'])}/"
                     f"{int(r['province_size'])} 名）列入市州约谈预警"
                     + ("（连续两年，升级处理）" if r["escalated"] else "") + "："
                     + "；".join(r["flag_reasons"]) + "。")
    if not ranked["flagged"].any():
        lines.append("本年度没有市州触发约谈预警规则。")
    return lines


def city_ranking(ctx: Context) -> pd.DataFrame:
    table = cities_mod.ranking_table(_cities(ctx), ctx.config, ctx.year)
    return table[["市州排名", "市州", "综合得分", "等次", "约谈预警", "县级部分", "市级指标"]]


def county_images(ctx: Context, adcode: str, preset: str = "slide") -> list[Image]:
    a, c, y, demo = ctx.assessment, ctx.config, ctx.year, ctx.demo
    figs = [("五大振兴雷达图", charts.county_radar(a, c, adcode, y, demo=demo)),
            ("得分与排名走势", charts.county_trend(a, c, adcode, demo=demo)),
            ("短板指标", charts.county_obstacles(a, c, adcode, y, demo=demo))]
    waterfall = charts.county_waterfall(a, c, adcode, y, demo=demo)
    if waterfall is not None:
        figs.insert(2, ("得分变化分解", waterfall))
    name = a.year(y).at[adcode, "name"]
    return [_render(ctx, f"{name}_{n}", fig, preset) for n, fig in figs]


# Text shared by the DOCX and the PPTX ---------------------------------------------------

def praise(ctx: Context) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(name, reason) of the 优秀 units and of the 进步明显 units."""
    table = tables.praise_list(ctx.assessment, ctx.year)

    def pairs(kind: str) -> list[tuple[str, str]]:
        part = table[table["表扬类别"] == kind]
        reasons = [r.removeprefix(f"{kind}：") + (f"（数据说明：{n}）" if n else "")  # the
                   for r, n in zip(part["理由"], part["数据说明"], strict=True)]  # list says the kind
        return list(zip(part["县（市、区）"], reasons, strict=True))

    return pairs("优秀"), pairs("进步明显")


def flagged(ctx: Context) -> list[tuple[str, list[str], str]]:
    """(name with city, reasons, robustness) of each unit flagged for 约谈."""
    from revitalization.robust import robust_label

    rows = ctx.assessment.year(ctx.year)
    rows = rows[rows["assessed"] & rows["flagged"]].sort_values("composite")
    out = []
    for adcode, r in rows.iterrows():
        reasons = list(r["flag_reasons"])
        if r["escalated"]:
            reasons.append("连续两年列入约谈预警，升级处理")
        note = data_note(r["imputed_count"], r.get("data_check", False))
        if note:
            reasons.append(f"数据说明：{note}" + (f"（{r['data_check_reason']}）"
                                                if r.get("data_check", False) else ""))
        robust = ""
        if ctx.robust is not None and adcode in ctx.robust.index:
            robust = robust_label(ctx.robust.loc[adcode], ctx.config.method.robust_share)
        out.append((f"{r['name']}（{r['city_name']}，综合得分 {r['composite']:.1f} 分）", reasons, robust))
    return out


TASK = "\t"


def case_lines(records: pd.DataFrame, tasks: pd.DataFrame) -> list[str]:
    """A unit's interview record for the compendium: each interview (the year whose result
    triggered it, status, date, level, who was interviewed, the issues raised), then its
    unfinished rectification tasks with owner and deadline, overdue ones marked (a task
    line starts with ``TASK``: listed one level in)."""
    lines = []
    for r in records.itertuples():
        held = (f"，{r.interview_date}由{r.level or '省'}级约谈{r.interviewees or ''}"
                if r.interview_date else "")
        issues = f"。指出的问题：{'；'.join(r.issues)}" if r.issues else ""
        lines.append(f"{r.year}年度结果引发的约谈：{r.status}{held}{issues}。")
        lines += _task_lines(tasks[tasks["interview_id"] == r.id] if len(tasks) else tasks)
    return lines


def finding_lines(findings: pd.DataFrame, tasks: pd.DataFrame, rounds: dict[int, str]) -> list[str]:
    """A unit's inspection findings for the compendium: round, category and severity, the
    finding, its status and whether it was escalated to a 约谈, then its unfinished tasks."""
    lines = []
    for f in findings.itertuples():
        escalated = "；已升级为约谈" if f.interview_id == f.interview_id and f.interview_id else ""
        lines.append(f"{rounds.get(f.round_id, '督查')}发现（{f.category}，{f.severity}）：{f.description}"
                     f"。状态：{f.status}{escalated}。")
        lines += _task_lines(tasks[tasks["finding_id"] == f.id] if len(tasks) else tasks)
    return lines


def followup_lines(followups: pd.DataFrame, tasks: pd.DataFrame) -> list[str]:
    """A unit's annual-report follow-ups: the year's report, the matter, its status, then its
    unfinished tasks."""
    lines = []
    for f in followups.itertuples():
        lines.append(f"{f.year}年度报告跟进事项：{f.matter}。状态：{f.status}。")
        lines += _task_lines(tasks[tasks["followup_id"] == f.id] if len(tasks) else tasks)
    return lines


def add_records(ctx: Context, engine, adcode: str, *, actor: Actor) -> None:
    """Load a unit's notes, 约谈 record, 督查 findings and report follow-ups of the years up to
    ``ctx.year`` into ``ctx`` (for its section of a Word file about that year); refused for a
    unit outside ``actor``'s scope."""
    from revitalization import inspections, interviews, reports
    from revitalization.notes import list_notes

    notes = list_notes(engine, adcode, actor=actor)  # PermissionDenied outside the scope
    ctx.notes[adcode] = notes[notes["year"] <= ctx.year] if len(notes) else notes
    records = interviews.interviews(engine, adcode=adcode, actor=actor)
    records = records[records["year"] <= ctx.year]
    ctx.cases[adcode] = case_lines(records, interviews.tasks(
        engine, records["id"].tolist(), actor=actor) if len(records) else records)
    rounds = inspections.rounds(engine).set_index("id")
    found = inspections.findings(engine, adcode=adcode, actor=actor)
    found = found[found["round_id"].map(rounds["year"]) <= ctx.year] if len(found) else found
    ctx.findings[adcode] = finding_lines(found, inspections.tasks(
        engine, found["id"].tolist(), actor=actor) if len(found) else found, rounds["name"].to_dict())
    matters = reports.followups(engine, adcode=adcode, actor=actor)
    matters = matters[matters["year"] <= ctx.year]
    ctx.followups[adcode] = followup_lines(matters, reports.followup_tasks(
        engine, matters["id"].tolist(), actor=actor) if len(matters) else matters)


def _task_lines(mine: pd.DataFrame) -> list[str]:
    if not len(mine):
        return []
    open_tasks = mine[~mine["done"].astype(bool)]
    done = len(mine) - len(open_tasks)
    lines = [f"整改任务 {len(mine)} 项，已完成 {done} 项" + ("，以下未完成：" if len(open_tasks) else "，全部完成。")]
    for t in open_tasks.itertuples():
        lines.append(f"{TASK}{t.description}（责任人：{t.owner}；期限：{t.deadline}"
                     + ("；已逾期" if t.overdue else "") + "）")
    return lines


def ranking(ctx: Context) -> pd.DataFrame:
    table = tables.ranking_table(ctx.assessment, ctx.config, ctx.year)
    return table.drop(columns=["名次变化", "约谈预警"])


def comparison_text(ctx: Context) -> str:
    if not ctx.previous:
        return "没有上一年度数据，不作年度对比。"
    frame = compare.changes(ctx.assessment, ctx.previous, ctx.year)
    up, down = int((frame["change"] > 0).sum()), int((frame["change"] < 0).sum())
    best = frame.nlargest(3, "change")
    worst = frame.nsmallest(3, "change")
    worst = worst[worst["change"] < 0]
    best = best[best["change"] > 0]
    text = f"与 {ctx.previous} 年相比，{up} 个单位综合得分提高，{down} 个下降。"
    if len(best):
        text += "提高最多的是" + "、".join(f"{r['name']}（{r['change']:+.1f} 分）"
                                      for _, r in best.iterrows()) + "。"
    if len(worst):
        text += "下降最多的是" + "、".join(f"{r['name']}（{r['change']:.1f} 分）"
                                      for _, r in worst.iterrows()) + "。"
    return text


# DOCX -----------------------------------------------------------------------------------

DOC_PRESET = "a4half"  # pictures in Word: the width of the text block, half a page high


def new_document(ctx: Context, title: str, subject: str):
    from docx import Document

    document = Document()
    layout.setup(document, title=title, author=ctx.head.unit, subject=subject,
                 comments=ctx.footer, made=ctx.made)
    layout.font_table(document)
    return document


def demo_note(doc) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    layout.run(p, "【示例数据】本文件由按固定随机种子生成的示例数据制作，不代表真实考核结果。",
               font=layout.HEITI, size=12, color=layout.RED)


def _masthead(doc, ctx: Context) -> None:
    """版头: the briefing's name in red, the issue number, the issuing unit and the date over
    a red rule (the 公文 layout a 工作简报 borrows)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
    from docx.shared import Cm, Pt

    name = doc.add_paragraph()
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    name.paragraph_format.first_line_indent = Pt(0)
    name.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    name.paragraph_format.space_before = Pt(24)
    layout.run(name, ctx.head.name, font=layout.XIAOBIAOSONG, size=40, color=layout.RED)
    issue = doc.add_paragraph()
    issue.alignment = WD_ALIGN_PARAGRAPH.CENTER
    issue.paragraph_format.first_line_indent = Pt(0)
    issue.paragraph_format.space_before = Pt(12)
    layout.run(issue, ctx.head.issue_line(), font=layout.FANGSONG, size=16)
    line = doc.add_paragraph()
    line.paragraph_format.first_line_indent = Pt(0)
    line.paragraph_format.tab_stops.add_tab_stop(Cm(layout.TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    layout.run(line, f"{ctx.head.unit}\t{date_text(ctx.made)}", font=layout.FANGSONG, size=16)
    layout.rule(line, color=layout.RED, size=18)


def _colophon(doc, ctx: Context) -> None:
    """版记: 报送 and 抄送 between rules, then the issuing unit and the date of issue."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Cm, Pt

    doc.add_paragraph()
    rows = [("报送", ctx.head.send_to), ("抄送", ctx.head.copy_to)]
    for n, (label, value) in enumerate(rows):
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.left_indent = Pt(14)
        layout.run(p, f"{label}：{value or '（无）'}", font=layout.FANGSONG, size=14)
        if n == 0:
            layout.rule(p, color="000000", size=8, where="top")
        layout.rule(p, color="000000", size=4)
    last = doc.add_paragraph()
    last.paragraph_format.first_line_indent = Pt(0)
    last.paragraph_format.left_indent = Pt(14)
    last.paragraph_format.tab_stops.add_tab_stop(Cm(layout.TEXT_WIDTH - 0.5), WD_TAB_ALIGNMENT.RIGHT)
    layout.run(last, f"{ctx.head.unit}\t{date_text(ctx.made)}印发", font=layout.FANGSONG, size=14)
    layout.rule(last, color="000000", size=8)


def _bullets(doc, lines: list[str], style: str = "List Bullet") -> None:
    for line in lines:
        doc.add_paragraph(line, style=style)


def provincial_docx(ctx: Context, images: list[Image] | None = None) -> bytes:
    """The provincial 简报 as a Word document: 版头, the results section by section, a
    下一步工作要求 section left for the office, and 版记."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    images = images if images is not None else provincial_images(ctx, DOC_PRESET)
    by_name = {i.name[:2]: i for i in images}
    title = f"湖北省{ctx.year}年度乡村振兴责任制实绩考核结果"
    doc = new_document(ctx, title, f"{ctx.year}年度考核结果简报")
    _masthead(doc, ctx)
    if ctx.demo:
        demo_note(doc)
    heading = doc.add_paragraph(title, style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_before = Pt(18)
    heading.paragraph_format.space_after = Pt(12)
    heading.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    doc.add_heading("一、总体情况", level=1)
    for para in summary.briefing_summary(ctx.assessment, ctx.config, ctx.year).split("\n\n"):
        doc.add_paragraph(para)
    layout.picture(doc, by_name["01"].png, "图 1　" + by_name["01"].title)
    layout.orientation(doc, landscape=True)  # the wide ranking table reads best across the page
    doc.add_heading("二、考核排名", level=1)
    doc.add_paragraph("按综合得分排序；得分完全相同者名次并列。" + rulebook.grade_rules(ctx.config.method)[0]
                      + "“数据说明”列注明结果所用的插补值和需核实的数据。得分保留一位小数，名次按未舍入的"
                      "得分排定，因此显示相同得分的单位名次可能不同。")
    table = ranking(ctx)
    layout.table(doc, table, formats={c: "{:.1f}" for c in table.columns
                                      if c in ["综合得分"] + [g.short for g in ctx.config.groups]},
                 size=9)
    layout.orientation(doc, landscape=False)
    doc.add_heading("三、通报表扬", level=1)
    excellent, progress = praise(ctx)
    doc.add_heading(f"（一）优秀等次（{len(excellent)} 个）", level=2)
    _bullets(doc, [f"{name}：{reason}" for name, reason in excellent])
    doc.add_heading(f"（二）进步明显（{len(progress)} 个）", level=2)
    _bullets(doc, [f"{name}：{reason}" for name, reason in progress] or ["无。"])
    doc.add_heading("四、约谈预警", level=1)
    units = flagged(ctx)
    doc.add_paragraph(f"{len(units)} 个单位触发约谈预警规则，其中连续两年列入、升级处理的 "
                      f"{sum(any('升级处理' in r for r in reasons) for _, reasons, _ in units)} 个：")
    for name, reasons, robust in units:
        doc.add_paragraph(name, style="List Bullet")
        _bullets(doc, reasons + ([f"稳健性：{robust}"] if robust else []), "List Bullet 2")
    doc.add_heading("五、年度对比", level=1)
    doc.add_paragraph(comparison_text(ctx))
    n = 2
    for key in ("04", "05", "06", "03", "02"):
        if key == "03":
            doc.add_heading("六、市州考核", level=1)
            for line in city_lines(ctx):
                doc.add_paragraph(line)
            cities_table = city_ranking(ctx)
            layout.table(doc, cities_table, size=9, whole=True,
                         formats=dict.fromkeys(("综合得分", "县级部分", "市级指标"), "{:.1f}"))
        if key == "02":
            doc.add_heading("七、五大振兴", level=1)
        if key in by_name:
            layout.picture(doc, by_name[key].png, f"图 {n}　" + by_name[key].title)
            n += 1
    doc.add_heading("八、下一步工作要求", level=1)
    todo = doc.add_paragraph()
    layout.run(todo, "【请在此填写下一步工作要求，如整改时限、约谈安排和督查计划；填写后删除本提示。】",
               font=layout.FANGSONG, size=16, highlight=True)
    _colophon(doc, ctx)
    return save(doc)


def _county_section(doc, ctx: Context, adcode: str, images: list[Image]) -> None:
    a, y = ctx.assessment, ctx.year
    row = a.year(y).loc[adcode]
    doc.add_heading(f"{row['name']}（{row['city_name']}）", level=1)
    if row["assessed"]:
        doc.add_paragraph(
            f"{y}年度综合得分 {row['composite']:.1f} 分，全省第 {int(row['rank_province'])} 名，"
            f"{row['assessment_class']}类内第 {int(row['rank_class'])}/{int(row['class_size'])} 名，"
            f"{grade_title(ctx.config.method.within_class_only)}为{grade_label(row['grade'])}"
            f"（{row['grade_reason'].removeprefix(grade_label(row['grade']) + '：')}）。")
        if row["flagged"]:
            reasons = list(row["flag_reasons"])
            if row["escalated"]:
                reasons.append("连续两年列入约谈预警，升级处理")
            if ctx.robust is not None and adcode in ctx.robust.index:
                from revitalization.robust import robust_label

                reasons.append("稳健性：" + robust_label(ctx.robust.loc[adcode],
                                                       ctx.config.method.robust_share))
            doc.add_paragraph("约谈预警原因：", style="List Bullet")
            _bullets(doc, reasons, "List Bullet 2")
        note = data_note(row["imputed_count"], row.get("data_check", False))
        if note:
            doc.add_paragraph(f"数据说明：{note}" + (f"（{row['data_check_reason']}）"
                                                  if row.get("data_check", False) else ""),
                              style="List Bullet")
        needed = gap(a, ctx.config, adcode, y)
        if needed is not None:
            lines = needed.lines()
            doc.add_paragraph(f"差距测算：{lines[0]}", style="List Bullet")
            _bullets(doc, lines[1:], "List Bullet 2")
        if row["progress"]:
            doc.add_paragraph(row["progress_reason"], style="List Bullet")
    else:
        doc.add_paragraph(f"{row['name']}为中心城区，未纳入乡村振兴实绩考核；以下得分仅供参考。")
    if adcode in ctx.cases:
        doc.add_heading("约谈与整改记录", level=2)
        for line in ctx.cases[adcode] or ["尚无约谈记录。"]:
            doc.add_paragraph(line.removeprefix(TASK),
                              style="List Bullet 2" if line.startswith(TASK) else "List Bullet")
    for heading, lines in (("督查发现与整改", ctx.findings.get(adcode)),
                           ("年度报告跟进事项", ctx.followups.get(adcode))):
        if lines:
            doc.add_heading(heading, level=2)
            for line in lines:
                doc.add_paragraph(line.removeprefix(TASK),
                                  style="List Bullet 2" if line.startswith(TASK) else "List Bullet")
    for n, image in enumerate(images, start=1):
        layout.picture(doc, image.png, f"图 {n}　{image.title}")
    table = indicator_table(a, ctx.config, adcode, y)[["振兴", "指标", "数值", "标准化得分",
                                                        "类内排名", "较上年", "目标 / 门槛"]]
    doc.add_heading("指标明细", level=2)
    layout.table(doc, table, formats={"标准化得分": "{:.1f}"}, size=9)
    notes = ctx.notes.get(adcode)
    if notes is not None and len(notes):
        doc.add_heading("工作备注", level=2)
        _bullets(doc, [f"{note.year}年：{note.text}（{note.author}）" for note in notes.itertuples()])


def _profile_cover(doc, ctx: Context, title: str, subtitle: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    heading = doc.add_paragraph(title, style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    heading.paragraph_format.space_after = Pt(12)
    for line in (subtitle, f"{ctx.head.unit}　{date_text(ctx.made)}",
                 f"方法指纹：{ctx.assessment.fingerprint}"):
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.first_line_indent = Pt(0)
    if ctx.demo:
        demo_note(doc)


def county_docx(ctx: Context, adcode: str, images: list[Image] | None = None) -> bytes:
    """One county's profile as a Word document."""
    name = ctx.assessment.year(ctx.year).at[adcode, "name"]
    title = f"{name}乡村振兴实绩考核画像"
    doc = new_document(ctx, title, f"{ctx.year}年度县域画像")
    _profile_cover(doc, ctx, title, f"{ctx.year}年度")
    _county_section(doc, ctx, adcode,
                    images if images is not None else county_images(ctx, adcode, DOC_PRESET))
    return save(doc)


def flagged_docx(ctx: Context, images: dict[str, list[Image]] | None = None) -> bytes:
    """The profiles of every unit flagged for 约谈 in the year, one after another, each with
    its reasons (escalation, robustness, data notes, 差距测算) and its interview record."""
    rows = ctx.assessment.year(ctx.year)
    codes = rows[rows["assessed"] & rows["flagged"]].sort_values("composite").index.tolist()
    title = "约谈预警单位画像汇编"
    doc = new_document(ctx, title, f"{ctx.year}年度约谈预警单位")
    escalated = int(rows.loc[codes, "escalated"].sum()) if codes else 0
    _profile_cover(doc, ctx, title, f"{ctx.year}年度 · 共 {len(codes)} 个单位，"
                                    f"其中连续两年列入、升级处理的 {escalated} 个")
    for adcode in codes:
        doc.add_page_break()
        pictures = (images or {}).get(adcode)
        _county_section(doc, ctx, adcode,
                        pictures if pictures is not None else county_images(ctx, adcode, DOC_PRESET))
    return save(doc)


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# PPTX -----------------------------------------------------------------------------------

def _pptx_text(shape, lines: list[str], size: int = 18, bold_first: bool = False) -> None:
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    frame = shape.text_frame
    frame.word_wrap = True
    for n, line in enumerate(lines):
        p = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold_first and n == 0
        run.font.name = LATIN
        rpr = run._r.get_or_add_rPr()
        ea = rpr.find(qn("a:ea"))
        if ea is None:
            ea = rpr.makeelement(qn("a:ea"), {})
            rpr.append(ea)
        ea.set("typeface", SLIDE_FONT)


LAYOUT_NAMES = ["标题幻灯片", "标题和内容", "节标题", "两栏内容", "比较", "仅标题", "空白",
                "内容与标题", "图片与标题", "标题和竖排文字", "竖排标题与文本"]


def _presentation(ctx: Context, title: str):
    """A 16:9 presentation whose master speaks Chinese: the template's placeholders widened
    from 4:3, its layouts named in Chinese, 微软雅黑 as the theme's East Asian font, and the
    file properties of the office."""
    import re as _re

    from pptx import Presentation
    from pptx.util import Emu, Inches

    prs = Presentation()
    old_width = prs.slide_width
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    factor = prs.slide_width / old_width
    for owner in [prs.slide_master, *prs.slide_layouts]:
        for shape in owner.placeholders:
            shape.left, shape.width = Emu(int(shape.left * factor)), Emu(int(shape.width * factor))
    for layout_, name in zip(prs.slide_layouts, LAYOUT_NAMES, strict=False):
        layout_._element.cSld.set("name", name)
    theme = next(p for p in prs.part.package.iter_parts() if "theme" in str(p.partname))
    theme._blob = _re.sub(rb'<a:ea typeface=""\s*/>', f'<a:ea typeface="{SLIDE_FONT}"/>'.encode(),
                          theme.blob)
    props = prs.core_properties
    props.title, props.author, props.last_modified_by = title, ctx.head.unit, ctx.head.unit
    props.subject, props.comments, props.language = f"{ctx.year}年度", ctx.footer, "zh-CN"
    props.created = props.modified = utc(ctx.made)
    props.revision = 1
    return prs


def provincial_pptx(ctx: Context, images: list[Image] | None = None) -> bytes:
    """The provincial briefing as 16:9 slides: each figure fills its slide (it was laid out
    for one, with its own title and source line), the ranking table at its natural height,
    the 约谈 units four to a slide."""
    from pptx.util import Inches

    images = images if images is not None else provincial_images(ctx, "slide")
    prs = _presentation(ctx, f"湖北省{ctx.year}年度乡村振兴责任制实绩考核简报")
    blank = prs.slide_layouts[6]

    def slide(title: str):
        s = prs.slides.add_slide(blank)
        _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(0.3), Inches(12.3), Inches(0.8)),
                   [title], size=28, bold_first=True)
        _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(7.0), Inches(12.3), Inches(0.4)),
                   [ctx.footer], size=10)
        return s

    cover = prs.slides.add_slide(blank)
    lines = [f"湖北省{ctx.year}年度乡村振兴责任制实绩考核简报", ctx.head.unit,
             f"{date_text(ctx.made)} · 方法指纹 {ctx.assessment.fingerprint}"]
    if ctx.demo:
        lines.append("【示例数据】不代表真实考核结果")
    _pptx_text(cover.shapes.add_textbox(Inches(1), Inches(2.5), Inches(11.3), Inches(3)), lines,
               size=32, bold_first=True)
    s = slide("总体情况")
    _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(1.2), Inches(12.3), Inches(5.5)),
               summary.briefing_summary(ctx.assessment, ctx.config, ctx.year).split("\n\n"), size=18)
    for image in images:  # the figure is the slide: title, legend and source line included
        s = prs.slides.add_slide(blank)
        picture = s.shapes.add_picture(io.BytesIO(image.png), 0, 0, prs.slide_width, prs.slide_height)
        picture.name = image.title
        picture._element.nvPicPr.cNvPr.set("descr", image.title)  # alt text
    table = ranking(ctx)
    per, row_height = 16, 0.33
    for start in range(0, len(table), per):
        part = table.iloc[start:start + per]
        s = slide(f"考核排名（第 {start + 1}–{start + len(part)} 名）")
        shape = s.shapes.add_table(len(part) + 1, len(part.columns), Inches(0.4), Inches(1.1),
                                   Inches(12.5), Inches(row_height * (len(part) + 1)))
        cells = shape.table
        for row in cells.rows:
            row.height = Inches(row_height)
        for j, col in enumerate(part.columns):
            _pptx_cell(cells.cell(0, j), str(col))
        for i, (_, row) in enumerate(part.iterrows(), start=1):
            for j, col in enumerate(part.columns):
                v = row[col]
                _pptx_cell(cells.cell(i, j), f"{v:.1f}" if isinstance(v, float) else str(v))
    s = slide("市州考核")
    _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(1.2), Inches(12.3), Inches(5.6)),
               city_lines(ctx), size=16)
    excellent, progress = praise(ctx)
    s = slide("通报表扬")
    _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(1.2), Inches(12.3), Inches(5.6)),
               [f"优秀等次（{len(excellent)} 个）：" + "、".join(n for n, _ in excellent),
                f"进步明显（{len(progress)} 个）：" + ("、".join(n for n, _ in progress) or "无")]
               + [f"· {n}：{r}" for n, r in progress], size=16)
    units = flagged(ctx)
    for start in range(0, max(len(units), 1), 4):
        part = units[start:start + 4]
        pages = f"（{start // 4 + 1}/{(len(units) + 3) // 4}）" if len(units) > 4 else ""
        s = slide(f"约谈预警（{len(units)} 个单位）{pages}")
        lines = []
        for name, reasons, robust in part:
            lines.append(name)
            lines += [f"　· {r}" for r in reasons + ([f"稳健性：{robust}"] if robust else [])]
        _pptx_text(s.shapes.add_textbox(Inches(0.5), Inches(1.2), Inches(12.3), Inches(5.6)),
                   lines or ["本年度没有单位触发约谈预警规则。"], size=14)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _pptx_cell(cell, text: str) -> None:
    cell.text = ""
    _pptx_text(cell, [text], size=9)


# ZIP ------------------------------------------------------------------------------------

def images_zip(images: list[Image], footer: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for image in images:
            z.writestr(f"{image.name}.png", image.png)
        slide = PRESETS["slide"]
        z.writestr("说明.txt", f"图片规格：16:9 幻灯片整页，{slide.width * 2}×{slide.height * 2} 像素"
                   "（按幻灯片尺寸排版，2 倍清晰度；放入 Word 请用 Word 简报中的图）。\n" + footer + "\n")
    return buffer.getvalue()
