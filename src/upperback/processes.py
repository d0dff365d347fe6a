"""Ending worker processes for sure: the pose pipeline's and the batch pool's."""

from __future__ import annotations

import multiprocessing.process
import time
from collections.abc import Sequence

GRACE_S = 5.0
"""How long a worker gets to end on SIGTERM before it is killed."""


def end_processes(processes: Sequence[multiprocessing.process.BaseProcess], grace_s: float = GRACE_S) -> None:
    """Terminate the processes, give them ``grace_s`` together, then kill those still running.

    SIGKILL is needed where SIGTERM is ignored: a process started from a shell or service that
    ignores it passes that on to every child, and native code may not return to Python soon.
    """
    started = [process for process in processes if process.pid is not None]
    for process in started:
        process.terminate()
    deadline = time.monotonic() + grace_s
    for process in started:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
    for process in started:
        if process.exitcode is None:
            process.kill()
            process.join()
