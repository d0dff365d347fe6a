"""Video analysis as background jobs recorded in the database.

:class:`JobQueue` runs worker threads inside the server. Each takes the oldest queued job
(see :func:`upperback.store.analysis_jobs.claim_next`), runs ``analyze_with_track`` on the saved upload,
writes the JSON report, the HTML report and the annotated video into the job's own results
folder, links the report to the training log, and records progress all along. An
:class:`~upperback.errors.UpperbackError` becomes the message the user reads on the job's page.

Nothing is lost on a restart: uploads are saved before their row is queued, a stopping server
puts its running job back in the queue, and on start-up jobs a crash left ``running`` are queued
again (:func:`upperback.store.analysis_jobs.requeue_interrupted`).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from upperback.errors import UpperbackError
from upperback.pose.pipeline import Cancelled
from upperback.store import Store
from upperback.store import analysis_jobs as job_rows
from upperback.store.analysis_jobs import JobRecord
from upperback.web.settings import WebSettings

log = logging.getLogger("upperback.web.analysis_queue")

POLL_S = 1.0
PROGRESS_EVERY_S = 0.5
REPORT_JSON = "report.json"
REPORT_HTML = "report.html"
ANNOTATED_VIDEO = "annotated.mp4"

# Share of the progress bar each stage fills (finding the pose takes most of the time).
POSE_SHARE = 0.7
HTML_SHARE = 0.05


@dataclass(frozen=True)
class JobOutputs:
    """What one analysis produced, as names relative to the web data folder."""

    exercise_id: str
    rep_count: int
    summary: dict
    report_json: str
    report_html: str | None
    annotated_video: str | None
    form_analysis_id: int | None


Progress = Callable[[float, str], None]
"""Called with (fraction done 0-1, what is happening now)."""


def run_analysis(job: JobRecord, settings: WebSettings, store: Store, progress: Progress,
                 cancel: threading.Event) -> JobOutputs:
    """Analyse one uploaded video and write every output of the job; the default job runner."""
    from upperback.analysis import AnalysisOptions, analyze_with_track
    from upperback.logbook.form_links import link_report, summarise_report

    upload = settings.web_dir / job.upload_file
    folder = settings.results_dir / job.public_id
    folder.mkdir(parents=True, exist_ok=True)
    relative = f"results/{job.public_id}"

    def pose_progress(done_s: float, total_s: float) -> None:
        progress(POSE_SHARE * (done_s / total_s if total_s else 0.0), "Finding your pose in each frame")

    try:
        if settings.engine == "ray":
            progress(0.0, "Analysing on the Ray cluster")
            _run_on_ray(settings, upload, job, folder, cancel)
        else:
            options = AnalysisOptions(rate_hz=settings.rate_hz, workers=settings.pose_workers,
                                      progress=pose_progress, cancel=cancel)
            report, track = analyze_with_track(upload, job.exercise_requested, options)
            write_outputs(report, track, upload, job.original_name, folder, progress, cancel)
    except UpperbackError as exc:  # keep its type (Cancelled matters), hide the server's path
        exc.args = (_without_path(exc.message, upload, job.original_name),)
        raise
    progress(0.99, "Saving")
    document = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    analysis_id = link_report(store, folder / REPORT_JSON, analysed_at=datetime.now(UTC))
    return JobOutputs(exercise_id=document["exercise"], rep_count=document["rep_count"],
                      summary=summarise_report(document),
                      report_json=f"{relative}/{REPORT_JSON}",
                      report_html=f"{relative}/{REPORT_HTML}", annotated_video=f"{relative}/{ANNOTATED_VIDEO}",
                      form_analysis_id=analysis_id)


def write_outputs(report, track, upload: Path, shown_name: str, folder: Path,
                  progress: Progress | None = None, cancel: threading.Event | None = None) -> None:
    """Write the job's JSON report, HTML report and annotated video into ``folder``."""
    from upperback.report.html import write_html_report
    from upperback.report.json_io import write_report_json

    progress = progress or (lambda fraction, stage: None)
    # The report names the video as the user knows it, not by the server's file name.
    report = replace(report, source=replace(report.source, name=shown_name))
    progress(POSE_SHARE, "Writing the report")
    write_report_json(report, folder / REPORT_JSON)
    write_html_report(report, track, folder / REPORT_HTML, video=upload)
    progress(POSE_SHARE + HTML_SHARE, "Drawing the annotated video")
    _write_video(report, track, upload, folder / ANNOTATED_VIDEO, progress, cancel or threading.Event())


def analyse_into_folder(upload: str, exercise: str, rate_hz: float | None, shown_name: str, folder: str) -> None:
    """One job's whole analysis, as a Ray task runs it on a cluster node (same code as locally)."""
    from upperback.analysis import AnalysisOptions, analyze_with_track
    from upperback.batch.worker import prepare_worker

    prepare_worker()
    report, track = analyze_with_track(Path(upload), exercise, AnalysisOptions(rate_hz=rate_hz, workers=1))
    write_outputs(report, track, Path(upload), shown_name, Path(folder))


def _run_on_ray(settings: WebSettings, upload: Path, job: JobRecord, folder: Path,
                cancel: threading.Event) -> None:
    """Run :func:`analyse_into_folder` as a Ray task; a user error raised there reaches the user."""
    from upperback.batch.ray_engine import CPUS_PER_TASK, import_ray

    ray = import_ray()
    if not ray.is_initialized():
        ray.init(address=settings.ray_address, include_dashboard=False, log_to_driver=False)
    task = ray.remote(num_cpus=CPUS_PER_TASK, max_retries=1)(analyse_into_folder)
    ref = task.remote(str(upload.resolve()), job.exercise_requested, settings.rate_hz, job.original_name,
                      str(folder.resolve()))
    while True:
        done, _ = ray.wait([ref], timeout=POLL_S)
        if done:
            break
        if cancel.is_set():
            ray.cancel(ref, force=True)
            raise Cancelled("Stopped before the end; nothing was saved.")
    try:
        ray.get(ref)
    except ray.exceptions.RayTaskError as exc:
        cause = exc.as_instanceof_cause()
        if isinstance(cause, UpperbackError):
            raise UpperbackError(cause.message) from None
        raise


def _write_video(report, track, upload: Path, path: Path, progress: Progress,
                 cancel: threading.Event) -> None:
    from upperback.report.video import write_annotated_video

    start = POSE_SHARE + HTML_SHARE

    def video_progress(done_s: float, total_s: float) -> None:
        if cancel.is_set():
            raise Cancelled("Stopped before the end; nothing was saved.")
        share = done_s / total_s if total_s else 0.0
        progress(start + (0.99 - start) * share, "Drawing the annotated video")

    write_annotated_video(upload, track, report, path, progress=video_progress)


def _without_path(message: str, upload: Path, shown_name: str) -> str:
    """The message with the server's file path replaced by the name the user uploaded."""
    for form in (str(upload.resolve()), str(upload)):
        message = message.replace(form, f"'{shown_name}'")
    return message.replace(upload.name, f"'{shown_name}'")


Runner = Callable[[JobRecord, WebSettings, Store, Progress, threading.Event], JobOutputs]


class JobQueue:
    """Worker threads that run queued analysis jobs one at a time each."""

    def __init__(self, settings: WebSettings, store: Store, runner: Runner = run_analysis) -> None:
        self.settings, self.store, self.runner = settings, store, runner
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def engine(self) -> Engine:
        return self.store.engine

    def recover(self) -> tuple[list[str], list[str]]:
        """Queue again the jobs a crash left running (call once, before :meth:`start`)."""
        requeued, failed = job_rows.requeue_interrupted(self.engine)
        if requeued:
            log.info("re-queued %d interrupted analysis job(s)", len(requeued))
        return requeued, failed

    def start(self) -> None:
        for index in range(max(1, self.settings.analysis_workers)):
            thread = threading.Thread(target=self._work, name=f"upperback-analysis-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the workers; a job in the middle is cancelled and goes back to the queue."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=timeout_s)
        self._threads.clear()

    def notify(self) -> None:
        """A job was queued: wake a sleeping worker now instead of at its next poll."""
        self._wake.set()

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                job = job_rows.claim_next(self.engine)
            except Exception:  # the database is briefly unavailable: try again later
                log.exception("could not read the job queue")
                job = None
            if job is None:
                self._wake.wait(POLL_S)
                self._wake.clear()
                continue
            self._run(job)

    def _run(self, job: JobRecord) -> None:
        last = 0.0

        def progress(fraction: float, stage: str) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY_S or fraction >= 0.99:
                last = now
                job_rows.set_progress(self.engine, job.public_id, fraction, stage)

        try:
            outputs = self.runner(job, self.settings, self.store, progress, self._stop)
        except Exception as exc:
            if self._stop.is_set():  # the server is stopping: the job runs again on the next start
                job_rows.requeue(self.engine, job.public_id)
            elif isinstance(exc, Cancelled):
                job_rows.fail_job(self.engine, job.public_id, "The analysis was stopped.", "user")
            elif isinstance(exc, UpperbackError):
                job_rows.fail_job(self.engine, job.public_id, exc.message, "user")
            else:
                log.exception("analysis job %s failed", job.public_id)
                job_rows.fail_job(self.engine, job.public_id,
                                  "Something went wrong on our side while analysing this video. The "
                                  "server log has the details; trying again, or converting the video to "
                                  "MP4 first, often helps.", "internal")
            return
        job_rows.finish_job(self.engine, job.public_id, exercise_id=outputs.exercise_id,
                            rep_count=outputs.rep_count, summary=outputs.summary,
                            report_json=outputs.report_json, report_html=outputs.report_html,
                            annotated_video=outputs.annotated_video,
                            form_analysis_id=outputs.form_analysis_id)
