"""The one way a page writes: permission shown before the button exists, the core's refusal
as a Chinese message, a busy database waited for, caches cleared, a confirmation after the
rerun, and a form emptied only once its write is done.

    write_button("发布", lambda: publish(...), done="已发布。",
                 refusal=refusal(actor, "publish"), key="publish")

Every domain error (and ``PermissionDenied``) is a ``ValueError`` whose message names the
field and the reason in Chinese; a missing record is a ``LookupError``. The form's content
stays on the page when a write is refused or the database stays busy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy.exc import OperationalError

from components import cached
from components.state import flash

REFUSED = (ValueError, LookupError)
CLEAR = "_clear_after_write"  # form fields to empty on the run after a successful write
BUSY_TRIES, BUSY_WAIT = 3, 1.5  # a database busy with someone's large import: wait, retry


def run_write(action: Callable[[], Any], *, done: str | Callable[[Any], str],
              refresh: bool = True, after: Callable[[Any], None] | None = None,
              clears: tuple[str, ...] = ()) -> None:
    """Run one write. Refused: show why and leave the page (and the form) as it is. A
    database busy with another write is waited for and retried; if it stays busy the user is
    told and nothing typed is lost. Done: clear the cached data (``refresh``), call ``after``
    with the result, empty the form fields ``clears`` and rerun with the confirmation."""
    for attempt in range(BUSY_TRIES):
        try:
            result = action()
            break
        except REFUSED as exc:
            st.error(str(exc), icon=":material/block:")
            return
        except OperationalError as exc:
            if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
                raise
            if attempt == BUSY_TRIES - 1:
                st.error("数据库正忙（可能有人正在导入大批数据），这次没有保存。填写的内容仍在，"
                         "请稍后再点一次。", icon=":material/hourglass_top:")
                return
            time.sleep(BUSY_WAIT * (attempt + 1))
    if refresh:
        cached.invalidate()
    if after is not None:
        after(result)
    if clears:
        st.session_state[CLEAR] = list(clears)
    flash(done(result) if callable(done) else done)
    st.rerun()


def write_button(label: str, action: Callable[[], Any], *, done: str | Callable[[Any], str],
                 key: str, refusal: str = "", refresh: bool = True,
                 after: Callable[[Any], None] | None = None, **button: Any) -> None:
    """A button that runs one write; disabled, with the reason on hover, when ``refusal``
    (``access.refusal(...)``) says the user may not."""
    if st.button(label, key=key, disabled=bool(refusal), help=refusal or None, **button):
        run_write(action, done=done, refresh=refresh, after=after)


def submit_write(label: str, action: Callable[[], Any], *, done: str | Callable[[Any], str],
                 refusal: str = "", refresh: bool = True,
                 after: Callable[[Any], None] | None = None, clears: tuple[str, ...] = (),
                 **button: Any) -> None:
    """``write_button`` for the submit button of an ``st.form`` (made without
    ``clear_on_submit``, which would empty it even when the write is refused); ``clears``:
    the widget keys to empty once the write is done."""
    if st.form_submit_button(label, disabled=bool(refusal), help=refusal or None, **button):
        run_write(action, done=done, refresh=refresh, after=after, clears=clears)


def clear_finished_forms() -> None:
    """Empty the fields of a form whose write succeeded (the router calls this before the
    page draws its widgets)."""
    for key in st.session_state.pop(CLEAR, []):
        st.session_state.pop(key, None)
