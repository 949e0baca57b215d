"""Hardening of the Streamlit server itself, installed once per process by the router."""

from __future__ import annotations

import logging

from streamlit.runtime.app_session import AppSession

log = logging.getLogger("revitalization")


def _refuse_clear_cache(self: AppSession) -> None:
    """A browser's "clear cache" message (the developer menu's, or forged on the websocket by
    anyone, before log-in too) would empty every cache for every user and make the next pages
    and exports recompute for seconds each: refused and logged. The app clears its own caches
    after every write (``cached.invalidate``); an operator restarts the service."""
    log.warning("已拒绝浏览器发来的清除缓存请求（clear_cache）")


def harden() -> None:
    """Refuse cache clearing from clients (idempotent)."""
    if AppSession._handle_clear_cache_request is not _refuse_clear_cache:
        AppSession._handle_clear_cache_request = _refuse_clear_cache
