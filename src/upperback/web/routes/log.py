"""The training log (a table, a quick form to add a set, exports) and progress charts."""

from __future__ import annotations

import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import plotly.graph_objects as go
from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, RedirectResponse, Response

from upperback.errors import UpperbackError
from upperback.library import get_library
from upperback.limits import DURATION_S, REPS, RPE
from upperback.logbook.csv_reader import NotAnExportError
from upperback.logbook.importer import import_data, resolve_target
from upperback.logbook.progress import binned_volume, compute_progress
from upperback.logbook.progress_plots import fault_series, top_exercises, top_muscles
from upperback.logbook.zones import local_zone
from upperback.store import LoggedSet, SetType, WeightUnit
from upperback.web.deps import render, require_csrf, settings, store, upload_token_check
from upperback.web.forms import (
    SET_TYPE_NAMES,
    FieldError,
    choice,
    collect,
    kind_of_set,
    number,
    weight,
    weight_unit,
    whole,
)
from upperback.web.uploads import UploadKind, receive_upload

router = APIRouter()

PAGE_SIZE = 100
CHART_LAYOUT = {
    "margin": {"l": 48, "r": 12, "t": 40, "b": 40},
    "height": 420,
    "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
    "font": {"family": "system-ui, sans-serif", "size": 13},
    "colorway": ["#0e7c66", "#e0543a", "#f29e4c", "#3b6fd8", "#8a5cc7", "#2aa198", "#a33b2b", "#6b7280"],
}
DATE_AXIS = {"type": "date", "tickformat": "%-d %b", "gridcolor": "#e2e5de"}
MAX_IMPORT_BYTES = 20 * 1024**2
"""A year of Strong history is about 0.3 MB: room for decades."""
HISTORY_FILE = UploadKind(
    noun="file",
    too_large_advice="Export a shorter stretch of time from the app and import the parts one after the other.",
    missing="No file was attached. Choose the CSV your app exported (or an upperback JSON export), then press Import.",
    wrong_form="Send the file with the import form on the Log page.",
)
CHART_MUSCLES = 6
"""Muscles in the weekly chart: six groups of bars stay readable on a phone."""
WEEKLY_SETS_RANGE = (10, 20)
"""The weekly hard sets per muscle most people grow on (the plans' volume rule)."""


@router.get("/log")
def log_page(
    request: Request,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    finished: bool = False,
    added: bool = False,
    changed: str = "",
    mapped: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    """The log, a page of :data:`PAGE_SIZE` sets at a time (newest first), and the imports to undo."""
    return _log_page(request, page=page, finished=finished, added=added, changed=changed, mapped=mapped)


def _log_page(
    request: Request,
    *,
    page: int = 1,
    finished: bool = False,
    added: bool = False,
    changed: str = "",
    mapped: int | None = None,
    typed: dict | None = None,
    errors: dict | None = None,
    import_error: str | None = None,
    status_code: int = 200,
) -> Response:
    log = store(request)
    library = get_library()
    sets, total = log.sets_page((page - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    names = {m.id: m.name for m in library.movements}
    variants = {v.id: v.name for m in library.movements for v in m.variants}
    return render(
        request,
        "log.html",
        {
            "sets": sets,
            "total": total,
            "page": page,
            "pages": pages,
            "names": names,
            "variants": variants,
            "library": library,
            "finished": finished,
            "added": added,
            "mapped": mapped,
            "changed": changed[:200],
            "zone": local_zone(),
            "imports": log.imports(),
            "analyses": log.form_analyses(newest=PAGE_SIZE),
            "typed": typed,
            "errors": errors,
            "import_error": import_error,
            "units": tuple(WeightUnit),
        },
        status_code=status_code,
    )


@router.get("/log/sets/{set_id}")
def set_page(request: Request, set_id: int) -> Response:
    """One set, to correct or delete (and its session, to delete as a whole)."""
    log = store(request)
    logged = log.get_set(set_id)
    session = log.get_session(logged.session_id) if logged.session_id else None
    session_sets = log.count_sets(session_id=session.id) if session else 0
    return render(
        request,
        "log_set.html",
        {
            "s": logged,
            "session": session,
            "session_sets": session_sets,
            "zone": local_zone(),
            "units": tuple(WeightUnit),
            "set_types": SET_TYPE_NAMES,
        },
    )


@router.post("/log/sets/{set_id}", dependencies=[Depends(require_csrf)])
def edit_set(
    request: Request,
    set_id: int,
    reps: Annotated[str, Form()] = "",
    load: Annotated[str, Form()] = "",
    load_unit: Annotated[str, Form()] = WeightUnit.KG,
    seconds: Annotated[str, Form()] = "",
    rpe: Annotated[str, Form()] = "",
    set_type: Annotated[str, Form()] = SetType.NORMAL,
    notes: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    unit = weight_unit(load_unit)
    kg = weight(load, unit)
    edited = store(request).update_set(
        set_id,
        reps=whole(reps, REPS),
        load=kg,
        load_unit=unit if kg is not None else None,
        duration_s=number(seconds, DURATION_S),
        rpe=number(rpe, RPE),
        set_type=kind_of_set(set_type),
        notes=notes.strip(),
    )
    return RedirectResponse(
        f"/log?changed={quote(f'Set {edited.set_index} of {edited.exercise_name} corrected.')}", status_code=303
    )


@router.post("/log/sets/{set_id}/delete", dependencies=[Depends(require_csrf)])
def delete_set(request: Request, set_id: int) -> Response:
    removed = store(request).delete_set(set_id)
    return RedirectResponse(
        f"/log?changed={quote(f'Set {removed.set_index} of {removed.exercise_name} deleted.')}", status_code=303
    )


@router.post("/log/sessions/{session_id}/delete", dependencies=[Depends(require_csrf)])
def delete_session(request: Request, session_id: int) -> Response:
    removed = store(request).delete_session(session_id)
    return RedirectResponse(f"/log?changed={quote(f'Session deleted with its {removed.sets} sets.')}", status_code=303)


@router.post("/log/imports/{batch_id}/undo", dependencies=[Depends(require_csrf)])
def undo_import(request: Request, batch_id: int) -> Response:
    """Remove everything one import added; the rest of the log stays as it was."""
    log = store(request)
    name = next((Path(i.file_name).name for i in log.imports() if i.id == batch_id), "the file")
    removed = log.undo_import(batch_id)
    message = f"Undid the import of {name}: {removed.sets} sets and {removed.sessions} workouts removed."
    return RedirectResponse(f"/log?changed={quote(message)}", status_code=303)


@router.post("/log/analyses/{analysis_id}/delete", dependencies=[Depends(require_csrf)])
def delete_analysis(request: Request, analysis_id: int) -> Response:
    removed = store(request).delete_form_analysis(analysis_id)
    name = get_library().movement(removed.exercise_id).name
    return RedirectResponse(f"/log?changed={quote(f'The form analysis of {name} was deleted.')}", status_code=303)


@router.post("/log", dependencies=[Depends(require_csrf)])
def add_set(
    request: Request,
    exercise: Annotated[str, Form(max_length=100)],
    reps: Annotated[str, Form()] = "",
    load: Annotated[str, Form()] = "",
    load_unit: Annotated[str, Form()] = WeightUnit.KG,
    seconds: Annotated[str, Form()] = "",
    rpe: Annotated[str, Form()] = "",
    notes: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """A set done outside a planned session; ``exercise`` is a movement or variant id. A value
    that cannot be used brings the page back with everything typed and the message by its field."""
    library = get_library()
    try:
        movement, variant = library.variant(exercise)
    except UpperbackError:
        movement, variant = library.movement(exercise), None
    typed = {
        "exercise": exercise,
        "reps": reps,
        "load": load,
        "load_unit": load_unit,
        "seconds": seconds,
        "rpe": rpe,
        "notes": notes,
    }
    try:
        logged = _typed_set(movement, variant, typed)
    except FieldError as exc:
        return _log_page(request, typed=typed, errors=exc.errors, status_code=422)
    today = _start_of_today()
    store(request).log_next_set(logged, since=today, until=today + timedelta(days=1))
    return RedirectResponse("/log?added=1", status_code=303)


def _typed_set(movement, variant, typed: dict[str, str]) -> LoggedSet:
    """The set as typed on the Log page, checked field by field."""
    problems: dict[str, str] = {}

    reps = collect(problems, "reps", lambda: whole(typed["reps"], REPS, "reps"))
    unit = collect(problems, "load", lambda: weight_unit(typed["load_unit"], "load"))
    kg = collect(problems, "load", lambda: weight(typed["load"], unit, "load")) if unit else None
    seconds = collect(problems, "seconds", lambda: number(typed["seconds"], DURATION_S, "seconds"))
    rpe = collect(problems, "rpe", lambda: number(typed["rpe"], RPE, "rpe"))
    if not problems and reps is None and seconds is None:
        problems["reps"] = "Enter the reps (or the seconds, for a hold or a carry) of the set."
    if problems:
        raise FieldError(problems)
    return LoggedSet(
        performed_at=datetime.now().astimezone(),
        exercise_id=movement.id,
        exercise_name=movement.name,
        variant_id=variant.id if variant else None,
        set_index=1,
        reps=reps,
        load=kg,
        load_unit=unit if kg is not None else None,
        duration_s=seconds,
        rpe=rpe,
        notes=typed["notes"].strip(),
    )


@router.post("/log/import")
async def import_history(request: Request) -> Response:
    """A Strong, Hevy or FitNotes CSV (or an upperback JSON export) into the log, in one transaction."""
    received = await receive_upload(
        request, settings(request).uploads_dir, MAX_IMPORT_BYTES, upload_token_check(request), "history", HISTORY_FILE
    )
    try:
        data = received.path.read_bytes()
    finally:
        received.path.unlink(missing_ok=True)
    fmt = received.fields.get("format", "auto")
    unit = choice(
        received.fields.get("unit", WeightUnit.KG),
        WeightUnit,
        "unit",
        "Choose kg or lb for weights the file gives no unit for.",
    )
    try:
        report = await run_in_threadpool(
            import_data, store(request), data, Path(received.original_name), fmt, zone=local_zone(), weight_unit=unit
        )
    except NotAnExportError as exc:  # the import form comes back, with a message in the web's words
        return _log_page(request, import_error=_not_an_export(received.original_name, exc), status_code=422)
    except UpperbackError as exc:
        return _log_page(request, import_error=exc.message, status_code=422)
    library = get_library()
    batch = report.outcome.batch_id if report.outcome else None
    return render(
        request,
        "log_import.html",
        {
            "report": report,
            "library": library,
            "batch": batch,
            "labels": {
                **{m.id: m.name for m in library.movements},
                **{v.id: v.name for m in library.movements for v in m.variants},
            },
        },
    )


APP_NAMES = {"strong": "Strong", "hevy": "Hevy", "fitnotes": "FitNotes"}


def _not_an_export(name: str, exc: NotAnExportError) -> str:
    if exc.detected in APP_NAMES:
        app = APP_NAMES[exc.detected]
        return (
            f"'{name}' looks like an export from {app}, not the app chosen. Choose {app} (or "
            "'Find out from the file') under App and import it again."
        )
    return f"'{name}' is not a CSV export from Strong, Hevy or FitNotes. Choose the CSV file the app exported."


@router.post("/log/map", dependencies=[Depends(require_csrf)])
def map_name(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=200)],
    target: Annotated[str, Form(min_length=1, max_length=100)],
) -> Response:
    """Remember what an imported name means; the stored sets with that name get the movement now."""
    exercise_id, variant_id = resolve_target(target, get_library())
    updated = store(request).map_exercise_name(name, exercise_id, variant_id)
    return RedirectResponse(f"/log?mapped={updated}", status_code=303)


@router.post("/log/map-many", dependencies=[Depends(require_csrf)])
def map_names(
    request: Request,
    name: Annotated[list[str], Form()],
    target: Annotated[list[str], Form()],
    suggestion: Annotated[list[str], Form()],
    current: Annotated[list[str], Form()],
    action: Annotated[str, Form()] = "chosen",
) -> Response:
    """The names table: the rows whose choice changed, or (``action=suggested``) every unmapped
    name's suggestion. ``current`` is what a row maps to now (empty: an exercise of its own)."""
    if not len(name) == len(target) == len(suggestion) == len(current):
        raise UpperbackError("The names table came back incomplete; open the import page again.")
    library = get_library()
    rows = zip(name, target, suggestion, current, strict=True)
    if action == "suggested":
        picked = {n: s for n, _, s, now in rows if s.strip() and not now.strip()}
    else:
        picked = {n: t for n, t, _, now in rows if t.strip() and t != now}
    choices = {n: resolve_target(t, library) for n, t in picked.items()}
    updated = store(request).map_exercise_names(choices) if choices else 0
    return RedirectResponse(f"/log?mapped={updated}", status_code=303)


@router.get("/log/export.{fmt}")
def export(request: Request, fmt: str) -> Response:
    """The whole log as a Strong-compatible CSV or a lossless JSON document."""
    log = store(request)
    folder = Path(tempfile.mkdtemp(prefix="upperback-export-"))
    if fmt == "csv":
        from upperback.logbook.strong_export import write_strong_csv

        path = folder / "upperback-log.csv"
        write_strong_csv(log, path, local_zone())
        media = "text/csv"
    elif fmt == "json":
        from upperback.logbook.json_io import write_json

        path = folder / "upperback-log.json"
        write_json(log, path)
        media = "application/json"
    else:
        folder.rmdir()
        raise UpperbackError("Exports come as .csv (for Strong and spreadsheets) or .json (everything).")
    return FileResponse(path, media_type=media, filename=path.name, background=BackgroundTask(_remove, folder))


@router.get("/progress")
def progress(request: Request, q: Annotated[str, Query(max_length=100)] = "") -> Response:
    """Charts, and the records of the most trained exercises (``q`` searches them by name)."""
    log = store(request)
    library = get_library()
    result = compute_progress(log.sets(), log.form_analyses(), library, local_zone())
    muscle_names = {m.id: m.name for m in library.muscles}
    charts = []
    if result.e1rm:
        charts.append(
            (
                "Estimated one-rep max",
                "How much you could lift once, estimated from your sets of 1-12 reps (kg).",
                _e1rm_figure(result),
            )
        )
    bins = binned_volume(result.weekly_volume)
    if bins:
        span = "each week" if bins[0].weeks == 1 else f"a week on average, {bins[0].weeks} weeks to a bar"
        charts.append(
            (
                "Hard sets per week",
                f"Working sets per muscle ({span}); a set counts half for "
                "the muscles that only help. 10-20 a week suits most people.",
                _volume_figure(bins, result, muscle_names),
            )
        )
    if result.fault_trends:
        charts.append(
            (
                "Form over time",
                "Share of reps with each fault in your analysed videos (lower is better).",
                _fault_figure(result),
            )
        )
    records, matching = result.record_rows(q)
    return render(
        request,
        "progress.html",
        {
            "progress": result,
            "charts": charts,
            "muscle_names": muscle_names,
            "records": records,
            "matching": matching,
            "q": q,
        },
    )


def _e1rm_figure(progress) -> str:
    figure = go.Figure()
    for key in top_exercises(progress):
        points = progress.e1rm[key]
        figure.add_trace(
            go.Scatter(
                x=[p.day.isoformat() for p in points],
                y=[round(p.e1rm_kg, 1) for p in points],
                mode="lines+markers",
                name=progress.labels.get(key, key),
                marker={"size": 6},
                customdata=[f"{p.load_kg:.1f} kg x {p.reps}" for p in points],
                hovertemplate="%{x}: %{y} kg (%{customdata})<extra></extra>",
            )
        )
    days = [p.day for key in top_exercises(progress) for p in progress.e1rm[key]]
    figure.update_layout(**CHART_LAYOUT, yaxis_title="kg", xaxis=_date_axis(min(days), max(days)), showlegend=True)
    return _script_json(figure)


def _volume_figure(bins, progress, names: dict[str, str]) -> str:
    figure = go.Figure()
    starts = [b.start.isoformat() for b in bins]
    labels = [b.label for b in bins]
    for muscle in top_muscles(progress)[:CHART_MUSCLES]:
        figure.add_trace(
            go.Bar(
                x=starts,
                y=[b.hard_sets.get(muscle, 0.0) for b in bins],
                customdata=labels,
                name=names.get(muscle, muscle),
                hovertemplate="%{customdata}: %{y} sets a week<extra>%{fullData.name}</extra>",
            )
        )
    low, high = WEEKLY_SETS_RANGE
    peak = max((sets for b in bins for sets in b.hard_sets.values()), default=0.0)
    figure.add_hrect(
        y0=low,
        y1=high,
        fillcolor="#0e7c66",
        opacity=0.08,
        line_width=0,
        annotation_text=f"{low}-{high} a week",
        annotation_position="top left",
    )
    figure.update_layout(
        **CHART_LAYOUT,
        barmode="group",
        yaxis_title="hard sets a week",
        xaxis=_date_axis(bins[0].start, bins[-1].start),
        yaxis_range=[0, max(high + 2, peak * 1.1)],
    )
    return _script_json(figure)


def _fault_figure(progress) -> str:
    figure = go.Figure()
    for label, times, rates in fault_series(progress):
        figure.add_trace(
            go.Scatter(x=[t.isoformat() for t in times], y=rates, mode="lines+markers", name=label.replace("_", " "))
        )
    figure.update_layout(**CHART_LAYOUT, yaxis_tickformat=".0%", yaxis_range=[0, 1], xaxis=DATE_AXIS)
    return _script_json(figure)


ONE_DAY_MS = 86_400_000
SHORT_SPAN_DAYS = 14
"""Over fewer days than this plotly would also tick half days, each labelled with its date."""


def _date_axis(first: date, last: date) -> dict[str, str | int]:
    """Day and month ticks within a year, month and year beyond (plotly thins them to fit); at
    most one tick a day, so a short history shows each date once."""
    span_days = (last - first).days
    axis: dict[str, str | int] = {**DATE_AXIS, "tickformat": "%-d %b" if span_days < 300 else "%b %Y"}
    if span_days < SHORT_SPAN_DAYS:
        axis["dtick"] = ONE_DAY_MS
    return axis


def _script_json(figure: go.Figure) -> str:
    """The figure as JSON safe inside a <script> element (names from imports are user text)."""
    return figure.to_json().replace("</", "<\\/")


def _start_of_today() -> datetime:
    return datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)


def _remove(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink(missing_ok=True)
    folder.rmdir()
