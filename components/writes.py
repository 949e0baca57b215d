"""The one way a page writes: permission shown before the button exists, the core's refusal
as a Chinese message, caches cleared, a confirmation after the rerun.

    write_button("发布", lambda: publish(...), done="已发布。",
                 refusal=refusal(actor, "publish"), key="publish")

Every domain error (and ``PermissionDenied``) is a ``ValueError`` whose message names the
field and the reason in Chinese; a missing record is a ``LookupError``. The form's content
stays on the page when a write is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from components import cached
from components.state import flash

REFUSED = (ValueError, LookupError)


def run_write(action: Callable[[], Any], *, done: str | Callable[[Any], str],
              refresh: bool = True, after: Callable[[Any], None] | None = None) -> None:
    """Run one write. Refused: show why and leave the page as it is. Done: clear the cached
    data (``refresh``; not needed for records nothing cached reads), call ``after`` with the
    result, and rerun with the confirmation ``done`` (or ``done(result)``)."""
    try:
        result = action()
    except REFUSED as exc:
        st.error(str(exc), icon=":material/block:")
        return
    if refresh:
        cached.invalidate()
    if after is not None:
        after(result)
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
                 after: Callable[[Any], None] | None = None, **button: Any) -> None:
    """``write_button`` for the submit button of an ``st.form``."""
    if st.form_submit_button(label, disabled=bool(refusal), help=refusal or None, **button):
        run_write(action, done=done, refresh=refresh, after=after)
