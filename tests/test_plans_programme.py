"""Programmes: property tests over many profiles (time, weekly volume, equipment, clear errors),
the deload schedule, desk breaks and storage as a JSON document."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from upperback.library import Equipment, Level, get_library, variant_fits
from upperback.plans.dose import KEY_BACK_MUSCLES, MAX_WEEKLY_SETS, MIN_WEEKLY_SETS, ExerciseClass
from upperback.plans.examples import EXAMPLE_PROFILES
from upperback.plans.models import Programme
from upperback.plans.profile import LOADED_HINGE, Goal, Profile
from upperback.plans.programme import build_programme
from upperback.plans.session import ImpossibleProfileError

LIBRARY = get_library()
NOW = datetime(2030, 1, 6, 12, 0, tzinfo=UTC)
AVOIDABLE = [
    LOADED_HINGE,
    "reverse-fly",
    "farmers-carry",
    "cat-cow",
    "bent-over-row",
    "one-arm-chair-supported",
    "band-pull-apart",
    "side-lying-open-book",
    "barbell-bent-over-row",
]
ACTIONABLE = re.compile(r"--minutes \d+|--days \d+|add '|avoid|equipment")


@st.composite
def profiles(draw) -> Profile:
    kit = draw(st.sets(st.sampled_from([e for e in Equipment if e is not Equipment.NONE]), min_size=1, max_size=6))
    weights = st.lists(
        st.sampled_from([1, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32]), min_size=1, max_size=7, unique=True
    )
    data = {
        "equipment": sorted(kit) or ["none"],
        "dumbbell_kg": draw(weights) if Equipment.DUMBBELLS in kit else [],
        "kettlebell_kg": draw(weights) if Equipment.KETTLEBELL in kit else [],
        "bands": (
            draw(st.sampled_from([[], ["light"], ["light", "medium", "heavy"]]))
            if Equipment.RESISTANCE_BAND in kit
            else []
        ),
        "level": draw(st.sampled_from(list(Level))),
        "goal": draw(st.sampled_from(list(Goal))),
        "days_per_week": draw(st.integers(2, 7) | st.just(1)),
        "minutes_per_session": draw(st.integers(15, 90) | st.integers(4, 14)),
        "desk_worker": draw(st.booleans()),
        "avoid": sorted(draw(st.sets(st.sampled_from(AVOIDABLE), max_size=2))),
    }
    return Profile.model_validate(data)


def check_programme(profile: Profile, programme: Programme) -> None:
    """Everything a sound programme must satisfy."""
    limit = profile.minutes_per_session * 60
    owned = {"dumbbell": profile.dumbbell_kg, "kettlebell": profile.kettlebell_kg}
    for week in programme.weeks:
        for day in week.days:
            session = day.session
            assert session.seconds <= limit, f"{session.title}: {session.seconds} s > {limit} s"
            ranks = [
                [ExerciseClass.MOBILITY, ExerciseClass.COMPOUND, ExerciseClass.ISOLATION, ExerciseClass.CARRY].index(
                    item.exercise_class
                )
                for item in session.items
            ]
            assert ranks == sorted(ranks), "warm-up, compound, isolation, carry"
            for item in session.items:
                movement, variant = LIBRARY.variant(item.variant_id)
                assert variant_fits(variant, profile.equipment_set), item.variant_id
                assert not profile.avoids(movement, variant), item.variant_id
                if item.load and item.load.implement in owned:
                    assert item.load.kg in owned[item.load.implement]
                if item.load and item.load.band:
                    assert item.load.band in profile.band_names
        key = min(week.back_sets.get(m, 0.0) for m in KEY_BACK_MUSCLES)
        assert max(week.back_sets.values()) <= MAX_WEEKLY_SETS
        if week.deload:
            normal = [w for w in programme.weeks if not w.deload]
            if normal:
                assert key < min(w.back_sets[KEY_BACK_MUSCLES[0]] for w in normal)
        else:
            assert MIN_WEEKLY_SETS <= key <= MAX_WEEKLY_SETS, f"week {week.number}: {key} hard sets"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles(), weeks=st.integers(1, 7))
def test_every_plan_is_sound_or_the_profile_gets_a_clear_message(profile, weeks):
    try:
        programme = build_programme(profile, weeks, now=NOW)
    except ImpossibleProfileError as exc:
        assert ACTIONABLE.search(str(exc)), str(exc)
        return
    assert len(programme.weeks) == weeks
    check_programme(profile, programme)


@pytest.mark.parametrize("key", sorted(EXAMPLE_PROFILES))
def test_example_profiles_give_sound_six_week_plans(key):
    profile = EXAMPLE_PROFILES[key][1]
    programme = build_programme(profile, 6, now=NOW)
    check_programme(profile, programme)


@pytest.mark.parametrize(("level", "every"), [("beginner", 6), ("intermediate", 5), ("advanced", 4)])
def test_deloads_come_on_schedule_by_level(level, every):
    profile = Profile.model_validate({"equipment": ["resistance-band"], "level": level, "minutes_per_session": 30})
    programme = build_programme(profile, 12, now=NOW)
    assert [w.number for w in programme.weeks if w.deload] == list(range(every, 13, every))
    for week in programme.weeks:
        if week.deload:
            assert week.rir == 4 and "Bell et al. 2023" in week.deload_reason


def test_effort_rises_within_a_block():
    programme = build_programme(EXAMPLE_PROFILES["intermediate-barbell"][1], 5, now=NOW)
    rirs = [w.rir for w in programme.weeks]
    assert rirs[:4] == sorted(rirs[:4], reverse=True) and rirs[0] > rirs[3]


def test_extra_days_become_mobility_days_with_48_hours_between_hard_days():
    programme = build_programme(EXAMPLE_PROFILES["advanced-lifter"][1], 1, now=NOW)
    days = programme.weeks[0].days
    training = [d.offset_days for d in days if d.session.kind == "training"]
    assert len(days) == 5 and len(training) == 4
    assert all(b - a >= 2 for a, b in zip(training, training[1:], strict=False))
    assert any("mobility" in note for note in programme.notes)


def test_desk_workers_get_short_breaks_with_seated_drills():
    programme = build_programme(EXAMPLE_PROFILES["desk-worker-band"][1], 1, now=NOW)
    assert programme.desk_breaks
    for routine in programme.desk_breaks:
        assert routine.seconds <= 180
        for item in routine.items:
            assert not item.hard
    used = {item.variant_id for routine in programme.desk_breaks for item in routine.items}
    assert {"seated-thoracic-rotation", "seated-cat-cow", "band-pull-apart"} <= used
    assert not build_programme(EXAMPLE_PROFILES["intermediate-barbell"][1], 1, now=NOW).desk_breaks


def test_every_rule_names_its_source():
    programme = build_programme(EXAMPLE_PROFILES["desk-worker-band"][1], 1, now=NOW)
    assert {rule.topic for rule in programme.rules} >= {
        "Order",
        "Weekly volume",
        "Double progression",
        "Effort",
        "Deload",
        "Desk breaks",
    }
    assert all(re.search(r"(19|20)\d\d", rule.source) for rule in programme.rules)


def test_programme_is_a_json_document_that_loads_back():
    programme = build_programme(EXAMPLE_PROFILES["advanced-lifter"][1], 2, now=NOW)
    document = json.loads(json.dumps(programme.model_dump(mode="json")))
    assert Programme.model_validate(document) == programme


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"equipment": ["dumbbells", "chair"], "dumbbell_kg": [5, 10], "days_per_week": 1}, "--days 2"),
        ({"equipment": ["resistance-band"], "minutes_per_session": 9, "days_per_week": 2}, "--minutes 12"),
        ({"equipment": ["resistance-band"], "minutes_per_session": 5}, "--minutes 10"),
    ],
)
def test_too_little_time_or_volume_says_what_to_change(data, expected):
    with pytest.raises(ImpossibleProfileError) as info:
        build_programme(Profile.model_validate(data), 2, now=NOW)
    assert expected in str(info.value)
    assert "Schoenfeld" in str(info.value) or "too short" in str(info.value)


def test_weeks_out_of_range_are_refused():
    with pytest.raises(Exception, match="1 to 26 weeks"):
        build_programme(EXAMPLE_PROFILES["desk-worker-band"][1], 0)


def test_docs_plans_md_is_generated_from_the_code():
    from pathlib import Path

    from upperback.plans.examples import examples_document

    page = Path(__file__).resolve().parents[1] / "docs" / "plans.md"
    assert page.read_text() == examples_document(), "run tools/make_plans_doc.py"
