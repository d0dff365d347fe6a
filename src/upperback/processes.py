"""Ending worker processes for sure: the pose pipeline's and the batch pool's."""

from __future__ import annotations

import multiprocessing.process
import subprocess
import time
from collections.abc import Sequence

GRACE_S = 5.0
"""How long a worker gets to end on SIGTERM before it is killed."""

Process = multiprocessing.process.BaseProcess | subprocess.Popen


def end_processes(processes: Sequence[Process], grace_s: float = GRACE_S) -> None:
    """Terminate the processes, give them ``grace_s`` together, then kill those still running.

    Takes ``multiprocessing`` processes and ``subprocess.Popen`` ones alike. SIGKILL is needed
    where SIGTERM is ignored: a process started from a shell or service that ignores it passes
    that on to every child, and native code may not return to Python soon.
    """
    started = [process for process in processes if process.pid is not None]
    for process in started:
        if _running(process):
            process.terminate()
    deadline = time.monotonic() + grace_s
    for process in started:
        _wait(process, max(0.0, deadline - time.monotonic()))
    for process in started:
        if _running(process):
            process.kill()
            _wait(process, None)


def _running(process: Process) -> bool:
    if isinstance(process, subprocess.Popen):
        return process.poll() is None
    return process.exitcode is None


def _wait(process: Process, timeout: float | None) -> None:
    if isinstance(process, subprocess.Popen):
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
    else:
        process.join(timeout=timeout)
