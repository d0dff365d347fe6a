"""Choosing each movement's variant from the user's equipment, level, goal and limits.

Every choice comes with the one-line reason shown to the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from upperback.library import Equipment, Level, Movement, Variant, variant_fits
from upperback.library.models import VariantKind
from upperback.plans.dose import ExerciseClass
from upperback.plans.loads import implement_for
from upperback.plans.profile import Goal, Profile

LEVEL_RANK = {Level.BEGINNER: 0, Level.INTERMEDIATE: 1, Level.ADVANCED: 2}
TARGET_DIFFICULTY = {Level.BEGINNER: 1, Level.INTERMEDIATE: 3, Level.ADVANCED: 4}

# Lower is better. Weights and a barbell give measurable, small load steps, which double
# progression needs for strength and muscle goals; bands and household loads progress in
# coarser steps but serve posture and endurance well.
_IMPLEMENT_RANK = {
    Goal.STRENGTH: {"barbell": 0, "dumbbell": 1, "kettlebell": 1, "band": 3, "household": 3, "bodyweight": 4},
    Goal.MUSCLE: {"barbell": 0, "dumbbell": 0, "kettlebell": 1, "band": 2, "household": 3, "bodyweight": 4},
    Goal.POSTURE: {"barbell": 1, "dumbbell": 0, "kettlebell": 0, "band": 1, "household": 1, "bodyweight": 2},
    Goal.ENDURANCE: {"barbell": 1, "dumbbell": 0, "kettlebell": 0, "band": 0, "household": 1, "bodyweight": 2},
}


@dataclass(frozen=True)
class VariantChoice:
    movement: Movement
    variant: Variant
    reason: str


def usable_variants(profile: Profile, movement: Movement, extra: frozenset[Equipment] = frozenset()) -> list[Variant]:
    """Variants the user's equipment allows and their limits do not rule out."""
    if profile.avoids(movement):
        return []
    have = profile.equipment_set | extra
    return [v for v in movement.variants if variant_fits(v, have) and not profile.avoids(movement, v)]


def choose_variant(
    profile: Profile, movement: Movement, cls: ExerciseClass, *, alternate_to: Variant | None = None
) -> VariantChoice | None:
    """The best variant for the user, or ``None`` when no variant is possible.

    ``alternate_to`` asks for a second variant for another day of the week (a different one,
    preferably supported, so the lower back gets an easier day); ``None`` comes back when
    there is no sensible alternative.
    """
    candidates = usable_variants(profile, movement)
    if alternate_to is not None:
        candidates = [
            v
            for v in candidates
            if v.id != alternate_to.id
            and LEVEL_RANK[v.level] <= LEVEL_RANK[profile.level]
            and v.difficulty >= alternate_to.difficulty - 2
        ]
    if not candidates:
        return None
    if cls is ExerciseClass.MOBILITY:
        variant = min(candidates, key=lambda v: (v.kind is not VariantKind.STANDARD, abs(v.difficulty - 2), v.id))
    else:
        variant = min(candidates, key=lambda v: _score(profile, v, cls, alternate_to))
    reason = _reason(profile, movement, cls, variant, candidates, alternate_to)
    return VariantChoice(movement, variant, reason)


def _score(profile: Profile, variant: Variant, cls: ExerciseClass, alternate_to: Variant | None) -> tuple:
    above_level = max(0, LEVEL_RANK[variant.level] - LEVEL_RANK[profile.level])
    below_level = max(0, LEVEL_RANK[profile.level] - LEVEL_RANK[variant.level])
    harder = variant.kind is VariantKind.HARDER and alternate_to is None
    implement = _IMPLEMENT_RANK[profile.goal][implement_for(variant, profile)]
    unsupported = variant.loaded_hinge if alternate_to is not None else False
    if profile.level is Level.BEGINNER and cls is not ExerciseClass.CARRY:
        kind = variant.kind is not VariantKind.EASIER  # supported options teach the position first
    else:
        kind = variant.kind not in (VariantKind.STANDARD, VariantKind.HOME)
    return (
        above_level,
        harder,
        unsupported,
        implement,
        kind,
        below_level,
        abs(variant.difficulty - TARGET_DIFFICULTY[profile.level]),
        variant.id,
    )


def _reason(
    profile: Profile,
    movement: Movement,
    cls: ExerciseClass,
    variant: Variant,
    candidates: list[Variant],
    alternate_to: Variant | None,
) -> str:
    implement = implement_for(variant, profile)
    if alternate_to is not None:
        if alternate_to.loaded_hinge and not variant.loaded_hinge:
            return (
                "Second variant of the week: your chest or hand is supported, so the lower back "
                "recovers from the heavier bent-over day while the upper back keeps working."
            )
        return f"Second variant of the week, a different angle on the same muscles: {_sentence(variant.why)}"
    if LEVEL_RANK[variant.level] > LEVEL_RANK[profile.level]:
        return (
            f"The easiest option your equipment allows; it is rated {variant.level.value}, so start "
            "with the lightest weight and stop well short of failure."
        )
    if profile.avoids_loaded_hinge and _has_loaded_hinge(movement) and not variant.loaded_hinge:
        return f"No loaded hinge, as you asked: {_sentence(variant.why)}"
    if len(candidates) == 1 and variant.kind is VariantKind.HOME:
        return f"The option that fits your equipment: {_sentence(variant.why)}"
    if profile.level is Level.BEGINNER and variant.kind is VariantKind.EASIER and cls is not ExerciseClass.CARRY:
        return f"The easiest way in for a beginner: {_sentence(variant.why)}"
    if profile.goal is Goal.STRENGTH and implement == "barbell":
        return f"Suits a strength goal: {_sentence(variant.why)}"
    return f"Matches your level and equipment: {_sentence(variant.why)}"


def _has_loaded_hinge(movement: Movement) -> bool:
    return any(v.loaded_hinge for v in movement.variants)


def _sentence(text: str) -> str:
    """``text`` with its first letter lowered, unless it starts an acronym."""
    return text if text[1:2].isupper() else text[0].lower() + text[1:]


def missing_equipment_hint(profile: Profile, movement: Movement) -> str:
    """What the user could add to make the movement possible, e.g. "add 'chair' or 'bench'"."""
    if profile.avoids(movement):
        return f"you asked to avoid '{movement.id}'"
    options: list[str] = []
    for item in Equipment:
        if item is Equipment.NONE or item in profile.equipment_set:
            continue
        if usable_variants(profile, movement, frozenset({item})):
            options.append(f"'{item.value}'")
    blocked = [v for v in movement.variants if variant_fits(v, profile.equipment_set)]
    why = ""
    if blocked and profile.avoids_loaded_hinge:
        why = " (the variants your equipment allows are all bent over under load)"
    if not options:
        return f"no variant fits your equipment and limits{why}"
    listed = options[0] if len(options) == 1 else ", ".join(options[:-1]) + " or " + options[-1]
    return f"add {listed} to your equipment{why}"
