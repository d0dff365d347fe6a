"""Other apps' exercise names: plain ones mapped on import, related ones suggested, unrelated ones left alone."""

from __future__ import annotations

import pytest

from upperback.library import get_library
from upperback.logbook.exercise_names import NameMatcher


@pytest.fixture(scope="module")
def matcher():
    return NameMatcher(get_library())


@pytest.mark.parametrize(
    ("name", "movement", "variant"),
    [
        ("Chest Supported Incline Row (Dumbbell)", "bent-over-row", "chest-supported-row"),
        ("Rear Delt Reverse Fly (Machine)", "reverse-fly", None),
        ("Bent Over One Arm Row (Dumbbell)", "bent-over-row", "one-arm-chair-supported"),
        ("Pendlay Row", "bent-over-row", "pendlay-row"),
        ("Bent Over Rows (Dumbbells)", "bent-over-row", "dumbbell-bent-over-row"),
        ("Dumbbell Row", "bent-over-row", "dumbbell-bent-over-row"),
        ("Band Pull Apart", "reverse-fly", "band-pull-apart"),
        ("Farmers Walk (Kettlebell)", "farmers-carry", "dumbbell-farmers-carry"),
    ],
)
def test_plain_names_are_mapped_on_import_with_their_variant(matcher, name, movement, variant):
    found = matcher.match(name)
    assert (found.exercise_id, found.variant_id) == (movement, variant)


@pytest.mark.parametrize(
    "name",
    [
        "Seated Leg Curl (Machine)",
        "Pull Up",
        "Lateral Raise (Dumbbell)",
        "Upright Row (Cable)",
        "Chest Fly",
        "Rowing (Machine)",
        "Knee Raise (Captain's Chair)",
        "Walking Lunges",
        "Bench Press (Barbell)",
        "Face Pull (Cable)",
    ],
)
def test_unrelated_names_get_neither_a_match_nor_a_suggestion(matcher, name):
    assert matcher.match(name) is None and matcher.candidates(name) == []


@pytest.mark.parametrize(
    ("name", "movement"),
    [
        ("Seated Row (Cable)", "bent-over-row"),
        ("T Bar Row", "bent-over-row"),
        ("Inverted Row", "bent-over-row"),
        ("Reverse Fly Single Arm (Cable)", "reverse-fly"),
    ],
)
def test_related_setups_are_suggested_but_not_mapped_without_the_user(matcher, name, movement):
    assert matcher.match(name) is None
    assert [c.exercise_id for c in matcher.candidates(name)] == [movement]
