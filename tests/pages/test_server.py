"""The server itself resists abuse: no client empties the caches, and expensive documents are
made one at a time per person and a bounded number at once (issue 29, item 8)."""

from __future__ import annotations

import threading

import pytest
import streamlit as st
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.runtime.app_session import AppSession, AppSessionState

from components import login
from components.server import harden


def test_a_forged_clear_cache_message_empties_nothing():
    """The attack: anyone, before log-in, sends ``clear_cache`` on the websocket; the 汇编
    then cost ~20 s and 36 CPU-s per click for everyone. After ``harden`` (the router calls
    it first thing) the message is refused and every cache keeps its entries."""
    runs = []

    @st.cache_resource
    def expensive() -> int:
        runs.append(1)
        return len(runs)

    expensive()
    harden()
    session = object.__new__(AppSession)  # the message handler as the websocket reaches it
    AppSession.handle_backmsg(session, BackMsg(clear_cache=True))
    assert expensive() == 1 and len(runs) == 1  # still cached: not recomputed
    expensive.clear()
    session._state = AppSessionState.SHUTDOWN_REQUESTED  # nothing for its finaliser to shut down


def test_one_heavy_document_at_a_time_per_person_and_per_server(monkeypatch):
    started, release = threading.Event(), threading.Event()

    def slow() -> bytes:
        started.set()
        release.wait(10)
        return b"docx"

    results: dict[str, object] = {}

    def click(who: str, make) -> None:
        try:
            results[who] = login._one_at_a_time(who, make)
        except PermissionError as exc:
            results[who] = str(exc)

    first = threading.Thread(target=click, args=("viewer", slow))
    first.start()
    assert started.wait(10)
    # the same person clicking again while it is being made: refused at once
    with pytest.raises(PermissionError, match="您的上一份文件还在生成"):
        login._one_at_a_time("viewer", lambda: b"again")
    # another person waits for the server's slot, and gives up with a message past the wait
    monkeypatch.setattr(login, "HEAVY_WAIT", 0.2)
    click("other", lambda: b"x")
    assert results["other"] == "服务器正在为其他用户生成文件，请稍后再试"
    release.set()
    first.join(10)
    assert results["viewer"] == b"docx"
    assert login._one_at_a_time("other", lambda: b"now") == b"now"  # the slot is free again
