"""账号管理: accounts with their role and scope (only with log-in on, for 省级管理员)."""

import streamlit as st

from components import cached
from components.layout import header
from components.login import current_user
from components.state import show_flash
from components.writes import submit_write
from revitalization import tables
from revitalization.access import ROLES, refusal
from revitalization.accounts import accounts, create_account
from revitalization.wording import md

actor = current_user()
header("账号管理", "创建账号并指定角色和范围")
st.caption("仅省级管理员可见。密码以 scrypt 加盐哈希保存；单点登录用户名填写其邮箱。")
show_flash()
FIELDS = ("new_user", "new_display", "new_scope", "new_password")
with st.form("create_account"):  # emptied only once the account exists (not on a refusal)
    a1, a2, a3, a4 = st.columns(4)
    new_user = a1.text_input("用户名", key=FIELDS[0])
    new_display = a2.text_input("姓名 / 单位", key=FIELDS[1])
    new_role = a3.selectbox("角色", list(ROLES), format_func=ROLES.get)
    new_scope = a4.text_input("所属区划代码", help="市州用户填市州代码，县级填报员填县代码", key=FIELDS[2])
    new_password = st.text_input("初始密码（至少 10 位，含字母和数字）", type="password", key=FIELDS[3])
    submit_write("创建账号", lambda: create_account(
        cached.engine(), username=new_user, display=new_display, role=new_role,
        scope=new_scope.strip(), password=new_password, actor=actor),
        done=lambda created: f"已创建账号：{md(str(created))}", refusal=refusal(actor, "account"),
        refresh=False, icon=":material/person_add:", clears=FIELDS)
listing = accounts(cached.engine(), actor=current_user())
if not listing.empty:
    st.dataframe(tables.account_table(listing), hide_index=True, width="stretch")
