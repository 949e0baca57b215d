"""The draft annual report (报告制度): every number read back from the Word file matches the
assessment; the county's record (约谈, 督查, report follow-ups) is in it; what only the county
can write is a highlighted prompt; no Chromium needed (a clerk's machine may lack it)."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from conftest import admin

from revitalization import explain, inspections, interviews, reports
from revitalization.exports import documents, drafts
from revitalization.gap import gap
from revitalization.wording import grade_label

MADE = datetime(2026, 12, 1, 9, 0)


def read(data: bytes):
    from docx import Document

    return Document(io.BytesIO(data))


def text_of(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


@pytest.fixture(scope="module")
def ctx(assessment, config):
    return documents.Context(assessment, config, 2025, True, made=MADE)


def test_self_name():
    assert [drafts.self_name(n) for n in ("随县", "宜都市", "茅箭区", "神农架林区", "长阳土家族自治县")] \
        == ["我县", "我市", "我区", "我区", "我县"]


@pytest.mark.parametrize("which", ["flagged", "best"])
def test_the_numbers_are_the_engines(ctx, assessment, config, which):
    rows = assessment.year(2025)
    assessed = rows[rows["assessed"]]
    adcode = (assessed[assessed["flagged"]].index[0] if which == "flagged"
              else assessed["composite"].idxmax())
    me, before = rows.loc[adcode], assessment.year(2024).loc[adcode]
    doc = read(drafts.draft_docx(ctx, adcode))
    text = text_of(doc)
    we = drafts.self_name(me["name"])
    assert text.startswith(f"{me['name']}2025年度推进乡村振兴战略实绩情况报告\n（草稿）")
    assert (f"2025年度，{we}乡村振兴实绩考核综合得分 {me['composite']:.1f} 分，在全省 {len(assessed)} 个"
            f"考核单位中排第 {int(me['rank_province'])} 名，在{me['assessment_class']}类 "
            f"{int(me['class_size'])} 个单位中排第 {int(me['rank_class'])} 名，考核等次为"
            f"{grade_label(me['grade'])}。") in text
    change = me["composite"] - before["composite"]
    assert f"综合得分{'提高' if change > 0 else '下降'} {abs(change):.1f} 分" in text
    groups = doc.tables[0]
    assert [c.text for c in groups.rows[0].cells] == ["振兴", "得分（分）", "类内排名", "同类平均",
                                                      "全省平均", "较上年（分）"]
    for g, row in zip(config.groups, groups.rows[1:], strict=True):
        cells = [c.text for c in row.cells]
        assert cells[0] == g.name and cells[1] == f"{me[g.code]:.1f}"
        assert cells[5] == f"{me[g.code] - before[g.code]:+.1f}"
    worst = explain.obstacles(assessment, config, adcode, 2025).iloc[0]
    assert f"{worst['name']}{worst['display']}，标准化得分 {worst['score']:.1f} 分，比满分少得综合得分 " \
           f"{worst['points_lost']:.1f} 分" in text
    needed = gap(assessment, config, adcode, 2025)
    if which == "flagged":
        assert needed is not None and f"差距测算：{needed.summary()}" in text
        assert "列入约谈预警：" + "；".join(me["flag_reasons"]) in text
    else:
        assert needed is None and "差距测算" not in text and "列入约谈预警" not in text
        best = explain.strengths(assessment, config, adcode, 2025).iloc[0]
        assert f"高于同类单位中位数 {best['advantage']:.1f} 分" in text
    assert "没有约谈、督查发现或报告跟进事项" in text
    appendix = doc.tables[1]
    assert len(appendix.rows) == 1 + len(config.indicators)
    prompts = [r for p in doc.paragraphs for r in p.runs if r.font.highlight_color is not None]
    assert [r.text for r in prompts if r.text.startswith("【请")] == [
        f"【请补充{we}的主要做法、典型经验和取得的成效；填写后删除本提示。】",
        "【请分析问题产生的原因；填写后删除本提示。】",
        prompts[-1].text]
    assert "建议围绕" in prompts[-1].text and worst["name"] in prompts[-1].text
    assert doc.core_properties.title == f"{me['name']}2025年度推进乡村振兴战略实绩情况报告"


def test_the_record_comes_from_the_database(seeded, assessment, config, regions):
    """约谈 with an open overdue task, a 督查 finding and a report follow-up all reach
    五、整改落实情况 through ``documents.add_records``."""
    engine = seeded
    iid = interviews.open_interview(engine, assessment, "421321", 2025, actor=admin())
    interviews.save_interview(engine, iid, version=1, actor=admin(), status="已约谈",
                              interview_date="2026-01-10", level="省", interviewees="县长",
                              issues=["产业项目推进慢"], today=date(2026, 1, 20))
    interviews.add_task(engine, iid, description="完成冷链项目验收", owner="县农业农村局",
                        deadline="2026-01-15", actor=admin())
    rid = inspections.open_round(engine, year=2025, name="2025 年度乡村振兴督查", teams="",
                                 actor=admin())
    inspections.record_finding(engine, config, round_id=rid, adcode="421321", category="资金使用",
                               description="衔接资金拨付滞后", actor=admin())
    reports.open_round(engine, 2025, "2026-03-31", actor=admin(), today=date(2026, 1, 5))
    reports.submit(engine, regions, 2025, "421321", file_name="随县.pdf",
                   data=b"%PDF-1.4\n%%EOF\n", actor=admin(), version=0)
    report_id = int(reports.board(engine, regions, 2025).at["421321", "id"])
    reports.raise_followup(engine, report_id, matter="核实高标准农田数据", actor=admin())
    ctx = documents.Context(assessment, config, 2025, True, made=MADE)
    documents.add_records(ctx, engine, "421321")
    text = text_of(read(drafts.draft_docx(ctx, "421321")))
    section = text[text.index("五、整改落实情况"):text.index("六、下一步工作打算")]
    assert "2025年度结果引发的约谈：已约谈，2026-01-10由省级约谈县长。指出的问题：产业项目推进慢。" in section
    assert "完成冷链项目验收（责任人：县农业农村局；期限：2026-01-15；已逾期）" in section
    assert "2025 年度乡村振兴督查发现（资金使用，一般）：衔接资金拨付滞后。状态：已发现。" in section
    assert "2025年度报告跟进事项：核实高标准农田数据。状态：待落实。" in section
    assert "请逐项说明整改措施" in section


def test_a_unit_outside_the_assessment_gets_no_draft(ctx, assessment):
    rows = assessment.year(2025)
    central = rows.index[~rows["assessed"]][0]
    with pytest.raises(ValueError, match="未纳入实绩考核，不生成年度报告草稿"):
        drafts.draft_docx(ctx, central)


def test_values_the_county_did_not_report_are_never_claimed(observations, regions, config):
    """A 2025 value missing and carried forward by the engine: it is not listed as an
    achievement, is marked where it is a shortfall, and the attachment says how it was filled."""
    from revitalization.engine import assess

    rows = assess(observations, regions, config).year(2025)
    best = rows[rows["assessed"]]["composite"].idxmax()
    strongest = explain.strengths(assess(observations, regions, config), config, best, 2025).iloc[0]
    code = strongest.name
    missing = observations[~((observations["adcode"] == best) & (observations["year"] == 2025)
                             & (observations["indicator"] == code))]
    a = assess(missing, regions, config)
    assert a.imputed.loc[(best, 2025), code]  # the engine filled it in
    doc = read(drafts.draft_docx(documents.Context(a, config, 2025, True, made=MADE), best))
    text = text_of(doc)
    name = config.indicator(code).name
    gains = text[text.index("二、主要成效"):text.index("三、存在的问题和不足")]
    assert name not in gains
    assert "考核数据中有 1 项为补齐的值（本单位未报送），见附件中带＊的数值。" in text
    assert f"注：带＊的 1 项指标本单位未报送，考核按以下方法补齐：{name}（沿用上年数据）。请核实后补报。" in text
    appendix = doc.tables[1]
    row = next(r for r in appendix.rows[1:] if r.cells[1].text == name)
    assert row.cells[2].text.endswith(" ＊")  # the value that was filled in is marked
    assert sum(r.cells[2].text.endswith("＊") for r in appendix.rows[1:]) == 1


def test_a_draft_for_an_earlier_year_leaves_out_later_records(seeded, assessment, config):
    iid = interviews.open_interview(seeded, assessment, "421321", 2025, actor=admin())
    assert iid
    ctx = documents.Context(assessment, config, 2024, True, made=MADE)
    documents.add_records(ctx, seeded, "421321")
    assert ctx.cases["421321"] == [] and ctx.findings["421321"] == []
    ctx = documents.Context(assessment, config, 2025, True, made=MADE)
    documents.add_records(ctx, seeded, "421321")
    assert ctx.cases["421321"][0].startswith("2025年度结果引发的约谈：待约谈")
