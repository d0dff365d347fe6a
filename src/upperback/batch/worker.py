"""What runs in a batch worker (a pool process or a Ray worker): one job, start to finish."""

from __future__ import annotations

import os
import socket
import time
import traceback
from pathlib import Path

from upperback.batch.layout import OutputLayout
from upperback.batch.video_job import FAILED, Job, JobOutcome
from upperback.errors import UpperbackError


def prepare_worker() -> None:
    """Load the pose model once for this process; later videos reuse it (reset, not rebuilt).

    Idempotent, so a Ray task can call it on every run of a reused worker process.
    """
    from upperback.pose.estimator import keep_model_loaded, video_estimator

    keep_model_loaded()
    with video_estimator(segmentation=True):
        pass


def run_job(job: Job) -> JobOutcome:
    """Analyse one video with ``analyze()`` and write its outputs atomically, the report last.

    Bad input and bugs alike end in a failed outcome instead of an exception, so one video
    never stops the batch.
    """
    prepare_worker()
    started = time.perf_counter()
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        video_s = _analyze(job)
    except UpperbackError as exc:
        return JobOutcome(
            job.key, error=exc.message, kind=FAILED, worker=worker, elapsed_s=time.perf_counter() - started
        )
    except Exception as exc:  # a bug must cost one video, not the batch
        return JobOutcome(
            job.key,
            kind=FAILED,
            worker=worker,
            detail=traceback.format_exc(),
            error=f"Internal error ({type(exc).__name__}: {exc}). Please report it, with the video if you can.",
            elapsed_s=time.perf_counter() - started,
        )
    return JobOutcome(job.key, worker=worker, video_s=video_s, elapsed_s=time.perf_counter() - started)


def _analyze(job: Job) -> float:
    from upperback.analysis import AnalysisOptions, full_analysis
    from upperback.report.outputs import OutputPaths, write_outputs

    layout = OutputLayout(job.out_root)
    video = Path(job.video)
    # One process per job: the pool (or Ray) already keeps every core busy.
    analysis = full_analysis(video, job.exercise, AnalysisOptions(rate_hz=job.rate_hz, workers=1))
    if job.shown_name is not None:
        analysis = analysis.shown_as(job.shown_name)
    # The report goes last (write_outputs does that) because its presence marks the job done.
    paths = OutputPaths(
        report_json=layout.result_json(job.key),
        report_html=layout.result_html(job.key) if job.html else None,
        annotated_video=layout.result_video(job.key) if job.video_out else None,
    )
    write_outputs(analysis, video, paths)
    return analysis.report.source.duration_s
