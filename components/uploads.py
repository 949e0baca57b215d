"""Every uploaded file is checked the same way: in a sandboxed child process
(``isolation.run``: memory cap, time limit, a bounded number at once), once per file and
choices, never on the server's own thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from revitalization import isolation


def checked_upload(key: str, upload, check: Callable[..., Any], *args: Any,
                   choices: tuple = (), **kwargs: Any) -> Any:
    """``check(upload.name, upload.getvalue(), *args, **kwargs)`` run in the sandbox and kept
    in the session under ``key`` while the file and ``choices`` stay the same (a rerun of the
    page does not check the file again). A file the sandbox stops (too large once inflated,
    too slow, crashed) is said in Chinese and the page stops there: nothing was written."""
    marker = (upload.file_id, upload.size, *choices)
    kept = st.session_state.get(key)
    if kept is not None and kept[0] == marker:
        return kept[1]
    try:
        with st.spinner("正在检查文件……", show_time=True):
            result = isolation.run(check, upload.name, upload.getvalue(), *args, **kwargs)
    except isolation.IsolatedError as exc:
        st.error(str(exc), icon=":material/block:")
        st.stop()
    st.session_state[key] = (marker, result)
    return result
