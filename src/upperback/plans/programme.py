"""Multi-week programmes: weekly layout, volume, effort waves, deloads and the rules behind them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from upperback.errors import UpperbackError
from upperback.library import Library, get_library
from upperback.plans.desk_breaks import desk_breaks
from upperback.plans.dose import (
    DELOAD_RIR,
    KEY_BACK_MUSCLES,
    MIN_WEEKLY_SETS,
    WARM_UP_ROUNDS,
    ExerciseClass,
    Span,
    mobility_dose,
    rir_target,
)
from upperback.plans.fitting import timed
from upperback.plans.models import Item, PlannedDay, PlannedSession, Programme, Reason, Rule, Week
from upperback.plans.profile import Profile, update_profile
from upperback.plans.progression import performance_drop
from upperback.plans.schedule import (
    deload_every,
    is_scheduled_deload,
    training_days,
    week_in_block,
    week_layout,
)
from upperback.plans.selection import choose_variant
from upperback.plans.session import (
    DayPlan,
    ImpossibleProfileError,
    TooLittleTimeError,
    build_session,
    coaching_order,
    lifter,
    no_strength_message,
)
from upperback.plans.timing import session_seconds
from upperback.plans.volume import muscle_sets, plan_sets_per_session

if TYPE_CHECKING:
    from upperback.store.records import LoggedSet

MAX_WEEKS = 26
MAX_SUGGESTED_MINUTES = 180


class TooLittleVolumeError(ImpossibleProfileError):
    """The sessions that fit give the key back muscles fewer than 10 hard sets a week."""


RULES = [
    Rule(
        topic="Order",
        source="ACSM 2009 progression position stand",
        text="Warm up the mid back first, pull with the multi-joint row before the single-joint "
        "reverse fly, and carry last.",
    ),
    Rule(
        topic="Weekly volume",
        source="Schoenfeld, Ogborn & Krieger 2017; Pelland et al. 2024",
        text="10-20 hard sets a week for the upper-back muscles; a set counts fully for the "
        "muscles it targets and half for its helpers (synergists).",
    ),
    Rule(
        topic="Reps and rest",
        source="ACSM 2009; Schoenfeld et al. 2016",
        text="Rep ranges and rests follow the goal: heavier and longer rests for strength, "
        "moderate for muscle and posture, lighter and shorter for endurance.",
    ),
    Rule(
        topic="Double progression",
        source="ACSM 2009",
        text="Keep the weight until every working set reaches the top of the rep range, then "
        "move to the next weight you own and build the reps up again.",
    ),
    Rule(
        topic="Progress without weights",
        source="ACSM 2009 (progression variables)",
        text="With bands or household loads: a stronger band, then a slower tempo, then the next "
        "harder variant; carries progress by time, then load, then a slower walk, then one hand.",
    ),
    Rule(
        topic="Effort",
        source="Helms et al. 2016; Zourdos et al. 2016",
        text="Each set stops a planned number of reps short of failure (RPE = 10 - reps in "
        "reserve); the target tightens week by week within a block.",
    ),
    Rule(
        topic="Deload",
        source="Bell et al. 2023 (Delphi consensus on deloading)",
        text="Every few weeks, and whenever your log shows two weaker sessions in a row, do half "
        "the sets with the same weights, stopping about four reps short.",
    ),
]
DESK_RULE = Rule(
    topic="Desk breaks",
    source="WHO 2020 guidelines on physical activity and sedentary behaviour",
    text="Break up long sitting every 45-60 minutes with a one- to three-minute routine.",
)


def build_programme(
    profile: Profile,
    weeks: int = 4,
    history: Iterable[LoggedSet] = (),
    library: Library | None = None,
    now: datetime | None = None,
) -> Programme:
    """A ``weeks``-long programme for the profile, with loads taken from the training log.

    Raises :class:`ImpossibleProfileError` with what to change when the profile cannot give a
    sound plan (too little time, nothing to train with, too little weekly volume).
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise UpperbackError(
            f"A programme runs 1 to {MAX_WEEKS} weeks (got {weeks}); plan a block at a time and re-plan after it."
        )
    library = library or get_library()
    now = now or datetime.now(UTC)
    try:
        return _build(profile, weeks, list(history), library, now)
    except TooLittleTimeError as exc:
        raise ImpossibleProfileError(f"{exc.problem} {_what_to_change(profile, library, now)}") from None
    except TooLittleVolumeError as exc:
        raise ImpossibleProfileError(f"{exc} {_what_to_change(profile, library, now)}") from None


def _build(profile: Profile, weeks: int, history: list[LoggedSet], library: Library, now: datetime) -> Programme:
    drop = performance_drop(history, strength_movement_ids(profile, library)) if history else None
    out = [
        build_week(profile, number, history, library, drop if number == 1 else None) for number in range(1, weeks + 1)
    ]
    rules = RULES + ([DESK_RULE] if profile.desk_worker else [])
    return Programme(
        created_at=now,
        profile=profile,
        weeks=out,
        rules=rules,
        desk_breaks=desk_breaks(profile, library),
        notes=_notes(profile, training_days(profile)),
    )


def strength_movement_ids(profile: Profile, library: Library) -> list[str]:
    """The strength movements the profile can do, in coaching order."""
    return [
        m.id
        for m, cls in coaching_order(library)
        if cls in (ExerciseClass.COMPOUND, ExerciseClass.ISOLATION) and choose_variant(profile, m, cls) is not None
    ]


def build_week(
    profile: Profile, number: int, history: list[LoggedSet], library: Library, drop_reason: str | None = None
) -> Week:
    """Week ``number`` of the programme; ``drop_reason`` turns it into a deload week."""
    strength = strength_movement_ids(profile, library)
    if not strength:
        raise ImpossibleProfileError(no_strength_message(profile, library))
    classes = {m.id: cls for m, cls in coaching_order(library)}
    days = training_days(profile)
    sets = plan_sets_per_session(
        profile.goal,
        profile.level,
        [m for m in strength if classes[m] is ExerciseClass.COMPOUND],
        [m for m in strength if classes[m] is ExerciseClass.ISOLATION],
        days,
    )
    scheduled = is_scheduled_deload(number, profile.level)
    deload = scheduled or drop_reason is not None
    reason = drop_reason
    if scheduled:
        reason = f"Planned deload: every {deload_every(profile.level)}th week for {lifter(profile)} (Bell et al. 2023)."
    rir = (
        DELOAD_RIR
        if deload
        else rir_target(
            profile.goal, profile.level, week_in_block(number, profile.level), deload_every(profile.level) - 1
        )
    )
    planned: list[PlannedDay] = []
    for slot in week_layout(profile):
        index = slot.offset_days + 1
        if slot.kind == "training":
            day = DayPlan(
                week=number,
                day=index,
                label=slot.label,
                deload=False,
                rir=rir,
                sets=sets,
                weekly_sets=days * sum(sets.values()),
            )
            session = build_session(profile, day, history, library)
            if deload:  # half of what a build week really does, after any trimming for time
                done = {item.movement_id: item.sets for item in session.items if item.hard}
                day = replace(day, deload=True, sets=done)
                session = build_session(profile, day, history, library)
        else:
            session = mobility_session(profile, number, index, library)
        planned.append(PlannedDay(offset_days=slot.offset_days, session=session))
    volume = muscle_sets([d.session for d in planned], library)
    if not deload:
        _check_volume(profile, volume, days)
    return Week(number=number, deload=deload, deload_reason=reason, rir=rir, days=planned, back_sets=volume)


def _check_volume(profile: Profile, volume: dict[str, float], days: int) -> None:
    weekly = key_muscle_sets(volume)
    if weekly < MIN_WEEKLY_SETS:
        raise TooLittleVolumeError(
            f"With {days} training day{'s' if days > 1 else ''} of {profile.minutes_per_session} "
            f"minutes the upper back gets only {weekly:g} hard sets a week; about "
            f"{MIN_WEEKLY_SETS} is the least that reliably builds it (Schoenfeld et al. 2017)."
        )


def _what_to_change(profile: Profile, library: Library, now: datetime) -> str:
    """The smallest change of minutes or of days that gives a sound plan."""
    options = []
    low, high = profile.minutes_per_session + 1, MAX_SUGGESTED_MINUTES
    if low <= high and _feasible(update_profile(profile, minutes_per_session=high), library, now):
        while low < high:  # more minutes never make a plan worse, so bisect
            middle = (low + high) // 2
            if _feasible(update_profile(profile, minutes_per_session=middle), library, now):
                high = middle
            else:
                low = middle + 1
        options.append(f"set minutes_per_session to {low} (upperback profile --minutes {low})")
    for days in range(profile.days_per_week + 1, 8):
        candidate = update_profile(profile, days_per_week=days)
        if training_days(candidate) > training_days(profile) and _feasible(candidate, library, now):
            options.append(f"train {days} days a week (upperback profile --days {days})")
            break
    if not options:
        return "Add equipment or remove items from your avoid list to give the plan more to work with."
    return "To fix it, " + " or ".join(options) + "."


def _feasible(profile: Profile, library: Library, now: datetime) -> bool:
    try:
        _build(profile, 1, [], library, now)
    except ImpossibleProfileError:
        return False
    return True


def mobility_session(profile: Profile, week: int, day: int, library: Library) -> PlannedSession:
    """A short mobility day: two rounds of the warm-up drills, or one when time is short."""
    items: list[Item] = []
    for movement, cls in coaching_order(library):
        if cls is not ExerciseClass.MOBILITY:
            continue
        choice = choose_variant(profile, movement, cls)
        if choice is None:
            continue
        dose = mobility_dose(movement.id, choice.variant.id)
        items.append(
            timed(
                Item(
                    movement_id=movement.id,
                    movement_name=movement.name,
                    variant_id=choice.variant.id,
                    variant_name=choice.variant.name,
                    block="warm-up",
                    exercise_class=cls,
                    sets=WARM_UP_ROUNDS,
                    work=Span(dose.reps, dose.reps),
                    unit="reps",
                    per_side=choice.variant.per_side,
                    rest_s=15,
                    pace_s=dose.rep_s,
                    reasons=[
                        Reason(topic="variant", text=choice.reason),
                        Reason(
                            topic="dose",
                            text="Easy rounds: a mobility day keeps the mid back moving without adding training load.",
                        ),
                    ],
                )
            )
        )
    if session_seconds(items) > profile.minutes_per_session * 60:
        items = [timed(item, sets=1) for item in items]
    return PlannedSession(
        title=f"Week {week}, day {day}",
        kind="mobility",
        week=week,
        day=day,
        minutes_available=profile.minutes_per_session,
        items=items,
        seconds=session_seconds(items),
    )


def _notes(profile: Profile, days: int) -> list[str]:
    notes = ["Loads shown are where to start; each day's session works out its load from your log, one step at a time."]
    if profile.days_per_week > days:
        spare = profile.days_per_week - days
        notes.append(
            f"{days} hard upper-back days a week is the most that leaves about 48 hours "
            f"between them for {lifter(profile)}; your other {spare} "
            f"day{'s are' if spare > 1 else ' is a'} short mobility day{'s' if spare > 1 else ''} "
            "(ACSM 2009)."
        )
    return notes


def key_muscle_sets(volume: dict[str, float]) -> float:
    """The weekly hard sets of the least-trained key back muscle."""
    return min(volume.get(muscle, 0.0) for muscle in KEY_BACK_MUSCLES)
