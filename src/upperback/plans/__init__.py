"""Plans: a user profile, sessions in sound coaching order, multi-week programmes with
progressive overload, a guided terminal session and exports (iCalendar, Markdown, HTML).

The names below load on first use, so a command that needs only the profile does not load the
programme builder.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from upperback.plans.models import Item, PlannedSession, Programme
    from upperback.plans.profile import LOADED_HINGE, Goal, Profile, parse_profile, update_profile
    from upperback.plans.programme import build_programme
    from upperback.plans.session import DayPlan, ImpossibleProfileError, build_session

__all__ = [
    "LOADED_HINGE",
    "DayPlan",
    "Goal",
    "ImpossibleProfileError",
    "Item",
    "PlannedSession",
    "Profile",
    "Programme",
    "build_programme",
    "build_session",
    "parse_profile",
    "update_profile",
]

_HOMES = {
    "Item": "models",
    "Programme": "models",
    "PlannedSession": "models",
    "LOADED_HINGE": "profile",
    "Goal": "profile",
    "Profile": "profile",
    "parse_profile": "profile",
    "update_profile": "profile",
    "build_programme": "programme",
    "DayPlan": "session",
    "ImpossibleProfileError": "session",
    "build_session": "session",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(importlib.import_module(f"upperback.plans.{_HOMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
