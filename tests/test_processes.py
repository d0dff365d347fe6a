"""Worker processes end for sure, even those that ignore SIGTERM."""

from __future__ import annotations

import multiprocessing
import signal
import time

from upperback.processes import end_processes


def sleep_ignoring_sigterm(ready) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(60)


def sleep() -> None:
    time.sleep(60)


def test_a_process_that_ignores_sigterm_is_killed_after_the_grace_period():
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    stubborn = context.Process(target=sleep_ignoring_sigterm, args=(ready,))
    polite = context.Process(target=sleep)
    never_started = context.Process(target=sleep)
    stubborn.start()
    polite.start()
    assert ready.wait(timeout=30)

    started = time.monotonic()
    end_processes([stubborn, polite, never_started], grace_s=1.0)

    assert time.monotonic() - started < 10
    assert polite.exitcode == -signal.SIGTERM
    assert stubborn.exitcode == -signal.SIGKILL
    assert never_started.exitcode is None  # nothing to end
    assert multiprocessing.active_children() == []
