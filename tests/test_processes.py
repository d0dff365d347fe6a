"""Worker processes end for sure, even those that ignore SIGTERM, and when their parent is killed."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import psutil

from upperback.processes import end_processes, exit_with_parent


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


def still_running(pid: int) -> bool:
    """Alive and not a zombie (an ended process its new parent has not reaped yet)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_until_ended(pids: list[int], timeout_s: float) -> list[int]:
    """The pids still running after ``timeout_s`` (empty when all ended in time)."""
    deadline = time.monotonic() + timeout_s
    while (left := [pid for pid in pids if still_running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def worker_that_sleeps(watch_parent: bool) -> None:
    if watch_parent:
        exit_with_parent()
    time.sleep(60)


def parent_of_a_worker(watch_parent: bool, pids) -> None:
    worker = multiprocessing.get_context("spawn").Process(target=worker_that_sleeps, args=(watch_parent,))
    worker.start()
    pids.put(worker.pid)
    time.sleep(60)


def _orphan(watch_parent: bool) -> int:
    """Start a parent that starts a worker, SIGKILL the parent; the worker's pid."""
    context = multiprocessing.get_context("spawn")
    pids = context.Queue()
    parent = context.Process(target=parent_of_a_worker, args=(watch_parent, pids))
    parent.start()
    worker_pid = pids.get(timeout=60)
    time.sleep(1.0)  # the worker is past its start-up
    os.kill(parent.pid, signal.SIGKILL)
    parent.join()
    return worker_pid


def test_a_worker_ends_when_its_parent_is_killed():
    worker = _orphan(watch_parent=True)
    assert wait_until_ended([worker], timeout_s=5.0) == []


def test_without_watching_its_parent_a_worker_is_left_behind():
    """The control: what the review found before workers watched their parent."""
    worker = _orphan(watch_parent=False)
    try:
        assert wait_until_ended([worker], timeout_s=2.0) == [worker]
    finally:
        os.kill(worker, signal.SIGKILL)
