"""The training profile: validation with actionable messages, and persistence in the store."""

from __future__ import annotations

import pytest

from upperback.errors import UpperbackError
from upperback.library import Equipment, Level
from upperback.plans.profile import LOADED_HINGE, Goal, Profile, parse_profile, update_profile


def test_defaults_are_a_valid_profile():
    profile = parse_profile({})
    assert profile.equipment == [Equipment.NONE]
    assert profile.level is Level.BEGINNER and profile.goal is Goal.POSTURE


def test_weights_are_sorted_and_deduplicated():
    profile = parse_profile({"equipment": ["dumbbells"], "dumbbell_kg": [8, 2, 4, 8]})
    assert profile.dumbbell_kg == [2.0, 4.0, 8.0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"equipment": ["dumbbells"]}, "--dumbbell-kg"),
        ({"dumbbell_kg": [4]}, "'dumbbells' is not in your equipment"),
        ({"equipment": ["none", "chair"]}, "'none' cannot be combined"),
        ({"equipment": ["band"]}, "got 'band'"),
        ({"equipment": ["dumbbells"], "dumbbell_kg": [-3]}, "not a usable weight"),
        ({"bands": ["light"]}, "'resistance-band' is not in your equipment"),
        ({"avoid": ["bent-over-rwo"]}, "Did you mean 'bent-over-row'"),
        ({"days_per_week": 9}, "days_per_week"),
        ({"minutes_per_session": 0}, "minutes_per_session"),
        ({"goal": "bulk"}, "goal"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_profiles_name_the_field_and_the_fix(data, expected):
    with pytest.raises(UpperbackError) as info:
        parse_profile(data)
    assert expected in str(info.value)
    assert str(info.value).startswith("The profile is not valid.")


def test_avoid_accepts_movements_variants_and_loaded_hinge():
    profile = parse_profile({"avoid": ["Reverse-Fly", "suitcase-carry", LOADED_HINGE]})
    assert profile.avoid == ["reverse-fly", "suitcase-carry", LOADED_HINGE]
    assert profile.avoids_loaded_hinge


def test_band_names_default_to_one_unnamed_band():
    assert parse_profile({"equipment": ["resistance-band"]}).band_names == ["your band"]
    assert parse_profile({}).band_names == []


def test_update_profile_validates_the_result():
    profile = parse_profile({"equipment": ["dumbbells"], "dumbbell_kg": [4]})
    assert update_profile(profile, minutes_per_session=45).minutes_per_session == 45
    with pytest.raises(UpperbackError, match="days_per_week"):
        update_profile(profile, days_per_week=0)


def test_profile_round_trips_through_the_store(tmp_path):
    from upperback.store import open_store

    profile = parse_profile(
        {
            "equipment": ["dumbbells", "chair"],
            "dumbbell_kg": [2.5, 5],
            "level": "intermediate",
            "goal": "strength",
            "avoid": [LOADED_HINGE],
            "desk_worker": True,
        }
    )
    with open_store("sqlite:///" + str(tmp_path / "t.db")) as store:
        store.save_profile(profile.model_dump(mode="json"))
    with open_store("sqlite:///" + str(tmp_path / "t.db")) as store:
        assert Profile.model_validate(store.load_profile()) == profile
