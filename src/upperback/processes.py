"""Worker processes that end for sure: when told to (:func:`end_processes`) and when their parent
dies, however it dies (:func:`exit_with_parent`), for the pose pipeline's and the batch pool's."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import multiprocessing.process
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

GRACE_S = 5.0
"""How long a worker gets to end on SIGTERM before it is killed."""

PARENT_GONE_EXIT_CODE = 70
"""A worker's exit status when it stops because its parent died."""

PARENT_PID_VARIABLE = "UPPERBACK_PARENT_PID"
"""Environment variable naming the parent of a worker started with :mod:`subprocess`."""

_PR_SET_PDEATHSIG = 1
"""``prctl`` option of Linux (``<sys/prctl.h>``): a signal the kernel sends when the parent dies."""

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
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=timeout)
    else:
        process.join(timeout=timeout)


def exit_with_parent() -> None:
    """Call first in a worker process started by :mod:`multiprocessing`: it exits when its parent does.

    A parent killed with SIGKILL (or by the out-of-memory killer) runs no clean-up, so its
    workers must notice by themselves. Two ways, both from the standard library:

    * a daemon thread waits on the parent's sentinel (a pipe the parent holds open; it reads as
      closed once the parent is gone) and exits the process at once, without waiting for queues
      nobody reads any more;
    * on Linux the kernel is also asked to SIGKILL this process when its parent ends
      (``PR_SET_PDEATHSIG``), which works even while native code holds the interpreter. Linux
      ties this to the parent *thread* that started the worker; the pipeline and the pool keep
      that thread waiting for their workers, so it never ends first.

    A parent that dies while the worker is still starting (spawn imports the parent's main
    module first) is noticed here, as soon as the start-up is over.
    """
    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return
    if sys.platform.startswith("linux"):
        _ask_kernel_to_kill_on_parent_death()
    if os.getppid() != parent.pid:  # it died while this process was starting
        os._exit(PARENT_GONE_EXIT_CODE)
    threading.Thread(target=_exit_when_ready, args=(parent.sentinel,), name="exit-with-parent", daemon=True).start()


def exit_with_starting_process() -> None:
    """Call first in a worker started with :mod:`subprocess` (its parent's pid in
    :data:`PARENT_PID_VARIABLE`): it exits when that parent does.

    On Linux the kernel SIGKILLs it when the parent ends (as in :func:`exit_with_parent`);
    elsewhere the worker notices at its next read of the parent's pipe, which ends with the parent.
    """
    expected = os.environ.get(PARENT_PID_VARIABLE)
    if sys.platform.startswith("linux"):
        _ask_kernel_to_kill_on_parent_death()
    if expected is not None and expected.isdigit() and os.getppid() != int(expected):
        os._exit(PARENT_GONE_EXIT_CODE)  # it died while this process was starting


def _ask_kernel_to_kill_on_parent_death() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not glibc/musl: the watching thread still does the job
        pass


def _exit_when_ready(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(PARENT_GONE_EXIT_CODE)
