"""Shared fixtures: the canonical demo dataset is the tests' fixture too.

Databases are built once per session as templates and copied for each test, so every test
still starts from its own, isolated database:

- SQLite: the template is a file (checkpointed, journal mode DELETE, no ``-wal`` file left)
  copied into the test's ``tmp_path``;
- PostgreSQL (when ``TEST_DATABASE_URL`` is set): the template is a database and each test
  gets ``CREATE DATABASE … TEMPLATE …``, dropped afterwards. Names carry the pytest-xdist
  worker id, so parallel workers never share a database.

Template kinds: ``blank`` (nothing), ``empty`` (tables only), ``reference`` (plus the region registry and the
indicator mirror), ``observations`` (plus the demo observations up to 2024) and ``demo``
(what the quick start's ``python -m revitalization.store demo`` makes, ``store.load_demo``).
"""

from __future__ import annotations

import itertools
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from revitalization import demo, schema, store
from revitalization.access import Actor
from revitalization.config import load_config
from revitalization.engine import assess
from revitalization.regions import load_regions

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# Page tests see a page's exception itself (AppTest.exception), not the app's Chinese
# "参考编号" message; tests of that message unset this.
os.environ.setdefault("REVITALIZATION_RAISE_ERRORS", "1")
ONE_CHROMIUM = pytest.mark.xdist_group("chromium")


def blank_pdf() -> bytes:
    """A real one-page PDF (what an office's "export to PDF" gives, less the text)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = blank_pdf()  # every test that drives a Chromium: one worker


@pytest.fixture(autouse=True)
def _settings_read_afresh():
    """A test that points the settings at its own secrets file leaves no cached copy behind
    (torn down last, after monkeypatch has put the path back)."""
    from revitalization import settings

    yield
    settings._secrets.cache_clear()


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """A plain ``pytest`` runs on two pytest-xdist workers, ``--dist loadgroup``: the tests
    marked ``ONE_CHROMIUM`` share one worker, so one Chromium runs at a time. ``-n 0`` runs
    in one process; ``-n N`` keeps the grouping; an explicit ``--dist`` is kept."""
    option = config.option
    if hasattr(config, "workerinput") or not hasattr(option, "numprocesses"):
        return
    if (option.numprocesses is None and not option.collectonly and not option.usepdb
            and (os.cpu_count() or 1) >= 2):
        option.numprocesses = 2
    if option.numprocesses and option.dist == "no":
        option.dist = "loadgroup"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """Workers parse only the command line: tell them the distribution mode set above."""
    node.workerinput["dist"] = node.config.option.dist


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """In a ``--dist loadgroup`` worker, make sure each grouped test's node id ends in
    ``@group``: that suffix is how the controller learns the group. pytest-xdist 3.8 sets
    it through the legacy ``_nodeid`` attribute, which pytest 9.2 no longer reads
    (pytest-dev/pytest-xdist#1386), so without this the groups are silently ignored."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = {str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                 for m in item.iter_markers("xdist_group")}
        suffix = "@" + "_".join(sorted(names))
        if not names or item.nodeid.endswith(suffix):
            continue
        grouped = item.nodeid + suffix
        try:
            from _pytest.nodeid import coerce_node_id
        except ImportError:  # pytest < 9.2: the attribute xdist itself sets
            item._nodeid = grouped
        else:
            item._id = coerce_node_id(grouped)
        assert item.nodeid == grouped, (item.nodeid, grouped)


def pytest_configure(config):
    config.addinivalue_line("markers", "xdist_group(name): tests that share one pytest-xdist worker")
    if getattr(config, "workerinput", {}).get("dist") == "loadgroup":
        config.option.loadgroup = True  # xdist then suffixes the node ids with "@group"


@pytest.fixture(scope="session")
def config():
    return load_config()


@pytest.fixture(scope="session")
def regions():
    return load_regions()


@pytest.fixture(scope="session")
def observations(config, regions):
    return demo.generate(regions, config)


@pytest.fixture(scope="session")
def assessment(observations, regions, config):
    return assess(observations, regions, config)


def race(save: Callable[[object], object], values: list, refused: type[Exception]) -> list:
    """Run ``save(value)`` for every value at the same moment (threads released together) and
    return the outcomes: each result, or ``"refused"`` where ``refused`` was raised."""
    outcomes: list = []
    start = threading.Barrier(len(values))

    def run(value: object) -> None:
        start.wait()
        try:
            outcomes.append(save(value))
        except refused:
            outcomes.append("refused")

    threads = [threading.Thread(target=run, args=(v,)) for v in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def as_before_migrations(engine: Engine) -> None:
    """Make a store at head look like one the last release before migrations left: no
    alembic_version and none of the tables later migrations add."""
    from sqlalchemy import inspect

    later = set(inspect(engine).get_table_names()) - schema.BASELINE_TABLES
    with engine.begin() as conn:
        for table in sorted(later):
            conn.execute(text(f'DROP TABLE "{table}"'))


def admin(name: str = "管理员") -> Actor:
    """A 省级管理员 named ``name`` (the audit trail records "name（省级管理员）")."""
    return Actor(name, name, "province_admin")


# Databases ------------------------------------------------------------------------------


class Templates:
    """Seeded databases built once per session (lazily, per kind) and copied per test."""

    def __init__(self, folder: Path, config, regions, observations) -> None:
        self.folder = folder
        self.builders: dict[str, Callable[[Engine], None]] = {
            "blank": lambda e: None,
            "empty": schema.upgrade,
            "reference": lambda e: store.setup(e, config, regions),
            "observations": lambda e: (
                store.setup(e, config, regions),
                store.insert_observations(e, observations[observations["year"] <= 2024],
                                          source=store.DEMO_SOURCE)),
            "demo": lambda e: store.load_demo(e, config, regions),
        }
        self.files: dict[str, Path] = {}
        self.pg_url = os.environ.get("TEST_DATABASE_URL")
        self.pg_templates: dict[str, str] = {}
        self.counter = itertools.count(1)
        self._pg_admin: Engine | None = None

    # SQLite: a template file, copied.
    def sqlite_file(self, kind: str) -> Path:
        if kind not in self.files:
            path = self.folder / f"{kind}.db"
            engine = store.make_engine(f"sqlite:///{path}")
            self.builders[kind](engine)
            with engine.connect() as conn:  # fold the WAL into the file before copying
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
            engine.dispose()
            assert not Path(f"{path}-wal").exists()
            self.files[kind] = path
        return self.files[kind]

    def sqlite_copy(self, kind: str, dest: Path) -> str:
        """Copy the ``kind`` template to ``dest``; returns its URL."""
        shutil.copyfile(self.sqlite_file(kind), dest)
        return f"sqlite:///{dest}"

    # PostgreSQL: a template database, cloned.
    def _url(self, database: str) -> str:
        return make_url(self.pg_url).set(database=database).render_as_string(hide_password=False)

    def _admin(self) -> Engine:
        if self._pg_admin is None:
            self._pg_admin = create_engine(self.pg_url, isolation_level="AUTOCOMMIT")
        return self._pg_admin

    def _name(self, suffix: str) -> str:
        return f"{make_url(self.pg_url).database}_{WORKER}_{suffix}".lower()

    def _execute(self, sql: str) -> None:
        with self._admin().connect() as conn:
            conn.execute(text(sql))

    def pg_database(self, kind: str) -> str:
        """A new database cloned from the ``kind`` template; returns its name."""
        if kind not in self.pg_templates:
            name = self._name(f"tpl_{kind}")
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._execute(f'CREATE DATABASE "{name}"')
            engine = store.make_engine(self._url(name))
            self.builders[kind](engine)
            engine.dispose()  # a template must have no open connections
            self.pg_templates[kind] = name
        name = self._name(f"t{next(self.counter)}")
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.pg_templates[kind]}"')
        return name

    def pg_engine(self, kind: str) -> Iterator[Engine]:
        name = self.pg_database(kind)
        engine = store.make_engine(self._url(name))
        try:
            yield engine
        finally:
            engine.dispose()
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        for name in self.pg_templates.values():
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if self._pg_admin is not None:
            self._pg_admin.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory, config, regions, observations) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"), config, regions, observations)
    yield made
    made.close()


def _backends() -> list:
    pg = os.environ.get("TEST_DATABASE_URL")
    return [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres) if pg else
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.skip(
                reason="TEST_DATABASE_URL 未设置 (PostgreSQL not configured)"))]


@pytest.fixture(params=_backends())
def backend(request) -> str:
    """SQLite always; PostgreSQL when ``TEST_DATABASE_URL`` is set."""
    return request.param


def _database(kind: str, backend: str, templates: Templates, tmp_path: Path) -> Iterator[Engine]:
    if backend == "postgresql":
        yield from templates.pg_engine(kind)
        return
    engine = store.make_engine(templates.sqlite_copy(kind, tmp_path / f"{kind}.db"))
    yield engine
    engine.dispose()


@pytest.fixture
def db_engine(backend, templates, tmp_path):
    """A fresh database with the tables but no rows: SQLite, and PostgreSQL when configured."""
    yield from _database("empty", backend, templates, tmp_path)


@pytest.fixture
def blank_engine(backend, templates, tmp_path):
    """A new, empty database (no tables: what an operator creates before ``init``)."""
    yield from _database("blank", backend, templates, tmp_path)


@pytest.fixture
def seeded(backend, templates, tmp_path):
    """A fresh database with the reference tables filled (region registry, indicator
    mirror) and nothing else: no observations, accounts, notes or interviews."""
    yield from _database("reference", backend, templates, tmp_path)


@pytest.fixture
def seeded_observations(backend, templates, tmp_path):
    """``seeded`` plus the demo observations of the years up to 2024 (2025 left free for
    imports), source ``store.DEMO_SOURCE``."""
    yield from _database("observations", backend, templates, tmp_path)


@pytest.fixture(scope="session")
def city_observations(config, regions):
    from revitalization import demo

    return demo.generate_cities(regions, config)


@pytest.fixture(scope="session")
def cities(assessment, city_observations, regions, config):
    from revitalization.cities import assess_cities

    return assess_cities(assessment, city_observations, regions, config)
