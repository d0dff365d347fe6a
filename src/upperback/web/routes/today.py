"""Today's session: the next planned session with timers, and set logging by htmx posts."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from upperback.errors import UpperbackError
from upperback.plans.models import Item
from upperback.plans.progression import set_notes
from upperback.store import LoggedSet
from upperback.web import planning
from upperback.web.forms import number, whole
from upperback.web.deps import render, require_csrf, store

router = APIRouter(prefix="/today")

BLOCK_TITLES = {"warm-up": "Warm-up", "main": "Main work", "carry": "Carry", "desk-break": "Desk break"}


@router.get("")
def today(request: Request, week: Annotated[int | None, Query(ge=1, le=60)] = None,
          day: Annotated[int | None, Query(ge=1, le=7)] = None, new: bool = False) -> Response:
    log = store(request)
    saved = planning.saved_programme(log)
    context: dict = {"has_profile": log.load_profile() is not None, "new": new}
    if saved is None:
        return render(request, "today.html", context)
    plan_id, programme = saved
    done = planning.done_titles(log, programme)
    planned = planning.find(programme, week, day) if week and day else planning.next_session(programme, done)
    if week and day and planned is None:
        raise UpperbackError(f"Your plan has no day {day} in week {week}. Pick a day on the Plan page.")
    now = planning.local_now()
    context.update({"programme": programme, "plan_id": plan_id, "planned": planned, "done": done,
                    "today": now.date(), "block_titles": BLOCK_TITLES})
    if planned is not None:
        session_id = planning.find_open_session(log, planned.session.title, now)
        logged = planning.session_sets(log, session_id, now)
        context["logged"] = {(s.exercise_id, s.variant_id, s.set_index): s for s in logged}
        context["session_id"] = session_id
    return render(request, "today.html", context)


@router.post("/sets", dependencies=[Depends(require_csrf)])
def log_set(request: Request,
            week: Annotated[int, Form(ge=1, le=60)], day: Annotated[int, Form(ge=1, le=7)],
            item: Annotated[int, Form(ge=0, le=50)], set_number: Annotated[int, Form(ge=1, le=20)],
            reps: Annotated[str, Form()] = "", seconds: Annotated[str, Form()] = "",
            load: Annotated[str, Form()] = "", rpe: Annotated[str, Form()] = "") -> Response:
    """Record one set of the planned session; answers with the set's row, marked done."""
    log = store(request)
    planned, chosen = _planned_item(log, week, day, item)
    if set_number > chosen.sets:
        raise UpperbackError(f"{chosen.variant_name} has {chosen.sets} sets in your plan.")
    now = planning.local_now()
    context = {"it": chosen, "index": item, "number": set_number, "week": week, "day": day}
    try:
        typed = _new_set(chosen, set_number, now, reps=reps, seconds=seconds, load=load, rpe=rpe)
    except UpperbackError as exc:  # the form comes back with the message beside it
        return render(request, "partials/set_row.html", {**context, "logged": None, "error": exc.message},
                      status_code=422)
    session_id = planning.open_session(log, planned.session.title, now)
    existing = {(s.exercise_id, s.variant_id, s.set_index): s
                for s in planning.session_sets(log, session_id, now)}
    logged = existing.get((chosen.movement_id, chosen.variant_id, set_number))
    if logged is None:  # a second tap on the same set keeps the first
        logged = replace(typed, session_id=session_id)
        logged = replace(logged, id=log.log_set(logged))
    last_set = set_number == chosen.sets
    headers = {} if last_set else {"HX-Trigger": json.dumps({"rest-start": {"seconds": chosen.rest_s}})}
    return render(request, "partials/set_row.html", {**context, "logged": logged}, headers=headers)


@router.post("/finish", dependencies=[Depends(require_csrf)])
def finish(request: Request, week: Annotated[int, Form(ge=1, le=60)],
           day: Annotated[int, Form(ge=1, le=7)]) -> Response:
    log = store(request)
    saved = planning.saved_programme(log)
    planned = planning.find(saved[1], week, day) if saved else None
    if planned is None:
        raise UpperbackError("That session is not in your current plan any more; open Today again.")
    now = planning.local_now()
    session_id = planning.find_open_session(log, planned.session.title, now)
    if session_id is not None:
        log.end_session(session_id, now)
    return RedirectResponse("/log?finished=1", status_code=303)


def _planned_item(log, week: int, day: int, index: int):
    saved = planning.saved_programme(log)
    if saved is None:
        raise UpperbackError("You have no plan yet. Fill in your profile to get one.")
    planned = planning.find(saved[1], week, day)
    if planned is None or index >= len(planned.session.items):
        raise UpperbackError("That exercise is not in your current plan any more; open Today again.")
    return planned, planned.session.items[index]


def _new_set(item: Item, set_number: int, now, *, reps: str, seconds: str, load: str,
             rpe: str) -> LoggedSet:
    """The set as typed on the phone, checked."""
    rep_count = whole(reps, "reps")
    duration = number(seconds, "seconds")
    if item.unit == "reps" and rep_count is None:
        raise UpperbackError(f"Enter how many reps you did in set {set_number} of {item.variant_name}.")
    if item.unit == "s" and duration is None:
        raise UpperbackError(f"Enter how many seconds set {set_number} of {item.variant_name} lasted.")
    kg = number(load, "weight")
    effort = number(rpe, "RPE")
    band = item.load.band if item.load else None
    return LoggedSet(performed_at=now, exercise_id=item.movement_id, exercise_name=item.movement_name,
                     variant_id=item.variant_id, set_index=set_number,
                     set_type="normal" if item.hard else "warmup",
                     reps=rep_count,
                     load=kg, load_unit="kg" if kg is not None else None, duration_s=duration,
                     rpe=effort, notes=set_notes(band, item.tempo_step),
                     source="session").validated()
