"""The controls every case page shares (约谈, 督查 findings, report follow-ups): a case's task
list with the overdue ones marked and a 完成 button, the form that sets a new task, and the
status step and delete buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components.writes import submit_write, write_button
from revitalization import tables
from revitalization.style import ALERT


def task_list(todo: pd.DataFrame, *, complete: Callable[[int], Any], refusal: str,
              after: Callable[[Any], None], key: str, noun: str = "整改任务",
              deadline: str = "整改期限") -> None:
    """The tasks (overdue unfinished ones in red) and a control to mark one done (``noun``,
    ``deadline``: the case kind's words)."""
    if todo.empty:
        return
    st.markdown(f"**{noun}**（逾期未完成的标红）")
    st.dataframe(tables.task_table(todo, deadline).style.map(
        lambda v: f"color:{ALERT};font-weight:600" if v == tables.OVERDUE else "", subset=["状态"]),
        hide_index=True, width="stretch")
    pending = todo[~todo["done"].astype(bool)]
    if pending.empty:
        return
    c1, c2 = st.columns([3, 1])
    pick = c1.selectbox("标记完成", pending["id"].tolist(), key=f"{key}_pick",
                        format_func=dict(zip(pending["id"], pending["description"], strict=True)).get)
    with c2:
        write_button("完成", lambda: complete(pick), done=f"{noun}已标记完成。", refusal=refusal,
                     refresh=False, after=after, key=f"{key}_button", icon=":material/check:")


def task_form(key: str, add: Callable[[str, str, Any], Any], *, refusal: str,
              after: Callable[[Any], None], noun: str = "整改任务", deadline: str = "整改期限"
              ) -> None:
    """Set a task: what, who, by when (fields keyed ``{key}_what`` / ``_owner`` / ``_due``,
    emptied once it is saved)."""
    with st.form(key):
        st.markdown(f"**布置{noun}**")
        c1, c2, c3 = st.columns([3, 1, 1])
        fields = (f"{key}_what", f"{key}_owner", f"{key}_due")
        what = c1.text_input("任务内容", key=fields[0])
        owner = c2.text_input("责任人（单位）", key=fields[1])
        due = c3.date_input(deadline, value=None, format="YYYY-MM-DD", key=fields[2])
        submit_write("添加任务", lambda: add(what, owner, due or ""), done=f"{noun}已添加。",
                     refusal=refusal, refresh=False, after=after, icon=":material/add_task:",
                     clears=fields)


def case_actions(kind, record: pd.Series, todo: pd.DataFrame, edit, *, refusal: str, key: str,
                 add_task: Callable[[str, str, Any], Any], complete: Callable[[int], Any],
                 step: Callable[[str], Any], delete: Callable[[], Any],
                 extra: Callable[[], None] | None = None) -> None:
    """The controls of one case on the case core (``kind``: its ``CaseKind``): its tasks, a
    new task, the next status, ``extra`` (e.g. escalation) and delete; a closed case is
    read-only. ``edit``: the record's ``VersionedEdit``."""
    words = {"noun": kind.task_noun, "deadline": kind.deadline_field}
    task_list(todo, complete=complete, refusal=refusal, after=edit.catch_up, key=f"{key}_task",
              **words)
    if record["status"] == kind.closed:
        st.success(f"该{kind.noun}{kind.closed_words}，记录只读。", icon=":material/task_alt:")
        return
    task_form(f"{key}_new_task", add_task, refusal=refusal, after=edit.catch_up, **words)
    target = kind.next(record["status"])
    columns = st.columns(3 if extra else 2)
    with columns[0]:
        write_button(f"推进到：{target}", lambda: step(target), done=f"已推进到“{target}”。",
                     refusal=refusal, refresh=False, after=edit.adopt, key=f"{key}_step",
                     icon=":material/arrow_forward:")
    if extra:
        with columns[1]:
            extra()
    with columns[-1]:
        write_button(f"删除该{kind.noun}", delete, done=f"{kind.noun}已删除。", refusal=refusal,
                     refresh=False, after=edit.catch_up, key=f"{key}_delete",
                     icon=":material/delete:")
