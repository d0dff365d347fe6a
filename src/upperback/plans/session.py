"""One session: coaching order, variants, doses, loads and reasons, fitted to the user's time.

Order (ACSM 2009: large, multi-joint exercises before small, single-joint ones; the library's
guidance: free the mid back before loading it):

1. warm-up: the thoracic rotation, then cat-cow;
2. the compound pull (the row), then the single-joint reverse fly;
3. the loaded carry last, because it tires the grip the rows need.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from upperback.errors import UpperbackError
from upperback.library import Equipment, Level, Library, Movement, Variant, get_library
from upperback.plans.dose import (
    CARRY_SETS,
    DELOAD_RIR,
    DELOAD_SET_FRACTION,
    MAX_WEEKLY_SETS,
    MIN_WEEKLY_SETS,
    WARM_UP_ROUNDS,
    ExerciseClass,
    Span,
    exercise_class,
    mobility_dose,
    rest_s,
    tempo_for,
    work_span,
)
from upperback.plans.fitting import SessionTooLong, fill_session, fit_session, timed
from upperback.plans.loads import implement_for, load_steps, make_load
from upperback.plans.models import Block, Item, Load, PlannedSession, Reason
from upperback.plans.profile import Goal, Profile
from upperback.plans.progression import (
    ExerciseState,
    Verdict,
    advance,
    assess,
    is_deload,
    ladder_for,
    sessions_of,
    state_from_sets,
)
from upperback.plans.selection import (
    LEVEL_RANK,
    choose_variant,
    missing_equipment_hint,
    usable_variants,
)
from upperback.plans.timing import session_seconds

if TYPE_CHECKING:
    from upperback.store.records import LoggedSet

_CLASS_RANK = {ExerciseClass.MOBILITY: 0, ExerciseClass.COMPOUND: 1, ExerciseClass.ISOLATION: 2, ExerciseClass.CARRY: 3}
_BLOCK: dict[ExerciseClass, Block] = {
    ExerciseClass.MOBILITY: "warm-up",
    ExerciseClass.COMPOUND: "main",
    ExerciseClass.ISOLATION: "main",
    ExerciseClass.CARRY: "carry",
}

_REST_WHY = {
    Goal.STRENGTH: "long enough to lift heavy again (ACSM 2009: 2-3 min for heavy multi-joint sets)",
    Goal.MUSCLE: "enough to keep the reps up set after set (ACSM 2009: 1-2 min; Schoenfeld et al. 2016)",
    Goal.ENDURANCE: "short on purpose: endurance grows from working while partly tired (ACSM 2009)",
    Goal.POSTURE: "moderate, so each set is done with clean form (ACSM 2009)",
}
DELOAD_LOAD_REASON = (
    "Deload: keep the weights of your last sessions, do fewer sets and stop well short "
    "of failure, so fatigue can clear (Bell et al. 2023)."
)
PICK_UP_CUE = (
    "Pick the weights up from a chair seat, step or table and put them back there, so you never bend down under load."
)


class ImpossibleProfileError(UpperbackError):
    """The profile cannot give a sound session or programme; the message says what to change."""


class TooLittleTimeError(ImpossibleProfileError):
    """Even the trimmed session does not fit; ``problem`` states it without the fix."""

    def __init__(self, problem: str, minimum_minutes: int) -> None:
        super().__init__(
            f"{problem} Set minutes_per_session to at least {minimum_minutes} "
            f"(upperback profile --minutes {minimum_minutes})."
        )
        self.problem = problem
        self.minimum_minutes = minimum_minutes


@dataclass(frozen=True)
class DayPlan:
    """What the programme asks of one training day.

    ``sets`` holds the working sets per strength movement id; ``weekly_sets`` the planned weekly
    hard sets for the key back muscles (for the reason line); ``label`` "B" asks for the
    week's second variant of each exercise where a sensible one exists.
    """

    week: int = 1
    day: int = 1
    label: str = "A"
    deload: bool = False
    rir: int = 2
    sets: Mapping[str, int] = field(default_factory=dict)
    weekly_sets: int = 0


def coaching_order(library: Library) -> list[tuple[Movement, ExerciseClass]]:
    """The library's movements in session order, each with its exercise class."""
    classed = [(m, exercise_class(m, library)) for m in library.movements]
    return sorted(classed, key=lambda pair: _CLASS_RANK[pair[1]])


def build_session(
    profile: Profile, day: DayPlan, history: Iterable[LoggedSet] = (), library: Library | None = None
) -> PlannedSession:
    """The session for one day, with loads progressed from ``history`` (the training log)."""
    library = library or get_library()
    history = list(history)
    items: list[Item] = []
    notes: list[str] = []
    for movement, cls in coaching_order(library):
        if cls is ExerciseClass.MOBILITY:
            item = _mobility_item(profile, movement, cls)
        elif cls is ExerciseClass.CARRY or movement.id in day.sets:
            item = _loaded_item(profile, movement, cls, day, history, library)
        else:
            item = None
        if item is None:
            notes.append(f"{movement.name} left out: {missing_equipment_hint(profile, movement)}.")
            continue
        items.append(item)
    if not any(item.hard for item in items):
        raise ImpossibleProfileError(no_strength_message(profile, library))
    try:
        items, trims = fit_session(items, profile.minutes_per_session * 60, profile.goal, _short_warm_up)
    except SessionTooLong as exc:
        minutes = math.ceil(exc.minimum_s / 60)
        raise TooLittleTimeError(
            f"{profile.minutes_per_session} minutes is too short for a sound session: the warm-up "
            f"and two working sets of each exercise need about {minutes} minutes.",
            minutes,
        ) from None
    if not day.deload:
        items, fill_notes = fill_session(items, profile.minutes_per_session * 60, _why_short(profile, day))
        trims += fill_notes
    session = PlannedSession(
        title=f"Week {day.week}, day {day.day}",
        week=day.week,
        day=day.day,
        label=day.label,
        deload=day.deload,
        minutes_available=profile.minutes_per_session,
        items=items,
        notes=notes + trims,
    )
    return session.model_copy(update={"seconds": session_seconds(items)})


def _why_short(profile: Profile, day: DayPlan) -> str:
    """Why a session stops short of the user's minutes: the week's hard sets are the limit."""
    return (
        f"{day.weekly_sets} hard upper-back sets a week is the volume that suits a {profile.level.value} "
        f"lifter ({MIN_WEEKLY_SETS}-{MAX_WEEKLY_SETS} a week builds the back; more adds little), and the "
        "plan progresses by weight and reps rather than by more sets. Use the spare minutes for a "
        "desk-break routine or a brisk walk, or give fewer minutes in your profile."
    )


def no_strength_message(profile: Profile, library: Library) -> str:
    """Why no upper-back strength exercise fits, and what would make one fit."""
    parts = []
    for movement, cls in coaching_order(library):
        if cls in (ExerciseClass.COMPOUND, ExerciseClass.ISOLATION):
            parts.append(f"{movement.name}: {missing_equipment_hint(profile, movement)}")
    return (
        "No upper-back strength exercise fits your profile, so there is nothing to plan. "
        + "; ".join(parts)
        + ". Change your equipment or what to leave out in your profile."
    )


# --------------------------------------------------------------------------- warm-up


def _mobility_item(profile: Profile, movement: Movement, cls: ExerciseClass) -> Item | None:
    choice = choose_variant(profile, movement, cls)
    if choice is None:
        return None
    variant = choice.variant
    dose = mobility_dose(movement.id, variant.id)
    side = " per side" if variant.per_side else ""
    reasons = [
        Reason(topic="variant", text=choice.reason),
        Reason(
            topic="order",
            text="Warm-up first: a mobile mid back lets the shoulder blades glide "
            "back properly in the loaded work that follows.",
        ),
        Reason(
            topic="dose",
            text=f"{WARM_UP_ROUNDS} rounds of {dose.reps} slow reps{side}: with the "
            "other drill, about five minutes, as the before-lifting guidance "
            "asks; it prepares rather than tires, so no rest is needed.",
        ),
    ]
    item = Item(
        movement_id=movement.id,
        movement_name=movement.name,
        variant_id=variant.id,
        variant_name=variant.name,
        block="warm-up",
        exercise_class=cls,
        sets=WARM_UP_ROUNDS,
        work=Span(dose.reps, dose.reps),
        unit="reps",
        per_side=variant.per_side,
        rest_s=0,
        pace_s=dose.rep_s,
        reasons=reasons,
    )
    return timed(item)


def _short_warm_up(item: Item) -> Item:
    short = mobility_dose(item.movement_id, item.variant_id).short_reps
    return timed(item, sets=1, work=Span(short, short))


# --------------------------------------------------------------------------- loaded work


def _loaded_item(
    profile: Profile, movement: Movement, cls: ExerciseClass, day: DayPlan, history: list[LoggedSet], library: Library
) -> Item | None:
    first = choose_variant(profile, movement, cls)
    if first is None:
        return None
    second = None
    if profile.level is not Level.BEGINNER:
        second = choose_variant(profile, movement, cls, alternate_to=first.variant)
    choice, other = (second, first) if day.label == "B" and second else (first, second)
    reserved = {other.variant.id} if other else set()
    variant, state, load_reason = _progressed(profile, movement, cls, choice.variant, reserved, day, history, library)
    implement = implement_for(variant, profile)
    load = make_load(profile, variant, cls, kg=state.kg, band_index=state.band_index)
    tempo = tempo_for(cls, variant.id)
    if tempo is not None and state.tempo_step:
        tempo = tempo.slower(state.tempo_step)
    span = work_span(profile.goal, profile.level, cls)
    rest = rest_s(profile.goal, cls)[1]
    hard = cls is not ExerciseClass.CARRY
    if hard:
        sets = day.sets[movement.id]
    else:
        sets = CARRY_SETS[profile.level]
    if day.deload:
        sets = max(1, math.ceil(sets * DELOAD_SET_FRACTION)) if hard else max(1, sets - 1)
    effort = DELOAD_RIR if day.deload else day.rir
    rir = effort if hard else None

    variant_reason = (
        choice.reason
        if variant.id == choice.variant.id
        else (f"Progressed from {choice.variant.name}: you have outgrown it with the load you own.")
    )
    reasons = [Reason(topic="variant", text=variant_reason), Reason(topic="order", text=_order_reason(movement, cls))]
    cues: list[str] = []
    if hard:
        reasons += [
            Reason(topic="sets", text=_sets_reason(sets, day)),
            Reason(topic="reps", text=_reps_why(span, profile, cls)),
            Reason(
                topic="effort",
                text=f"Stop each set with about {effort} reps in reserve (RPE "
                f"{10 - effort}): {_effort_why(day, profile)} (Helms et al. 2016).",
            ),
        ]
        if tempo is not None:
            reasons.append(Reason(topic="tempo", text=f"{tempo}: {_tempo_why(state.tempo_step)}"))
        cues += _more_support_hint(profile, movement, cls)
    else:
        reasons.append(
            Reason(topic="time", text=f"{span} s per set; when every set reaches {span.high} s, carry more.")
        )
        if profile.avoids_loaded_hinge:
            cues.append(PICK_UP_CUE)
    reasons.append(Reason(topic="rest", text=f"{rest} s rest: {_rest_why(profile.goal, cls)}."))
    reasons.append(Reason(topic="load", text=load_reason))
    ramp_up = None
    if (
        cls is ExerciseClass.COMPOUND
        and implement in ("barbell", "dumbbell", "kettlebell")
        and profile.level is not Level.BEGINNER
        and profile.goal in (Goal.STRENGTH, Goal.MUSCLE)
        and not day.deload
    ):
        ramp_up = (
            "Before the first working set: 8 easy reps with about half the weight, then 3 with about three quarters."
        )
    item = Item(
        movement_id=movement.id,
        movement_name=movement.name,
        variant_id=variant.id,
        variant_name=variant.name,
        block=_BLOCK[cls],
        exercise_class=cls,
        sets=sets,
        work=span,
        unit="reps" if hard else "s",
        per_side=variant.per_side,
        rest_s=rest,
        tempo=tempo,
        tempo_step=state.tempo_step,
        rir=rir,
        load=load,
        hard=hard,
        ramp_up=ramp_up,
        cues=cues,
        reasons=reasons,
    )
    return timed(item)


def _progressed(
    profile: Profile,
    movement: Movement,
    cls: ExerciseClass,
    base: Variant,
    reserved: set[str],
    day: DayPlan,
    history: list[LoggedSet],
    library: Library,
) -> tuple[Variant, ExerciseState, str]:
    """The variant and state for today from the log, one progression step on from last time."""
    harder = harder_variants(profile, movement, reserved)
    family, current = [base.id], base.id
    while current in harder:
        current = harder[current]
        family.append(current)
    usable = {v.id: v for v in usable_variants(profile, movement)}
    sessions = sessions_of(history, variant_ids=set(family), movement_id=movement.id)
    last_variant_id = sessions[-1][-1].variant_id if sessions else None
    if last_variant_id is None or last_variant_id not in usable:
        load = make_load(profile, base, cls)
        state = ExerciseState(
            variant_id=base.id, kg=load.kg, band_index=profile.band_names.index(load.band) if load.band else None
        )
        if day.deload:
            return base, state, DELOAD_LOAD_REASON
        return base, state, _first_load_reason(profile, load, cls, day)
    latest = sessions[-1]
    variant = usable[last_variant_id]
    implement = implement_for(variant, profile)
    steps = load_steps(profile, implement)
    state = state_from_sets(latest, profile.band_names, steps)
    default = make_load(profile, variant, cls)
    if steps and state.kg is None:
        state = ExerciseState(variant.id, default.kg, None, state.tempo_step)
    if implement == "band" and state.band_index is None and default.band is not None:
        state = ExerciseState(variant.id, None, profile.band_names.index(default.band), state.tempo_step)
    if day.deload:
        return variant, state, DELOAD_LOAD_REASON
    judged = [group for group in sessions if not is_deload(group) and group[-1].variant_id == variant.id]
    if not judged:
        return variant, state, "Same load as your last (deload) session; build the reps back up."
    unit = "s" if cls is ExerciseClass.CARRY else "reps"
    verdict = assess(
        judged[-1], work_span(profile.goal, profile.level, cls), unit, None if cls is ExerciseClass.CARRY else day.rir
    )
    ladder = ladder_for(profile, implement, harder, tempo_for(cls, variant.id) is not None)
    new_state, change = advance(state, verdict.verdict, ladder)
    if new_state.variant_id != variant.id:
        variant = usable[new_state.variant_id]
    if verdict.verdict is Verdict.HOLD:
        return variant, new_state, verdict.reason
    return variant, new_state, f"{verdict.reason} Today: {change}."


def _more_support_hint(profile: Profile, movement: Movement, cls: ExerciseClass) -> list[str]:
    """For people avoiding loaded hinging: name a fully chest-supported variant a bench would allow."""
    if not profile.avoids_loaded_hinge or cls is not ExerciseClass.COMPOUND or Equipment.BENCH in profile.equipment_set:
        return []
    have = {v.id for v in usable_variants(profile, movement)}
    unlocked = [
        v
        for v in usable_variants(profile, movement, frozenset({Equipment.BENCH}))
        if v.id not in have and not v.loaded_hinge
    ]
    if not unlocked:
        return []
    return [
        f"If leaning forward, even with a hand on the chair, still troubles your back, a bench would "
        f"allow the {unlocked[0].name.lower()}, with your chest fully supported."
    ]


def harder_variants(profile: Profile, movement: Movement, reserved: set[str]) -> dict[str, str]:
    """For each usable variant, the next harder one (by library ``difficulty``) the user can move
    on to: same implement, no loss of back support, at most one level above theirs."""
    usable = [v for v in usable_variants(profile, movement) if v.id not in reserved]
    limit = LEVEL_RANK[profile.level] + 1
    mapping = {}
    for variant in usable:
        options = [
            v
            for v in usable
            if v.difficulty > variant.difficulty
            and implement_for(v, profile) == implement_for(variant, profile)
            and (variant.loaded_hinge or not v.loaded_hinge)
            and LEVEL_RANK[v.level] <= limit
        ]
        if options:
            mapping[variant.id] = min(options, key=lambda v: (v.difficulty, v.id)).id
    return mapping


# --------------------------------------------------------------------------- reason lines


def _rest_why(goal: Goal, cls: ExerciseClass) -> str:
    if cls is ExerciseClass.ISOLATION:
        return "single-joint work recovers sooner than the row (ACSM 2009: 1-2 min for assistance exercises)"
    if cls is ExerciseClass.CARRY:
        return "enough for the grip and trunk to recover before the next carry"
    return _REST_WHY[goal]


def _reps_why(span: Span, profile: Profile, cls: ExerciseClass) -> str:
    if cls is ExerciseClass.ISOLATION:
        return (
            f"{span} reps: light single-joint work for the small rear-shoulder muscles suits higher "
            "reps, and a wide range absorbs the big relative jump to the next dumbbell."
        )
    return f"{span} reps: the {profile.goal.value} range for {lifter(profile)} (ACSM 2009)."


def _order_reason(movement: Movement, cls: ExerciseClass) -> str:
    if cls is ExerciseClass.COMPOUND:
        return "Main lift first: multi-joint pulls come before single-joint work while you are fresh (ACSM 2009)."
    if cls is ExerciseClass.ISOLATION:
        return (
            "After the row: a single-joint exercise for the small rear-shoulder muscles, which "
            "tire quickly (ACSM 2009 exercise order)."
        )
    return f"Last: the {movement.name.lower()} tires your grip and trunk, which the pulls need fresh."


def _sets_reason(sets: int, day: DayPlan) -> str:
    if day.deload:
        plural = "s" if sets > 1 else ""
        return f"{sets} set{plural}: about half the usual number in a deload week (Bell et al. 2023)."
    weekly = f", {day.weekly_sets} a week for the upper back" if day.weekly_sets else ""
    return f"{sets} working sets{weekly}: inside the 10-20 weekly hard sets that build muscle (Schoenfeld et al. 2017)."


def _effort_why(day: DayPlan, profile: Profile) -> str:
    if day.deload:
        return "an easy week"
    if profile.level is Level.BEGINNER:
        return "far enough from failure to keep the form clean while you learn"
    return "effort rises across the block, week by week"


def _tempo_why(step: int) -> str:
    if step:
        return f"slower than standard (tempo step {step}), the progression when no heavier load is at hand."
    return "a squeeze at the top and a slow lowering keep the work in the upper back."


def lifter(profile: Profile) -> str:
    """'a beginner', 'an intermediate lifter', 'an advanced lifter'."""
    if profile.level is Level.BEGINNER:
        return "a beginner"
    return f"an {profile.level.value} lifter"


def _first_load_reason(profile: Profile, load: Load, cls: ExerciseClass, day: DayPlan) -> str:
    if load.implement == "household":
        return f"Use {load.text}; add a little (about 1 kg) each time every set reaches the top of the range."
    if cls is ExerciseClass.CARRY:
        return (
            f"Start with {load.text}: heavy enough that you work to stand tall, light enough to "
            "finish every walk without leaning."
        )
    heavier = "use a stronger band or hold it shorter" if load.implement == "band" else "go one weight heavier"
    return (
        f"Start with {load.text}: a cautious first load for {lifter(profile)}. If the "
        f"first set ends with more than {day.rir + 2} reps to spare, {heavier} for the next."
    )
