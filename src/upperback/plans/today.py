"""Which planned day comes next, and that day's session with loads from the log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from upperback.errors import UpperbackError
from upperback.library import Library, get_library
from upperback.plans.models import Programme, Session
from upperback.plans.programme import build_week, strength_movement_ids
from upperback.plans.progression import performance_drop

if TYPE_CHECKING:
    from upperback.store.records import LoggedSet


def sessions_done_since(history: Sequence[LoggedSet], since: datetime) -> int:
    """Guided sessions with at least one set logged since ``since`` (the plan's creation)."""
    return len({s.session_id for s in history
                if s.source == "session" and s.session_id is not None and s.performed_at >= since})


def next_session(programme: Programme, history: Sequence[LoggedSet],
                 library: Library | None = None) -> Session:
    """The next planned day's session, rebuilt so that loads follow the latest log entries and a
    drop in performance turns it into a deload session."""
    library = library or get_library()
    history = list(history)
    days = programme.days()
    done = sessions_done_since(history, programme.created_at)
    if done >= len(days):
        raise UpperbackError(f"Your {len(programme.weeks)}-week plan is complete ({done} sessions). "
                             "Run 'upperback plan' to start the next block.")
    week, day = days[done]
    profile = programme.profile
    drop = None
    if not week.deload:
        drop = performance_drop(history, strength_movement_ids(profile, library))
    rebuilt = build_week(profile, week.number, history, library, drop)
    index = week.days.index(day)
    return rebuilt.days[index].session
