"""The Ray engine: one Ray task per video, on this machine or on a cluster.

Ray reuses its worker processes between tasks, and each worker keeps its pose model loaded
(:func:`~upperback.batch.worker.prepare_worker`), so the model is loaded once per worker, not
once per video. Results stream back as tasks finish (``ray.wait``). Workers read the videos
and write the outputs themselves, so on a cluster both must lie on storage every node mounts
at the same path (docs/cluster.md).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Sequence
from contextlib import suppress
from types import ModuleType
from typing import Any

from upperback.batch.video_job import FAILED, Job, JobOutcome, crashed
from upperback.batch.worker import run_job
from upperback.errors import UpperbackError

CPUS_PER_TASK = 1.0
"""BlazePose inference is single-threaded: one core per video."""

TASK_RETRIES = 1
"""Run a task again once if its worker or node dies (e.g. a preempted spot instance)."""

WAIT_TIMEOUT_S = 1.0
"""``ray.wait`` returns at least this often, so Ctrl-C is noticed promptly."""


def import_ray() -> ModuleType:
    """The ``ray`` module, or a clear message on how to install it."""
    try:
        import ray
    except ImportError:
        raise UpperbackError(
            "The ray engine needs Ray, which is not installed: pip install 'upperback[ray]'. Or use --engine local."
        ) from None
    return ray


class RayEngine:
    """Runs jobs as Ray tasks, each asking for ``cpus_per_task`` CPUs.

    Parameters
    ----------
    address
        Cluster to join (``auto``, ``HOST:6379`` or ``ray://HOST:10001``). Without one, a Ray
        instance already started in this process is used, or the one ``RAY_ADDRESS`` names,
        or a local one is started (and stopped at the end).
    workers
        Most videos analysed at once (default: as many as the cluster's CPUs allow). For a
        local instance started here, also its number of CPUs.
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        cpus_per_task: float = CPUS_PER_TASK,
        job_function: Callable[[Job], JobOutcome] = run_job,
    ) -> None:
        self.address = address
        self.workers = workers
        self.cpus_per_task = cpus_per_task
        self.job_function = job_function

    def run(self, jobs: Sequence[Job], stop: threading.Event | None = None) -> Generator[JobOutcome, None, None]:
        """Yield each job's outcome as it finishes. Closing the iterator, or setting ``stop``,
        cancels the rest."""
        ray = import_ray()
        started_here = self.connect()
        task = ray.remote(num_cpus=self.cpus_per_task, max_retries=TASK_RETRIES)(self.job_function)
        queue = deque(jobs)
        pending: dict[Any, Job] = {}
        try:
            while (queue or pending) and not (stop is not None and stop.is_set()):
                window = self._window(ray)
                while queue and len(pending) < window:
                    job = queue.popleft()
                    pending[task.remote(job)] = job
                ready, _ = ray.wait(list(pending), num_returns=1, timeout=WAIT_TIMEOUT_S)
                for ref in ready:
                    job = pending.pop(ref)
                    try:
                        outcome = ray.get(ref)
                    except ray.exceptions.RayTaskError as exc:  # raised by the task's own code
                        outcome = JobOutcome(
                            job.key, kind=FAILED, detail=str(exc), error=f"Internal error ({_first_line(exc)})."
                        )
                    except ray.exceptions.RayError as exc:  # the worker or its node died
                        outcome = crashed(job, f"Ray: {_first_line(exc)}")
                    yield outcome
        finally:
            for ref in pending:
                with suppress(ray.exceptions.RayError, ValueError):  # best effort: we are stopping
                    ray.cancel(ref, force=True)
            if started_here:
                ray.shutdown()

    def connect(self) -> bool:
        """Join the cluster or start a local instance; True if this call started Ray.

        :meth:`run` stops a Ray it started itself; connect first to keep Ray up between runs.
        """
        ray = import_ray()
        if ray.is_initialized():
            return False
        joining = bool(self.address or os.environ.get("RAY_ADDRESS"))  # RAY_ADDRESS: set in Ray jobs
        try:
            ray.init(
                address=self.address,
                num_cpus=None if joining else self.workers,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.ERROR,
            )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = f"the Ray cluster at {self.address}" if self.address else "a local Ray instance"
            raise UpperbackError(
                f"Could not start or join {where}: {exc}. Check --address "
                "(e.g. auto on a cluster node, or ray://HEAD:10001)."
            ) from exc
        return True

    def _window(self, ray: ModuleType) -> int:
        """Tasks to keep submitted: --workers, else two per CPU slot (the cluster may grow)."""
        if self.workers:
            return self.workers
        cpus = ray.cluster_resources().get("CPU", 1.0)
        return max(1, int(2 * cpus / self.cpus_per_task))


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}"
