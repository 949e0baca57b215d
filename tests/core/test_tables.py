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
