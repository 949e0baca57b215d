"""审计日志: who changed what and when — read-only; nothing here can edit or delete a row."""

import json

import pandas as pd
import streamlit as st

from components import cached
from components.layout import ensure_router, header
from revitalization.audit import audit_rows

ensure_router()

ENTITIES = {"observation": "指标数据", "import_batch": "导入批次", "county_note": "工作备注",
            "interview": "约谈记录", "rectification_task": "整改任务", "method_version": "指标体系版本",
            "publication": "结果发布"}
ACTIONS = {"create": "新建", "update": "修改", "status": "状态推进", "delete": "删除", "restore": "恢复",
           "complete": "完成", "reopen": "重新打开", "import": "导入", "rollback": "撤销",
           "publish": "发布"}

header("审计日志", "所有写入操作的记录：谁、何时、改了什么（修改前 / 修改后）。日志只增不改，页面上不能编辑或删除。")
log = audit_rows(cached.engine())
if log.empty:
    st.info("还没有任何写入记录。")
    st.stop()
log["对象"] = log["entity"].map(lambda e: ENTITIES.get(e, e))
log["操作"] = log["action"].map(lambda a: ACTIONS.get(a, a))
c1, c2, c3 = st.columns(3)
who = c1.multiselect("操作人", sorted(log["user"].unique()))
what = c2.multiselect("对象", sorted(log["对象"].unique()))
text = c3.text_input("搜索内容", placeholder="如区划代码、文件名")
shown = log
if who:
    shown = shown[shown["user"].isin(who)]
if what:
    shown = shown[shown["对象"].isin(what)]
if text.strip():
    word = text.strip()
    shown = shown[shown["before"].str.contains(word, regex=False)
                  | shown["after"].str.contains(word, regex=False)
                  | shown["entity_id"].str.contains(word, regex=False)]


def changed(before: str, after: str) -> str:
    """Only the fields that changed, as 字段: 前 → 后."""
    b, a = (json.loads(before) if before else {}), (json.loads(after) if after else {})
    keys = [k for k in dict.fromkeys([*b, *a]) if b.get(k) != a.get(k)]
    return "；".join(f"{k}: {b.get(k, '')} → {a.get(k, '')}" for k in keys if k != "updated_at")


table = pd.DataFrame({
    "时间（UTC）": shown["at"].str.replace("T", " ").str[:19], "操作人": shown["user"],
    "对象": shown["对象"], "编号": shown["entity_id"], "操作": shown["操作"],
    "变化": [changed(b, a) for b, a in zip(shown["before"], shown["after"], strict=True)],
}).iloc[::-1]
st.dataframe(table, hide_index=True, width="stretch",
             column_config={"变化": st.column_config.TextColumn(width="large")})
st.caption(f"共 {len(table)} 条（全部 {len(log)} 条），最新的在前。")
