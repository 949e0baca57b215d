"""Backup and restore: one command each; a restore into an empty database holds every row of
every table, and a restore never overwrites data."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import inspect, text

from revitalization import backup, store


def tables(engine) -> dict[str, pd.DataFrame]:
    out = {}
    with engine.connect() as conn:
        for name in sorted(inspect(engine).get_table_names()):
            frame = pd.read_sql(text(f'SELECT * FROM "{name}"'), conn)
            out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


def empty_target(backend, templates, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}"
    name = templates._name("restore")
    templates._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    templates._execute(f'CREATE DATABASE "{name}"')
    return templates._url(name)


def test_a_backup_restores_every_row_of_every_table(seeded_observations, backend, templates, tmp_path):
    from conftest import admin

    from revitalization.notes import add_note

    add_note(seeded_observations, "421321", 2025, "备份测试备注", actor=admin("王五"))
    source = seeded_observations.url.render_as_string(hide_password=False)
    file = backup.save(tmp_path / "备份.bak", source)
    target = empty_target(backend, templates, tmp_path)
    backup.restore(file, target)
    restored = store.make_engine(target)
    try:
        before, after = tables(seeded_observations), tables(restored)
        assert list(after) == list(before) and len(before) >= 10
        for name in before:
            pd.testing.assert_frame_equal(after[name], before[name], check_dtype=False, obj=name)
        assert len(after["observation"]) > 1000
        with pytest.raises(backup.BackupError, match="目标数据库不是空的"):  # never overwrites
            backup.restore(file, target)
        with pytest.raises(backup.BackupError, match="已存在"):
            backup.save(file, source)
    finally:
        restored.dispose()
        if backend == "postgresql":
            templates._execute(f'DROP DATABASE IF EXISTS "{templates._name("restore")}" WITH (FORCE)')


def test_a_sqlite_backup_is_private_while_it_is_written(seeded_observations, tmp_path, monkeypatch):
    """Issue 29 (12): the backup file was world-readable while written (chmod only at the
    end). Whatever the umask, it is 0600 from its first page on."""
    import os
    import stat

    from sqlalchemy import make_url

    from revitalization import backup

    url = seeded_observations.url.render_as_string(hide_password=False)
    if not url.startswith("sqlite"):
        pytest.skip("the SQLite copy (PostgreSQL: pg_dump, below)")
    target = tmp_path / "看板.bak"
    modes = []
    monkeypatch.setattr(backup, "_progress", lambda *a: modes.append(stat.S_IMODE(os.stat(target).st_mode)))
    old = os.umask(0o002)
    try:
        backup.save(target, url)
    finally:
        os.umask(old)
    assert make_url(url).database and modes and set(modes) == {0o600}
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_pg_dump_never_gets_the_password_on_its_command_line(tmp_path, monkeypatch):
    """Issue 29 (12): ``pg_dump`` had the password in its arguments (visible to every user in
    ``ps``). It goes in PGPASSWORD, in the child's environment only; the file is private first."""
    import os
    import stat
    import subprocess

    from revitalization import backup

    seen = {}

    def fake_run(args, **kwargs):
        seen["args"], seen["env"] = args, kwargs.get("env") or {}
        seen["mode"] = stat.S_IMODE(os.stat(tmp_path / "pg.bak").st_mode)
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    monkeypatch.setattr(backup, "_tool", lambda name: f"/usr/bin/{name}")
    backup.save(tmp_path / "pg.bak", "postgresql+psycopg://kanban:S3cret-pw@127.0.0.1:5432/revitalization")
    assert not any("S3cret-pw" in str(a) for a in seen["args"])
    assert "postgresql://kanban@127.0.0.1:5432/revitalization" in seen["args"]
    assert seen["env"]["PGPASSWORD"] == "S3cret-pw" and seen["mode"] == 0o600
