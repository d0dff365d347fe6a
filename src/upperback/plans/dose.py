"""Programming rules: rep ranges, rest, tempo, effort, weekly volume and deload timing.

Every number here is a coaching rule with its source named beside it. The main sources:

- ACSM 2009: American College of Sports Medicine position stand, "Progression models in
  resistance training for healthy adults", Med Sci Sports Exerc 41(3):687-708.
- Schoenfeld, Ogborn & Krieger 2017, "Dose-response relationship between weekly resistance
  training volume and increases in muscle mass", J Sports Sci 35(11):1073-1082.
- Helms et al. 2016, "Application of the repetitions in reserve-based rating of perceived
  exertion scale for resistance training", Strength Cond J 38(4):42-49; Zourdos et al. 2016
  (the RIR-based RPE scale: RPE = 10 - RIR).
- Schoenfeld et al. 2016, "Longer interset rest periods enhance muscle strength and
  hypertrophy in resistance-trained men", J Strength Cond Res 30(7):1805-1812.
- Bell et al. 2023, "Integrating deloading into strength and physique sports training
  programmes: an international Delphi consensus approach", Sports Med Open 9:87.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from upperback.library import Level, Library, Movement, get_library
from upperback.library.models import ActionKind, Category, MobilityDose
from upperback.library.models import Tempo as LibraryTempo
from upperback.plans.profile import Goal


class ExerciseClass(StrEnum):
    """How an exercise is programmed."""

    MOBILITY = "mobility"
    COMPOUND = "compound"
    ISOLATION = "isolation"
    CARRY = "carry"


def exercise_class(movement: Movement, library: Library) -> ExerciseClass:
    """Mobility, carry, or - for strength movements - compound (two or more arm joints move)
    or isolation (one arm joint moves), read from the movement's joint actions."""
    if movement.category in (Category.WARM_UP, Category.MOBILITY):
        return ExerciseClass.MOBILITY
    if movement.category is Category.LOADED_CARRY:
        return ExerciseClass.CARRY
    kinds = {library.action(use.action).kind for use in movement.other_actions}
    joints = kinds & {ActionKind.SHOULDER, ActionKind.ELBOW}
    return ExerciseClass.COMPOUND if len(joints) >= 2 else ExerciseClass.ISOLATION


@dataclass(frozen=True)
class Span:
    """A target range of reps or seconds, e.g. 8-12 reps or 30-45 s."""

    low: int
    high: int

    def __str__(self) -> str:
        return f"{self.low}" if self.low == self.high else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class Tempo:
    """Seconds for the lift, the hold at the top, the lowering and the pause at the bottom."""

    lift_s: float
    hold_s: float
    lower_s: float
    pause_s: float = 0.0

    @property
    def rep_s(self) -> float:
        return self.lift_s + self.hold_s + self.lower_s + self.pause_s

    def slower(self, steps: int) -> Tempo:
        """The tempo made harder by ``steps`` progression steps: each adds a second to the
        lowering; the second step also lengthens the hold at the top."""
        return Tempo(self.lift_s, self.hold_s + (1 if steps >= 2 else 0), self.lower_s + steps, self.pause_s)

    def __str__(self) -> str:
        parts = [f"lift {self.lift_s:g} s"]
        if self.hold_s:
            parts.append(f"hold {self.hold_s:g} s")
        parts.append(f"lower {self.lower_s:g} s")
        if self.pause_s:
            parts.append(f"pause {self.pause_s:g} s")
        return ", ".join(parts)


MAX_TEMPO_STEPS = 2
"""Slower-tempo steps before a harder variant is needed (home progression)."""

# --------------------------------------------------------------------------- reps and time

# ACSM 2009: novices train with loads of 8-12 RM for strength and hypertrophy; intermediate
# and advanced lifters use heavier loads (1-6 RM emphasised for strength, 6-12 RM for
# hypertrophy); local muscular endurance uses light loads for 10-15 (novice) up to 25 reps.
# The posture range (moderate loads, 10-15 controlled reps with a squeeze at the top) follows
# the ACSM "moderate load, moderate-to-high repetition" guidance for health-oriented training.
_COMPOUND_REPS = {
    Goal.STRENGTH: {Level.BEGINNER: Span(8, 12), Level.INTERMEDIATE: Span(6, 10), Level.ADVANCED: Span(5, 8)},
    Goal.MUSCLE: {Level.BEGINNER: Span(8, 12), Level.INTERMEDIATE: Span(8, 12), Level.ADVANCED: Span(8, 12)},
    Goal.ENDURANCE: {Level.BEGINNER: Span(12, 15), Level.INTERMEDIATE: Span(15, 20), Level.ADVANCED: Span(15, 25)},
    Goal.POSTURE: {Level.BEGINNER: Span(10, 15), Level.INTERMEDIATE: Span(10, 15), Level.ADVANCED: Span(10, 15)},
}
# Single-joint rear-shoulder work uses light dumbbells where one step up (e.g. 4 -> 6 kg) is a
# large jump, so the ranges are wider and higher (coaching practice; the heavy low-rep end of
# the ACSM ranges is meant for multi-joint lifts).
_ISOLATION_REPS = {
    Goal.STRENGTH: Span(10, 15),
    Goal.MUSCLE: Span(12, 20),
    Goal.ENDURANCE: Span(15, 25),
    Goal.POSTURE: Span(12, 20),
}
# Loaded carries are timed. The farmer's-carry card suggests walks of ten to twenty metres each
# way; at a loaded walking pace that is 20-60 s. Heavier carries are shorter (strength).
_CARRY_SECONDS = {
    Goal.STRENGTH: Span(20, 30),
    Goal.MUSCLE: Span(30, 45),
    Goal.ENDURANCE: Span(45, 60),
    Goal.POSTURE: Span(30, 45),
}
CARRY_SETS = {Level.BEGINNER: 2, Level.INTERMEDIATE: 3, Level.ADVANCED: 3}
MAX_CARRY_SETS = max(CARRY_SETS.values())
"""Spare minutes add walks up to what trained lifters do; carries are not counted as hard
upper-back sets, so they do not push the weekly volume past its plan."""


def work_span(goal: Goal, level: Level, cls: ExerciseClass) -> Span:
    """Reps per set (compound, isolation) or seconds per set (carry) for a goal and level."""
    if cls is ExerciseClass.COMPOUND:
        return _COMPOUND_REPS[goal][level]
    if cls is ExerciseClass.ISOLATION:
        return _ISOLATION_REPS[goal]
    if cls is ExerciseClass.CARRY:
        return _CARRY_SECONDS[goal]
    raise ValueError(f"mobility work is dosed per variant, not by goal ({cls})")


WARM_UP_ROUNDS = 2
"""Two rounds of each drill make the five minutes of mid-back work that the library's
before-lifting guidance asks for; the short version (one round, fewer reps) is used only
when time is tight."""


def mobility_dose(movement_id: str, variant_id: str) -> MobilityDose:
    """The library's dose of a mobility drill: the variant's own, else the movement's (each
    ``dose`` in the movement YAML, read from the drill's steps)."""
    library = get_library()
    movement = library.movement(movement_id)
    variant = next((v for v in movement.variants if v.id == variant_id), None)
    dose = (variant.dose if variant is not None else None) or movement.dose
    if dose is None:
        raise ValueError(f"{movement_id} has no mobility dose in the library (only mobility drills have one)")
    return dose


# --------------------------------------------------------------------------- rest

# ACSM 2009: 2-3 min between sets of heavy multi-joint lifts, 1-2 min for lighter assistance
# work, 1-2 min for hypertrophy, under 1-2 min for local endurance; Schoenfeld et al. 2016:
# longer rests (about 3 min) favour strength and size in trained lifters.
# Values are (shortest acceptable, planned) in seconds.
_REST_S = {
    (Goal.STRENGTH, ExerciseClass.COMPOUND): (120, 180),
    (Goal.STRENGTH, ExerciseClass.ISOLATION): (60, 90),
    (Goal.STRENGTH, ExerciseClass.CARRY): (90, 120),
    (Goal.MUSCLE, ExerciseClass.COMPOUND): (90, 120),
    (Goal.MUSCLE, ExerciseClass.ISOLATION): (60, 75),
    (Goal.MUSCLE, ExerciseClass.CARRY): (60, 90),
    (Goal.ENDURANCE, ExerciseClass.COMPOUND): (30, 60),
    (Goal.ENDURANCE, ExerciseClass.ISOLATION): (30, 45),
    (Goal.ENDURANCE, ExerciseClass.CARRY): (45, 60),
    (Goal.POSTURE, ExerciseClass.COMPOUND): (60, 90),
    (Goal.POSTURE, ExerciseClass.ISOLATION): (45, 60),
    (Goal.POSTURE, ExerciseClass.CARRY): (60, 75),
}


def rest_s(goal: Goal, cls: ExerciseClass) -> tuple[int, int]:
    """(shortest acceptable, planned) rest between sets, in seconds; mobility needs none."""
    if cls is ExerciseClass.MOBILITY:
        return (0, 0)
    return _REST_S[(goal, cls)]


# --------------------------------------------------------------------------- tempo

# ACSM 2009 recommends slow-to-moderate velocities for novices; the library's cards ask for a
# squeeze at the top and a lowering about twice as long as the lift.
_BASE_TEMPO = {ExerciseClass.COMPOUND: Tempo(1, 1, 2), ExerciseClass.ISOLATION: Tempo(1, 1, 2)}


def tempo_for(cls: ExerciseClass, variant_id: str) -> Tempo | None:
    """The variant's own tempo when its card sets one (the library's ``tempo``), else the
    tempo of its class of exercise."""
    own = _variant_tempo(variant_id)
    if own is not None:
        return Tempo(own.lift_s, own.hold_s, own.lower_s, own.pause_s)
    return _BASE_TEMPO.get(cls)


def _variant_tempo(variant_id: str) -> LibraryTempo | None:
    for movement in get_library().movements:
        for variant in movement.variants:
            if variant.id == variant_id:
                return variant.tempo
    return None


# --------------------------------------------------------------------------- effort (RIR)

# Helms et al. 2016: prescribe effort as reps in reserve (RIR); novices stay further from
# failure (RIR 2-4) while they learn the movement; trained lifters work at RIR 0-3, with
# effort rising across a training block. Posture and endurance work does not need to approach
# failure, so it never goes below RIR 2. Values are (first week, last loading week) of a block.
_RIR_WAVE = {Level.BEGINNER: (3, 2), Level.INTERMEDIATE: (3, 1), Level.ADVANCED: (2, 1)}
DELOAD_RIR = 4
"""Bell et al. 2023: a deload lowers effort as well as volume; stop about four reps short."""


def rir_target(goal: Goal, level: Level, week_in_block: int, loading_weeks: int) -> int:
    """Reps in reserve for week ``week_in_block`` (1-based) of a block's loading weeks."""
    first, last = _RIR_WAVE[level]
    if goal in (Goal.POSTURE, Goal.ENDURANCE):
        last = max(last, 2)
        first = max(first, last)
    if loading_weeks <= 1:
        return first
    fraction = (week_in_block - 1) / (loading_weeks - 1)
    return round(first + (last - first) * min(max(fraction, 0.0), 1.0))


def rpe_from_rir(rir: float) -> float:
    """Zourdos et al. 2016: RPE = 10 - RIR."""
    return 10.0 - rir


# --------------------------------------------------------------------------- weekly volume

MIN_WEEKLY_SETS = 10
MAX_WEEKLY_SETS = 20
"""Schoenfeld et al. 2017: 10 or more weekly sets per muscle gave the largest gains; the
issue's guidance and later reviews cap useful volume at about 20 hard sets per muscle."""
SYNERGIST_WEIGHT = 0.5
"""A set counts fully for its target muscles and half for synergists (fractional set counting,
as in Pelland et al. 2024's dose-response meta-regression); stabilisers do not count."""
KEY_BACK_MUSCLES = ("rhomboids", "trapezius-middle")
"""The shoulder-blade retractors every upper-back pull targets; their weekly hard sets are
held within 10-20. Other muscles are reported and kept under the 20-set ceiling."""

# Starting weekly volume by level (Schoenfeld 2017; ACSM 2009 multiple-set progression from
# novice to advanced), nudged by the goal: hypertrophy benefits most from volume, posture and
# endurance work need the least.
_WEEKLY_SETS = {Level.BEGINNER: 12, Level.INTERMEDIATE: 14, Level.ADVANCED: 18}
_GOAL_VOLUME_SHIFT = {Goal.MUSCLE: 2, Goal.STRENGTH: 0, Goal.ENDURANCE: 0, Goal.POSTURE: -2}


def weekly_sets_target(goal: Goal, level: Level) -> int:
    return min(max(_WEEKLY_SETS[level] + _GOAL_VOLUME_SHIFT[goal], MIN_WEEKLY_SETS), MAX_WEEKLY_SETS)


MAX_SETS_PER_EXERCISE = {Level.BEGINNER: 4, Level.INTERMEDIATE: 5, Level.ADVANCED: 6}
"""ACSM 2009: novices start with 1-3 sets per exercise, trained lifters progress to multiple
(3-6) sets."""
MIN_HARD_SETS_PER_EXERCISE = 2
"""Sessions are not trimmed below two working sets of an exercise; below that the session
stops being worth the set-up."""

# ACSM 2009: train a muscle group 2-3 days a week as a novice, up to 4 with more experience,
# leaving about 48 h before the same muscles work hard again. Extra days become mobility days.
TRAINING_DAYS_CAP = {Level.BEGINNER: 3, Level.INTERMEDIATE: 4, Level.ADVANCED: 4}

# Bell et al. 2023: trained lifters deload roughly every 4-8 weeks, more often the harder and
# more advanced the training; beginners recover faster relative to their loads.
DELOAD_EVERY_WEEKS = {Level.BEGINNER: 6, Level.INTERMEDIATE: 5, Level.ADVANCED: 4}
DELOAD_SET_FRACTION = 0.5
"""Bell et al. 2023: deloads most often halve the number of sets while keeping the weights."""
