"""The store against a real PostgreSQL server started for these tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from pg_server import create_database, postgres_server, unavailable_reason
from upperback.store import LoggedSet, migrate, open_store

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))


@pytest.fixture(scope="module")
def server():
    with postgres_server() as url:
        yield url


@pytest.fixture
def database_url(server, request):
    return create_database(server, f"upperback_{request.node.name[:40].lower()}")


def test_migrations_run_up_and_down_on_postgres(database_url):
    with open_store(database_url) as store:
        assert store.engine.dialect.name == "postgresql"
        assert migrate.current_revision(store.engine) == migrate.head_revision()
        store.log_set(
            LoggedSet(
                performed_at=datetime(2025, 2, 1, 9, tzinfo=UTC),
                exercise_id="cat-cow",
                exercise_name="Cat-cow",
                reps=10,
            )
        )
        migrate.downgrade(store.engine, "base")
        assert set(inspect(store.engine).get_table_names()) == {"alembic_version"}
        migrate.upgrade(store.engine)
        assert store.count_sets() == 0


def test_sets_sessions_profile_and_plans_round_trip_on_postgres(database_url):
    began = datetime(2025, 2, 3, 17, 45, tzinfo=UTC)
    with open_store(database_url) as store:
        session_id = store.start_session("Evening", started_at=began)
        logged = [
            LoggedSet(
                performed_at=began + timedelta(minutes=i),
                exercise_id="reverse-fly",
                exercise_name="Bent-over reverse fly",
                variant_id="dumbbell-reverse-fly",
                set_index=i + 1,
                reps=12,
                load=5.0,
                load_unit="kg",
                rpe=7.5,
                session_id=session_id,
            )
            for i in range(3)
        ]
        ids = store.log_sets(logged)
        assert store.log_sets(logged) == ids  # idempotent on PostgreSQL too
        store.save_profile({"goal": "posture"})
        store.save_plan({"weeks": 4}, "Starter")
    with open_store(database_url) as reopened:
        assert [replace(s, id=None) for s in reopened.sets()] == logged
        assert reopened.load_profile() == {"goal": "posture"}
        assert reopened.latest_plan()[1] == {"weeks": 4}


def test_import_and_json_round_trip_between_postgres_and_sqlite(database_url, tmp_path):
    from zoneinfo import ZoneInfo

    from upperback.logbook.importer import import_file
    from upperback.logbook.json_io import write_json

    samples = Path(__file__).parent / "data" / "logbook"
    zone = ZoneInfo("Europe/Berlin")
    with open_store(database_url) as postgres:
        for sample in ("strong_classic.csv", "hevy_lbs.csv"):
            import_file(postgres, samples / sample, zone=zone)
        assert import_file(postgres, samples / "strong_classic.csv", zone=zone).outcome.sets_added == 0
        write_json(postgres, tmp_path / "from_postgres.json")
        expected = [replace(s, id=None, session_id=None) for s in postgres.sets()]
    with open_store(f"sqlite:///{tmp_path / 'copy.sqlite3'}") as sqlite:
        import_file(sqlite, tmp_path / "from_postgres.json", zone=zone)
        assert [replace(s, id=None, session_id=None) for s in sqlite.sets()] == expected


def test_sets_logged_at_the_same_moment_are_numbered_one_to_n_on_postgres(database_url):
    from concurrent.futures import ThreadPoolExecutor

    day = datetime(2025, 2, 5, tzinfo=UTC)
    with open_store(database_url) as store:

        def log(minute: int) -> int:
            return store.log_next_set(
                LoggedSet(
                    performed_at=day + timedelta(minutes=minute),
                    exercise_id="cat-cow",
                    exercise_name="Cat-cow",
                    reps=10,
                ),
                since=day,
                until=day + timedelta(days=1),
            ).set_index

        with ThreadPoolExecutor(max_workers=8) as pool:
            numbers = sorted(pool.map(log, range(8)))
    assert numbers == list(range(1, 9))
