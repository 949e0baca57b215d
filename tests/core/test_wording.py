"""How things are said: Markdown escaping, grade and change labels, values with units."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from revitalization import wording
from revitalization.wording import NO_VALUE, UNGRADED, arrow, format_value, grade_label, md


@pytest.mark.parametrize(("text", "escaped"), [
    ("**粗体**", "\\*\\*粗体\\*\\*"),
    ("[链接](http://x)", "\\[链接\\]\\(http\\:\u2060//x\\)"),
    (":red[警告]", "\\:red\\[警告\\]"),
    ("<script>alert(1)</script>", "\\<script\\>alert\\(1\\)\\</script\\>"),
    ("# 标题", "\\# 标题"),
    ("1. 第一条", "1\\. 第一条"),
    ("`代码` $x$ _斜_ ~删~ a|b !", "\\`代码\\` \\$x\\$ \\_斜\\_ \\~删\\~ a\\|b \\!"),
    ("a\\b {c} +d -e", "a\\\\b \\{c\\} \\+d \\-e"),
    ("第一行\n第二行\r第三行", "第一行 第二行 第三行"),
    ("随县 2024 年洪灾", "随县 2024 年洪灾"),
])
def test_md_escapes_markdown_and_directive_characters(text, escaped):
    assert md(text) == escaped


def test_md_accepts_any_value():
    assert md(2024) == "2024"
    assert md(None) == "None"
    assert "\n" not in md("a\n\nb") and "<" not in md("<b>").replace("\\<", "")


def test_grade_label():
    assert grade_label(None) == "不评定" == UNGRADED
    assert grade_label(float("nan")) == "不评定"
    assert grade_label("优秀") == "优秀"


@pytest.mark.parametrize(("change", "label"), [
    (3, "↑ 3"), (3.0, "↑ 3"), (-2, "↓ 2"), (-2.0, "↓ 2"), (0, "→ 0"), (0.0, "→ 0"),
    (float("nan"), "—"), (None, "—"),
])
def test_arrow(change, label):
    assert arrow(change) == label


def test_format_value_units():
    assert format_value(21300, "元", 0) == "21,300 元"
    assert format_value(24.44, "%") == "24.4%"
    assert format_value(2.1, "比值", 2) == "2.10"  # a ratio carries no unit
    assert format_value(5, "") == "5.0"
    assert format_value(1234.5, "万元/人", 1) == "1,234.5 万元/人"
    assert format_value(None, "%") == NO_VALUE == "—"
    assert format_value(float("nan"), "元") == "—"


def test_user_text_never_becomes_a_link_or_an_icon():
    """Streamlit's Markdown links web and mail addresses and draws :material/…: icons even
    when escaped; md() breaks them with an invisible joiner (the words stay readable)."""
    from revitalization.wording import JOIN, md

    text = "见 https://evil.example/x、WWW.a.com、a@b.cn 和 :material/warning:"
    out = md(text)
    for live in ("://", "www.", "WWW.", "@b", ":material/"):
        assert live not in out.replace("\\", ""), live
    assert out.replace(JOIN, "").replace("\\", "") == text  # nothing else changed


@pytest.mark.parametrize(("utc", "day"), [
    (datetime(2026, 11, 30, 15, 59, tzinfo=UTC), date(2026, 11, 30)),
    (datetime(2026, 11, 30, 16, 0, tzinfo=UTC), date(2026, 12, 1)),
    (datetime(2026, 12, 31, 20, 0, tzinfo=UTC), date(2027, 1, 1)),
])
def test_today_is_the_date_in_beijing_whatever_the_server_zone(monkeypatch, utc, day):
    monkeypatch.setattr(wording, "_now", lambda: utc)
    assert wording.today() == day
    assert wording.now().utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize(("stamp", "seconds", "shown"), [
    ("2026-03-31T23:00:00+00:00", False, "2026-04-01 07:00"),
    ("2026-03-31T23:00:05+00:00", True, "2026-04-01 07:00:05"),
    ("2026-03-31T10:00:00", False, "2026-03-31 18:00"),  # no zone: stored as UTC
    ("", False, ""), (None, False, ""),
])
def test_stored_times_are_shown_in_beijing_time(stamp, seconds, shown):
    assert wording.shown_time(stamp, seconds=seconds) == shown
