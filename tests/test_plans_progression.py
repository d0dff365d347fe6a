"""Progression from the log: double progression, home ladders, effort, deload signals, and the
rule that a load never moves more than one step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upperback.plans.dose import Span
from upperback.plans.examples import EXAMPLE_PROFILES
from upperback.plans.profile import parse_profile
from upperback.plans.progression import (
    ExerciseState,
    Ladder,
    Verdict,
    advance,
    assess,
    parse_notes,
    performance_drop,
    set_notes,
    step_distance,
)
from upperback.plans.session import DayPlan, build_session
from upperback.store import LoggedSet

START = datetime(2030, 3, 4, 18, 0, tzinfo=UTC)
DAY = DayPlan(sets={"bent-over-row": 3, "reverse-fly": 3}, rir=2, weekly_sets=18)


def logged(
    reps,
    kg=None,
    *,
    variant="one-arm-chair-supported",
    movement="bent-over-row",
    session=1,
    rpe=None,
    rir=None,
    notes="",
    duration=None,
    when=START,
):
    """One logged session's working sets (one per entry of ``reps``)."""
    return [
        LoggedSet(
            performed_at=when + timedelta(minutes=i),
            exercise_id=movement,
            exercise_name=movement,
            variant_id=variant,
            set_index=i + 1,
            reps=r,
            load=kg,
            load_unit="kg" if kg is not None else None,
            rpe=rpe,
            rir=rir,
            notes=notes,
            duration_s=duration,
            session_id=session,
            source="session",
        )
        for i, r in enumerate(reps)
    ]


def item(session, movement):
    return next(i for i in session.items if i.movement_id == movement)


# --------------------------------------------------------------------------- the decision


@pytest.mark.parametrize(
    ("reps", "rpe", "verdict"),
    [
        ([12, 12, 12], None, Verdict.ADD),  # every set at the top of 8-12
        ([12, 12, 11], None, Verdict.HOLD),  # one set short: keep the weight
        ([9, 8, 8], None, Verdict.HOLD),  # inside the range: add reps first
        ([6, 5, 5], None, Verdict.REDUCE),  # most sets below the range
        ([6, 5, 5], 10, Verdict.REDUCE),  # ... at full effort
        ([6, 5, 5], 7, Verdict.HOLD),  # ... but stopped with reps in reserve
        ([10, 10, 9], 10, Verdict.HOLD),  # harder than planned
    ],
)
def test_double_progression_with_effort(reps, rpe, verdict):
    result = assess(logged(reps, 10, rpe=rpe), Span(8, 12), "reps", rir_target=2)
    assert result.verdict is verdict
    assert result.reason


def test_harder_than_planned_is_explained():
    result = assess(logged([10, 9, 9], 10, rpe=10), Span(8, 12), "reps", rir_target=2)
    assert "harder than planned" in result.reason


def test_notes_round_trip():
    assert parse_notes(set_notes("medium", 2)) == {"band": "medium", "tempo": "+2"}
    assert parse_notes("felt good") == {}


# --------------------------------------------------------------------------- the ladder


def test_ladder_steps_in_order_band_then_tempo_then_variant():
    ladder = Ladder(band_count=2, tempo_steps=2, harder=(("a", "b"),))
    state = ExerciseState("a", band_index=0)
    path = []
    for _ in range(6):
        state, change = advance(state, Verdict.ADD, ladder)
        path.append((state.variant_id, state.band_index, state.tempo_step))
    assert path == [("a", 1, 0), ("a", 1, 1), ("a", 1, 2), ("b", 1, 0), ("b", 1, 1), ("b", 1, 2)]
    final, change = advance(state, Verdict.ADD, ladder)
    assert final == state and "top of what your equipment allows" in change


def test_reduce_undoes_the_latest_kind_of_step():
    ladder = Ladder(kg_steps=(4.0, 6.0, 8.0))
    assert advance(ExerciseState("a", kg=8.0, tempo_step=1), Verdict.REDUCE, ladder)[0].tempo_step == 0
    assert advance(ExerciseState("a", kg=8.0), Verdict.REDUCE, ladder)[0].kg == 6.0
    assert advance(ExerciseState("a", kg=4.0), Verdict.REDUCE, ladder)[0].kg == 4.0


@settings(max_examples=300, deadline=None)
@given(
    kg_steps=st.lists(st.sampled_from([1.0, 2.0, 2.5, 4.0, 5.0, 8.0, 10.0, 20.0]), unique=True, max_size=6).map(sorted),
    band_count=st.integers(0, 4),
    tempo_steps=st.integers(0, 2),
    with_harder=st.booleans(),
    kg_pick=st.integers(0, 5),
    band_pick=st.integers(0, 3),
    tempo=st.integers(0, 2),
    verdict=st.sampled_from(list(Verdict)),
)
def test_progression_never_jumps_more_than_one_step(
    kg_steps, band_count, tempo_steps, with_harder, kg_pick, band_pick, tempo, verdict
):
    ladder = Ladder(
        kg_steps=tuple(kg_steps),
        band_count=band_count,
        tempo_steps=tempo_steps,
        harder=(("a", "b"),) if with_harder else (),
    )
    state = ExerciseState(
        "a",
        kg=kg_steps[kg_pick % len(kg_steps)] if kg_steps else None,
        band_index=band_pick % band_count if band_count else None,
        tempo_step=min(tempo, tempo_steps),
    )
    after, change = advance(state, verdict, ladder)
    assert step_distance(state, after, ladder) <= 1
    if verdict is Verdict.HOLD:
        assert after == state
    assert change


# --------------------------------------------------------------------------- sessions from the log

PROFILE = EXAMPLE_PROFILES["beginner-light-dumbbells"][1]  # dumbbells 2, 3, 4, 5, 6, 8 kg


def test_top_of_range_moves_to_the_next_owned_dumbbell():
    row = item(build_session(PROFILE, DAY, logged([12, 12, 12], 6)), "bent-over-row")
    assert row.load.kg == 8.0, "the next weight the user owns, not 6 + 2.5"
    assert "double progression" in next(r.text for r in row.reasons if r.topic == "load")


def test_inside_the_range_keeps_the_load_and_falling_short_reduces_it():
    assert item(build_session(PROFILE, DAY, logged([10, 9, 8], 6)), "bent-over-row").load.kg == 6.0
    assert item(build_session(PROFILE, DAY, logged([5, 4, 4], 6, rpe=10)), "bent-over-row").load.kg == 5.0


def test_only_the_latest_session_counts():
    history = logged([12, 12, 12], 5, session=1) + logged([9, 8, 8], 6, session=2, when=START + timedelta(days=2))
    assert item(build_session(PROFILE, DAY, history), "bent-over-row").load.kg == 6.0


BAND_PROFILE = parse_profile(
    {"equipment": ["resistance-band"], "bands": ["light", "medium"], "level": "beginner", "goal": "posture"}
)


def test_band_user_moves_to_the_stronger_band_then_slower_tempo():
    band_row = "band-bent-over-row"
    first = item(
        build_session(BAND_PROFILE, DAY, logged([15, 15], variant=band_row, notes=set_notes("light"))), "bent-over-row"
    )
    assert first.load.band == "medium" and first.tempo_step == 0
    second = item(
        build_session(BAND_PROFILE, DAY, logged([15, 15], variant=band_row, notes=set_notes("medium"))), "bent-over-row"
    )
    assert second.load.band == "medium" and second.tempo_step == 1
    assert second.tempo.lower_s == 3, "one more second lowering"
    assert any("slower" in r.text for r in second.reasons if r.topic == "tempo")


def test_carry_progresses_by_time_then_load_then_a_harder_carry():
    carry = "dumbbell-farmers-carry"
    short = item(
        build_session(PROFILE, DAY, logged([None, None], 6, variant=carry, movement="farmers-carry", duration=35)),
        "farmers-carry",
    )
    assert short.load.kg == 6.0 and short.variant_id == carry
    heavier = item(
        build_session(PROFILE, DAY, logged([None, None], 6, variant=carry, movement="farmers-carry", duration=45)),
        "farmers-carry",
    )
    assert heavier.load.kg == 8.0
    slower = item(
        build_session(PROFILE, DAY, logged([None, None], 8, variant=carry, movement="farmers-carry", duration=45)),
        "farmers-carry",
    )
    assert (slower.load.kg, slower.variant_id) == (8.0, "slow-farmers-carry"), "heaviest owned: walk slower"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    reps=st.lists(st.integers(0, 20), min_size=1, max_size=5),
    kg=st.sampled_from(PROFILE.dumbbell_kg),
    rpe=st.one_of(st.none(), st.sampled_from([6, 7, 8, 9, 9.5, 10])),
    deload=st.booleans(),
)
def test_session_load_is_within_one_step_of_the_last_logged_load(reps, kg, rpe, deload):
    steps = PROFILE.dumbbell_kg
    row = item(
        build_session(PROFILE, DayPlan(sets=DAY.sets, rir=2, deload=deload), logged(reps, kg, rpe=rpe)), "bent-over-row"
    )
    assert abs(steps.index(row.load.kg) - steps.index(kg)) <= 1
    if deload:
        assert row.load.kg == kg


# --------------------------------------------------------------------------- deload signal


def _history(scores):
    history = []
    for n, top in enumerate(scores):
        history += logged([top, top - 1], 8, session=n + 1, when=START + timedelta(days=2 * n))
    return history


def test_two_weaker_sessions_in_a_row_call_for_a_deload():
    assert performance_drop(_history([10, 11, 12, 9, 9]), ["bent-over-row"]) is not None
    assert performance_drop(_history([10, 11, 12, 12, 11]), ["bent-over-row"]) is None
    assert performance_drop(_history([12, 9]), ["bent-over-row"]) is None, "too little history"


def test_a_drop_turns_the_next_session_into_a_deload():
    from upperback.plans.programme import build_programme
    from upperback.plans.today import next_session

    history = _history([10, 11, 12, 8, 8])
    programme = build_programme(PROFILE, weeks=2, history=history, now=START - timedelta(days=30))
    assert programme.weeks[0].deload and "fell" in programme.weeks[0].deload_reason
    assert not programme.weeks[1].deload
    today = next_session(programme, history)
    assert today.deload and item(today, "bent-over-row").rir == 4


def test_deload_sessions_are_neither_a_drop_nor_a_reason_to_add_load():
    history = _history([10, 11, 12, 8, 8])
    history += logged([6, 6], 8, session=9, notes=set_notes(deload=True), when=START + timedelta(days=20))
    assert performance_drop(history, ["bent-over-row"]) is None
    row = item(
        build_session(
            PROFILE,
            DAY,
            logged([12, 12, 12], 6, session=1)
            + logged([7, 7], 6, session=2, notes=set_notes(deload=True), when=START + timedelta(days=2)),
        ),
        "bent-over-row",
    )
    assert row.load.kg == 8.0, "judged on the last full session, not the easy deload one"


def test_barbell_history_in_the_same_workouts_never_makes_dumbbell_rows_a_drop():
    history = []
    for n in range(4):  # imported workouts with heavy barbell rows and light dumbbell rows together
        when = START - timedelta(days=30 - 3 * n)
        history += logged([8, 8], 60, variant="barbell-bent-over-row", session=100 + n, when=when)
        history += logged(
            [12, 12], 5, variant="dumbbell-bent-over-row", session=100 + n, when=when + timedelta(minutes=30)
        )
    for n in range(2):  # then two guided sessions of dumbbell rows alone
        history += logged(
            [12, 11], 5, variant="dumbbell-bent-over-row", session=200 + n, when=START + timedelta(days=2 * n)
        )
    assert performance_drop(history, ["bent-over-row"]) is None
    weaker = (
        history
        + logged([8, 7], 5, variant="dumbbell-bent-over-row", session=300, when=START + timedelta(days=5))
        + logged([8, 7], 5, variant="dumbbell-bent-over-row", session=301, when=START + timedelta(days=7))
    )
    assert performance_drop(weaker, ["bent-over-row"]) is not None, "a real drop of the same variant still counts"


def test_today_says_in_one_sentence_when_the_log_changed_the_session():
    from upperback.plans.programme import build_programme
    from upperback.plans.today import next_session

    programme = build_programme(PROFILE, weeks=2, history=[], now=START - timedelta(days=30))
    unchanged = next_session(programme, [])
    assert not any("your log" in note.lower() for note in unchanged.notes)
    history = _history([10, 11, 12, 8, 8])
    today = next_session(programme, history)
    assert today.deload and today.notes[0].startswith("Your log made today an easier (deload) session: Your")
