"""The packaged library is complete, consistent and covers the content brief."""

from __future__ import annotations

import re

import pytest

from upperback.library import Equipment, Role, get_library
from upperback.library.models import VariantKind

MOVEMENT_IDS = {"thoracic-rotation", "bent-over-row", "reverse-fly", "farmers-carry", "cat-cow"}

REQUIRED_FAULTS = {
    "bent-over-row": {
        "torso_too_upright",
        "rounded_back",
        "arched_lower_back",
        "torso_swing",
        "shrugging",
        "neck_not_neutral",
        "partial_range",
        "fast_lowering",
        "stood_up_mid_set",
    },
    "reverse-fly": {
        "arms_short_of_line",
        "elbows_locked",
        "torso_swing",
        "neck_jerk",
        "fast_lowering",
        "arched_lower_back",
        "torso_too_upright",
    },
    "farmers-carry": {"leaning_sideways", "leaning_forward", "shrugging", "head_forward", "stooped_pickup"},
    "cat-cow": {"small_range", "hands_not_under_shoulders", "knees_not_under_hips"},
    "thoracic-rotation": {"small_rotation", "top_knee_drifted", "head_not_following"},
}

SCAPULAR_ACTIONS = {
    "scapular-elevation",
    "scapular-depression",
    "scapular-retraction",
    "scapular-protraction",
    "scapular-upward-rotation",
    "scapular-downward-rotation",
}

THRESHOLD_UNITS = ("_deg", "_s", "_m", "_px", "_ratio", "_fraction", "_probability", "_hz", "_count", "_steps")

REQUIRED_MUSCLES = {
    "trapezius-upper",
    "trapezius-middle",
    "trapezius-lower",
    "rhomboids",
    "rotator-cuff",
    "rear-deltoid",
    "erector-spinae",
    "core",
}


@pytest.fixture(scope="module")
def library():
    return get_library()


def test_all_five_movements_present(library):
    assert {m.id for m in library.movements} == MOVEMENT_IDS


@pytest.mark.parametrize("movement_id", sorted(MOVEMENT_IDS))
def test_movement_is_complete(library, movement_id):
    m = library.movement(movement_id)
    assert m.purpose and m.steps and m.safety and m.camera.advice
    assert any(u.role is Role.TARGET for u in m.muscles)
    kinds = {v.kind for v in m.variants}
    assert VariantKind.STANDARD in kinds
    assert kinds & {VariantKind.EASIER, VariantKind.HOME}, "needs an easier or home option"
    assert VariantKind.HARDER in kinds or VariantKind.HOME in kinds
    assert {f.code for f in m.faults} >= REQUIRED_FAULTS[movement_id]


@pytest.mark.parametrize("movement_id", sorted(MOVEMENT_IDS))
def test_every_fault_has_cue_and_enforces_a_safety_cue(library, movement_id):
    m = library.movement(movement_id)
    cue_ids = {c.id for c in m.safety}
    for fault in m.faults:
        assert len(fault.cue.split()) >= 4, f"{fault.code}: cue too short to act on"
        assert fault.enforces in cue_ids
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", fault.code)
        for key in fault.thresholds:
            assert key.endswith(THRESHOLD_UNITS), f"{fault.code}: threshold '{key}' names no unit"


@pytest.mark.parametrize("movement_id", sorted(MOVEMENT_IDS))
def test_every_safety_cue_is_enforced_or_coaching_only(library, movement_id):
    m = library.movement(movement_id)
    enforced = {f.enforces for f in m.faults}
    for cue in m.safety:
        assert cue.coaching_only or cue.id in enforced, cue.id


def test_anatomy_covers_the_brief(library):
    muscle_ids = {m.id for m in library.muscles}
    assert muscle_ids >= REQUIRED_MUSCLES
    assert {a.id for a in library.actions} >= SCAPULAR_ACTIONS
    trapezius = [m for m in library.muscles if m.group == "Trapezius"]
    assert {m.id for m in trapezius} == {"trapezius-upper", "trapezius-middle", "trapezius-lower"}
    upper = library.muscle("trapezius-upper")
    assert {"scapular-elevation", "neck-rotation"} <= set(upper.actions)
    assert upper.desk_note, "the brief's desk-sitting note on the upper traps must be taught"
    assert "scapular-retraction" in library.muscle("rhomboids").actions


def test_every_muscle_is_trained_by_some_movement(library):
    for muscle in library.muscles:
        assert library.movements_for_muscle(muscle.id), muscle.id


def test_named_variants_are_first_class(library):
    for variant_id, movement_id in [
        ("one-arm-chair-supported", "bent-over-row"),
        ("band-pull-apart", "reverse-fly"),
        ("suitcase-carry", "farmers-carry"),
    ]:
        movement, variant = library.variant(variant_id)
        assert movement.id == movement_id
    _, chair_row = library.variant("one-arm-chair-supported")
    assert chair_row.kind is VariantKind.EASIER
    _, pull_apart = library.variant("band-pull-apart")
    assert [n.any_of for n in pull_apart.needs] == [[Equipment.RESISTANCE_BAND]]


def test_before_lifting_guidance_and_supplements_faq(library):
    text = " ".join(g.title + " " + g.text for g in library.guidance.before_lifting).lower()
    for word in ("core", "film", "thoracic"):
        assert word in text
    answer = " ".join(library.faq_entry("supplements").answer).lower()
    assert "doctor" in answer and "not" in answer and "review" in answer


def test_camera_views_match_how_the_movement_is_filmed(library):
    assert library.movement("bent-over-row").camera.preferred_view.value == "side"
    assert library.movement("cat-cow").camera.preferred_view.value == "side"
    for m in library.movements:
        for fault in m.faults:
            views = set(fault.views)
            assert views & {m.camera.preferred_view, *m.camera.acceptable_views}, (
                f"{m.id}/{fault.code} cannot be judged in any view the user is told to film"
            )
