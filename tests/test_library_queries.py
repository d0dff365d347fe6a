"""Queries a coach asks of the library."""

from __future__ import annotations

import pytest

from upperback.errors import UnknownNameError
from upperback.library import Equipment, Role, get_library
from upperback.library.models import VariantKind


@pytest.fixture(scope="module")
def library():
    return get_library()


def test_rhomboids_are_targeted_by_row_and_reverse_fly(library):
    targeted = {m.id for m, role in library.movements_for_muscle("rhomboids", [Role.TARGET])}
    assert {"bent-over-row", "reverse-fly"} <= targeted
    assert "cat-cow" not in targeted


def test_muscle_lookup_accepts_names_case_insensitively(library):
    assert library.muscle("Upper Trapezius").id == "trapezius-upper"


def test_scapular_retraction_movements(library):
    ids = {m.id for m in library.movements_for_action("scapular-retraction")}
    assert {"bent-over-row", "reverse-fly", "farmers-carry"} <= ids


def test_spinal_flexion_is_cat_cow(library):
    assert "cat-cow" in {m.id for m in library.movements_for_action("spinal-flexion")}


def test_no_equipment_gives_only_bodyweight_variants(library):
    rows = library.variants_for_equipment([Equipment.NONE])
    assert rows, "warm-up and mobility work need no equipment"
    assert all(not v.needs for _, v in rows)
    assert {m.id for m, _ in rows} >= {"thoracic-rotation", "cat-cow"}


def test_band_only_gives_band_pull_apart_and_band_row(library):
    ids = {v.id for _, v in library.variants_for_equipment([Equipment.RESISTANCE_BAND])}
    assert "band-pull-apart" in ids
    assert "dumbbell-bent-over-row" not in ids
    assert "one-arm-chair-supported" not in ids


def test_chair_supported_row_needs_a_weight_and_a_chair(library):
    def ids(*equipment):
        return {v.id for _, v in library.variants_for_equipment(equipment)}

    assert "one-arm-chair-supported" not in ids(Equipment.CHAIR)
    assert "one-arm-chair-supported" not in ids(Equipment.DUMBBELLS)
    assert "one-arm-chair-supported" in ids(Equipment.DUMBBELLS, Equipment.CHAIR)
    assert "one-arm-chair-supported" in ids("household-objects", "chair")


def test_household_objects_cover_carry(library):
    rows = library.variants_for_equipment(["household-objects"], movement_id="farmers-carry")
    assert any(v.kind is VariantKind.HOME for _, v in rows)


def test_full_gym_fits_every_variant(library):
    every = library.variants_for_equipment(list(Equipment))
    assert len(every) == sum(len(m.variants) for m in library.movements)


def test_unknown_exercise_suggests_close_match(library):
    with pytest.raises(UnknownNameError, match="Did you mean 'bent-over-row'"):
        library.movement("bent-over-rows")


def test_unknown_equipment_is_rejected(library):
    with pytest.raises(ValueError):
        library.variants_for_equipment(["jetpack"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Bent Over Row", "bent-over-row"),
        ("bent_over_row", "bent-over-row"),
        ("Farmers Walk", "farmers-carry"),
        ("cat cow", "cat-cow"),
        ("Bench Press", None),
    ],
)
def test_resolve_exercise_name(library, text, expected):
    found = library.resolve_exercise_name(text)
    assert (found.id if found else None) == expected
