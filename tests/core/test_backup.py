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
