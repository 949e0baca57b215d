"""The last line of defence: an unexpected error is logged with its traceback and a reference
number, and the user sees a Chinese message with that number, never a Python traceback (host
names, SQL and file paths stay in the server log)."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime

import streamlit as st
from sqlalchemy.exc import DBAPIError

log = logging.getLogger("revitalization")
RAISE = "REVITALIZATION_RAISE_ERRORS"


def reference() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def show_unexpected(exc: Exception) -> str:
    """Log ``exc`` under a new reference number and say so to the user; returns the number."""
    if os.environ.get(RAISE) == "1":  # tests: let AppTest see the real exception
        raise exc
    ref = reference()
    log.error("未处理的错误，参考编号 %s", ref, exc_info=exc)
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text or "disk is full" in text or "no space" in text:
        st.error(f"数据库所在的磁盘已满或为只读（参考编号 {ref}），这次没有保存，已保存的数据不受影响。"
                 "请联系系统管理员检查数据目录的空间和权限。", icon=":material/hard_drive:")
    elif isinstance(exc, DBAPIError) and exc.connection_invalidated or _unreachable(exc):
        st.error(f"暂时无法连接数据库（参考编号 {ref}）。已保存的数据不受影响；数据库恢复后刷新页面即可继续。"
                 "如持续出现，请把参考编号告诉系统管理员。", icon=":material/cloud_off:")
    else:
        st.error(f"页面出现意外错误（参考编号 {ref}），本次操作没有完成。请刷新页面重试；"
                 "如问题持续，请把参考编号告诉系统管理员。", icon=":material/error:")
    return ref


def _unreachable(exc: Exception) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    text = str(exc).lower()
    return isinstance(exc, OperationalError | InterfaceError) and "locked" not in text \
        and "readonly" not in text
