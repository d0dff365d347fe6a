"""A unit of batch work and what came of it: small, picklable records passed to and from workers."""

from __future__ import annotations

from dataclasses import dataclass

CRASHED = "crashed"
FAILED = "failed"


@dataclass(frozen=True)
class Job:
    """Analyse one video and write its outputs under ``out_root`` (see :mod:`.layout`)."""

    key: str
    video: str
    exercise: str
    rate_hz: float | None
    out_root: str
    html: bool = False
    video_out: bool = False
    shown_name: str | None = None  # the video's name in the report, if not its file name (web uploads)


@dataclass(frozen=True)
class JobOutcome:
    """The end of one job. ``error`` is None when its outputs were written."""

    key: str
    error: str | None = None
    kind: str | None = None  # FAILED (the video or a bug) or CRASHED (the worker process died)
    detail: str | None = None  # a traceback, for errors that are not the user's
    elapsed_s: float = 0.0
    video_s: float = 0.0
    worker: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


def crashed(job: Job, reason: str) -> JobOutcome:
    """The outcome of a job whose worker died under it."""
    return JobOutcome(
        key=job.key,
        kind=CRASHED,
        error=f"The worker analysing this video stopped unexpectedly ({reason}). It may have run out "
        "of memory; try --workers 1, or re-export the video.",
    )
