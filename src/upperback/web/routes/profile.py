"""The profile form: what the user has and wants; saving it builds their programme."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from upperback.errors import UpperbackError
from upperback.library import Equipment, Level, get_library
from upperback.limits import DAYS_PER_WEEK, MINUTES_PER_SESSION, Limit
from upperback.plans import LOADED_HINGE, Goal, Profile
from upperback.web import planning
from upperback.web.deps import render, require_csrf, store
from upperback.web.forms import whole

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
    try:
        weeks = _weeks(form_data.get("weeks"))
        values = _profile_values(form_data)
        planning.make_programme(store(request), values, weeks)
    except UpperbackError as exc:
        shown = _profile_values(form_data, strict=False)
        return _page(request, shown, weeks=_weeks(form_data.get("weeks"), strict=False), error=exc.message,
                     status_code=422)
    return RedirectResponse("/today?new=1", status_code=303)


def _page(request: Request, values: dict, weeks: int, error: str | None = None,
          status_code: int = 200) -> Response:
    library = get_library()
    return render(request, "profile.html", {
        "values": values, "weeks": weeks, "week_choices": WEEK_CHOICES, "error": error,
        "goals": GOAL_TEXT, "levels": LEVEL_TEXT, "equipment": EQUIPMENT_TEXT,
        "movements": library.movements, "loaded_hinge": LOADED_HINGE,
        "list_text": _list_text,
    }, status_code=status_code)


def _profile_values(form: FormData, strict: bool = True) -> dict:
    """The form as the plain data :func:`upperback.plans.parse_profile` validates.

    With ``strict=False`` weight lists that do not parse stay as typed (to show the form again).
    """
    equipment = [str(e) for e in form.getlist("equipment")]

    def weights(key: str, what: str):
        try:
            return _numbers(form.get(key), what)
        except UpperbackError:
            if strict:
                raise
            return str(form.get(key))

    def whole_number(key: str, limit: Limit):
        text = str(form.get(key) or "").strip()
        try:
            value = whole(text, limit)
            if value is None:
                raise UpperbackError(f"Fill in the {limit.label} ({limit.describe()}).")
            return value
        except UpperbackError:
            if strict:
                raise
            return text

    values: dict = {
        "equipment": equipment or [Equipment.NONE.value],
        "dumbbell_kg": weights("dumbbell_kg", "dumbbell weights"),
        "kettlebell_kg": weights("kettlebell_kg", "kettlebell weights"),
        "bands": [b.strip() for b in re.split(r"[,\n]", str(form.get("bands") or "")) if b.strip()],
        "level": form.get("level") or Level.BEGINNER.value,
        "goal": form.get("goal") or Goal.POSTURE.value,
        "days_per_week": whole_number("days_per_week", DAYS_PER_WEEK),
        "minutes_per_session": whole_number("minutes_per_session", MINUTES_PER_SESSION),
        "desk_worker": form.get("desk_worker") == "yes",
        "avoid": [str(a) for a in form.getlist("avoid")],
    }
    for key in ("barbell_kg", "barbell_step_kg"):
        text = str(form.get(key) or "").strip()
        if text:
            numbers = weights(key, key.replace("_", " ").replace(" kg", " weight"))
            values[key] = numbers[0] if isinstance(numbers, list) and numbers else text
    return values


def _numbers(text, what: str) -> list[float]:
    parts = [p for p in re.split(r"[,;\s]+", str(text or "").replace("kg", " ")) if p]
    numbers = []
    for part in parts:
        try:
            numbers.append(float(part))
        except ValueError:
            raise UpperbackError(f"'{part}' in the {what} is not a number; write the weights in kg "
                                 "separated by commas, e.g. 4, 6, 8.") from None
    return numbers


def _weeks(text, strict: bool = True) -> int:
    """The plan length chosen; anything but one of :data:`WEEK_CHOICES` is refused (or, with
    ``strict=False``, shown as the first choice on a form that comes back with an error)."""
    chosen = str(text or "").strip()
    for weeks in WEEK_CHOICES:
        if chosen == str(weeks):
            return weeks
    if not strict:
        return WEEK_CHOICES[0]
    raise UpperbackError(f"Choose how many weeks to plan: {', '.join(map(str, WEEK_CHOICES[:-1]))} or "
                         f"{WEEK_CHOICES[-1]} (got '{chosen[:20]}').")


def _list_text(values: list | str) -> str:
    if isinstance(values, str):
        return values
    return ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in values)
