"""Variant ids in the analysis: a variant's thresholds apply, and faults it does not judge say why."""

from __future__ import annotations

import pytest

from conftest import needs_wild_media, wild_track
from upperback.analysis import analyze, frame_faults
from upperback.errors import UnknownNameError
from upperback.library import get_library


def test_variant_thresholds_replace_the_movements():
    library = get_library()
    movement, variant = library.analysis_target("barbell-bent-over-row")
    assert variant is not None and movement.id == "bent-over-row"
    base = library.movement("bent-over-row").fault("torso_too_upright").thresholds["max_torso_angle_deg"]
    barbell = movement.fault("torso_too_upright").thresholds["max_torso_angle_deg"]
    pendlay = library.analysis_target("pendlay-row")[0].fault("torso_too_upright").thresholds["max_torso_angle_deg"]
    assert pendlay < barbell < base
    assert library.analysis_target("bent-over-row") == (library.movement("bent-over-row"), None)


def test_unknown_variant_is_a_user_error_with_a_suggestion():
    with pytest.raises(UnknownNameError, match="barbell-bent-over-row"):
        get_library().analysis_target("barbell-bent-over-rows")


@needs_wild_media
def test_upright_barbell_row_is_too_upright_only_as_a_barbell_row():
    """The 1080p barbell row is hinged to about 50° above the floor: inside the dumbbell row's
    limit, well above a barbell row's."""
    track = wild_track("row_barbell_1080p.mp4")
    plain = analyze(track, "bent-over-row")
    barbell = analyze(track, "barbell-bent-over-row")
    assert barbell.variant == "barbell-bent-over-row" and plain.variant is None
    assert plain.rep_count == barbell.rep_count == 2
    assert "torso_too_upright" not in {f.code for f in plain.faults}
    upright = [f for f in barbell.faults if f.code == "torso_too_upright"]
    assert len(upright) == 2 and all(0.5 <= f.confidence < 1 for f in upright)
    assert (
        frame_faults(track, "barbell-bent-over-row")["torso_too_upright"].mean()
        > frame_faults(track, "bent-over-row")["torso_too_upright"].mean()
    )


@needs_wild_media
def test_pendlay_row_does_not_judge_quick_lowering():
    report = analyze(wild_track("row_barbell_oblique.mp4"), "pendlay-row")
    assert "fast_lowering" not in {f.code for f in report.faults}
    assert any(s.startswith("fast_lowering: not a fault in a Pendlay row") for s in report.quality.skipped_checks)


@needs_wild_media
def test_chest_supported_row_leaves_the_torso_angle_to_the_bench():
    track = wild_track("row_barbell_1080p.mp4")
    report = analyze(track, "chest-supported-row")
    assert not {"torso_too_upright", "stood_up_mid_set"} & {f.code for f in report.faults}
    assert any("bench sets the torso" in s for s in report.quality.skipped_checks)
    assert "torso_too_upright" not in frame_faults(track, "chest-supported-row")
