"""Backup and restore of the whole store, one command each:

    .venv/bin/python -m revitalization.backup save   备份文件
    .venv/bin/python -m revitalization.backup restore 备份文件

The database is the one ``DATABASE_URL`` names (as the app uses). SQLite is copied with its
online backup API (safe while the app runs and writes); PostgreSQL with ``pg_dump`` in its
custom format and ``pg_restore`` (the client tools of the server's major version). A restore
goes into an empty database only (a new SQLite file, or a freshly created PostgreSQL
database): it never overwrites data.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, make_url

from revitalization.store import database_url, make_engine


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why, in Chinese."""


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as libpq understands it (no driver name, no password) and the
    environment for the client tool, with the password in PGPASSWORD: never on a command line,
    where every user of the machine could read it (``ps``)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    address = parsed.set(drivername="postgresql")._replace(password=None)  # set() keeps a None password
    return address.render_as_string(hide_password=False), env


def _private(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only, before anything is written to it
    (a backup holds every record and the password hashes)."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(path, 0o600)  # whatever the umask


def _progress(status: int, remaining: int, total: int) -> None:
    """Called by SQLite between the pages of a backup (a hook for tests)."""


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"未找到 {name}：请安装与数据库服务器相同主版本的 PostgreSQL 客户端工具")
    return found


def save(target: Path, url: str | None = None) -> Path:
    """Write a backup of the database to ``target``."""
    url = url or database_url()
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} 已存在；请换一个文件名，以免覆盖以前的备份")
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = make_url(url).database
        if not source or not Path(source).exists():
            raise BackupError(f"数据库文件 {source} 不存在")
        _private(target)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst, pages=256, progress=_progress)
        return target
    _private(target)  # pg_dump writes into the file as it is: never readable by others
    address, env = _libpq(url)
    run = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                          "--file", str(target), address], capture_output=True, text=True, env=env)
    if run.returncode:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump 失败：{run.stderr.strip()[-500:]}")
    target.chmod(0o600)
    return target


def restore(source: Path, url: str | None = None) -> None:
    """Restore a backup made by ``save`` into the (empty) database ``url``."""
    url = url or database_url()
    source = Path(source)
    if not source.exists():
        raise BackupError(f"备份文件 {source} 不存在")
    engine = make_engine(url)
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(f"目标数据库不是空的（已有 {len(tables)} 张表）；恢复只写入新建的空数据库，"
                          "请先新建数据库并把 DATABASE_URL 指向它")
    if url.startswith("sqlite"):
        database = Path(make_url(url).database)
        if not database.exists():
            _private(database)
        with sqlite3.connect(source) as src, sqlite3.connect(database) as dst:
            src.backup(dst)
        return
    address, env = _libpq(url)
    run = subprocess.run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
                          "--dbname", address, str(source)], capture_output=True, text=True, env=env)
    if run.returncode:
        raise BackupError(f"pg_restore 失败：{run.stderr.strip()[-500:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m revitalization.backup",
                                     description="备份或恢复 DATABASE_URL 指向的数据库")
    parser.add_argument("action", choices=["save", "restore"], help="save 备份；restore 恢复到空数据库")
    parser.add_argument("file", type=Path, help="备份文件")
    args = parser.parse_args(argv)
    try:
        if args.action == "save":
            print(f"已备份到 {save(args.file)}")
        else:
            restore(args.file)
            print(f"已从 {args.file} 恢复")
    except BackupError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
