"""Today's session: the next planned session with timers, and set logging by htmx posts."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import RedirectResponse, Response

from upperback.errors import UpperbackError
from upperback.limits import DURATION_S, REPS, RPE
from upperback.plans.models import Item
from upperback.plans.progression import set_notes
from upperback.store import LoggedSet, SetType, WeightUnit
from upperback.web import planning
from upperback.web.deps import render, require_csrf, store
from upperback.web.forms import FieldError, collect, number, weight, whole

router = APIRouter(prefix="/today")

BLOCK_TITLES = {"warm-up": "Warm-up", "main": "Main work", "carry": "Carry", "desk-break": "Desk break"}


@router.get("")
def today(
    request: Request,
    week: Annotated[int | None, Query(ge=1, le=60)] = None,
    day: Annotated[int | None, Query(ge=1, le=7)] = None,
    new: bool = False,
) -> Response:
    """The session to do now; ``week`` and ``day`` preview another day of the plan."""
    log = store(request)
    saved = planning.saved_programme(log)
    context: dict = {"has_profile": log.load_profile() is not None, "new": new}
    if saved is None:
        return render(request, "today.html", context)
    _, programme = saved
    now = planning.local_now()
    state = planning.where_now(log, programme, now)
    planned, preview = state.current, False
    if week and day and (state.current is None or state.current.key != (week, day)):
        planned, preview = planning.find(programme, week, day), True
        if planned is None:
            raise UpperbackError(f"Your plan has no day {day} in week {week}. Pick a day on the Plan page.")
    logged = planning.session_sets(log, state.open_session.id if state.open_session and not preview else None)
    context.update(
        {
            "programme": programme,
            "planned": planned,
            "preview": preview,
            "state": state,
            "today": now.date(),
            "block_titles": BLOCK_TITLES,
            "logged": {(s.exercise_id, s.variant_id, s.set_index): s for s in logged},
        }
    )
    return render(request, "today.html", context)


@router.post("/sets", dependencies=[Depends(require_csrf)])
def log_set(
    request: Request,
    week: Annotated[int, Form(ge=1, le=60)],
    day: Annotated[int, Form(ge=1, le=7)],
    item: Annotated[int, Form(ge=0, le=50)],
    set_number: Annotated[int, Form(ge=1, le=20)],
    reps: Annotated[str, Form()] = "",
    seconds: Annotated[str, Form()] = "",
    load: Annotated[str, Form()] = "",
    rpe: Annotated[str, Form()] = "",
) -> Response:
    """Record one set of the session in progress; answers with the set's row, marked done."""
    log = store(request)
    now = planning.local_now()
    state = _state(log, now)
    current = state.current
    if current is None or current.key != (week, day) or item >= len(current.session.items):
        raise UpperbackError("Your plan has moved on since this page was opened; open Today again.")
    chosen = current.session.items[item]
    if set_number > chosen.sets:
        raise UpperbackError(f"{chosen.variant_name} has {chosen.sets} sets in your plan.")
    context = {"it": chosen, "index": item, "number": set_number, "week": week, "day": day}
    try:
        typed = _new_set(
            chosen, set_number, now, current.session.deload, reps=reps, seconds=seconds, load=load, rpe=rpe
        )
    except FieldError as exc:  # the form comes back as typed, with the message beside its field
        as_typed = {"reps": reps, "seconds": seconds, "load": load, "rpe": rpe}
        return render(
            request,
            "partials/set_row.html",
            {**context, "logged": None, "typed": as_typed, "errors": exc.errors},
            status_code=422,
        )
    session_id = planning.open_session(log, current, now, state.open_session)
    existing = {(s.exercise_id, s.variant_id, s.set_index): s for s in planning.session_sets(log, session_id)}
    logged = existing.get((chosen.movement_id, chosen.variant_id, set_number))
    if logged is None:  # a second tap on the same set keeps the first
        logged = replace(typed, session_id=session_id)
        logged = replace(logged, id=log.log_set(logged))
    last_set = set_number == chosen.sets
    headers = (
        {} if last_set or not chosen.rest_s else {"HX-Trigger": json.dumps({"rest-start": {"seconds": chosen.rest_s}})}
    )
    return render(request, "partials/set_row.html", {**context, "logged": logged}, headers=headers)


@router.post("/resume", dependencies=[Depends(require_csrf)])
def resume(request: Request) -> Response:
    """Carry on with the session that was stopped with sets still to do."""
    log = store(request)
    now = planning.local_now()
    state = _state(log, now)
    if state.stopped is not None:
        log.reopen_session(state.stopped.session_id, now)
    return RedirectResponse("/today", status_code=303)


@router.post("/finish", dependencies=[Depends(require_csrf)])
def finish(request: Request) -> Response:
    """End the session in progress; the next visit to Today shows the next planned day."""
    log = store(request)
    now = planning.local_now()
    state = _state(log, now)
    if state.open_session is not None and state.open_session.id is not None:  # a stored session has its id
        log.end_session(state.open_session.id, now)
        return RedirectResponse("/log?finished=1", status_code=303)
    return RedirectResponse("/today", status_code=303)


def _state(log, now) -> planning.Now:
    saved = planning.saved_programme(log)
    if saved is None:
        raise UpperbackError("You have no plan yet. Fill in your profile to get one.")
    return planning.where_now(log, saved[1], now)


def _new_set(
    item: Item, set_number: int, now, deload: bool, *, reps: str, seconds: str, load: str, rpe: str
) -> LoggedSet:
    """The set as typed on the phone, checked."""
    problems: dict[str, str] = {}

    rep_count = collect(problems, "reps", lambda: whole(reps, REPS, "reps"))
    duration = collect(problems, "seconds", lambda: number(seconds, DURATION_S, "seconds"))
    kg = collect(problems, "load", lambda: weight(load, WeightUnit.KG, "load"))
    effort = collect(problems, "rpe", lambda: number(rpe, RPE, "rpe"))
    if item.unit == "reps" and rep_count is None and "reps" not in problems:
        problems["reps"] = f"Enter how many reps you did in set {set_number}."
    if item.unit == "s" and duration is None and "seconds" not in problems:
        problems["seconds"] = f"Enter how many seconds set {set_number} lasted."
    if problems:
        raise FieldError(problems)
    band = item.load.band if item.load else None
    return LoggedSet(
        performed_at=now,
        exercise_id=item.movement_id,
        exercise_name=item.movement_name,
        variant_id=item.variant_id,
        set_index=set_number,
        set_type=SetType.WARMUP if item.block == "warm-up" else SetType.NORMAL,
        reps=rep_count,
        load=kg,
        load_unit=WeightUnit.KG if kg is not None else None,
        duration_s=duration,
        rpe=effort,
        notes=set_notes(band, item.tempo_step, deload),
        source="session",
    ).validated()
