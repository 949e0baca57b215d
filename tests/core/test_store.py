"""The store: tables, seeding, round trips — on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from revitalization import store


def test_the_demo_is_seeded_once(db_engine, config, regions, observations):
    store.load_demo(db_engine, config, regions)
    first = store.read_observations(db_engine)
    assert len(first) == len(observations)
    assert (first["source"] == store.DEMO_SOURCE).all()
    assert store.read_meta(db_engine)["demo"] == "true"
    store.load_demo(db_engine, config, regions)  # a second start changes nothing
    pd.testing.assert_frame_equal(first, store.read_observations(db_engine))
    expected = observations.sort_values(["adcode", "year", "indicator"]).reset_index(drop=True)
    pd.testing.assert_series_equal(first["value"], expected["value"], check_names=False)


def test_unknown_region_is_refused(db_engine, config, regions):
    store.setup(db_engine, config, regions)
    bad = pd.DataFrame([{"adcode": "999999", "year": 2025, "indicator": "rural_income",
                         "value": 1.0}])
    with pytest.raises(Exception, match="(?i)foreign key|violates"):
        store.insert_observations(db_engine, bad, source="test")
    assert store.read_observations(db_engine).empty


def test_duplicate_observation_is_refused_atomically(db_engine, config, regions):
    store.setup(db_engine, config, regions)
    row = {"adcode": "420527", "year": 2025, "indicator": "rural_income", "value": 1.0}
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        store.insert_observations(db_engine, pd.DataFrame([row, row]), source="test")
    assert store.read_observations(db_engine).empty  # all or nothing


def test_sqlite_file_uses_wal(tmp_path, config, regions):
    engine = store.make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    store.setup(engine, config, regions)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def test_database_url_from_environment(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert store.database_url().startswith("sqlite:///") and "data" in store.database_url()
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@localhost/x")
    assert store.database_url() == "postgresql+psycopg://u@localhost/x"


def test_a_new_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    import stat

    from revitalization.schema import upgrade
    from revitalization.store import make_engine

    path = tmp_path / "sub" / "new.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # password hashes inside
