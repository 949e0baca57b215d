"""Tables for display: escaped cells, formatted numbers."""

from __future__ import annotations

import pandas as pd

from revitalization import tables


def test_html_table_escapes_every_cell_and_formats_numbers():
    table = pd.DataFrame({"县（市、区）": ["<script>alert(1)</script>", "A & B"], "综合得分": [91.26, 7.0]})
    out = tables.html_table(table, {"综合得分": "{:.1f} 分"}, title="前 <2> 名", numeric=("综合得分",))
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "A &amp; B" in out and "前 &lt;2&gt; 名" in out
    assert "91.3 分" in out
    assert out.count("<tr>") == 3  # header + two rows
    assert "text-align:right'>7.0 分" in out


def test_audit_entries_read_as_sentences():
    import json

    from revitalization.tables import audit_sentence

    before = {"id": 3, "adcode": "421321", "year": 2025, "status": "待约谈", "interview_date": "",
              "version": 4, "updated_at": "2026-01-01T00:00:00"}
    after = {**before, "status": "已约谈", "interview_date": "2025-12-01", "version": 5}
    text = audit_sentence("status", "interview", json.dumps(before), json.dumps(after),
                          {"421321": "随县"})
    assert text == ("随县 2025 年：状态推进约谈记录，状态由“待约谈”改为“已约谈”；"
                    "约谈日期由“（空）”改为“2025-12-01”。")
    assert "version" not in text and "4" not in text  # bookkeeping left out
    done = audit_sentence("complete", "rectification_task", json.dumps({"done": False}),
                          json.dumps({"done": True}), {})
    assert done == "完成整改任务，已完成由“否”改为“是”。"
    returned = audit_sentence("return", "annual_report",
                              json.dumps({"unit": "421321", "year": 2025, "status": "已报送"}),
                              json.dumps({"unit": "421321", "year": 2025, "status": "退回补充",
                                          "returned_reason": "补充防返贫监测"}), {"421321": "随县"})
    assert returned == ("随县 2025 年：退回修改年度报告，状态由“已报送”改为“退回补充”；"
                        "退回原因由“（空）”改为“补充防返贫监测”。")
    undone = audit_sentence("rollback", "import_batch", json.dumps({"rolled_back_at": ""}),
                            json.dumps({"rolled_back_at": "2026-03-31T23:00:05+00:00"}), {})
    assert "撤销时间由“（空）”改为“2026-04-01 07:00”" in undone  # a stored time, in Beijing time


def test_every_audited_table_has_a_name_staff_read():
    """The audit page names each record kind in Chinese: every table that is written with an
    audit row has its label (reference, derived and log tables are not audited)."""
    from sqlmodel import SQLModel

    import revitalization.store  # noqa: F401  (registers the tables)
    from revitalization.wording import AUDIT_ENTITIES

    unaudited = {"region", "indicator", "city", "meta", "published_result", "published_city_value",
                 "audit_log", "observation_change", "access_log",  # reads: the access log is their record
                 "login_session", "login_throttle",  # log-ins: in the access log
                 "annual_report_file"}  # its submissions are audited as the report's
    tables = set(SQLModel.metadata.tables) - unaudited
    assert sorted(tables - set(AUDIT_ENTITIES)) == []


def test_the_report_board_puts_what_to_act_on_first():
    import pandas as pd

    from revitalization import reports
    from revitalization.regions import load_regions
    from revitalization.tables import report_board

    board = pd.DataFrame({"name": ["随县", "广水市", "曾都区", "随州市"], "kind": ["县（市、区）"] * 3 + ["市州"],
                          "city": ["421300"] * 4, "状态": ["已报送", "逾期", "退回补充", "已报送"],
                          "时限": ["逾期报送", "", "按时报送", "按时报送"], "报送时间": ["t"] * 4, "文件": ["f"] * 4},
                         index=["421321", "421381", "421303", "421300"])
    matters = pd.DataFrame({"adcode": ["421321", "421321", "421303"],
                            "status": ["待落实", "已办结", reports.FOLLOWUP_STATUSES[-1]]})
    shown = report_board(board, matters, load_regions())
    assert shown["单位"].tolist() == ["广水市", "曾都区", "随县", "随州市"]
    assert shown["所属市州"].unique().tolist() == ["随州市"]
    assert shown.set_index("单位")["未办结跟进事项"].to_dict() == {"广水市": 0, "曾都区": 0, "随县": 1, "随州市": 0}
