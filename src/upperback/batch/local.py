"""The local engine: a pool of spawned processes on this machine, one video per process at a time."""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from upperback.batch.video_job import FAILED, Job, JobOutcome, crashed
from upperback.batch.worker import prepare_worker, run_job
from upperback.processes import end_processes, exit_with_parent

JobFunction = Callable[[Job], JobOutcome]


def available_cores() -> int:
    """CPU cores this process may use (its affinity mask, not the machine's total)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class LocalEngine:
    """Runs jobs in a process pool sized to the cores; each worker loads the pose model once.

    A worker that dies (killed, out of memory, a crash in native code) breaks the pool. The
    jobs it was running are then run again one at a time in a fresh pool, so the video that
    kills its worker is found and recorded, and the others still get analysed.

    Parameters
    ----------
    workers
        Processes (default: one per available core).
    job_function
        What a worker runs for each job (a module-level function; the default is ``run_job``).
    """

    name = "local"

    def __init__(self, workers: int | None = None, job_function: JobFunction = run_job) -> None:
        self.workers = workers or available_cores()
        self.job_function = job_function

    def run(self, jobs: Sequence[Job]) -> Generator[JobOutcome, None, None]:
        """Yield each job's outcome as it finishes. Closing the iterator stops the workers."""
        queue = deque(jobs)
        suspects: set[str] = set()  # keys of jobs that were running when a worker died
        running: dict[Future[JobOutcome], Job] = {}
        pool: ProcessPoolExecutor | None = None
        finished = False
        try:
            while queue or running:
                if pool is None:
                    pool = _new_pool(min(self.workers, len(queue) + len(running)))
                while queue and len(running) < self.workers and _may_start(queue[0], running, suspects):
                    try:
                        future = pool.submit(self.job_function, queue[0])
                    except BrokenProcessPool:  # a worker died while idle
                        break
                    running[future] = queue.popleft()
                if not running:
                    pool.shutdown(wait=True)
                    pool = None
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                if any(isinstance(future.exception(), BrokenProcessPool) for future in done):
                    wait(running)  # a broken pool fails every running job at once
                    done = set(running)
                broken: list[Job] = []
                for future in done:
                    job = running.pop(future)
                    error = future.exception()
                    if isinstance(error, BrokenProcessPool):
                        broken.append(job)
                        continue
                    suspects.discard(job.key)
                    yield future.result() if error is None else _failed(job, error)
                if broken:
                    pool.shutdown(wait=True)
                    pool = None
                    if len(broken) == 1:
                        suspects.discard(broken[0].key)
                        yield crashed(broken[0], "the process was terminated abruptly")
                    else:
                        suspects.update(job.key for job in broken)
                        queue.extendleft(reversed(broken))
            finished = True
        finally:
            if pool is not None:
                if finished:
                    pool.shutdown(wait=True)
                else:
                    _stop_now(pool)


def _failed(job: Job, error: BaseException) -> JobOutcome:
    """The outcome of a job whose result never came back (e.g. it could not be pickled)."""
    return JobOutcome(
        job.key,
        kind=FAILED,
        error=f"Internal error ({type(error).__name__}: {error}).",
        detail="".join(traceback.format_exception(error)),
    )


def _may_start(job: Job, running: dict[Future[JobOutcome], Job], suspects: set[str]) -> bool:
    """Suspects of a crash run alone, so a second crash points at one video."""
    if not running:
        return True
    return job.key not in suspects and not any(other.key in suspects for other in running.values())


def _new_pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(
        max_workers=max(1, workers),
        mp_context=multiprocessing.get_context("spawn"),  # mediapipe dislikes fork
        initializer=_start_worker,
    )


def _start_worker() -> None:
    """Pool worker start-up: end with the parent; Ctrl-C is the parent's business; load the pose model once."""
    exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prepare_worker()


def _stop_now(pool: ProcessPoolExecutor) -> None:
    """Drop queued jobs and end the workers now; their half-written files stay temporary.

    The workers are ended first and the pool shut down after, waiting for its manager thread:
    that thread reaps the dead workers, and until it has, they still look alive to this process.
    """
    end_processes(list((getattr(pool, "_processes", None) or {}).values()))  # no public API before 3.14
    pool.shutdown(wait=True, cancel_futures=True)
