"""Training-log commands (added by :func:`register`): ``import``, ``imports``, ``undo-import``,
``export``, ``log``, ``sets``, ``edit-set``, ``delete-set``, ``delete-session``, ``analyses``,
``delete-analysis`` and ``progress``.

The log lives in the database ``upperback.store`` opens: a SQLite file in the user's data
directory, or ``$UPPERBACK_DATABASE_URL``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from upperback.errors import UpperbackError
from upperback.logged_set import SetType
from upperback.terminal import console
from upperback.units import WeightUnit as Unit

if TYPE_CHECKING:
    from upperback.library import Library
    from upperback.logbook.importer import ImportReport
    from upperback.store import LoggedSet

TIMEZONE_HELP = "IANA time zone of the dates (e.g. Europe/Berlin); default: this computer's."


class ImportFormat(StrEnum):
    AUTO = "auto"
    STRONG = "strong"
    HEVY = "hevy"
    FITNOTES = "fitnotes"
    JSON = "json"


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def register(app: typer.Typer) -> None:
    """Add the training-log commands to the ``upperback`` app."""
    app.command("import")(import_log)
    app.command("export")(export_log)
    app.command("log")(log_set)
    app.command("imports")(list_imports)
    app.command("undo-import")(undo_import)
    app.command("sets")(list_sets)
    app.command("edit-set")(edit_set)
    app.command("delete-set")(delete_set)
    app.command("delete-session")(delete_session)
    app.command("analyses")(list_analyses)
    app.command("delete-analysis")(delete_analysis)
    app.command("progress")(show_progress)


def list_imports(timezone: Annotated[str | None, typer.Option(help=TIMEZONE_HELP)] = None) -> None:
    """List the imports in the log, newest first, with the number 'undo-import' takes."""
    from upperback.logbook.zones import zone_named
    from upperback.store import open_store

    zone = zone_named(timezone)
    with open_store() as store:
        imports = store.imports()
    if not imports:
        console.print("Nothing has been imported yet.")
        return
    table = Table(title="Imports (undo one with: upperback undo-import NUMBER)", title_justify="left")
    for column in ("Number", "Imported", "File", "App", "Sets added", "Still in the log", "Units"):
        table.add_column(column)
    for item in imports:
        table.add_row(
            str(item.id),
            f"{item.imported_at.astimezone(zone):%Y-%m-%d %H:%M}",
            Path(item.file_name).name,
            item.format,
            str(item.sets_added),
            str(item.sets_now),
            " ".join(filter(None, (item.summary.get("units"), item.summary.get("unit_warning")))),
        )
    console.print(table)


def undo_import(batch: Annotated[int, typer.Argument(help="The import's number, from 'upperback imports'.")]) -> None:
    """Remove everything one import added; the rest of the log stays exactly as it was."""
    from upperback.store import open_store

    with open_store() as store:
        names = {i.id: Path(i.file_name).name for i in store.imports()}
        removed = store.undo_import(batch)
    console.print(
        f"Undid the import of [bold]{names[batch]}[/bold]: removed {removed.sets} sets and "
        f"{removed.sessions} session(s). You can import the file again (e.g. with another --unit)."
    )


def list_sets(
    last: Annotated[int, typer.Option(min=1, help="How many of the newest sets.")] = 20,
    exercise: Annotated[str | None, typer.Option(help="Only this movement id.")] = None,
    timezone: Annotated[str | None, typer.Option(help=TIMEZONE_HELP)] = None,
) -> None:
    """List the newest logged sets with the numbers 'edit-set', 'delete-set' and 'delete-session' take."""
    from upperback.logbook.zones import zone_named
    from upperback.store import open_store

    zone = zone_named(timezone)
    with open_store() as store:
        sets = store.sets(exercise_id=exercise)[-last:] if exercise else store.sets_page(0, last)[0][::-1]
    table = Table(title="Logged sets", title_justify="left")
    for column in ("Set number", "When", "Exercise", "Set", "What", "Session number"):
        table.add_column(column)
    for s in sets:
        table.add_row(
            str(s.id),
            f"{s.performed_at.astimezone(zone):%Y-%m-%d %H:%M}",
            s.exercise_name,
            str(s.set_index),
            _describe(s),
            str(s.session_id or ""),
        )
    console.print(table)


def edit_set(
    set_id: Annotated[int, typer.Argument(help="The set's number, from 'upperback sets'.")],
    reps: Annotated[int | None, typer.Option(min=0, help="Repetitions.")] = None,
    load: Annotated[float | None, typer.Option(min=0, help="Weight used (in --unit).")] = None,
    unit: Annotated[Unit | None, typer.Option(help="Unit of the weight.")] = None,
    duration: Annotated[float | None, typer.Option(min=0, help="Seconds.")] = None,
    rpe: Annotated[float | None, typer.Option(min=0, max=10, help="Effort, 1-10.")] = None,
    set_type: Annotated[SetType | None, typer.Option("--type", help="Kind of set.")] = None,
    notes: Annotated[str | None, typer.Option(help="Free text (replaces the old notes).")] = None,
) -> None:
    """Correct a logged set, e.g. upperback edit-set 812 --load 50 --unit lb."""
    from upperback.store import open_store

    changes = {
        name: value
        for name, value in (
            ("reps", reps),
            ("load", load),
            ("load_unit", unit),
            ("duration_s", duration),
            ("rpe", rpe),
            ("set_type", set_type),
            ("notes", notes),
        )
        if value is not None
    }
    if not changes:
        raise UpperbackError("Say what to change: --reps, --load, --unit, --duration, --rpe, --type or --notes.")
    with open_store() as store:
        if "load" in changes and "load_unit" not in changes and store.get_set(set_id).load_unit is None:
            changes["load_unit"] = Unit.KG
        edited = store.update_set(set_id, **changes)
    console.print(f"Set {edited.set_index} of [bold]{edited.exercise_name}[/bold] is now: {_describe(edited)}.")


def delete_set(set_id: Annotated[int, typer.Argument(help="The set's number, from 'upperback sets'.")]) -> None:
    """Delete one logged set."""
    from upperback.store import open_store

    with open_store() as store:
        removed = store.delete_set(set_id)
    console.print(f"Deleted set {removed.set_index} of [bold]{removed.exercise_name}[/bold] ({_describe(removed)}).")


def delete_session(
    session_id: Annotated[int, typer.Argument(help="The session's number, from 'upperback sets'.")],
) -> None:
    """Delete a training session and all its sets."""
    from upperback.store import open_store

    with open_store() as store:
        sessions = {s.id: s for s in store.sessions()}
        removed = store.delete_session(session_id)
    session = sessions[session_id]
    console.print(
        f"Deleted the session [bold]{session.name}[/bold] of {session.started_at:%Y-%m-%d} and its {removed.sets} sets."
    )


def list_analyses(timezone: Annotated[str | None, typer.Option(help=TIMEZONE_HELP)] = None) -> None:
    """List the saved form analyses with the numbers 'delete-analysis' takes."""
    from upperback.library import get_library
    from upperback.logbook.zones import zone_named
    from upperback.store import open_store

    zone = zone_named(timezone)
    with open_store() as store:
        analyses = store.form_analyses()
    table = Table(title="Form analyses", title_justify="left")
    for column in ("Number", "When", "Movement", "Report"):
        table.add_column(column)
    for a in analyses:
        table.add_row(
            str(a.id),
            f"{a.analyzed_at.astimezone(zone):%Y-%m-%d %H:%M}",
            get_library().movement(a.exercise_id).name,
            a.report_path,
        )
    console.print(table)


def delete_analysis(
    analysis_id: Annotated[int, typer.Argument(help="The analysis' number, from 'upperback analyses'.")],
) -> None:
    """Forget a form analysis (the report file itself is left where it is)."""
    from upperback.library import get_library
    from upperback.store import open_store

    with open_store() as store:
        removed = store.delete_form_analysis(analysis_id)
    name = get_library().movement(removed.exercise_id).name
    console.print(
        f"Deleted the analysis of {name} from {removed.analyzed_at:%Y-%m-%d}; its report file "
        f"{removed.report_path} was left in place."
    )


def import_log(
    file: Annotated[Path, typer.Argument(help="A Strong, Hevy or FitNotes CSV export, or an upperback JSON export.")],
    file_format: Annotated[
        ImportFormat, typer.Option("--format", "-f", help="The app that wrote the file.")
    ] = ImportFormat.AUTO,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help='Map a name in the file to a movement or variant id: "Seal Row (Barbell)=bent-over-row". '
            "Repeat for several; remembered for later imports.",
        ),
    ] = None,
    unit: Annotated[
        Unit,
        typer.Option(
            help="Unit of a weight column that names none (Strong's usual file); the import warns when the "
            "weights look like the other unit."
        ),
    ] = Unit.KG,
    timezone: Annotated[str | None, typer.Option(help=TIMEZONE_HELP)] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Read and map, but save nothing.")] = False,
) -> None:
    """Import training history from another app (or a JSON export) into the log."""
    from upperback.logbook.importer import import_file, parse_mappings
    from upperback.logbook.zones import zone_named
    from upperback.store import open_store

    mappings = parse_mappings(mapping or [])
    with open_store() as store:
        report = import_file(
            store,
            file,
            file_format.value,
            zone=zone_named(timezone),
            weight_unit=unit,
            mappings=mappings,
            dry_run=dry_run,
        )
    _show_import(report, dry_run)


def export_log(
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.")],
    file_format: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="csv (Strong layout) or json (everything, re-importable without loss)."),
    ] = ExportFormat.JSON,
    unit: Annotated[Unit, typer.Option(help="CSV only: the unit every weight is written in.")] = Unit.KG,
    timezone: Annotated[str | None, typer.Option(help=TIMEZONE_HELP)] = None,
) -> None:
    """Export the whole training log."""
    from upperback.logbook.json_io import write_json
    from upperback.logbook.strong_export import write_strong_csv
    from upperback.logbook.zones import zone_named
    from upperback.store import open_store

    with open_store() as store:
        if file_format is ExportFormat.JSON:
            document = write_json(store, output)
            count = f"{len(document.sets)} sets, {len(document.sessions)} sessions"
        else:
            count = f"{write_strong_csv(store, output, zone_named(timezone), unit)} sets"
    console.print(f"Exported {count} to [bold]{output}[/bold].")


def log_set(
    exercise: Annotated[str, typer.Argument(help="Movement id or name, e.g. bent-over-row.")],
    reps: Annotated[float | None, typer.Option(metavar="INTEGER", help="Repetitions.")] = None,
    load: Annotated[float | None, typer.Option(help="Weight used (in --unit).")] = None,
    unit: Annotated[Unit, typer.Option(help="Unit of --load.")] = Unit.KG,
    variant: Annotated[str | None, typer.Option(help="Variant id, e.g. dumbbell-bent-over-row.")] = None,
    duration: Annotated[float | None, typer.Option(help="Seconds (holds, carries).")] = None,
    distance: Annotated[float | None, typer.Option(help="Metres (carries).")] = None,
    rpe: Annotated[float | None, typer.Option(help="Effort, 1-10.")] = None,
    rir: Annotated[float | None, typer.Option(help="Reps left in reserve.")] = None,
    set_type: Annotated[SetType, typer.Option("--type", help="Kind of set.")] = SetType.NORMAL,
    date: Annotated[str | None, typer.Option(help='When: "2025-03-04" or "2025-03-04 18:30" (default: now).')] = None,
    notes: Annotated[str, typer.Option(help="Free text.")] = "",
    report: Annotated[Path | None, typer.Option(help="A form report (upperback analyze --json) of this set.")] = None,
    timezone: Annotated[str | None, typer.Option(help=TIMEZONE_HELP)] = None,
) -> None:
    """Log one set, e.g. upperback log bent-over-row --reps 10 --load 12 --unit kg --rpe 8."""
    from upperback.library import get_library
    from upperback.logbook.form_links import link_report, read_report
    from upperback.logbook.zones import zone_named
    from upperback.store import LoggedSet, open_store

    library = get_library()
    movement = library.resolve_exercise_name(exercise) or library.movement(exercise)
    variant_id = _checked_variant(library, movement.id, variant)
    if reps is None and duration is None and distance is None:
        raise UpperbackError("Say what was done: give --reps, --duration or --distance.")
    _check_numbers(reps=reps, load=load, load_unit=unit, duration_s=duration, distance_m=distance, rpe=rpe, rir=rir)
    if report is not None:  # check the report before anything is saved
        analyzed = read_report(report)[0]["exercise"]
        if analyzed != movement.id:
            raise UpperbackError(f"{report} analyses {analyzed}, not {movement.id}; pass the report of this set.")
    zone = zone_named(timezone)
    when = _when(date, zone)
    with open_store() as store:
        day_start = datetime.combine(when.astimezone(zone).date(), datetime.min.time(), zone)
        logged = store.log_next_set(
            LoggedSet(
                performed_at=when,
                exercise_id=movement.id,
                exercise_name=movement.name,
                variant_id=variant_id,
                set_type=set_type,
                reps=None if reps is None else int(reps),
                load=load,
                load_unit=unit if load is not None else None,
                duration_s=duration,
                distance_m=distance,
                rpe=rpe,
                rir=rir,
                notes=notes,
            ),
            since=day_start,
            until=day_start + timedelta(days=1),
        )
        if report is not None:
            link_report(store, report, set_id=logged.id, analyzed_at=when)
    local = when.astimezone(zone)
    day = "today" if local.date() == datetime.now(zone).date() else f"on {local:%Y-%m-%d %H:%M}"
    console.print(f"Logged set {logged.set_index} of [bold]{movement.name}[/bold] {day}: {_describe(logged)}.")


def show_progress(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for progress.png and progress.html.")] = Path(
        "upperback-progress"
    ),
    exercise: Annotated[str | None, typer.Option(help="Only this movement id.")] = None,
    since: Annotated[str | None, typer.Option(help="Only sets from this date on (YYYY-MM-DD).")] = None,
    timezone: Annotated[str | None, typer.Option(help=TIMEZONE_HELP)] = None,
) -> None:
    """Summarise progress (estimated 1RM, weekly volume per muscle, records, form) and plot it."""
    from upperback.library import get_library
    from upperback.logbook.progress import compute_progress
    from upperback.logbook.progress_plots import write_html, write_png
    from upperback.logbook.progress_view import progress_summary
    from upperback.logbook.zones import zone_named
    from upperback.store import open_store

    library = get_library()
    if exercise is not None:
        exercise = library.movement(exercise).id
    zone = zone_named(timezone)
    start = _when(since, zone) if since else None
    with open_store() as store:
        sets = store.sets(exercise_id=exercise, since=start)
        analyses = [a for a in store.form_analyses(exercise) if start is None or a.analyzed_at >= start]
    if not sets and not analyses:
        raise UpperbackError(
            "The log has no sets"
            + (" for that selection" if exercise or since else "")
            + " yet. Add some with 'upperback log' or 'upperback import'."
        )
    progress = compute_progress(sets, analyses, library, zone)
    console.print(progress_summary(progress))
    png, html = write_png(progress, output / "progress.png"), write_html(progress, output / "progress.html")
    console.print(f"Plots written to [bold]{png}[/bold] and [bold]{html}[/bold].")


# ---------------------------------------------------------------------- helpers


def _check_numbers(
    *,
    reps: float | None,
    load: float | None,
    load_unit: Unit | None,
    duration_s: float | None,
    distance_m: float | None,
    rpe: float | None,
    rir: float | None,
) -> None:
    """Refuse numbers outside :mod:`upperback.limits` before anything is opened or saved."""
    from upperback.limits import set_problems

    problems = set_problems(
        reps=reps, load=load, load_unit=load_unit, duration_s=duration_s, distance_m=distance_m, rpe=rpe, rir=rir
    )
    if problems:
        raise UpperbackError("Nothing was logged: " + "; ".join(problems) + ".")


def _checked_variant(library: Library, movement_id: str, variant: str | None) -> str | None:
    if variant is None:
        return None
    owner, found = library.variant(variant)
    if owner.id != movement_id:
        ids = ", ".join(v.id for v in library.movement(movement_id).variants)
        raise UpperbackError(f"'{found.id}' is a variant of {owner.id}, not of {movement_id}. Its variants: {ids}.")
    return found.id


def _when(text: str | None, zone: tzinfo) -> datetime:
    if text is None:
        return datetime.now(zone)
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=zone)
        except ValueError:
            continue
    raise UpperbackError(f"Date '{text}' is not like 2025-03-04 or 2025-03-04 18:30.")


def _describe(s: LoggedSet) -> str:
    parts = []
    if s.reps is not None:
        parts.append(f"{s.reps} reps")
    if s.load is not None:
        parts.append(f"{s.load:g} {s.load_unit}")
    if s.duration_s is not None:
        parts.append(f"{s.duration_s:g} s")
    if s.distance_m is not None:
        parts.append(f"{s.distance_m:g} m")
    if s.rpe is not None:
        parts.append(f"RPE {s.rpe:g}")
    if s.set_type is not SetType.NORMAL:
        parts.append(s.set_type)
    return ", ".join(parts)


MATCH_REASONS = {
    "alias": "you mapped it before",
    "exact": "a library name",
    "equipment": "a library name with its equipment",
    "words": "its words say so",
    "fuzzy": "a close spelling of a library name",
}


def _target_name(movement_id: str, variant_id: str | None) -> str:
    from upperback.library import get_library

    movement = get_library().movement(movement_id)
    return next((v.name for v in movement.variants if v.id == variant_id), movement.name)


def _show_import(report: ImportReport, dry_run: bool) -> None:
    console.print(
        f"Read {report.sets_read} sets from {report.rows_read} rows of a {report.format} file "
        f"([bold]{report.path.name}[/bold])"
        + (f"; {report.rows_skipped} rows held no set (rest timers, notes)." if report.rows_skipped else ".")
    )
    if report.units is not None:
        console.print(report.units.sentence)
        if report.units.warning:
            again = f'upperback import "{report.path}" --unit {report.units.suggested_unit}'
            undo = (
                f"upperback undo-import {report.outcome.batch_id}, then "
                if report.outcome and report.outcome.batch_id
                else ""
            )
            console.print(
                f"[bold yellow]Check the unit:[/bold yellow] {report.units.warning} If they are, "
                f"import the file again in {report.units.suggested_unit}: {undo}{again}"
            )
    outcome = report.outcome
    if dry_run:
        console.print("Dry run: nothing was saved.")
    else:
        assert outcome is not None  # every import that is not a dry run has its outcome
        if outcome.already_imported:
            console.print("This file was imported before; no sets were added.")
        else:
            console.print(
                f"Added {outcome.sets_added} sets in {outcome.sessions_added} new session(s)"
                + (f"; {outcome.sets_skipped} were already in the log." if outcome.sets_skipped else ".")
            )
    if outcome is not None and outcome.sets_remapped:
        console.print(f"Gave {outcome.sets_remapped} stored sets their movement from your --map.")
    if report.matches:
        table = Table(title="Exercise names mapped to the library (check them)", title_justify="left")
        for column in ("Name in the file", "Sets", "Logged as", "Because", "To change: --map NAME=..."):
            table.add_column(column)
        for name, match in sorted(report.matches.items()):
            table.add_row(
                name,
                str(report.match_sets.get(name, "")),
                _target_name(match.exercise_id, match.variant_id),
                MATCH_REASONS[match.how],
                match.variant_id or match.exercise_id,
            )
        console.print(table)
    if report.unmapped:
        table = Table(title="Names kept as exercises of their own", title_justify="left")
        for column in ("Name in the file", "Sets", "Suggestions (--map NAME=ID)"):
            table.add_column(column)
        for unmapped in report.unmapped:
            close = "; ".join(f"{c.label} = {c.variant_id or c.exercise_id}" for c in unmapped.candidates) or "-"
            table.add_row(unmapped.name, str(unmapped.sets), close)
        console.print(table)
        console.print(
            "These sets are kept as they are. If a name is one of the library's movements, re-run "
            'with --map "NAME=MOVEMENT-OR-VARIANT-ID" (remembered for later imports).'
        )
