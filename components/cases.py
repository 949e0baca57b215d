"""The controls every case page shares (约谈, 督查 findings): a case's task list with the
overdue ones marked and a 完成 button, and the form that sets a new task."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components.writes import submit_write, write_button
from revitalization import tables
from revitalization.style import ALERT


def task_list(todo: pd.DataFrame, *, complete: Callable[[int], Any], refusal: str,
              after: Callable[[Any], None], key: str) -> None:
    """The tasks (overdue unfinished ones in red) and a control to mark one done."""
    if todo.empty:
        return
    st.markdown("**整改任务**（逾期未完成的标红）")
    st.dataframe(tables.task_table(todo).style.map(
        lambda v: f"color:{ALERT};font-weight:600" if v == tables.OVERDUE else "", subset=["状态"]),
        hide_index=True, width="stretch")
    pending = todo[~todo["done"].astype(bool)]
    if pending.empty:
        return
    c1, c2 = st.columns([3, 1])
    pick = c1.selectbox("标记完成", pending["id"].tolist(), key=f"{key}_pick",
                        format_func=dict(zip(pending["id"], pending["description"], strict=True)).get)
    with c2:
        write_button("完成", lambda: complete(pick), done="整改任务已标记完成。", refusal=refusal,
                     refresh=False, after=after, key=f"{key}_button", icon=":material/check:")


def task_form(key: str, add: Callable[[str, str, Any], Any], *, refusal: str,
              after: Callable[[Any], None]) -> None:
    """Set a task: what, who, by when (fields keyed ``{key}_what`` / ``_owner`` / ``_due``,
    emptied once it is saved)."""
    with st.form(key):
        st.markdown("**布置整改任务**")
        c1, c2, c3 = st.columns([3, 1, 1])
        fields = (f"{key}_what", f"{key}_owner", f"{key}_due")
        what = c1.text_input("任务内容", key=fields[0])
        owner = c2.text_input("责任人（单位）", key=fields[1])
        due = c3.date_input("整改期限", value=None, format="YYYY-MM-DD", key=fields[2])
        submit_write("添加任务", lambda: add(what, owner, due or ""), done="整改任务已添加。",
                     refusal=refusal, refresh=False, after=after, icon=":material/add_task:",
                     clears=fields)
