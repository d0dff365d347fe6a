"""Alembic environment: migrates the engine handed over by ``upperback.store.migrate``."""

from __future__ import annotations

from alembic import context

from upperback.store import analysis_jobs, sign_ins  # noqa: F401  (their tables are part of the schema)
from upperback.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run migrations through upperback.store.migrate, which passes the engine")
    # One transaction for the version check and every step: with SQLite's BEGIN IMMEDIATE,
    # a second process opening the store at the same moment waits, then finds the work done.
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; pass a database")
run_migrations_online()
