"""Form checks on the user's own video: upload, progress, the report, the history.

Files are only ever found through the job's database row: a request names a job by its
random public id, and the row holds the server-chosen file names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, RedirectResponse, Response

from upperback.analysis import AUTO
from upperback.errors import UnknownNameError, UpperbackError
from upperback.library import get_library
from upperback.pose.decode import probe_video
from upperback.store import analysis_jobs as job_rows
from upperback.store.analysis_jobs import JobRecord, JobState
from upperback.web.deps import render, require_csrf, settings, store, upload_token_check
from upperback.web.reports import report_view
from upperback.web.security import REPORT_POLICY, sniff_video
from upperback.web.uploads import receive_video

router = APIRouter()

JobId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{32}$")]


@router.get("/analyze")
def upload_form(request: Request, exercise: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    library = get_library()
    known = {m.id for m in library.movements} | {v.id for m in library.movements for v in m.variants}
    chosen = exercise if exercise in known else AUTO
    return render(
        request,
        "analyze.html",
        {
            "library": library,
            "chosen": chosen,
            "max_mb": settings(request).max_upload_bytes // 1024**2,
            "recent": job_rows.list_jobs(store(request).engine, limit=5),
            "names": _names(),
        },
    )


@router.get("/analyse")
def old_address(request: Request) -> Response:
    """The upload form's address before identifiers took one spelling: old bookmarks still land on it."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/analyze{query}", status_code=301)


@router.post("/analyze")
async def upload(request: Request) -> Response:
    """Save the video under a server-chosen name, check it is a video, queue its analysis."""
    config = settings(request)
    received = await receive_video(request, config.uploads_dir, config.max_upload_bytes, upload_token_check(request))
    try:
        exercise = received.fields.get("exercise", AUTO).strip() or AUTO
        if exercise != AUTO:
            get_library().analysis_target(exercise)  # a movement or a variant id
        sniff_video(received.path, received.original_name)
        try:
            probe_video(received.path)
        except UpperbackError as exc:
            raise UpperbackError(exc.message.replace(str(received.path), f"'{received.original_name}'")) from None
        job = job_rows.add_job(
            store(request).engine,
            public_id=job_rows.new_public_id(),
            exercise_requested=exercise,
            original_name=received.original_name,
            upload_file=f"uploads/{received.path.name}",
            upload_bytes=received.size,
        )
    except BaseException:
        received.path.unlink(missing_ok=True)
        raise
    request.app.state.jobs.notify()
    return RedirectResponse(f"/analyses/{job.public_id}", status_code=303)


@router.get("/analyses")
def history(request: Request) -> Response:
    jobs = job_rows.list_jobs(store(request).engine)
    return render(request, "history.html", {"jobs": jobs, "names": _names()})


@router.get("/analyses/{job_id}")
def job_page(request: Request, job_id: JobId) -> Response:
    job = _job(request, job_id)
    context = {"job": job, "names": _names(), "library": get_library()}
    if job.state is JobState.DONE and job.report_json:
        document = json.loads(_file(request, job.report_json).read_text(encoding="utf-8"))
        context["view"] = report_view(document, get_library())
    elif not job.finished:
        context["ahead"] = job_rows.count_queued_before(store(request).engine, job)
    return render(request, "report.html", context)


@router.get("/analyses/{job_id}/status")
def job_status(request: Request, job_id: JobId) -> Response:
    """The progress fragment htmx polls every second; a finished job reloads the page."""
    job = _job(request, job_id)
    headers = {"HX-Refresh": "true"} if job.finished else None
    ahead = 0 if job.finished else job_rows.count_queued_before(store(request).engine, job)
    return render(request, "partials/job_progress.html", {"job": job, "ahead": ahead}, headers=headers)


@router.get("/analyses/{job_id}/video.mp4")
def annotated_video(request: Request, job_id: JobId) -> Response:
    job = _job(request, job_id)
    if not job.annotated_video:
        raise HTTPException(404)
    return FileResponse(_file(request, job.annotated_video), media_type="video/mp4")


@router.get("/analyses/{job_id}/report.html")
def html_report(request: Request, job_id: JobId) -> Response:
    job = _job(request, job_id)
    if not job.report_html:
        raise HTTPException(404)
    return FileResponse(
        _file(request, job.report_html), media_type="text/html", headers={"Content-Security-Policy": REPORT_POLICY}
    )


@router.get("/analyses/{job_id}/report.json")
def json_report(request: Request, job_id: JobId) -> Response:
    job = _job(request, job_id)
    if not job.report_json:
        raise HTTPException(404)
    return FileResponse(
        _file(request, job.report_json),
        media_type="application/json",
        filename=f"upperback-report-{job.public_id[:8]}.json",
    )


@router.post("/analyses/{job_id}/retry", dependencies=[Depends(require_csrf)])
def retry(request: Request, job_id: JobId) -> Response:
    """Run a failed job again on the same upload (after an internal error, or a restart)."""
    job = _job(request, job_id)
    if job.state is JobState.FAILED:
        new = job_rows.add_job(
            store(request).engine,
            public_id=job_rows.new_public_id(),
            exercise_requested=job.exercise_requested,
            original_name=job.original_name,
            upload_file=job.upload_file,
            upload_bytes=job.upload_bytes,
        )
        request.app.state.jobs.notify()
        return RedirectResponse(f"/analyses/{new.public_id}", status_code=303)
    return RedirectResponse(f"/analyses/{job.public_id}", status_code=303)


def _job(request: Request, job_id: str) -> JobRecord:
    job = job_rows.get_job(store(request).engine, job_id)
    if job is None:
        raise UnknownNameError(
            "There is no analysis at this address. Your analyses are listed under Check form > History."
        )
    return job


def _file(request: Request, relative: str) -> Path:
    """A file the server wrote, from the name in a job row (never from the request)."""
    root = settings(request).web_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise HTTPException(404)
    return path


def _names() -> dict[str, str]:
    movements = get_library().movements
    return (
        {v.id: v.name for m in movements for v in m.variants}
        | {m.id: m.name for m in movements}
        | {AUTO: "Recognise it for me"}
    )
