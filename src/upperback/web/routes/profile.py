"""The profile form: what the user has and wants; saving it builds their programme."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from upperback.errors import UpperbackError
from upperback.library import Equipment, Level, get_library
from upperback.plans import LOADED_HINGE, Goal, Profile
from upperback.web import planning
from upperback.web.deps import render, require_csrf, store
from upperback.web.forms import FieldError, whole
from upperback.web.forms import number as form_number

router = APIRouter(prefix="/profile")

WEEK_CHOICES = (4, 6, 8, 12)
GOAL_TEXT = {
    Goal.POSTURE: "Better posture and a back that copes with long days at a desk",
    Goal.STRENGTH: "Lift heavier",
    Goal.MUSCLE: "Build muscle",
    Goal.ENDURANCE: "Keep going for longer",
}
LEVEL_TEXT = {
    Level.BEGINNER: "New to strength training, or back after a long break",
    Level.INTERMEDIATE: "Training regularly for six months or more",
    Level.ADVANCED: "Years of structured training",
}
EQUIPMENT_TEXT = {
    Equipment.RESISTANCE_BAND: "Resistance band", Equipment.DUMBBELLS: "Dumbbells",
    Equipment.BARBELL: "Barbell", Equipment.KETTLEBELL: "Kettlebell",
    Equipment.HOUSEHOLD_OBJECTS: "Things to carry (bags, bottles, buckets)",
    Equipment.CHAIR: "A sturdy chair", Equipment.BENCH: "A bench",
}


@router.get("")
def form(request: Request) -> Response:
    saved = store(request).load_profile()
    return _page(request, saved or Profile().model_dump(mode="json"), weeks=WEEK_CHOICES[0])


@router.post("", dependencies=[Depends(require_csrf)])
async def save(request: Request) -> Response:
    form_data = await request.form()
    weeks = _weeks(form_data.get("weeks"))
    values, problems = _profile_values(form_data)
    if problems:
        return _page(request, values, weeks=weeks, errors=problems, status_code=422)
    try:
        planning.make_programme(store(request), values, weeks)
    except UpperbackError as exc:  # a plan that cannot be made: the whole form's problem
        return _page(request, values, weeks=weeks, errors={"": exc.message}, status_code=422)
    return RedirectResponse("/today?new=1", status_code=303)


def _page(request: Request, values: dict, weeks: int, errors: dict[str, str] | None = None,
          status_code: int = 200) -> Response:
    library = get_library()
    return render(request, "profile.html", {
        "values": values, "weeks": weeks, "week_choices": WEEK_CHOICES, "errors": errors or {},
        "goals": GOAL_TEXT, "levels": LEVEL_TEXT, "equipment": EQUIPMENT_TEXT,
        "movements": library.movements, "loaded_hinge": LOADED_HINGE,
        "list_text": _list_text,
    }, status_code=status_code)


WEIGHT_FIELDS = {"dumbbell_kg": (Equipment.DUMBBELLS, "dumbbell"), "kettlebell_kg": (Equipment.KETTLEBELL, "kettlebell")}


def _profile_values(form: FormData) -> tuple[dict, dict[str, str]]:
    """The form as the plain data :func:`upperback.plans.parse_profile` validates, and the
    problems found, by field, in plain words. A value with a problem stays as typed."""
    problems: dict[str, str] = {}
    equipment = [str(e) for e in form.getlist("equipment")]

    def read(field: str, reader):
        text = str(form.get(field) or "").strip()
        try:
            return reader(text)
        except FieldError as exc:
            problems.update(exc.errors)
            return text

    values: dict = {
        "equipment": equipment or [Equipment.NONE.value],
        "bands": [b.strip() for b in re.split(r"[,\n]", str(form.get("bands") or "")) if b.strip()],
        "level": form.get("level") or Level.BEGINNER.value,
        "goal": form.get("goal") or Goal.POSTURE.value,
        "days_per_week": read("days_per_week", lambda t: _count(t, "days_per_week", "number of days a week", (1, 7), 3)),
        "minutes_per_session": read("minutes_per_session",
                                    lambda t: _count(t, "minutes_per_session", "number of minutes a session", (5, 240), 30)),
        "desk_worker": form.get("desk_worker") == "yes",
        "avoid": [str(a) for a in form.getlist("avoid")],
    }
    for field, (implement, noun) in WEIGHT_FIELDS.items():
        weights = values[field] = read(field, lambda t, noun=noun, field=field: _numbers(t, f"{noun} weights", field))
        ticked = implement.value in equipment
        if field in problems:
            continue
        if ticked and not weights:
            problems[field] = (f"Type the {noun} weights you own in kg, e.g. 4, 6, 8, so the plan can choose "
                               f"weights (or untick {EQUIPMENT_TEXT[implement]} above).")
        elif weights and not ticked:
            problems[field] = (f"You typed {noun} weights but did not tick {EQUIPMENT_TEXT[implement]} above: "
                               "tick it, or clear this box.")
    if values["bands"] and Equipment.RESISTANCE_BAND.value not in equipment:
        problems["bands"] = "You named bands but did not tick Resistance band above: tick it, or clear this box."
    for field, what, limits in (("barbell_kg", "empty bar", (1, 30)), ("barbell_step_kg", "smallest jump", (0.5, 10))):
        if str(form.get(field) or "").strip():
            values[field] = read(field, lambda t, what=what, field=field, limits=limits:
                                 form_number(t, f"{what} (kg)", field, limits))
    return values, problems


def _count(text: str, field: str, what: str, limits: tuple[int, int], default: int) -> int:
    value = whole(text, what, field, limits)
    return default if value is None else value


def _numbers(text: str, what: str, field: str) -> list[float]:
    parts = [p for p in re.split(r"[,;\s]+", text.replace("kg", " ")) if p]
    numbers = []
    for part in parts:
        value = form_number(part, what, field, (0.5, 150))
        if value is None:
            continue
        numbers.append(value)
    return numbers


def _weeks(text) -> int:
    """The plan length picked (a select, so anything else is the first choice)."""
    text = str(text or "").strip()
    return int(text) if text.isdigit() and int(text) in WEEK_CHOICES else WEEK_CHOICES[0]


def _list_text(values: list | str) -> str:
    if isinstance(values, str):
        return values
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)
