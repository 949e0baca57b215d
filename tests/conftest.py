"""Shared fixtures: the canonical demo dataset is the tests' fixture too."""

from __future__ import annotations

import os

import pytest

from revitalization import demo, store
from revitalization.access import Actor
from revitalization.config import load_config
from revitalization.engine import assess
from revitalization.regions import load_regions


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


def _database_urls() -> list:
    urls = [pytest.param("sqlite://", id="sqlite")]
    pg = os.environ.get("TEST_DATABASE_URL")
    urls.append(pytest.param(pg, id="postgresql", marks=pytest.mark.postgres) if pg else
                pytest.param(None, id="postgresql", marks=pytest.mark.skip(
                    reason="TEST_DATABASE_URL 未设置 (PostgreSQL not configured)")))
    return urls


@pytest.fixture(params=_database_urls())
def db_engine(request):
    """A fresh, empty database: in-memory SQLite, and PostgreSQL when configured."""
    engine = store.make_engine(request.param)
    store.SQLModel.metadata.drop_all(engine)
    store.create_db_and_tables(engine)
    yield engine
    store.SQLModel.metadata.drop_all(engine)
    engine.dispose()


def admin(name: str = "管理员") -> Actor:
    """A 省级管理员 named ``name`` (the audit trail records "name（省级管理员）")."""
    return Actor(name, name, "province_admin")
