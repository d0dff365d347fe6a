"""CLI commands for profiles, plans, guided sessions and plan exports (``register(app)``)."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.prompt import Prompt

from upperback.errors import UpperbackError
from upperback.library import Equipment, Level
from upperback.plans.profile import Goal, Profile, parse_profile
from upperback.terminal import console

if TYPE_CHECKING:
    from upperback.plans.models import Programme


def register(app: typer.Typer) -> None:
    """Add ``profile``, ``plan``, ``session`` and ``export-plan`` to the app."""
    app.command("profile")(profile)
    app.command("plan")(plan)
    app.command("session")(session)
    app.command("export-plan")(export_plan)


def profile(
    equipment: Annotated[
        list[Equipment] | None,
        typer.Option("--equipment", "-e", help="What you have (repeat for several items); replaces the list."),
    ] = None,
    dumbbell_kg: Annotated[
        list[float] | None, typer.Option("--dumbbell-kg", help="A dumbbell weight you own, in kg (repeat for each).")
    ] = None,
    kettlebell_kg: Annotated[
        list[float] | None,
        typer.Option("--kettlebell-kg", help="A kettlebell weight you own, in kg (repeat for each)."),
    ] = None,
    band: Annotated[
        list[str] | None, typer.Option("--band", help="A resistance band you own, lightest first (repeat for each).")
    ] = None,
    level: Annotated[Level | None, typer.Option(help="Your training experience.")] = None,
    goal: Annotated[Goal | None, typer.Option(help="What you train for.")] = None,
    days: Annotated[int | None, typer.Option("--days", help="Days a week you can train.")] = None,
    minutes: Annotated[int | None, typer.Option("--minutes", help="Minutes per session.")] = None,
    desk_worker: Annotated[
        bool | None, typer.Option("--desk-worker/--no-desk-worker", help="Add short desk-break routines.")
    ] = None,
    avoid: Annotated[
        list[str] | None,
        typer.Option(
            "--avoid",
            help="A movement or variant id to avoid, or loaded-hinge (repeat); replaces the list.",
        ),
    ] = None,
    clear_avoid: Annotated[bool, typer.Option("--clear-avoid", help="Remove everything from the avoid list.")] = False,
    interactive: Annotated[bool, typer.Option("--interactive", "-i", help="Answer questions instead.")] = False,
) -> None:
    """Show your training profile, or change it with options (or --interactive)."""
    from upperback.plans.programme import build_programme
    from upperback.plans.render import profile_table
    from upperback.store import open_store

    with open_store() as store:
        stored = store.load_profile()
        current = parse_profile(stored) if stored else Profile()
        changes: dict[str, Any] = {
            "equipment": equipment,
            "dumbbell_kg": dumbbell_kg,
            "kettlebell_kg": kettlebell_kg,
            "bands": band,
            "level": level,
            "goal": goal,
            "days_per_week": days,
            "minutes_per_session": minutes,
            "desk_worker": desk_worker,
            "avoid": [] if clear_avoid else avoid,
        }
        changes = {key: value for key, value in changes.items() if value is not None}
        if interactive:
            updated = _ask_profile(current)
        elif changes:
            updated = merge_profile(current, changes)
        else:
            if stored is None:
                console.print(
                    "No profile yet; these are the defaults. Set yours with options, e.g. "
                    "[bold]upperback profile -e dumbbells --dumbbell-kg 4 --dumbbell-kg 8 "
                    "--level beginner --goal posture[/bold], or with --interactive."
                )
            console.print(profile_table(current))
            return
        store.save_profile(updated.model_dump(mode="json"))
    console.print(profile_table(updated))
    console.print("Profile saved. Run [bold]upperback plan[/bold] for a programme that fits it.")
    try:
        build_programme(updated, 1)
    except UpperbackError as exc:
        console.print(f"[yellow]Note:[/yellow] no sound plan fits this profile yet. {exc}", highlight=False)


def merge_profile(current: Profile, changes: dict[str, Any]) -> Profile:
    """``current`` with ``changes`` applied; weights and bands for equipment that is no longer
    listed are dropped unless given again."""
    data = current.model_dump(mode="json") | changes
    if "equipment" in changes:
        listed = {Equipment(e) for e in changes["equipment"]}
        for field, item in (
            ("dumbbell_kg", Equipment.DUMBBELLS),
            ("kettlebell_kg", Equipment.KETTLEBELL),
            ("bands", Equipment.RESISTANCE_BAND),
        ):
            if item not in listed and field not in changes:
                data[field] = []
    return parse_profile(data)


def _ask_profile(current: Profile) -> Profile:
    """Ask for every field, with the current values as defaults, until the answers are valid."""
    answers = current.model_dump(mode="json")
    while True:
        answers["equipment"] = _ask_list(
            "Equipment (" + ", ".join(e.value for e in Equipment) + ")", answers["equipment"]
        )
        have = set(answers["equipment"])
        answers["dumbbell_kg"] = (
            _ask_numbers("Dumbbell weights in kg", answers["dumbbell_kg"]) if "dumbbells" in have else []
        )
        answers["kettlebell_kg"] = (
            _ask_numbers("Kettlebell weights in kg", answers["kettlebell_kg"]) if "kettlebell" in have else []
        )
        answers["bands"] = _ask_list("Bands, lightest first", answers["bands"]) if "resistance-band" in have else []
        answers["level"] = Prompt.ask(
            "Level", choices=[x.value for x in Level], default=answers["level"], console=console
        )
        answers["goal"] = Prompt.ask("Goal", choices=[x.value for x in Goal], default=answers["goal"], console=console)
        answers["days_per_week"] = Prompt.ask("Days per week", default=str(answers["days_per_week"]), console=console)
        answers["minutes_per_session"] = Prompt.ask(
            "Minutes per session", default=str(answers["minutes_per_session"]), console=console
        )
        answers["desk_worker"] = (
            Prompt.ask(
                "Desk worker", choices=["yes", "no"], default="yes" if answers["desk_worker"] else "no", console=console
            )
            == "yes"
        )
        answers["avoid"] = _ask_list("Avoid (movement or variant ids, or loaded-hinge)", answers["avoid"])
        try:
            return parse_profile(answers)
        except UpperbackError as exc:
            console.print(f"[red]{exc}[/red] Let's go through it again.")


def _ask_list(question: str, default: list) -> list[str]:
    text = Prompt.ask(
        f"{question}, comma-separated", default=", ".join(str(v) for v in default) or "-", console=console
    )
    return [part.strip() for part in text.split(",") if part.strip() and part.strip() != "-"]


def _ask_numbers(question: str, default: list[float]) -> list[float]:
    while True:
        parts = _ask_list(question, [f"{v:g}" for v in default])
        try:
            return [float(part) for part in parts]
        except ValueError:
            console.print("Give numbers separated by commas, e.g. 4, 6, 8.")


def plan(
    weeks: Annotated[int, typer.Option("--weeks", "-w", help="How many weeks to plan (1-26).")] = 4,
    brief: Annotated[bool, typer.Option("--brief", help="Only the week overview.")] = False,
) -> None:
    """Build a multi-week programme from your profile and training log, and save it."""
    from upperback.plans.programme import build_programme
    from upperback.plans.render import programme_view
    from upperback.store import open_store

    with open_store() as store:
        current = _stored_profile(store)
        programme = build_programme(current, weeks, history=store.sets())
        plan_id = store.save_plan(programme.model_dump(mode="json"), name=f"{weeks}-week plan")
    if brief:
        from upperback.plans.render import overview_table

        console.print(overview_table(programme))
    else:
        console.print(programme_view(programme))
    console.print(
        f"Saved as plan {plan_id}. Next: [bold]upperback session[/bold] guides you through "
        "the first day; [bold]upperback export-plan -o plan.ics[/bold] puts it in your calendar."
    )


def session(
    preview: Annotated[bool, typer.Option("--preview", help="Show the next session without starting it.")] = False,
) -> None:
    """Guide you through the next planned session, logging each set as you go."""
    from upperback.plans.guided import GuidedSession, TerminalIO
    from upperback.plans.render import session_view
    from upperback.plans.today import next_session, unfinished_session
    from upperback.store import open_store

    with open_store() as store:
        current = _stored_profile(store)
        programme = _current_programme(store, current)
        history = store.sets()
        stopped = unfinished_session(programme, history)
        if stopped is not None and not preview:
            left = stopped.sets_left
            console.print(
                f"[bold]{stopped.session.title}[/bold] stopped with {left} planned "
                f"set{'' if left == 1 else 's'} still to do."
            )
            answer = console.input("Carry on with it? [bold][Y/n][/bold] ").strip().lower()
            if answer in ("", "y", "yes"):
                result = GuidedSession(stopped.session, store, TerminalIO(console), console, resume=stopped).run()
                _after(result)
                return
        today = next_session(programme, history)
        if preview:
            console.print(session_view(today))
            return
        result = GuidedSession(today, store, TerminalIO(console), console).run()
    _after(result)


def _after(result) -> None:
    if not result.finished:
        console.print("Run [bold]upperback session[/bold] again to carry on where you stopped.")


def export_plan(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="ics (calendar), md (Markdown) or html (printable); default: from the file name."
        ),
    ] = None,
    weeks: Annotated[int | None, typer.Option("--weeks", "-w", help="Plan this many weeks afresh first.")] = None,
    start: Annotated[str | None, typer.Option(help="Calendar: first day, YYYY-MM-DD (default: next Monday).")] = None,
    at: Annotated[str, typer.Option("--at", help="Calendar: start time of each session, HH:MM.")] = "18:00",
) -> None:
    """Export your plan to a calendar file (.ics), Markdown (.md) or printable HTML (.html)."""
    from upperback.plans.export import FORMATS, write_export
    from upperback.plans.programme import build_programme
    from upperback.store import open_store

    chosen = (fmt or output.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise UpperbackError(
            f"Cannot tell the export format from '{output.name}'; add --format "
            f"{'|'.join(FORMATS)} or use a .ics, .md or .html file name."
        )
    first_day = _parse(date.fromisoformat, start, "--start", "a date like 2026-06-01") if start else None
    clock = _parse(time.fromisoformat, at, "--at", "a time like 07:30")
    with open_store() as store:
        current = _stored_profile(store)
        if weeks is not None:
            programme = build_programme(current, weeks, history=store.sets())
            store.save_plan(programme.model_dump(mode="json"), name=f"{weeks}-week plan")
        else:
            programme = _current_programme(store, current)
    write_export(programme, chosen, output, start=first_day, at=clock)
    console.print(f"Wrote the {len(programme.weeks)}-week plan to [bold]{output}[/bold].")


# --------------------------------------------------------------------------- helpers


def _stored_profile(store) -> Profile:
    data = store.load_profile()
    if data is None:
        raise UpperbackError(
            "There is no profile yet. Create one first, e.g. 'upperback profile -e "
            "resistance-band --level beginner --goal posture', or 'upperback profile -i'."
        )
    return parse_profile(data)


def _current_programme(store, current: Profile) -> Programme:
    """The latest saved plan if it was made for the current profile; otherwise a new 4-week plan."""
    from upperback.plans.models import Programme
    from upperback.plans.programme import build_programme

    latest = store.latest_plan()
    if latest is not None:
        try:
            programme = Programme.model_validate(latest[1])
        except ValidationError:
            programme = None
        if programme is not None and programme.profile == current:
            return programme
        console.print("Your profile changed since the last plan (or it was made by an older version); planning afresh.")
    programme = build_programme(current, 4, history=store.sets())
    store.save_plan(programme.model_dump(mode="json"), name="4-week plan")
    return programme


def _parse(parser, text: str, option: str, example: str):
    try:
        return parser(text)
    except ValueError:
        raise UpperbackError(f"{option} '{text}' is not valid; give {example}.") from None
