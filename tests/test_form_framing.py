"""Sets filmed close, the picture ending at the hips: the legs are out of it. Rows and flies do
not need them; the cat-cow's spine curve does (its pelvis half is the hip angle), so its cycles
are then counted on the head's angle alone, and the report says so."""

from __future__ import annotations

import pytest

from conftest import clip_track, needs_media, needs_wild_media, wild_track
from test_form_pace import ROWS, track_of
from test_live_replay import replay
from upperback.analysis import analyze
from upperback.evaluation.transforms import legs_out_of_picture
from upperback.pose.landmarks import Landmark


@needs_media
@needs_wild_media
@pytest.mark.parametrize(("folder", "row"), ROWS, ids=[row["file"] for _, row in ROWS])
def test_a_set_filmed_down_to_the_hips_counts_the_same(folder, row):
    track = track_of(folder, row)
    close = analyze(legs_out_of_picture(track), row["exercise"])
    assert close.rep_count == analyze(track, row["exercise"]).rep_count
    if row["exercise"] == "cat-cow":
        assert any("angle of the head" in warning for warning in close.quality.warnings)
        assert all(rep.metrics["range_deg"] > 0 for rep in close.reps)  # the head's swing, measured


@needs_media
def test_a_cat_cow_with_nothing_to_count_says_why():
    """With neither the knees nor the head seen, no cycle is counted and the report says what
    could not be measured, not just 0."""
    track = legs_out_of_picture(clip_track("cat_cow_home_side.mp4"))
    track.visibility[:, [Landmark.LEFT_EAR, Landmark.RIGHT_EAR]] = 0.05  # the head turned away too
    report = analyze(track, "cat-cow")
    assert report.rep_count == 0
    assert any(w.startswith("No rep was counted: the curve of the spine") for w in report.quality.warnings)


@needs_wild_media
def test_a_cat_cow_filmed_close_is_counted_live_as_offline():
    track = legs_out_of_picture(wild_track("cat_cow_side_2cycles.mp4"))
    live_set, _ = replay(track, "cat-cow")
    assert live_set.finish().reps == analyze(track, "cat-cow").rep_count == 2
