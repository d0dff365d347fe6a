"""Video analysis jobs: the ``analysis_jobs`` table and the few queries the web app's queue needs.

A job row is written before any work starts and updated as the work goes on, so the database
always says what happened to an upload: queued, running (with progress), done (with the files
it produced) or failed (with a message for the user). A server that stops in the middle leaves
rows ``running``; :func:`requeue_interrupted` puts them back in the queue on the next start.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Engine, Float, ForeignKey, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from upperback.store.db import write_engine
from upperback.store.tables import Base, utc_now

MAX_ATTEMPTS = 3
"""A job that was interrupted this many times (e.g. a video that crashes the server) fails for good."""


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class AnalysisJob(Base):
    """One uploaded video and the analysis of it.

    File columns hold names relative to the web app's data folder, all chosen by the server
    (``uploads/<uuid>``, ``results/<public_id>/...``); nothing a request sends becomes a path.
    """

    __tablename__ = "analysis_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    exercise_requested: Mapped[str] = mapped_column(String(100))
    exercise_id: Mapped[str | None] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(String(255))
    upload_file: Mapped[str] = mapped_column(String(300))
    upload_bytes: Mapped[int] = mapped_column(Integer)
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(20))
    report_json: Mapped[str | None] = mapped_column(String(300))
    report_html: Mapped[str | None] = mapped_column(String(300))
    annotated_video: Mapped[str | None] = mapped_column(String(300))
    rep_count: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[dict[str, Any] | None]
    form_analysis_id: Mapped[int | None] = mapped_column(ForeignKey("form_analyses.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


@dataclass(frozen=True)
class JobRecord:
    """A job as the web app reads it (no database types leak out)."""

    id: int
    public_id: str
    state: JobState
    exercise_requested: str
    exercise_id: str | None
    original_name: str
    upload_file: str
    upload_bytes: int
    progress: float
    stage: str
    attempts: int
    error: str | None
    error_kind: str | None
    report_json: str | None
    report_html: str | None
    annotated_video: str | None
    rep_count: int | None
    summary: dict | None
    form_analysis_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)


def new_public_id() -> str:
    """An unguessable id for URLs (32 hex digits)."""
    return uuid.uuid4().hex


@contextmanager
def _write(engine: Engine) -> Iterator[Session]:
    with Session(write_engine(engine), expire_on_commit=False) as session, session.begin():
        yield session


def _record(row: AnalysisJob) -> JobRecord:
    values = {name: getattr(row, name) for name in JobRecord.__dataclass_fields__}
    values["state"] = JobState(row.state)
    values["summary"] = dict(row.summary) if row.summary is not None else None
    return JobRecord(**values)


def add_job(
    engine: Engine, *, public_id: str, exercise_requested: str, original_name: str, upload_file: str, upload_bytes: int
) -> JobRecord:
    """Queue a job for a file already saved under the data folder."""
    with _write(engine) as session:
        row = AnalysisJob(
            public_id=public_id,
            state=JobState.QUEUED.value,
            exercise_requested=exercise_requested,
            original_name=original_name[:255],
            upload_file=upload_file,
            upload_bytes=upload_bytes,
            progress=0.0,
            stage="Waiting for its turn",
            attempts=0,
            created_at=utc_now(),
        )
        session.add(row)
        session.flush()
        return _record(row)


def get_job(engine: Engine, public_id: str) -> JobRecord | None:
    with Session(engine) as session:
        row = session.scalars(select(AnalysisJob).where(AnalysisJob.public_id == public_id)).first()
        return None if row is None else _record(row)


def list_jobs(engine: Engine, limit: int = 200) -> list[JobRecord]:
    """The newest jobs first."""
    query = select(AnalysisJob).order_by(AnalysisJob.created_at.desc(), AnalysisJob.id.desc()).limit(limit)
    with Session(engine) as session:
        return [_record(row) for row in session.scalars(query)]


def count_queued_before(engine: Engine, job: JobRecord) -> int:
    """How many queued jobs will run before this one."""
    with Session(engine) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(AnalysisJob)
                .where(AnalysisJob.state == JobState.QUEUED.value, AnalysisJob.id < job.id)
            )
            or 0
        )


def claim_next(engine: Engine) -> JobRecord | None:
    """Mark the oldest queued job running and return it (None when the queue is empty).

    The select and the update share one write transaction (SQLite takes the write lock up front;
    PostgreSQL locks the row and other workers skip it), so two workers never take the same job.
    """
    with _write(engine) as session:
        row = session.scalars(
            select(AnalysisJob)
            .where(AnalysisJob.state == JobState.QUEUED.value)
            .order_by(AnalysisJob.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        row.state = JobState.RUNNING.value
        row.started_at = utc_now()
        row.attempts += 1
        row.progress = 0.0
        row.stage = "Getting ready"
        row.error = row.error_kind = None
        return _record(row)


def set_progress(engine: Engine, public_id: str, progress: float, stage: str) -> None:
    with _write(engine) as session:
        session.execute(
            update(AnalysisJob)
            .where(AnalysisJob.public_id == public_id, AnalysisJob.state == JobState.RUNNING.value)
            .values(progress=max(0.0, min(1.0, progress)), stage=stage[:200])
        )


def finish_job(
    engine: Engine,
    public_id: str,
    *,
    exercise_id: str,
    rep_count: int,
    summary: dict,
    report_json: str,
    report_html: str | None,
    annotated_video: str | None,
    form_analysis_id: int | None,
) -> None:
    with _write(engine) as session:
        session.execute(
            update(AnalysisJob)
            .where(AnalysisJob.public_id == public_id)
            .values(
                state=JobState.DONE.value,
                progress=1.0,
                stage="Finished",
                exercise_id=exercise_id,
                rep_count=rep_count,
                summary=summary,
                report_json=report_json,
                report_html=report_html,
                annotated_video=annotated_video,
                form_analysis_id=form_analysis_id,
                finished_at=utc_now(),
                error=None,
                error_kind=None,
            )
        )


def fail_job(engine: Engine, public_id: str, message: str, kind: str) -> None:
    """Record a failure; ``kind`` is ``user`` (the message says what to change) or ``internal``."""
    with _write(engine) as session:
        session.execute(
            update(AnalysisJob)
            .where(AnalysisJob.public_id == public_id)
            .values(state=JobState.FAILED.value, stage="Stopped", error=message, error_kind=kind, finished_at=utc_now())
        )


def requeue(engine: Engine, public_id: str) -> None:
    """Put a running job back in the queue (the server is stopping; it will run again)."""
    with _write(engine) as session:
        session.execute(
            update(AnalysisJob)
            .where(AnalysisJob.public_id == public_id, AnalysisJob.state == JobState.RUNNING.value)
            .values(state=JobState.QUEUED.value, progress=0.0, stage="Waiting for its turn (the server restarted)")
        )


def requeue_interrupted(engine: Engine) -> tuple[list[str], list[str]]:
    """After a crash: jobs left ``running`` go back to the queue, or fail after too many tries.

    Returns the public ids re-queued and those given up on.
    """
    with _write(engine) as session:
        rows = session.scalars(select(AnalysisJob).where(AnalysisJob.state == JobState.RUNNING.value)).all()
        requeued, failed = [], []
        for row in rows:
            if row.attempts >= MAX_ATTEMPTS:
                row.state = JobState.FAILED.value
                row.error = (
                    f"The analysis of this video stopped the server {row.attempts} times, so it "
                    "was given up. Try a shorter clip, or convert it to MP4 (H.264) first."
                )
                row.error_kind = "internal"
                row.finished_at = utc_now()
                failed.append(row.public_id)
            else:
                row.state = JobState.QUEUED.value
                row.progress = 0.0
                row.stage = "Waiting for its turn (the server restarted)"
                requeued.append(row.public_id)
        return requeued, failed
