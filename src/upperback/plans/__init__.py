"""Plans: a user profile, sessions in sound coaching order, multi-week programmes with
progressive overload, a guided terminal session and exports (iCalendar, Markdown, HTML)."""

from upperback.plans.models import Item, Programme, Session
from upperback.plans.profile import LOADED_HINGE, Goal, Profile, parse_profile, update_profile
from upperback.plans.programme import build_programme
from upperback.plans.session import DayPlan, ImpossibleProfileError, build_session

__all__ = [
    "LOADED_HINGE",
    "DayPlan",
    "Goal",
    "ImpossibleProfileError",
    "Item",
    "Profile",
    "Programme",
    "Session",
    "build_programme",
    "build_session",
    "parse_profile",
    "update_profile",
]
