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
        video_s = _analyse(job)
    except UpperbackError as exc:
        return JobOutcome(job.key, error=exc.message, kind=FAILED, worker=worker,
                          elapsed_s=time.perf_counter() - started)
    except Exception as exc:  # a bug must cost one video, not the batch
        return JobOutcome(job.key, kind=FAILED, worker=worker, detail=traceback.format_exc(),
                          error=f"Internal error ({type(exc).__name__}: {exc}). Please report it, "
                                "with the video if you can.",
                          elapsed_s=time.perf_counter() - started)
    return JobOutcome(job.key, worker=worker, video_s=video_s, elapsed_s=time.perf_counter() - started)


def _analyse(job: Job) -> float:
    from upperback.analysis import AnalysisOptions, analyze_with_track
    from upperback.report.json_io import write_report_json

    layout = OutputLayout(job.out_root)
    video = Path(job.video)
    # One process per job: the pool (or Ray) already keeps every core busy.
    report, track = analyze_with_track(video, job.exercise, AnalysisOptions(rate_hz=job.rate_hz, workers=1))
    # Every writer is atomic; the report goes last because its presence marks the job done.
    if job.html:
        from upperback.report.html import write_html_report

        write_html_report(report, track, layout.result_html(job.key), video=video)
    if job.video_out:
        from upperback.report.video import write_annotated_video

        write_annotated_video(video, track, report, layout.result_video(job.key))
    write_report_json(report, layout.result_json(job.key))
    return report.source.duration_s
