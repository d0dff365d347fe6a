"""Alembic migrations: up and down on an empty and on a populated database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from upperback.store import LoggedSet, analysis_jobs, migrate, open_store, sign_ins  # noqa: F401  (the web app's tables are part of the schema too)
from upperback.store.db import make_engine
from upperback.store.tables import Base

LOG_TABLES = {"profile", "plans", "training_sessions", "sets", "form_analyses", "import_batches", "exercise_aliases"}
ALL_TABLES = set(Base.metadata.tables)


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    yield engine
    engine.dispose()


def tables(engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_creates_every_table_and_downgrade_removes_them(engine):
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert LOG_TABLES <= tables(engine) == ALL_TABLES
    assert migrate.current_revision(engine) == migrate.head_revision()
    migrate.downgrade(engine, "base")
    assert tables(engine) == set()
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert tables(engine) == ALL_TABLES


def test_migrations_match_the_models(engine):
    migrate.upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_down_and_up_on_a_populated_database_leaves_a_working_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    when = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
    with open_store(url) as store:
        session_id = store.start_session("Morning", started_at=when)
        store.log_sets(
            [
                LoggedSet(
                    performed_at=when,
                    exercise_id="bent-over-row",
                    exercise_name="Bent-over row",
                    set_index=i,
                    reps=10,
                    load=14,
                    load_unit="kg",
                    session_id=session_id,
                )
                for i in (1, 2, 3)
            ]
        )
        store.save_profile({"name": "A"})
        store.save_plan({"weeks": 4}, "Starter")
        assert store.count_sets() == 3
        migrate.downgrade(store.engine, "base")
        assert tables(store.engine) == set()
        migrate.upgrade(store.engine)
        assert store.count_sets() == 0
        store.log_set(LoggedSet(performed_at=when, exercise_id="cat-cow", exercise_name="Cat-cow", reps=8))
        assert [s.exercise_id for s in store.sets()] == ["cat-cow"]
    with open_store(url) as reopened:  # opening an up-to-date database migrates nothing and loses nothing
        assert reopened.count_sets() == 1
