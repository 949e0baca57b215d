"""Fault-test helpers: a hash of the whole database, and a process killed mid-write."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from revitalization import store


def snapshot(engine) -> str:
    """A hash of every row of every table: proof that nothing was written."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in sorted(store.SQLModel.metadata.tables):
            rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')).fetchall()
            digest.update(repr(sorted(map(repr, rows))).encode())
    return digest.hexdigest()


@contextmanager
def killed_while_writing(script: str, engine: Engine, folder: Path) -> Iterator[Engine]:
    """Run ``script`` (given the database URL) until it prints ``writing`` inside its open
    transaction, kill it with SIGKILL, and yield a new engine: a restarted process's view."""
    url = engine.url.render_as_string(hide_password=False)
    path = folder / "killed_write.py"
    path.write_text(script, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(path), url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "writing", proc.stderr.read()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    fresh = store.make_engine(url)
    try:
        yield fresh
    finally:
        fresh.dispose()
