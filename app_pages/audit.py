"""审计日志: who changed what and when — read-only; nothing here can edit or delete a row."""

import streamlit as st

from components import cached
from components.layout import header
from components.login import current_user
from revitalization import tables
from revitalization.audit import access_rows, audit_rows
from revitalization.tables import audit_table

header("审计日志", "所有写入操作的记录：谁、何时、改了什么（修改前 / 修改后）。日志只增不改，页面上不能编辑或删除。")
log = audit_rows(cached.engine(), actor=current_user())
with st.expander("登录与下载记录（登录、退出、登录失败、下载的文件）", icon=":material/login:"):
    st.dataframe(tables.access_table(access_rows(cached.engine(), actor=current_user())), hide_index=True,
                 width="stretch")
if log.empty:
    st.info("还没有任何写入记录。")
    st.stop()
regions = cached.regions()
table = audit_table(log, dict(zip(regions["adcode"], regions["name"], strict=True)))
c1, c2, c3 = st.columns(3)
who = c1.multiselect("操作人", sorted(table["操作人"].unique()), placeholder="全部")
what = c2.multiselect("对象", sorted(table["对象"].unique()), placeholder="全部")
text = c3.text_input("搜索内容", placeholder="如县名、区划代码、文件名")
shown = table
if who:
    shown = shown[shown["操作人"].isin(who)]
if what:
    shown = shown[shown["对象"].isin(what)]
if text.strip():
    word = text.strip()
    shown = shown[shown["说明"].str.contains(word, regex=False)
                  | shown["变化"].str.contains(word, regex=False)
                  | shown["编号"].str.contains(word, regex=False)]
st.dataframe(shown, hide_index=True, width="stretch", column_order=[
    "时间（北京时间）", "操作人", "说明", "对象", "编号", "变化"],
             column_config={"说明": st.column_config.TextColumn(width="large"),
                            "变化": st.column_config.TextColumn("原始字段变化", width="medium")})
st.caption(f"共 {len(shown)} 条（全部 {len(table)} 条），最新的在前。")
