"""Log-in: who is acting, the log-in gate (local accounts or the office's OIDC). With local
accounts the user comes from the browser's session cookie on every run (``server.py`` sets
it, ``revitalization.sessions`` checks it: idle and absolute expiry, log-out in every tab).
Every write is checked against and recorded for ``current_user()``."""

from __future__ import annotations

import html
import secrets
import threading
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import streamlit as st

from components import cached
from revitalization.access import DEMO_ACTOR, Actor
from revitalization.accounts import (
    REFUSED,
    LoginError,
    actor_for_identity,
    auth_mode,
    change_password,
    is_active,
    session_minutes,
)
from revitalization.audit import access
from revitalization.sessions import ABSOLUTE_HOURS, COOKIE, close_session, session_actor
from revitalization.wording import md

LOGIN_ACTION = "session/login"  # server.py's route, relative: it works under a sub-path too


def login_on() -> bool:
    return auth_mode() != "off"


ACTOR_KEY, TOKEN_KEY = "actor", "session_token"


def _token() -> str:
    """A random name of this Streamlit session (who makes a heavy document, without log-in)."""
    return st.session_state.setdefault(TOKEN_KEY, secrets.token_urlsafe(16))


def browser_token() -> str:
    """The log-in token the browser sent: the HttpOnly cookie ``server.py`` set at log-in."""
    return st.context.cookies.get(COOKIE, "") or ""


# Documents that take seconds of CPU each (the 汇编, the provincial packs, drafts): one at a
# time per person, and at most HEAVY_AT_ONCE per server; others wait their turn, up to
# HEAVY_WAIT seconds. A read-only account clicking repeatedly cannot hold the server's cores.
HEAVY_AT_ONCE = 1
HEAVY_WAIT = 120.0
_heavy = threading.BoundedSemaphore(HEAVY_AT_ONCE)
_making: set[str] = set()
_making_lock = threading.Lock()


def _one_at_a_time(who: str, make: Callable[[], bytes]) -> bytes:
    with _making_lock:
        if who in _making:
            raise PermissionError("您的上一份文件还在生成，请等它下载完成后再点击")
        _making.add(who)
    try:
        if not _heavy.acquire(timeout=HEAVY_WAIT):
            raise PermissionError("服务器正在为其他用户生成文件，请稍后再试")
        try:
            return make()
        finally:
            _heavy.release()
    finally:
        with _making_lock:
            _making.discard(who)


def protected(make: Callable[[], bytes], *, what: str, heavy: bool = False) -> Callable[[], bytes]:
    """``make`` for a download button: refused once its session has logged out or timed out
    (a button drawn before then no longer delivers data), recorded in the access log as a
    download of ``what`` (the file name) by the user. ``heavy``: a document that costs seconds
    of CPU, made one at a time per person and a bounded number at once."""
    actor, mode = current_user(), auth_mode()
    login, token = mode != "off", browser_token() if mode == "local" else ""

    def checked() -> bytes:  # on the click, outside the session that drew the button
        live = (session_actor(cached.engine(), token, minutes=session_minutes()) is not None
                if mode == "local" else is_active(cached.engine(), actor.username) if login else True)
        if not live:
            raise PermissionError("登录已失效：请重新登录后再下载")
        data = make()
        access(cached.engine(), actor.signature, "download", what)
        return data

    if not heavy:
        return checked
    who = actor.username if login else _token()
    return lambda: _one_at_a_time(who, checked)


def download(label: str, make: Callable[[], bytes], *, file_name: str, heavy: bool = False,
             where=st, **kwargs) -> None:
    """A download button (in ``where``) whose file is made on the click by ``make``, through
    ``protected``: the one way every page offers a file."""
    where.download_button(label, data=protected(make, what=file_name, heavy=heavy),
                          file_name=file_name, on_click="ignore", **kwargs)


def current_user() -> Actor:
    """Who is acting: every write is checked against and recorded for this person. Without
    log-in configured (the demo), a local administrator."""
    if auth_mode() == "off":
        return DEMO_ACTOR
    return st.session_state[ACTOR_KEY]


def login_gate() -> None:
    """When log-in is on, stop here until a valid log-in; sessions time out when idle."""
    mode = auth_mode()
    if mode == "off":
        return
    if mode == "oidc":
        oidc_gate()
        return
    engine, token = cached.engine(), browser_token()
    actor = session_actor(engine, token, minutes=session_minutes())  # from the cookie, every run
    if actor is not None:
        st.session_state[ACTOR_KEY] = actor
        with st.sidebar:
            st.caption(f"当前用户：{md(str(actor))}")
            password_form(actor)
            if st.button("退出登录", icon=":material/logout:", key="logout"):
                close_session(engine, token)  # every tab of this browser is logged out
                access(engine, actor.signature, "logout")
                st.session_state.pop(ACTOR_KEY, None)
                st.session_state["logged_out"] = True
                st.rerun()
        return
    st.session_state.pop(ACTOR_KEY, None)
    st.title("湖北省乡村振兴责任制考核看板")
    if st.query_params.get("login") == "failed":
        st.error(REFUSED, icon=":material/block:")
    elif st.session_state.pop("logged_out", False):
        st.info("已退出登录。", icon=":material/logout:")
    elif token:
        st.warning(f"登录已失效（超过 {session_minutes()} 分钟未操作、已在其他页面退出、登录超过 "
                   f"{ABSOLUTE_HOURS} 小时或账号已变更），请重新登录。", icon=":material/timer_off:")
    st.html(login_form(urlsplit(st.context.url or "/").path, st.query_params.to_dict()))
    st.stop()


def login_form(path: str, query: dict[str, str]) -> str:
    """The log-in form: a plain HTML form posted to ``server.py``, which sets the cookie and
    comes back to the page asked for (``path`` and ``query``, less a failed attempt's marker)."""
    rest = urlencode([(k, v) for k, v in query.items() if k != "login"])
    target = html.escape((path or "/") + (f"?{rest}" if rest else ""), quote=True)
    return f"""<form class="rv-login" method="post" action="{LOGIN_ACTION}">
<label for="rv-username">用户名</label>
<input id="rv-username" name="username" autocomplete="username" required autofocus>
<label for="rv-password">密码</label>
<input id="rv-password" name="password" type="password" autocomplete="current-password" required>
<input type="hidden" name="next" value="{target}">
<button type="submit">登录</button>
</form>"""


def password_form(actor: Actor) -> None:
    """修改密码, in the sidebar of every page: the old password, the new one twice."""
    with st.popover("修改密码", icon=":material/password:"), st.form("change_password", clear_on_submit=True):
        old = st.text_input("原密码", type="password")
        new = st.text_input("新密码（至少 10 位，含大小写字母、数字、符号中的三类）", type="password")
        again = st.text_input("再次输入新密码", type="password")
        if st.form_submit_button("保存新密码", icon=":material/save:"):
            try:
                if new != again:
                    raise LoginError("两次输入的新密码不一致")
                change_password(cached.engine(), actor, old, new)
            except LoginError as exc:
                st.error(str(exc), icon=":material/block:")
            else:
                st.success("密码已修改，下次登录使用新密码。", icon=":material/check:")


def oidc_gate() -> None:
    """Log-in through the office's identity provider (Streamlit ``st.login``)."""
    if not st.user.is_logged_in:
        st.title("湖北省乡村振兴责任制考核看板")
        st.info("请使用单位统一身份认证登录。", icon=":material/badge:")
        st.button("统一身份认证登录", on_click=st.login, icon=":material/login:")
        st.stop()
    try:
        actor = actor_for_identity(cached.engine(), st.user.get("email"))
    except LoginError as exc:
        st.error(str(exc), icon=":material/block:")
        st.button("退出", on_click=st.logout)
        st.stop()
    if st.session_state.get(ACTOR_KEY) != actor:  # this session's log-in, recorded once
        access(cached.engine(), actor.signature, "login", "统一身份认证")
    st.session_state[ACTOR_KEY] = actor
    with st.sidebar:
        st.caption(f"当前用户：{md(str(actor))}")
        st.button("退出登录", on_click=lambda: (access(cached.engine(), actor.signature, "logout"), st.logout()),
                  icon=":material/logout:", key="logout")
