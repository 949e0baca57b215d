"""The database schema, created and upgraded by Alembic migrations (``revitalization/migrations``).

One step does both (``python -m revitalization.store init``): an empty database gets every table,
an older one the migrations it lacks, a store made before migrations existed is adopted (its
missing tables and indexes made, then stamped at the baseline). The step runs under a lock, so
any number of servers started together initialise a database once; the app itself never changes
the schema, it refuses a database that is not at the current revision and says which command to run.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import SQLModel

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"  # the schema of the last release made without migrations
LOCK_KEY = 7_320_261_207  # PostgreSQL advisory lock: "one initialiser at a time"
VERSION_TABLE = "alembic_version"


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The revision this program's tables are at."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(engine: Engine) -> str | None:
    """The database's revision; None for a database no migration has run on."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


@contextmanager
def exclusive(engine: Engine) -> Iterator[None]:
    """Hold the initialisation lock: a PostgreSQL advisory lock (every server on the database
    sees it), or for SQLite an exclusive lock on a file beside the database."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                conn.commit()
        return
    database = make_url(str(engine.url)).database
    if not database or database == ":memory:":
        yield
        return
    lock = f"{os.path.abspath(database)}.init-lock"
    handle = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        os.close(handle)


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to this program's revision (call under ``exclusive``)."""
    with engine.begin() as conn:
        cfg = _config(conn)
        tables = set(inspect(conn).get_table_names())
        if tables and VERSION_TABLE not in tables:  # a store made before migrations
            _adopt(conn)
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, "head")


def _adopt(conn: Connection) -> None:
    """Bring a store made before migrations to the baseline, as its own start-up used to:
    missing tables made, the unique index on live support records added (where old duplicates
    allow it), and report bytes kept once."""
    SQLModel.metadata.create_all(conn)
    from revitalization.store import SupportRelation, report_bytes_once

    for index in SupportRelation.__table__.indexes:
        try:
            with conn.begin_nested():
                index.create(conn, checkfirst=True)
        except (IntegrityError, OperationalError) as exc:  # old duplicates: kept, said
            logging.getLogger(__name__).warning("索引 %s 未建立（已有重复记录）：%s", index.name, exc)
    report_bytes_once(conn)
