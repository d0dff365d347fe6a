"""The profile form: what the user has and wants; saving it builds their programme."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from upperback.errors import UpperbackError
from upperback.library import Equipment, Level, get_library
from upperback.limits import BARBELL_KG, BARBELL_STEP_KG, DAYS_PER_WEEK, MINUTES_PER_SESSION, OWNED_WEIGHT_KG, Limit
from upperback.plans import LOADED_HINGE, Goal, Profile
from upperback.web import planning
from upperback.web.deps import render, require_csrf, store
from upperback.web.forms import FieldError, collect, number, numbers, whole

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
    Equipment.RESISTANCE_BAND: "Resistance band",
    Equipment.DUMBBELLS: "Dumbbells",
    Equipment.BARBELL: "Barbell",
    Equipment.KETTLEBELL: "Kettlebell",
    Equipment.HOUSEHOLD_OBJECTS: "Things to carry (bags, bottles, buckets)",
    Equipment.CHAIR: "A sturdy chair",
    Equipment.BENCH: "A bench",
}


@router.get("")
def form(request: Request) -> Response:
    saved = store(request).load_profile()
    return _page(request, saved or Profile().model_dump(mode="json"), weeks=WEEK_CHOICES[0])


@router.post("", dependencies=[Depends(require_csrf)])
async def save(request: Request) -> Response:
    form_data = await request.form()
    values, problems = _profile_values(form_data)
    weeks = collect(problems, "weeks", lambda: _weeks(form_data.get("weeks")))
    if weeks is None:  # refused: the form shows the first choice again
        weeks = WEEK_CHOICES[0]
    if problems:
        return _page(request, values, weeks=weeks, errors=problems, status_code=422)
    try:
        planning.make_programme(store(request), values, weeks)
    except UpperbackError as exc:  # a plan that cannot be made: the whole form's problem
        return _page(request, values, weeks=weeks, errors={"": exc.message}, status_code=422)
    return RedirectResponse("/today?new=1", status_code=303)


def _page(
    request: Request, values: dict, weeks: int, errors: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    library = get_library()
    return render(
        request,
        "profile.html",
        {
            "values": values,
            "weeks": weeks,
            "week_choices": WEEK_CHOICES,
            "errors": errors or {},
            "goals": GOAL_TEXT,
            "levels": LEVEL_TEXT,
            "equipment": EQUIPMENT_TEXT,
            "movements": library.movements,
            "loaded_hinge": LOADED_HINGE,
            "list_text": _list_text,
        },
        status_code=status_code,
    )


WEIGHT_FIELDS = {
    "dumbbell_kg": (Equipment.DUMBBELLS, "dumbbell"),
    "kettlebell_kg": (Equipment.KETTLEBELL, "kettlebell"),
}
"""The fields listing weights owned, with the equipment each needs ticked."""
COUNT_FIELDS = {"days_per_week": DAYS_PER_WEEK, "minutes_per_session": MINUTES_PER_SESSION}
"""Whole-number fields and their ranges (the profile's own)."""
BAR_FIELDS = {"barbell_kg": BARBELL_KG, "barbell_step_kg": BARBELL_STEP_KG}


def _profile_values(form: FormData) -> tuple[dict, dict[str, str]]:
    """The form as the plain data :func:`upperback.plans.parse_profile` validates, and the
    problems found, by field, in plain words. A value with a problem stays as typed."""
    problems: dict[str, str] = {}
    equipment = [str(e) for e in form.getlist("equipment")]

    def read(field: str, reader):
        text = str(form.get(field) or "").strip()
        return collect(problems, field, lambda: reader(text), text)

    values: dict = {
        "equipment": equipment or [Equipment.NONE.value],
        "bands": [b.strip() for b in re.split(r"[,\n]", str(form.get("bands") or "")) if b.strip()],
        "level": form.get("level") or Level.BEGINNER.value,
        "goal": form.get("goal") or Goal.POSTURE.value,
        "desk_worker": form.get("desk_worker") == "yes",
        "avoid": [str(a) for a in form.getlist("avoid")],
    }
    for field, limit in COUNT_FIELDS.items():
        values[field] = read(field, lambda t, f=field, lim=limit: _count(t, f, lim))
    for field, limit in BAR_FIELDS.items():
        if str(form.get(field) or "").strip():
            values[field] = read(field, lambda t, f=field, lim=limit: number(t, lim, f))
    for field, (implement, noun) in WEIGHT_FIELDS.items():
        values[field] = read(field, lambda t, f=field: _weights(t, f))
        if field not in problems:
            problem = _tick_problem(noun, EQUIPMENT_TEXT[implement], implement.value in equipment, bool(values[field]))
            if problem:
                problems[field] = problem
    if values["bands"] and Equipment.RESISTANCE_BAND.value not in equipment:
        problems["bands"] = _unticked_problem("band", EQUIPMENT_TEXT[Equipment.RESISTANCE_BAND])
    return values, problems


def _tick_problem(noun: str, label: str, ticked: bool, listed: bool) -> str | None:
    """What is wrong when the equipment ticked and the weights (or bands) typed disagree."""
    if ticked and not listed:
        return (
            f"Type the {noun} weights you own in kg, e.g. 4, 6, 8, so the plan can choose weights "
            f"(or untick {label} above)."
        )
    if listed and not ticked:
        return _unticked_problem(noun, label)
    return None


def _unticked_problem(noun: str, label: str) -> str:
    """Weights (or bands) typed for equipment that is not ticked."""
    return (
        f"You typed {noun} {'names' if noun == 'band' else 'weights'} but did not tick {label} above: "
        "tick it, or clear this box."
    )


def _count(text: str, field: str, limit: Limit) -> int:
    """A whole number the profile needs: a blank is a problem, never a silent default."""
    value = whole(text, limit, field)
    if value is None:
        raise FieldError.of(field, f"Fill in the {limit.label} ({limit.describe()}).")
    return value


def _weights(text: str, field: str) -> list[float]:
    """'4, 6, 8 kg' -> [4.0, 6.0, 8.0] (``12,5`` is 12.5, as in every field); an item that is not
    a usable weight raises for ``field``."""
    return numbers(text.replace("kg", " "), OWNED_WEIGHT_KG, field)


def _weeks(text: object) -> int:
    """The plan length chosen; anything but one of :data:`WEEK_CHOICES` is refused."""
    chosen = str(text or "").strip()
    for weeks in WEEK_CHOICES:
        if chosen == str(weeks):
            return weeks
    raise FieldError.of(
        "weeks",
        f"Choose how many weeks to plan: {', '.join(map(str, WEEK_CHOICES[:-1]))} or "
        f"{WEEK_CHOICES[-1]} (got '{chosen[:20]}').",
    )


def _list_text(values: list | str) -> str:
    if isinstance(values, str):
        return values
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)
