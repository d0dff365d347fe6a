"""The home page: what to do next (learn, today's session, check your form)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from upperback.library import get_library
from upperback.store import analysis_jobs as job_rows
from upperback.web import planning
from upperback.web.deps import render, store

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    log = store(request)
    saved = planning.saved_programme(log)
    upcoming = planning.where_now(log, saved[1]).current if saved is not None else None
    recent_jobs = job_rows.list_jobs(log.engine, limit=3)
    return render(
        request,
        "home.html",
        {
            "library": get_library(),
            "has_profile": log.load_profile() is not None,
            "has_plan": saved is not None,
            "upcoming": upcoming,
            "today": planning.local_now().date(),
            "set_count": log.count_sets(),
            "recent_jobs": recent_jobs,
        },
    )
