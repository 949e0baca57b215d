"""Page state in one place: widgets kept in the URL, confirmations that survive a rerun,
and the version of a record a user is editing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

T = TypeVar("T")


def url_widget(param: str, key: str, options: list[T], default: T, draw: Callable[[], T | None],
               *, encode: Callable[[T], str] = str) -> T:
    """Draw a widget (``draw``, keyed ``key``) whose value is kept in the URL as ``?param=``,
    so a view can be sent as a link; returns its value (``default`` when it has none).

    The URL wins on a fresh session and when it changed since this page last wrote it (a
    followed link, e.g. a map click opening ``?county=…``); otherwise the widget keeps the
    user's choice. ``encode`` spells an option in the URL.
    """
    raw = st.query_params.get(param)
    from_url = next((o for o in options if encode(o) == raw), None) if raw is not None else None
    written = f"_url_{key}"
    if key not in st.session_state or st.session_state[key] not in options:
        st.session_state[key] = default if from_url is None else from_url
    elif raw is not None and raw != st.session_state.get(written) and from_url is not None:
        st.session_state[key] = from_url
    value = draw()
    value = default if value is None else value
    st.query_params[param] = st.session_state[written] = encode(value)
    return value


def url_flag(value: bool) -> str:
    """A yes/no option in the URL: ``1`` / ``0``."""
    return "1" if value else "0"


_FLASH = "_flash"


def flash(message: str) -> None:
    """A confirmation to show after the rerun that follows a write (see ``show_flash``)."""
    st.session_state[_FLASH] = message


def show_flash() -> None:
    """Show the pending confirmation, once, where the page calls this."""
    message = st.session_state.pop(_FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


class VersionedEdit:
    """The version of a record this user read, kept until they save or reload.

    The core refuses a save that names an older version than the store's (someone else
    saved in between), so nothing is silently overwritten; this keeps, per user, which
    version their form shows, and the keys of that form's widgets, so a reload drops both.
    """

    def __init__(self, kind: str, record_id: int, current: int) -> None:
        self.prefix = f"_edit_{kind}_{record_id}_"
        self.current = int(current)
        st.session_state.setdefault(self.prefix + "read", self.current)

    @property
    def read(self) -> int:
        """The version this user's form was filled from."""
        return int(st.session_state[self.prefix + "read"])

    @property
    def stale(self) -> bool:
        """Someone else saved a newer version since this user read it."""
        return self.read != self.current

    def key(self, field: str) -> str:
        """The widget key of one field of this record's form."""
        return self.prefix + field

    def adopt(self, version: int, *, reset: tuple[str, ...] = ()) -> None:
        """After this user's own write: their form now stands for ``version``; the fields in
        ``reset`` are drawn afresh (e.g. choices that depend on the new state)."""
        st.session_state[self.prefix + "read"] = int(version)
        for field in reset:
            st.session_state.pop(self.key(field), None)

    def catch_up(self, _result: object = None) -> None:
        """After this user's own change that bumps the version (a task, a delete): their form
        stands for whatever version the store holds at the next draw."""
        st.session_state.pop(self.prefix + "read", None)

    def reload(self) -> None:
        """Forget what this user read and typed: the form shows the store's version."""
        for k in [k for k in st.session_state if str(k).startswith(self.prefix)]:
            del st.session_state[k]
