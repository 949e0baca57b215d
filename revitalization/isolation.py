"""Run one costly, untrusted-input job (the check of an uploaded file) in a child process.

A check of a large workbook is pure Python for seconds; run on the server's script thread it
would hold the interpreter lock and slow every other user's pages. Here it runs in a child
process forked from a ``forkserver`` that has the importer already loaded (a new child costs
tens of milliseconds, not an interpreter start), under a memory cap and a time limit, and at
most ``SLOTS`` at once per server (others wait their turn): the server keeps a core for pages.
A child that crashes, runs out of memory or out of time is killed and reported as a Chinese
message; nothing it did can reach the server's state.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
import traceback
from collections.abc import Callable
from multiprocessing import spawn
from typing import Any

MEMORY_LIMIT = 2 * 2**30  # bytes of address space a child may map
TIMEOUT = 180.0  # seconds for one job
WAIT = 300.0  # seconds a job may wait for a free slot
SLOTS = max(1, (os.cpu_count() or 2) - 1)
PRELOAD = ["revitalization.importer", "revitalization.support_import", "revitalization.report_files"]

_slots = threading.BoundedSemaphore(SLOTS)
_context_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None
_launching = threading.local()
_preparation_data = spawn.get_preparation_data


def _without_main(name: str) -> dict:
    """What a new child is told to prepare, less the main module when ``run`` starts it: the
    server's ``__main__`` is the page script (app.py), which must not run again in a child (it
    would redo the app's start-up, and with log-in on it fails and takes the child down)."""
    data = _preparation_data(name)
    if getattr(_launching, "active", False):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


spawn.get_preparation_data = _without_main


class IsolatedError(RuntimeError):
    """The job could not finish; the message says why, in Chinese."""


def _mp_context() -> multiprocessing.context.BaseContext:
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


def _child(conn, fn: Callable, args: tuple, kwargs: dict, memory: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError):  # a lower hard limit already applies
        pass
    try:
        result = ("ok", fn(*args, **kwargs))
    except MemoryError:
        result = ("memory", "")
    except BaseException:  # noqa: BLE001 - everything goes back to the parent as text
        result = ("error", traceback.format_exc())
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", ""))
    finally:
        conn.close()


def run(fn: Callable[..., Any], *args: Any, timeout: float = TIMEOUT, memory: int = MEMORY_LIMIT,
        **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in a child process; its result, or ``IsolatedError``.

    ``fn`` and its arguments must be picklable (``fn`` a module-level function). An exception
    raised by ``fn`` comes back as a ``RuntimeError`` carrying the child's traceback (for the
    server log; the page shows its reference-number message)."""
    if not _slots.acquire(timeout=WAIT):
        raise IsolatedError("服务器正忙于检查其他上传的文件，请稍后再试。")
    try:
        ctx = _mp_context()
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_child, args=(send, fn, args, kwargs, memory), daemon=True,
                            name="isolated-check")
        _launching.active = True
        try:
            child.start()
        finally:
            _launching.active = False
        send.close()
        try:
            if not receive.poll(timeout):
                raise IsolatedError(f"文件检查超过 {timeout:.0f} 秒仍未完成，已停止。"
                                    "请拆分文件（例如按年度或按市州）后分别上传。")
            try:
                kind, value = receive.recv()
            except EOFError:
                raise IsolatedError("文件检查意外中止（检查进程退出），数据库未作任何修改。"
                                    "请重试；如仍失败，请把文件交给管理员。") from None
        finally:
            receive.close()
            if child.is_alive():
                child.kill()
            child.join(5)
    finally:
        _slots.release()
    if kind == "memory":
        raise IsolatedError(f"文件检查所需内存超过 {memory // 2**20:,} MB 上限，已停止。"
                            "请拆分文件后分别上传。")
    if kind == "error":  # a bug, not bad input: the app's unexpected-error path logs it
        raise RuntimeError(f"isolated job {fn.__module__}.{fn.__qualname__} failed:\n{value}")
    return value
