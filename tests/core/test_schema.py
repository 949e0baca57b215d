"""Setting a database up: ``init`` (an office's, no data), ``demo``, migrations, the lock, what a
server refuses — on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from revitalization import schema, store
from revitalization.store import Region, StoreError

RELEASES = Path(__file__).parent / "releases"
LATEST = "0002"  # the newest migration (revitalization/migrations/versions/): 0002 correction requests


def differences(engine) -> list:
    """What the database lacks or has beyond the program's tables (Alembic's own comparison)."""
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                SQLModel.metadata)


def test_init_sets_up_an_office_database_with_no_data(blank_engine, config, regions):
    with pytest.raises(StoreError, match="尚未初始化：正式使用请运行 python -m revitalization.store init"):
        store.open_store(blank_engine, config, regions)
    store.setup(blank_engine, config, regions)
    assert schema.current(blank_engine) == schema.head() == LATEST
    assert differences(blank_engine) == []  # the migrations make exactly the program's tables
    assert not store.has_observations(blank_engine)
    assert store.read_city_observations(blank_engine).empty
    assert store.read_meta(blank_engine)["demo"] == "false"  # an office's: never shown as 示例数据
    with Session(blank_engine) as session:
        assert len(session.exec(select(Region)).all()) == 103
        assert session.get(Region, "421321").name == "随县"
    assert not store.reference_differs(blank_engine, regions, config)
    store.open_store(blank_engine, config, regions)  # a server now starts on it
    store.setup(blank_engine, config, regions)  # again (an upgrade with nothing to do): no change
    assert store.read_meta(blank_engine)["demo"] == "false" and not store.has_observations(blank_engine)


def test_the_demo_is_never_loaded_into_an_office_database(blank_engine, config, regions):
    store.setup(blank_engine, config, regions)
    with pytest.raises(StoreError, match="这是正式数据库"):
        store.load_demo(blank_engine, config, regions)
    assert not store.has_observations(blank_engine)
    assert store.read_meta(blank_engine)["demo"] == "false"


def test_a_database_at_another_revision_is_refused_with_the_command(blank_engine, config, regions):
    store.setup(blank_engine, config, regions)
    with blank_engine.begin() as conn:  # as a database of an older program would say
        conn.execute(text("UPDATE alembic_version SET version_num = '0000'"))
    with pytest.raises(StoreError, match=f"结构版本为 0000，本程序需要 {LATEST}：请停止所有服务进程、备份数据库，"
                                         "再运行 python -m revitalization.store init"):
        store.open_store(blank_engine, config, regions)


def test_a_server_brings_an_edited_registry_into_the_store(blank_engine, config, regions):
    store.setup(blank_engine, config, regions)
    edited = regions.copy()
    edited.loc[edited["adcode"] == "421321", "assessment_class"] = "平原型"
    assert store.reference_differs(blank_engine, edited, config)
    store.open_store(blank_engine, config, edited)
    with Session(blank_engine) as session:
        assert session.get(Region, "421321").assessment_class == "平原型"
    assert not store.reference_differs(blank_engine, edited, config)


def test_servers_started_together_initialise_once(backend, templates, tmp_path, config, regions):
    """The issue's race: instances started at once on an empty database. Each setup waits for
    the lock; every one succeeds and the tables are made once."""
    if backend == "postgresql":
        name = templates.pg_database("blank")
        url = templates._url(name)
    else:
        url = f"sqlite:///{tmp_path / 'race.db'}"
    engines = [store.make_engine(url) for _ in range(3)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(engines))

    def start(engine) -> None:
        try:
            barrier.wait(timeout=60)
            store.setup(engine, config, regions)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(e,), daemon=True) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)  # a deadlock fails the test instead of hanging the suite
    try:
        assert not any(t.is_alive() for t in threads), "initialisers deadlocked"
        assert errors == []
        assert schema.current(engines[0]) == schema.head()
        with engines[0].connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM region")).scalar() == 103
    finally:
        for e in engines:
            e.dispose()
        if backend == "postgresql":
            templates._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_store_of_the_last_release_without_migrations_is_adopted(tmp_path, config, regions):
    """A store as release 326aed3 left it (its exact SQLite schema, some records, no
    alembic_version): a server refuses it until ``init`` upgrades it; nothing is lost."""
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((RELEASES / "326aed3_sqlite.sql").read_text(encoding="utf-8"))
        conn.execute("INSERT INTO region VALUES ('421321','随县','随县','421300','随州市','县',1,'丘陵山区型')")
        conn.execute("INSERT INTO indicator VALUES ('rural_income','农村居民人均可支配收入','industry','元','up')")
        conn.execute("INSERT INTO observation (adcode, year, indicator, value, status, source) "
                     "VALUES ('421321', 2025, 'rural_income', 18765.4, 'reported', '导入')")
        conn.execute("INSERT INTO meta VALUES ('demo', 'true')")
    engine = store.make_engine(f"sqlite:///{path}")
    try:
        with pytest.raises(StoreError, match="由旧版本程序建立，需要升级"):
            store.open_store(engine, config, regions)
        store.load_demo(engine, config, regions)  # what the quick start runs: upgrade, then top-ups
        assert schema.current(engine) == LATEST
        assert differences(engine) == []
        obs = store.read_observations(engine)
        assert obs.query("adcode == '421321' and year == 2025")["value"].tolist() == [18765.4]
        assert len(obs) == 1  # a store with observations is never seeded again
        store.open_store(engine, config, regions)
    finally:
        engine.dispose()


def test_every_migration_upgrades_a_store_with_records(tmp_path, config, regions):
    """From the baseline (the last release) to head with records in it: every later migration
    keeps what is stored and ends at exactly the program's tables."""
    from alembic import command

    engine = store.make_engine(f"sqlite:///{tmp_path / 'step.db'}")
    try:
        with engine.begin() as conn:
            command.upgrade(schema._config(conn), schema.BASELINE)
        store.sync_reference(engine, regions, config)
        store.insert_observations(engine, pd.DataFrame(
            [{"adcode": "421321", "year": 2025, "indicator": "rural_income", "value": 18765.4}]), source="导入")
        store.setup(engine, config, regions)
        assert schema.current(engine) == schema.head()
        assert differences(engine) == []
        assert store.read_observations(engine)["value"].tolist() == [18765.4]
    finally:
        engine.dispose()


def test_init_status_and_check_commands(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'office.db'}")
    monkeypatch.delenv("REVITALIZATION_AUTH", raising=False)
    assert store.main(["check"]) == 2
    assert "尚未初始化" in capsys.readouterr().err
    assert store.main(["init"]) == 0
    out = capsys.readouterr().out
    assert f"已初始化：sqlite:///{tmp_path / 'office.db'}（结构版本 {LATEST}）" in out
    assert "下一步：启用登录" in out and "下一步：创建第一个省级管理员" in out
    assert store.main(["check"]) == 2  # an office's data without log-in: refused before start
    assert "没有启用登录，看板拒绝启动" in capsys.readouterr().err
    monkeypatch.setenv("REVITALIZATION_AUTH", "local")
    assert store.main(["check"]) == 0
    assert store.main(["status"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"结构版本：{LATEST}", "数据：正式数据", "观测值：0 条（尚未导入）", "可用的省级管理员账号：0 个"]
    assert store.main(["demo"]) == 2
    assert "这是正式数据库" in capsys.readouterr().err


def test_the_quick_start_command_loads_the_demo(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("REVITALIZATION_AUTH", raising=False)
    assert store.main(["demo"]) == 0
    assert store.main(["demo"]) == 0  # again: nothing is seeded twice
    engine = store.make_engine(url)
    assert len(store.read_observations(engine)) == 22258
    assert store.read_meta(engine)["demo"] == "true"
    engine.dispose()


def test_a_postgresql_password_never_reaches_the_output(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://office:S3cr%40t@127.0.0.1:1/none?connect_timeout=1")
    assert store.main(["init"]) == 2
    err = capsys.readouterr().err
    assert "无法连接数据库 postgresql+psycopg://office:***@127.0.0.1:1/none" in err
    assert "S3cr" not in err


def test_a_secrets_file_others_can_read_is_warned_about(tmp_path, monkeypatch, capsys):
    from revitalization import settings

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('login_mode = "local"\n', encoding="utf-8")
    secrets.chmod(0o644)
    monkeypatch.setattr(settings, "SECRETS", secrets)
    settings._secrets.cache_clear()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    store.main(["status"])
    assert f"警告：{secrets} 的权限为 644，本机其他用户可以读取" in capsys.readouterr().err
    secrets.chmod(0o600)
    store.main(["status"])
    assert "警告" not in capsys.readouterr().err


def test_a_changed_table_gets_its_migration_written(tmp_path):
    """The maintainer's command: after a column is added to a table, the next numbered migration
    adds exactly that column (here into a copy of the migrations)."""
    import shutil

    import sqlalchemy as sa

    from revitalization.store import Meta

    location = tmp_path / "migrations"
    shutil.copytree(schema.MIGRATIONS, location, ignore=shutil.ignore_patterns("__pycache__"))
    column = sa.Column("note", sa.String(20), nullable=True)
    Meta.__table__.append_column(column)
    try:
        written = schema.new_revision("meta note", location)
    finally:
        Meta.__table__._columns.remove(column)
    assert written.name.startswith(f"{int(LATEST) + 1:04d}_")
    body = written.read_text(encoding="utf-8")
    assert f"down_revision: str | None = '{LATEST}'" in body
    assert "batch_op.add_column(sa.Column('note', sa.String(length=20), nullable=True))" in body
    assert body.count("add_column") == 1 and "create_table" not in body


def test_the_baseline_tables_are_the_last_release_s():
    """Adoption makes only the baseline's tables (a later table comes from its migration, which
    would fail on a table already made)."""
    release = (RELEASES / "326aed3_sqlite.sql").read_text(encoding="utf-8")
    assert schema.BASELINE_TABLES == set(re.findall(r"^CREATE TABLE (\w+)", release, re.M))
