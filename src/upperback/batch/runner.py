"""``run_batch()``: many videos through ``analyze()``, resumable, on the local pool or on Ray."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from upperback import __version__
from upperback.batch.inputs import BatchInput
from upperback.batch.keys import AnalysisSettings, DigestCache, job_key
from upperback.batch.layout import OutputLayout
from upperback.batch.summary import FAILED, summary_row, write_summary
from upperback.batch.video_job import Job, JobOutcome
from upperback.errors import UpperbackError
from upperback.pose.pipeline import DEFAULT_RATE_HZ


class Engine(Protocol):
    """Runs jobs somewhere and yields their outcomes as they finish."""

    name: str

    def run(self, jobs: Sequence[Job]) -> Generator[JobOutcome, None, None]: ...


@dataclass(frozen=True)
class BatchOptions:
    """What to produce per video. ``rate_hz`` None analyses every frame."""

    rate_hz: float | None = DEFAULT_RATE_HZ
    html: bool = False
    video_out: bool = False
    retry_failed: bool = False


@dataclass
class BatchResult:
    """Counts are of distinct analyses (inputs with the same video and settings share one)."""

    layout: OutputLayout
    analyzed: int = 0
    failed: int = 0
    skipped: int = 0
    failed_earlier: int = 0
    video_s: float = 0.0
    elapsed_s: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed_rows(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["status"] == FAILED]


ProgressCallback = Callable[[int, int], None]
"""Called with (jobs finished, jobs to run) before the first job and after each."""

OutcomeCallback = Callable[[Job, JobOutcome], None]


def run_batch(
    inputs: Sequence[BatchInput],
    out_dir: str | Path,
    engine: Engine,
    options: BatchOptions | None = None,
    progress: ProgressCallback | None = None,
    on_outcome: OutcomeCallback | None = None,
) -> BatchResult:
    """Analyse every input not done before and write the summary table.

    Parameters
    ----------
    inputs
        From :func:`~upperback.batch.inputs.discover_inputs`.
    out_dir
        The output folder (layout in :mod:`upperback.batch.layout`); one run at a time.
    engine
        ``LocalEngine`` or ``RayEngine``; not started at all when nothing is left to do.
    options
        Rate, extra outputs, whether to retry jobs that failed before.

    Notes
    -----
    A job is done when its report (and each extra output asked for) exists; its failure is
    done too, unless ``retry_failed``. Every file is written atomically, so stopping at any
    moment (Ctrl-C raises ``KeyboardInterrupt`` out of this function, after the engine has
    stopped) loses only the videos in progress, and the next run continues.
    """
    options = options or BatchOptions()
    started = time.perf_counter()
    layout = OutputLayout(out_dir)
    result = BatchResult(layout=layout)
    with layout.exclusive():
        layout.remove_partials()
        keys = _keys(inputs, layout, options)
        jobs: dict[str, Job] = {}
        seen: set[str] = set()
        for item, key in zip(inputs, keys):
            if key in seen:
                continue
            seen.add(key)
            if layout.is_done(key, options.html, options.video_out):
                layout.clear_error(key)  # left by an earlier run that asked for more outputs
                result.skipped += 1
            elif layout.error_json(key).is_file() and not options.retry_failed:
                result.failed_earlier += 1
            else:
                jobs[key] = Job(
                    key=key,
                    video=str(item.path),
                    exercise=item.exercise,
                    rate_hz=options.rate_hz,
                    out_root=str(layout.root),
                    html=options.html,
                    video_out=options.video_out,
                )
        if jobs:
            _run_jobs(list(jobs.values()), engine, layout, result, progress, on_outcome)
        result.rows = [summary_row(item, key, layout) for item, key in zip(inputs, keys)]
        write_summary(result.rows, layout)
    result.elapsed_s = time.perf_counter() - started
    return result


def _keys(inputs: Sequence[BatchInput], layout: OutputLayout, options: BatchOptions) -> list[str]:
    cache = DigestCache(layout.digests)
    keys = []
    try:
        for item in inputs:
            try:
                digest = cache.sha256(item.path)
            except OSError as exc:
                raise UpperbackError(f"{item.path}: cannot read the video ({exc.strerror or exc}).") from exc
            keys.append(job_key(digest, AnalysisSettings(item.exercise, options.rate_hz)))
    finally:
        cache.save()
    return keys


def _run_jobs(
    jobs: list[Job],
    engine: Engine,
    layout: OutputLayout,
    result: BatchResult,
    progress: ProgressCallback | None,
    on_outcome: OutcomeCallback | None,
) -> None:
    by_key = {job.key: job for job in jobs}
    if progress:
        progress(0, len(jobs))
    with closing(engine.run(jobs)) as outcomes:
        for finished, outcome in enumerate(outcomes, start=1):
            job = by_key[outcome.key]
            if outcome.ok:
                layout.clear_error(job.key)
                result.analyzed += 1
                result.video_s += outcome.video_s
            else:
                layout.write_error(job.key, _error_record(job, outcome, engine.name))
                result.failed += 1
            if on_outcome:
                on_outcome(job, outcome)
            if progress:
                progress(finished, len(jobs))


def _error_record(job: Job, outcome: JobOutcome, engine: str) -> dict[str, Any]:
    return {
        "key": job.key,
        "video": job.video,
        "exercise": job.exercise,
        "rate_hz": job.rate_hz,
        "error": outcome.error,
        "kind": outcome.kind,
        "detail": outcome.detail,
        "worker": outcome.worker,
        "engine": engine,
        "upperback": __version__,
        "failed_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
