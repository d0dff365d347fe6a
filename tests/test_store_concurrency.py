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
