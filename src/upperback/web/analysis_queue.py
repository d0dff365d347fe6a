"""Video analysis as background jobs recorded in the database.

:class:`JobQueue` runs worker threads inside the server. Each takes the oldest queued job
(see :func:`upperback.store.analysis_jobs.claim_next`), runs ``full_analysis`` on the saved upload,
writes the JSON report, the HTML report and the annotated video (:mod:`upperback.report.outputs`)
where a batch run would, links the report to the training log, and records progress all along. An
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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from upperback.batch.layout import OutputLayout
from upperback.batch.video_job import Job
from upperback.errors import UpperbackError
from upperback.pose.pipeline import Cancelled
from upperback.store import Store
from upperback.store import analysis_jobs as job_rows
from upperback.store.analysis_jobs import JobRecord
from upperback.web.settings import WebSettings

log = logging.getLogger("upperback.web.analysis_queue")

POLL_S = 1.0
PROGRESS_EVERY_S = 0.5

POSE_SHARE = 0.7
"""Share of the progress bar finding the pose fills (it takes most of the time)."""


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


def run_analysis(
    job: JobRecord, settings: WebSettings, store: Store, progress: Progress, cancel: threading.Event
) -> JobOutputs:
    """Analyse one uploaded video and write every output of the job; the default job runner.

    The outputs go where a batch run puts them (:class:`~upperback.batch.layout.OutputLayout`
    over the web data folder, keyed by the job's public id), whichever engine wrote them.
    """
    from upperback.logbook.form_links import link_report, summarise_report

    upload = settings.web_dir / job.upload_file
    layout = OutputLayout(settings.web_dir)
    key = job.public_id
    try:
        if settings.engine == "ray":
            progress(0.0, "Analysing on the Ray cluster")
            _run_on_ray(settings, job, upload, layout, cancel)
        else:
            _run_here(job, settings, upload, layout, progress, cancel)
    except UpperbackError as exc:  # keep its type (Cancelled matters), hide the server's path
        exc.args = (_without_path(exc.message, upload, job.original_name),)
        raise
    progress(0.99, "Saving")
    report_json = layout.result_json(key)
    document = json.loads(report_json.read_text(encoding="utf-8"))
    analysis_id = link_report(store, report_json, analyzed_at=datetime.now(UTC))

    def relative(path: Path) -> str:
        return path.relative_to(layout.root).as_posix()

    return JobOutputs(
        exercise_id=document["exercise"],
        rep_count=document["rep_count"],
        summary=summarise_report(document),
        report_json=relative(report_json),
        report_html=relative(layout.result_html(key)),
        annotated_video=relative(layout.result_video(key)),
        form_analysis_id=analysis_id,
    )


def _run_here(
    job: JobRecord,
    settings: WebSettings,
    upload: Path,
    layout: OutputLayout,
    progress: Progress,
    cancel: threading.Event,
) -> None:
    """Analyse in this process, with progress all along and a stop between frames."""
    from upperback.analysis import AnalysisOptions, full_analysis
    from upperback.report.outputs import OutputPaths, write_outputs

    def pose_progress(done_s: float, total_s: float) -> None:
        progress(POSE_SHARE * (done_s / total_s if total_s else 0.0), "Finding your pose in each frame")

    def video_progress(done_s: float, total_s: float) -> None:
        if cancel.is_set():
            raise Cancelled("Stopped before the end; nothing was saved.")
        share = done_s / total_s if total_s else 0.0
        progress(POSE_SHARE + (0.99 - POSE_SHARE) * share, "Drawing the annotated video")

    options = AnalysisOptions(
        rate_hz=settings.rate_hz, workers=settings.pose_workers, progress=pose_progress, cancel=cancel
    )
    analysis = full_analysis(upload, job.exercise_requested, options)
    progress(POSE_SHARE, "Writing the report")
    key = job.public_id
    paths = OutputPaths(
        report_json=layout.result_json(key),
        report_html=layout.result_html(key),
        annotated_video=layout.result_video(key),
    )
    write_outputs(analysis.shown_as(job.original_name), upload, paths, video_progress=video_progress)


def _run_on_ray(
    settings: WebSettings, job: JobRecord, upload: Path, layout: OutputLayout, cancel: threading.Event
) -> None:
    """Run the job as a batch job on the batch engine's Ray path; a user error met there reaches the user."""
    from upperback.batch.ray_engine import RayEngine

    work = Job(
        key=job.public_id,
        video=str(upload.resolve()),
        exercise=job.exercise_requested,
        rate_hz=settings.rate_hz,
        out_root=str(layout.root),
        html=True,
        video_out=True,
        shown_name=job.original_name,
    )
    engine = RayEngine(address=settings.ray_address)
    engine.connect()  # Ray stays up for the jobs to come
    outcomes = list(engine.run([work], stop=cancel))
    if not outcomes:
        raise Cancelled("Stopped before the end; nothing was saved.")
    (outcome,) = outcomes
    if outcome.ok:
        return
    if outcome.detail is None:  # the video's fault, in words for the user
        raise UpperbackError(outcome.error or "The analysis failed.")
    raise RuntimeError(f"{outcome.error}\n{outcome.detail}")


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
                job_rows.fail_job(
                    self.engine,
                    job.public_id,
                    "Something went wrong on our side while analysing this video. The "
                    "server log has the details; trying again, or converting the video to "
                    "MP4 first, often helps.",
                    "internal",
                )
            return
        job_rows.finish_job(
            self.engine,
            job.public_id,
            exercise_id=outputs.exercise_id,
            rep_count=outputs.rep_count,
            summary=outputs.summary,
            report_json=outputs.report_json,
            report_html=outputs.report_html,
            annotated_video=outputs.annotated_video,
            form_analysis_id=outputs.form_analysis_id,
        )
