"""The draft annual report (报告制度): every number read back from the Word file matches the
assessment; the county's record (约谈, 督查, report follow-ups) is in it; what only the county
can write is a highlighted prompt; no Chromium needed (a clerk's machine may lack it)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from conftest import PDF, admin

from revitalization import cities as cities_mod
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
    assert [drafts.self_name(n) for n in ("随县", "宜都市", "茅箭区", "神农架林区", "长阳土家族自治县",
                                          "随州市", "恩施土家族苗族自治州")] \
        == ["我县", "我市", "我区", "我区", "我县", "我市", "我州"]


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
                   data=PDF, actor=admin(), version=0)
    report_id = int(reports.board(engine, regions, 2025, actor=admin()).at["421321", "id"])
    reports.raise_followup(engine, report_id, matter="核实高标准农田数据", actor=admin())
    ctx = documents.Context(assessment, config, 2025, True, made=MADE)
    documents.add_records(ctx, engine, "421321", actor=admin())
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
    documents.add_records(ctx, seeded, "421321", actor=admin())
    assert ctx.cases["421321"] == [] and ctx.findings["421321"] == []
    ctx = documents.Context(assessment, config, 2025, True, made=MADE)
    documents.add_records(ctx, seeded, "421321", actor=admin())
    assert ctx.cases["421321"][0].startswith("2025年度结果引发的约谈：待约谈")


# The 市州's draft ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def city_ctx(assessment, config, cities):
    return documents.Context(assessment, config, 2025, True, cities=cities, made=MADE)


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


@pytest.mark.parametrize("which", ["flagged", "best"])
def test_a_city_draft_carries_the_city_tiers_numbers(city_ctx, cities, assessment, config, which):
    rows = cities.year(2025)
    ranked = rows[rows["assessed"] & ~rows["direct"]]
    city = (ranked[ranked["flagged"]].index[0] if which == "flagged"
            else ranked["composite"].idxmax())
    me, before = rows.loc[city], cities.year(2024).loc[city]
    we = drafts.self_name(me["name"])
    doc = read(drafts.city_draft_docx(city_ctx, city))
    text = text_of(doc)
    share = config.city.own_share
    assert text.startswith(f"{me['name']}2025年度推进乡村振兴战略实绩情况报告\n（草稿）")
    assert (f"2025年度，{we}乡村振兴实绩考核市州综合得分 {me['composite']:.1f} 分（县级部分 "
            f"{me['county_part']:.1f} 分 × {1 - share:.0%} + 市级指标 {me['own']:.1f} 分 × {share:.0%}，"
            f"县级部分为辖区 {int(me['assessed_counties'])} 个纳入考核县的平均得分），在全省 "
            f"{int(me['province_size'])} 个市州中排第 {int(me['rank_province'])} 名，考核等次为"
            f"{grade_label(me['grade'])}。") in text
    change = me["composite"] - before["composite"]
    assert f"综合得分{'提高' if change > 0 else '下降'} {abs(change):.1f} 分，市州名次" in text
    groups = doc.tables[0]
    assert [c.text for c in groups.rows[0].cells] == ["振兴", "得分（分）", "全省市州平均", "市州排名",
                                                      "较上年（分）"]
    ranked_all = rows[rows["assessed"]]
    for g, row in zip(config.groups, groups.rows[1:], strict=True):
        cells = [c.text for c in row.cells]
        assert cells[:3] == [g.name, f"{me[g.code]:.1f}", f"{ranked_all[g.code].mean():.1f}"]
        assert cells[3] == f"{int((ranked_all[g.code] > me[g.code]).sum()) + 1}/{len(ranked_all)}"
        assert cells[4] == f"{me[g.code] - before[g.code]:+.1f}"
    counties = cities_mod.counties_table(assessment, config, city, 2025)
    mine = county_rows = assessment.year(2025)
    mine = mine[(mine["city_adcode"] == city) & mine["assessed"]]
    best, worst = mine.loc[mine["composite"].idxmax()], mine.loc[mine["composite"].idxmin()]
    assert (f"辖区县间差距 {me['spread']:.1f} 分：最高为{best['name']} {best['composite']:.1f} 分，"
            f"最低为{worst['name']} {worst['composite']:.1f} 分。") in text  # the tier's own spread
    grades = mine["grade"].value_counts()
    assert (f"中纳入考核 {len(mine)} 个，其中"
            + "、".join(f"{g} {int(grades.get(g, 0))} 个" for g in config.method.grades)) in text
    if mine["flagged"].any():
        assert "约谈预警县：" + "、".join(mine.sort_values("composite", ascending=False).loc[
            mine["flagged"], "name"]) + "。" in text
    else:
        assert "辖区没有约谈预警县。" in text
    problems = _section(text, "三、存在的问题和不足", "四、整改落实情况")
    if which == "flagged":
        assert "列入市州约谈预警：" + "；".join(me["flag_reasons"]) in problems
    else:
        assert "列入市州约谈预警" not in problems
        gains = _section(text, "二、主要成效", "三、存在的问题和不足")
        top = max(config.groups, key=lambda g: me[g.code] - ranked_all[g.code].mean())
        assert f"{top.name}得分 {me[top.code]:.1f} 分，高于全省市州平均" in gains
    for adcode in counties.index[counties["约谈预警"] == "是"]:
        assert (f"{county_rows.at[adcode, 'name']}列入约谈预警："
                + "；".join(county_rows.at[adcode, "flag_reasons"])) in problems
    attachment = doc.tables[1]  # every assessed county of the city, in the city page's order
    assessed = counties[counties["考核类别"] != "未纳入考核"]
    assert [r.cells[0].text for r in attachment.rows[1:]] == assessed["县（市、区）"].tolist()
    assert [r.cells[1].text for r in attachment.rows[1:]] == [f"{v:.1f}" for v in assessed["综合得分"]]
    assert [r.cells[-1].text for r in attachment.rows[1:]] == [
        "、".join([w for w, on in (("约谈预警", f), ("进步明显", p)) if on == "是"])
        for f, p in zip(assessed["约谈预警"], assessed["进步明显"], strict=True)]
    own = doc.tables[2]  # the city-level indicators with their normalised scores
    scores = cities.normalised.loc[(city, 2025)]
    for ind, row in zip(config.city.indicators, own.rows[1:], strict=True):
        assert row.cells[0].text == ind.name and row.cells[2].text == f"{scores[ind.code]:.1f}"


def test_a_city_draft_lists_its_own_and_its_counties_records(seeded, assessment, config, cities,
                                                              regions):
    engine = seeded
    iid = interviews.open_interview(engine, assessment, "421321", 2025, actor=admin())
    interviews.save_interview(engine, iid, version=1, actor=admin(), status="已约谈",
                              interview_date="2026-01-10", level="省", interviewees="县长",
                              issues=["产业项目推进慢"], today=date(2026, 1, 20))
    interviews.add_task(engine, iid, description="完成冷链项目验收", owner="县农业农村局",
                        deadline="2026-01-15", actor=admin())
    reports.open_round(engine, 2025, "2026-03-31", actor=admin(), today=date(2026, 1, 5))
    reports.submit(engine, regions, 2025, "421300", file_name="随州.pdf",
                   data=PDF, actor=admin(), version=0)
    report_id = int(reports.board(engine, regions, 2025, actor=admin()).at["421300", "id"])
    reports.raise_followup(engine, report_id, matter="核实以市带县任务完成率", actor=admin())
    ctx = documents.Context(assessment, config, 2025, True, cities=cities, made=MADE)
    for unit in ["421300", *cities_mod.counties_table(assessment, config, "421300", 2025).index]:
        documents.add_records(ctx, engine, unit, actor=admin())
    doc = read(drafts.city_draft_docx(ctx, "421300"))
    text = text_of(doc)
    section = _section(text, "四、整改落实情况", "五、下一步工作打算")
    assert section.index("我市\n") < section.index("2025年度报告跟进事项：核实以市带县任务完成率") \
        < section.index("随县\n") < section.index("2025年度结果引发的约谈：已约谈")
    assert "完成冷链项目验收（责任人：县农业农村局；期限：2026-01-15" in section
    assert "广水市" not in section  # a county with no record gets no heading
    assert "请逐项说明整改措施、完成情况和佐证材料，以及对所辖县整改的督促情况" in section


def test_no_city_draft_without_the_city_tier_or_a_city_result(ctx, city_ctx, cities):
    with pytest.raises(ValueError, match="需要市州层级考核结果"):
        drafts.city_draft_docx(ctx, "421300")  # made without the 市州 tier
    with pytest.raises(ValueError, match="没有市州考核结果"):
        drafts.city_draft_docx(documents.Context(city_ctx.assessment, city_ctx.config, 2030, True,
                                                 cities=cities), "421300")


def test_a_city_of_one_county_lists_its_records_once(seeded, assessment, config, cities):
    """仙桃 is its own 市州 and its only county: its 督查 finding is listed once, under 我市."""
    rid = inspections.open_round(seeded, year=2025, name="2025 年度乡村振兴督查", teams="",
                                 actor=admin())
    inspections.record_finding(seeded, config, round_id=rid, adcode="429004", category="资金使用",
                               description="衔接资金拨付滞后", actor=admin())
    ctx = documents.Context(assessment, config, 2025, True, cities=cities, made=MADE)
    documents.add_records(ctx, seeded, "429004", actor=admin())
    text = text_of(read(drafts.city_draft_docx(ctx, "429004")))
    section = _section(text, "四、整改落实情况", "五、下一步工作打算")
    assert section.count("衔接资金拨付滞后") == 1 and "仙桃市\n" not in section


def test_a_drafts_file_times_are_utc_as_word_reads_them(ctx):
    """``made`` is Beijing wall-clock time (printed in the text); the file's own creation time
    is stored in UTC, as Word and WPS expect, not eight hours ahead."""
    rows = ctx.assessment.year(2025)
    doc = read(drafts.draft_docx(ctx, rows[rows["assessed"]].index[0]))
    assert doc.core_properties.created == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # MADE: 09:00
