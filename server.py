"""The server: the app (``app.py``) plus what Streamlit itself cannot serve, the log-in form's
POST, which sets the session cookie. Start it with ``streamlit run server.py`` (``tasks.py
run`` and the systemd unit do).

The password is checked here, in a plain HTTP request, so the browser can be given an
HttpOnly, SameSite=Strict cookie holding a random token (``revitalization.sessions``); the
pages then know the user from that cookie alone. A refresh or a copied deep link keeps the
log-in, and a Streamlit session id is worth nothing without the cookie.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from revitalization import store
from revitalization.accounts import LoginError, auth_mode, authenticate
from revitalization.sessions import ABSOLUTE_HOURS, COOKIE, open_session

LOGIN_PATH = "/session/login"


@lru_cache(maxsize=1)
def _engine():
    return store.make_engine()


def local_target(value: str) -> str:
    """Where to go after log-in: a path of this site only (an open redirect never)."""
    parts = urlsplit(value or "/")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//") \
            or "\\" in value:
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def client_address(request: Request) -> str:
    """The browser's address: the proxy's X-Real-IP when the request comes from a proxy on this
    machine (the README's nginx sets it), else the peer itself. Failed log-ins are counted per
    account and address, so behind the proxy every user must not share 127.0.0.1."""
    peer = request.client.host if request.client else ""
    forwarded = request.headers.get("x-real-ip", "").strip()
    return forwarded[:64] if forwarded and peer in ("127.0.0.1", "::1") else peer


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https" \
        or request.headers.get("origin", "").startswith("https://")


async def log_in(request: Request) -> Response:
    if auth_mode() != "local":
        return PlainTextResponse("未启用本地账号登录", status_code=404)
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host"):  # a form on another site
        return PlainTextResponse("登录请求来自其他网站，已拒绝", status_code=403)
    form = await request.form()
    target = local_target(str(form.get("next", "/")))
    source = f"来自 {client_address(request)}"
    try:
        actor = await run_in_threadpool(authenticate, _engine(), str(form.get("username", "")),
                                        str(form.get("password", "")), source=source)
    except LoginError:
        separator = "&" if "?" in target else "?"
        return RedirectResponse(target + separator + urlencode({"login": "failed"}), status_code=303)
    token = await run_in_threadpool(open_session, _engine(), actor, source=source)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, token, max_age=ABSOLUTE_HOURS * 3600, path="/", httponly=True,
                        samesite="strict", secure=_secure(request))
    return response


app = st.App("app.py", routes=[Route(LOGIN_PATH, log_in, methods=["POST"])])
