"""The programme calendar: every planned session by week and date, with the rules behind the plan."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from upperback.errors import UpperbackError
from upperback.web import planning
from upperback.web.deps import render, store
from upperback.web.security import REPORT_POLICY

router = APIRouter(prefix="/programme")


@router.get("")
def calendar(request: Request) -> Response:
    log = store(request)
    saved = planning.saved_programme(log)
    if saved is None:
        return render(request, "programme.html", {"programme": None, "has_profile": log.load_profile() is not None})
    _, programme = saved
    state = planning.where_now(log, programme)
    done = {p.key for p in state.planned[: state.done]}
    weeks = [(week, [p for p in state.planned if p.week.number == week.number]) for week in programme.weeks]
    return render(
        request,
        "programme.html",
        {
            "programme": programme,
            "weeks": weeks,
            "done": done,
            "upcoming": state.current,
            "today": planning.local_now().date(),
            "start": planning.start_date(programme),
        },
    )


@router.get("/plan.ics")
def calendar_file(request: Request) -> Response:
    """The plan as calendar events (one per planned day, on the dates shown on the Plan page)."""
    from upperback.plans.export import to_ics

    programme = _programme(request)
    return Response(
        to_ics(programme, planning.start_date(programme)),
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="upperback-plan.ics"'},
    )


@router.get("/print")
def printable(request: Request) -> Response:
    """The plan as one printable page."""
    from upperback.plans.export import to_html

    return HTMLResponse(to_html(_programme(request)), headers={"Content-Security-Policy": REPORT_POLICY})


def _programme(request: Request):
    saved = planning.saved_programme(store(request))
    if saved is None:
        raise UpperbackError("You have no plan yet. Fill in your profile to get one.")
    return saved[1]
