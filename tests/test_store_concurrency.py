"""Two processes writing one SQLite file at once (the web app and the CLI) lose and corrupt nothing."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, datetime, timedelta

from upperback.store import LoggedSet, open_store

SETS_PER_WRITER = 60


def log_many(url: str, writer: int, start_event) -> None:
    """Open the store (migrating it if needed) and log sets one transaction at a time."""
    start_event.wait()
    with open_store(url) as store:
        session_id = store.start_session(f"writer {writer}")
        began = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(days=writer)
        for index in range(SETS_PER_WRITER):
            store.log_set(
                LoggedSet(
                    performed_at=began + timedelta(seconds=index),
                    exercise_id="bent-over-row",
                    exercise_name="Bent-over row",
                    set_index=index + 1,
                    reps=10,
                    load=10 + writer,
                    load_unit="kg",
                    session_id=session_id,
                    source=f"writer-{writer}",
                )
            )
        store.end_session(session_id)


def test_two_processes_logging_at_once_keep_every_set(tmp_path):
    path = tmp_path / "shared.sqlite3"
    url = f"sqlite:///{path}"
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    writers = [context.Process(target=log_many, args=(url, n, start)) for n in (1, 2)]
    for process in writers:
        process.start()
    start.set()  # both open a brand-new file (and run its migration) at the same moment
    for process in writers:
        process.join(timeout=120)
    assert [p.exitcode for p in writers] == [0, 0]

    with open_store(url) as store:
        sets = store.sets()
        assert len(sets) == 2 * SETS_PER_WRITER
        assert {s.source for s in sets} == {"writer-1", "writer-2"}
        assert all(s.ended_at is not None for s in store.sessions())
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def open_and_write(url: str, start_event, results) -> None:
    """Open a connection to ``url`` the moment ``start_event`` fires and write one row."""
    from sqlalchemy import text

    from upperback.store.db import make_engine, write_engine

    start_event.wait()
    try:
        with write_engine(make_engine(url)).begin() as connection:
            connection.execute(text("CREATE TABLE IF NOT EXISTS probe (x INTEGER)"))
            connection.execute(text("INSERT INTO probe VALUES (1)"))
        results.put("ok")
    except Exception as exc:  # reported to the test, which names it
        results.put(str(exc).splitlines()[0])


def test_processes_opening_a_brand_new_log_at_once_all_get_in(tmp_path):
    """Switching a new SQLite file to WAL takes a lock SQLite does not wait for: without retrying
    it, about 2 % of simultaneous first opens failed with "database is locked"."""
    context = multiprocessing.get_context("fork")
    outcomes: list[str] = []
    for round_index in range(60):
        url = f"sqlite:///{tmp_path / f'new-{round_index}.sqlite3'}"
        start, results = context.Event(), context.Queue()
        openers = [context.Process(target=open_and_write, args=(url, start, results)) for _ in range(4)]
        for process in openers:
            process.start()
        start.set()
        outcomes += [results.get(timeout=60) for _ in openers]
        for process in openers:
            process.join(timeout=60)
    assert [o for o in outcomes if o != "ok"] == []
