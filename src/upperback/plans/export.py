"""Programme exports: an iCalendar file (one event per planned day), Markdown and printable HTML."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

from icalendar import Calendar, Event
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from upperback.errors import UpperbackError
from upperback.files import atomic_write_bytes
from upperback.plans.dose import KEY_BACK_MUSCLES
from upperback.plans.models import PlannedSession, Programme
from upperback.plans.render import profile_rows

Format = Literal["ics", "md", "html"]
FORMATS: tuple[Format, ...] = ("ics", "md", "html")
TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_TIME = time(18, 0)
EVENT_ROUNDING_MIN = 5


def default_start(today: date) -> date:
    """The next Monday (today when it is a Monday), so weeks line up with the calendar."""
    return today + timedelta(days=(7 - today.weekday()) % 7)


def session_text(session: PlannedSession) -> str:
    """Plain-text lines of a session for a calendar event."""
    lines = []
    for n, item in enumerate(session.items, start=1):
        load = f", {item.load.text}" if item.load else ""
        rest = f", rest {item.rest_s} s" if item.rest_s else ""
        effort = f", stop {item.rir} reps short" if item.rir is not None else ""
        lines.append(f"{n}. {item.variant_name}: {item.dose_text}{load}{rest}{effort}")
        if item.ramp_up:
            lines.append(f"   {item.ramp_up}")
        lines += [f"   {cue}" for cue in item.cues]
    lines += [f"Note: {note}" for note in session.notes]
    lines.append("Run 'upperback session' to be guided and to log your sets.")
    return "\n".join(lines)


def to_ics(programme: Programme, start: date, at: time = DEFAULT_TIME) -> bytes:
    """One event per planned day, at local time ``at`` (floating, so it follows the device's
    time zone), lasting the session's estimated time rounded up to five minutes."""
    calendar = Calendar()
    calendar.add("prodid", "-//upperback//training plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Upper-back training")
    stamp = programme.created_at
    for week, day in programme.days():
        session = day.session
        begins = datetime.combine(start + timedelta(days=7 * (week.number - 1) + day.offset_days), at)
        minutes = max(EVENT_ROUNDING_MIN, -(-session.seconds // (60 * EVENT_ROUNDING_MIN)) * EVENT_ROUNDING_MIN)
        kind = "deload" if session.deload else ("mobility" if session.kind == "mobility" else session.label)
        event = Event()
        event.add("uid", f"upperback-{stamp:%Y%m%dT%H%M%S}-w{week.number}-d{session.day}@upperback")
        event.add("dtstamp", stamp)
        event.add("dtstart", begins)
        event.add("dtend", begins + timedelta(minutes=minutes))
        event.add("summary", f"Upper back: week {week.number}, day {session.day} ({kind})")
        event.add("description", session_text(session))
        calendar.add_component(event)
    return calendar.to_ical()


def to_markdown(programme: Programme, heading_level: int = 1) -> str:
    """The programme as Markdown; ``heading_level`` shifts all headings (for embedding)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True
    )
    text = env.get_template("plan.md.j2").render(**_context(programme), heading="#" * heading_level)
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def to_html(programme: Programme) -> str:
    """A self-contained HTML page with print styles (one session per printed block)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
    return env.get_template("plan.html.j2").render(**_context(programme))


def write_export(
    programme: Programme, fmt: Format, path: Path, start: date | None = None, at: time = DEFAULT_TIME
) -> None:
    """Write the export atomically: a reader never sees half a file and an old one survives errors."""
    if fmt not in FORMATS:
        raise UpperbackError(f"Unknown export format '{fmt}'; use one of {', '.join(FORMATS)}.")
    if fmt == "ics":
        data = to_ics(programme, start or default_start(date.today()), at)
    else:
        data = (to_markdown(programme) if fmt == "md" else to_html(programme)).encode()
    folder = path.resolve().parent
    if not folder.is_dir():
        raise UpperbackError(f"The folder {folder} does not exist; create it or choose another path.")
    atomic_write_bytes(path, data)


def _context(programme: Programme) -> dict:
    first = programme.weeks[0]
    weeks = []
    for week in programme.weeks:
        key = min(week.back_sets.get(m, 0.0) for m in KEY_BACK_MUSCLES)
        days = ", ".join(
            f"day {d.offset_days + 1} " + (d.session.label if d.session.kind == "training" else "mobility")
            for d in week.days
        )
        weeks.append(
            {
                "number": week.number,
                "focus": "deload" if week.deload else "build",
                "rir": week.rir,
                "key_sets": f"{key:g}",
                "days": days,
            }
        )
    sessions, seen = [], set()
    for day in first.days:
        session_key = (day.session.kind, day.session.label)
        if session_key not in seen:
            seen.add(session_key)
            sessions.append(day.session)
    deload_session = None
    if not first.deload:
        for week in programme.weeks:
            if week.deload:
                deload_session = next((d.session for d in week.days if d.session.kind == "training"), None)
                break
    rows = profile_rows(programme.profile)
    muscles = ", ".join(f"{name} {sets:g}" for name, sets in first.back_sets.items())
    return {
        "title": f"Upper-back programme: {len(programme.weeks)} weeks",
        "programme": programme,
        "profile_rows": rows,
        "weeks": weeks,
        "sessions": sessions,
        "deload_session": deload_session,
        "deload_weeks": [w for w in programme.weeks if w.deload_reason],
        "muscles": muscles,
    }
