"""Which implement a variant is done with, the load steps the user owns, and first loads.

A "step" is the next weight the user can actually pick up: the next dumbbell or kettlebell
in their list, or the bar plus the smallest pair of plates.
"""

from __future__ import annotations

from upperback.library import Equipment, Level, Variant
from upperback.plans.dose import ExerciseClass
from upperback.plans.models import Implement, Load
from upperback.plans.profile import Profile

# Order of preference when a variant accepts several implements the user owns.
_IMPLEMENT_ORDER: tuple[tuple[Equipment, Implement], ...] = (
    (Equipment.DUMBBELLS, "dumbbell"),
    (Equipment.KETTLEBELL, "kettlebell"),
    (Equipment.BARBELL, "barbell"),
    (Equipment.RESISTANCE_BAND, "band"),
    (Equipment.HOUSEHOLD_OBJECTS, "household"),
)
MAX_BARBELL_KG = 250.0


def implement_for(variant: Variant, profile: Profile) -> Implement:
    """The implement the user will hold for this variant (``bodyweight`` when none)."""
    have = profile.equipment_set
    wanted = {item for need in variant.needs for item in need.any_of}
    for equipment, implement in _IMPLEMENT_ORDER:
        if equipment in wanted and equipment in have:
            return implement
    return "bodyweight"


def load_steps(profile: Profile, implement: Implement) -> list[float]:
    """The weights (kg) the user can load, lightest first; empty for bands and household loads."""
    if implement == "dumbbell":
        return profile.weights_for(Equipment.DUMBBELLS)
    if implement == "kettlebell":
        return profile.weights_for(Equipment.KETTLEBELL)
    if implement == "barbell":
        steps, kg = [], profile.barbell_kg
        while kg <= MAX_BARBELL_KG + 1e-9:
            steps.append(round(kg, 2))
            kg += profile.barbell_step_kg
        return steps
    return []


def snap(kg: float, steps: list[float]) -> float:
    """The heaviest owned weight not above ``kg`` (the lightest one if all are heavier)."""
    below = [step for step in steps if step <= kg + 1e-9]
    return below[-1] if below else steps[0]


def step_index(kg: float, steps: list[float]) -> int:
    return steps.index(snap(kg, steps))


# Conservative first loads in kg (per hand for dumbbells and kettlebells, on the bar for a
# barbell). Coaching defaults, not study results: the first set is a test at the planned reps
# in reserve, and the log takes over from the second session.
_FIRST_KG = {
    ("compound", "hand"): {Level.BEGINNER: 6.0, Level.INTERMEDIATE: 12.0, Level.ADVANCED: 22.0},
    ("compound", "bar"): {Level.BEGINNER: 20.0, Level.INTERMEDIATE: 40.0, Level.ADVANCED: 60.0},
    ("isolation", "hand"): {Level.BEGINNER: 2.0, Level.INTERMEDIATE: 4.0, Level.ADVANCED: 7.0},
    ("carry", "hand"): {Level.BEGINNER: 8.0, Level.INTERMEDIATE: 16.0, Level.ADVANCED: 24.0},
}
ONE_ARM_FACTOR = 1.25
"""A supported one-arm row takes about a quarter more than each hand of a two-arm row."""
TEMPO_VARIANT_FACTOR = 0.7
"""Pauses and slow lowering make a weight feel much heavier (tempo variants start lighter)."""


def first_kg(profile: Profile, variant: Variant, cls: ExerciseClass, implement: Implement) -> float:
    """The owned weight to start a variant with when the log has nothing for it."""
    steps = load_steps(profile, implement)
    grip = "bar" if implement == "barbell" else "hand"
    table = _FIRST_KG.get((cls.value, grip)) or _FIRST_KG[(cls.value, "hand")]
    kg = table[profile.level]
    if variant.per_side and cls is ExerciseClass.COMPOUND:
        kg *= ONE_ARM_FACTOR
    if variant.difficulty >= 5:
        kg *= TEMPO_VARIANT_FACTOR
    if implement == "barbell":
        kg = max(kg, profile.barbell_kg)
    return snap(kg, steps)


def describe_load(
    implement: Implement, kg: float | None, band: str | None, variant: Variant, cls: ExerciseClass
) -> str:
    """How to read the load, e.g. '8 kg in each hand' or 'one 10 kg dumbbell'."""
    if implement == "barbell":
        return f"{kg:g} kg on the bar"
    if implement in ("dumbbell", "kettlebell"):
        if variant.per_side:
            return f"one {kg:g} kg {implement}"
        return f"{kg:g} kg in each hand"
    if implement == "band":
        return band if band == "your band" else f"the {band} band"
    if implement == "household":
        if cls is ExerciseClass.CARRY:
            return "two bags or buckets of equal weight, heavy enough to make you work to stay tall"
        return "a bag, bottles or a jug heavy enough to leave about two clean reps at the top of the range"
    return "body weight"


def make_load(
    profile: Profile, variant: Variant, cls: ExerciseClass, *, kg: float | None = None, band_index: int | None = None
) -> Load:
    """The load for a variant: ``kg`` (snapped to an owned weight) or ``band_index``, or the
    first load for the user's level when neither is given."""
    implement = implement_for(variant, profile)
    if implement in ("dumbbell", "kettlebell", "barbell"):
        steps = load_steps(profile, implement)
        value = snap(kg, steps) if kg is not None else first_kg(profile, variant, cls, implement)
        return Load(implement=implement, kg=value, text=describe_load(implement, value, None, variant, cls))
    if implement == "band":
        bands = profile.band_names
        index = band_index if band_index is not None else _first_band(len(bands), profile.level)
        index = min(max(index, 0), len(bands) - 1)
        return Load(implement="band", band=bands[index], text=describe_load("band", None, bands[index], variant, cls))
    return Load(implement=implement, text=describe_load(implement, None, None, variant, cls))


def _first_band(count: int, level: Level) -> int:
    """Lightest band for beginners, the middle one for intermediates, the next-to-heaviest
    for advanced lifters."""
    if level is Level.BEGINNER:
        return 0
    if level is Level.INTERMEDIATE:
        return (count - 1) // 2
    return max(count - 2, 0)
