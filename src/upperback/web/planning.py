"""The saved profile and programme, and the session to do now.

The plans package decides what comes next (:func:`upperback.plans.today.next_session`): the
planned days are done in order, one per guided session with logged sets, and the next day's
session is rebuilt from the log so its loads follow the latest sets. The web app adds one
thing the terminal does not need: a session stays open across page loads while its sets are
logged one tap at a time, so the session in progress is worked out from the log as it stood
when it started.

A programme's first week starts on the day it was made; each planned day falls on
``start + 7 * (week - 1) + offset_days``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from pydantic import ValidationError

from upperback.plans import Profile, Programme, build_programme, parse_profile
from upperback.plans.models import PlannedDay, PlannedSession, Week
from upperback.plans.today import Unfinished, next_session, sessions_done_since, unfinished_session
from upperback.store import LoggedSet, SessionRecord, Store

PLAN_NAME = "Programme from the web app"
SESSION_SOURCE = "session"
SESSION_PREFIX = "upperback: "
"""Guided sessions are named like the terminal's (``upperback: Week 1, day 1``)."""
OPEN_SESSION_MAX_AGE = timedelta(hours=12)
"""A session left unfinished for longer than this counts as over."""


@dataclass(frozen=True)
class ScheduledSession:
    """A planned session on its date in the programme."""

    week: Week
    day: PlannedDay
    date: date
    session: PlannedSession

    @property
    def key(self) -> tuple[int, int]:
        return self.week.number, self.session.day


@dataclass(frozen=True)
class Now:
    """Where the user stands in their programme."""

    planned: list[ScheduledSession]
    done: int
    """Planned sessions done (the first ``done`` days)."""
    current: ScheduledSession | None
    """The session to do now (rebuilt from the log); None when the programme is complete."""
    open_session: SessionRecord | None
    """The training session in progress, if sets are being logged."""
    stopped: Unfinished | None = None
    """With no session in progress: the latest one, if it ended with planned sets still to do."""


def local_now() -> datetime:
    return datetime.now().astimezone()


def session_name(title: str) -> str:
    return SESSION_PREFIX + title


def saved_profile(store: Store) -> Profile | None:
    data = store.load_profile()
    if data is None:
        return None
    try:
        return Profile.model_validate(data)
    except ValidationError:
        return None


def saved_programme(store: Store) -> tuple[int, Programme] | None:
    """The latest saved programme, or None (also when it was saved by an older version)."""
    latest = store.latest_plan()
    if latest is None:
        return None
    plan_id, data = latest
    try:
        return plan_id, Programme.model_validate(data)
    except ValidationError:
        return None


def make_programme(store: Store, form: dict, weeks: int) -> tuple[int, Programme]:
    """Validate the profile, build its programme from the log, and save both in that order.

    Nothing is saved when the profile is invalid or cannot give a plan (the error says why).
    """
    profile = parse_profile(form)
    programme = build_programme(profile, weeks=weeks, history=store.sets())
    store.save_profile(profile.model_dump(mode="json"))
    plan_id = store.save_plan(programme.model_dump(mode="json"), PLAN_NAME)
    return plan_id, programme


def start_date(programme: Programme) -> date:
    return programme.created_at.astimezone().date()


def planned_sessions(programme: Programme) -> list[ScheduledSession]:
    """Every planned day with its date and its session as planned."""
    first = start_date(programme)
    return [
        ScheduledSession(week, day, first + timedelta(days=7 * (week.number - 1) + day.offset_days), day.session)
        for week, day in programme.days()
    ]


def find(programme: Programme, week: int, day: int) -> ScheduledSession | None:
    for planned in planned_sessions(programme):
        if planned.key == (week, day):
            return planned
    return None


def find_open_session(store: Store, now: datetime) -> SessionRecord | None:
    """The guided session started in the last hours and not finished yet."""
    for record in reversed(store.sessions(source=SESSION_SOURCE, open_since=now - OPEN_SESSION_MAX_AGE)):
        if record.name.startswith(SESSION_PREFIX) and record.started_at <= now:
            return record
    return None


def where_now(store: Store, programme: Programme, now: datetime | None = None) -> Now:
    """The planned days, how many are done, and the session to do now."""
    now = now or local_now()
    open_session = find_open_session(store, now)
    # the plan reads nothing else: other exercises stay in the database; with a session in
    # progress, the log as it was when that session started
    history = (
        store.movement_sets()
        if open_session is None
        else store.movement_sets(before=open_session.started_at, outside_session=open_session.id)
    )
    planned = planned_sessions(programme)
    done = sessions_done_since(history, programme.created_at)
    if done >= len(planned):
        return Now(
            planned=planned,
            done=len(planned),
            current=None,
            open_session=open_session,
            stopped=unfinished_session(programme, history) if open_session is None else None,
        )
    session = next_session(programme, history)
    current = replace(planned[done], session=session)
    if open_session is not None and open_session.name != session_name(session.title):
        open_session = None  # started elsewhere for another day: not this session's
    stopped = unfinished_session(programme, history) if open_session is None else None
    return Now(planned=planned, done=done, current=current, open_session=open_session, stopped=stopped)


def open_session(store: Store, current: ScheduledSession, now: datetime, found: SessionRecord | None) -> int:
    """The id of the session in progress, started now if there is none."""
    if found is not None and found.id is not None:  # a session from the store always has its id
        return found.id
    return store.start_session(session_name(current.session.title), source=SESSION_SOURCE, started_at=now)


def session_sets(store: Store, session_id: int | None) -> list[LoggedSet]:
    """The sets of one session, picked out by the database (a resumed session may be days old)."""
    if session_id is None:
        return []
    return store.sets(session_id=session_id)
