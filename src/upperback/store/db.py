"""Where the training log lives and how to connect to it.

The default is a SQLite file in the user's data directory (``platformdirs``);
``UPPERBACK_DATA_DIR`` moves that directory (tests use a temporary one) and
``UPPERBACK_DATABASE_URL`` replaces the whole thing with any SQLAlchemy URL,
e.g. ``postgresql+psycopg://user@localhost/upperback``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from importlib.util import find_spec
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from upperback.errors import UpperbackError

DATA_DIR_ENV = "UPPERBACK_DATA_DIR"
DATABASE_URL_ENV = "UPPERBACK_DATABASE_URL"
SQLITE_FILE_NAME = "upperback.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a writer waits for another writer (the web app, a second CLI) before giving up."""
WAL_RETRY_S = 0.02
"""Pause between attempts to switch a new database file to WAL (see ``_switch_to_wal``)."""


def data_dir() -> Path:
    """The directory holding the default database (created on demand)."""
    configured = os.environ.get(DATA_DIR_ENV)
    path = Path(configured).expanduser() if configured else Path(platformdirs.user_data_dir("upperback"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(url: str | None = None) -> URL:
    """The URL to use: ``url``, else ``$UPPERBACK_DATABASE_URL``, else the default SQLite file.

    A bare ``postgresql://`` URL is given the psycopg (version 3) driver when psycopg2 is absent.
    """
    text = url or os.environ.get(DATABASE_URL_ENV)
    if not text:
        return URL.create("sqlite", database=str(data_dir() / SQLITE_FILE_NAME))
    try:
        parsed = make_url(text)
    except Exception as exc:  # SQLAlchemy raises ArgumentError with a terse message
        raise UpperbackError(
            f"The database URL '{text}' is not valid ({exc}). "
            "Use e.g. sqlite:////path/to/log.sqlite3 or postgresql+psycopg://user@host/dbname."
        ) from None
    if parsed.drivername == "postgresql" and find_spec("psycopg2") is None and find_spec("psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL | None = None) -> Engine:
    """An engine for ``url`` (see :func:`database_url`), with SQLite tuned for several writers.

    SQLite connections use WAL journaling (readers never block the writer), a busy timeout,
    enforced foreign keys, and ``BEGIN IMMEDIATE`` for write transactions (see
    :func:`write_engine`), so that two processes writing at once queue instead of failing.
    """
    resolved = url if isinstance(url, URL) else database_url(url)
    if resolved.get_backend_name() != "sqlite":
        return create_engine(resolved, pool_pre_ping=True)
    if resolved.database and resolved.database != ":memory:":
        Path(resolved.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(resolved, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def write_engine(engine: Engine) -> Engine:
    """The same engine, marked so that SQLite transactions take the write lock up front."""
    return engine.execution_options(sqlite_begin="IMMEDIATE")


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (the pysqlite driver's own
    # transaction handling would defer it and break BEGIN IMMEDIATE).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _switch_to_wal(cursor) -> None:
    """``PRAGMA journal_mode = WAL``, retried while another connection holds the lock.

    Switching a new database file to WAL needs a lock that SQLite does not wait for (its busy
    handler is skipped to avoid a deadlock), so two processes opening a brand-new log at the same
    moment made one fail with "database is locked" (68 of 1,200 opens by four processes at once
    in a probe). Once the file is in WAL mode the pragma is a no-op and returns at once.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_S)


def _begin_sqlite_transaction(connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")
