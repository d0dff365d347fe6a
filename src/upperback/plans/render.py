"""Rich renderings of profiles, sessions and programmes for the terminal."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from upperback.plans.dose import KEY_BACK_MUSCLES
from upperback.plans.models import Item, PlannedSession, Programme
from upperback.plans.profile import Profile


def profile_rows(profile: Profile) -> list[tuple[str, str]]:
    """The profile as (field, value) text pairs."""
    return [
        ("equipment", ", ".join(e.value for e in profile.equipment)),
        ("dumbbells (kg)", ", ".join(f"{kg:g}" for kg in profile.dumbbell_kg) or "-"),
        ("kettlebells (kg)", ", ".join(f"{kg:g}" for kg in profile.kettlebell_kg) or "-"),
        ("bands", ", ".join(profile.bands) or "-"),
        ("level", profile.level.value),
        ("goal", profile.goal.value),
        ("days per week", str(profile.days_per_week)),
        ("minutes per session", str(profile.minutes_per_session)),
        ("desk worker", "yes" if profile.desk_worker else "no"),
        ("avoid", ", ".join(profile.avoid) or "-"),
    ]


def profile_table(profile: Profile) -> Table:
    table = Table(title="Your profile", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for name, value in profile_rows(profile):
        table.add_row(name, value)
    return table


def item_row(item: Item) -> list[str]:
    return [
        item.variant_name,
        item.dose_text,
        item.load.text if item.load else "-",
        f"{item.rest_s} s" if item.rest_s else "-",
        str(item.tempo) if item.tempo else "-",
        str(item.rir) if item.rir is not None else "-",
    ]


def session_view(session: PlannedSession, reasons: bool = True) -> RenderableType:
    """A table of the session's items, then (optionally) every choice with its reason."""
    kind = "deload" if session.deload else session.kind
    table = Table(
        title=f"{session.title} ({kind}{', ' + session.label if session.kind == 'training' else ''}): "
        f"about {session.minutes} of {session.minutes_available} min",
        title_justify="left",
    )
    for column in ("exercise", "sets × work", "load", "rest", "tempo", "RIR"):
        table.add_column(column)
    for item in session.items:
        table.add_row(*item_row(item))
    parts: list[RenderableType] = [table]
    for item in session.items:
        extra = ([item.ramp_up] if item.ramp_up else []) + item.cues
        if reasons or extra:
            lines = [f"  {r.topic}: {r.text}" for r in item.reasons] if reasons else []
            lines += [f"  ! {cue}" for cue in extra]
            parts.append(Text(f"{item.variant_name}\n" + "\n".join(lines)))
    for note in session.notes:
        parts.append(Text(f"Note: {note}", style="yellow"))
    return Group(*parts)


def overview_table(programme: Programme) -> Table:
    """One row per week: build or deload, effort, upper-back hard sets and the days."""
    overview = Table(title=f"{len(programme.weeks)}-week plan", title_justify="left")
    for column in ("week", "focus", "RIR", "upper-back hard sets", "days"):
        overview.add_column(column)
    for week in programme.weeks:
        key = min(week.back_sets.get(m, 0.0) for m in KEY_BACK_MUSCLES)
        days = ", ".join(
            f"day {d.offset_days + 1} " + (d.session.label if d.session.kind == "training" else "mobility")
            for d in week.days
        )
        overview.add_row(str(week.number), "deload" if week.deload else "build", str(week.rir), f"{key:g}", days)
    return overview


def programme_view(programme: Programme) -> RenderableType:
    """Week overview, the first week's sessions in detail, desk breaks and the rules."""
    parts: list[RenderableType] = [overview_table(programme)]
    for week in programme.weeks:
        if week.deload_reason:
            parts.append(Text(f"Week {week.number}: {week.deload_reason}", style="yellow"))
    seen: set[str] = set()
    for day in programme.weeks[0].days:
        key = day.session.label if day.session.kind == "training" else "mobility"
        if key not in seen:
            seen.add(key)
            parts.append(session_view(day.session))
    for routine in programme.desk_breaks:
        items = "; ".join(f"{i.variant_name} {i.dose_text}" for i in routine.items)
        parts.append(Text(f"Desk break, {routine.name}: {items}"))
    for rule in programme.rules:
        parts.append(Text(f"{rule.topic}: {rule.text} ({rule.source})", style="dim"))
    for note in programme.notes:
        parts.append(Text(note, style="dim"))
    return Group(*parts)
