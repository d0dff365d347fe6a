"""The saved profile and programme, and which planned session comes next.

A programme's first week starts on the day it was made; each planned day falls on
``start + 7 * (week - 1) + offset_days``. A planned session counts as done once a training
session of the same title holds logged sets and is over, so the next session is the first
one not done yet: missing a day moves the plan along instead of skipping work. "Over" means
finished with the Finish button, or left open for longer than a session lasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import ValidationError

from upperback.plans import Profile, Programme, build_programme, parse_profile
from upperback.plans.models import PlannedDay, Session, Week
from upperback.store import LoggedSet, Store

PLAN_NAME = "Programme from the web app"
SESSION_SOURCE = "session"
OPEN_SESSION_MAX_AGE = timedelta(hours=12)
"""Sets logged within this long of a session's start, before it is finished, join that session."""


@dataclass(frozen=True)
class PlannedSession:
    week: Week
    day: PlannedDay
    date: date

    @property
    def session(self) -> Session:
        return self.day.session

    @property
    def key(self) -> tuple[int, int]:
        return self.week.number, self.session.day


def local_now() -> datetime:
    return datetime.now().astimezone()


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


def planned_sessions(programme: Programme) -> list[PlannedSession]:
    first = start_date(programme)
    return [PlannedSession(week, day, first + timedelta(days=7 * (week.number - 1) + day.offset_days))
            for week, day in programme.days()]


def find(programme: Programme, week: int, day: int) -> PlannedSession | None:
    for planned in planned_sessions(programme):
        if planned.key == (week, day):
            return planned
    return None


def done_titles(store: Store, programme: Programme, now: datetime | None = None) -> set[str]:
    """Titles of planned sessions done since the programme was made: with logged sets, and
    finished (or left open for longer than a session lasts). A session in progress is not done."""
    now = now or local_now()
    sessions = {s.id: s.name for s in store.sessions()
                if s.source == SESSION_SOURCE and s.started_at >= programme.created_at
                and (s.ended_at is not None or now - s.started_at > OPEN_SESSION_MAX_AGE)}
    if not sessions:
        return set()
    return {sessions[s.session_id] for s in store.sets(since=programme.created_at)
            if s.session_id in sessions}


def next_session(programme: Programme, done: set[str]) -> PlannedSession | None:
    """The first planned session not done yet (None when the whole programme is done)."""
    for planned in planned_sessions(programme):
        if planned.session.title not in done:
            return planned
    return None


def find_open_session(store: Store, title: str, now: datetime) -> int | None:
    """The id of the unfinished training session with this title started in the last hours."""
    for record in reversed(store.sessions()):
        if (record.name == title and record.source == SESSION_SOURCE and record.ended_at is None
                and timedelta(0) <= now - record.started_at <= OPEN_SESSION_MAX_AGE):
            return record.id
    return None


def open_session(store: Store, title: str, now: datetime) -> int:
    """The unfinished session with this title, or a new one started now."""
    found = find_open_session(store, title, now)
    return found if found is not None else store.start_session(title, source=SESSION_SOURCE, started_at=now)


def session_sets(store: Store, session_id: int | None, since: datetime) -> list[LoggedSet]:
    if session_id is None:
        return []
    return [s for s in store.sets(since=since - OPEN_SESSION_MAX_AGE) if s.session_id == session_id]
