"""Progressive overload from the training log: double progression, home ladders, deload signals.

Rules and sources:

- Double progression (ACSM 2009 progression position stand: increase the load by 2-10 %
  when the current load can be lifted for one or two reps more than the target on two
  consecutive sessions; here, more conservatively, the next owned weight once *every* working
  set of the last session reached the top of the rep range).
- Without weights to add (bands, body weight, the heaviest dumbbell already), overload comes
  from a harder band, then a slower tempo (longer time under tension), then the next harder
  variant of the movement by its library ``difficulty`` (ACSM 2009 lists tempo and exercise
  selection among the progression variables).
- Effort: logged RIR, or RPE converted with RPE = 10 - RIR (Helms et al. 2016; Zourdos et al.
  2016), refines the call: sets ground out at RPE 9.5-10 below the range reduce the load,
  sets left far from failure are noted.
- A performance drop over two sessions running is a signal to deload (Bell et al. 2023); deload
  sessions themselves are left out of that comparison and of the progression decision.
- Like is compared with like: the same variant (for imported names without one, the same name,
  which carries the equipment: ``Bent Over Row (Barbell)`` is not ``Dumbbell Row``), so 60 kg
  barbell rows in an imported history never make 5 kg dumbbell rows look like a drop.

Progression only ever moves one step: one weight, one band, one tempo step or one variant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from upperback.plans.dose import MAX_TEMPO_STEPS, Span
from upperback.plans.loads import load_steps, snap
from upperback.plans.profile import Profile

if TYPE_CHECKING:
    from upperback.plans.models import Implement
    from upperback.store.records import LoggedSet

WORKING_SET_TYPES = ("normal", "failure")
DROP_FRACTION = 0.95
"""A session counts as a drop when its best set is more than 5 % below the recent best."""
HOUSEHOLD_STEP = "about 1 kg more (a litre of water or a few books)"


class Verdict(StrEnum):
    ADD = "add"
    HOLD = "hold"
    REDUCE = "reduce"


@dataclass(frozen=True)
class Assessment:
    verdict: Verdict
    reason: str


@dataclass(frozen=True)
class ExerciseState:
    """Where a user stands on one exercise: the variant, the weight or band, the tempo step."""

    variant_id: str
    kg: float | None = None
    band_index: int | None = None
    tempo_step: int = 0


@dataclass(frozen=True)
class Ladder:
    """The progression steps open to the user for one exercise.

    ``kg_steps`` are owned weights (empty for bands, household loads and body weight),
    ``band_count`` the number of bands, ``tempo_steps`` how many slower-tempo steps apply,
    ``harder`` maps a variant id to the next harder variant the user can do.
    """

    kg_steps: tuple[float, ...] = ()
    band_count: int = 0
    tempo_steps: int = MAX_TEMPO_STEPS
    harder: tuple[tuple[str, str], ...] = ()
    household: bool = False

    def next_variant(self, variant_id: str) -> str | None:
        return dict(self.harder).get(variant_id)


# --------------------------------------------------------------------------- notes on sets

NOTE_KEYS = ("band", "tempo", "deload")


def set_notes(band: str | None = None, tempo_step: int = 0, deload: bool = False) -> str:
    """The note a guided session writes on a set so later sessions can read the band, the tempo
    step and whether it was a deload session, e.g. ``band=medium; tempo=+1``."""
    parts = []
    if band:
        parts.append(f"band={band}")
    if tempo_step:
        parts.append(f"tempo=+{tempo_step}")
    if deload:
        parts.append("deload=yes")
    return "; ".join(parts)


def parse_notes(notes: str) -> dict[str, str]:
    """The keys of :func:`set_notes` found in a note (any other text is ignored)."""
    found = {}
    for part in notes.split(";"):
        key, sep, value = part.strip().partition("=")
        if sep and key in NOTE_KEYS:
            found[key] = value.strip()
    return found


def is_deload(sets: Sequence[LoggedSet]) -> bool:
    """Whether a session's sets were logged in a deload session."""
    return any(parse_notes(s.notes).get("deload") == "yes" for s in sets)


# --------------------------------------------------------------------------- reading the log


def working_sets(sets: Iterable[LoggedSet]) -> list[LoggedSet]:
    return [s for s in sets if s.set_type in WORKING_SET_TYPES]


def set_rir(s: LoggedSet) -> float | None:
    """Reps in reserve, logged directly or from RPE (RPE = 10 - RIR)."""
    if s.rir is not None:
        return s.rir
    if s.rpe is not None:
        return max(10.0 - s.rpe, 0.0)
    return None


def sessions_of(
    sets: Iterable[LoggedSet], variant_ids: set[str] | None = None, movement_id: str | None = None
) -> list[list[LoggedSet]]:
    """Working sets grouped by training session (session id, else calendar day), oldest first."""
    groups: dict[object, list[LoggedSet]] = {}
    for s in sorted(working_sets(sets), key=lambda s: s.performed_at):
        if movement_id is not None and s.exercise_id != movement_id:
            continue
        if variant_ids is not None and s.variant_id not in variant_ids:
            continue
        key = ("session", s.session_id) if s.session_id is not None else ("day", s.performed_at.date())
        groups.setdefault(key, []).append(s)
    return sorted(groups.values(), key=lambda group: group[0].performed_at)


def state_from_sets(sets: Sequence[LoggedSet], bands: Sequence[str], kg_steps: Sequence[float]) -> ExerciseState:
    """The state a session's sets show: their variant, top weight (snapped to an owned one),
    band and tempo step."""
    last = sets[-1]
    notes = parse_notes(last.notes)
    kgs = [kg for kg in (s.load_kg for s in sets) if kg is not None]
    kg = snap(max(kgs), list(kg_steps)) if kgs and kg_steps else None
    band_index = bands.index(notes["band"]) if notes.get("band") in bands else None
    tempo = notes.get("tempo", "+0").lstrip("+")
    return ExerciseState(
        variant_id=last.variant_id or "",
        kg=kg,
        band_index=band_index,
        tempo_step=min(int(tempo) if tempo.isdigit() else 0, MAX_TEMPO_STEPS),
    )


# --------------------------------------------------------------------------- the decision


def assess(sets: Sequence[LoggedSet], work: Span, unit: str, rir_target: int | None) -> Assessment:
    """Double progression with an effort check, judged on the last session's working sets."""
    measured = [(s.reps if unit == "reps" else s.duration_s) for s in working_sets(sets)]
    done = [value for value in measured if value is not None]
    label = "reps" if unit == "reps" else "seconds"
    if not done:
        return Assessment(Verdict.HOLD, "Nothing measurable was logged last time; repeat the same load.")
    rirs = [r for r in (set_rir(s) for s in working_sets(sets)) if r is not None]
    shown = ", ".join(f"{value:g}" for value in done)
    if all(value >= work.high for value in done):
        easy = rirs and min(rirs) >= (rir_target or 0) + 2
        spare = f" with {min(rirs):g}+ reps to spare" if easy else ""
        return Assessment(
            Verdict.ADD,
            f"Every set reached the top of the range ({shown} {label}{spare}): move up one step (double progression).",
        )
    short = sum(value < work.low for value in done)
    if short * 2 >= len(done):
        if rirs and min(rirs) >= 2:
            return Assessment(
                Verdict.HOLD,
                f"Sets stopped below {work.low} {label} with reps still in "
                "reserve; same load, and push each set to the planned effort.",
            )
        if not rirs or max(rirs) <= 1:
            return Assessment(
                Verdict.REDUCE,
                f"Most sets fell short of {work.low} {label} ({shown}) at full effort: go down one step and rebuild.",
            )
    mean_rir = sum(rirs) / len(rirs) if rirs else None
    if rir_target is not None and mean_rir is not None and mean_rir < rir_target - 1:
        return Assessment(
            Verdict.HOLD,
            f"Last time was harder than planned (about RPE {10 - mean_rir:.1f} "
            f"against {10 - rir_target:g}); same load, aim for the same {label} "
            "with cleaner form.",
        )
    return Assessment(Verdict.HOLD, f"Same load; add {label} until every set reaches {work.high} (last time {shown}).")


def advance(state: ExerciseState, verdict: Verdict, ladder: Ladder) -> tuple[ExerciseState, str]:
    """The next state after a verdict, exactly one step away (or unchanged), and what changed."""
    if verdict is Verdict.HOLD:
        return state, "same as last time"
    steps = list(ladder.kg_steps)
    if verdict is Verdict.ADD:
        if ladder.household:
            return state, f"add {HOUSEHOLD_STEP}"
        if steps and state.kg is not None and steps.index(snap(state.kg, steps)) + 1 < len(steps):
            heavier = steps[steps.index(snap(state.kg, steps)) + 1]
            return replace(state, kg=heavier), f"next weight up: {heavier:g} kg"
        if ladder.band_count and state.band_index is not None and state.band_index + 1 < ladder.band_count:
            return replace(state, band_index=state.band_index + 1), "next stronger band"
        if state.tempo_step < ladder.tempo_steps:
            return replace(state, tempo_step=state.tempo_step + 1), "slower tempo: one more second lowering"
        harder = ladder.next_variant(state.variant_id)
        if harder is not None:
            return replace(state, variant_id=harder, tempo_step=0), "next harder variant"
        return state, "top of what your equipment allows: a heavier weight or band would let you keep progressing"
    # REDUCE: undo the most recent kind of step first.
    if ladder.household:
        return state, f"take out {HOUSEHOLD_STEP}"
    if state.tempo_step > 0:
        return replace(state, tempo_step=state.tempo_step - 1), "back one tempo step"
    if steps and state.kg is not None and steps.index(snap(state.kg, steps)) > 0:
        lighter = steps[steps.index(snap(state.kg, steps)) - 1]
        return replace(state, kg=lighter), f"one weight down: {lighter:g} kg"
    if state.band_index:
        return replace(state, band_index=state.band_index - 1), "one band lighter"
    return state, "already at the lightest option; keep the load and rebuild the reps"


def step_distance(before: ExerciseState, after: ExerciseState, ladder: Ladder) -> int:
    """How many progression steps separate two states (used to check one-step moves)."""
    steps = list(ladder.kg_steps)
    distance = 0
    if before.kg is not None and after.kg is not None and steps:
        distance += abs(steps.index(snap(after.kg, steps)) - steps.index(snap(before.kg, steps)))
    if before.band_index is not None and after.band_index is not None:
        distance += abs(after.band_index - before.band_index)
    distance += abs(after.tempo_step - before.tempo_step) if before.variant_id == after.variant_id else 0
    distance += before.variant_id != after.variant_id
    return distance


# --------------------------------------------------------------------------- deload signal


def session_score(sets: Sequence[LoggedSet]) -> float:
    """The session's best set as an estimated one-rep max (Epley), counting reps in reserve as
    reps the lifter could have done; for timed sets, load x seconds."""
    best = 0.0
    for s in working_sets(sets):
        kg = s.load_kg or 1.0
        if s.reps is not None:
            reps = s.reps + (set_rir(s) or 0.0)
            best = max(best, kg * (1 + reps / 30))
        elif s.duration_s is not None:
            best = max(best, kg * s.duration_s)
    return best


def like_key(s: LoggedSet) -> str:
    """What makes two sets of a movement comparable: the variant, else the name (with its equipment)."""
    return s.variant_id or " ".join(s.exercise_name.lower().split())


def _signature(sets: Sequence[LoggedSet]) -> tuple:
    notes = parse_notes(sets[-1].notes)
    return (like_key(sets[-1]), notes.get("band"), notes.get("tempo"))


def performance_drop(history: Iterable[LoggedSet], movement_ids: Sequence[str]) -> str | None:
    """Why a deload is due now, or ``None``: the last two sessions of a strength movement were
    both clearly below the best of the sessions before them, done the same way."""
    history = list(history)
    for movement_id in movement_ids:
        done = working_sets(s for s in history if s.exercise_id == movement_id)
        if not done:
            continue
        latest = like_key(max(done, key=lambda s: s.performed_at))
        sessions = sessions_of([s for s in done if like_key(s) == latest], movement_id=movement_id)
        if any(is_deload(group) for group in sessions[-3:]):
            continue  # a deload was just taken: give it time to work
        sessions = [group for group in sessions if not is_deload(group)]
        if len(sessions) < 3:
            continue
        signature = _signature(sessions[-1])
        same = [group for group in sessions if _signature(group) == signature][-6:]
        if len(same) < 3:
            continue
        earlier_best = max(session_score(group) for group in same[:-2])
        recent = [session_score(group) for group in same[-2:]]
        if earlier_best > 0 and all(score < DROP_FRACTION * earlier_best for score in recent):
            drop = 1 - max(recent) / earlier_best
            return (
                f"Your {movement_id.replace('-', ' ')} fell about {math.floor(drop * 100)} % below "
                "your recent best in each of the last two sessions: a deload week lets you recover."
            )
    return None


def ladder_for(profile: Profile, implement: Implement, harder: dict[str, str], has_tempo: bool) -> Ladder:
    """The steps open to one exercise for this profile."""
    return Ladder(
        kg_steps=tuple(load_steps(profile, implement)),
        band_count=len(profile.band_names) if implement == "band" else 0,
        tempo_steps=MAX_TEMPO_STEPS if has_tempo else 0,
        harder=tuple(harder.items()),
        household=implement == "household",
    )
