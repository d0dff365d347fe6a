"""Which planned day comes next, and that day's session with loads from the log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from upperback.errors import UpperbackError
from upperback.library import Library, get_library
from upperback.plans.models import Item, Load, PlannedSession, Programme
from upperback.plans.programme import build_week, strength_movement_ids
from upperback.plans.progression import performance_drop

if TYPE_CHECKING:
    from upperback.store.records import LoggedSet


def sessions_done_since(history: Sequence[LoggedSet], since: datetime) -> int:
    """Guided sessions with at least one set logged since ``since`` (the plan's creation)."""
    return len(
        {
            s.session_id
            for s in history
            if s.source == "session" and s.session_id is not None and s.performed_at >= since
        }
    )


def next_session(programme: Programme, history: Sequence[LoggedSet], library: Library | None = None) -> PlannedSession:
    """The next planned day's session, rebuilt so that loads follow the latest log entries and a
    drop in performance turns it into a deload session."""
    library = library or get_library()
    history = list(history)
    days = programme.days()
    done = sessions_done_since(history, programme.created_at)
    if done >= len(days):
        raise UpperbackError(
            f"Your {len(programme.weeks)}-week plan is complete ({done} sessions). "
            "Run 'upperback plan' to start the next block."
        )
    week, day = days[done]
    profile = programme.profile
    drop = None
    if not week.deload:
        drop = performance_drop(history, strength_movement_ids(profile, library))
    rebuilt = build_week(profile, week.number, history, library, drop)
    index = week.days.index(day)
    session = rebuilt.days[index].session
    change = history_change(day.session, session, drop)
    return session.model_copy(update={"notes": [change, *session.notes]}) if change else session


def history_change(planned: PlannedSession, today: PlannedSession, drop_reason: str | None) -> str | None:
    """One sentence on how the log changed the session from the plan, or None if it did not.

    Shown first on Today, so that an easier day or other weights never come as a surprise.
    """
    if today.deload and not planned.deload:
        return f"Your log made today an easier (deload) session: {drop_reason or 'recent sessions fell short.'}"
    planned_loads = {item.movement_id: item for item in planned.items}
    moved = [
        f"{item.variant_name.lower()} {item.load.text}"
        for item in today.items
        if item.load is not None
        and item.movement_id in planned_loads
        and _moved(planned_loads[item.movement_id], item.load, item.variant_id)
    ]
    if not moved:
        return None
    return f"Today follows your log rather than the first plan: {', '.join(moved)}."


def _moved(planned: Item, load: Load, variant_id: str) -> bool:
    """Whether the log gave today's exercise another load or variant than the plan had."""
    return planned.load is None or planned.load.text != load.text or planned.variant_id != variant_id


@dataclass(frozen=True)
class Unfinished:
    """The latest guided session of the plan, stopped before all its planned sets were logged."""

    session_id: int
    session: PlannedSession
    """That day's session as it was planned when it started (loads from the log before it)."""
    done: frozenset[tuple[str, int]]
    """(variant id, set number) of the sets already logged."""

    @property
    def planned_sets(self) -> int:
        return sum(item.sets for item in self.session.items)

    @property
    def sets_left(self) -> int:
        """Planned sets not logged yet."""
        return sum(
            1
            for item in self.session.items
            for number in range(1, item.sets + 1)
            if (item.variant_id, number) not in self.done
        )


def unfinished_session(
    programme: Programme, history: Sequence[LoggedSet], library: Library | None = None
) -> Unfinished | None:
    """The plan's latest guided session if it stopped with sets still to do, else None."""
    guided = [
        s
        for s in history
        if s.source == "session" and s.session_id is not None and s.performed_at >= programme.created_at
    ]
    if not guided:
        return None
    latest = max(guided, key=lambda s: (s.performed_at, s.session_id)).session_id
    assert latest is not None  # ``guided`` holds only sets with a session id
    its_sets = [s for s in guided if s.session_id == latest]
    began = min(s.performed_at for s in its_sets)
    before = [s for s in history if s.session_id != latest and s.performed_at < began]
    session = next_session(programme, before, library)
    done = frozenset((s.variant_id or "", s.set_index) for s in its_sets)
    planned = {(item.variant_id, number) for item in session.items for number in range(1, item.sets + 1)}
    if planned <= done:
        return None
    return Unfinished(session_id=latest, session=session, done=done)
