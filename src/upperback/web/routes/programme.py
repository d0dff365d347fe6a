"""The programme calendar: every planned session by week and date, with the rules behind the plan."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from upperback.web import planning
from upperback.web.deps import render, store

router = APIRouter(prefix="/programme")


@router.get("")
def calendar(request: Request) -> Response:
    log = store(request)
    saved = planning.saved_programme(log)
    if saved is None:
        return render(request, "programme.html", {"programme": None,
                                                  "has_profile": log.load_profile() is not None})
    _, programme = saved
    done = planning.done_titles(log, programme)
    planned = planning.planned_sessions(programme)
    upcoming = planning.next_session(programme, done)
    weeks = [(week, [p for p in planned if p.week.number == week.number]) for week in programme.weeks]
    return render(request, "programme.html", {
        "programme": programme, "weeks": weeks, "done": done, "upcoming": upcoming,
        "today": planning.local_now().date(), "start": planning.start_date(programme),
    })
