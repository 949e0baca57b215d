"""账号管理: accounts with their role and scope (only with log-in on, for 省级管理员)."""

import streamlit as st

from components import cached
from components.layout import header
from components.login import current_user
from components.state import show_flash
from components.writes import submit_write, write_button
from revitalization import tables
from revitalization.access import ROLES, refusal
from revitalization.accounts import accounts, create_account, reset_password, set_disabled
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
    new_password = st.text_input("初始密码（至少 10 位，含大小写字母、数字、符号中的三类）", type="password",
                                 key=FIELDS[3])
    submit_write("创建账号", lambda: create_account(
        cached.engine(), username=new_user, display=new_display, role=new_role,
        scope=new_scope.strip(), password=new_password, actor=actor),
        done=lambda created: f"已创建账号：{md(str(created))}", refusal=refusal(actor, "account"),
        refresh=False, icon=":material/person_add:", clears=FIELDS)
listing = accounts(cached.engine(), actor=actor)
if not listing.empty:
    st.dataframe(tables.account_table(listing), hide_index=True, width="stretch")
    names = listing["username"].tolist()
    st.subheader("重设密码、停用或启用账号")
    st.caption("忘记密码时由省级管理员重设（同时解除锁定），告知本人登录后在侧栏“修改密码”中改为自己的密码；"
               "人员离岗时停用账号，停用后其已打开的页面也立即失效。每次操作都记入审计日志。")
    with st.form("reset_password"):
        r1, r2 = st.columns(2)
        who = r1.selectbox("账号", names, key="reset_user")
        new = r2.text_input("新密码", type="password", key="reset_password")
        submit_write("重设密码", lambda: reset_password(cached.engine(), actor, who, new),
                     done=lambda _: f"已重设 {md(who)} 的密码。", refusal=refusal(actor, "account"),
                     refresh=False, icon=":material/lock_reset:", clears=("reset_password",))
    c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
    target = c1.selectbox("账号", names, key="toggle_user")
    disabled = bool(listing.set_index("username").at[target, "disabled"])
    with c2:
        write_button("启用" if disabled else "停用",
                     lambda: set_disabled(cached.engine(), actor, target, not disabled),
                     done=f"已{'启用' if disabled else '停用'}账号 {md(target)}。", refusal=refusal(actor, "account"),
                     key="toggle_account", icon=":material/person_off:" if not disabled else ":material/person:")
